/**
 * Creates the paid plans' Products and Prices in Stripe, idempotently: a plan whose Price (found
 * by its lookup_key `ghee_<plan>_monthly`) exists with the plan's amount is left alone; otherwise
 * a Product and a monthly Price are created with Idempotency-Keys derived from the plan and its
 * amount (a re-run — or a retried request — never makes a second one). A changed amount makes a
 * new Price that takes the lookup_key over (`transfer_lookup_key`), so existing subscriptions
 * keep theirs until moved.
 */
import { PAID_PLANS, PLANS, priceLookupKey, type PlanId } from './plans.js';
import { idempotencyKey, type Stripe } from './stripe.js';

export interface SyncedPlan {
  plan: PlanId;
  price: string;
  product: string;
  created: boolean;
}

const idOf = (v: string | { id: string }): string => (typeof v === 'string' ? v : v.id);

export async function syncPlans(stripe: Stripe): Promise<SyncedPlan[]> {
  const out: SyncedPlan[] = [];
  for (const plan of PAID_PLANS) {
    const p = PLANS[plan];
    const lookupKey = priceLookupKey(plan);
    const found = await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 10 });
    const current = found.data.find((x) => x.lookup_key === lookupKey && x.unit_amount === p.monthlyCents && x.currency === 'usd' && x.recurring?.interval === 'month');
    if (current) {
      out.push({ plan, price: current.id, product: idOf(current.product), created: false });
      continue;
    }
    const product = await stripe.products.create(
      { name: `ghee ${p.name}`, metadata: { ghee_plan: plan } },
      { idempotencyKey: idempotencyKey('product', plan) },
    );
    const price = await stripe.prices.create(
      {
        product: product.id,
        currency: 'usd',
        unit_amount: p.monthlyCents,
        recurring: { interval: 'month' },
        lookup_key: lookupKey,
        transfer_lookup_key: true,
        metadata: { ghee_plan: plan },
      },
      { idempotencyKey: idempotencyKey('price', plan, String(p.monthlyCents)) },
    );
    out.push({ plan, price: price.id, product: product.id, created: true });
  }
  return out;
}
