/**
 * The tamper-evident audit trail (origin/audit/audit.ts): every row written by `audit()` is
 * hash-chained per organization ('global' without one), and `verifyAuditChain`, the
 * `npm run audit -- verify` process and GET /v1/orgs/:orgId/audit-events/verify find an
 * edited, re-linked or deleted row. Real origin and database (Postgres with TEST_DATABASE_URL,
 * PGlite otherwise).
 */
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE, runAudit } from '../../origin/cli/audit.js';
import type { Db } from '../../origin/db/client.js';
import { auditEvents } from '../../origin/db/schema/index.js';
import { audit, auditRowHash, canonicalJson, openAuditPersonal, verifyAuditChain } from '../../origin/audit/audit.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createTestDatabase, usingPostgres } from '../helpers/db.js';
import { createOrganization, createUser, SessionClient, type TestUser } from '../helpers/identity.js';
import { captureIo, cliDatabase } from '../helpers/cli.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let slugs = 0;

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
});

afterAll(async () => {
  await origin?.stop();
});

const db = (): Db => origin.database.db;

async function signedIn(u: TestUser): Promise<SessionClient> {
  const c = new SessionClient(origin.server.url);
  await c.login(u.email, u.password);
  return c;
}

/** A fresh organization (its own chain). */
async function freshOrg(): Promise<string> {
  slugs += 1;
  return (await createOrganization(origin, `chain-${process.pid}-${slugs}-${Date.now()}`)).organizationId;
}

/** Writes `n` chained rows for the organization, each in its own transaction. */
async function writeRows(d: Db, organizationId: string | null, n: number, metadata: (i: number) => Record<string, unknown> = (i) => ({ i })): Promise<void> {
  for (let i = 0; i < n; i++) await audit(d, { ip: '203.0.113.7', userAgent: 'chain-test' }, { action: 'test.event', result: 'success', organizationId, targetType: 'thing', targetId: `t${i}`, metadata: metadata(i) });
}

async function chainRows(d: Db, chain: string) {
  return d.select().from(auditEvents).where(eq(auditEvents.chain, chain)).orderBy(asc(auditEvents.seq));
}

describe('canonical form', () => {
  it('sorts keys at every depth, drops undefined members and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ bb: 1, a: 2 })).toBe(canonicalJson({ a: 2, bb: 1 }));
    expect(canonicalJson([undefined, null, 'é'])).toBe('[null,null,"é"]');
  });
});

