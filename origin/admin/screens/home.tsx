/**
 * Where a signed-in member lands: /admin picks their first organization's first space; the
 * switcher's GET /admin/switch?to=… goes to another one; /admin/o/:org and /admin/o/:org/s/:space
 * are the organization's and the space's start pages, listing the screens the role allows.
 */
import type { Hono } from 'hono';
import { isUuid } from '../../http/authorize.js';
import { api, must } from '../api.js';
import type { AdminEnv } from '../env.js';
import { render } from '../layout.js';
import { roleIn, visibleNav } from '../nav.js';
import { signedIn, type AdminDeps } from '../guards.js';

/** The switcher's target: /admin/o/<org> or /admin/o/<org>/s/<space>, ids UUIDs; anything else → /admin. */
function switchTarget(to: string): string {
  const parts = to.split('/');
  if (parts[0] !== '' || parts[1] !== 'admin' || parts[2] !== 'o' || !isUuid(parts[3])) return '/admin';
  if (parts.length === 4) return `/admin/o/${parts[3]}`;
  if (parts.length === 6 && parts[4] === 's' && isUuid(parts[5])) return `/admin/o/${parts[3]}/s/${parts[5]}`;
  return '/admin';
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.get('/', signedIn, async (c) => {
    const me = c.get('me')!;
    const first = me.memberships[0];
    if (first) return c.redirect(first.default_space_id ? `/admin/o/${first.organization_id}/s/${first.default_space_id}` : `/admin/o/${first.organization_id}`, 303);
    return render(
      c,
      { title: 'Welcome' },
      <>
        <h1>Welcome to ghee</h1>
        <p>You are not a member of any organization yet. Ask an owner to invite you, or open the invitation link you were sent.</p>
      </>,
    );
  });

  app.get('/switch', signedIn, (c) => {
    return c.redirect(switchTarget(c.req.query('to') ?? ''), 303);
  });

  app.get('/o/:org', signedIn, async (c) => {
    const me = c.get('me')!;
    const org = c.req.param('org');
    const spaces = must(await api(c).get<{ data: { id: string; name: string; slug: string }[] }>(`/v1/orgs/${org}/spaces`));
    const name = me.memberships.find((m) => m.organization_id === org)?.name ?? 'Organization';
    const nav = visibleNav(me, org, null).flatMap((g) => g.entries);
    return render(
      c,
      { title: name, org },
      <>
        <h1>{name}</h1>
        <p class="muted">Your role: {roleIn(me, org) ?? 'member of some spaces'}</p>
        <h2>Spaces</h2>
        <ul class="cards">
          {spaces.data.map((s) => (
            <li>
              <a href={`/admin/o/${org}/s/${s.id}`}>{s.name}</a> <span class="muted">({s.slug})</span>
            </li>
          ))}
        </ul>
        {nav.length ? (
          <>
            <h2>Manage</h2>
            <ul class="cards">
              {nav.map((e) => (
                <li>
                  <a href={e.href}>{e.label}</a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </>,
    );
  });

  app.get('/o/:org/s/:space', signedIn, async (c) => {
    const me = c.get('me')!;
    const { org, space } = c.req.param();
    const role = roleIn(me, org, space);
    const groups = visibleNav(me, org, space);
    return render(
      c,
      { title: 'Start', org, space },
      <>
        <h1>Start</h1>
        <p class="muted">Your role here: {role ?? 'none'}</p>
        {groups.map((g) => (
          <section aria-label={g.group}>
            <h2>{g.group}</h2>
            <ul class="cards">
              {g.entries.map((e) => (
                <li>
                  <a href={e.href}>{e.label}</a>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </>,
    );
  });
}
