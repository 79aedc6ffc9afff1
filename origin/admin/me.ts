/**
 * Who is signed in, as the API says (GET /v1/auth/session with this browser's cookie, or the
 * cookie set during this request): the member, their memberships and the session's CSRF token.
 */
import type { Context } from 'hono';
import { api } from './api.js';
import type { AdminEnv, Me } from './env.js';
import { prefetchLayout } from './layout.js';

/** Loads (or reloads, after a sign-in or 2FA confirmation replaced the session) the member into `c`. */
export async function refreshMe(c: Context<AdminEnv>): Promise<Me | undefined> {
  const res = await api(c).get<{ data: Me }>('/v1/auth/session');
  if (!res.ok) {
    c.set('me', undefined);
    c.set('csrfToken', undefined);
    return undefined;
  }
  c.set('me', res.body.data);
  c.set('csrfToken', res.body.data.csrf_token);
  // The layout's own read (the switcher's spaces) starts now, beside the screen's.
  prefetchLayout(c, res.body.data);
  return res.body.data;
}
