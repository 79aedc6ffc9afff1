/**
 * Retention (issue 16): each class's period at its boundary (a row exactly N days old is deleted,
 * one N − 1 days old kept), a second run deletes nothing, the batch limit holds, and deleting
 * the oldest audit rows keeps the chain verifiable from a signed checkpoint — an edited or
 * deleted checkpoint fails verification.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, setAuditCheckpointKey, verifyAuditChain } from '../../origin/audit/audit.js';
import { auditCheckpoints, auditEvents, purgeOutbox } from '../../origin/db/schema/index.js';
import { runAudit } from '../../origin/cli/audit.js';
import { runRetention, type RetentionSettings } from '../../origin/governance/index.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, SessionClient } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const DAY = 86_400_000;
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

const settings = (over: Partial<RetentionSettings> = {}): RetentionSettings => ({
  defaults: { softDeletedDays: 30, revisionsKeep: 2, revisionsDays: 10, webhookDeliveriesDays: 30, securityEventsDays: 365, auditDays: 365 },
  global: { expiredTokensDays: 7, loginAttemptsDays: 30, securityEventsDays: 365, auditDays: 365 },
  batchSize: 1000,
  maxRowsPerRun: 100_000,
  ...over,
});

const db = () => origin.database.db;
async function q<T = Record<string, unknown>>(s: ReturnType<typeof sql>): Promise<T[]> {
  const r = await db().execute(s);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as T[];
}
const exists = async (table: string, id: string) => (await q(sql`select 1 from ${sql.identifier(table)} where id = ${id}`)).length === 1;
const uuid = () => crypto.randomUUID();

beforeAll(async () => {
  origin = await startTestOrigin({ AUTH_SECRET: randomBytes(32).toString('hex') });
  setAuditCheckpointKey(origin.config.AUTH_SECRET);
});
afterAll(async () => {
  await origin?.stop();
});

async function page(spaceId: string, slug: string, deletedAt: string | null, fields: Record<string, unknown> = {}): Promise<string> {
  const [r] = await q<{ id: string }>(
    sql`insert into pages (space_id, slug, locale, name, fields, deleted_at) values (${spaceId}, ${slug}, 'en', ${slug}, ${JSON.stringify(fields)}::jsonb, ${deletedAt}::timestamptz) returning id`,
  );
  return r!.id;
}

async function asset(spaceId: string): Promise<string> {
  const [r] = await q<{ id: string }>(
    sql`insert into assets (space_id, filename, content_type, size, sha256, data) values (${spaceId}, 'a.png', 'image/png', 1, 'x', '\\x00'::bytea) returning id`,
  );
  return r!.id;
}

describe('retention', () => {
  it('deletes each class at N days and keeps N − 1; a second run deletes nothing', async () => {
    const { organizationId: org, spaceId: space } = await createOrganization(origin, `ret-${randomBytes(3).toString('hex')}`);
    const url = (a: string) => `https://cdn.example/assets/${space}/${a}/a.png`;

    // Soft-deleted content (30 days), with an asset only it used and one a live page still uses.
    const onlyAsset = await asset(space);
    const sharedAsset = await asset(space);
    const dueDeleted = await page(space, 'due', ago(30), { img: url(onlyAsset), other: url(sharedAsset) });
    const keptDeleted = await page(space, 'kept', ago(29));
    const live = await page(space, 'live', null, { img: url(sharedAsset) });

    // Revisions: keep the newest 2; older than 10 days go, published ones stay.
    const revised = await page(space, 'revised', null);
    const rev = async (version: number, status: string, days: number) =>
      (
        await q<{ id: string }>(
          sql`insert into page_revisions (page_id, version, name, status, fields, created_at) values (${revised}, ${version}, 'r', ${status}, '{}'::jsonb, ${ago(days)}::timestamptz) returning id`,
        )
      )[0]!.id;
    const r1 = await rev(1, 'draft', 10);
    const r2 = await rev(2, 'published', 20);
    const r3 = await rev(3, 'draft', 9);
    const r4 = await rev(4, 'draft', 50);
    const r5 = await rev(5, 'draft', 50);

    // Webhook deliveries (30 days; pending ones stay).
    const [wh] = await q<{ id: string }>(
      sql`insert into webhooks (space_id, url, events, secret_encrypted) values (${space}, 'https://hooks.example/x', array['*'], 'x') returning id`,
    );
    const delivery = async (status: string, days: number) =>
      (await q<{ id: string }>(sql`insert into webhook_deliveries (webhook_id, event, payload, status, created_at) values (${wh!.id}, 'page.published', '{}'::jsonb, ${status}, ${ago(days)}::timestamptz) returning id`))[0]!
        .id;
    const dDue = await delivery('delivered', 30);
    const dKept = await delivery('failed', 29);
    const dPending = await delivery('pending', 90);

    // Resolved security events (365 days); open ones stay.
    const secEvent = async (status: string, days: number) =>
      (
        await q<{ id: string }>(
          sql`insert into security_events (rule, severity, organization_id, subject_type, subject_id, dedup_key, status, first_seen_at, last_seen_at, window_ends_at)
              values ('test', 'low', ${org}, 'user', 'x', ${uuid()}, ${status}, ${ago(days)}::timestamptz, ${ago(days)}::timestamptz, ${ago(days)}::timestamptz) returning id`,
        )
      )[0]!.id;
    const sDue = await secEvent('resolved', 365);
    const sKept = await secEvent('resolved', 364);

    // Sessions and tokens (7 days after expiry or revocation), login attempts (30 days).
    const user = await createUser(origin, org, 'viewer');
    const session = async (expiresDaysAgo: number) =>
      (await q<{ id: string }>(sql`insert into sessions (user_id, token_hash, expires_at) values (${user.id}, ${randomBytes(16).toString('hex')}, ${ago(expiresDaysAgo)}::timestamptz) returning id`))[0]!.id;
    const sessDue = await session(7);
    const sessKept = await session(6);
    const token = async (days: number) =>
      (
        await q<{ id: string }>(
          sql`insert into auth_tokens (user_id, purpose, token_hash, expires_at) values (${user.id}, 'password_reset', ${randomBytes(16).toString('hex')}, ${ago(days)}::timestamptz) returning id`,
        )
      )[0]!.id;
    const tDue = await token(7);
    const tKept = await token(6);
    const attempt = async (days: number) =>
      (await q<{ id: string }>(sql`insert into auth_attempts (action, account, ip, success, created_at) values ('login', 'x', '192.0.2.1', false, ${ago(days)}::timestamptz) returning id::text`))[0]!.id;
    const aDue = await attempt(30);
    const aKept = await attempt(29);

    // Export records 7 days after their archive went (downloaded); a ready one stays.
    const exportRow = async (status: string, days: number) =>
      (
        await q<{ id: string }>(
          sql`insert into data_exports (organization_id, requested_by, status, downloaded_at, expires_at) values (${org}, ${user.id}, ${status}, ${ago(days)}::timestamptz, ${ago(-1)}::timestamptz) returning id`,
        )
      )[0]!.id;
    const eDue = await exportRow('downloaded', 7);
    const eKept = await exportRow('downloaded', 6);

    const report = await runRetention(db(), settings(), NOW);
    expect(report.organizations[org]).toMatchObject({ soft_deleted_content: 1, assets: 1, revisions: 1, webhook_deliveries: 1, security_events: 1, audit_events: 0 });
    expect(report.global).toMatchObject({ sessions: 1, auth_tokens: 1, login_attempts: 1, exports: 1 });
    expect([await exists('data_exports', eDue), await exists('data_exports', eKept)]).toEqual([false, true]);

    expect(await exists('pages', dueDeleted)).toBe(false);
    expect(await exists('pages', keptDeleted)).toBe(true);
    expect(await exists('pages', live)).toBe(true);
    expect(await exists('assets', onlyAsset)).toBe(false);
    expect(await exists('assets', sharedAsset)).toBe(true);
    // The deleted asset is purged at the edge.
    const purges = await db().select().from(purgeOutbox).where(eq(purgeOutbox.spaceId, space));
    expect(purges.flatMap((p) => p.keys)).toContain(`asset:${onlyAsset}`);
    expect({ r1: await exists('page_revisions', r1), r2: await exists('page_revisions', r2), r3: await exists('page_revisions', r3), r4: await exists('page_revisions', r4), r5: await exists('page_revisions', r5) }).toEqual(
      { r1: false, r2: true, r3: true, r4: true, r5: true },
    );
    expect([await exists('webhook_deliveries', dDue), await exists('webhook_deliveries', dKept), await exists('webhook_deliveries', dPending)]).toEqual([false, true, true]);
    expect([await exists('security_events', sDue), await exists('security_events', sKept)]).toEqual([false, true]);
    expect([await exists('sessions', sessDue), await exists('sessions', sessKept)]).toEqual([false, true]);
    expect([await exists('auth_tokens', tDue), await exists('auth_tokens', tKept)]).toEqual([false, true]);
    expect([await exists('auth_attempts', aDue), await exists('auth_attempts', aKept)]).toEqual([false, true]);

    // One audit row for the organization's run, with the counts, in its chain.
    const runs = await db().select().from(auditEvents).where(and(eq(auditEvents.organizationId, org), eq(auditEvents.action, 'retention.run')));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.metadata).toMatchObject({ deleted: { soft_deleted_content: 1, assets: 1, revisions: 1, webhook_deliveries: 1, security_events: 1 } });

    // Idempotent: nothing more is due, nothing is deleted, no further audit row.
    const again = await runRetention(db(), settings(), NOW);
    expect(again.organizations).toEqual({});
    expect(Object.values(again.global).every((n) => n === 0)).toBe(true);
    expect(await db().select().from(auditEvents).where(and(eq(auditEvents.organizationId, org), eq(auditEvents.action, 'retention.run')))).toHaveLength(1);
  });

  it('an organization override replaces the default for its rows only', async () => {
    const a = await createOrganization(origin, `ret-a-${randomBytes(3).toString('hex')}`);
    const b = await createOrganization(origin, `ret-b-${randomBytes(3).toString('hex')}`);
    await q(sql`insert into retention_policies (organization_id, overrides) values (${a.organizationId}, '{"soft_deleted_days": 5}'::jsonb)`);
    const pa = await page(a.spaceId, 'gone', ago(5));
    const pb = await page(b.spaceId, 'stays', ago(5));
    await runRetention(db(), settings(), NOW);
    expect(await exists('pages', pa)).toBe(false);
    expect(await exists('pages', pb)).toBe(true);
  });

  it('GET/PUT /v1/orgs/{org}/retention: owners and admins set overrides within bounds; the effective policy shows them over the defaults', async () => {
    const org = origin.seed.organizationId;
    const c = new SessionClient(origin.server.url);
    const admin = await createUser(origin, org, 'admin');
    await c.login(admin.email, admin.password);
    await expectErrorShape(await c.request('PUT', `/v1/orgs/${org}/retention`, { audit_days: 10 }), 400, 'bad_request');
    await expectErrorShape(await c.request('PUT', `/v1/orgs/${org}/retention`, { sessions_days: 10 }), 400, 'bad_request');
    const put = await c.request('PUT', `/v1/orgs/${org}/retention`, { soft_deleted_days: 5, audit_days: 730 });
    expect(put.status).toBe(200);
    const { data } = (await (await c.request('GET', `/v1/orgs/${org}/retention`)).json()) as { data: { overrides: object; effective: Record<string, number> } };
    expect(data.overrides).toEqual({ soft_deleted_days: 5, audit_days: 730 });
    expect(data.effective).toEqual({
      soft_deleted_days: 5,
      revisions_keep: origin.config.RETENTION_REVISIONS_KEEP,
      revisions_days: origin.config.RETENTION_REVISIONS_DAYS,
      webhook_deliveries_days: origin.config.RETENTION_WEBHOOK_DELIVERIES_DAYS,
      security_events_days: origin.config.RETENTION_SECURITY_EVENTS_DAYS,
      audit_days: 730,
    });
    const author = new SessionClient(origin.server.url);
    const a = await createUser(origin, org, 'author');
    await author.login(a.email, a.password);
    await expectErrorShape(await author.request('PUT', `/v1/orgs/${org}/retention`, { soft_deleted_days: 1 }), 403, 'forbidden');
    await c.request('PUT', `/v1/orgs/${org}/retention`, {});
  });

  it('respects the batch limit: a run deletes at most the per-run cap, the next run the rest', async () => {
    for (let i = 0; i < 5; i++) await q(sql`insert into auth_attempts (action, account, ip, success, created_at) values ('batch', null, '192.0.2.9', false, ${ago(31)}::timestamptz)`);
    const left = async () => Number((await q<{ n: number }>(sql`select count(*)::int as n from auth_attempts where action = 'batch'`))[0]!.n);
    const first = await runRetention(db(), settings({ batchSize: 2, maxRowsPerRun: 3 }), NOW);
    expect(first.global.login_attempts).toBe(3);
    expect(await left()).toBe(2);
    const second = await runRetention(db(), settings({ batchSize: 2, maxRowsPerRun: 3 }), NOW);
    expect(second.global.login_attempts).toBe(2);
    expect(await left()).toBe(0);
  });

  it('deletes the oldest audit rows behind a signed checkpoint: the chain still verifies; a tampered checkpoint fails', async () => {
    const { organizationId: org } = await createOrganization(origin, `ret-audit-${randomBytes(3).toString('hex')}`);
    for (let i = 0; i < 6; i++) {
      await audit(db(), { userId: null, ip: '198.51.100.7' }, { action: `test.row${i}`, result: 'success', organizationId: org });
      await new Promise((r) => setTimeout(r, 5));
    }
    const rows = await db().select().from(auditEvents).where(eq(auditEvents.chain, org)).orderBy(auditEvents.seq);
    expect(rows).toHaveLength(6);
    // Row 3 is exactly 365 days old at `now`; row 4 (created later) is younger.
    const now = new Date(rows[2]!.createdAt.getTime() + 365 * DAY);
    const report = await runRetention(db(), settings(), now);
    expect(report.organizations[org]).toMatchObject({ audit_events: 3 });
    const left = await db().select().from(auditEvents).where(eq(auditEvents.chain, org)).orderBy(auditEvents.seq);
    expect(left.map((r) => r.seq)).toEqual([4, 5, 6, 7]); // 7: the run's own retention.run row
    const [cp] = await db().select().from(auditCheckpoints).where(eq(auditCheckpoints.chain, org));
    expect(cp).toMatchObject({ seq: 3, hash: rows[2]!.hash, deleted: 3 });
    expect(await verifyAuditChain(db(), { organizationId: org })).toMatchObject({ ok: true, checked: 4 });

    // `npm run audit -- verify` (with the deployment's AUTH_SECRET) agrees.
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    const open = async () => ({ db: db(), close: async () => {} });
    process.env.AUTH_SECRET = origin.config.AUTH_SECRET;
    expect(await runAudit(['verify', '--org', org], io, open)).toBe(0);

    // Nothing more is due at the same `now`.
    expect((await runRetention(db(), settings(), now)).organizations[org]).toBeUndefined();

    // An edited checkpoint (pointing elsewhere) fails its signature.
    await db().update(auditCheckpoints).set({ hash: rows[1]!.hash! }).where(eq(auditCheckpoints.id, cp!.id));
    expect((await verifyAuditChain(db(), { organizationId: org })).broken).toMatchObject({ chain: org, seq: 3, reason: 'checkpoint' });
    expect(await runAudit(['verify', '--org', org], io, open)).toBe(1);
    expect(out.at(-1)).toMatch(/checkpoint/);
    await db().update(auditCheckpoints).set({ hash: cp!.hash }).where(eq(auditCheckpoints.id, cp!.id));
    expect((await verifyAuditChain(db(), { organizationId: org })).ok).toBe(true);
    // AUTH_SECRET rotation: the previous secret still verifies, the next retention run re-signs the
    // chain's start under the new one, after which the old secret is no longer needed.
    const next = randomBytes(32).toString('hex');
    setAuditCheckpointKey(next, [origin.config.AUTH_SECRET!]);
    expect((await verifyAuditChain(db(), { organizationId: org })).ok).toBe(true);
    expect((await runRetention(db(), settings(), now)).global.checkpoints_resigned).toBeGreaterThanOrEqual(1);
    setAuditCheckpointKey(next);
    expect((await verifyAuditChain(db(), { organizationId: org })).ok).toBe(true);
    // A forged checkpoint is never re-signed: one no key signed stays broken.
    setAuditCheckpointKey(origin.config.AUTH_SECRET, [next]);
    await db().update(auditCheckpoints).set({ deleted: 2 }).where(eq(auditCheckpoints.id, cp!.id));
    await runRetention(db(), settings(), now);
    expect((await verifyAuditChain(db(), { organizationId: org })).broken).toMatchObject({ reason: 'checkpoint' });
    await db().update(auditCheckpoints).set({ deleted: 3 }).where(eq(auditCheckpoints.id, cp!.id));
    expect((await verifyAuditChain(db(), { organizationId: org })).ok).toBe(true);
    setAuditCheckpointKey(next);
    await runRetention(db(), settings(), now);
    setAuditCheckpointKey(origin.config.AUTH_SECRET);
    // Signed under `next` now: the old key alone no longer verifies it, as any other key would not.
    expect((await verifyAuditChain(db(), { organizationId: org })).broken).toMatchObject({ reason: 'checkpoint' });
    setAuditCheckpointKey(next);
    expect((await verifyAuditChain(db(), { organizationId: org })).ok).toBe(true);
    // A checkpoint signed under another key fails too.
    setAuditCheckpointKey(randomBytes(32).toString('hex'));
    expect((await verifyAuditChain(db(), { organizationId: org })).broken).toMatchObject({ reason: 'checkpoint' });
    setAuditCheckpointKey(next);
    // Without the checkpoint the rows are missing: a gap.
    await db().delete(auditCheckpoints).where(eq(auditCheckpoints.id, cp!.id));
    expect((await verifyAuditChain(db(), { organizationId: org })).broken).toMatchObject({ seq: 4, reason: 'gap' });
  });
});
