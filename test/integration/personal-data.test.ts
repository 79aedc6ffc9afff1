/**
 * Personal data encrypted at rest (issue 16), over real HTTP against a real origin on Postgres:
 * after sign-up, login, failed logins (a security event), an invitation and SCIM provisioning, no
 * table holds an email, a name or the client address in plaintext (raw SQL over every text and
 * JSON column), while every read path shows them decrypted; emails are unique and looked up
 * case-insensitively through the blind index; a tampered or row-swapped token does not decrypt.
 * Since migration 0020 also operators' email and name (found by their blind index at sign-in) and
 * the audit trail's client address and user agent (opened by the audit route; a token that does
 * not open is shown as null and reported by the chain's verification, never shown as garbage).
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeError } from '../../origin/crypto/envelope.js';
import { personalAad } from '../../origin/crypto/personal-data.js';
import { verifyAuditChain } from '../../origin/audit/audit.js';
import { runOperators } from '../../origin/cli/operators.js';
import { totpCode } from '../../origin/identity/totp/totp.js';
import { auditEvents, operators, securityEvents, ssoDomains, users } from '../../origin/db/schema/index.js';
import { keyStatus, operatorEmailIs, verifyKeys } from '../../origin/governance/index.js';
import { MemoryTransport } from '../../origin/identity/mail.js';
import { openUserEmail } from '../../origin/identity/people.js';
import { openSubject } from '../../origin/ops/security/engine.js';
import { captureIo } from '../helpers/cli.js';
import { GOOD_PASSWORD, personalDataOf, SessionClient, userWithEmail } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const MASTER_KEYS = `v1:${randomBytes(32).toString('base64')}`;
const DOMAIN = 'personal-corp.example';
// Mixed case on purpose: stored and compared case-insensitively.
const OWNER_EMAIL = `Ada.Secret-${process.pid}@${DOMAIN}`;
const OWNER_NAME = 'Ada Lovelace-Unique';
const INVITEE_EMAIL = `invitee.secret-${process.pid}@elsewhere.example`;
const SCIM_EMAIL = `scim.person-${process.pid}@${DOMAIN}`;
const SCIM_NAME = 'Hopper-Unique';
const OPERATOR_EMAIL = `Support.Sealed-${process.pid}@ops-corp.example`;
const OPERATOR_NAME = 'Operator Babbage-Unique';
const OPERATOR_PASSWORD = 'Operator-Lantern-Harbor-91!';
const AGENT = 'PersonalDataTest/1.0 (sealed-agent)';
const mail = new MemoryTransport();

let origin: OriginUnderTest;
let owner: SessionClient;
let organizationId: string;

const post = (path: string, body: unknown) => fetch(`${origin.server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function rows<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  const r = await origin.database.db.execute(statement);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as T[];
}

/** Every (table, column) of a textual or JSON type whose value contains `needle` (case-insensitive). */
async function plaintextHits(needle: string, skip: ReadonlySet<string> = new Set()): Promise<string[]> {
  const columns = await rows<{ t: string; c: string }>(
    sql`select table_name as t, column_name as c from information_schema.columns
        where table_schema = current_schema() and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
  );
  const hits: string[] = [];
  for (const { t, c } of columns) {
    if (skip.has(`${t}.${c}`)) continue;
    const [r] = await rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(t)} where ${sql.identifier(c)}::text ilike ${`%${needle}%`}`);
    if (Number(r?.n) > 0) hits.push(`${t}.${c}`);
  }
  return hits;
}

/**
 * verifyKeys' failures under the origin's MASTER_KEYS, except the operator's TOTP secret: the test
 * origin encrypts secrets with its own envelope (test/helpers/stack.ts), which the operators CLI is
 * given so that the origin can check the operator's codes.
 */
async function sealedFailures() {
  return (await verifyKeys(origin.database.db, personalDataOf(origin))).failures.filter((f) => f.column !== 'operators.totp_secret_encrypted');
}

