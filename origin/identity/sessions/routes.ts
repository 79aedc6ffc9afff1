/**
 * The member's own sessions (JSON under /v1/auth/sessions; issue 20's session list):
 *   GET    /v1/auth/sessions       the live sessions of the signed-in user, this one marked   session-list.ts
 *   DELETE /v1/auth/sessions/:id   signs one of them out (one session.revoke audit row)
 * Sessions only (an API key is refused: it has no sessions); another user's session is 404.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import { isUuid } from '../../http/authorize.js';
import { describe, errors, jsonOk, SECURITY } from '../../http/openapi.js';
import { authenticate } from '../../http/request-auth.js';
import { unwrap } from '../../http/result.js';
import type { AuthDeps } from '../auth-result.js';
import { listUserSessions, revokeOwnSession } from './session-list.js';

const TAGS = ['Accounts'];
const TIME = '2026-01-05T09:30:00.000Z';
const sessionView = z.object({
  id: z.string().uuid(),
  current: z.boolean(),
  auth_method: z.string(),
  created_at: z.string(),
  last_seen_at: z.string(),
  expires_at: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
});

const listDoc = describe({
  operationId: 'listSessions',
  summary: 'Your sessions',
  description: 'The live sessions of the signed-in user (newest use first), with the address and browser each was opened from; `current` marks this one.',
  tags: TAGS,
  security: SECURITY.session,
  responses: {
    200: jsonOk('The sessions.', z.object({ data: z.array(sessionView) }), {
      data: [{ id: '0b7c6f9e-3d7a-4f38-9a55-2f7b1f0c8e21', current: true, auth_method: 'password', created_at: TIME, last_seen_at: TIME, expires_at: TIME, ip: '203.0.113.7', user_agent: 'Mozilla/5.0' }],
    }),
    ...errors(401, 403),
  },
});

const revokeDoc = describe({
  operationId: 'revokeSession',
  summary: 'Sign out one session',
  description: "Ends one of the signed-in user's sessions (another device, or this one). Another user's session, or one already ended, is 404.",
  tags: TAGS,
  security: SECURITY.session,
  responses: { 200: jsonOk('Signed out.', z.object({ status: z.literal('signed_out') }), { status: 'signed_out' }), ...errors(401, 403, 404) },
});

export function sessionRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const db = () => ctx.database.db;
  const deps: AuthDeps = { identity: ctx.identity, envelope: ctx.envelope, logger: ctx.logger, now: () => new Date(ctx.now() * 1000) };
  const signedIn = authenticate(ctx);
  const sessionUser = (c: Context<OriginEnv>) => {
    const u = c.get('user');
    if (!u) throw new ApiError('forbidden', 'This endpoint is for signed-in users, not API keys.');
    return u;
  };

  app.use('/v1/auth/sessions', async (c, next) => {
    c.header('cache-control', 'no-store');
    await next();
  });

  app.get('/v1/auth/sessions', listDoc, signedIn, async (c) => {
    const u = sessionUser(c);
    return c.json({ data: await listUserSessions(db(), ctx.identity.personalData, u.userId, u.sessionId, deps.now()) });
  });

  app.delete('/v1/auth/sessions/:id', revokeDoc, signedIn, async (c) => {
    const u = sessionUser(c);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError('not_found', 'Session not found.');
    const actor = { userId: u.userId, keyId: null, ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null };
    unwrap(await revokeOwnSession(db(), deps, u.userId, id, actor));
    c.header('cache-control', 'no-store');
    return c.json({ status: 'signed_out' });
  });

  return app;
}
