/**
 * An organization's standing: which plan's limits apply and whether it may write — a pure
 * function of its billing row and the clock, so the guard, GET …/billing and the tests agree.
 *
 *   active, trialing      the subscribed plan
 *   past_due              the subscribed plan for BILLING_GRACE_DAYS after the first failed
 *                         payment (dunning), then read-only
 *   unpaid, paused        read-only on the subscribed plan (Stripe gave up retrying / paused)
 *   none, incomplete, incomplete_expired, canceled
 *                         the free plan
 * Read-only never deletes anything: reads (and the edge's cached copies) keep serving published
 * content, and deletions stay allowed so an organization can get back within its plan.
 */
import { isPlanId, PLANS, type Plan } from './plans.js';

export interface BillingRow {
  plan: string;
  status: string;
  pastDueSince: Date | null;
}

export interface Standing {
  plan: Plan;
  /** null: writes allowed (within the plan's limits); else why the organization is read-only. */
  readOnly: string | null;
  /** When the dunning grace ends (past_due only). */
  graceEndsAt: Date | null;
}

const SUBSCRIBED = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused']);

export function standingOf(row: BillingRow | null, now: Date, graceDays: number): Standing {
  if (!row || !SUBSCRIBED.has(row.status) || !isPlanId(row.plan)) return { plan: PLANS.free, readOnly: null, graceEndsAt: null };
  const plan = PLANS[row.plan];
  if (row.status === 'past_due') {
    const since = row.pastDueSince ?? now;
    const graceEndsAt = new Date(since.getTime() + graceDays * 86_400_000);
    return { plan, graceEndsAt, readOnly: now < graceEndsAt ? null : `the ${plan.name} plan's payment is past due and the ${graceDays}-day grace period ended; update the payment method (POST …/billing/portal) to write again` };
  }
  if (row.status === 'unpaid') return { plan, graceEndsAt: null, readOnly: `the ${plan.name} plan's invoices are unpaid; update the payment method (POST …/billing/portal) to write again` };
  if (row.status === 'paused') return { plan, graceEndsAt: null, readOnly: `the ${plan.name} plan's subscription is paused` };
  return { plan, readOnly: null, graceEndsAt: null };
}
