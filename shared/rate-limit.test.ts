import { describe, it, expect } from 'vitest';
import { decideRateLimit, policyOf, quotaOf, type RateLimitDecision, type RateLimitInput, type RateLimitRule } from './rate-limit.js';

const TTL = 60;

/** Input for `count` requests in the window (this one included), as an exact counter reports them. */
function input(count: number, limit: RateLimitRule, inPenaltyBox = false, penaltyBoxTtl = TTL): RateLimitInput {
  return { inPenaltyBox, observedRate: count / limit.window, count, limit, penaltyBoxTtl };
}

const allowed = (limit: number, remaining: number, reset: number): RateLimitDecision => ({ allow: true, penalise: false, retryAfter: 0, limit, remaining, reset });
const penalised = (limit: number, ttl = TTL): RateLimitDecision => ({ allow: false, penalise: true, retryAfter: ttl, limit, remaining: 0, reset: ttl });
const boxed = (limit: number, ttl = TTL): RateLimitDecision => ({ allow: false, penalise: false, retryAfter: ttl, limit, remaining: 0, reset: ttl });

describe('quotaOf / policyOf', () => {
  it.each([
    [{ rps: 50, window: 10 }, 50 * 10, '500;w=10'],
    [{ rps: 5, window: 1 }, 5, '5;w=1'],
    [{ rps: 1, window: 60 }, 60, '60;w=60'],
    [{ rps: 0.5, window: 10 }, 5, '5;w=10'],
    [{ rps: 2.5, window: 1 }, 2, '2;w=1'],
    [{ rps: 0.15, window: 10 }, 1, '1;w=10'],
    [{ rps: 1.1, window: 60 }, 66, '66;w=60'], // 1.1 × 60 = 66.00000000000001 in binary floating point
    [{ rps: 0.7, window: 10 }, 7, '7;w=10'],
    [{ rps: 1 / 60, window: 60 }, 1, '1;w=60'], // 0.9999999999999999 without the tolerance
  ] as const)('%j → %d per window, policy %s', (rule, quota, policy) => {
    expect(quotaOf(rule)).toBe(quota);
    expect(policyOf(rule)).toBe(policy);
  });
});

describe('decideRateLimit: counts against the limit', () => {
  // [label, count in window (this request included), rule, expected]
  it.each<[string, number, RateLimitRule, RateLimitDecision]>([
    ['zero traffic (w=10)', 0, { rps: 5, window: 10 }, allowed(50, 50, 0)],
    ['first request (w=10)', 1, { rps: 5, window: 10 }, allowed(50, 49, 10)],
    ['below the limit (w=10)', 30, { rps: 5, window: 10 }, allowed(50, 20, 10)],
    ['one below the limit (w=10)', 49, { rps: 5, window: 10 }, allowed(50, 1, 10)],
    ['at the limit (w=10)', 50, { rps: 5, window: 10 }, allowed(50, 0, 10)],
    ['one over the limit (w=10)', 51, { rps: 5, window: 10 }, penalised(50)],
    ['far over the limit (w=10)', 5000, { rps: 5, window: 10 }, penalised(50)],

    ['zero traffic (w=1)', 0, { rps: 3, window: 1 }, allowed(3, 3, 0)],
    ['below the limit (w=1)', 2, { rps: 3, window: 1 }, allowed(3, 1, 1)],
    ['at the limit (w=1)', 3, { rps: 3, window: 1 }, allowed(3, 0, 1)],
    ['over the limit (w=1)', 4, { rps: 3, window: 1 }, penalised(3)],

    ['zero traffic (w=60)', 0, { rps: 2, window: 60 }, allowed(120, 120, 0)],
    ['below the limit (w=60)', 1, { rps: 2, window: 60 }, allowed(120, 119, 60)],
    ['at the limit (w=60)', 120, { rps: 2, window: 60 }, allowed(120, 0, 60)],
    ['over the limit (w=60)', 121, { rps: 2, window: 60 }, penalised(120)],

    ['fractional rps, integral quota: at (0.5 × 10)', 5, { rps: 0.5, window: 10 }, allowed(5, 0, 10)],
    ['fractional rps, integral quota: over (0.5 × 10)', 6, { rps: 0.5, window: 10 }, penalised(5)],
    ['fractional quota: at ⌊2.5⌋ (w=1)', 2, { rps: 2.5, window: 1 }, allowed(2, 0, 1)],
    ['fractional quota: over ⌊2.5⌋ (w=1)', 3, { rps: 2.5, window: 1 }, penalised(2)],
    ['fractional quota: at ⌊1.5⌋ (0.15 × 10)', 1, { rps: 0.15, window: 10 }, allowed(1, 0, 10)],
    ['fractional quota: over ⌊1.5⌋ (0.15 × 10)', 2, { rps: 0.15, window: 10 }, penalised(1)],
    ['float noise: at 66 (1.1 × 60)', 66, { rps: 1.1, window: 60 }, allowed(66, 0, 60)],
    ['float noise: over 66 (1.1 × 60)', 67, { rps: 1.1, window: 60 }, penalised(66)],
    ['one per minute: at', 1, { rps: 1 / 60, window: 60 }, allowed(1, 0, 60)],
    ['one per minute: over', 2, { rps: 1 / 60, window: 60 }, penalised(1)],
  ])('%s', (_label, count, rule, expected) => {
    expect(decideRateLimit(input(count, rule))).toEqual(expected);
  });
});

