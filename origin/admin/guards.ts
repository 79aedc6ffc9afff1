/**
 * What screens share besides the request: their dependencies and the signed-in guard.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppContext } from '../context.js';
import type { AdminEnv } from './env.js';

/** What screens get besides the request: the origin's context (config, identity, envelope). */
export interface AdminDeps {
  ctx: AppContext;
}

/** Redirects to the sign-in page (and back here after it) unless a member is signed in. */
export const signedIn: MiddlewareHandler<AdminEnv> = async (c, next) => {
  if (c.get('me')) return next();
  const url = new URL(c.req.url);
  const back = `/admin/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`;
  if (c.req.header('hx-request') === 'true') {
    c.header('hx-redirect', back);
    return c.body(null, 204);
  }
  return c.redirect(back, 303);
};
