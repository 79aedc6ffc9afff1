/**
 * The plan limits, enforced in the commit step (origin/outbox/commit.ts `guardWrites`): inside
 * each write's own transaction, after its work and before its audit row.
 *
 * - A limited create (a space, a member or invitation, an API key, a content item, a locale, an
 *   asset, a webhook) first locks the organization's billing row (`select … for update`, the row
 *   made on first use) and then counts — in READ COMMITTED each statement sees every write that
 *   committed before the lock was granted, so of 50 concurrent creates at a limit exactly the
 *   limit's worth commit.
 * - A content write (pages, items, posts, authors, collections, page types, locales, assets,
 *   webhooks — anything in a space) counts one monthly write request in `billing_usage`.
 * - An organization that is read-only (a lapsed payment past its grace, an unpaid or paused
 *   subscription) or over any limit of its plan (after a downgrade) has its creates and content
 *   writes refused — deletions, unpublishing and revocations stay allowed, reads untouched.
 * Creates count exactly, every time; an edit (which cannot grow a stock limit) may rely on the
 * organization's last count for USAGE_RECHECK_MS (recounted at once after a plan or status change
 * or any other write of the organization through this process), so edits do not recount every
 * table. Refusals are `plan_limit` (402) naming the limit and the plan. Writes by system actors (the
 * scheduler, the key revoker, operators' jobs and CLIs) are never refused (they carry out what was
 * accepted earlier); SCIM and SSO provisioning, which name no member or key, are.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { billingAccounts, billingUsage } from '../db/schema/index.js';
import type { Refusal } from '../http/result.js';
import type { GuardedWrite, WriteGuard } from '../outbox/index.js';
import { LIMITS, limitLabel, type LimitName, type Plan } from './plans.js';
import { standingOf } from './standing.js';
import { usageOf, usagePeriod, type Usage } from './usage.js';

/** The audit actions that create something a limit counts. */
const CREATES: Readonly<Record<string, LimitName>> = {
  'space.create': 'spaces',
  'member.invite': 'members',
  'member.join': 'members',
  'scim.user_create': 'members',
  'key.create': 'api_keys',
  'page.create': 'content_items',
  'item.create': 'content_items',
  'post.create': 'content_items',
  'locale.create': 'locales',
  'asset.upload': 'asset_storage_bytes',
  'webhook.create': 'webhooks',
};

/** Resources of a space whose writes are content writes (counted, and refused while read-only). */
const CONTENT = new Set(['page', 'item', 'post', 'author', 'collection', 'page_type', 'locale', 'asset', 'webhook']);

/** Verbs that only shrink or hide: allowed while read-only, so an organization can get back within its plan. */
const SHRINKING = new Set(['delete', 'unpublish', 'revoke', 'remove', 'invite_revoke']);

export function refusal(detail: string): Refusal {
  return { ok: false, error: 'plan_limit', detail };
}

/** The first limit (of the stock limits; monthly write requests are checked on their own) the usage exceeds, `prefer` first. */
function overLimit(plan: Plan, usage: Usage, prefer: LimitName | null): LimitName | null {
  const stock = LIMITS.filter((l) => l !== 'monthly_write_requests');
  const order = prefer ? [prefer, ...stock.filter((l) => l !== prefer)] : stock;
  for (const l of order) {
    const max = plan.limits[l];
    if (max !== null && usage[l] > max) return l;
  }
  return null;
}

function limitDetail(limit: LimitName, plan: Plan, usage: Usage, creating: boolean): string {
  const max = plan.limits[limit]!;
  return creating
    ? `Plan limit reached: the ${plan.name} plan allows ${max} ${limitLabel(limit, max)} (this would make ${usage[limit]}). Upgrade the plan (POST /v1/orgs/{org}/billing/checkout) or remove some first.`
    : `The organization is over its ${plan.name} plan's limit of ${max} ${limitLabel(limit, max)} (it has ${usage[limit]}): writes are read-only until it is back within the plan (deletions are allowed) or upgrades.`;
}

