/**
 * Stripe's webhooks (POST /v1/billing/stripe/webhook). The signature is checked on the raw body
 * by the stripe library (`constructEventAsync`, 300 s tolerance): anything else is a 400 and
 * changes nothing. Each handled event's id is recorded in `billing_events` in the same
 * transaction as its effect (through the commit step, with its one audit row), so a redelivery
 * is a no-op. Order is not trusted: a subscription, checkout or invoice event re-fetches the
 * subscription from Stripe and applies its current state — an old `updated` arriving after
 * `deleted` finds the subscription canceled and leaves it so.
 *
 * Handled: checkout.session.completed, customer.subscription.created|updated|deleted,
 * invoice.paid, invoice.payment_failed, entitlements.active_entitlement_summary.updated; every
 * other type is acknowledged and ignored. Plan changes, payment failures and recoveries are
 * audited (`billing.plan_change`, `billing.payment_failed`, `billing.payment_recovered`) and
 * mailed to the organization's owners and billing members after the commit.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { billingAccounts, billingEvents, organizations } from '../db/schema/index.js';
import { isUuid } from '../http/authorize.js';
import type { Result } from '../http/result.js';
import { commitWrite, type WriteActor } from '../outbox/index.js';
import { isPlanId, PLANS, type PlanId } from './plans.js';
import { standingOf } from './standing.js';
import { planOfPrice, type Stripe, type StripeSettings } from './stripe.js';

export const WEBHOOK_TOLERANCE_S = 300;

const HANDLED = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
  'entitlements.active_entitlement_summary.updated',
]);

/** Statuses in which a subscription still holds its plan (a stale event's canceled subscription never overrides a live one). */
const LIVE = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused']);
const LAPSED = new Set(['past_due', 'unpaid']);

export interface Notice {
  organizationId: string;
  kind: 'plan_change' | 'payment_failed' | 'payment_recovered';
  planBefore: PlanId;
  planAfter: PlanId;
  status: string;
}

export type WebhookOutcome = { received: true; handled: boolean; duplicate: boolean; notice: Notice | null };

const ACK = (handled: boolean, duplicate: boolean): WebhookOutcome => ({ received: true, handled, duplicate, notice: null });

type SubscriptionLike = Pick<Stripe.Subscription, 'id' | 'status' | 'metadata'> & {
  customer: string | { id: string };
  items?: { data?: { price?: Stripe.Price | null; current_period_end?: number }[] };
  current_period_end?: number;
};

const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);

/** Verifies the signature on the raw body: the event, or `invalid` (nothing else happens). */
export async function verifyEvent(settings: StripeSettings, raw: string, signature: string | undefined, nowS: number): Promise<Result<Stripe.Event>> {
  if (!signature) return { ok: false, error: 'invalid', detail: 'Missing Stripe-Signature header.' };
  try {
    // receivedAt in milliseconds (the app's clock).
    const event = await settings.stripe.webhooks.constructEventAsync(raw, signature, settings.webhookSecret, WEBHOOK_TOLERANCE_S, undefined, Math.floor(nowS * 1000));
    return { ok: true, value: event };
  } catch {
    return { ok: false, error: 'invalid', detail: 'Webhook signature verification failed.' };
  }
}

async function organizationByCustomer(db: Db, customer: string | null): Promise<string | null> {
  if (!customer) return null;
  const [row] = await db.select({ id: billingAccounts.organizationId }).from(billingAccounts).where(eq(billingAccounts.stripeCustomerId, customer));
  return row?.id ?? null;
}

async function organizationExists(db: Db, id: string | null | undefined): Promise<string | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id));
  return row?.id ?? null;
}

