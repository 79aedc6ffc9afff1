/**
 * Rate limits, shared by the edge (edge/middleware/rate-limit/) and the origin
 * (origin/http/rate-limit.ts): the decision, how a request is counted and decided against a set
 * of counters, the client-address entry, and the 429 / RateLimit-* headers. Each side is an
 * adapter over these: it picks the counters, the rules and the entries, and applies the result.
 *
 * The decision (`decideRateLimit`) is a pure function of what the counters report: no I/O, no
 * clock. Semantics follow Fastly's `EdgeRateLimiter.checkRate`: the request being decided has
 * already been counted (increment, then check), and an entry is over its limit when its average
 * rate over the window exceeds `rps`. An offender goes to the penalty box for its TTL, and every
 * request from an entry in the box is refused until the TTL has passed.
 */
import ipaddr from 'ipaddr.js';

/** A limit: `rps` requests per second averaged over `window` seconds. */
export interface RateLimitRule {
  rps: number;
  window: 1 | 10 | 60;
}

export interface RateLimitInput {
  /** The entry was already in the penalty box when this request arrived. */
  inPenaltyBox: boolean;
  /** Requests per second over `limit.window` as the counter estimates it, this request included. */
  observedRate: number;
  /**
   * Requests counted in the window, this request included (only for the RateLimit-* headers).
   * Defaults to `observedRate × window`, rounded.
   */
  count?: number;
  limit: RateLimitRule;
  /**
   * Seconds an offender stays in the penalty box. On Fastly the box keeps entries for whole
   * minutes (1–60), so there the real stay is this rounded up to a minute: Retry-After may then
   * be up to 59 s early, and a client retrying at once is simply refused again.
   */
  penaltyBoxTtl: number;
}

export interface RateLimitDecision {
  /** Let the request through. */
  allow: boolean;
  /** This request pushed the entry over its limit: add it to the penalty box now. */
  penalise: boolean;
  /** Seconds until a refused client may retry (the penalty box TTL); 0 when allowed. */
  retryAfter: number;
  /** Requests allowed per window (`RateLimit-Limit`): ⌊rps × window⌋. */
  limit: number;
  /** Requests left in the current window (`RateLimit-Remaining`); 0 when refused. */
  remaining: number;
  /**
   * Seconds until the quota is whole again (`RateLimit-Reset`): the window length after a
   * counted request (every request in a sliding window has left it by then), 0 with no traffic,
   * the penalty box TTL (≥ 1) when refused.
   */
  reset: number;
}

/** Absorbs binary floating-point noise (e.g. 1.1 × 60 = 66.00000000000001). */
const EPSILON = 1e-6;

/** Requests allowed per window for a rule: ⌊rps × window⌋. */
export function quotaOf(rule: RateLimitRule): number {
  return Math.max(0, Math.floor(rule.rps * rule.window + EPSILON));
}

/** `RateLimit-Policy` value for a rule, e.g. `50;w=10`. */
export function policyOf(rule: RateLimitRule): string {
  return `${quotaOf(rule)};w=${rule.window}`;
}

/** NaN and negative readings count as nothing (an unreadable counter never blocks by itself). */
function nonNegative(n: number): number {
  return n > 0 ? n : 0;
}

export function decideRateLimit(input: RateLimitInput): RateLimitDecision {
  const { window } = input.limit;
  const limit = quotaOf(input.limit);
  const rate = nonNegative(input.observedRate);
  const count = Math.round(nonNegative(input.count ?? rate * window));
  const ttl = Number.isFinite(input.penaltyBoxTtl) ? Math.max(1, Math.ceil(input.penaltyBoxTtl)) : 1;

  // Over the limit when the average rate exceeds rps, i.e. more than ⌊rps × window⌋ requests in
  // the window (the counts are whole numbers, so the two agree).
  const over = rate * window > limit + EPSILON;
  if (input.inPenaltyBox || over) {
    return { allow: false, penalise: !input.inPenaltyBox, retryAfter: ttl, limit, remaining: 0, reset: ttl };
  }
  return { allow: true, penalise: false, retryAfter: 0, limit, remaining: Math.max(0, limit - count), reset: count > 0 ? window : 0 };
}

