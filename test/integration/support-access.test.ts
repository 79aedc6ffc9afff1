/**
 * Support access only with the customer's permission, logged — reads too (issue 16). Real HTTP
 * against a real origin on Postgres: operators made by `npm run operators` (in process, same
 * code), signed in with password + TOTP; grants of every scope and state; every operator request
 * writes exactly one `support.access` row naming operator and grant in the organization's hash
 * chain (which verifies); refusals are 403 in the one error shape with a security event; owners
 * are mailed when a grant is created and when it is first used.
 */
import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOf, verifyAuditChain } from '../../origin/audit/audit.js';
import { runOperators } from '../../origin/cli/operators.js';
import { auditEvents, operators, securityEvents, spaces, supportGrants } from '../../origin/db/schema/index.js';
import { operatorEmailIs } from '../../origin/governance/index.js';
import { MemoryTransport } from '../../origin/identity/mail.js';
import { totpCode } from '../../origin/identity/totp/totp.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { captureIo } from '../helpers/cli.js';
import { createOrganization, createUser, personalDataOf, SessionClient } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const OP_PASSWORD = 'Operator-Lantern-Harbor-91!';
const mail = new MemoryTransport();
let origin: OriginUnderTest;
let orgA: string;
let spaceA1: string;
let spaceA2: string;
let orgB: { organizationId: string; spaceId: string };
let owner: SessionClient;
let ownerEmail: string;
let ownerB: SessionClient;
let n = 0;

async function cli(...argv: string[]) {
  const io = captureIo();
  const code = await runOperators(argv, io, async () => ({ db: origin.database.db, close: async () => {} }), {
    config: origin.config,
    envelope: origin.envelope,
    readPassword: async () => OP_PASSWORD,
  });
  return { code, ...io };
}

/** An operator made by the CLI: its email and TOTP secret. */
async function newOperator(): Promise<{ email: string; secret: string }> {
  const email = `op${++n}-${Date.now()}@support.example`;
  const r = await cli('add', email, '--name', `Operator ${n}`);
  expect(r.code, r.stderr).toBe(0);
  const secret = /TOTP secret[^:]*: ([A-Z2-7]+)/.exec(r.stdout)?.[1];
  expect(secret).toBeTruthy();
  return { email, secret: secret! };
}