beforeAll(async () => {
  origin = await startTestOrigin(
    { BCRYPT_COST: '10', MASTER_KEYS, SECURITY_THRESHOLDS: JSON.stringify({ login_failures_ip: { threshold: 2, windowMinutes: 10 } }) },
    { mail },
  );
  // Sign-up, then the emailed verification link.
  const res = await post('/v1/auth/signup', { email: OWNER_EMAIL, password: GOOD_PASSWORD, name: OWNER_NAME, organization_name: 'Analytical Engines' });
  expect(res.status, await res.clone().text()).toBe(201);
  const token = /token=([A-Za-z0-9_-]+)/.exec((await mail.waitFor(OWNER_EMAIL)).text)![1]!;
  expect((await post('/v1/auth/verify-email', { token })).status).toBe(200);
  owner = new SessionClient(origin.server.url);
  // Login looks the address up by its blind index: any case works.
  await owner.login(OWNER_EMAIL.toUpperCase(), GOOD_PASSWORD);
  const session = (await (await owner.request('GET', '/v1/auth/session')).json()) as { data: { email: string; memberships: { organization_id: string }[] } };
  organizationId = session.data.memberships[0]!.organization_id;
  // Two failed logins from this address: a login_failures_ip security event (threshold 2).
  for (let i = 0; i < 2; i++) expect((await post('/v1/auth/login', { email: OWNER_EMAIL, password: 'Wrong-Password-1!' })).status).toBe(401);
  // An invitation.
  const inv = await owner.request('POST', `/v1/orgs/${organizationId}/invitations`, { email: INVITEE_EMAIL, role: 'viewer' });
  expect(inv.status, await inv.clone().text()).toBe(201);
  // SCIM provisioning into a verified domain.
  await origin.database.db.insert(ssoDomains).values({ organizationId, domain: DOMAIN, verificationToken: 't', verifiedAt: new Date() });
  const tok = await owner.request('POST', `/v1/orgs/${organizationId}/scim/token`);
  expect(tok.status, await tok.clone().text()).toBe(201);
  const scimToken = ((await tok.json()) as { data: { token: string } }).data.token;
  const created = await fetch(`${origin.server.url}/scim/v2/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: SCIM_EMAIL, name: { givenName: 'Grace', familyName: SCIM_NAME }, emails: [{ value: SCIM_EMAIL, primary: true }] }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  // An operator (npm run operators -- add), signed in with the address in another case.
  const io = captureIo();
  const add = await runOperators(['add', OPERATOR_EMAIL, '--name', OPERATOR_NAME], io, async () => ({ db: origin.database.db, close: async () => {} }), {
    config: origin.config,
    envelope: origin.envelope,
    readPassword: async () => OPERATOR_PASSWORD,
  });
  expect(add, io.stderr).toBe(0);
  const totp = /TOTP secret[^:]*: ([A-Z2-7]+)/.exec(io.stdout)![1]!;
  const opLogin = await fetch(`${origin.server.url}/v1/operator/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': AGENT },
    body: JSON.stringify({ email: OPERATOR_EMAIL.toLowerCase(), password: OPERATOR_PASSWORD, otp: totpCode(totp, Date.now()) }),
  });
  expect(opLogin.status, await opLogin.clone().text()).toBe(200);
  // A write with a known user agent: an org.update audit row in the organization's chain.
  const renamed = await owner.request('PATCH', `/v1/orgs/${organizationId}`, { name: 'Analytical Engines Ltd' }, { 'user-agent': AGENT });
  expect(renamed.status, await renamed.clone().text()).toBe(200);
  // Let the security rules engine write its event.
  for (let i = 0; i < 100; i++) {
    if ((await origin.database.db.select().from(securityEvents).where(eq(securityEvents.rule, 'login_failures_ip'))).length > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
}, 60_000);

afterAll(async () => {
  await origin?.stop();
});

describe('personal data at rest', () => {
  it('leaves no email, name or client address in plaintext in any table', async () => {
    const local = (e: string) => e.slice(0, e.indexOf('@'));
    for (const needle of [local(OWNER_EMAIL), OWNER_NAME, local(INVITEE_EMAIL), local(SCIM_EMAIL), SCIM_NAME, local(OPERATOR_EMAIL), OPERATOR_NAME, 'sealed-agent']) {
      expect(await plaintextHits(needle), needle).toEqual([]);
    }
    // The client address is nowhere in plaintext either — the audit trail's included (migration 0020).
    expect(await plaintextHits('127.0.0.1')).toEqual([]);
    // The scan does find plaintext where it is (so an empty answer above means something).
    expect(await plaintextHits('Analytical Engines Ltd')).toContain('organizations.name');
    // The sealed values are there, under the configured key.
    const status = await keyStatus(origin.database.db, personalDataOf(origin));
    expect(status.clean).toBe(true);
    expect(status.columns.find((c) => c.column === 'users.email_enc')).toMatchObject({ plaintext: 0, staleIndexes: 0, versions: { v1: expect.any(Number) } });
    for (const col of [
      'sessions.ip_enc',
      'invitations.email_enc',
      'scim_users.user_name_enc',
      'scim_users.attributes_enc',
      'security_events.actor_ip_enc',
      'security_events.subject_id',
      'operators.email_enc',
      'operators.name_enc',
      'audit_events.ip_enc',
      'audit_events.user_agent_enc',
    ]) {
      expect(status.columns.find((c) => c.column === col)?.rows, col).toBeGreaterThan(0);
    }
    expect(await sealedFailures()).toEqual([]);
  });

  it('shows them decrypted where they are read: session, members, invitations, SCIM, security events', async () => {
    const session = (await (await owner.request('GET', '/v1/auth/session')).json()) as { data: { email: string } };
    expect(session.data.email.toLowerCase()).toBe(OWNER_EMAIL.toLowerCase());
    const members = (await (await owner.request('GET', `/v1/orgs/${organizationId}/members`)).json()) as { data: { email: string; name: string }[] };
    expect(members.data).toEqual(expect.arrayContaining([expect.objectContaining({ name: OWNER_NAME }), expect.objectContaining({ email: SCIM_EMAIL })]));
    const invitations = (await (await owner.request('GET', `/v1/orgs/${organizationId}/invitations`)).json()) as { data: { email: string }[] };
    expect(invitations.data.map((i) => i.email)).toContain(INVITEE_EMAIL);
    const [event] = await origin.database.db.select().from(securityEvents).where(eq(securityEvents.rule, 'login_failures_ip'));
    expect(openSubject(personalDataOf(origin), event!)).toEqual({ type: 'ip', id: '127.0.0.1' });
    expect(personalDataOf(origin).open(event!.actorIpEnc!, personalAad('security_events', 'actor_ip', event!.id))).toBe('127.0.0.1');
  });

  it('keeps emails unique case-insensitively through the blind index', async () => {
    const before = mail.messages.length;
    const again = await post('/v1/auth/signup', { email: OWNER_EMAIL.toLowerCase(), password: GOOD_PASSWORD, name: 'Someone Else', organization_name: 'Other' });
    expect(again.status).toBe(201);
    expect(await origin.database.db.select({ id: users.id }).from(users).where(userWithEmail(origin, OWNER_EMAIL))).toHaveLength(1);
    // The owner is told instead (the sign-up answer is the same for both).
    const warned = await mail.waitFor(OWNER_EMAIL.toLowerCase(), 2);
    expect(mail.messages.length).toBeGreaterThan(before);
    expect(warned.subject).toMatch(/tried to sign up/);
    // A second row with the same index is refused by the database itself.
    const [u] = await origin.database.db.select().from(users).where(userWithEmail(origin, OWNER_EMAIL));
    await expect(origin.database.db.insert(users).values({ emailEnc: 'x', emailBidx: u!.emailBidx, nameEnc: 'y' })).rejects.toThrow();
  });

  it('refuses a tampered token and a token moved to another row', async () => {
    const pd = personalDataOf(origin);
    const all = await origin.database.db.select().from(users);
    const [a, b] = all;
    expect(openUserEmail(pd, a!)).toContain('@');
    // Swapped rows: each token is bound to its row id.
    expect(() => openUserEmail(pd, { id: a!.id, emailEnc: b!.emailEnc })).toThrow(EnvelopeError);
    await origin.database.db.update(users).set({ emailEnc: b!.emailEnc }).where(eq(users.id, a!.id));
    await origin.database.db.update(users).set({ emailEnc: a!.emailEnc }).where(eq(users.id, b!.id));
    // A flipped character in a name.
    const tampered = `${b!.nameEnc.slice(0, -2)}${b!.nameEnc.at(-2) === 'A' ? 'B' : 'A'}${b!.nameEnc.at(-1)}`;
    await origin.database.db.update(users).set({ nameEnc: tampered }).where(eq(users.id, b!.id));
    try {
      const v = await verifyKeys(origin.database.db, pd);
      expect(v.ok).toBe(false);
      expect(v.failures).toEqual(
        expect.arrayContaining([
          { column: 'users.email_enc', id: a!.id, reason: 'decrypt' },
          { column: 'users.email_enc', id: b!.id, reason: 'decrypt' },
          { column: 'users.name_enc', id: b!.id, reason: 'decrypt' },
        ]),
      );
    } finally {
      await origin.database.db.update(users).set({ emailEnc: a!.emailEnc, nameEnc: a!.nameEnc }).where(eq(users.id, a!.id));
      await origin.database.db.update(users).set({ emailEnc: b!.emailEnc, nameEnc: b!.nameEnc }).where(eq(users.id, b!.id));
    }
    expect(await sealedFailures()).toEqual([]);
  });

  it('seals operators: found by the blind index (any case), listed opened by the CLI, one per address', async () => {
    const pd = personalDataOf(origin);
    const [op] = await origin.database.db.select().from(operators).where(operatorEmailIs(pd, OPERATOR_EMAIL.toUpperCase()));
    expect(op!.emailBidx).toBe(pd.blindIndex('email', OPERATOR_EMAIL));
    expect(pd.open(op!.emailEnc, personalAad('operators', 'email', op!.id))).toBe(OPERATOR_EMAIL);
    expect(pd.open(op!.nameEnc, personalAad('operators', 'name', op!.id))).toBe(OPERATOR_NAME);
    // The name token is bound to its column: it does not open as the email.
    expect(() => pd.open(op!.nameEnc, personalAad('operators', 'email', op!.id))).toThrow(EnvelopeError);
    const io = captureIo();
    const cli = (argv: string[]) => runOperators(argv, io, async () => ({ db: origin.database.db, close: async () => {} }), { config: origin.config, envelope: origin.envelope, readPassword: async () => OPERATOR_PASSWORD });
    expect(await cli(['list'])).toBe(0);
    expect(io.stdout).toContain(OPERATOR_EMAIL);
    expect(io.stdout).toContain(OPERATOR_NAME);
    // The same address in another case is the same operator: refused, and the unique index holds in the database too.
    expect(await cli(['add', OPERATOR_EMAIL.toLowerCase(), '--name', 'Again'])).toBe(2);
    await expect(origin.database.db.insert(operators).values({ emailEnc: 'x', emailBidx: op!.emailBidx, nameEnc: 'y', passwordHash: 'x', totpSecretEncrypted: 'x' })).rejects.toThrow();
    // A token moved from another column of the row does not open: the listing is refused (exit 1, the row named), never shows a token.
    await origin.database.db.update(operators).set({ emailEnc: op!.nameEnc }).where(eq(operators.id, op!.id));
    try {
      const bad = captureIo();
      expect(await runOperators(['list'], bad, async () => ({ db: origin.database.db, close: async () => {} }), { config: origin.config, envelope: origin.envelope })).toBe(1);
      expect(bad.stderr).toContain(`operator ${op!.id}: its email or name does not open`);
      expect(bad.stdout).not.toContain('env1.');
    } finally {
      await origin.database.db.update(operators).set({ emailEnc: op!.emailEnc }).where(eq(operators.id, op!.id));
    }
  });

  it('seals the audit trail: the audit route opens address and user agent; a tampered or moved token is null there and breaks verify', async () => {
    const events = async () => ((await (await owner.request('GET', `/v1/orgs/${organizationId}/audit-events?limit=500`)).json()) as { data: { id: string; action: string; ip: string | null; user_agent: string | null }[] }).data;
    const rows = await events();
    const update = rows.find((r) => r.action === 'org.update')!;
    expect(update).toMatchObject({ ip: '127.0.0.1', user_agent: AGENT });
    expect(rows.every((r) => r.ip === null || r.ip === '127.0.0.1')).toBe(true);
    // Stored sealed, bound to the row: another row's token does not open here.
    const [stored] = await origin.database.db.select().from(auditEvents).where(eq(auditEvents.id, update.id));
    const other = rows.find((r) => r.id !== update.id && r.ip !== null)!;
    const [otherStored] = await origin.database.db.select().from(auditEvents).where(eq(auditEvents.id, other.id));
    try {
      await origin.database.db.update(auditEvents).set({ ipEnc: otherStored!.ipEnc }).where(eq(auditEvents.id, update.id));
      const flipped = `${stored!.userAgentEnc!.slice(0, -3)}${stored!.userAgentEnc!.at(-3) === 'A' ? 'B' : 'A'}${stored!.userAgentEnc!.slice(-2)}`;
      await origin.database.db.update(auditEvents).set({ userAgentEnc: flipped }).where(eq(auditEvents.id, update.id));
      expect((await events()).find((r) => r.id === update.id)).toMatchObject({ ip: null, user_agent: null });
      expect((await verifyAuditChain(origin.database.db, { organizationId })).broken).toMatchObject({ id: update.id, reason: 'sealed' });
      const verify = (await (await owner.request('GET', `/v1/orgs/${organizationId}/audit-events/verify`)).json()) as { data: { valid: boolean; broken: { reason: string } } };
      expect(verify.data).toMatchObject({ valid: false, broken: { reason: 'sealed' } });
      expect((await verifyKeys(origin.database.db, personalDataOf(origin))).failures).toEqual(
        expect.arrayContaining([
          { column: 'audit_events.ip_enc', id: update.id, reason: 'decrypt' },
          { column: 'audit_events.user_agent_enc', id: update.id, reason: 'decrypt' },
        ]),
      );
    } finally {
      await origin.database.db.update(auditEvents).set({ ipEnc: stored!.ipEnc, userAgentEnc: stored!.userAgentEnc }).where(eq(auditEvents.id, update.id));
    }
    expect((await verifyAuditChain(origin.database.db)).ok).toBe(true);
    expect((await events()).find((r) => r.id === update.id)).toMatchObject({ ip: '127.0.0.1', user_agent: AGENT });
  });
});
