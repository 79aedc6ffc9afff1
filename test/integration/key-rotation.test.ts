/**
 * `npm run keys -- rotate` (origin/governance/keys.ts) on real Postgres: every envelope (personal
 * data, webhook / TOTP / SSO secrets) re-encrypted under the newest MASTER_KEYS version in small
 * batches; a rotation interrupted after a few batches resumes from its cursor, finishes and
 * verifies; blind indexes move to the new key and lookups work throughout; with the old key
 * removed everything still decrypts; values written before migration 0015 are converted; the
 * CLI's exit codes; every envelope column of the schema is known to the rotation. Operators' email
 * and name and the audit trail's addresses and user agents (migration 0020) rotate with the rest,
 * and every audit chain still verifies under the new key alone.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, setAuditPersonalData, verifyAuditChain } from '../../origin/audit/audit.js';
import { runKeys } from '../../origin/cli/keys.js';
import { personalAad, personalDataFromConfig } from '../../origin/crypto/personal-data.js';
import * as schema from '../../origin/db/schema/index.js';
import { auditEvents, authAttempts, invitations, operators, securityEvents, sessions, ssoConnections, totpFactors, users, webhooks } from '../../origin/db/schema/index.js';
import { seedDemo } from '../../origin/db/seed.js';
import { convertPersonalData, keyStatus, operatorEmailIs, rotateKeys, sealOperator, SEALED_COLUMNS, verifyKeys } from '../../origin/governance/index.js';
import { openUserEmail, openUserName, sealInvitationEmail, sealUser, userEmailIs } from '../../origin/identity/people.js';
import { createSession } from '../../origin/identity/sessions/sessions.js';
import { createWebhook } from '../../origin/outbox/webhooks.js';
import { captureIo } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const K1 = `v1:${randomBytes(32).toString('base64')}`;
const K2 = `v2:${randomBytes(32).toString('base64')}`;
const pd1 = personalDataFromConfig(K1);
const pd12 = personalDataFromConfig(`${K1},${K2}`);
const pd2 = personalDataFromConfig(K2);

let database: TestDatabase;
const db = () => database.db;
const emails = Array.from({ length: 7 }, (_, i) => `Rotating.User-${i}@keys.example`);
let webhookId: string;
let webhookSecret: string;
let totpUser: string;
let connectionId: string;
const OPERATOR_EMAILS = ['Support.One@ops.example', 'support.two@ops.example'];

/** An operator row as `npm run operators -- add` writes it, sealed under `pd`. */
async function insertOperator(pd: typeof pd1, email: string): Promise<string> {
  const id = randomUUID();
  await db().insert(operators).values({ id, ...sealOperator(pd, id, { email, name: `Operator ${email}` }), passwordHash: 'x', totpSecretEncrypted: pd.envelope.encrypt('JBSWY3DPEHPK3PXP', `operator-totp:${id}`) });
  return id;
}

const openedAuditIps = async (pd: typeof pd1) =>
  (await db().select().from(auditEvents).where(eq(auditEvents.action, 'test.sealed'))).map((r) => pd.open(r.ipEnc!, personalAad('audit_events', 'ip', r.id)));

beforeAll(async () => {
  database = await createTestDatabase();
  const seed = (await seedDemo(db(), new Date(), pd1))!;
  for (const email of emails) {
    const [u] = await db().insert(users).values({ ...sealUser(pd1, { email, name: `Name ${email}` }), emailVerifiedAt: new Date() }).returning({ id: users.id });
    await createSession(db(), { userId: u!.id, ip: '203.0.113.7', userAgent: 'rotation-test', now: new Date(), policy: { idleMs: 3_600_000, absoluteMs: 3_600_000 }, personalData: pd1 });
  }
  for (let i = 0; i < 3; i++) {
    const id = randomUUID();
    await db().insert(invitations).values({ id, organizationId: seed.organizationId, ...sealInvitationEmail(pd1, id, `invited-${i}@keys.example`), role: 'viewer', tokenHash: randomBytes(16).toString('hex'), expiresAt: new Date(Date.now() + 86_400_000) });
  }
  const hook = await createWebhook(db(), { spaceId: seed.spaceId, url: 'http://127.0.0.1:9/hook', events: ['*'], allowLoopback: true }, pd1.envelope);
  if (!hook.ok) throw new Error(hook.detail);
  webhookId = hook.value.id;
  webhookSecret = hook.value.secret;
  const [first] = await db().select({ id: users.id }).from(users).where(userEmailIs(pd1, emails[0]!));
  totpUser = first!.id;
  await db().insert(totpFactors).values({ userId: totpUser, secretEncrypted: pd1.envelope.encrypt('JBSWY3DPEHPK3PXP', `totp:${totpUser}`) });
  connectionId = randomUUID();
  await db().insert(ssoConnections).values({ id: connectionId, organizationId: seed.organizationId, protocol: 'oidc', name: 'IdP', secretEnc: pd1.envelope.encrypt('client-secret', `sso:${connectionId}`) });
  const eventId = randomUUID();
  await db().insert(securityEvents).values({
    id: eventId,
    rule: 'login_failures_ip',
    severity: 'high',
    actorIpEnc: pd1.seal('198.51.100.9', personalAad('security_events', 'actor_ip', eventId)),
    subjectType: 'ip',
    subjectId: pd1.seal('198.51.100.9', personalAad('security_events', 'subject_id', eventId)),
    dedupKey: `ghee:login_failures_ip:global:ip:${pd1.blindIndex('ip', '198.51.100.9')}`,
    windowEndsAt: new Date(Date.now() + 60_000),
  });
  for (const email of OPERATOR_EMAILS) await insertOperator(pd1, email);
  // Audit rows with a client address and user agent, sealed under v1 (the deployment's keys before the rotation).
  setAuditPersonalData(pd1);
  for (let i = 0; i < 5; i++) await audit(db(), { ip: `192.0.2.${i + 1}`, userAgent: `agent-${i}` }, { action: 'test.sealed', result: 'success', organizationId: seed.organizationId, targetId: `t${i}` });
  expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
});

