/**
 * The one Stripe client of the origin (the `stripe` library for every call and every webhook
 * check), built from the configuration: STRIPE_API_BASE (tests point it at stripe-mock), the
 * secret key, and the Price ↔ plan mapping. Every POST names an Idempotency-Key derived from its
 * operation (`idempotencyKey`), so a retried call (the library retries network failures with the
 * same key) never creates a second customer, session, product or price.
 */
import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import type { OriginConfig } from '../config.js';
import { isPlanId, PAID_PLANS, priceLookupKey, type PlanId } from './plans.js';

export { Stripe };

export interface StripeSettings {
  stripe: Stripe;
  webhookSecret: string;
  /** Configured Price ids by plan (a plan not listed is found by its Price's lookup_key). */
  prices: ReadonlyMap<PlanId, string>;
}

/** A client for `secretKey` at `apiBase` (https://api.stripe.com, or stripe-mock's http://127.0.0.1:port). */
export function stripeClient(secretKey: string, apiBase: string): Stripe {
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(secretKey, {
    host: url.hostname,
    port: url.port || (protocol === 'http' ? 80 : 443),
    protocol,
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
  });
}

/** Stripe settings from the configuration, or null when billing is off. */
export function stripeSettings(config: OriginConfig): StripeSettings | null {
  if (config.BILLING !== 'stripe' || !config.STRIPE_SECRET_KEY || !config.STRIPE_WEBHOOK_SECRET) return null;
  const prices = new Map<PlanId, string>();
  const configured: Record<string, string | undefined> = { team: config.STRIPE_PRICE_TEAM, business: config.STRIPE_PRICE_BUSINESS, enterprise: config.STRIPE_PRICE_ENTERPRISE };
  for (const plan of PAID_PLANS) {
    const id = configured[plan];
    if (id) prices.set(plan, id);
  }
  return { stripe: stripeClient(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE), webhookSecret: config.STRIPE_WEBHOOK_SECRET, prices };
}

/** The plan a subscription item's Price stands for: a configured Price id, the lookup_key sync-plans gives, or metadata.ghee_plan. */
export function planOfPrice(settings: Pick<StripeSettings, 'prices'>, price: { id: string; lookup_key?: string | null; metadata?: Record<string, string> | null } | null | undefined): PlanId | null {
  if (!price) return null;
  for (const [plan, id] of settings.prices) if (id === price.id) return plan;
  for (const plan of PAID_PLANS) if (price.lookup_key === priceLookupKey(plan)) return plan;
  const meta = price.metadata?.ghee_plan;
  return isPlanId(meta) ? meta : null;
}

/** The Price a plan is sold at: the configured id, else looked up by lookup_key (null: not in Stripe yet). */
export async function priceOfPlan(settings: StripeSettings, plan: PlanId): Promise<string | null> {
  const configured = settings.prices.get(plan);
  if (configured) return configured;
  const key = priceLookupKey(plan);
  const found = await settings.stripe.prices.list({ lookup_keys: [key], active: true, limit: 10 });
  return found.data.find((p) => p.lookup_key === key)?.id ?? null;
}

/** An Idempotency-Key derived from the operation's parts (the same operation → the same key). */
export function idempotencyKey(operation: string, ...parts: readonly string[]): string {
  return `ghee-${operation}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`;
}
