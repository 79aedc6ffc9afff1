/**
 * Ending an organization's Stripe subscription before the organization is hard-deleted (issue 16
 * "Erasure", origin/governance/erasure/organization.ts): the deletion sweep calls this first and
 * deletes only when it returns — an organization that still bills is never deleted (its row would
 * be gone while Stripe kept charging its customer).
 *
 * Idempotent: the subscription is fetched first; one Stripe no longer knows (resource_missing) or
 * already ended (canceled, incomplete_expired) is not cancelled again, and a cancel answered
 * resource_missing (cancelled in between) counts as done. Any other failure (Stripe down, a bad
 * key) throws: the sweep keeps the organization and tries again on its next run. With billing off
 * (no Stripe settings) an organization whose recorded subscription is still live cannot be
 * cancelled from here: that throws too (the operator cancels it in Stripe, or turns billing on).
 */
import { sql } from 'drizzle-orm';
import type { OriginConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { stripeSettings, type StripeSettings } from './stripe.js';

/** none: no subscription recorded; ended: Stripe had already ended it; cancelled: cancelled now. */
export type SubscriptionEnd = 'none' | 'ended' | 'cancelled';

/** Stripe statuses after which a subscription no longer bills. */
const ENDED = new Set(['canceled', 'incomplete_expired']);

export class SubscriptionStillActive extends Error {
  override readonly name = 'SubscriptionStillActive';
}

const isMissing = (err: unknown) => (err as { code?: string } | null)?.code === 'resource_missing';

/** Ends `organizationId`'s recorded subscription in Stripe (see the header); throws when it could not. */
export async function endOrganizationSubscription(db: Db, settings: StripeSettings | null, organizationId: string): Promise<SubscriptionEnd> {
  const r = await db.execute(sql`select status, stripe_subscription_id from billing_accounts where organization_id = ${organizationId}`);
  const [account] = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as { status: string; stripe_subscription_id: string | null }[];
  const id = account?.stripe_subscription_id;
  if (!id) return 'none';
  if (!settings) {
    if (ENDED.has(account.status)) return 'ended';
    throw new SubscriptionStillActive(`organization ${organizationId} has a live Stripe subscription (status ${account.status}) and billing is off: cancel it in Stripe first`);
  }
  let status: string;
  try {
    status = (await settings.stripe.subscriptions.retrieve(id)).status;
  } catch (err) {
    if (isMissing(err)) return 'ended';
    throw err;
  }
  if (ENDED.has(status)) return 'ended';
  try {
    // Now, not at the period's end: the organization is going; no prorated invoice for the rest.
    await settings.stripe.subscriptions.cancel(id, { invoice_now: false, prorate: false });
  } catch (err) {
    if (isMissing(err)) return 'ended';
    throw err;
  }
  await db.execute(sql`update billing_accounts set status = 'canceled', updated_at = now() where organization_id = ${organizationId}`);
  return 'cancelled';
}

/** The deletion sweep's hook: `endOrganizationSubscription` with the configuration's Stripe settings (none with billing off). */
export function subscriptionEnder(db: Db, config: OriginConfig): (organizationId: string) => Promise<SubscriptionEnd> {
  const settings = stripeSettings(config);
  return (organizationId) => endOrganizationSubscription(db, settings, organizationId);
}
