/**
 * SCIM 2.0 provisioning over real HTTP against a real origin on Postgres, with the Node edge in
 * front and the purge worker delivering to it (kicked by the commit step, as in production):
 *  - token management (owners/admins, recent sign-in, shown once, rotation, disabling);
 *  - a request sequence in Okta's shape and one in Microsoft Entra ID's shape (bodies as their
 *    public SCIM documentation shows them, Entra's deviations included);
 *  - refusals in SCIM's error shape: no/wrong/another organization's/disabled token, a session
 *    cookie, an email outside the verified domains (with its failure row), an oversized body, a
 *    bad filter, a bad PATCH;
 *  - deprovisioning: the user's session cookie and API keys answer 401 within 1 s at the origin
 *    and at the edge (after the key:<id> purge the commit step queued);
 *  - one audit row per SCIM write, naming the token, in an intact chain.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOf, verifyAuditChain } from '../../origin/audit/audit.js';
import { auditEvents, memberships, sessions, ssoConnections, ssoDomains, users } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { createSession, SESSION_COOKIE } from '../../origin/identity/sessions/sessions.js';
import { createLogger } from '../../origin/logger.js';
import { onWritesCommitted, PurgeWorker } from '../../origin/outbox/index.js';
import { EdgePurger } from '../../origin/outbox/purgers.js';
import type { RunningEdge } from '../../edge/node/server.js';
import { createOrganization, createUser, SessionClient, userWithEmail, personalDataOf } from '../helpers/identity.js';
import { startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const DOMAIN = 'scim-corp.example';

let origin: OriginUnderTest;
let edge: RunningEdge;
let worker: PurgeWorker;
let org: string;
let other: { organizationId: string; spaceId: string };
let owner: SessionClient;
let viewer: SessionClient;
let otherOwner: SessionClient;
let token: string;
let otherToken: string;

type Json = Record<string, unknown> & { id: string };

function scim(tok: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const h: Record<string, string> = { ...headers };
  if (tok) h.authorization = `Bearer ${tok}`;
  if (body !== undefined && !h['content-type']) h['content-type'] = 'application/scim+json';
  return fetch(`${origin.server.url}/scim/v2${path}`, { method, headers: h, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
}

async function ok(res: Response, status = 200): Promise<Json> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  return JSON.parse(text) as Json;
}

async function expectScimError(res: Response, status: number, scimType?: string): Promise<Record<string, unknown>> {
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body).toMatchObject({ schemas: [ERROR], status: String(status), detail: expect.any(String) });
  if (scimType) expect(body.scimType).toBe(scimType);
  return body;
}

async function newToken(client: SessionClient, organizationId: string): Promise<string> {
  const res = await client.request('POST', `/v1/orgs/${organizationId}/scim/token`);
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { data: { token: string } }).data.token;
}

async function orgRowsSince(seq: number) {
  return origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.chain, chainOf(org)), gt(auditEvents.seq, seq))).orderBy(asc(auditEvents.seq));
}
async function headSeq(): Promise<number> {
  const rows = await origin.database.db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.chain, chainOf(org)));
  return Math.max(0, ...rows.map((r) => r.seq ?? 0));
}

async function roleOf(email: string): Promise<string | null> {
  const [row] = await origin.database.db
    .select({ role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(userWithEmail(origin, email), eq(memberships.organizationId, org)));
  return row?.role ?? null;
}

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
  edge = await startTestEdge(origin);
  worker = new PurgeWorker({ db: origin.database.db, purger: new EdgePurger({ edgeUrl: edge.url, secret: origin.secret, timeoutMs: 2_000 }), logger: createLogger('silent') });
  worker.start(60_000);
  onWritesCommitted(origin.database.db, () => worker.kick());
  org = origin.seed.organizationId;
  other = await createOrganization(origin, 'scim-other');
  const db = origin.database.db;
  await db.insert(ssoDomains).values({ organizationId: org, domain: DOMAIN, verificationToken: 't', verifiedAt: new Date() });
  // Claimed but never verified: must not let SCIM create its accounts.
  await db.insert(ssoDomains).values({ organizationId: org, domain: 'unverified-corp.example', verificationToken: 't2' });
  await db.insert(ssoDomains).values({ organizationId: other.organizationId, domain: 'other-corp.example', verificationToken: 't3', verifiedAt: new Date() });
  // The role rules SCIM groups map through: the first enabled connection's.
  await db.insert(ssoConnections).values({ organizationId: org, protocol: 'oidc', name: 'IdP', defaultRole: 'author', mappingRules: [{ claim: 'groups', value: 'ghee-admins', role: 'admin' }], mappingMode: 'every_login' });
  const clients: SessionClient[] = [];
  for (const [o, role] of [[org, 'owner'], [org, 'viewer'], [other.organizationId, 'owner']] as const) {
    const u = await createUser(origin, o, role);
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    clients.push(c);
  }
  [owner, viewer, otherOwner] = clients as [SessionClient, SessionClient, SessionClient];
  token = await newToken(owner, org);
  otherToken = await newToken(otherOwner, other.organizationId);
});

afterAll(async () => {
  await worker?.stop();
  await edge?.close();
  await origin?.stop();
});

describe('SCIM token management', () => {
  it('is for owners and admins with a recent sign-in; shown once; rotation and disabling take effect at once', async () => {
    expect((await viewer.request('POST', `/v1/orgs/${org}/scim/token`)).status).toBe(403);
    expect((await owner.request('POST', `/v1/orgs/${other.organizationId}/scim/token`)).status).toBe(404);
    const adminKey = await issueApiKey(origin.database.db, { organizationId: org, spaceId: null, kind: 'admin', name: 'admin' });
    expect((await fetch(`${origin.server.url}/v1/orgs/${org}/scim/token`, { method: 'POST', headers: { authorization: `Token ${adminKey.token}` } })).status).toBe(403);

    const view = await owner.request('GET', `/v1/orgs/${org}/scim/token`);
    const data = ((await view.json()) as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({ enabled: true, last_four: token.slice(-4), base_url: expect.stringMatching(/\/scim\/v2$/) });
    expect(JSON.stringify(data)).not.toContain(token);

    const rotated = await newToken(owner, org);
    await expectScimError(await scim(token, 'GET', '/Users'), 401);
    await ok(await scim(rotated, 'GET', '/Users'));
    expect((await owner.request('DELETE', `/v1/orgs/${org}/scim/token`)).status).toBe(204);
    await expectScimError(await scim(rotated, 'GET', '/Users'), 401);
    expect((await owner.request('DELETE', `/v1/orgs/${org}/scim/token`)).status).toBe(404);
    token = await newToken(owner, org);

    // A stale sign-in cannot mint a token (a stolen cookie alone must not).
    const u = await createUser(origin, org, 'admin');
    const stale = new SessionClient(origin.server.url);
    await stale.login(u.email, u.password);
    await origin.database.db.update(sessions).set({ reauthenticatedAt: new Date(Date.now() - 86_400_000) }).where(eq(sessions.userId, u.id));
    const refused = await stale.request('POST', `/v1/orgs/${org}/scim/token`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('reauthentication_required');
  });
});

describe("Okta's request sequence", () => {
  it('looks up, creates, reads, replaces, pushes a group (role mapped), deactivates — one audit row per write', async () => {
    const before = await headSeq();
    const email = `test.user@${DOMAIN}`;
    const lookup = await ok(await scim(token, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}&startIndex=1&count=100`));
    expect(lookup).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, Resources: [] });

    const created = await ok(
      await scim(token, 'POST', '/Users', {
        schemas: [USER],
        userName: email,
        name: { givenName: 'Test', familyName: 'User' },
        emails: [{ primary: true, value: email, type: 'work' }],
        displayName: 'Test User',
        locale: 'en-US',
        externalId: '00ujl29u0le5T6Aj10h7',
        groups: [],
        password: '1mz050nq',
        active: true,
      }),
      201,
    );
    expect(created).toMatchObject({ schemas: [USER], userName: email, externalId: '00ujl29u0le5T6Aj10h7', active: true, locale: 'en-US', name: { givenName: 'Test' }, meta: { resourceType: 'User' } });
    expect(created).not.toHaveProperty('password');
    expect(await roleOf(email)).toBe('author'); // the connection's default role
    const id = created.id;

    // The same user again: 409 uniqueness (Okta then looks it up instead).
    await expectScimError(await scim(token, 'POST', '/Users', { schemas: [USER], userName: email.toUpperCase(), emails: [{ value: email }] }), 409, 'uniqueness');
    // userName compares without case.
    const found = await ok(await scim(token, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "TEST.USER@${DOMAIN.toUpperCase()}"`)}`));
    expect(found).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    await ok(await scim(token, 'GET', `/Users/${id}`));

    const replaced = await ok(
      await scim(token, 'PUT', `/Users/${id}`, {
        schemas: [USER],
        id,
        userName: email,
        name: { givenName: 'Another', familyName: 'User' },
        emails: [{ primary: true, value: email, type: 'work' }],
        displayName: 'Another User',
        externalId: '00ujl29u0le5T6Aj10h7',
        active: true,
      }),
    );
    expect(replaced).toMatchObject({ name: { givenName: 'Another' }, displayName: 'Another User' });
    expect(replaced).not.toHaveProperty('locale'); // PUT replaces

    // Group push: create, rename (path-less replace), add the user (role mapped: admin), remove.
    const group = await ok(await scim(token, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Test SCIMv2', members: [] }), 201);
    await ok(await scim(token, 'PATCH', `/Groups/${group.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { id: group.id, displayName: 'ghee-admins' } }] }));
    const withMember = await ok(await scim(token, 'PATCH', `/Groups/${group.id}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: id, display: email }] }] }));
    expect(withMember).toMatchObject({ displayName: 'ghee-admins', members: [{ value: id }] });
    expect(await roleOf(email)).toBe('admin');
    expect(await ok(await scim(token, 'GET', `/Users/${id}`))).toMatchObject({ groups: [{ value: group.id, display: 'ghee-admins' }] });
    await ok(await scim(token, 'PATCH', `/Groups/${group.id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] }));
    expect(await roleOf(email)).toBe('author');
    expect((await scim(token, 'DELETE', `/Groups/${group.id}`)).status).toBe(204);
    await expectScimError(await scim(token, 'GET', `/Groups/${group.id}`), 404);

    const deactivated = await ok(await scim(token, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] }));
    expect(deactivated.active).toBe(false);
    expect(await roleOf(email)).toBeNull();
    // Reactivation gives the membership back.
    await ok(await scim(token, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] }));
    expect(await roleOf(email)).toBe('author');

    const rows = await orgRowsSince(before);
    expect(rows.map((r) => r.action)).toEqual([
      'scim.user_create',
      'scim.user_update',
      'scim.group_create',
      'scim.group_update',
      'scim.group_update',
      'scim.group_update',
      'scim.group_delete',
      'scim.user_deactivate',
      'scim.user_update',
    ]);
    const tokenId = ((await (await owner.request('GET', `/v1/orgs/${org}/scim/token`)).json()) as { data: { token_id: string } }).data.token_id;
    for (const r of rows) {
      expect(r).toMatchObject({ result: 'success', organizationId: org, actorUserId: null, actorKeyId: null });
      expect(r.metadata).toMatchObject({ scim_token_id: tokenId });
      expect(JSON.stringify(r.metadata)).not.toContain(token);
    }
    expect(await verifyAuditChain(origin.database.db, { organizationId: org })).toMatchObject({ ok: true });
  });
});

describe("Microsoft Entra ID's request sequence", () => {
  it('creates with the enterprise extension, patches with capitalised ops, filtered paths and "False", groups by value lists', async () => {
    const upn = `Test_User_ab6490ee@${DOMAIN}`;
    const created = await ok(
      await scim(token, 'POST', '/Users', {
        schemas: [USER, ENTERPRISE],
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
        userName: upn,
        active: true,
        emails: [{ primary: true, type: 'work', value: `test_user_fd0ea19b@${DOMAIN}` }],
        meta: { resourceType: 'User' },
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
        roles: [],
        [ENTERPRISE]: { department: 'Human Resources US', employeeNumber: '100009' },
      }),
      201,
    );
    expect(created.schemas).toEqual([USER, ENTERPRISE]);
    const id = created.id;
    expect(await ok(await scim(token, 'GET', `/Users?filter=${encodeURIComponent('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`))).toMatchObject({ totalResults: 1 });
    expect(await ok(await scim(token, 'GET', `/Users?filter=${encodeURIComponent(`emails[type eq "work"].value eq "test_user_fd0ea19b@${DOMAIN}"`)}`))).toMatchObject({ totalResults: 1 });

    const patched = await ok(
      await scim(token, 'PATCH', `/Users/${id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'Replace', path: 'emails[type eq "work"].value', value: `updated.email@${DOMAIN}` },
          { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
          { op: 'Add', path: `${ENTERPRISE}:employeeNumber`, value: '100010' },
        ],
      }),
    );
    expect(patched).toMatchObject({ emails: [{ value: `updated.email@${DOMAIN}` }], name: { familyName: 'updatedFamilyName' }, [ENTERPRISE]: { employeeNumber: '100010' } });
    expect(await roleOf(`updated.email@${DOMAIN}`)).toBe('author');
    // The ghee account follows the IdP's email — only within the verified domains (evidence row otherwise).
    await expectScimError(await scim(token, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'x@elsewhere.example' }] }), 400, 'invalidValue');

    const group = await ok(
      await scim(token, 'POST', '/Groups', { schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group'], externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'Entra Group', meta: { resourceType: 'Group' } }),
      201,
    );
    await ok(await scim(token, 'PATCH', `/Groups/${group.id}`, { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: id }] }] }));
    const listed = await ok(await scim(token, 'GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Entra Group"')}`));
    expect(listed).toMatchObject({ totalResults: 1, Resources: [{ id: group.id, displayName: 'Entra Group' }] });
    expect((listed.Resources as Json[])[0]).not.toHaveProperty('members');
    expect(await ok(await scim(token, 'GET', `/Groups/${group.id}`))).toMatchObject({ members: [{ value: id }] });
    const removed = await ok(await scim(token, 'PATCH', `/Groups/${group.id}`, { schemas: [PATCH], Operations: [{ op: 'Remove', path: 'members', value: [{ value: id }] }] }));
    expect(removed.members).toEqual([]);

    // Entra's non-compliant boolean.
    const disabled = await ok(await scim(token, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }));
    expect(disabled.active).toBe(false);
    expect(await roleOf(`updated.email@${DOMAIN}`)).toBeNull();
    expect((await scim(token, 'DELETE', `/Users/${id}`)).status).toBe(204);
    await expectScimError(await scim(token, 'GET', `/Users/${id}`), 404);
  });

  it('serves the discovery documents', async () => {
    expect(await ok(await scim(token, 'GET', '/ServiceProviderConfig'))).toMatchObject({ patch: { supported: true }, filter: { supported: true, maxResults: 200 }, bulk: { supported: false } });
    expect(await ok(await scim(token, 'GET', '/ResourceTypes'))).toMatchObject({ totalResults: 2, Resources: [{ id: 'User' }, { id: 'Group' }] });
    expect(await ok(await scim(token, 'GET', '/Schemas'))).toMatchObject({ totalResults: 2 });
    expect(await ok(await scim(token, 'GET', `/Schemas/${USER}`))).toMatchObject({ id: USER });
  });
});

describe('refusals, in SCIM error shape', () => {
  const body = (email: string) => ({ schemas: [USER], userName: email, emails: [{ primary: true, value: email }] });

  it('401 without a token, with a wrong one, a session cookie, an API key, or a disabled SCIM', async () => {
    await expectScimError(await scim(null, 'GET', '/Users'), 401);
    await expectScimError(await scim(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 'GET', '/Users'), 401);
    await expectScimError(await scim('ghee_scim_short', 'GET', '/Users'), 401);
    await expectScimError(await scim(origin.seed.keys.admin, 'GET', '/Users'), 401);
    await expectScimError(await scim(null, 'GET', '/Users', undefined, { cookie: owner.cookie! }), 401);
    const res = await scim(null, 'GET', '/Users/00000000-0000-4000-8000-000000000000', undefined, { authorization: `Token ${token}` });
    await expectScimError(res, 401);
    expect((await scim(null, 'GET', '/Users')).headers.get('www-authenticate')).toMatch(/^Bearer/);
    // Disabled for the other organization: its token stops working, this one does not.
    expect((await otherOwner.request('DELETE', `/v1/orgs/${other.organizationId}/scim/token`)).status).toBe(204);
    await expectScimError(await scim(otherToken, 'GET', '/Users'), 401);
    await expectScimError(await scim(otherToken, 'POST', '/Users', body(`someone@other-corp.example`)), 401);
    await ok(await scim(token, 'GET', '/Users'));
    otherToken = await newToken(otherOwner, other.organizationId);
  });

  it("another organization's token sees and changes none of this organization's users or groups", async () => {
    const mine = await ok(await scim(token, 'POST', '/Users', body(`tenant.check@${DOMAIN}`)), 201);
    const list = await ok(await scim(otherToken, 'GET', '/Users'));
    expect(list.totalResults).toBe(0);
    await expectScimError(await scim(otherToken, 'GET', `/Users/${mine.id}`), 404);
    await expectScimError(await scim(otherToken, 'PATCH', `/Users/${mine.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] }), 404);
    await expectScimError(await scim(otherToken, 'DELETE', `/Users/${mine.id}`), 404);
    // Nor can it create this organization's domain's accounts, nor put them in its groups.
    await expectScimError(await scim(otherToken, 'POST', '/Users', body(`tenant.check2@${DOMAIN}`)), 400, 'invalidValue');
    await expectScimError(await scim(otherToken, 'POST', '/Groups', { schemas: [GROUP], displayName: 'steal', members: [{ value: mine.id }] }), 400, 'invalidValue');
    expect(await ok(await scim(token, 'GET', `/Users/${mine.id}`))).toMatchObject({ active: true });
  });

  it('400 for an email outside the verified domains (unverified, another organization\'s, unknown), with one failure row', async () => {
    for (const email of ['a@unverified-corp.example', 'b@other-corp.example', 'c@gmail.example']) {
      const before = await headSeq();
      await expectScimError(await scim(token, 'POST', '/Users', body(email)), 400, 'invalidValue');
      const rows = await orgRowsSince(before);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'scim.user_create', result: 'failure', metadata: expect.objectContaining({ reason: 'domain_not_verified' }) });
    }
    const [none] = await origin.database.db.select({ id: users.id }).from(users).where(userWithEmail(origin, 'c@gmail.example'));
    expect(none).toBeUndefined();
  });

  it('413 for an oversized body, 400 invalidFilter, 400 for bad bodies and PATCHes, 415 for another media type, 404 for unknown ids', async () => {
    const huge = { ...body(`big@${DOMAIN}`), padding: 'x'.repeat(70 * 1024) };
    await expectScimError(await scim(token, 'POST', '/Users', huge), 413);
    for (const filter of ['userName eqq "x"', 'userName eq', '(((', 'x'.repeat(1001)]) {
      await expectScimError(await scim(token, 'GET', `/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
    }
    await expectScimError(await scim(token, 'GET', `/Groups?filter=${encodeURIComponent('displayName zz "x"')}`), 400, 'invalidFilter');
    await expectScimError(await scim(token, 'POST', '/Users', '{"userName":'), 400, 'invalidSyntax');
    await expectScimError(await scim(token, 'POST', '/Users', { schemas: [USER] }), 400, 'invalidValue');
    await expectScimError(await scim(token, 'POST', '/Users', { schemas: [USER], userName: 'no-email-here' }), 400, 'invalidValue');
    await expectScimError(await scim(token, 'POST', '/Users', JSON.stringify(body(`t@${DOMAIN}`)), { 'content-type': 'text/plain' }), 415);
    const u = await ok(await scim(token, 'POST', '/Users', body(`patchme@${DOMAIN}`)), 201);
    await expectScimError(await scim(token, 'PATCH', `/Users/${u.id}`, { Operations: [] }), 400, 'invalidSyntax');
    await expectScimError(await scim(token, 'PATCH', `/Users/${u.id}`, { schemas: [PATCH], Operations: [{ op: 'explode', path: 'active', value: true }] }), 400);
    await expectScimError(await scim(token, 'PATCH', `/Users/${u.id}`, { schemas: [PATCH], Operations: [{ op: 'add', path: '__proto__.polluted', value: 'yes' }] }), 400, 'invalidPath');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectScimError(await scim(token, 'GET', '/Users/not-a-uuid'), 404);
    await expectScimError(await scim(token, 'GET', '/Users/00000000-0000-4000-8000-000000000000'), 404);
    await expectScimError(await scim(token, 'GET', '/Nope'), 404);
  });

  it('never removes an owner (refused with a failure row)', async () => {
    const ownerUser = await createUser(origin, org, 'owner', { email: `boss@${DOMAIN}` });
    const linked = await ok(await scim(token, 'POST', '/Users', body(ownerUser.email)), 201);
    const before = await headSeq();
    await expectScimError(await scim(token, 'DELETE', `/Users/${linked.id}`), 403);
    expect(await orgRowsSince(before)).toMatchObject([{ action: 'scim.user_delete', result: 'failure', metadata: expect.objectContaining({ reason: 'owner' }) }]);
    expect(await roleOf(ownerUser.email)).toBe('owner');
  });
});

describe('deprovisioning', () => {
  it("ends the user's sessions and revokes their keys within 1 s, at the origin and at the edge", async () => {
    const email = `leaver@${DOMAIN}`;
    const created = await ok(await scim(token, 'POST', '/Users', { schemas: [USER], userName: email, emails: [{ primary: true, value: email }] }), 201);
    const [user] = await origin.database.db.select({ id: users.id }).from(users).where(userWithEmail(origin, email));
    const session = await createSession(origin.database.db, { userId: user!.id, ip: null, userAgent: null, now: new Date(), policy: { idleMs: 3_600_000, absoluteMs: 86_400_000 }, personalData: personalDataOf(origin) });
    const cookie = `${SESSION_COOKIE}=${session.token}`;
    const key = await issueApiKey(origin.database.db, { organizationId: org, spaceId: origin.seed.spaceId, kind: 'read', name: 'leaver', createdBy: user!.id });
    const someoneElses = await issueApiKey(origin.database.db, { organizationId: org, spaceId: origin.seed.spaceId, kind: 'read', name: 'stays' });
    const who = () => fetch(`${origin.server.url}/v1/auth/session`, { headers: { cookie } });
    const read = (base: string, k = key.token) => fetch(`${base}/v2/pages/*/home/?auth_token=${k}`);
    expect((await who()).status).toBe(200);
    expect((await read(origin.server.url)).status).toBe(200);
    expect((await read(edge.url)).status).toBe(200);
    expect((await read(edge.url)).headers.get('x-cache')).toBe('HIT'); // the edge holds the key's record

    const before = await headSeq();
    const started = Date.now();
    await ok(await scim(token, 'PATCH', `/Users/${created.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }));
    expect((await who()).status).toBe(401);
    expect((await read(origin.server.url)).status).toBe(401);
    await expect.poll(async () => (await read(edge.url)).status, { timeout: 1_000, interval: 25 }).toBe(401);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await read(edge.url, someoneElses.token)).status).toBe(200);

    const rows = await orgRowsSince(before);
    expect(rows.map((r) => r.action)).toEqual(['key.revoke', 'scim.user_deactivate']);
    expect(rows[0]).toMatchObject({ targetId: key.id, metadata: expect.objectContaining({ reason: 'scim_deprovisioned', scim_token_id: expect.any(String) }) });
    expect(rows[1]!.metadata).toMatchObject({ sessions_ended: 1, memberships_removed: 1, keys_revoked: [key.id] });
  });
});

describe('logs', () => {
  it('hold no 5xx and no SCIM token', () => {
    expect(origin.logs.lines.filter((l) => l.includes('"unhandled error"'))).toEqual([]);
    expect(origin.logs.text).not.toMatch(/ghee_scim_[A-Za-z0-9_-]{43}/);
  });
});
