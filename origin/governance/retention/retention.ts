/**
 * The retention run (issue 16 "Retention"): deletes what each data class's period says is due —
 * per organization under its policy (soft-deleted content with the assets only it used,
 * revisions, webhook deliveries, resolved security events, its audit chain), then the
 * deployment's own rows (expired sessions and tokens, login attempts, unowned security events,
 * the global audit chain). Idempotent (a second run finds nothing due), batch-limited (each
 * statement deletes at most `batchSize` rows, each class at most `maxRowsPerRun` per organization
 * and run; the next run goes on), audited (one `retention.run` row per organization, and one in
 * the global chain, with the counts, when anything was deleted).
 *
 * Batches commit one by one (no long locks); the summary row is written after them, so a run cut
 * short deletes rows that its summary never names — the next run's summary names only its own.
 */
import { sql, type SQL } from 'drizzle-orm';
import { surrogateKeys } from '../../../shared/surrogate.js';
import { auditCheckpointKeySet, resignAuditCheckpoints } from '../../audit/index.js';
import type { Db } from '../../db/client.js';
import { commitAccountWrite, commitWrite, enqueuePurge } from '../../outbox/index.js';
import { deleteSome, rowsOf } from '../sql.js';
import { trimAuditChain } from './audit-trim.js';
import { applyOverrides, cutoff, type PolicyOverrides, type RetentionPolicy, type RetentionSettings } from './policy.js';

export type Counts = Record<string, number>;