/** The subscription's current state from Stripe (a deleted one that Stripe no longer has reads as canceled). */
async function fetchSubscription(settings: StripeSettings, id: string, customer: string | null): Promise<SubscriptionLike> {
  try {
    return (await settings.stripe.subscriptions.retrieve(id)) as unknown as SubscriptionLike;
  } catch (err) {
    if ((err as { code?: string }).code === 'resource_missing') return { id, status: 'canceled', metadata: {}, customer: customer ?? '' };
    throw err;
  }
}

interface Resolved {
  organizationId: string;
  customer: string | null;
  subscription: SubscriptionLike | null;
  entitlements: string[] | null;
}

/** The organization an event concerns and the state to apply (network calls happen here, before the transaction). */
async function resolve(db: Db, settings: StripeSettings, event: Stripe.Event): Promise<Resolved | null> {
  const obj = event.data.object as unknown as Record<string, unknown>;
  if (event.type === 'entitlements.active_entitlement_summary.updated') {
    const customer = idOf(obj.customer as string | null);
    const org = await organizationByCustomer(db, customer);
    const list = ((obj.entitlements as { data?: { lookup_key?: string }[] } | undefined)?.data ?? []).map((e) => e.lookup_key).filter((k): k is string => typeof k === 'string');
    return org ? { organizationId: org, customer, subscription: null, entitlements: list.slice(0, 200) } : null;
  }
  let customer: string | null;
  let subscriptionId: string | null;
  let org: string | null = null;
  if (event.type === 'checkout.session.completed') {
    if (obj.mode !== 'subscription') return null;
    customer = idOf(obj.customer as string | null);
    subscriptionId = idOf(obj.subscription as string | null);
    org = await organizationExists(db, obj.client_reference_id as string | null);
    // The reference must agree with a customer the organization already has.
    const owner = await organizationByCustomer(db, customer);
    if (owner && owner !== org) return null;
  } else if (event.type.startsWith('customer.subscription.')) {
    customer = idOf(obj.customer as string | null);
    subscriptionId = obj.id as string;
  } else {
    customer = idOf(obj.customer as string | null);
    const parent = obj.parent as { subscription_details?: { subscription?: string | { id: string } } } | null | undefined;
    subscriptionId = idOf(parent?.subscription_details?.subscription ?? (obj.subscription as string | null | undefined));
  }
  org ??= await organizationByCustomer(db, customer);
  if (!subscriptionId) return null;
  const subscription = await fetchSubscription(settings, subscriptionId, customer);
  if (!org) {
    // A subscription made outside this flow names its organization in metadata; only for a customer no one has.
    const named = await organizationExists(db, subscription.metadata?.ghee_organization);
    if (named && !(await organizationByCustomer(db, idOf(subscription.customer)))) org = named;
  }
  if (!org) return null;
  return { organizationId: org, customer: customer ?? idOf(subscription.customer), subscription, entitlements: null };
}

