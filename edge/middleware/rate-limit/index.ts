import type { MiddlewareHandler } from 'hono';
import ipaddr from 'ipaddr.js';
import { presentedKey, requestUrl } from '../../request-info.js';
import type { EdgeEnv } from '../../env.js';
import { errorResponse } from '../../errors.js';
import type { RateCounters } from '../../platform/port.js';
import { mutateResponseHeaders } from '../../response.js';
import { routeClassOf, type RouteClass } from '../../route-class.js';
import { stringLru } from '../../lru.js';
import type { RateLimitConfig } from './config.js';
import { decideRateLimit, policyOf, type RateLimitDecision, type RateLimitRule } from './decide.js';

export type RateLimitScope = 'ip' | 'key';

/** Rate counter name for a route class and scope, e.g. `rl_content_ip`. */
export const counterName = (cls: RouteClass, scope: RateLimitScope) => `rl_${cls}_${scope}`;
/** Penalty box name for a route class and scope, e.g. `pb_content_key`. */
export const penaltyBoxName = (cls: RouteClass, scope: RateLimitScope) => `pb_${cls}_${scope}`;

/**
 * The counter entry for a client address. IPv4 (and IPv4-mapped IPv6) addresses count alone;
 * IPv6 addresses count per /64, the block a single subscriber is usually given, so rotating
 * through one's own addresses does not multiply the limit. A missing address is `unknown`.
 */
export function clientEntry(ip: string | undefined): string {
  if (!ip) return 'unknown';
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return ip.slice(0, 64); // not an address; still a stable, bounded entry
  }
  if (addr.kind() === 'ipv4') return addr.toString();
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

export interface Check {
  scope: RateLimitScope;
  rule: RateLimitRule;
  decision: RateLimitDecision;
}

/** Counts this request for `entry` (increment, then check), decides, and penalises if needed. */
function check(rates: RateCounters, cls: RouteClass, scope: RateLimitScope, entry: string, rule: RateLimitRule, ttl: number): Check {
  const counter = counterName(cls, scope);
  const box = penaltyBoxName(cls, scope);
  rates.increment(counter, entry, 1);
  const inPenaltyBox = rates.inPenaltyBox(box, entry);
  const observedRate = rates.rate(counter, entry, rule.window);
  // lookupCount covers 10–60 s; a 1 s window has only its rate (= its count).
  const count = rule.window === 1 ? observedRate : rates.count(counter, entry, rule.window);
  const decision = decideRateLimit({ inPenaltyBox, observedRate, count, limit: rule, penaltyBoxTtl: ttl });
  if (decision.penalise) rates.addToPenaltyBox(box, entry, ttl);
  return { scope, rule, decision };
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
  cls: RouteClass,
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

/**
 * Checks already counted for this request by the hit fast path (edge/hit-path.ts) before it
 * handed the request to the chain; passed in the platform's per-request env, never by clients.
 */
export interface CountedRequest {
  config: RateLimitConfig;
  checks: Check[];
}

/**
 * Whether checks counted under `a` stand for this request under `b`: the same settings (the same
 * object on Node, where the settings are loaded once; equal values on Fastly, where the hit path
 * and the chain each read them). Otherwise the request is counted afresh.
 */
function sameLimits(a: RateLimitConfig, b: RateLimitConfig): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The limit closest to running out (the one a client must heed); the first on ties. */
export function bindingCheck(checks: readonly Check[]): Check {
  return checks.reduce((a, b) => (b.decision.remaining < a.decision.remaining ? b : a));
}

export function rateLimitHeaders({ rule, decision }: Check): Record<string, string> {
  return {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.reset),
    'ratelimit-policy': policyOf(rule),
  };
}

/**
 * Rate limits per client IP (every route class) and per API key (the Content API), with a
 * penalty box: Fastly Edge Rate Limiting in production, its in-memory twin on Node. Limits come
 * from the `rate_limits` setting (./config.ts); the decision is ./decide.ts.
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
    const cls = routeClassOf(url.pathname);
    const counted = c.env?.counted;
    const checks =
      counted && sameLimits(counted.config, config)
        ? counted.checks
        : countRequest(platform.rates, config, cls, c.req.method, c.env?.clientIp, () => presentedKey(c)?.hash);

    const refused = checks.find((k) => !k.decision.allow);
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
      const retryAfter = refused.decision.retryAfter;
      return errorResponse('rate_limited', `Request was throttled. Expected available in ${retryAfter} seconds.`, requestId, {
        'retry-after': String(retryAfter),
        ...rateLimitHeaders(refused),
      });
    }

    await next();
    // The limit closest to running out is the one a client must heed.
    const headers = rateLimitHeaders(bindingCheck(checks));
    mutateResponseHeaders(c, (h) => {
      for (const [name, value] of Object.entries(headers)) h.set(name, value);
    });
  };
}
