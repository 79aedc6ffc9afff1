/**
 * Member management over every membership of an organization — organization-wide rows and
 * per-space rows — through the real routes with real sessions:
 *   - a member invited to one space can be demoted and removed (their sessions end, audited);
 *   - only owners change owners, in every scope: a table over every member-management
 *     operation × every actor role × every kind of target (owner or not, org-wide or space row);
 *   - the last owner is kept, also under concurrent demotions.
 */
import { sealUser } from '../../origin/identity/people.js';
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, memberships, sessions, users } from '../../origin/db/schema/index.js';
import { MemoryTransport } from '../../origin/identity/mail.js';
import { createSession } from '../../origin/identity/sessions/sessions.js';
import { ROLES, roleAllows, type Role } from '../../shared/permissions.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, SessionClient, uniqueEmail, userIdByEmail, type TestUser, personalDataOf } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const mail = new MemoryTransport();
let origin: OriginUnderTest;
let orgA: string;
let spaceS: string;

async function signedIn(u: TestUser): Promise<SessionClient> {
  const c = new SessionClient(origin.server.url);
  await c.login(u.email, u.password);
  return c;
}

type Row = { spaceId: string | null; role: Role };

async function rowsOf(userId: string, organizationId = orgA): Promise<Row[]> {
  const rows = await origin.database.db
    .select({ spaceId: memberships.spaceId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId)));
  return sorted(rows);
}

function sorted(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => String(a.spaceId).localeCompare(String(b.spaceId)));
}

async function liveSessions(userId: string): Promise<number> {
  return (await origin.database.db.select().from(sessions).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))).length;
}

async function auditOf(action: string, targetId: string) {
  return origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, targetId)));
}

/** A member with exactly `rows` in orgA and one live session (no password: never signs in). */
async function target(rows: Row[]): Promise<string> {
  const [u] = await origin.database.db
    .insert(users)
    .values({ ...sealUser(personalDataOf(origin), { email: `target-${randomUUID()}@example.test`, name: 'Target' }), emailVerifiedAt: new Date() })
    .returning({ id: users.id });
  for (const r of rows) await origin.database.db.insert(memberships).values({ userId: u!.id, organizationId: orgA, spaceId: r.spaceId, role: r.role });
  await createSession(origin.database.db, { userId: u!.id, ip: null, userAgent: 'vitest', now: new Date(), policy: { idleMs: 3_600_000, absoluteMs: 3_600_000 }, personalData: personalDataOf(origin) });
  return u!.id;
}

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' }, { mail });
  orgA = origin.seed.organizationId;
  spaceS = origin.seed.spaceId;
});

afterAll(async () => {
  await origin?.stop();
});