afterAll(async () => {
  await database?.dispose();
});

describe('npm run keys -- rotate', () => {
  it('resumes an interrupted rotation from its cursor, finishes under the new key and verifies', async () => {
    let batches = 0;
    await expect(
      rotateKeys(db(), pd12, {
        batch: 2,
        onBatch: () => {
          batches++;
          if (batches === 3) throw new Error('killed after 3 batches');
        },
      }),
    ).rejects.toThrow('killed after 3 batches');
    // Three committed batches of users.email_enc (8 users: the demo admin and 7) are under v2.
    const mid = await keyStatus(db(), pd12);
    expect(mid.columns.find((c) => c.column === 'users.email_enc')!.versions).toEqual({ v1: 2, v2: 6 });
    expect(mid.current).toBe(false);
    const [cursor] = await database.db.execute(sql`select last_id, rows_done, finished_at from key_rotation_progress where column_ref = 'users.email_enc'`).then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as { last_id: string; rows_done: number; finished_at: unknown }[]);
    expect({ rowsDone: Number(cursor!.rows_done), finishedAt: cursor!.finished_at, lastId: typeof cursor!.last_id }).toEqual({ rowsDone: 6, finishedAt: null, lastId: 'string' });
    // Mid-way, every address is still found (its blind index under either version) and opens.
    for (const email of emails) {
      const [u] = await db().select().from(users).where(userEmailIs(pd12, email.toLowerCase()));
      expect(openUserEmail(pd12, u!)).toBe(email);
    }

    const done: string[] = [];
    const r = await rotateKeys(db(), pd12, { batch: 2, operator: 'tester', onBatch: (p) => done.push(p.column) });
    expect(r.verification).toMatchObject({ ok: true, failures: [] });
    expect(r.reencrypted['users.email_enc']).toBe(8);
    // The resumed run started at the cursor: users.email_enc took the last two rows and an empty
    // batch that ends the column — not the five batches of a run from the start.
    expect(done.filter((c) => c === 'users.email_enc')).toHaveLength(2);
    for (const col of [
      'users.name_enc',
      'invitations.email_enc',
      'sessions.ip_enc',
      'sessions.user_agent_enc',
      'security_events.actor_ip_enc',
      'security_events.subject_id',
      'webhooks.secret_encrypted',
      'totp_factors.secret_encrypted',
      'sso_connections.secret_enc',
      'operators.email_enc',
      'operators.name_enc',
      'operators.totp_secret_encrypted',
      'audit_events.ip_enc',
      'audit_events.user_agent_enc',
    ]) {
      expect(r.reencrypted[col], col).toBeGreaterThan(0);
    }
    const after = await keyStatus(db(), pd12);
    expect(after).toMatchObject({ current: true, clean: true, currentVersion: 2 });
    for (const c of after.columns) expect(Object.keys(c.versions).every((v) => v === 'v2'), c.column).toBe(true);
    // Audited once, by the operator, in the global chain.
    const audited = await db().select().from(auditEvents).where(eq(auditEvents.action, 'keys.rotate'));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ result: 'success', organizationId: null, metadata: expect.objectContaining({ target_version: 2, verified: true, operator: 'tester' }) });
    // A second run finds nothing to do.
    const again = await rotateKeys(db(), pd12, { batch: 2 });
    expect(Object.values(again.reencrypted).every((n) => n === 0)).toBe(true);
    expect(again.verification.ok).toBe(true);
  });

  it('moves blind indexes to the new key', async () => {
    for (const email of emails) {
      const [u] = await db().select().from(users).where(userEmailIs(pd2, email));
      expect(u!.emailBidx).toBe(pd2.blindIndex('email', email));
      expect(u!.emailBidx!.startsWith('v2.')).toBe(true);
    }
    const inv = await db().select().from(invitations);
    expect(inv.every((i) => i.emailBidx!.startsWith('v2.'))).toBe(true);
    const [event] = await db().select().from(securityEvents);
    expect(event!.dedupKey).toBe(`ghee:login_failures_ip:global:ip:${pd2.blindIndex('ip', '198.51.100.9')}`);
    // Operators are found by their address under the new key (any case), and only under a listed key.
    for (const email of OPERATOR_EMAILS) {
      const found = await db().select().from(operators).where(operatorEmailIs(pd2, email.toUpperCase()));
      expect(found).toHaveLength(1);
      expect(found[0]!.emailBidx!.startsWith('v2.')).toBe(true);
      expect(pd2.open(found[0]!.emailEnc, personalAad('operators', 'email', found[0]!.id))).toBe(email);
      expect(await db().select().from(operators).where(operatorEmailIs(pd1, email))).toHaveLength(0);
    }
  });

  it('decrypts everything with the old key removed (and nothing with the old key alone)', async () => {
    expect(await verifyKeys(db(), pd2)).toMatchObject({ ok: true, failures: [] });
    for (const email of emails) {
      const [u] = await db().select().from(users).where(userEmailIs(pd2, email));
      expect(openUserEmail(pd2, u!)).toBe(email);
      expect(openUserName(pd2, u!)).toBe(`Name ${email}`);
    }
    const [hook] = await db().select().from(webhooks).where(eq(webhooks.id, webhookId));
    expect(pd2.envelope.decrypt(hook!.secretEncrypted, `webhooks.secret:${webhookId}`)).toBe(webhookSecret);
    const [factor] = await db().select().from(totpFactors).where(eq(totpFactors.userId, totpUser));
    expect(pd2.envelope.decrypt(factor!.secretEncrypted, `totp:${totpUser}`)).toBe('JBSWY3DPEHPK3PXP');
    const [conn] = await db().select().from(ssoConnections).where(eq(ssoConnections.id, connectionId));
    expect(pd2.envelope.decrypt(conn!.secretEnc!, `sso:${connectionId}`)).toBe('client-secret');
    const [s] = await db().select().from(sessions).limit(1);
    expect(pd2.open(s!.ipEnc!, personalAad('sessions', 'ip', s!.id))).toBe('203.0.113.7');
    const old = await verifyKeys(db(), pd1);
    expect(old.ok).toBe(false);
    expect(old.failures[0]!.reason).toBe('decrypt');
    // The audit trail's addresses rotated too: they open under v2 alone and every chain verifies
    // (the chain hashes the plaintext's digest, never the tokens); with only the old key the chain
    // cannot check them and says so.
    expect((await openedAuditIps(pd2)).sort()).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5']);
    setAuditPersonalData(pd2);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, broken: null });
    setAuditPersonalData(pd1);
    expect((await verifyAuditChain(db())).broken).toMatchObject({ reason: 'sealed' });
    setAuditPersonalData(pd2);
  });

  it('seals values written before migration 0015 (conversion at migrate and start), idempotently', async () => {
    const id = randomUUID();
    await db().execute(sql`insert into users (id, email_enc, name_enc) values (${id}, 'Legacy.Person@keys.example', 'Legacy Person')`);
    await db().execute(sql`insert into auth_attempts (action, account, ip, success) values ('login', 'legacy.person@keys.example', '192.0.2.44', false)`);
    const before = await keyStatus(db(), pd2);
    expect(before.clean).toBe(false);
    expect(before.columns.find((c) => c.column === 'users.email_enc')!.plaintext).toBe(1);
    expect(before.plaintextAttempts).toBe(1);
    const io = captureIo();
    const open = async () => ({ db: db(), close: async () => {}, personalData: pd2 });
    expect(await runKeys(['status'], io, open)).toBe(1);
    expect(io.stdout).toContain('PLAINTEXT');

    const r = await convertPersonalData(db(), pd2, { batch: 1 });
    expect(r.sealed).toMatchObject({ 'users.email_enc': 1, 'users.name_enc': 1 });
    expect(r.attempts).toBe(1);
    const [u] = await db().select().from(users).where(userEmailIs(pd2, 'legacy.person@keys.example'));
    expect(u!.id).toBe(id);
    expect(openUserName(pd2, u!)).toBe('Legacy Person');
    const [attempt] = await db().select().from(authAttempts);
    expect(attempt).toMatchObject({ ip: pd2.blindIndex('ip', '192.0.2.44'), account: pd2.blindIndex('account', 'legacy.person@keys.example') });
    expect(await convertPersonalData(db(), pd2)).toEqual({ sealed: {}, attempts: 0 });
    expect((await keyStatus(db(), pd2)).clean).toBe(true);
  });

  it('seals operators and audit rows written before migration 0020, and the audit chain still verifies', async () => {
    // An operator as migration 0020 leaves one: the columns renamed, the values still plaintext, no blind index.
    const opId = randomUUID();
    await db().execute(sql`insert into operators (id, email_enc, name_enc, password_hash, totp_secret_encrypted) values (${opId}, 'Legacy.Operator@ops.example', 'Legacy Operator', 'x', ${pd2.envelope.encrypt('JBSWY3DPEHPK3PXP', `operator-totp:${opId}`)})`);
    // Audit rows as they were before: the address and user agent in plaintext (the chain covers their digest).
    setAuditPersonalData(pd2);
    await audit(db(), { ip: '198.51.100.77', userAgent: 'legacy-agent' }, { action: 'test.legacy', result: 'success' });
    const [row] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'test.legacy'));
    await db().execute(sql`update audit_events set ip_enc = '198.51.100.77', user_agent_enc = 'legacy-agent' where id = ${row!.id}`);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
    const before = await keyStatus(db(), pd2);
    expect(before.clean).toBe(false);
    expect(before.columns.find((c) => c.column === 'audit_events.ip_enc')!.plaintext).toBe(1);
    expect(before.columns.find((c) => c.column === 'operators.email_enc')!.plaintext).toBe(1);

    const r = await convertPersonalData(db(), pd2, { batch: 1 });
    expect(r.sealed).toMatchObject({ 'operators.email_enc': 1, 'operators.name_enc': 1, 'audit_events.ip_enc': 1, 'audit_events.user_agent_enc': 1 });
    const [op] = await db().select().from(operators).where(operatorEmailIs(pd2, 'legacy.operator@ops.example'));
    expect(op!.id).toBe(opId);
    expect(pd2.open(op!.nameEnc, personalAad('operators', 'name', opId))).toBe('Legacy Operator');
    const [sealed] = await db().select().from(auditEvents).where(eq(auditEvents.id, row!.id));
    expect(sealed!.ipEnc!.startsWith('env1.v2.')).toBe(true);
    expect(pd2.open(sealed!.userAgentEnc!, personalAad('audit_events', 'user_agent', row!.id))).toBe('legacy-agent');
    expect(sealed!.hash).toBe(row!.hash);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
    expect((await keyStatus(db(), pd2)).clean).toBe(true);
    expect(await verifyKeys(db(), pd2)).toMatchObject({ ok: true });
  });

  it('answers status, verify and bad usage with the documented exit codes', async () => {
    const open = async () => ({ db: db(), close: async () => {}, personalData: pd2 });
    const status = captureIo();
    expect(await runKeys(['status'], status, open)).toBe(0);
    expect(status.stdout).toMatch(/users\.email_enc +\d+ rows +v2=\d+/);
    expect(status.stdout).toContain('personal data: no plaintext left');
    const json = captureIo();
    expect(await runKeys(['status', '--json'], json, open)).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ clean: true, current: true, currentVersion: 2 });
    const verify = captureIo();
    expect(await runKeys(['verify'], verify, open)).toBe(0);
    expect(verify.stdout).toMatch(/^verified \d+ values under v2/);
    for (const argv of [[], ['spin'], ['rotate', '--batch', '0'], ['status', 'extra']]) {
      const io = captureIo();
      expect(await runKeys(argv, io, open), argv.join(' ')).toBe(2);
      expect(io.stderr).toMatch(/^keys: /);
    }
  });

  it('knows every envelope column of the schema', () => {
    const known = new Set(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`));
    const envelopeColumns: string[] = [];
    for (const value of Object.values(schema)) {
      if (!(value instanceof PgTable)) continue;
      const t = getTableConfig(value);
      for (const c of t.columns) if (/_(enc|encrypted)$/.test(c.name)) envelopeColumns.push(`${t.name}.${c.name}`);
    }
    expect(envelopeColumns.length).toBeGreaterThan(8);
    expect(envelopeColumns.filter((c) => !known.has(c)), 'add it to origin/governance/sealed-columns.ts').toEqual([]);
  });
});
