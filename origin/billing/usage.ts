/**
 * What an organization uses of each limit, counted in one statement (inside the caller's
 * transaction when it has one): spaces; members (people with a membership, plus open
 * invitations); live API keys (a key being rotated counts once); content items (pages, collection
 * items and blog posts not deleted, each locale variant one item); locales; asset storage in
 * bytes; webhooks; and this month's write requests.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { LimitName } from './plans.js';

export type Usage = Record<LimitName, number>;

/** `YYYY-MM` (UTC): the period write requests are counted in. */
export function usagePeriod(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export async function usageOf(db: Db, organizationId: string, now: Date): Promise<Usage> {
  const at = now.toISOString();
  const result = await db.execute(sql`
    with org_spaces as (select id from spaces where organization_id = ${organizationId})
    select
      (select count(*) from org_spaces) as spaces,
      (select count(distinct user_id) from memberships where organization_id = ${organizationId})
        + (select count(*) from invitations where organization_id = ${organizationId} and accepted_at is null and revoked_at is null and expires_at > ${at}::timestamptz) as members,
      (select count(*) from api_keys k where k.organization_id = ${organizationId} and k.revoked_at is null
         and (k.expires_at is null or k.expires_at > ${at}::timestamptz)
         and not exists (select 1 from api_keys n where n.rotated_from_id = k.id)) as api_keys,
      (select count(*) from pages where space_id in (select id from org_spaces) and deleted_at is null)
        + (select count(*) from posts where space_id in (select id from org_spaces) and deleted_at is null)
        + (select count(*) from collection_items i join collections c on c.id = i.collection_id where c.space_id in (select id from org_spaces) and i.deleted_at is null) as content_items,
      (select count(*) from locales where space_id in (select id from org_spaces)) as locales,
      (select coalesce(sum(size), 0) from assets where space_id in (select id from org_spaces)) as asset_storage_bytes,
      (select count(*) from webhooks where space_id in (select id from org_spaces)) as webhooks,
      (select coalesce(max(write_requests), 0) from billing_usage where organization_id = ${organizationId} and period = ${usagePeriod(now)}) as monthly_write_requests
  `);
  const r = ((Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[])[0] ?? {};
  const n = (k: LimitName) => Number(r[k] ?? 0);
  return {
    spaces: n('spaces'),
    members: n('members'),
    api_keys: n('api_keys'),
    content_items: n('content_items'),
    locales: n('locales'),
    asset_storage_bytes: n('asset_storage_bytes'),
    webhooks: n('webhooks'),
    monthly_write_requests: n('monthly_write_requests'),
  };
}
