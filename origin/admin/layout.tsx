/**
 * The one page layout and the one way a screen answers: `render(c, { title, org, space, active },
 * <body/>)`. It gives every page the skip link, the landmarks (banner, navigation, main,
 * contentinfo), the organization / space switcher, the navigation the member's role allows
 * (nav.ts), the pending flash message, the fingerprinted CSS and JS (no inline script or style:
 * the CSP forbids them), and `Cache-Control: no-store` (pages hold the CSRF token).
 * An htmx request that targets part of a page gets only `body` (no layout): `fragment(c, body)`.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { api } from './api.js';
import { assetUrl } from './assets.js';
import type { AdminEnv, Me } from './env.js';
import { visibleNav } from './nav.js';
import { takeFlash, type Flash } from './security.js';
import { FlashMessage } from './ui.js';

/** htmx's settings (read from a <meta>, not a script): no eval, no injected <style>, no page snapshots in localStorage. */
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  selfRequestsOnly: true,
  scrollIntoViewOnBoost: false,
  defaultSettleDelay: 0,
});

export interface PageOptions {
  title: string;
  /** The organization the screen is in (its switcher and org-level nav). */
  org?: string | undefined;
  /** The space the screen is in (space-level nav). */
  space?: string | undefined;
  /** The nav entry to mark current (nav.ts `path`). */
  active?: string;
  /** HTTP status (e.g. 400 when re-showing a refused form). */
  status?: number;
  /** A narrow centred column (sign-in and the other account screens). */
  narrow?: boolean;
  /** A medium centred column without the side navigation (the account page). */
  medium?: boolean;
}

interface SpaceView {
  id: string;
  name: string;
}

/**
 * The organization's spaces for the switcher: the same read (same path) as screens that list them
 * (members, keys, support, the start page), so api.ts asks the API once per page for both.
 */
function spacesOf(c: Context<AdminEnv>, org: string): Promise<SpaceView[]> {
  return api(c)
    .get<{ data: SpaceView[] }>(`/v1/orgs/${encodeURIComponent(org)}/spaces`)
    .then((res) => (res.ok ? res.body.data : []));
}

/**
 * Starts the layout's read as soon as the member is known (me.ts), beside the screen's own reads
 * instead of after them — for a full page (a GET that is not an htmx swap) under an organization
 * the member belongs to (never a read the API would refuse: no refusal rows for a prefetch).
 */
export function prefetchLayout(c: Context<AdminEnv>, me: Me): void {
  if (c.req.method !== 'GET' || (c.req.header('hx-request') === 'true' && c.req.header('hx-target'))) return;
  // Organization ids are UUIDs: a segment that needs decoding is no member's organization.
  const org = /^\/admin\/o\/([0-9a-f-]{36})(?:\/|$)/.exec(c.req.path)?.[1];
  if (!org || !me.memberships.some((m) => m.organization_id === org)) return;
  void spacesOf(c, org).catch(() => undefined);
}

function Switcher(props: { me: Me; org: string; space: string | undefined; spaces: SpaceView[] }) {
  const orgs = new Map<string, string>();
  for (const m of props.me.memberships) orgs.set(m.organization_id, m.name);
  const current = props.space ? `/admin/o/${props.org}/s/${props.space}` : `/admin/o/${props.org}`;
  return (
    <form class="switcher" method="get" action="/admin/switch" aria-label="Organization and space">
      <label for="switch-to">Organization / space</label>
      <select id="switch-to" name="to">
        {[...orgs].map(([id, name]) =>
          id === props.org ? (
            <optgroup label={name}>
              <option value={`/admin/o/${id}`} selected={current === `/admin/o/${id}`}>
                {name} (organization)
              </option>
              {props.spaces.map((s) => (
                <option value={`/admin/o/${id}/s/${s.id}`} selected={current === `/admin/o/${id}/s/${s.id}`}>
                  {s.name}
                </option>
              ))}
            </optgroup>
          ) : (
            <option value={`/admin/o/${id}`}>{name}</option>
          ),
        )}
      </select>
      <button type="submit" class="btn btn-secondary">
        Go
      </button>
    </form>
  );
}

function Nav(props: { me: Me; org: string; space: string | undefined; active: string | undefined }) {
  const groups = visibleNav(props.me, props.org, props.space ?? null);
  return (
    <nav aria-label="Main" class="nav">
      {groups.map((g) => (
        <div class="nav-group">
          <h2 class="nav-title">{g.group}</h2>
          <ul>
            {g.entries.map((e) => (
              <li>
                <a href={e.href} aria-current={props.active === e.path ? 'page' : undefined}>
                  {e.label}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

export function Layout(props: { opts: PageOptions; me: Me | undefined; spaces: SpaceView[]; flash: Flash | null; children?: Child }) {
  const { opts, me } = props;
  const csrf = me?.csrf_token;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${opts.title} · ghee`}</title>
        <link rel="stylesheet" href={assetUrl('admin.css')} />
        <script src={assetUrl('htmx.js')} defer></script>
        <script src={assetUrl('admin.js')} type="module"></script>
      </head>
      <body hx-headers={csrf ? JSON.stringify({ 'X-CSRF-Token': csrf }) : undefined} class={opts.narrow ? 'narrow' : opts.medium ? 'medium' : undefined}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="topbar" role="banner">
          <a class="brand" href="/admin">
            ghee
          </a>
          {me && opts.org ? <Switcher me={me} org={opts.org} space={opts.space} spaces={props.spaces} /> : null}
          {me ? (
            <div class="account">
              <span class="who">{me.email}</span>
              <a href="/admin/account">Account</a>
              <form method="post" action="/admin/sign-out" class="inline">
                <input type="hidden" name="_csrf" value={me.csrf_token} />
                <button type="submit" class="btn btn-link">
                  Sign out
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <div class="frame">
          {me && opts.org ? <Nav me={me} org={opts.org} space={opts.space} active={opts.active} /> : null}
          <main id="main" tabindex={-1}>
            <FlashMessage flash={props.flash} />
            {props.children}
          </main>
        </div>
        <footer class="footer" role="contentinfo">
          <p>ghee — editors' web app</p>
        </footer>
      </body>
    </html>
  );
}

/** A full page in the layout (or just `body` for an htmx request that swaps part of a page). */
export async function render(c: Context<AdminEnv>, opts: PageOptions, body: Child): Promise<Response> {
  c.header('cache-control', 'no-store');
  if (c.req.header('hx-request') === 'true' && c.req.header('hx-target') && c.req.header('hx-boosted') !== 'true') {
    return c.html(<>{body}</>, (opts.status ?? 200) as 200);
  }
  const me = c.get('me');
  const spaces = me && opts.org ? await spacesOf(c, opts.org) : [];
  const flash = takeFlash(c, c.get('adminSecret'));
  const page = await (
    <Layout opts={opts} me={me} spaces={spaces} flash={flash}>
      {body}
    </Layout>
  ).toString();
  return c.html(`<!doctype html>${page}`, (opts.status ?? 200) as 200);
}

/** Only `body` (an htmx swap target), never cached. */
export function fragment(c: Context<AdminEnv>, body: Child, status = 200): Response | Promise<Response> {
  c.header('cache-control', 'no-store');
  return c.html(<>{body}</>, status as 200);
}
