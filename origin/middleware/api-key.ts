import type { MiddlewareHandler } from 'hono';
import { extractToken } from '../../shared/api-key.js';
import { verifyAssertion, ASSERTION_HEADERS } from '../../shared/edge-assertion.js';
import { ApiError } from '../../shared/errors.js';
import type { AppContext } from '../app.js';
import type { OriginEnv } from '../env.js';
import { findActiveKeyByToken } from '../services/api-keys.js';

/**
 * Authenticates Content API calls. Two ways in:
 *  - from the edge: a signed key assertion (the edge already checked the key; the raw token
 *    was stripped before forwarding), verified with the edge↔origin shared secret;
 *  - directly: `auth_token` / `Authorization: Token|Bearer`, looked up by SHA-256.
 * Either way the key must still be active in the database at this moment.
 */
export function apiKeyAuth(ctx: AppContext): MiddlewareHandler<OriginEnv> {
  return async function apiKeyAuthHandler(c, next) {
    const url = new URL(c.req.url);
    const now = new Date(ctx.now() * 1000);
    if (c.req.header(ASSERTION_HEADERS.signature) !== undefined) {
      const secret = ctx.config.EDGE_SHARED_SECRET;
      const result = secret
        ? verifyAssertion(secret, (n) => c.req.header(n), c.req.method, url.pathname + url.search, ctx.now())
        : ({ ok: false, reason: 'bad_signature' } as const);
      if (!result.ok) {
        c.get('logger').warn({ reason: result.reason }, 'edge assertion refused');
        throw new ApiError('invalid_token', 'Invalid token');
      }
      if (result.assertion.clientIp) c.set('clientIp', result.assertion.clientIp);
      c.set('principal', {
        keyId: result.assertion.keyId,
        spaceId: result.assertion.spaceId,
        organizationId: null,
        kind: result.assertion.kind,
        scopes: [],
        via: 'edge',
      });
      ctx.keyUsage?.touch(result.assertion.keyId, now);
      return next();
    }
    const token = extractToken(url, c.req.header('authorization'));
    if (!token) throw new ApiError('unauthenticated', 'Authentication credentials were not provided.');
    const key = await findActiveKeyByToken(ctx.database.db, token, now);
    if (!key) throw new ApiError('invalid_token', 'Invalid token');
    c.set('principal', { keyId: key.id, spaceId: key.spaceId, organizationId: key.organizationId, kind: key.kind, scopes: key.scopes, via: 'token' });
    // Last-used times are batched (services/key-usage.ts): noted in memory, written per interval.
    ctx.keyUsage?.touch(key.id, now);
    return next();
  };
}