/** An operator's browser: its own cookie and CSRF token; names a grant per request. */
class OperatorClient {
  cookie: string | null = null;
  csrf: string | null = null;
  constructor(readonly base: string) {}
  async login(email: string, password: string, otp: string | undefined): Promise<Response> {
    const res = await fetch(`${this.base}/v1/operator/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, ...(otp === undefined ? {} : { otp }) }) });
    if (res.status === 200) {
      this.cookie = res.headers.get('set-cookie')!.split(';')[0]!;
      this.csrf = ((await res.clone().json()) as { csrf_token: string }).csrf_token;
    }
    return res;
  }
  request(method: string, path: string, grant: string | null, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { ...extra };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    if (grant) h['x-ghee-support-grant'] = grant;
    if (body !== undefined) h['content-type'] = 'application/json';
    return fetch(`${this.base}${path}`, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  }
}

async function signedInOperator(): Promise<OperatorClient> {
  const op = await newOperator();
  const c = new OperatorClient(origin.server.url);
  expect((await c.login(op.email, OP_PASSWORD, totpCode(op.secret, Date.now()))).status).toBe(200);
  return c;
}

async function grant(body: Record<string, unknown>, who = owner, org = orgA): Promise<string> {
  const res = await who.request('POST', `/v1/orgs/${org}/support-grants`, { scope: 'read_only', space_ids: [spaceA1], reason: 'Ticket: pages missing', ticket: 'SUP-1', expires_in_hours: 4, ...body });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function head(org: string): Promise<number> {
  const rows = await origin.database.db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.chain, chainOf(org)));
  return Math.max(0, ...rows.map((r) => r.seq ?? 0));
}
async function rowsSince(org: string, seq: number) {
  return origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.chain, chainOf(org)), gt(auditEvents.seq, seq)));
}

async function securityEvent(rule: string, organizationId: string | null): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const rows = await origin.database.db.select().from(securityEvents).where(eq(securityEvents.rule, rule));
    if (rows.some((r) => r.organizationId === organizationId)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const pageTypes = (space: string) => `/v2/manage/spaces/${space}/page_types`;

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' }, { mail });
  orgA = origin.seed.organizationId;
  spaceA1 = origin.seed.spaceId;
  const [s2] = await origin.database.db.insert(spaces).values({ organizationId: orgA, slug: 'support-second', name: 'Second' }).returning({ id: spaces.id });
  spaceA2 = s2!.id;
  orgB = await createOrganization(origin, 'support-other');
  const u = await createUser(origin, orgA, 'owner');
  ownerEmail = u.email;
  owner = new SessionClient(origin.server.url);
  await owner.login(u.email, u.password);
  const ub = await createUser(origin, orgB.organizationId, 'owner');
  ownerB = new SessionClient(origin.server.url);
  await ownerB.login(ub.email, ub.password);
}, 60_000);

afterAll(async () => {
  await origin?.stop();
});

describe('operators (npm run operators)', () => {
  it('add prints the TOTP secret once, list shows operators without secrets, disable ends their sessions', async () => {
    const op = await newOperator();
    const [row] = await origin.database.db.select().from(operators).where(operatorEmailIs(personalDataOf(origin), op.email));
    expect(row!.totpSecretEncrypted).not.toContain(op.secret);
    expect(row!.passwordHash).not.toContain(OP_PASSWORD);
    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(op.email);
    expect(list.stdout).not.toContain(op.secret);
    expect(list.stdout).not.toContain(row!.passwordHash);

    const c = new OperatorClient(origin.server.url);
    expect((await c.login(op.email, OP_PASSWORD, totpCode(op.secret, Date.now()))).status).toBe(200);
    const g = await grant({});
    expect((await c.request('GET', pageTypes(spaceA1), g)).status).toBe(200);
    const off = await cli('disable', op.email);
    expect(off.code).toBe(0);
    expect(off.stdout).toMatch(/ended 1 session/);
    // The cookie is no credential any more (no operator, no member session): 401.
    await expectErrorShape(await c.request('GET', pageTypes(spaceA1), g), 401, 'unauthenticated');
    expect((await c.login(op.email, OP_PASSWORD, totpCode(op.secret, Date.now() + 30_000))).status).toBe(401);
    expect((await cli('disable', op.email)).stdout).toContain('already disabled');
    expect((await cli('disable', 'nobody@support.example')).code).toBe(2);
  });

  it('refuses bad usage and duplicate or malformed operators (exit 2, nothing written)', async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli('add', 'x@support.example')).code).toBe(2); // no --name
    expect((await cli('bogus')).code).toBe(2);
    expect((await cli('add', 'not-an-email', '--name', 'X')).code).toBe(2);
    // Without MASTER_KEYS the origin could never decrypt the TOTP secret: refused.
    const io = captureIo();
    const { MASTER_KEYS: _keys, ...noKeys } = origin.config;
    expect(await runOperators(['add', 'nokeys@support.example', '--name', 'X'], io, async () => ({ db: origin.database.db, close: async () => {} }), { config: noKeys, readPassword: async () => OP_PASSWORD })).toBe(2);
    expect(io.stderr).toContain('MASTER_KEYS');
    const op = await newOperator();
    const dup = await cli('add', op.email.toUpperCase(), '--name', 'Again');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('exists');
  });

  it('sign-in needs the password AND a current TOTP code, and a code works once', async () => {
    const op = await newOperator();
    const c = new OperatorClient(origin.server.url);
    await expectErrorShape(await c.login(op.email, OP_PASSWORD, undefined), 400, 'bad_request');
    await expectErrorShape(await c.login(op.email, OP_PASSWORD, '000000'), 401, 'invalid_credentials');
    await expectErrorShape(await c.login(op.email, 'wrong-password-123', totpCode(op.secret, Date.now())), 401, 'invalid_credentials');
    const code = totpCode(op.secret, Date.now());
    expect((await c.login(op.email, OP_PASSWORD, code)).status).toBe(200);
    // Replayed: the same code is refused (its step is spent).
    await expectErrorShape(await new OperatorClient(origin.server.url).login(op.email, OP_PASSWORD, code), 401, 'invalid_credentials');
    // The operator cookie is not a member session, and a member session is not an operator's.
    await expectErrorShape(await fetch(`${origin.server.url}/v1/orgs/${orgA}/members`, { headers: { cookie: c.cookie!.replace('__Host-ghee_operator', '__Host-ghee_session') } }), 401, 'unauthenticated');
    await expectErrorShape(await fetch(`${origin.server.url}/v1/operator/logout`, { method: 'POST', headers: { cookie: owner.cookie!, 'x-csrf-token': owner.csrf! } }), 401, 'unauthenticated');
    // Logout ends the session.
    expect((await c.request('POST', '/v1/operator/logout', null)).status).toBe(204);
    await expectErrorShape(await c.request('GET', pageTypes(spaceA1), await grant({})), 401, 'unauthenticated');
  });
});

describe('operator sign-in failures', () => {
  it('are audited with their reason and feed the sign-in rules (5 bad codes → two_factor_failures for the operator)', async () => {
    const op = await newOperator();
    const [row] = await origin.database.db.select({ id: operators.id }).from(operators).where(operatorEmailIs(personalDataOf(origin), op.email));
    for (let i = 0; i < 5; i++) await expectErrorShape(await new OperatorClient(origin.server.url).login(op.email, OP_PASSWORD, '000000'), 401, 'invalid_credentials');
    const rows = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'operator.login'), eq(auditEvents.targetId, row!.id)));
    expect(rows.map((r) => [r.result, (r.metadata as { reason?: string }).reason])).toEqual(Array(5).fill(['failure', 'bad_otp']));
    let raised = false;
    for (let i = 0; i < 50 && !raised; i++) {
      raised = (await origin.database.db.select().from(securityEvents).where(eq(securityEvents.rule, 'two_factor_failures'))).some((e) => e.subjectId === row!.id);
      if (!raised) await new Promise((r) => setTimeout(r, 100));
    }
    expect(raised).toBe(true);
    // Ten failures in the window: even the right password and code are not checked (429, Retry-After).
    for (let i = 0; i < 5; i++) await expectErrorShape(await new OperatorClient(origin.server.url).login(op.email, 'wrong-password-123', totpCode(op.secret, Date.now())), 401, 'invalid_credentials');
    const locked = await new OperatorClient(origin.server.url).login(op.email, OP_PASSWORD, totpCode(op.secret, Date.now()));
    await expectErrorShape(locked, 429, 'rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('support grants', () => {
  it('owners and admins create them within limits; owners are mailed; bad input is a 400', async () => {
    const admin = await createUser(origin, orgA, 'admin');
    const ac = new SessionClient(origin.server.url);
    await ac.login(admin.email, admin.password);
    const before = mail.messages.filter((m) => m.to === ownerEmail && m.subject === 'Support access granted').length;
    const id = await grant({ scope: 'read_write', space_ids: [spaceA1, spaceA2] }, ac);
    const notice = await mail.waitFor(ownerEmail, 1);
    expect(mail.messages.filter((m) => m.to === ownerEmail && m.subject === 'Support access granted').length).toBe(before + 1);
    expect(notice.text).toContain('read_write');
    const list = (await (await owner.request('GET', `/v1/orgs/${orgA}/support-grants`)).json()) as { data: { id: string; state: string }[] };
    expect(list.data.find((g) => g.id === id)?.state).toBe('active');
    const bad: Record<string, unknown>[] = [
      { expires_in_hours: 73 },
      { expires_in_hours: 0 },
      { scope: 'everything' },
      { space_ids: [] },
      { space_ids: [orgB.spaceId] },
      { space_ids: ['not-a-uuid'] },
      { reason: '' },
      { operator_email: 'nobody@support.example' },
      { extra: true },
    ];
    for (const b of bad) {
      const res = await owner.request('POST', `/v1/orgs/${orgA}/support-grants`, { scope: 'read_only', space_ids: [spaceA1], reason: 'r', expires_in_hours: 1, ...b });
      await expectErrorShape(res, 400, 'bad_request');
    }
    // Another organization's grant cannot be revoked from here (404, as if it did not exist).
    const bGrant = await grant({ space_ids: [orgB.spaceId] }, ownerB, orgB.organizationId);
    await expectErrorShape(await owner.request('DELETE', `/v1/orgs/${orgA}/support-grants/${bGrant}`), 404, 'not_found');
    await expectErrorShape(await owner.request('DELETE', `/v1/orgs/${orgA}/support-grants/nope`), 404, 'not_found');
  });
});

describe('operator access under a grant', () => {
  it('without a grant an operator reaches nothing: 403 and a security event', async () => {
    const c = await signedInOperator();
    await expectErrorShape(await c.request('GET', pageTypes(spaceA1), null), 403, 'forbidden');
    await expectErrorShape(await c.request('GET', pageTypes(spaceA1), '00000000-0000-4000-8000-000000000000'), 403, 'forbidden');
    await expectErrorShape(await c.request('GET', pageTypes(spaceA1), 'garbage'), 403, 'forbidden');
    expect(await securityEvent('support_access_denied', null)).toBe(true);
  });

  it('read_only: reads of the granted space are allowed, each writing exactly one support.access row; owners mailed at first use only', async () => {
    const c = await signedInOperator();
    const g = await grant({});
    const before = await head(orgA);
    const used = () => mail.messages.filter((m) => m.to === ownerEmail && m.subject === 'Support access in use').length;
    const usedBefore = used();
    expect((await c.request('GET', pageTypes(spaceA1), g)).status).toBe(200);
    expect((await c.request('GET', `/v2/manage/spaces/${spaceA1}/locales`, g)).status).toBe(200);
    const rows = await rowsSince(orgA, before);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.action).toBe('support.access');
      expect(r.result).toBe('success');
      expect(r.targetId).toBe(g);
      expect(r.metadata).toMatchObject({ actor: 'support_operator', grant_id: g, method: 'GET', status: 200 });
      expect((r.metadata as { operator_id: string }).operator_id).toMatch(/^[0-9a-f-]{36}$/);
    }
    await mail.waitFor(ownerEmail, 1);
    for (let i = 0; i < 20 && used() === usedBefore; i++) await new Promise((r) => setTimeout(r, 50));
    expect(used()).toBe(usedBefore + 1);
    expect((await c.request('GET', pageTypes(spaceA1), g)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(used()).toBe(usedBefore + 1);
    expect((await verifyAuditChain(origin.database.db, { organizationId: orgA })).ok).toBe(true);
  });

  it('read_only: a write, another space, organization settings → 403, one failure row each, a security event', async () => {
    const c = await signedInOperator();
    const g = await grant({});
    const cases: [string, string, unknown, Record<string, string>][] = [
      ['POST', '/v2/pages', { page_type: '*', slug: 'op-write', title: 'T', fields: {} }, { 'x-ghee-space': spaceA1 }],
      ['GET', pageTypes(spaceA2), undefined, {}],
      ['GET', `/v1/orgs/${orgA}/members`, undefined, {}],
      ['GET', `/v1/orgs/${orgA}/api-keys`, undefined, {}],
    ];
    for (const [method, path, body, extra] of cases) {
      const before = await head(orgA);
      await expectErrorShape(await c.request(method, path, g, body, extra), 403, 'forbidden');
      const rows = await rowsSince(orgA, before);
      expect(rows, `${method} ${path}`).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'support.access', result: 'failure', targetId: g });
    }
    expect(await securityEvent('support_access_denied', orgA)).toBe(true);
    expect((await verifyAuditChain(origin.database.db, { organizationId: orgA })).ok).toBe(true);
  });

  it('read_write: writes in the granted space go through, the write\'s own row names operator and grant too', async () => {
    const c = await signedInOperator();
    const g = await grant({ scope: 'read_write' });
    const before = await head(orgA);
    const res = await c.request('POST', '/v2/pages', g, { page_type: '*', slug: `op-page-${Date.now()}`, title: 'By support', fields: { a: 'x' } }, { 'x-ghee-space': spaceA1 });
    expect(res.status, await res.clone().text()).toBe(202);
    const rows = await rowsSince(orgA, before);
    const access = rows.filter((r) => r.action === 'support.access');
    expect(access).toHaveLength(1);
    expect(access[0]!.metadata).toMatchObject({ grant_id: g, method: 'POST', status: 202 });
    const write = rows.find((r) => r.action === 'page.create');
    expect(write?.metadata).toMatchObject({ actor: 'support_operator', grant_id: g });
    // A write without the session's CSRF token is refused.
    const noCsrf = await fetch(`${origin.server.url}/v2/pages`, { method: 'POST', headers: { cookie: c.cookie!, 'x-ghee-support-grant': g, 'x-ghee-space': spaceA1, 'content-type': 'application/json' }, body: '{}' });
    await expectErrorShape(noCsrf, 403, 'csrf_failed');
    // Still nothing outside its spaces, nor organization settings.
    await expectErrorShape(await c.request('POST', `/v2/manage/spaces/${spaceA2}/locales`, g, { code: 'fr' }), 403, 'forbidden');
    await expectErrorShape(await c.request('POST', `/v1/orgs/${orgA}/api-keys`, g, { name: 'k', kind: 'admin' }), 403, 'forbidden');
    expect((await verifyAuditChain(origin.database.db, { organizationId: orgA })).ok).toBe(true);
  });

  it('expired, revoked, another organization\'s and another operator\'s grants are refused', async () => {
    const c = await signedInOperator();
    const expired = await grant({});
    await origin.database.db.update(supportGrants).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(supportGrants.id, expired));
    let before = await head(orgA);
    await expectErrorShape(await c.request('GET', pageTypes(spaceA1), expired), 403, 'forbidden');
    expect((await rowsSince(orgA, before)).map((r) => [r.result, (r.metadata as { reason?: string }).reason])).toEqual([['failure', 'expired']]);

    const revoked = await grant({});
    expect((await c.request('GET', pageTypes(spaceA1), revoked)).status).toBe(200);
    const rv = await owner.request('DELETE', `/v1/orgs/${orgA}/support-grants/${revoked}`);
    expect(rv.status).toBe(200);
    expect(((await rv.json()) as { state: string }).state).toBe('revoked');
    await expectErrorShape(await owner.request('DELETE', `/v1/orgs/${orgA}/support-grants/${revoked}`), 409, 'conflict');
    before = await head(orgA);
    await expectErrorShape(await c.request('GET', pageTypes(spaceA1), revoked), 403, 'forbidden');
    expect((await rowsSince(orgA, before)).map((r) => (r.metadata as { reason?: string }).reason)).toEqual(['revoked']);

    // Org B's grant, used on org A's space: refused, logged in B's chain (the grant's), nothing in A's.
    const bGrant = await grant({ space_ids: [orgB.spaceId] }, ownerB, orgB.organizationId);
    before = await head(orgA);
    const beforeB = await head(orgB.organizationId);
    await expectErrorShape(await c.request('GET', pageTypes(spaceA1), bGrant), 403, 'forbidden');
    expect(await rowsSince(orgA, before)).toHaveLength(0);
    expect((await rowsSince(orgB.organizationId, beforeB)).map((r) => r.result)).toEqual(['failure']);

    // A grant naming another operator.
    const other = await newOperator();
    const mine = await grant({ operator_email: other.email });
    await expectErrorShape(await c.request('GET', pageTypes(spaceA1), mine), 403, 'forbidden');
    expect((await verifyAuditChain(origin.database.db, { organizationId: orgA })).ok).toBe(true);
    expect((await verifyAuditChain(origin.database.db, { organizationId: orgB.organizationId })).ok).toBe(true);
  });

  it('the organization sees its access log (support-access), newest first', async () => {
    const c = await signedInOperator();
    const g = await grant({});
    expect((await c.request('GET', pageTypes(spaceA1), g)).status).toBe(200);
    const res = await owner.request('GET', `/v1/orgs/${orgA}/support-access?limit=5`);
    expect(res.status).toBe(200);
    const log = (await res.json()) as { data: { action: string; grant_id: string; operator_id: string; method: string; status: number }[] };
    expect(log.data.length).toBeLessThanOrEqual(5);
    expect(log.data[0]).toMatchObject({ action: 'support.access', grant_id: g, method: 'GET', status: 200 });
    await expectErrorShape(await owner.request('GET', `/v1/orgs/${orgA}/support-access?limit=0`), 400, 'bad_request');
    await expectErrorShape(await owner.request('GET', `/v1/orgs/${orgA}/support-access?limit=abc`), 400, 'bad_request');
  });
});
