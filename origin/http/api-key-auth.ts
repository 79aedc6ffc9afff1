import type { Context, MiddlewareHandler } from 'hono';
import type { AppContext } from '../context.js';
import type { OriginEnv } from '../env.js';
import { authenticate, credentialRequest, keyPrincipal, refusalError, type Authentication } from './authenticate.js';
import { receivedUrl } from './content-read.js';
import { findActiveKeyByHash, type ActiveKey } from '../identity/index.js';
import { CREDENTIAL_USE_CHANNEL, publish } from './signals.js';

const decided = new WeakMap<Request, Authentication>();

/**
 * origin/http/authenticate.ts `authenticate` over this Hono request — its headers, the URL as
 * received (origin/http/content-read.ts receivedUrl: the edge signs the canonical request it
 * forwards, and a direct request may have been rewritten since), now — decided once per request:
 * the rate limiter (origin/http/rate-limit.ts) and the route both ask, and the signature is
 * verified and the token hashed once.
 */
export function authenticationOf(ctx: AppContext, c: Context<OriginEnv>): Authentication {
  let result = decided.get(c.req.raw);
  if (result === undefined) {
    result = authenticate(credentialRequest(c, () => receivedUrl(c.req.raw)), ctx.config.EDGE_SHARED_SECRET, ctx.now());
    decided.set(c.req.raw, result);
  }
  return result;
}

/**
 * The request's authentication, with an edge assertion accepted (principal and client address
 * set, the key's use noted) and every refusal thrown as its answer (a bad assertion logged).
 * What is left for the caller is a directly presented, well-formed key to look up.
 */
export function authenticationOrThrow(ctx: AppContext, c: Context<OriginEnv>, now: Date): Extract<Authentication, { via: 'token' }> | null {
  const auth = authenticationOf(ctx, c);
  if (!auth.ok) {
    if (auth.reason === 'bad_assertion') c.get('logger').warn({ reason: auth.assertion }, 'edge assertion refused');
    throw refusalError(auth.reason);
  }
  if (auth.via === 'token') return auth;
  if (auth.clientIp) c.set('clientIp', auth.clientIp);
  c.set('principal', auth.principal);
  ctx.keyUsage?.touch(auth.principal.keyId, now);
  // The security rules engine learns the networks each key is used from (origin/ops/security).
  publish(CREDENTIAL_USE_CHANNEL, { kind: 'api_key', subjectId: auth.principal.keyId, organizationId: auth.principal.organizationId, ip: c.get('clientIp') });
  return null;
}

/** Sets the principal of a directly presented key from its lookup; refuses it (401) when the key is not active. */
export function acceptKey(ctx: AppContext, c: Context<OriginEnv>, found: Omit<ActiveKey, 'expiresAt'> | null, now: Date): void {
  const principal = keyPrincipal(found);
  if ('ok' in principal) throw refusalError(principal.reason);
  c.set('principal', principal);
  // Last-used times are batched (origin/identity/keys/key-usage.ts): noted in memory, written per interval.
  ctx.keyUsage?.touch(principal.keyId, now);
  publish(CREDENTIAL_USE_CHANNEL, { kind: 'api_key', subjectId: principal.keyId, organizationId: principal.organizationId, ip: c.get('clientIp') });
}

/** Looks a directly presented key up (active: not revoked, not expired) and sets the principal. */
export async function lookUpKey(ctx: AppContext, c: Context<OriginEnv>, key: { tokenHash: string }, now: Date): Promise<void> {
  acceptKey(ctx, c, await findActiveKeyByHash(ctx.database.db, key.tokenHash, now), now);
}

/**
 * Authenticates Content API calls. Two ways in:
 *  - from the edge: a signed key assertion (the edge already checked the key; the raw token
 *    was stripped before forwarding), verified with the edge↔origin shared secret;
 *  - directly: `auth_token` / `Authorization: Token|Bearer`, looked up by SHA-256.
 * A directly presented key must be active in the database at this moment (no caching).
 * origin/content/pages/read-route.ts reads single pages with the same rules in one query.
 */
export function apiKeyAuth(ctx: AppContext): MiddlewareHandler<OriginEnv> {
  return async function apiKeyAuthHandler(c, next) {
    const now = new Date(ctx.now() * 1000);
    const key = authenticationOrThrow(ctx, c, now);
    if (key) await lookUpKey(ctx, c, key, now);
    return next();
  };
}
