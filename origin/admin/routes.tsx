/**
 * The editors' web app, mounted at /admin by origin/app.ts (issue 20): server-rendered Hono JSX
 * pages over the JSON API, called in process as the signed-in member (api.ts). This file wires
 * what every screen shares, in order:
 *   1. the fingerprinted static files (assets.ts), immutable for a year;
 *   2. who is signed in (GET /v1/auth/session with the browser's cookie) → `c.get('me')`;
 *   3. CSRF on every state change (security.ts), before any handler runs;
 *   4. the screens (screens/*.tsx: each exports `register(app, deps)`), then an HTML 404;
 *   5. refusals rendered as an HTML page in the one error shape (detail, code, request id).
 * Screens behind sign-in use `signedIn` (guards.ts) (a redirect to the sign-in page, then back).
 * See origin/admin/README.md for how to add a screen.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { AdminDeps } from './guards.js';
export { signedIn, type AdminDeps } from './guards.js';
import { HTTPException } from 'hono/http-exception';
import { ApiError as HttpApiError, statusToCode } from '../../shared/errors.js';
import { resolveRequestId } from '../../shared/request-id.js';
import type { AppContext } from '../context.js';
import type { OriginEnv } from '../env.js';
import { ApiRefusal, type InProcessFetch } from './api.js';
import { assetAt, assetResponse } from './assets.js';
import type { AdminEnv } from './env.js';
import { refreshMe } from './me.js';
import { render } from './layout.js';
import { ADMIN_CSP, anonymousFormTokenValid, crossSite, sessionFormTokenValid } from './security.js';
import { ErrorSummary } from './ui.js';
import * as account from './screens/account.js';
import * as auth from './screens/auth.js';
import * as home from './screens/home.js';
import * as sessions from './screens/sessions.js';
import * as contentPages from './screens/content/pages.js';
import * as contentEditor from './screens/content/editor.js';
import * as contentItems from './screens/content/items.js';
import * as contentItemEditor from './screens/content/item-editor.js';
import * as contentPosts from './screens/content/posts.js';
import * as contentPostEditor from './screens/content/post-editor.js';
import * as manageKeys from './screens/manage/keys.js';
import * as manageMembers from './screens/manage/members.js';
import * as manageModel from './screens/manage/model.js';
import * as manageWebhooks from './screens/manage/webhooks.js';
import * as manageAudit from './screens/manage/audit.js';
import * as manageSettings from './screens/manage/settings.js';
import * as manageBilling from './screens/manage/billing.js';
import * as manageSupport from './screens/manage/support.js';
import * as manageSso from './screens/manage/sso.js';
import * as manageMedia from './screens/manage/media.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The CSRF token a signed-in state change must carry: X-CSRF-Token (htmx) or the `_csrf` field (forms). */
async function presentedToken(c: Parameters<MiddlewareHandler<AdminEnv>>[0]): Promise<string | undefined> {
  const header = c.req.header('x-csrf-token');
  if (header !== undefined) return header;
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  const body = await c.req.parseBody();
  const v = body._csrf;
  return typeof v === 'string' ? v : undefined;
}

/** The origin's per-request values (request id, logger, client address), handed to the web app with the request. */
const PARENT = Symbol('ghee.admin.parent');
type ParentVars = Pick<OriginEnv['Variables'], 'requestId' | 'logger' | 'clientIp'>;

/**
 * Mounts the web app at /admin and the mail links beside it. As two catch-all (ALL) routes: the
 * web app's pages are HTML, not API operations, so the API's route tables (OpenAPI document,
 * authorization matrix, audit classification, fuzzing) do not list them — every state change a
 * page makes is an API call those tables do cover. The origin's middleware (request id, deadline,
 * input boundary, rate limits, secure headers) has run before; the web app's own follows.
 */
export function mountAdmin(app: Hono<OriginEnv>, ctx: AppContext, apiFetch: () => InProcessFetch): void {
  const admin = adminRoutes(ctx, apiFetch);
  const handler = (c: Context<OriginEnv>) => {
    const parent: ParentVars = { requestId: c.get('requestId'), logger: c.get('logger'), clientIp: c.get('clientIp') };
    // The Node bindings stay (the socket: client address, rate-limit accounting), with the parent's values beside them.
    return admin.fetch(c.req.raw, Object.assign(Object.create(null) as object, c.env ?? {}, { [PARENT]: parent }));
  };
  app.all('/admin', handler);
  app.all('/admin/*', handler);
  for (const [from, target] of Object.entries(MAIL_LINKS)) {
    app.all(from, (c) => {
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw new HttpApiError('not_found', 'Not found.');
      c.header('cache-control', 'no-store');
      return c.redirect(`${target}${new URL(c.req.url).search}`, 302);
    });
  }
}

/**
 * The links ghee's mails carry (PUBLIC_APP_URL/verify-email, /password/reset, /password/forgot,
 * /login, /invitations/accept) lead to the web app's screens, with their query (the token).
 */
const MAIL_LINKS: Record<string, string> = {
  '/login': '/admin/sign-in',
  '/verify-email': '/admin/verify-email',
  '/password/forgot': '/admin/forgot',
  '/password/reset': '/admin/reset',
  '/invitations/accept': '/admin/invitations/accept',
};

