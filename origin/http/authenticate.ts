/**
 * The origin's one key authenticator. Every entry point that accepts an API key asks `authenticate`
 * — the /v2 middleware and the management authenticator (origin/http/api-key-auth.ts,
 * origin/http/request-auth.ts), the content page route (origin/content/pages/read-route.ts), the
 * page-read fast path (origin/content/pages/read-path.ts), the rate limiter's subject (origin/http/rate-limit.ts),
 * the refused-read precedence (origin/http/content-read.ts readRefusals) — and key introspection
 * (origin/identity/keys/introspection-route.ts) checks hashes with the same shared/api-key.ts. The key format itself
 * (parsing, checksum, token extraction, hashing) is shared/api-key.ts's alone.
 *
 * `authenticate` is a pure function of the request's headers, its target as received, and now:
 * - a request with an `x-ghee-assert-sig` header is the edge's: the signed assertion is verified
 *   with EDGE_SHARED_SECRET over the method and the target AS RECEIVED (the edge signs the canonical
 *   request it forwards; origin/http/content-read.ts may have rewritten a direct request since), and
 *   its space must be a UUID (anything else would reach the database as a bad cast). Its token, if
 *   any, is ignored. Valid: the principal. Otherwise: refused ('bad_assertion');
 * - otherwise the presented token (`Authorization: Token|Bearer …`, else `auth_token`): none is
 *   'no_credentials', one that is not a well-formed key (format, checksum) 'malformed_key', and a
 *   well-formed one is the key to look up — its SHA-256 (node:crypto's) and kind. Whether it is
 *   active is the database's to say, at this moment (no caching): `keyPrincipal` turns the lookup's
 *   row into the principal, or refuses it ('unknown_key'). The page route and the fast path look
 *   the key up in the same statement as the page; the middleware alone.
 * Refusals are values, never thrown; `refusalError` is the one mapping to the HTTP answer.
 */
import { hash } from 'node:crypto';
import type { Context } from 'hono';
import { TOKEN_PARAM, checkApiKey, presentedToken, type ApiKeyKind, type KeySha256 } from '../../shared/api-key.js';
import { ASSERTION_HEADERS, verifyAssertion } from '../../shared/edge-assertion.js';
import { ApiError } from '../../shared/errors.js';
import type { KeyPrincipal, OriginEnv } from '../env.js';
import { isUuid } from './authorize.js';

/** node:crypto's SHA-256: the origin hashes every directly presented token, natively (far cheaper than shared/crypto.ts's portable one). */
export const NODE_SHA256: KeySha256 = {
  digest: (input) => hash('sha256', input, 'buffer'),
  hex: (input) => hash('sha256', input, 'hex'),
};

/** What `authenticate` reads of a request. Each entry point builds it from its own view (Hono's `c.req`, or node:http's request). */
export interface CredentialRequest {
  method: string;
  /** A header's value as the chain's `c.req.header(name)` returns it (lower-case names). */
  header(name: string): string | undefined;
  /** The first `auth_token` value, or null. */
  authToken(): string | null;
  /** `pathname + search` of the request as received (an edge assertion is signed over it). */
  target(): string;
}

export type Refusal =
  /** No token presented (and no assertion). */
  | 'no_credentials'
  /** A token that is not a well-formed ghee key (format or checksum). */
  | 'malformed_key'
  /** A well-formed key that is not active (unknown, revoked or expired). */
  | 'unknown_key'
  /** An edge assertion that does not verify (or names no UUID space), or one with no EDGE_SHARED_SECRET set. */
  | 'bad_assertion';

export type Authentication =
  /** Asserted by the edge: the principal, and the client address the edge saw (if any). */
  | { ok: true; via: 'edge'; principal: KeyPrincipal & { spaceId: string }; clientIp: string | undefined }
  /** A well-formed key presented directly: look it up by `tokenHash` (activeness is the database's), then `keyPrincipal`. */
  | { ok: true; via: 'token'; tokenHash: string; kind: ApiKeyKind }
  /** Refused; `assertion` is verifyAssertion's reason for a bad assertion (logged, never answered). */
  | { ok: false; reason: Refusal; assertion?: string };

/** The request carries an edge assertion (a signature header, even an empty one): it is authenticated as one. */
export function hasAssertion(req: Pick<CredentialRequest, 'header'>): boolean {
  return req.header(ASSERTION_HEADERS.signature) !== undefined;
}

/** The request offers a key (an assertion, an Authorization header, a non-empty `auth_token`): it is authenticated by key, not by session. */
export function offersKey(req: CredentialRequest): boolean {
  return hasAssertion(req) || !!req.header('authorization') || !!req.authToken();
}

/** Authenticates a request's credentials (see the header). `secret` is EDGE_SHARED_SECRET, `nowSeconds` the clock. */
export function authenticate(req: CredentialRequest, secret: string | undefined, nowSeconds: number): Authentication {
  if (hasAssertion(req)) {
    if (!secret) return { ok: false, reason: 'bad_assertion', assertion: 'bad_signature' };
    const result = verifyAssertion(secret, req.header, req.method, req.target(), nowSeconds);
    if (!result.ok) return { ok: false, reason: 'bad_assertion', assertion: result.reason };
    const a = result.assertion;
    if (!isUuid(a.spaceId)) return { ok: false, reason: 'bad_assertion', assertion: 'malformed' };
    return {
      ok: true,
      via: 'edge',
      // The key's scopes as the edge found them: the key is held to them here too.
      principal: { keyId: a.keyId, spaceId: a.spaceId, organizationId: null, kind: a.kind, scopes: a.scopes ?? [], via: 'edge' },
      clientIp: a.clientIp,
    };
  }
  const token = presentedToken(req.header('authorization'), req.authToken());
  if (!token) return { ok: false, reason: 'no_credentials' };
  const key = checkApiKey(token, NODE_SHA256);
  if (key === null) return { ok: false, reason: 'malformed_key' };
  return { ok: true, via: 'token', tokenHash: key.hash, kind: key.kind };
}

/** An active key as the lookups return it. */
export interface FoundKey {
  id: string;
  spaceId: string | null;
  organizationId: string | null;
  kind: ApiKeyKind;
  scopes: readonly string[];
}

/** The principal of a directly presented key, from its lookup (null: not active). */
export function keyPrincipal(found: FoundKey | null): KeyPrincipal | { ok: false; reason: 'unknown_key' } {
  if (!found) return { ok: false, reason: 'unknown_key' };
  return { keyId: found.id, spaceId: found.spaceId, organizationId: found.organizationId, kind: found.kind, scopes: found.scopes, via: 'token' };
}

/** The one mapping of a refusal to its answer: 401 `unauthenticated` without credentials, 401 `invalid_token` otherwise. */
export function refusalError(reason: Refusal): ApiError {
  return reason === 'no_credentials'
    ? new ApiError('unauthenticated', 'Authentication credentials were not provided.')
    : new ApiError('invalid_token', 'Invalid token');
}

/**
 * A Hono request as `authenticate` reads it: headers as `c.req.header` returns them, the token from
 * `c.req.url`, and `received()` — the URL as received (origin/http/content-read.ts receivedUrl).
 */
export function credentialRequest(c: Context<OriginEnv>, received: () => string): CredentialRequest {
  return {
    method: c.req.method,
    header: (name) => c.req.header(name),
    authToken: () => new URL(c.req.url).searchParams.get(TOKEN_PARAM),
    target: () => {
      const url = new URL(received());
      return url.pathname + url.search;
    },
  };
}