/** Applies a verified event once: the outcome (with the notice to mail after the commit). */
export async function applyEvent(db: Db, settings: StripeSettings, event: Stripe.Event, now: Date, graceDays: number): Promise<WebhookOutcome> {
  if (!HANDLED.has(event.type)) return ACK(false, false);
  const [seen] = await db.select({ id: billingEvents.eventId }).from(billingEvents).where(eq(billingEvents.eventId, event.id));
  if (seen) return ACK(true, true);
  const target = await resolve(db, settings, event);
  if (!target) return ACK(false, false);
  const org = target.organizationId;
  const actor: WriteActor = { userId: null, keyId: null, system: 'operator', organizationId: org };
  let notice: Notice | null = null;
  const r = await commitWrite(db, actor, null, async (w): Promise<Result<null>> => {
    const inserted = await w.t.insert(billingEvents).values({ eventId: event.id, type: event.type, organizationId: org }).onConflictDoNothing().returning({ id: billingEvents.eventId });
    if (inserted.length === 0) return { ok: false, error: 'conflict', detail: 'duplicate event' };
    await w.t.insert(billingAccounts).values({ organizationId: org }).onConflictDoNothing();
    const [before] = await w.t.select().from(billingAccounts).where(eq(billingAccounts.organizationId, org)).for('update');
    const next = { ...before! };
    if (target.customer && !next.stripeCustomerId) next.stripeCustomerId = target.customer;
    if (target.entitlements) next.entitlements = target.entitlements;
    const sub = target.subscription;
    if (sub && (!before!.stripeSubscriptionId || before!.stripeSubscriptionId === sub.id || LIVE.has(sub.status))) {
      const item = sub.items?.data?.[0];
      const metaPlan = sub.metadata?.ghee_plan;
      const plan = planOfPrice(settings, item?.price) ?? (isPlanId(metaPlan) ? metaPlan : null) ?? (isPlanId(before!.plan) ? before!.plan : 'free');
      const periodEnd = item?.current_period_end ?? sub.current_period_end;
      next.stripeSubscriptionId = sub.id;
      next.status = sub.status;
      next.plan = LIVE.has(sub.status) ? plan : next.plan;
      next.currentPeriodEnd = typeof periodEnd === 'number' ? new Date(periodEnd * 1000) : next.currentPeriodEnd;
      next.pastDueSince = LAPSED.has(sub.status) ? (before!.pastDueSince ?? now) : null;
    }
    next.updatedAt = now;
    await w.t
      .update(billingAccounts)
      .set({ plan: next.plan, status: next.status, stripeCustomerId: next.stripeCustomerId, stripeSubscriptionId: next.stripeSubscriptionId, currentPeriodEnd: next.currentPeriodEnd, pastDueSince: next.pastDueSince, entitlements: next.entitlements, updatedAt: now })
      .where(eq(billingAccounts.organizationId, org));
    const planBefore = standingOf(before!, now, graceDays).plan.id;
    const planAfter = standingOf(next, now, graceDays).plan.id;
    const kind: Notice['kind'] | null =
      event.type === 'invoice.payment_failed' || (!LAPSED.has(before!.status) && LAPSED.has(next.status))
        ? 'payment_failed'
        : LAPSED.has(before!.status) && (next.status === 'active' || next.status === 'trialing')
          ? 'payment_recovered'
          : planBefore !== planAfter
            ? 'plan_change'
            : null;
    if (kind) notice = { organizationId: org, kind, planBefore, planAfter, status: next.status };
    const action = kind ? `billing.${kind}` : target.entitlements ? 'billing.entitlements_update' : 'billing.subscription_sync';
    w.audit({
      action,
      target: { type: 'organization', id: org },
      metadata: { via: 'stripe_webhook', event_id: event.id, event_type: event.type, plan_before: planBefore, plan_after: planAfter, status_before: before!.status, status_after: next.status },
    });
    return { ok: true, value: null };
  });
  if (!r.ok) return ACK(true, true); // recorded concurrently by another delivery
  return { received: true, handled: true, duplicate: false, notice };
}

/** The wording of a notice's mail. */
export function noticeText(n: Notice, organizationName: string): { subject: string; text: string } {
  const before = PLANS[n.planBefore].name;
  const after = PLANS[n.planAfter].name;
  switch (n.kind) {
    case 'payment_failed':
      return {
        subject: `ghee: a payment for ${organizationName} failed`,
        text: `A payment for the ${after} plan of ${organizationName} failed. Stripe will retry; update the payment method in the billing portal. After the grace period the organization becomes read-only (nothing is deleted; published content keeps being served).`,
      };
    case 'payment_recovered':
      return { subject: `ghee: ${organizationName}'s payment went through`, text: `The ${after} plan of ${organizationName} is paid again: writes are back.` };
    case 'plan_change':
      return { subject: `ghee: ${organizationName} is now on the ${after} plan`, text: `${organizationName} moved from the ${before} plan to the ${after} plan. Nothing is deleted: anything over the new plan's limits becomes read-only until the organization is back within them.` };
  }
}