describe('decideRateLimit: the penalty box', () => {
  it.each<[string, number, RateLimitRule]>([
    ['with zero traffic', 0, { rps: 5, window: 10 }],
    ['below the limit', 1, { rps: 5, window: 10 }],
    ['at the limit', 50, { rps: 5, window: 10 }],
    ['over the limit (not penalised twice)', 51, { rps: 5, window: 10 }],
    ['on a 1 s window', 1, { rps: 3, window: 1 }],
    ['on a 60 s window', 1, { rps: 2, window: 60 }],
  ])('an entry in the box is refused %s, without being added again', (_label, count, rule) => {
    expect(decideRateLimit(input(count, rule, true))).toEqual(boxed(quotaOf(rule)));
  });

  it.each([1, 59, 60, 61, 300, 3600])('Retry-After and Reset are the box TTL (%d s)', (ttl) => {
    expect(decideRateLimit(input(51, { rps: 5, window: 10 }, false, ttl))).toEqual(penalised(50, ttl));
    expect(decideRateLimit(input(1, { rps: 5, window: 10 }, true, ttl))).toEqual(boxed(50, ttl));
  });

  it('a refusal always says to wait at least a second, in whole seconds', () => {
    for (const ttl of [0, -5, 0.2, Number.NaN, Number.POSITIVE_INFINITY]) {
      const d = decideRateLimit(input(51, { rps: 5, window: 10 }, false, ttl));
      expect(d.retryAfter, String(ttl)).toBe(1);
      expect(d.reset, String(ttl)).toBe(1);
    }
    expect(decideRateLimit(input(51, { rps: 5, window: 10 }, false, 90.2)).retryAfter).toBe(91);
  });
});

describe('decideRateLimit: counter readings', () => {
  it('decides on the rate (as Fastly checkRate does); the count only feeds the headers', () => {
    const rule: RateLimitRule = { rps: 5, window: 10 };
    // An estimated rate just over the limit refuses, whatever the (lagging) count says.
    expect(decideRateLimit({ inPenaltyBox: false, observedRate: 5.05, count: 48, limit: rule, penaltyBoxTtl: TTL })).toEqual(penalised(50));
    // A rate at the limit passes; a count running ahead of it only empties Remaining.
    expect(decideRateLimit({ inPenaltyBox: false, observedRate: 5, count: 53, limit: rule, penaltyBoxTtl: TTL })).toEqual(allowed(50, 0, 10));
  });

  it('without a count, derives it from the rate (rounded)', () => {
    const rule: RateLimitRule = { rps: 5, window: 10 };
    expect(decideRateLimit({ inPenaltyBox: false, observedRate: 1.26, limit: rule, penaltyBoxTtl: TTL })).toEqual(allowed(50, 37, 10));
    expect(decideRateLimit({ inPenaltyBox: false, observedRate: 0, limit: rule, penaltyBoxTtl: TTL })).toEqual(allowed(50, 50, 0));
  });

  it('treats nonsense readings (negative, NaN, infinite) as no traffic, never as a block', () => {
    const rule: RateLimitRule = { rps: 5, window: 10 };
    for (const observedRate of [-1, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(decideRateLimit({ inPenaltyBox: false, observedRate, limit: rule, penaltyBoxTtl: TTL }), String(observedRate)).toEqual(allowed(50, 50, 0));
    }
    expect(decideRateLimit({ inPenaltyBox: false, observedRate: 1, count: Number.NaN, limit: rule, penaltyBoxTtl: TTL })).toEqual(allowed(50, 50, 0));
  });

  it('an unbounded rate is over any limit', () => {
    expect(decideRateLimit({ inPenaltyBox: false, observedRate: Number.POSITIVE_INFINITY, limit: { rps: 100_000, window: 60 }, penaltyBoxTtl: TTL })).toEqual(penalised(6_000_000));
  });

  it('is pure: the same input gives the same output and the input is not changed', () => {
    const i = input(51, { rps: 5, window: 10 });
    const copy = structuredClone(i);
    expect(decideRateLimit(i)).toEqual(decideRateLimit(i));
    expect(i).toEqual(copy);
  });

  it('walks a burst: allowed up to the quota, remaining counts down, then penalised', () => {
    const rule: RateLimitRule = { rps: 0.4, window: 10 };
    const seen = [1, 2, 3, 4, 5].map((n) => decideRateLimit(input(n, rule)));
    expect(seen.map((d) => d.allow)).toEqual([true, true, true, true, false]);
    expect(seen.map((d) => d.remaining)).toEqual([3, 2, 1, 0, 0]);
    expect(seen.map((d) => d.penalise)).toEqual([false, false, false, false, true]);
  });
});
