/**
 * The plans, as data: each with its limits (null = unlimited). The local table is the source of
 * every limit ghee enforces — Stripe maps a subscription's Price to a plan (configuration:
 * STRIPE_PRICE_<PLAN>, or the Price's lookup_key `ghee_<plan>_monthly` as `npm run billing --
 * sync-plans` creates them), so enforcement works offline. Security features (SSO, SCIM, 2FA,
 * the audit trail, IP allowlists) are on every plan and never limited here.
 */
export const PLAN_IDS = ['free', 'team', 'business', 'enterprise'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export const LIMITS = ['spaces', 'members', 'api_keys', 'content_items', 'locales', 'asset_storage_bytes', 'webhooks', 'monthly_write_requests'] as const;
export type LimitName = (typeof LIMITS)[number];

export interface Plan {
  id: PlanId;
  name: string;
  /** Monthly price in US cents (what sync-plans creates in Stripe; 0 = no Price, the free plan). */
  monthlyCents: number;
  limits: Readonly<Record<LimitName, number | null>>;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export const PLANS: Readonly<Record<PlanId, Plan>> = {
  free: {
    id: 'free',
    name: 'Free',
    monthlyCents: 0,
    limits: { spaces: 1, members: 3, api_keys: 5, content_items: 100, locales: 2, asset_storage_bytes: 100 * MIB, webhooks: 2, monthly_write_requests: 10_000 },
  },
  team: {
    id: 'team',
    name: 'Team',
    monthlyCents: 9_900,
    limits: { spaces: 3, members: 10, api_keys: 25, content_items: 10_000, locales: 5, asset_storage_bytes: 10 * GIB, webhooks: 10, monthly_write_requests: 500_000 },
  },
  business: {
    id: 'business',
    name: 'Business',
    monthlyCents: 49_900,
    limits: { spaces: 10, members: 50, api_keys: 100, content_items: 100_000, locales: 20, asset_storage_bytes: 100 * GIB, webhooks: 50, monthly_write_requests: 5_000_000 },
  },
  enterprise: {
    id: 'enterprise',
    name: 'Enterprise',
    monthlyCents: 199_900,
    limits: { spaces: null, members: null, api_keys: null, content_items: null, locales: null, asset_storage_bytes: null, webhooks: null, monthly_write_requests: null },
  },
};

/** The paid plans (the ones with a Stripe Price). */
export const PAID_PLANS: readonly PlanId[] = PLAN_IDS.filter((p) => PLANS[p].monthlyCents > 0);

export function isPlanId(v: unknown): v is PlanId {
  return typeof v === 'string' && (PLAN_IDS as readonly string[]).includes(v);
}

/** The Price lookup_key sync-plans gives each paid plan (and by which an unconfigured Price is still recognised). */
export function priceLookupKey(plan: PlanId): string {
  return `ghee_${plan}_monthly`;
}

/** How a limit reads in a refusal: "content items", "asset storage (bytes)". */
export function limitLabel(limit: LimitName, count = 2): string {
  if (limit === 'asset_storage_bytes') return 'asset storage (bytes)';
  const label = limit.replaceAll('_', ' ');
  return count === 1 ? label.replace(/s$/, '') : label;
}
