import type { Context, MiddlewareHandler } from 'hono';
import { DEFAULT_DETAIL } from '../../../shared/errors.js';
import type { EdgeConfig } from '../../config.js';
import type { EdgeEnv } from '../../env.js';
import { errorResponse } from '../../errors.js';
import { stringLru } from '../../lru.js';
import { mutateResponseHeaders } from '../../response.js';
import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  allowOrigin,
  compileCorsPolicy,
  isOrigin,
  type CorsPolicy,
} from './policy.js';
import type { CorsConfig } from './config.js';

/** CORS response headers only this middleware may decide; anything upstream sent is dropped. */
const RESPONSE_CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-allow-private-network',
  'access-control-expose-headers',
  'access-control-max-age',
] as const;

const PREFLIGHT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);
const ALLOWED_HEADERS: ReadonlySet<string> = new Set(CORS_ALLOW_HEADERS);
const ALLOW_METHODS = CORS_ALLOW_METHODS.join(', ');
const ALLOW_HEADERS = CORS_ALLOW_HEADERS.join(', ');
const EXPOSE_HEADERS = CORS_EXPOSE_HEADERS.join(', ');

/** The Vary value (as Headers#get combines it; null: none) with `Origin` added, unless it has it or is `*`. */
function varyWithOrigin(vary: string | null): string {
  if (vary === null || vary.trim() === '') return 'Origin';
  const tokens = vary.split(',').map((t) => t.trim().toLowerCase());
  if (tokens.includes('*') || tokens.includes('origin')) return vary;
  return `${vary}, Origin`;
}

const policies = new WeakMap<CorsConfig, CorsPolicy>();

/** The compiled policy of a CORS setting (compiled once per config object). */
function corsPolicy(config: CorsConfig): CorsPolicy {
  let policy = policies.get(config);
  if (!policy) {
    policy = compileCorsPolicy(config);
    policies.set(config, policy);
  }
  return policy;
}

/** Origin values recently seen → whether each is a well-formed origin (parsing one is not free). */
const origins = stringLru<boolean>(1024, 256);

/**
 * The CORS decision for an actual (not preflight) request: the Access-Control-Allow-Origin value
 * for `origin` (undefined: no Origin header) under the `cors` setting, answered for the space of
 * the key that authenticated the request (none: `any` only), or null when not allowed. Pure
 * (memoised). The chain (cors()) and the hit path (edge/hit-path.ts) both decide with it.
 */
export function corsAllowedOrigin(config: CorsConfig, origin: string | undefined, spaceId: string | undefined): string | null {
  if (origin === undefined || !origins.getOrCompute(origin, isOrigin)) return null;
  const policy = corsPolicy(config);
  return allowOrigin(origin, policy.any, spaceId === undefined ? undefined : policy.spaces.get(spaceId));
}

/** Changes to a response's headers: names to delete, then values to set, in order. */
export interface CorsHeaderEdits {
  /** Header names (lower case) to delete, whatever the decision: the CORS headers only this middleware decides. */
  readonly drop: readonly string[];
  /** Headers to set after the deletions, in order: Vary when it changes, then ACAO and the exposed headers when allowed. */
  readonly set: readonly (readonly [string, string])[];
}

const NO_SETS: readonly (readonly [string, string])[] = Object.freeze([]);

/**
 * The CORS headers of a response to an actual request, for the decision `allowed`
 * (corsAllowedOrigin) and the response's Vary value as Headers#get combines it (null: none):
 * upstream CORS headers dropped, `Origin` added to Vary (unless there or `*`), ACAO and
 * Access-Control-Expose-Headers when allowed. Pure.
 */
export function corsHeaders(allowed: string | null, vary: string | null): CorsHeaderEdits {
  const merged = varyWithOrigin(vary);
  if (allowed === null) return { drop: RESPONSE_CORS_HEADERS, set: merged === vary ? NO_SETS : [['vary', merged]] };
  const set: [string, string][] = merged === vary ? [] : [['vary', merged]];
  set.push(['access-control-allow-origin', allowed], ['access-control-expose-headers', EXPOSE_HEADERS]);
  return { drop: RESPONSE_CORS_HEADERS, set };
}