/** How long an edit (not a create) may rely on the last count of an organization's usage. */
export const USAGE_RECHECK_MS = 10_000;

/** The guard for one app: `now` in seconds (the app's clock), `graceDays` from BILLING_GRACE_DAYS. */
export function planLimitGuard(now: () => number, graceDays: number): WriteGuard {
  /**
   * The last usage count per organization, for edits only: an edit cannot grow a stock limit, so
   * whether the organization is over its plan (after a downgrade) may be a few seconds old —
   * recounted after USAGE_RECHECK_MS, at once when the plan or status changed, and forgotten on
   * any other write of the organization here (a deletion, a member removed). Creates always count.
   */
  const counted = new Map<string, { plan: string; until: number; usage: Usage; over: LimitName | null }>();
  return async function planLimits(t: Db, write: GuardedWrite): Promise<Refusal | null> {
    const org = write.organizationId;
    const action = write.audit.action;
    const dot = action.indexOf('.');
    const resource = action.slice(0, dot);
    const verb = action.slice(dot + 1);
    // An SSO sign-in that provisions a member just in time (origin/identity/sso/login.ts) adds a member like an invitation does.
    const joinsBySso = action === 'sso.login' && write.audit.metadata?.membership_created === true;
    const limit = CREATES[action] ?? (joinsBySso ? 'members' : null);
    const content = write.spaceId !== null && CONTENT.has(resource);
    // System actors (the scheduler, the key revoker, operators' jobs and CLIs, Stripe's webhook)
    // carry out what was accepted earlier: never refused. Everyone else is — members, keys,
    // support operators under a grant, and provisioning that has neither (SCIM, SSO sign-ins).
    if (write.actor.system !== undefined || (!limit && !content)) {
      counted.delete(org);
      return null;
    }
    const at = new Date(now() * 1000);
    let writes = 0;
    if (content) {
      const [n] = await t
        .insert(billingUsage)
        .values({ organizationId: org, period: usagePeriod(at), writeRequests: 1 })
        .onConflictDoUpdate({ target: [billingUsage.organizationId, billingUsage.period], set: { writeRequests: sql`${billingUsage.writeRequests} + 1` } })
        .returning({ n: billingUsage.writeRequests });
      writes = n!.n;
    }
    if (SHRINKING.has(verb)) {
      counted.delete(org);
      return null;
    }
    let row;
    if (limit) {
      // The lock that serializes the organization's limited creates (made on first use).
      await t.insert(billingAccounts).values({ organizationId: org }).onConflictDoNothing();
      [row] = await t.select().from(billingAccounts).where(eq(billingAccounts.organizationId, org)).for('update');
    } else {
      [row] = await t.select().from(billingAccounts).where(eq(billingAccounts.organizationId, org));
    }
    const standing = standingOf(row ?? null, at, graceDays);
    if (standing.readOnly) return refusal(`Writes are read-only: ${standing.readOnly}.`);
    const plan = standing.plan;
    const monthly = plan.limits.monthly_write_requests;
    if (content && monthly !== null && writes > monthly) {
      return refusal(`Plan limit reached: the ${plan.name} plan allows ${monthly} ${limitLabel('monthly_write_requests')} (this would make ${writes}). Upgrade the plan (POST /v1/orgs/{org}/billing/checkout) or wait for next month.`);
    }
    if (limit) {
      // A create: counted now, in this transaction, after the lock (its own row included).
      counted.delete(org);
      const usage = await usageOf(t, org, at);
      const over = overLimit(plan, usage, limit);
      return over ? refusal(limitDetail(over, plan, usage, over === limit)) : null;
    }
    const planKey = `${plan.id}:${row?.status ?? 'none'}`;
    let last = counted.get(org);
    if (!last || last.plan !== planKey || last.until <= at.getTime()) {
      const usage = await usageOf(t, org, at);
      last = { plan: planKey, until: at.getTime() + USAGE_RECHECK_MS, usage, over: overLimit(plan, usage, null) };
      counted.set(org, last);
    }
    return last.over ? refusal(limitDetail(last.over, plan, last.usage, false)) : null;
  };
}
