import type { MiddlewareHandler } from 'hono';
import {
  bindingCheck,
  clientEntry,
  countAndDecide,
  policyOf,
  rateLimitHeaders,
  refusedCheck,
  throttled,
  type RateCounters,
  type RateLimitCheck,
  type RateLimitRule,
  type RateLimitScope,
} from '../../../shared/rate-limit.js';
import { presentedKey, requestUrl } from '../../request-info.js';
import type { EdgeEnv } from '../../env.js';
import { errorResponse } from '../../errors.js';
import { mutateResponseHeaders } from '../../response.js';
import { routeClassOf, type RouteClass } from '../../route-class.js';
import { PURGE_PATH } from '../../../shared/internal-auth.js';
import { stringLru } from '../../lru.js';
import type { RateLimitConfig } from './config.js';

export { bindingCheck, clientEntry, rateLimitHeaders, type RateLimitScope };

/** What is limited: a route class, or the signed purge endpoint (an internal route with its own limit). */
export type LimitClass = RouteClass | 'purge';

/** The limit class of a path: its route class, `purge` for the purge endpoint. */
export function limitClassOf(pathname: string): LimitClass {
  return pathname === PURGE_PATH ? 'purge' : routeClassOf(pathname);
}

/** Rate counter name for a limit class and scope, e.g. `rl_content_ip`. */
export const counterName = (cls: LimitClass, scope: RateLimitScope) => `rl_${cls}_${scope}`;
/** Penalty box name for a limit class and scope, e.g. `pb_content_key`. */
export const penaltyBoxName = (cls: LimitClass, scope: RateLimitScope) => `pb_${cls}_${scope}`;

export type Check = RateLimitCheck;

/** Counts this request for `entry` (increment, then check), decides, and penalises if needed (shared/rate-limit.ts). */
function check(rates: RateCounters, cls: LimitClass, scope: RateLimitScope, entry: string, rule: RateLimitRule, ttl: number): Check {
  return { scope, rule, decision: countAndDecide(rates, counterName(cls, scope), penaltyBoxName(cls, scope), entry, rule, ttl) };
}

/** A client address → its counter entry, remembered for recent addresses (parsing one is not free). */
const entries = stringLru<string>(4096, 64);

/** clientEntry, memoised. */
export function clientEntryOf(ip: string | undefined): string {
  if (!ip) return 'unknown';
  return entries.getOrCompute(ip, clientEntry);
}

/**
 * The request's rate-limit checks, counted now (the side effect: each request is counted once):
 * per IP, then — for the Content API, not for preflights, and only when the IP is within its
 * limit — per presented well-formed key (by its hash; `keyHash` is read only then).
 */
export function countRequest(
  rates: RateCounters,
  config: RateLimitConfig,
  cls: LimitClass,
  method: string,
  clientIp: string | undefined,
  keyHash: () => string | null | undefined,
): Check[] {
  const ttl = config.penalty_box_ttl;
  const byIp = check(rates, cls, 'ip', clientEntryOf(clientIp), config[cls].ip, ttl);
  if (cls === 'content' && method !== 'OPTIONS' && byIp.decision.allow) {
    const hash = keyHash();
    if (hash) return [byIp, check(rates, cls, 'key', hash, config.content.key, ttl)];
  }
  return [byIp];
}

export type { CountedRequest } from '../../env.js';

/**
 * Whether checks counted under `a` stand for this request under `b`: the same settings (the same
 * object on Node, where the settings are loaded once; equal values on Fastly, where the hit path
 * and the chain each read them). Otherwise the request is counted afresh.
 */
function sameLimits(a: RateLimitConfig, b: RateLimitConfig): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Rate limits per client IP (every route class) and per API key (the Content API), with a
 * penalty box: Fastly Edge Rate Limiting in production, its in-memory twin on Node. Limits come
 * from the `rate_limits` setting (./config.ts); the decision and the headers are shared with the
 * origin (shared/rate-limit.ts).
 *
 * Runs before the API-key middleware, so the key is not authenticated yet: it is counted by the
 * SHA-256 of the presented token, and only when the token has a ghee key's format and checksum
 * (anything else gets the IP limit alone). The raw token never reaches a counter, header or log.
 * A request refused per IP is not counted against its key. Preflights (OPTIONS) count per IP only.
 *
 * Refused: 429 in the error shape with Retry-After and RateLimit-* headers. Allowed: the
 * RateLimit-* headers of the limit closest to running out are added to the response.
 */
export function rateLimit(): MiddlewareHandler<EdgeEnv> {
  return async function rateLimitHandler(c, next) {
    const config = c.get('config').rate_limits;
    if (!config.enabled) return next();
    const platform = c.get('platform');
    const url = requestUrl(c);
    const cls = limitClassOf(url.pathname);
    const counted = c.env?.counted;
    const checks =
      counted && sameLimits(counted.config, config)
        ? counted.checks
        : countRequest(platform.rates, config, cls, c.req.method, c.env?.clientIp, () => presentedKey(c)?.hash);

    const refused = refusedCheck(checks);
    if (refused) {
      const requestId = c.get('requestId');
      platform.log('warn', 'rate limited', {
        request_id: requestId,
        class: cls,
        scope: refused.scope,
        ip: c.env?.clientIp ?? 'unknown',
        penalised: refused.decision.penalise,
        policy: policyOf(refused.rule),
      });
      const { detail, headers } = throttled(refused);
      return errorResponse('rate_limited', detail, requestId, headers);
    }

    await next();
    // The limit closest to running out is the one a client must heed.
    const headers = rateLimitHeaders(bindingCheck(checks));
    mutateResponseHeaders(c, (h) => {
      for (const [name, value] of Object.entries(headers)) h.set(name, value);
    });
  };
}