/** Applies corsHeaders' edits for `allowed` to `h`. */
function applyCorsHeaders(h: Headers, allowed: string | null): void {
  const edits = corsHeaders(allowed, h.get('vary'));
  for (const name of edits.drop) h.delete(name);
  for (const [name, value] of edits.set) h.set(name, value);
}

/** The header names of an Access-Control-Request-Headers value, lower case. */
function requestedHeaders(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}

/**
 * CORS for the edge, per space (DESIGN.md: allowed origins configurable per space, never `*`
 * with credentials, preflight answered at the edge). Reads `c.get('config').cors`; register it
 * after the config is set and outside everything that can answer (so errors get it too).
 *
 * - Preflight (OPTIONS + Origin + Access-Control-Request-Method) is answered here, 204 or 403
 *   `cors_forbidden`, without calling the rest of the app. It carries no credentials, so the
 *   space is unknown: an origin listed for `any` or for any space passes. Only GET/HEAD and the
 *   fixed header allowlist may be requested.
 * - Actual requests: the response gets Access-Control-Allow-Origin when the origin is listed
 *   in `any` or for the space of the key that authenticated the request (no key: `any` only).
 *   A listed origin is echoed; `*` is answered as `*`. A disallowed origin gets the response
 *   without ACAO (the browser withholds it) — never a 403.
 * - `Access-Control-Allow-Credentials` is never sent: ghee authenticates with tokens, not
 *   cookies, and `*` with credentials must never happen. Upstream CORS headers are removed.
 * - `null` and malformed Origin values are never allowed, not even under `*`.
 * - `Vary: Origin` is on every response, since whether ACAO is present depends on Origin.
 */
export function cors(): MiddlewareHandler<EdgeEnv> {
  // Defensive: without config (misconfigured edge), allow nothing.
  const configOf = (c: Context<EdgeEnv>): CorsConfig | undefined => (c.get('config') as EdgeConfig | undefined)?.cors;

  return async function corsHandler(c, next) {
    const origin = c.req.header('origin');
    const requestMethod = c.req.header('access-control-request-method');

    if (c.req.method === 'OPTIONS' && origin !== undefined && requestMethod !== undefined) {
      const config = configOf(c);
      if (config) {
        const policy = corsPolicy(config);
        const requestId = c.get('requestId');
        const forbid = (detail: string) => errorResponse('cors_forbidden', detail, requestId, { vary: 'Origin' });
        const allowed = isOrigin(origin) ? allowOrigin(origin, policy.preflight) : null;
        if (allowed === null) return forbid(DEFAULT_DETAIL.cors_forbidden);
        if (!PREFLIGHT_METHODS.has(requestMethod)) return forbid('Cross-origin requests may only use GET or HEAD.');
        if (requestedHeaders(c.req.header('access-control-request-headers')).some((h) => !ALLOWED_HEADERS.has(h))) {
          return forbid(`Request header not allowed for cross-origin requests; allowed: ${ALLOW_HEADERS}.`);
        }
        // The full (fixed) allowlist rather than the requested subset: the browser caches it for
        // max-age, sparing a preflight when the next request asks for another allowed header.
        return new Response(null, {
          status: 204,
          headers: {
            'access-control-allow-origin': allowed,
            'access-control-allow-methods': ALLOW_METHODS,
            'access-control-allow-headers': ALLOW_HEADERS,
            'access-control-max-age': String(policy.maxAge),
            vary: 'Origin',
          },
        });
      }
    }

    await next();

    const config = configOf(c);
    const allowed = config ? corsAllowedOrigin(config, origin, c.get('key')?.spaceId) : null;
    mutateResponseHeaders(c, (h) => applyCorsHeaders(h, allowed));
  };
}
