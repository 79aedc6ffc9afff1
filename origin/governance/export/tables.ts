/**
 * What an export holds, table by table, and how a row is projected: every column the data
 * classification (origin/governance/classification.ts) names, except secrets — credentials,
 * hashes, encrypted secrets never leave — and except columns it does not know (fail closed: a
 * new column is exported only once classified). bytea columns are written as base64; sealed
 * personal data is opened (`email_enc` → `email`, ../personal.ts) and blind indexes dropped.
 *
 * Organization export: the organization, every table with an `organization_id` (its members,
 * keys' metadata, SSO and SCIM settings, security events, its audit trail, …), every table with a
 * `space_id` (content, models, assets, webhooks), the children reached through them (revisions,
 * items, deliveries, post tags and categories, SCIM group members), the members' user rows and
 * the chain's retention checkpoints.
 * Personal-data export: the user's account, memberships, sessions, 2FA enrolment, API keys they
 * created (metadata), their sign-in attempts and the audit rows they are the actor of.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { classOfColumn } from '../classification.js';
import { rowsOf } from '../sql.js';

export interface ExportTable {
  table: string;
  /** A condition on the row (alias `t`). */
  where: SQL;
}

/** Tables with organization_id / space_id that are not the organization's data (operational or derived). */
const SKIP = new Set(['data_exports', 'purge_outbox', 'page_counts']);

/** Correlated EXISTS (not IN): with a page's LIMIT the planner looks each row's parent up by its key instead of hashing every parent per page. */
const CHILDREN = (org: string): ExportTable[] => {
  const inOrg = (space: SQL) => sql`exists (select 1 from spaces s where s.id = ${space} and s.organization_id = ${org})`;
  return [
    { table: 'page_revisions', where: sql`exists (select 1 from pages p where p.id = t.page_id and ${inOrg(sql`p.space_id`)})` },
    { table: 'collection_items', where: sql`exists (select 1 from collections c where c.id = t.collection_id and ${inOrg(sql`c.space_id`)})` },
    {
      table: 'collection_item_revisions',
      where: sql`exists (select 1 from collection_items i join collections c on c.id = i.collection_id where i.id = t.collection_item_id and ${inOrg(sql`c.space_id`)})`,
    },
    { table: 'post_revisions', where: sql`exists (select 1 from posts p where p.id = t.post_id and ${inOrg(sql`p.space_id`)})` },
    { table: 'post_categories', where: sql`exists (select 1 from posts p where p.id = t.post_id and ${inOrg(sql`p.space_id`)})` },
    { table: 'post_tags', where: sql`exists (select 1 from posts p where p.id = t.post_id and ${inOrg(sql`p.space_id`)})` },
    { table: 'webhook_deliveries', where: sql`exists (select 1 from webhooks w where w.id = t.webhook_id and ${inOrg(sql`w.space_id`)})` },
    { table: 'scim_group_members', where: sql`exists (select 1 from scim_groups g where g.id = t.group_id and g.organization_id = ${org})` },
  ];
};

/** The tables of the live database that have `column` (so a new table with organization_id is exported without a code change). */
export async function tablesWithColumn(db: Db, column: string): Promise<string[]> {
  const rows = await rowsOf<{ table_name: string }>(
    db,
    sql`select c.table_name from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and c.column_name = ${column} and t.table_type = 'BASE TABLE' order by c.table_name`,
  );
  return rows.map((r) => r.table_name);
}

export async function organizationTables(db: Db, org: string): Promise<ExportTable[]> {
  const spacesOf = sql`select id from spaces where organization_id = ${org}`;
  const byOrg = (await tablesWithColumn(db, 'organization_id')).filter((t) => !SKIP.has(t));
  const bySpace = (await tablesWithColumn(db, 'space_id')).filter((t) => !SKIP.has(t) && !byOrg.includes(t));
  return [
    { table: 'organizations', where: sql`t.id = ${org}` },
    ...byOrg.map((table) => ({ table, where: sql`t.organization_id = ${org}` })),
    ...bySpace.map((table) => ({ table, where: sql`t.space_id in (${spacesOf})` })),
    ...CHILDREN(org),
    { table: 'users', where: sql`t.id in (select user_id from memberships where organization_id = ${org})` },
    { table: 'audit_checkpoints', where: sql`t.chain = ${org}` },
  ];
}

export function userTables(userId: string, accountKeys: string[]): ExportTable[] {
  return [
    { table: 'users', where: sql`t.id = ${userId}` },
    { table: 'memberships', where: sql`t.user_id = ${userId}` },
    { table: 'sessions', where: sql`t.user_id = ${userId}` },
    { table: 'totp_factors', where: sql`t.user_id = ${userId}` },
    { table: 'api_keys', where: sql`t.created_by = ${userId}` },
    {
      table: 'auth_attempts',
      where: accountKeys.length ? sql`t.account in (${sql.join(accountKeys.map((k) => sql`${k}`), sql`, `)})` : sql`false`,
    },
    { table: 'audit_events', where: sql`t.actor_user_id = ${userId}` },
  ];
}

interface Column {
  name: string;
  bytea: boolean;
}

/** The columns of `table` an export may show: classified, and not secret. */
export async function exportableColumns(db: Db, table: string): Promise<Column[]> {
  const rows = await rowsOf<{ column_name: string; data_type: string }>(
    db,
    sql`select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = ${table} order by ordinal_position`,
  );
  return rows
    .filter((r) => {
      const cls = classOfColumn(table, r.column_name);
      return cls !== undefined && cls !== 'secret';
    })
    .map((r) => ({ name: r.column_name, bytea: r.data_type === 'bytea' }));
}

const PAGE = 500;

/**
 * Streams the rows of `t` (projected) to `each`, a page at a time, through a server-side cursor
 * in a transaction of its own: one pass over the table whatever the plan (keyset paging re-sorted
 * or re-hashed the organization's rows for every page). Returns how many rows.
 */
export async function streamRows(db: Db, t: ExportTable, each: (row: Record<string, unknown>) => Promise<void>, decode?: (table: string, row: Record<string, unknown>) => void): Promise<number> {
  const cols = await exportableColumns(db, t.table);
  if (cols.length === 0) return 0;
  const list = sql.join(
    cols.map((c) => (c.bytea ? sql`encode(t.${sql.identifier(c.name)}, 'base64') as ${sql.identifier(`${c.name}_base64`)}` : sql`t.${sql.identifier(c.name)}`)),
    sql`, `,
  );
  return db.transaction(async (tx) => {
    await tx.execute(sql`declare ghee_export no scroll cursor for select row_to_json(x) as row from (select ${list} from ${sql.identifier(t.table)} t where ${t.where}) x`);
    let n = 0;
    for (;;) {
      const rows = await rowsOf<{ row: Record<string, unknown> }>(tx, sql.raw(`fetch ${PAGE} from ghee_export`));
      for (const r of rows) {
        decode?.(t.table, r.row);
        await each(r.row);
      }
      n += rows.length;
      if (rows.length < PAGE) break;
    }
    await tx.execute(sql.raw('close ghee_export'));
    return n;
  });
}
