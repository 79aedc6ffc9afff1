/**
 * Organizations, members, invitations, required 2FA and the audit trail, through the real
 * routes with real sessions: role changes, owner protection, tenant isolation.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, memberships, sessions } from '../../origin/db/schema/index.js';
import { MemoryTransport } from '../../origin/identity/mail.js';
import { totpCode } from '../../origin/identity/totp/totp.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, SessionClient, uniqueEmail, userIdByEmail, type TestUser } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const mail = new MemoryTransport();
let origin: OriginUnderTest;
let orgA: string;
let other: { organizationId: string; spaceId: string };
let owner: TestUser;
let ownerClient: SessionClient;

async function signedIn(u: TestUser): Promise<SessionClient> {
  const c = new SessionClient(origin.server.url);
  await c.login(u.email, u.password);
  return c;
}

function inviteToken(to: string): string {
  const text = mail.last(to)!.text;
  return /token=([A-Za-z0-9_-]+)/.exec(text)![1]!;
}

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' }, { mail });
  orgA = origin.seed.organizationId;
  other = await createOrganization(origin, 'other-tenant');
  owner = await createUser(origin, orgA, 'owner');
  ownerClient = await signedIn(owner);
});

afterAll(async () => {
  await origin?.stop();
});

describe('organization settings', () => {
  it('lets members read it, only org.manage roles change it, and hides other tenants (404)', async () => {
    const viewer = await signedIn(await createUser(origin, orgA, 'viewer'));
    expect((await viewer.request('GET', `/v1/orgs/${orgA}`)).status).toBe(200);
    await expectErrorShape(await viewer.request('PATCH', `/v1/orgs/${orgA}`, { name: 'Hacked' }), 403, 'forbidden');
    await expectErrorShape(await viewer.request('GET', `/v1/orgs/${other.organizationId}`), 404, 'not_found');
    await expectErrorShape(await ownerClient.request('GET', `/v1/orgs/${other.organizationId}`), 404, 'not_found');
    await expectErrorShape(await ownerClient.request('PATCH', `/v1/orgs/${orgA}`, { name: 'x', id: other.organizationId }), 400, 'bad_request');
    expect((await ownerClient.request('PATCH', `/v1/orgs/${orgA}`, { name: 'Renamed Org' })).status).toBe(200);
    const body = (await (await viewer.request('GET', `/v1/orgs/${orgA}`)).json()) as { data: { name: string } };
    expect(body.data.name).toBe('Renamed Org');
  });

  it('when 2FA is required, members without it must enroll before using the organization', async () => {
    const { organizationId } = await createOrganization(origin, 'strict-org');
    const boss = await createUser(origin, organizationId, 'owner');
    const member = await createUser(origin, organizationId, 'publisher');
    const bossClient = await signedIn(boss);
    // The owner enrolls first (else they would lock themselves out of the setting).
    const setup = (await (await bossClient.request('POST', '/v1/auth/2fa/setup')).json()) as { data: { secret: string } };
    const confirm = await bossClient.request('POST', '/v1/auth/2fa/confirm', { code: totpCode(setup.data.secret, Date.now()) });
    bossClient.csrf = ((await confirm.json()) as { data: { csrf_token: string } }).data.csrf_token;
    expect((await bossClient.request('PATCH', `/v1/orgs/${organizationId}`, { require_2fa: true })).status).toBe(200);
    const memberClient = await signedIn(member);
    await expectErrorShape(await memberClient.request('GET', `/v1/orgs/${organizationId}/members`), 403, 'mfa_enrollment_required');
    const s = (await (await memberClient.request('POST', '/v1/auth/2fa/setup')).json()) as { data: { secret: string } };
    const c2 = await memberClient.request('POST', '/v1/auth/2fa/confirm', { code: totpCode(s.data.secret, Date.now()) });
    memberClient.csrf = ((await c2.json()) as { data: { csrf_token: string } }).data.csrf_token;
    expect((await memberClient.request('GET', `/v1/orgs/${organizationId}/members`)).status).toBe(200);
  });
});

describe('members and roles', () => {
  it('changes a role (audited, the member\'s sessions end), but only owners touch the owner role', async () => {
    const admin = await createUser(origin, orgA, 'admin');
    const adminClient = await signedIn(admin);
    const author = await createUser(origin, orgA, 'author');
    const authorClient = await signedIn(author);

    expect((await adminClient.request('PATCH', `/v1/orgs/${orgA}/members/${author.id}`, { role: 'publisher' })).status).toBe(200);
    await expectErrorShape(await authorClient.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
    const [m] = await origin.database.db.select().from(memberships).where(and(eq(memberships.userId, author.id), eq(memberships.organizationId, orgA)));
    expect(m!.role).toBe('publisher');
    const [row] = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'member.role_change'), eq(auditEvents.targetId, author.id)));
    expect(row).toMatchObject({ actorUserId: admin.id, organizationId: orgA, result: 'success', metadata: expect.objectContaining({ from: 'author', to: 'publisher' }) });

    await expectErrorShape(await adminClient.request('PATCH', `/v1/orgs/${orgA}/members/${author.id}`, { role: 'owner' }), 403, 'forbidden');
    await expectErrorShape(await adminClient.request('PATCH', `/v1/orgs/${orgA}/members/${owner.id}`, { role: 'viewer' }), 403, 'forbidden');
    await expectErrorShape(await adminClient.request('DELETE', `/v1/orgs/${orgA}/members/${owner.id}`), 403, 'forbidden');
    // Not inside a space either (issue 11 item 10): the owner keeps every role, and stays signed in.
    await expectErrorShape(await adminClient.request('PATCH', `/v1/orgs/${orgA}/members/${owner.id}`, { role: 'viewer', space_id: origin.seed.spaceId }), 403, 'forbidden');
    expect(await origin.database.db.select().from(memberships).where(and(eq(memberships.userId, owner.id), eq(memberships.organizationId, orgA)))).toEqual([expect.objectContaining({ role: 'owner', spaceId: null })]);
    expect((await ownerClient.request('GET', '/v1/auth/session')).status).toBe(200);
    // Mass assignment: no organization or user fields in the body.
    await expectErrorShape(await adminClient.request('PATCH', `/v1/orgs/${orgA}/members/${author.id}`, { role: 'viewer', organization_id: other.organizationId }), 400, 'bad_request');
  });

  it('keeps at least one owner', async () => {
    const { organizationId } = await createOrganization(origin, 'one-owner');
    const solo = await createUser(origin, organizationId, 'owner');
    const c = await signedIn(solo);
    await expectErrorShape(await c.request('PATCH', `/v1/orgs/${organizationId}/members/${solo.id}`, { role: 'admin' }), 409, 'conflict');
    const [m] = await origin.database.db.select().from(memberships).where(eq(memberships.userId, solo.id));
    expect(m!.role).toBe('owner');
  });

  it('gives a space-only override for one space without widening the organization role', async () => {
    const viewer = await createUser(origin, orgA, 'viewer');
    expect((await ownerClient.request('PATCH', `/v1/orgs/${orgA}/members/${viewer.id}`, { role: 'publisher', space_id: origin.seed.spaceId })).status).toBe(200);
    const rows = await origin.database.db.select().from(memberships).where(eq(memberships.userId, viewer.id));
    expect(rows.map((r) => [r.role, r.spaceId]).sort()).toEqual([
      ['publisher', origin.seed.spaceId],
      ['viewer', null],
    ]);
    await expectErrorShape(await ownerClient.request('PATCH', `/v1/orgs/${orgA}/members/${viewer.id}`, { role: 'publisher', space_id: other.spaceId }), 404, 'not_found');
  });

  it('cannot touch members of another organization', async () => {
    const stranger = await createUser(origin, other.organizationId, 'viewer');
    await expectErrorShape(await ownerClient.request('PATCH', `/v1/orgs/${orgA}/members/${stranger.id}`, { role: 'admin' }), 404, 'not_found');
    await expectErrorShape(await ownerClient.request('DELETE', `/v1/orgs/${orgA}/members/${stranger.id}`), 404, 'not_found');
    await expectErrorShape(await ownerClient.request('PATCH', `/v1/orgs/${other.organizationId}/members/${stranger.id}`, { role: 'admin' }), 404, 'not_found');
  });
});

describe('invitations', () => {
  it('invites by email with a role; the invitee creates an account (verified by the mail) and joins with that role', async () => {
    const email = uniqueEmail('invitee');
    const res = await ownerClient.request('POST', `/v1/orgs/${orgA}/invitations`, { email, role: 'author' });
    expect(res.status).toBe(201);
    const token = inviteToken(email);
    await expectErrorShape(await fetch(`${origin.server.url}/v1/invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) }), 400, 'bad_request');
    const accept = await fetch(`${origin.server.url}/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: 'New Author', password: 'Fresh-Meadow-Words-29!' }),
    });
    expect(accept.status).toBe(201);
    const uid = (await userIdByEmail(origin, email))!;
    const [m] = await origin.database.db.select().from(memberships).where(eq(memberships.userId, uid));
    expect(m!.role).toBe('author');
    const c = new SessionClient(origin.server.url);
    await c.login(email, 'Fresh-Meadow-Words-29!');
    // Single use.
    const again = await fetch(`${origin.server.url}/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: 'Again', password: 'Fresh-Meadow-Words-29!' }),
    });
    await expectErrorShape(again, 400, 'bad_request');
  });

  it('an existing user must be signed in as the invited address', async () => {
    const existing = await createUser(origin, other.organizationId, 'viewer');
    await ownerClient.request('POST', `/v1/orgs/${orgA}/invitations`, { email: existing.email, role: 'viewer' });
    const token = inviteToken(existing.email);
    const anonymous = await fetch(`${origin.server.url}/v1/invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    await expectErrorShape(anonymous, 401, 'unauthenticated');
    const wrongUser = await signedIn(await createUser(origin, orgA, 'viewer'));
    await expectErrorShape(await wrongUser.request('POST', '/v1/invitations/accept', { token }), 403, 'forbidden');
    const right = await signedIn(existing);
    expect((await right.request('POST', '/v1/invitations/accept', { token })).status).toBe(201);
    const rows = await origin.database.db.select().from(memberships).where(eq(memberships.userId, existing.id));
    expect(rows.map((r) => r.organizationId).sort()).toEqual([orgA, other.organizationId].sort());
  });

  it('refuses invitations beyond the inviter: admins cannot invite owners, authors cannot invite at all', async () => {
    const admin = await signedIn(await createUser(origin, orgA, 'admin'));
    await expectErrorShape(await admin.request('POST', `/v1/orgs/${orgA}/invitations`, { email: uniqueEmail(), role: 'owner' }), 403, 'forbidden');
    const author = await signedIn(await createUser(origin, orgA, 'author'));
    await expectErrorShape(await author.request('POST', `/v1/orgs/${orgA}/invitations`, { email: uniqueEmail(), role: 'viewer' }), 403, 'forbidden');
    await expectErrorShape(await admin.request('POST', `/v1/orgs/${other.organizationId}/invitations`, { email: uniqueEmail(), role: 'viewer' }), 404, 'not_found');
  });

  it('revoked and expired invitations cannot be accepted', async () => {
    const email = uniqueEmail('revoked');
    const created = (await (await ownerClient.request('POST', `/v1/orgs/${orgA}/invitations`, { email, role: 'viewer' })).json()) as { data: { id: string } };
    const token = inviteToken(email);
    expect((await ownerClient.request('DELETE', `/v1/orgs/${orgA}/invitations/${created.data.id}`)).status).toBe(204);
    const res = await fetch(`${origin.server.url}/v1/invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name: 'N', password: 'Fresh-Meadow-Words-29!' }) });
    await expectErrorShape(res, 400, 'bad_request');
    expect(await userIdByEmail(origin, email)).toBeNull();
  });
});

describe('audit trail', () => {
  it('is readable by owners and admins of the organization only, newest first, with actor, IP and user agent', async () => {
    const res = await ownerClient.request('GET', `/v1/orgs/${orgA}/audit-events?limit=5`, undefined, { 'user-agent': 'audit-test' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { action: string; created_at: string; ip: string | null }[] };
    expect(body.data.length).toBeGreaterThan(0);
    expect(body.data.length).toBeLessThanOrEqual(5);
    const times = body.data.map((e) => Date.parse(e.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const publisher = await signedIn(await createUser(origin, orgA, 'publisher'));
    await expectErrorShape(await publisher.request('GET', `/v1/orgs/${orgA}/audit-events`), 403, 'forbidden');
    await expectErrorShape(await ownerClient.request('GET', `/v1/orgs/${other.organizationId}/audit-events`), 404, 'not_found');
    await expectErrorShape(await ownerClient.request('GET', `/v1/orgs/${orgA}/audit-events?before=yesterday`), 400, 'bad_request');
    const live = await origin.database.db.select().from(sessions).where(eq(sessions.userId, owner.id));
    expect(live.length).toBeGreaterThan(0);
  });
});