export interface RetentionReport {
  /** Counts per organization that had anything deleted. */
  organizations: Record<string, Counts>;
  global: Counts;
  /** Audit rows were due but no checkpoint key (AUTH_SECRET) is set: the audit trail was left alone. */
  auditSkipped: boolean;
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

interface Run {
  db: Db;
  settings: RetentionSettings;
  now: Date;
}

/** Deletes candidates in batches up to the per-run cap; returns how many. */
async function drain(run: Run, table: string, key: string, candidates: SQL): Promise<number> {
  const { batchSize, maxRowsPerRun } = run.settings;
  let total = 0;
  while (total < maxRowsPerRun) {
    const want = Math.min(batchSize, maxRowsPerRun - total);
    const n = await deleteSome(run.db, table, key, candidates, want);
    total += n;
    if (n < want) break;
  }
  return total;
}

const orgSpaces = (org: string) => sql`select id from spaces where organization_id = ${org}`;

/** The content tables with soft delete: how to reach their space. */
const SOFT_DELETED: { table: string; from: SQL; space: string }[] = [
  { table: 'pages', from: sql.raw('pages x'), space: 'x.space_id' },
  { table: 'posts', from: sql.raw('posts x'), space: 'x.space_id' },
  { table: 'collection_items', from: sql.raw('collection_items x join collections c on c.id = x.collection_id'), space: 'c.space_id' },
];

const ASSET_URL = /\/assets\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//g;

/** Hard-deletes soft-deleted content due by `cut`, then the assets it referenced that nothing left references. */
async function purgeSoftDeleted(run: Run, org: string, cut: Date): Promise<{ content: number; assets: number }> {
  const { batchSize, maxRowsPerRun } = run.settings;
  const candidates = new Set<string>(); // "<space>/<asset>"
  let content = 0;
  for (const k of SOFT_DELETED) {
    let done = 0;
    while (done < maxRowsPerRun) {
      const want = Math.min(batchSize, maxRowsPerRun - done);
      const rows = await rowsOf<{ id: string; space: string; body: string }>(
        run.db,
        sql`select x.id, ${sql.raw(k.space)} as space, x::text as body from ${k.from}
            where x.deleted_at is not null and x.deleted_at <= ${ts(cut)} and ${sql.raw(k.space)} in (${orgSpaces(org)}) limit ${want}`,
      );
      if (rows.length === 0) break;
      for (const r of rows) for (const m of r.body.matchAll(ASSET_URL)) if (m[1] === r.space) candidates.add(`${m[1]}/${m[2]}`);
      const ids = rows.map((r) => r.id);
      await run.db.execute(sql`delete from ${sql.identifier(k.table)} where id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`);
      done += rows.length;
      if (rows.length < want) break;
    }
    content += done;
  }
  let assets = 0;
  for (const c of candidates) {
    const [space, asset] = c.split('/') as [string, string];
    const like = `%${asset}%`;
    const gone = await run.db.transaction(async (t) => {
      const [row] = await rowsOf<{ n: number }>(
        t,
        sql`with d as (delete from assets a where a.id = ${asset} and a.space_id = ${space}
              and not exists (select 1 from pages x where x.space_id = ${space} and x::text like ${like})
              and not exists (select 1 from posts x where x.space_id = ${space} and x::text like ${like})
              and not exists (select 1 from collection_items x join collections c on c.id = x.collection_id where c.space_id = ${space} and x::text like ${like})
              returning 1) select count(*)::int as n from d`,
      );
      const n = Number(row?.n ?? 0);
      if (n > 0) await enqueuePurge(t, [surrogateKeys.asset(asset)], { soft: false, spaceId: space });
      return n;
    });
    assets += gone;
  }
  return { content, assets };
}

/** The revision tables: the revision's parent, and how the parent reaches its space. */
const REVISIONS: { table: string; parentKey: string; join: string; space: string }[] = [
  { table: 'page_revisions', parentKey: 'page_id', join: 'join pages p on p.id = r.page_id', space: 'p.space_id' },
  { table: 'post_revisions', parentKey: 'post_id', join: 'join posts p on p.id = r.post_id', space: 'p.space_id' },
  {
    table: 'collection_item_revisions',
    parentKey: 'collection_item_id',
    join: 'join collection_items i on i.id = r.collection_item_id join collections c on c.id = i.collection_id',
    space: 'c.space_id',
  },
];

async function trimRevisions(run: Run, org: string, p: RetentionPolicy): Promise<number> {
  const cut = cutoff(run.now, p.revisionsDays);
  let n = 0;
  for (const r of REVISIONS) {
    n += await drain(
      run,
      r.table,
      'id',
      sql`select id from (select r.id, r.status, r.created_at, row_number() over (partition by r.${sql.raw(r.parentKey)} order by r.version desc) as rn
            from ${sql.raw(r.table)} r ${sql.raw(r.join)} where ${sql.raw(r.space)} in (${orgSpaces(org)})) v
          where v.rn > ${p.revisionsKeep} and v.created_at <= ${ts(cut)} and v.status <> 'published'`,
    );
  }
  return n;
}

async function auditTrim(run: Run, chain: string, days: number, report: RetentionReport): Promise<number> {
  const cut = cutoff(run.now, days);
  const [due] = await rowsOf<{ due: boolean }>(run.db, sql`select exists (select 1 from audit_events where chain = ${chain} and created_at <= ${ts(cut)}) as due`);
  if (!due?.due) return 0;
  if (!auditCheckpointKeySet()) {
    report.auditSkipped = true;
    return 0;
  }
  return trimAuditChain(run.db, chain, cut, run.settings.batchSize, run.settings.maxRowsPerRun, run.now);
}

/** One organization's classes under its policy. */
export async function retainOrganization(run: Run, org: string, p: RetentionPolicy, report: RetentionReport): Promise<Counts> {
  const soft = await purgeSoftDeleted(run, org, cutoff(run.now, p.softDeletedDays));
  return {
    soft_deleted_content: soft.content,
    assets: soft.assets,
    revisions: await trimRevisions(run, org, p),
    webhook_deliveries: await drain(
      run,
      'webhook_deliveries',
      'id',
      sql`select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
          where w.space_id in (${orgSpaces(org)}) and d.status <> 'pending' and d.created_at <= ${ts(cutoff(run.now, p.webhookDeliveriesDays))}`,
    ),
    security_events: await drain(
      run,
      'security_events',
      'id',
      sql`select id from security_events where organization_id = ${org} and status = 'resolved' and last_seen_at <= ${ts(cutoff(run.now, p.securityEventsDays))}`,
    ),
    audit_events: await auditTrim(run, org, p.auditDays, report),
  };
}

/** The deployment's own rows. */
async function retainGlobal(run: Run, report: RetentionReport): Promise<Counts> {
  const g = run.settings.global;
  const tok = ts(cutoff(run.now, g.expiredTokensDays));
  return {
    sessions: await drain(run, 'sessions', 'id', sql`select id from sessions where expires_at <= ${tok} or revoked_at <= ${tok}`),
    auth_tokens: await drain(run, 'auth_tokens', 'id', sql`select id from auth_tokens where expires_at <= ${tok} or used_at <= ${tok}`),
    invitations: await drain(run, 'invitations', 'id', sql`select id from invitations where expires_at <= ${tok} or accepted_at <= ${tok} or revoked_at <= ${tok}`),
    captcha_uses: await drain(run, 'captcha_uses', 'signature', sql`select signature from captcha_uses where expires_at <= ${tok}`),
    sso_login_states: await drain(run, 'sso_login_states', 'id_hash', sql`select id_hash from sso_login_states where expires_at <= ${tok} or used_at <= ${tok}`),
    sso_replay_cache: await drain(run, 'sso_replay_cache', 'ctid', sql`select ctid from sso_replay_cache where expires_at <= ${tok}`),
    // Export records whose archive is gone (downloaded, expired or failed): the archive itself is dropped at download or expiry.
    exports: await drain(run, 'data_exports', 'id', sql`select id from data_exports where status in ('downloaded', 'expired', 'failed') and coalesce(downloaded_at, finished_at, created_at) <= ${tok}`),
    login_attempts: await drain(run, 'auth_attempts', 'id', sql`select id from auth_attempts where created_at <= ${ts(cutoff(run.now, g.loginAttemptsDays))}`),
    security_events: await drain(
      run,
      'security_events',
      'id',
      sql`select id from security_events where organization_id is null and status = 'resolved' and last_seen_at <= ${ts(cutoff(run.now, g.securityEventsDays))}`,
    ),
    audit_events: await auditTrim(run, 'global', g.auditDays, report),
    legacy_audit_events: await drain(run, 'audit_events', 'id', sql`select id from audit_events where chain is null and created_at <= ${ts(cutoff(run.now, g.auditDays))}`),
  };
}

const RUNNER = { userId: null, keyId: null, system: 'operator' as const };
const anything = (c: Counts) => Object.values(c).some((n) => n > 0);

/** One retention run over every organization and the deployment's rows. */
export async function runRetention(db: Db, settings: RetentionSettings, now: Date): Promise<RetentionReport> {
  const run: Run = { db, settings, now };
  const report: RetentionReport = { organizations: {}, global: {}, auditSkipped: false };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const orgs = await rowsOf<{ id: string; overrides: PolicyOverrides | null }>(
      db,
      sql`select o.id, p.overrides from organizations o left join retention_policies p on p.organization_id = o.id where o.id > ${after} order by o.id limit 100`,
    );
    for (const o of orgs) {
      const counts = await retainOrganization(run, o.id, applyOverrides(settings.defaults, o.overrides ?? {}), report);
      if (!anything(counts)) continue;
      report.organizations[o.id] = counts;
      await commitWrite(db, { ...RUNNER, organizationId: o.id }, null, async (w) => {
        w.audit({ action: 'retention.run', target: { type: 'organization', id: o.id }, metadata: { job: 'retention', deleted: counts } });
        return { ok: true };
      });
    }
    if (orgs.length < 100) break;
    after = orgs[orgs.length - 1]!.id;
  }
  report.global = { ...(await retainGlobal(run, report)), checkpoints_resigned: await resignAuditCheckpoints(db) };
  if (anything(report.global)) {
    await commitAccountWrite(db, RUNNER, async (w) => {
      w.audit({ action: 'retention.run', target: { type: 'deployment', id: null }, metadata: { job: 'retention', deleted: report.global } });
      return { ok: true };
    });
  }
  return report;
}