/**
 * Rate counters and a penalty box (Fastly Edge Rate Limiting; an in-memory twin on Node with the
 * same semantics, shared/memory-rates.ts). Counters estimate rates over 1, 10 and 60 s windows;
 * entries put in a penalty box stay there for its TTL.
 */
export interface RateCounters {
  increment(counter: string, entry: string, delta: number): void;
  /** Estimated requests per second for `entry` over the last `windowSeconds`. */
  rate(counter: string, entry: string, windowSeconds: 1 | 10 | 60): number;
  /** Requests counted for `entry` over the last `durationSeconds`. */
  count(counter: string, entry: string, durationSeconds: 10 | 20 | 30 | 40 | 50 | 60): number;
  inPenaltyBox(box: string, entry: string): boolean;
  addToPenaltyBox(box: string, entry: string, ttlSeconds: number): void;
}

/** Who a limit counts: the client address, or the API key. */
export type RateLimitScope = 'ip' | 'key';

/** One limit applied to a request: which, its rule, and the decision. */
export interface RateLimitCheck {
  scope: RateLimitScope;
  rule: RateLimitRule;
  decision: RateLimitDecision;
}

/**
 * Counts this request for `entry` in `counter` (increment, then check), decides, and puts the
 * entry in `box` for `ttl` seconds when this request pushed it over its limit.
 */
export function countAndDecide(rates: RateCounters, counter: string, box: string, entry: string, rule: RateLimitRule, ttl: number): RateLimitDecision {
  rates.increment(counter, entry, 1);
  const inPenaltyBox = rates.inPenaltyBox(box, entry);
  const observedRate = rates.rate(counter, entry, rule.window);
  // lookupCount covers 10–60 s; a 1 s window has only its rate (= its count).
  const count = rule.window === 1 ? observedRate : rates.count(counter, entry, rule.window);
  const decision = decideRateLimit({ inPenaltyBox, observedRate, count, limit: rule, penaltyBoxTtl: ttl });
  if (decision.penalise) rates.addToPenaltyBox(box, entry, ttl);
  return decision;
}

/** The limit closest to running out (the one a client must heed); the first on ties. */
export function bindingCheck<C extends RateLimitCheck>(checks: readonly C[]): C {
  return checks.reduce((a, b) => (b.decision.remaining < a.decision.remaining ? b : a));
}

/** The first refused check, if any. */
export function refusedCheck<C extends RateLimitCheck>(checks: readonly C[]): C | undefined {
  return checks.find((k) => !k.decision.allow);
}

/** The RateLimit-* response headers, in the order of rateLimitValues. */
export const RATE_LIMIT_HEADER_NAMES = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy'] as const;

/** The RateLimit-* header values of a check, in the order of RATE_LIMIT_HEADER_NAMES. */
export function rateLimitValues({ rule, decision }: RateLimitCheck): [string, string, string, string] {
  return [String(decision.limit), String(decision.remaining), String(decision.reset), policyOf(rule)];
}

/** The RateLimit-* response headers of a check (lower-case names). */
export function rateLimitHeaders(check: RateLimitCheck): Record<string, string> {
  const values = rateLimitValues(check);
  return Object.fromEntries(RATE_LIMIT_HEADER_NAMES.map((name, i) => [name, values[i]!]));
}

/** A refused request's 429: its `detail` (ButterCMS / DRF wording) and headers (Retry-After, then RateLimit-*). */
export function throttled(check: RateLimitCheck): { detail: string; headers: Record<string, string> } {
  const retryAfter = check.decision.retryAfter;
  return {
    detail: `Request was throttled. Expected available in ${retryAfter} seconds.`,
    headers: { 'retry-after': String(retryAfter), ...rateLimitHeaders(check) },
  };
}

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
