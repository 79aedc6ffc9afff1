/**
 * The public module of the billing domain (origin/billing/): plans and their limits, and the
 * installation of the limits' guard into the commit step. Its HTTP surface is routes.ts.
 * Billing off (BILLING=off, the self-hosted default) installs nothing: no plans, no limits.
 */
import type { AppContext } from '../context.js';
import { guardWrites } from '../outbox/index.js';
import { planLimitGuard } from './guard.js';

export { LIMITS, PLAN_IDS, PLANS, PAID_PLANS, priceLookupKey } from './plans.js';
export type { LimitName, Plan, PlanId } from './plans.js';
export { stripeClient, idempotencyKey } from './stripe.js';
export { syncPlans } from './sync-plans.js';
export { endOrganizationSubscription, subscriptionEnder, SubscriptionStillActive } from './cancel.js';
export type { SubscriptionEnd } from './cancel.js';
export type { SyncedPlan } from './sync-plans.js';

/** Installs the plan limits for the app's database when billing is on (origin/app.ts, once). */
export function installBilling(ctx: AppContext): void {
  if (ctx.config.BILLING === 'off') return;
  guardWrites(ctx.database.db, planLimitGuard(ctx.now, ctx.config.BILLING_GRACE_DAYS));
}