export function adminRoutes(ctx: AppContext, apiFetch: () => InProcessFetch): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>({ strict: false }).basePath('/admin');
  const deps: AdminDeps = { ctx };
  const secret = ctx.identity.authSecret;

  app.use('*', async function adminContext(c, next) {
    const parent = (c.env as Record<symbol, ParentVars | undefined> | undefined)?.[PARENT];
    c.set('requestId', parent?.requestId ?? resolveRequestId(null));
    c.set('logger', parent?.logger ?? ctx.logger);
    c.set('clientIp', parent?.clientIp ?? 'unknown');
    c.set('apiFetch', apiFetch());
    c.set('adminSecret', secret);
    await next();
    // origin/app.ts keeps this policy for /admin answers (it applies the API's to every other).
    c.res.headers.set('content-security-policy', ADMIN_CSP);
  });

  // 1. Static files: /admin/static/<name>.<hash>.<ext>, nothing else under /static.
  app.get('/static/:file', (c) => {
    const a = assetAt(c.req.path);
    if (!a) throw new HttpApiError('not_found', 'No such file.');
    if (c.req.header('if-none-match') === a.etag) return c.body(null, 304, { etag: a.etag, 'cache-control': 'public, max-age=31536000, immutable' });
    return assetResponse(a, c.req.header('accept-encoding'));
  });

  // 2. Who is signed in: the API's own answer for this browser's cookie.
  app.use('*', async function loadMe(c, next) {
    if (c.req.header('cookie')?.includes('__Host-ghee_session=')) await refreshMe(c);
    return next();
  });

  // 3. CSRF: every state change is same-origin and carries the session's token (or, before sign-in, the form's).
  app.use('*', async function adminCsrf(c, next) {
    if (SAFE.has(c.req.method)) return next();
    const refuse = (detail: string) => {
      throw new HttpApiError('csrf_failed', detail);
    };
    if (crossSite(c)) refuse('This form was sent from another site.');
    const token = await presentedToken(c);
    const me = c.get('me');
    // Signing out without a live session changes nothing: the page just goes to sign-in.
    if (!me && c.req.path === '/admin/sign-out') return next();
    // A screen's form sent after the session expired (the cookie is there, the session is not):
    // nothing runs; the member signs in and comes back to the screen (the editor keeps unsaved values, editor.js).
    if (!me && c.req.path.startsWith('/admin/o/') && c.req.header('cookie')?.includes('__Host-ghee_session=')) {
      const back = `/admin/sign-in?next=${encodeURIComponent(new URL(c.req.url).pathname + new URL(c.req.url).search)}`;
      // An htmx request (the editor's Save draft) navigates the whole tab, not the swap target.
      if (c.req.header('hx-request') === 'true') return c.body(null, 204, { 'hx-redirect': back });
      return c.redirect(back, 303);
    }
    if (me) {
      if (!sessionFormTokenValid(me.csrf_token, token)) refuse('Missing or invalid CSRF token: reload the page and try again.');
    } else if (!anonymousFormTokenValid(c, secret, token)) {
      refuse('This form has expired or was not sent from this site: reload the page and try again.');
    }
    return next();
  });

  // 4. Screens.
  auth.register(app, deps);
  account.register(app, deps);
  home.register(app, deps);
  sessions.register(app, deps);
  contentPages.register(app, deps);
  contentEditor.register(app, deps);
  contentItems.register(app, deps);
  contentItemEditor.register(app, deps);
  contentPosts.register(app, deps);
  contentPostEditor.register(app, deps);
  manageKeys.register(app, deps);
  manageMembers.register(app, deps);
  manageModel.register(app, deps);
  manageWebhooks.register(app, deps);
  manageAudit.register(app, deps);
  manageSettings.register(app, deps);
  manageBilling.register(app, deps);
  manageSupport.register(app, deps);
  manageSso.register(app, deps);
  manageMedia.register(app, deps);

  app.all('*', () => {
    throw new HttpApiError('not_found', 'There is no such page.');
  });

  // 5. Refusals as a page, in the one error shape.
  app.onError(async (err, c) => {
    let code: string;
    let detail: string;
    let status: number;
    if (err instanceof ApiRefusal) {
      ({ code, detail } = err.error);
      status = err.status;
    } else if (err instanceof HttpApiError) {
      ({ code, detail } = err);
      status = err.status;
    } else if (err instanceof HTTPException && err.status < 500) {
      status = err.status;
      code = statusToCode(err.status);
      detail = err.message || 'The request was refused.';
    } else {
      (c.get('logger') ?? ctx.logger).error({ err }, 'admin page failed');
      status = 500;
      code = 'internal_error';
      detail = 'Something went wrong on our side; try again.';
    }
    // Under an organization or space the member belongs to, the page keeps its menu and switcher.
    const [, , o, org, s, space] = c.req.path.split('/');
    const me = c.get('me');
    const within = me && o === 'o' && org && me.memberships.some((m) => m.organization_id === org) ? { org, ...(s === 's' && space ? { space } : {}) } : {};
    return render(
      c,
      { title: status === 404 ? 'Not found' : 'Refused', status, narrow: !me, ...within },
      <section aria-labelledby="err-title">
        <h1 id="err-title">{status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong'}</h1>
        <ErrorSummary error={{ code, detail, request_id: c.get('requestId') }} title="What happened" />
        <p>
          <a href="/admin">Back to the start</a>
        </p>
      </section>,
    );
  });

  return app;
}
