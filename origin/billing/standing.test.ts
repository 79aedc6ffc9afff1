import { describe, expect, it } from 'vitest';
import { LIMITS, PAID_PLANS, PLAN_IDS, PLANS } from './plans.js';
import { standingOf } from './standing.js';

const now = new Date('2026-12-07T12:00:00Z');
const days = (n: number) => new Date(now.getTime() - n * 86_400_000);

describe('standingOf', () => {
  it('is the free plan, writable, without a subscription or after it ended', () => {
    for (const status of ['none', 'canceled', 'incomplete', 'incomplete_expired']) {
      expect(standingOf({ plan: 'business', status, pastDueSince: null }, now, 7)).toEqual({ plan: PLANS.free, readOnly: null, graceEndsAt: null });
    }
    expect(standingOf(null, now, 7).plan.id).toBe('free');
    expect(standingOf({ plan: 'gold', status: 'active', pastDueSince: null }, now, 7).plan.id).toBe('free');
  });

  it('keeps the subscribed plan while active, and while past due within the grace days', () => {
    expect(standingOf({ plan: 'team', status: 'active', pastDueSince: null }, now, 7)).toEqual({ plan: PLANS.team, readOnly: null, graceEndsAt: null });
    const grace = standingOf({ plan: 'team', status: 'past_due', pastDueSince: days(6) }, now, 7);
    expect(grace.readOnly).toBeNull();
    expect(grace.graceEndsAt).toEqual(new Date(days(6).getTime() + 7 * 86_400_000));
  });

  it('turns read-only (never free, nothing deleted) once the grace ends, when unpaid, when paused', () => {
    const lapsed = standingOf({ plan: 'team', status: 'past_due', pastDueSince: days(7) }, now, 7);
    expect(lapsed.plan.id).toBe('team');
    expect(lapsed.readOnly).toMatch(/past due/);
    expect(standingOf({ plan: 'team', status: 'past_due', pastDueSince: days(0) }, now, 0).readOnly).toMatch(/past due/);
    expect(standingOf({ plan: 'business', status: 'unpaid', pastDueSince: days(30) }, now, 7).readOnly).toMatch(/unpaid/);
    expect(standingOf({ plan: 'business', status: 'paused', pastDueSince: null }, now, 7).readOnly).toMatch(/paused/);
  });
});

describe('the plan table', () => {
  it('gives every plan every limit, growing with the plan, enterprise unlimited', () => {
    for (const l of LIMITS) {
      const values = PLAN_IDS.map((p) => PLANS[p].limits[l]);
      expect(values.at(-1)).toBeNull();
      const finite = values.filter((v): v is number => v !== null);
      expect(finite).toEqual([...finite].sort((a, b) => a - b));
    }
    expect(PAID_PLANS).toEqual(['team', 'business', 'enterprise']);
  });
});
