import type { Context, MiddlewareHandler } from 'hono';
import { extractToken } from '../../shared/api-key.js';
import { verifyAssertion, ASSERTION_HEADERS, type VerifyResult } from '../../shared/edge-assertion.js';
import { ApiError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import type { OriginEnv } from '../env.js';
import { isUuid } from '../http/authorize.js';
import { receivedUrl } from '../http/content-read.js';
import { findActiveKeyByTokenNative, type ActiveKey } from '../services/api-keys.js';

/**
 * The edge assertion a request carries, verified (the one check of it in the chain: the
 * authenticator below and the origin's rate limits both ask here). The signature is checked over
 * the request as received (the edge signs the canonical request it forwards;
 * origin/http/content-read.ts may have rewritten a direct request since). Null without one.
 */
export function verifiedAssertion(ctx: AppContext, c: Context<OriginEnv>): VerifyResult | null {
  if (c.req.header(ASSERTION_HEADERS.signature) === undefined) return null;
  const secret = ctx.config.EDGE_SHARED_SECRET;
  if (!secret) return { ok: false, reason: 'bad_signature' };
  const received = new URL(receivedUrl(c.req.raw));
  return verifyAssertion(secret, (n) => c.req.header(n), c.req.method, received.pathname + received.search, ctx.now());
}

/**
 * A request asserted by the edge: verifies the signed key assertion and sets the principal
 * (true), or answers false when the request carries no assertion. A bad one is refused.
 */
export function acceptEdgeAssertion(ctx: AppContext, c: Context<OriginEnv>, now: Date): boolean {
  const result = verifiedAssertion(ctx, c);
  if (result === null) return false;
  // Spaces are UUIDs: a signed assertion naming anything else is refused like a malformed one
  // (it would otherwise reach the database as a bad cast and answer 500).
  const reason = !result.ok ? result.reason : isUuid(result.assertion.spaceId) ? null : 'malformed';
  if (reason !== null || !result.ok) {
    c.get('logger').warn({ reason }, 'edge assertion refused');
    throw new ApiError('invalid_token', 'Invalid token');
  }
  if (result.assertion.clientIp) c.set('clientIp', result.assertion.clientIp);
  c.set('principal', {
    keyId: result.assertion.keyId,
    spaceId: result.assertion.spaceId,
    organizationId: null,
    kind: result.assertion.kind,
    // The key's scopes as the edge found them: the key is held to them here too.
    scopes: result.assertion.scopes ?? [],
    via: 'edge',
  });
  ctx.keyUsage?.touch(result.assertion.keyId, now);
  return true;
}

/** The directly presented token (`auth_token` or `Authorization`); refused when there is none. */
export function presentedToken(c: Context<OriginEnv>, url: URL): string {
  const token = extractToken(url, c.req.header('authorization'));
  if (!token) throw new ApiError('unauthenticated', 'Authentication credentials were not provided.');
  return token;
}

/** Sets the principal of a directly presented key found active in the database. */
export function acceptKey(ctx: AppContext, c: Context<OriginEnv>, key: Omit<ActiveKey, 'expiresAt'>, now: Date): void {
  c.set('principal', { keyId: key.id, spaceId: key.spaceId, organizationId: key.organizationId, kind: key.kind, scopes: key.scopes, via: 'token' });
  // Last-used times are batched (services/key-usage.ts): noted in memory, written per interval.
  ctx.keyUsage?.touch(key.id, now);
}

/** Looks the presented token up (active: not revoked, not expired) and sets the principal. */
export async function authenticateToken(ctx: AppContext, c: Context<OriginEnv>, token: string, now: Date): Promise<void> {
  const key = await findActiveKeyByTokenNative(ctx.database.db, token, now);
  if (!key) throw new ApiError('invalid_token', 'Invalid token');
  acceptKey(ctx, c, key, now);
}

/**
 * Authenticates Content API calls. Two ways in:
 *  - from the edge: a signed key assertion (the edge already checked the key; the raw token
 *    was stripped before forwarding), verified with the edge↔origin shared secret;
 *  - directly: `auth_token` / `Authorization: Token|Bearer`, looked up by SHA-256.
 * A directly presented key must be active in the database at this moment (no caching).
 * origin/routes/content.ts reads single pages with the same rules in one query.
 */
export function apiKeyAuth(ctx: AppContext): MiddlewareHandler<OriginEnv> {
  return async function apiKeyAuthHandler(c, next) {
    const url = new URL(c.req.url);
    const now = new Date(ctx.now() * 1000);
    if (acceptEdgeAssertion(ctx, c, now)) return next();
    await authenticateToken(ctx, c, presentedToken(c, url), now);
    return next();
  };
}