describe('a member invited to one space', () => {
  it('is listed, demoted and removed like any member: sessions end, each change audited', async () => {
    const owner = await signedIn(await createUser(origin, orgA, 'owner'));
    const email = uniqueEmail('space-publisher');
    expect((await owner.request('POST', `/v1/orgs/${orgA}/invitations`, { email, role: 'publisher', space_id: spaceS })).status).toBe(201);
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.last(email)!.text)![1]!;
    const accept = await fetch(`${origin.server.url}/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: 'Space Publisher', password: 'Fresh-Meadow-Words-29!' }),
    });
    expect(accept.status).toBe(201);
    const memberId = (await userIdByEmail(origin, email))!;
    const member = await signedIn({ id: memberId, email, password: 'Fresh-Meadow-Words-29!' });
    // A publisher in the space: allowed to write there (an empty body fails validation, not authorization).
    expect((await member.request('POST', '/v2/pages', {}, { 'x-ghee-space': spaceS })).status).toBe(400);

    const list = (await (await owner.request('GET', `/v1/orgs/${orgA}/members`)).json()) as { data: { user_id: string; space_id: string | null; role: string }[] };
    expect(list.data.filter((m) => m.user_id === memberId)).toEqual([expect.objectContaining({ user_id: memberId, space_id: spaceS, role: 'publisher' })]);

    // Demoted in that space: the row changes, the member's sessions end, and the next session can no longer write.
    expect((await owner.request('PATCH', `/v1/orgs/${orgA}/members/${memberId}`, { role: 'viewer', space_id: spaceS })).status).toBe(200);
    expect(await rowsOf(memberId)).toEqual([{ spaceId: spaceS, role: 'viewer' }]);
    await expectErrorShape(await member.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
    const again = await signedIn({ id: memberId, email, password: 'Fresh-Meadow-Words-29!' });
    await expectErrorShape(await again.request('POST', '/v2/pages', {}, { 'x-ghee-space': spaceS }), 403, 'forbidden');
    expect(await auditOf('member.role_change', memberId)).toEqual([
      expect.objectContaining({ result: 'success', metadata: expect.objectContaining({ from: 'publisher', to: 'viewer', space_id: spaceS, sessions_revoked: 1 }) }),
    ]);

    // Removed: no membership left, sessions end, audited; the space is gone for them.
    expect((await owner.request('DELETE', `/v1/orgs/${orgA}/members/${memberId}`)).status).toBe(204);
    expect(await rowsOf(memberId)).toEqual([]);
    await expectErrorShape(await again.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
    const removed = await auditOf('member.remove', memberId);
    expect(removed).toEqual([expect.objectContaining({ result: 'success', metadata: expect.objectContaining({ removed: [{ role: 'viewer', space_id: spaceS }], sessions_revoked: 1 }) })]);
    const last = await signedIn({ id: memberId, email, password: 'Fresh-Meadow-Words-29!' });
    await expectErrorShape(await last.request('POST', '/v2/pages', {}, { 'x-ghee-space': spaceS }), 404, 'not_found');
    await expectErrorShape(await owner.request('DELETE', `/v1/orgs/${orgA}/members/${memberId}`), 404, 'not_found');
  });

  it('removes one space row with ?space_id= and keeps the others; unknown, foreign or malformed spaces answer 404', async () => {
    const owner = await signedIn(await createUser(origin, orgA, 'owner'));
    const other = await createOrganization(origin, `members-other-${randomUUID().slice(0, 8)}`);
    const id = await target([
      { spaceId: null, role: 'author' },
      { spaceId: spaceS, role: 'publisher' },
    ]);
    for (const q of [`?space_id=${other.spaceId}`, `?space_id=${randomUUID()}`, '?space_id=not-a-uuid']) {
      await expectErrorShape(await owner.request('DELETE', `/v1/orgs/${orgA}/members/${id}${q}`), 404, 'not_found');
    }
    expect((await owner.request('DELETE', `/v1/orgs/${orgA}/members/${id}?space_id=${spaceS}`)).status).toBe(204);
    expect(await rowsOf(id)).toEqual([{ spaceId: null, role: 'author' }]);
    expect(await liveSessions(id)).toBe(0);
    await expectErrorShape(await owner.request('DELETE', `/v1/orgs/${orgA}/members/${id}?space_id=${spaceS}`), 404, 'not_found');
    // A member of another organization only, or nobody at all: 404 in every operation.
    const stranger = await createUser(origin, other.organizationId, 'viewer', { spaceId: other.spaceId });
    for (const uid of [stranger.id, randomUUID(), 'nope']) {
      await expectErrorShape(await owner.request('PATCH', `/v1/orgs/${orgA}/members/${uid}`, { role: 'viewer' }), 404, 'not_found');
      await expectErrorShape(await owner.request('PATCH', `/v1/orgs/${orgA}/members/${uid}`, { role: 'viewer', space_id: spaceS }), 404, 'not_found');
      await expectErrorShape(await owner.request('DELETE', `/v1/orgs/${orgA}/members/${uid}`), 404, 'not_found');
    }
    expect(await rowsOf(stranger.id, other.organizationId)).toEqual([{ spaceId: other.spaceId, role: 'viewer' }]);
  });
});

describe('only owners change owners, in every scope', () => {
  const TARGETS: Record<string, Row[]> = {
    'org-wide owner': [{ spaceId: null, role: 'owner' }],
    'owner in a space (org-wide viewer)': [
      { spaceId: null, role: 'viewer' },
      { spaceId: 'S', role: 'owner' },
    ],
    'space-only owner': [{ spaceId: 'S', role: 'owner' }],
    'org-wide author': [{ spaceId: null, role: 'author' }],
    'org-wide author, publisher in a space': [
      { spaceId: null, role: 'author' },
      { spaceId: 'S', role: 'publisher' },
    ],
    'space-only publisher': [{ spaceId: 'S', role: 'publisher' }],
  };

  interface Op {
    method: 'PATCH' | 'DELETE';
    space: boolean;
    role?: Role;
  }
  const OPS: Record<string, Op> = {
    'set org-wide role viewer': { method: 'PATCH', space: false, role: 'viewer' },
    'set org-wide role owner': { method: 'PATCH', space: false, role: 'owner' },
    'set space role viewer': { method: 'PATCH', space: true, role: 'viewer' },
    'set space role owner': { method: 'PATCH', space: true, role: 'owner' },
    'remove from the organization': { method: 'DELETE', space: false },
    'remove from the space': { method: 'DELETE', space: true },
  };

  /** What the rows become when the operation succeeds. */
  function after(rows: Row[], op: Op): Row[] {
    const scope = op.space ? spaceS : null;
    if (op.method === 'DELETE') return op.space ? rows.filter((r) => r.spaceId !== scope) : [];
    const others = rows.filter((r) => r.spaceId !== scope);
    return sorted([...others, { spaceId: scope, role: op.role! }]);
  }

  it('refuses every owner change by a non-owner (audited), allows the rest, and only changes what was asked', async () => {
    const actors = new Map<Role, SessionClient>();
    for (const role of ROLES) actors.set(role, await signedIn(await createUser(origin, orgA, role)));
    const problems: string[] = [];
    let cases = 0;
    for (const [targetName, template] of Object.entries(TARGETS)) {
      for (const [opName, op] of Object.entries(OPS)) {
        for (const role of ROLES) {
          cases++;
          const rows = sorted(template.map((r) => ({ ...r, spaceId: r.spaceId === 'S' ? spaceS : null })));
          const id = await target(rows);
          const ownerInvolved = op.role === 'owner' || rows.some((r) => r.role === 'owner');
          const nothingToRemove = op.method === 'DELETE' && op.space && !rows.some((r) => r.spaceId === spaceS);
          const want = !roleAllows(role, 'members.manage') ? 403 : nothingToRemove ? 404 : role !== 'owner' && ownerInvolved ? 403 : op.method === 'PATCH' ? 200 : 204;
          const path = `/v1/orgs/${orgA}/members/${id}${op.method === 'DELETE' && op.space ? `?space_id=${spaceS}` : ''}`;
          const body = op.method === 'PATCH' ? { role: op.role, ...(op.space ? { space_id: spaceS } : {}) } : undefined;
          const res = await actors.get(role)!.request(op.method, path, body);
          const label = `${role} → ${opName} on ${targetName}`;
          if (res.status !== want) problems.push(`${label}: ${res.status} (want ${want}) ${await res.text()}`);
          const now = await rowsOf(id);
          const expected = want < 300 ? after(rows, op) : rows;
          if (JSON.stringify(now) !== JSON.stringify(expected)) problems.push(`${label}: rows ${JSON.stringify(now)} (want ${JSON.stringify(expected)})`);
          const live = await liveSessions(id);
          if (live !== (want < 300 ? 0 : 1)) problems.push(`${label}: ${live} live sessions`);
          const action = op.method === 'PATCH' ? 'member.role_change' : 'member.remove';
          const audited = (await auditOf(action, id)).map((r) => r.result);
          const wantAudit = want < 300 ? ['success'] : want === 403 && roleAllows(role, 'members.manage') ? ['failure'] : [];
          if (JSON.stringify(audited) !== JSON.stringify(wantAudit)) problems.push(`${label}: audit ${JSON.stringify(audited)} (want ${JSON.stringify(wantAudit)})`);
        }
      }
    }
    expect(cases).toBe(Object.keys(TARGETS).length * Object.keys(OPS).length * ROLES.length);
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('invitations grant roles too', () => {
  it('only owners invite owners, organization-wide or into a space (a table over role x scope x actor)', async () => {
    const problems: string[] = [];
    for (const actorRole of ROLES) {
      const actor = await signedIn(await createUser(origin, orgA, actorRole));
      for (const role of ROLES) {
        for (const space of [false, true]) {
          const res = await actor.request('POST', `/v1/orgs/${orgA}/invitations`, { email: uniqueEmail('inv'), role, ...(space ? { space_id: spaceS } : {}) });
          const want = !roleAllows(actorRole, 'members.manage') || (role === 'owner' && actorRole !== 'owner') ? 403 : 201;
          if (res.status !== want) problems.push(`${actorRole} inviting ${role}${space ? ' into a space' : ''}: ${res.status} (want ${want})`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('the last owner', () => {
  it('is kept: the sole owner cannot demote or remove themselves, but may take a space override', async () => {
    const { organizationId, spaceId } = await createOrganization(origin, `one-owner-${randomUUID().slice(0, 8)}`);
    const solo = await createUser(origin, organizationId, 'owner');
    const c = await signedIn(solo);
    await expectErrorShape(await c.request('PATCH', `/v1/orgs/${organizationId}/members/${solo.id}`, { role: 'admin' }), 409, 'conflict');
    await expectErrorShape(await c.request('DELETE', `/v1/orgs/${organizationId}/members/${solo.id}`), 409, 'conflict');
    // Nothing was written by the refused changes (the audit row shares their transaction).
    expect(await auditOf('member.role_change', solo.id)).toEqual([]);
    expect(await auditOf('member.remove', solo.id)).toEqual([]);
    expect(await rowsOf(solo.id, organizationId)).toEqual([{ spaceId: null, role: 'owner' }]);
    expect((await c.request('PATCH', `/v1/orgs/${organizationId}/members/${solo.id}`, { role: 'viewer', space_id: spaceId })).status).toBe(200);
    expect(await rowsOf(solo.id, organizationId)).toEqual(sorted([{ spaceId: null, role: 'owner' }, { spaceId, role: 'viewer' }]));
  });

  it('survives two owners demoting each other at the same time', async () => {
    const { organizationId } = await createOrganization(origin, `two-owners-${randomUUID().slice(0, 8)}`);
    const a = await createUser(origin, organizationId, 'owner');
    const b = await createUser(origin, organizationId, 'owner');
    const [ca, cb] = [await signedIn(a), await signedIn(b)];
    const statuses = await Promise.all([
      ca.request('PATCH', `/v1/orgs/${organizationId}/members/${b.id}`, { role: 'admin' }).then((r) => r.status),
      cb.request('PATCH', `/v1/orgs/${organizationId}/members/${a.id}`, { role: 'admin' }).then((r) => r.status),
    ]);
    // One wins; the other is refused (409: no owner would be left; 403: no longer an owner; 401: its session ended).
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const s of statuses) expect([200, 401, 403, 409]).toContain(s);
    const owners = await origin.database.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'owner'), isNull(memberships.spaceId)));
    expect(owners).toHaveLength(1);
  });
});
