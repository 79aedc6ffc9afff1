/**
 * The rate-limit decision: a pure function of what the counters report, no I/O, no clock.
 * The middleware (./index.ts) reads the counters, calls this, and applies the result (adds to
 * the penalty box, answers 429, sets the RateLimit-* headers).
 *
 * Semantics follow Fastly's `EdgeRateLimiter.checkRate`: the request being decided has already
 * been counted (increment, then check), and an entry is over its limit when its average rate
 * over the window exceeds `rps`. An offender goes to the penalty box for its TTL, and every
 * request from an entry in the box is refused until the TTL has passed.
 */

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
