/**
 * Billing's services for the routes: the organization's billing view (plan, status, period end,
 * usage against every limit), a Checkout Session (subscription mode) and a Customer Portal
 * session. The Stripe customer is created once per organization (Idempotency-Key from the
 * organization: two concurrent first checkouts get the same customer) and only its id is kept;
 * the customer carries no personal data from ghee (Checkout collects what Stripe needs).
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { billingAccounts } from '../db/schema/index.js';
import type { Result } from '../http/result.js';
import { commitWrite, type WriteActor, type WriteAudit, type WriteScope } from '../outbox/index.js';
import { LIMITS, PLANS, type LimitName, type PlanId } from './plans.js';
import { standingOf } from './standing.js';
import { idempotencyKey, priceOfPlan, type StripeSettings } from './stripe.js';
import { usageOf } from './usage.js';

export interface BillingView {
  billing: 'stripe' | 'off';
  /** The plan whose limits apply (null with billing off: no limits). */
  plan: PlanId | null;
  /** The subscribed plan as Stripe last told (may differ from `plan` when canceled). */
  subscribed_plan: PlanId | null;
  status: string;
  current_period_end: string | null;
  grace_ends_at: string | null;
  /** null: writes allowed; else why the organization is read-only. */
  read_only: string | null;
  usage: Record<LimitName, { used: number; limit: number | null }>;
  entitlements: string[];
}

export async function billingView(db: Db, settings: StripeSettings | null, organizationId: string, now: Date, graceDays: number): Promise<BillingView> {
  const [row] = await db.select().from(billingAccounts).where(eq(billingAccounts.organizationId, organizationId));
  const usage = await usageOf(db, organizationId, now);
  const standing = standingOf(row ?? null, now, graceDays);
  const on = settings !== null;
  const entries = LIMITS.map((l) => [l, { used: usage[l], limit: on ? standing.plan.limits[l] : null }] as const);
  return {
    billing: on ? 'stripe' : 'off',
    plan: on ? standing.plan.id : null,
    subscribed_plan: row && row.status !== 'none' && row.plan in PLANS ? (row.plan as PlanId) : null,
    status: row?.status ?? 'none',
    current_period_end: row?.currentPeriodEnd?.toISOString() ?? null,
    grace_ends_at: on ? (standing.graceEndsAt?.toISOString() ?? null) : null,
    read_only: on ? standing.readOnly : null,
    usage: Object.fromEntries(entries) as BillingView['usage'],
    entitlements: row?.entitlements ?? [],
  };
}

/** The organization's Stripe customer id: the stored one, else a new customer (its key from the organization: concurrent first calls get the same one). */
async function customerOf(db: Db, settings: StripeSettings, organizationId: string): Promise<string> {
  const [row] = await db.select({ id: billingAccounts.stripeCustomerId }).from(billingAccounts).where(eq(billingAccounts.organizationId, organizationId));
  if (row?.id) return row.id;
  const customer = await settings.stripe.customers.create({ metadata: { ghee_organization: organizationId } }, { idempotencyKey: idempotencyKey('customer', organizationId) });
  return customer.id;
}

/** Keeps the customer id (first one wins) and names the write's one audit row. */
async function recordSession(w: WriteScope, organizationId: string, customerId: string, entry: WriteAudit): Promise<void> {
  await w.t.insert(billingAccounts).values({ organizationId }).onConflictDoNothing();
  await w.t
    .update(billingAccounts)
    .set({ stripeCustomerId: customerId, updatedAt: new Date() })
    .where(and(eq(billingAccounts.organizationId, organizationId), isNull(billingAccounts.stripeCustomerId)));
  w.audit(entry);
}

export interface SessionUrls {
  successUrl: string;
  cancelUrl: string;
  portalReturnUrl: string;
}

/** Subscription statuses that hold a plan (a second Checkout would bill twice). */
const LIVE_STATUSES = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused']);

export type BillingActor = WriteActor & { organizationId: string };

/**
 * A Checkout Session for `plan` (subscription mode, client_reference_id = the organization),
 * audited as `billing.checkout`. The Idempotency-Key is derived from the organization, the plan,
 * its Price and `operationId` (the client's Idempotency-Key header, else the request id), so a
 * retried request gets the same session.
 */
export async function startCheckout(db: Db, settings: StripeSettings, actor: BillingActor, input: { plan: PlanId; operationId: string; urls: SessionUrls }): Promise<Result<{ id: string; url: string | null }>> {
  const organizationId = actor.organizationId;
  // One subscription per organization: plan changes of a live one go through the Customer Portal (no double billing).
  const [row] = await db.select({ status: billingAccounts.status }).from(billingAccounts).where(eq(billingAccounts.organizationId, organizationId));
  if (row && LIVE_STATUSES.has(row.status)) return { ok: false, error: 'conflict', detail: 'The organization already has a subscription: change its plan in the Customer Portal (POST /v1/orgs/{org}/billing/portal).' };
  const price = await priceOfPlan(settings, input.plan);
  if (!price) return { ok: false, error: 'conflict', detail: `The ${PLANS[input.plan].name} plan has no Stripe Price yet: run npm run billing -- sync-plans or set STRIPE_PRICE_${input.plan.toUpperCase()}.` };
  const customer = await customerOf(db, settings, organizationId);
  const session = await settings.stripe.checkout.sessions.create(
    {
      mode: 'subscription',
      customer,
      client_reference_id: organizationId,
      line_items: [{ price, quantity: 1 }],
      success_url: input.urls.successUrl,
      cancel_url: input.urls.cancelUrl,
      metadata: { ghee_organization: organizationId, ghee_plan: input.plan },
      subscription_data: { metadata: { ghee_organization: organizationId, ghee_plan: input.plan } },
    },
    { idempotencyKey: idempotencyKey('checkout', organizationId, input.plan, price, input.operationId) },
  );
  return commitWrite(db, actor, null, async (w): Promise<Result<{ id: string; url: string | null }>> => {
    await recordSession(w, organizationId, customer, { action: 'billing.checkout', target: { type: 'organization', id: organizationId }, metadata: { plan: input.plan, price, checkout_session: session.id } });
    return { ok: true, value: { id: session.id, url: session.url } };
  });
}

/** A Customer Portal session for the organization's customer (conflict before its first checkout), audited as `billing.portal`. */
export async function openPortal(db: Db, settings: StripeSettings, actor: BillingActor, input: { operationId: string; urls: SessionUrls }): Promise<Result<{ url: string }>> {
  const organizationId = actor.organizationId;
  const [row] = await db.select({ id: billingAccounts.stripeCustomerId }).from(billingAccounts).where(eq(billingAccounts.organizationId, organizationId));
  if (!row?.id) return { ok: false, error: 'conflict', detail: 'The organization has no Stripe customer yet: start with POST /v1/orgs/{org}/billing/checkout.' };
  const customer = row.id;
  const session = await settings.stripe.billingPortal.sessions.create({ customer, return_url: input.urls.portalReturnUrl }, { idempotencyKey: idempotencyKey('portal', organizationId, input.operationId) });
  return commitWrite(db, actor, null, async (w): Promise<Result<{ url: string }>> => {
    await recordSession(w, organizationId, customer, { action: 'billing.portal', target: { type: 'organization', id: organizationId }, metadata: { portal_session: session.id } });
    return { ok: true, value: { url: session.url } };
  });
}