describe('chaining real actions', () => {
  it('chains logins, role changes and key creation per organization and verifies valid', async () => {
    const orgId = origin.seed.organizationId;
    const owner = await createUser(origin, orgId, 'owner');
    const author = await createUser(origin, orgId, 'author');
    const ownerClient = await signedIn(owner);
    await signedIn(author);
    expect((await ownerClient.request('PATCH', `/v1/orgs/${orgId}/members/${author.id}`, { role: 'publisher' })).status).toBe(200);
    expect((await ownerClient.request('PATCH', `/v1/orgs/${orgId}/members/${author.id}`, { role: 'viewer' })).status).toBe(200);
    expect((await ownerClient.request('POST', `/v1/orgs/${orgId}/api-keys`, { name: 'chain key', kind: 'admin' })).status).toBe(201);
    expect((await ownerClient.request('PATCH', `/v1/orgs/${orgId}`, { name: 'Renamed Ünïcode Org ✓' })).status).toBe(200);
    // A failed login is audited outside any transaction, on the plain db.
    const bad = await fetch(`${origin.server.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: author.email, password: 'wrong-Password-123!' }) });
    expect(bad.status).toBe(401);

    const org = await chainRows(db(), orgId);
    expect(org.map((r) => r.action)).toEqual(expect.arrayContaining(['member.role_change', 'key.create', 'org.update']));
    const global = await chainRows(db(), 'global');
    expect(global.filter((r) => r.action === 'auth.login').length).toBeGreaterThanOrEqual(3);
    for (const rows of [org, global]) {
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      rows.forEach((r, i) => {
        expect(r.prevHash).toBe(i === 0 ? null : rows[i - 1]!.hash);
        expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(auditRowHash({ ...r, ...openAuditPersonal(r), chain: r.chain!, seq: r.seq! })).toBe(r.hash);
      });
    }
    expect(await verifyAuditChain(db())).toEqual({ ok: true, chains: 2, checked: org.length + global.length, legacy: 0, broken: null });
    expect(await verifyAuditChain(db(), { organizationId: orgId })).toEqual({ ok: true, chains: 1, checked: org.length, legacy: 0, broken: null });
    expect(await verifyAuditChain(db(), { organizationId: null })).toMatchObject({ ok: true, chains: 1, checked: global.length });

    const res = await ownerClient.request('GET', `/v1/orgs/${orgId}/audit-events/verify`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { valid: true, checked: org.length, legacy: 0, broken: null } });
  });

  it('round-trips metadata with nested objects, unicode and numbers (hash recomputed equal)', async () => {
    const orgId = await freshOrg();
    const metadata = {
      zeta: 1,
      a: { bb: [1, 2.5, -0.125, 1e21, 1.5e-7, 2 ** 53 - 1, 123456789.12345679], a: { c: null, b: true, '': false } },
      ccc: 'Grüße — 你好 👩‍👩‍👧 \u202eltr\u202c "quoted" \\ back\nline\ttab',
      'ключ': ['é', 'é', {}],
      nothing: undefined,
      when: new Date('2030-01-02T03:04:05.678Z'),
    };
    await writeRows(db(), orgId, 2, () => metadata);
    const rows = await chainRows(db(), orgId);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.metadata).toEqual(JSON.parse(JSON.stringify(metadata)));
    for (const r of rows) expect(auditRowHash({ ...r, ...openAuditPersonal(r), chain: r.chain!, seq: r.seq! })).toBe(r.hash);
    expect(rows[0]!.createdAt).toBeInstanceOf(Date);
    expect(await verifyAuditChain(db(), { organizationId: orgId })).toMatchObject({ ok: true, checked: 2 });
  });
});

describe('tampering', () => {
  it('an edited row: hash', async () => {
    const orgId = await freshOrg();
    await writeRows(db(), orgId, 5);
    const rows = await chainRows(db(), orgId);
    await db().update(auditEvents).set({ metadata: { i: 99 } }).where(eq(auditEvents.id, rows[2]!.id));
    expect(await verifyAuditChain(db(), { organizationId: orgId })).toEqual({ ok: false, chains: 1, checked: 2, legacy: 0, broken: { chain: orgId, seq: 3, id: rows[2]!.id, reason: 'hash' } });
  });

  it('an edited created_at: hash', async () => {
    const orgId = await freshOrg();
    await writeRows(db(), orgId, 3);
    const rows = await chainRows(db(), orgId);
    await db().update(auditEvents).set({ createdAt: new Date(rows[1]!.createdAt.getTime() + 1) }).where(eq(auditEvents.id, rows[1]!.id));
    expect((await verifyAuditChain(db(), { organizationId: orgId })).broken).toMatchObject({ seq: 2, reason: 'hash' });
  });

  it('a changed prev_hash: link', async () => {
    const orgId = await freshOrg();
    await writeRows(db(), orgId, 4);
    const rows = await chainRows(db(), orgId);
    await db().update(auditEvents).set({ prevHash: 'f'.repeat(64) }).where(eq(auditEvents.id, rows[1]!.id));
    expect((await verifyAuditChain(db(), { organizationId: orgId })).broken).toEqual({ chain: orgId, seq: 2, id: rows[1]!.id, reason: 'link' });
  });

  it('a deleted middle row: gap', async () => {
    const orgId = await freshOrg();
    await writeRows(db(), orgId, 5);
    const rows = await chainRows(db(), orgId);
    await db().delete(auditEvents).where(eq(auditEvents.id, rows[2]!.id));
    expect((await verifyAuditChain(db(), { organizationId: orgId })).broken).toEqual({ chain: orgId, seq: 4, id: rows[3]!.id, reason: 'gap' });
  });

  it('a deleted first row: gap', async () => {
    const orgId = await freshOrg();
    await writeRows(db(), orgId, 3);
    const rows = await chainRows(db(), orgId);
    await db().delete(auditEvents).where(eq(auditEvents.id, rows[0]!.id));
    expect((await verifyAuditChain(db(), { organizationId: orgId })).broken).toMatchObject({ seq: 2, reason: 'gap' });
  });

  it('an edited row re-hashed without fixing the next link: link at the next row', async () => {
    const orgId = await freshOrg();
    await writeRows(db(), orgId, 4);
    const rows = await chainRows(db(), orgId);
    const forged = { ...rows[1]!, ...openAuditPersonal(rows[1]!), chain: rows[1]!.chain!, seq: rows[1]!.seq!, metadata: { i: 1, forged: true } };
    await db().update(auditEvents).set({ metadata: forged.metadata, hash: auditRowHash(forged) }).where(eq(auditEvents.id, forged.id));
    expect((await verifyAuditChain(db(), { organizationId: orgId })).broken).toEqual({ chain: orgId, seq: 3, id: rows[2]!.id, reason: 'link' });
  });

  it('is per organization: tampering in one chain does not break another', async () => {
    const a = await freshOrg();
    const b = await freshOrg();
    await writeRows(db(), a, 3);
    await writeRows(db(), b, 3);
    const rowsA = await chainRows(db(), a);
    await db().update(auditEvents).set({ action: 'forged' }).where(eq(auditEvents.id, rowsA[0]!.id));
    expect((await verifyAuditChain(db(), { organizationId: a })).ok).toBe(false);
    expect(await verifyAuditChain(db(), { organizationId: b })).toEqual({ ok: true, chains: 1, checked: 3, legacy: 0, broken: null });
    // The whole-database walk reports a break (the first, in chain order).
    expect((await verifyAuditChain(db())).ok).toBe(false);
  });
});

describe('writers', () => {
  it('20 concurrent audited transactions get seq 1..20, no gap and no fork', async () => {
    const orgId = await freshOrg();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db().transaction(async (tx) => {
          await tx.execute(sql`select 1`);
          await audit(tx as unknown as Db, {}, { action: 'test.concurrent', result: 'success', organizationId: orgId, metadata: { i } });
          // Keep the transaction (and the chain lock) open a little while others queue.
          await new Promise((r) => setTimeout(r, 5));
        }),
      ),
    );
    const rows = await chainRows(db(), orgId);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => (r.metadata as { i: number }).i)).size).toBe(20);
    expect(await verifyAuditChain(db(), { organizationId: orgId })).toMatchObject({ ok: true, checked: 20 });
  });

  it('a rolled-back transaction leaves no row and no hole', async () => {
    const orgId = await freshOrg();
    await writeRows(db(), orgId, 2);
    await expect(
      db().transaction(async (tx) => {
        await audit(tx as unknown as Db, {}, { action: 'test.rolled_back', result: 'success', organizationId: orgId });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await writeRows(db(), orgId, 1);
    const rows = await chainRows(db(), orgId);
    expect(rows.map((r) => [r.seq, r.action])).toEqual([
      [1, 'test.event'],
      [2, 'test.event'],
      [3, 'test.event'],
    ]);
    expect(await verifyAuditChain(db(), { organizationId: orgId })).toMatchObject({ ok: true, checked: 3 });
  });

  it('counts legacy (pre-chain) rows without failing', async () => {
    const orgId = await freshOrg();
    await db().insert(auditEvents).values([
      { organizationId: orgId, action: 'legacy.one', result: 'success' },
      { organizationId: orgId, action: 'legacy.two', result: 'failure', metadata: { old: true } },
    ]);
    await writeRows(db(), orgId, 2);
    expect(await verifyAuditChain(db(), { organizationId: orgId })).toEqual({ ok: true, chains: 1, checked: 2, legacy: 2, broken: null });
    const only = await freshOrg();
    await db().insert(auditEvents).values({ organizationId: only, action: 'legacy.only', result: 'success' });
    expect(await verifyAuditChain(db(), { organizationId: only })).toEqual({ ok: true, chains: 0, checked: 0, legacy: 1, broken: null });
  });
});

describe('GET /v1/orgs/:orgId/audit-events/verify', () => {
  it('reports a broken chain to an admin, and refuses a member without audit.read and another organization', async () => {
    const orgId = await freshOrg();
    const other = await freshOrg();
    const admin = await signedIn(await createUser(origin, orgId, 'admin'));
    const otherAdmin = await signedIn(await createUser(origin, other, 'admin'));
    const publisher = await signedIn(await createUser(origin, orgId, 'publisher'));
    await writeRows(db(), orgId, 3);
    await db().insert(auditEvents).values({ organizationId: orgId, action: 'legacy', result: 'success' });

    const ok = await admin.request('GET', `/v1/orgs/${orgId}/audit-events/verify`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { valid: true, checked: 3, legacy: 1, broken: null } });

    const rows = await chainRows(db(), orgId);
    await db().update(auditEvents).set({ targetId: 'forged' }).where(eq(auditEvents.id, rows[1]!.id));
    const broken = await admin.request('GET', `/v1/orgs/${orgId}/audit-events/verify`);
    expect(await broken.json()).toEqual({ data: { valid: false, checked: 1, legacy: 1, broken: { chain: orgId, seq: 2, id: rows[1]!.id, reason: 'hash' } } });

    // Exactly the listing route's answers.
    for (const path of [`/v1/orgs/${orgId}/audit-events`, `/v1/orgs/${orgId}/audit-events/verify`]) {
      await expectErrorShape(await publisher.request('GET', path), 403, 'forbidden');
      await expectErrorShape(await otherAdmin.request('GET', path), 404, 'not_found');
      await expectErrorShape(await fetch(`${origin.server.url}${path}`), 401, 'unauthenticated');
    }
  });
});

describe('the npm run audit process', () => {
  it('answers bad usage with exit 2 without opening the database', async () => {
    const open = () => Promise.reject(new Error('must not open the database'));
    for (const argv of [[], ['frob'], ['verify', 'extra'], ['verify', '--org', 'not-a-uuid'], ['verify', '--force']]) {
      const io = captureIo();
      expect(await runAudit(argv, io, open), JSON.stringify(argv)).toBe(EXIT_USAGE);
      expect(io.stderr).toMatch(/^audit: [^\n]+ \(usage: npm run audit -- verify [^\n]+\)\n$/);
    }
    expect(await runAudit(['--help'], captureIo(), open)).toBe(EXIT_OK);
  });

  it('exits 0 on valid chains and 1 after tampering', { timeout: 180_000 }, async () => {
    // Postgres: a database of its own (this file's other tests leave broken chains behind).
    // PGlite: a data dir in a temp folder, opened by one process at a time.
    const pg = usingPostgres ? await createTestDatabase() : null;
    const cli = cliDatabase(pg, 'ghee-audit');
    const open = () => cli.open();
    const run = (...args: string[]) => cli.run('origin/cli/audit.ts', ...args);
    try {
      const orgA = '11111111-1111-4111-8111-111111111111';
      const orgB = '22222222-2222-4222-8222-222222222222';
      let d = await open();
      await writeRows(d.db, orgA, 3);
      await writeRows(d.db, orgB, 2);
      await writeRows(d.db, null, 2);
      await d.close();

      const valid = await run('verify');
      expect(valid.code, valid.stderr).toBe(0);
      expect(valid.stdout).toBe('audit chain valid: 3 chains, 7 rows checked, 0 legacy (unchained)\n');

      d = await open();
      const rows = await chainRows(d.db, orgA);
      await d.db.update(auditEvents).set({ metadata: { i: 42 } }).where(eq(auditEvents.id, rows[1]!.id));
      await d.close();

      const broken = await run('verify');
      expect(broken.code).toBe(1);
      expect(broken.stdout).toBe('');
      expect(broken.stderr.trim().split('\n')).toHaveLength(1);
      expect(broken.stderr.startsWith(`audit: chain ${orgA} is broken at seq 2 (row ${rows[1]!.id}): hash: `)).toBe(true);

      const scoped = await run('verify', '--org', orgB.toUpperCase());
      expect(scoped.code, scoped.stderr).toBe(0);
      expect(scoped.stdout).toBe('audit chain valid: 1 chain, 2 rows checked, 0 legacy (unchained)\n');
      expect((await run('verify', '--org', orgA)).code).toBe(1);
      expect((await run('verify', '--org', 'nope')).code).toBe(2);
    } finally {
      await pg?.dispose();
      cli.dispose();
    }
  });
});
