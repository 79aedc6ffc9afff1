/**
 * The members of an organization: listing, changing a member's role and removing a member,
 * through the commit step (origin/outbox/commit.ts) — one `member.role_change` / `member.remove`
 * row when the change commits, one `failure` row (reason `owner_role_needs_owner`) when a
 * non-owner tries an owner change, nothing for the other refusals.
 *
 * A member is addressed by user id, which names all of their membership rows in the
 * organization (organization-wide and per space); `spaceId` narrows to one space's row.
 * Only owners grant, change or remove the owner role, or touch the memberships of anyone who is
 * an owner anywhere in the organization; an organization keeps at least one organization-wide
 * owner. A role change or removal ends the member's sessions (their next session carries the new
 * role). Its own folder (not orgs/) because membership rules are one domain's: the organization
 * routes, invitations and provisioning all go through here.
 *
 * Plain functions over the db handle: refusals the caller caused are `Result` values
 * (origin/http/result.ts); the routes turn them into HTTP answers.
 */
import type { PersonalData } from '../../crypto/personal-data.js';
import { openUserEmail, openUserName } from '../people.js';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Role } from '../../../shared/permissions.js';
import type { Db } from '../../db/client.js';
import { memberships, organizations, spaces, users } from '../../db/schema/index.js';
import { effectiveRole } from '../../http/authorize.js';
import type { Result } from '../../http/result.js';
import { commitWrite, type WriteActor } from '../../outbox/index.js';
import { revokeUserSessions } from '../sessions/sessions.js';

/** Who changes memberships: a member or an admin key of `organizationId`. */
export type MemberActor = WriteActor & { organizationId: string };

export interface MemberView {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  space_id: string | null;
  joined_at: string;
}

const MEMBER_NOT_FOUND = { ok: false, error: 'not_found', detail: 'Member not found.' } as const;
const OWNER_REFUSED = { ok: false, error: 'forbidden', detail: 'Only owners grant, change or remove the owner role, or change the memberships of an owner.' } as const;
const LAST_OWNER = { ok: false, error: 'conflict', detail: 'An organization needs at least one owner.' } as const;

/** One entry per membership row, oldest first. */
export async function listMembers(db: Db, pd: PersonalData, organizationId: string): Promise<MemberView[]> {
  const rows = await db
    .select({ user_id: users.id, emailEnc: users.emailEnc, nameEnc: users.nameEnc, role: memberships.role, space_id: memberships.spaceId, joined_at: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, organizationId))
    .orderBy(memberships.createdAt);
  return rows.map(({ emailEnc, nameEnc, ...r }) => ({
    ...r,
    email: openUserEmail(pd, { id: r.user_id, emailEnc }),
    name: openUserName(pd, { id: r.user_id, nameEnc }),
    joined_at: r.joined_at.toISOString(),
  }));
}

/** `spaceId` when it is a space of the organization (a membership can only name those). */
export async function spaceOfOrganization(db: Db, organizationId: string, spaceId: string): Promise<Result<string>> {
  const [s] = await db.select({ id: spaces.id }).from(spaces).where(and(eq(spaces.id, spaceId), eq(spaces.organizationId, organizationId))).limit(1);
  return s ? { ok: true, value: s.id } : { ok: false, error: 'not_found', detail: 'Space not found.' };
}

async function ownersLeft(t: Db, organizationId: string): Promise<number> {
  const [row] = await t
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'owner'), isNull(memberships.spaceId)));
  return row?.n ?? 0;
}

/**
 * Every membership row of `userId` in the organization, read inside the change's transaction
 * after taking the organization row's lock: member changes of one organization run one at a
 * time, so the owner checks cannot be raced (two owners demoting each other at once would
 * otherwise each see the other still an owner).
 */
async function lockedMemberRows(t: Db, organizationId: string, userId: string) {
  await t.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId)).for('update');
  return t
    .select({ id: memberships.id, role: memberships.role, spaceId: memberships.spaceId })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
}

/** An owner change: granting the owner role (anywhere), or touching any row of someone who is an owner anywhere. */
const ownerChange = (rows: { role: Role }[], granting: Role | null): boolean => granting === 'owner' || rows.some((r) => r.role === 'owner');

/**
 * Whether the actor may make an owner change, decided on the actor's role as it is now, under
 * the organization lock (an owner demoted a moment ago must not act on the role they had when
 * the request was authorized). API keys never make owner changes.
 */
const actorIsOwnerNow = async (t: Db, actor: MemberActor): Promise<boolean> =>
  actor.userId !== null && (await effectiveRole(t, actor.userId, actor.organizationId, null)) === 'owner';

/**
 * Sets the role of `userId`'s organization-wide row (`spaceId` null) or of that space's row,
 * creating the row if the member has none there yet. `spaceId` must be a space of the
 * organization (`spaceOfOrganization`).
 */
export function changeMemberRole(db: Db, actor: MemberActor, input: { userId: string; spaceId: string | null; role: Role; now: Date }): Promise<Result<null>> {
  const { userId, spaceId, role } = input;
  return commitWrite(db, actor, spaceId, async (w): Promise<Result<null>> => {
    const rows = await lockedMemberRows(w.t, actor.organizationId, userId);
    if (rows.length === 0) return MEMBER_NOT_FOUND;
    const existing = rows.find((r) => r.spaceId === spaceId);
    const from = existing?.role ?? null;
    if (ownerChange(rows, role) && !(await actorIsOwnerNow(w.t, actor))) {
      w.refused({ action: 'member.role_change', target: { type: 'user', id: userId }, metadata: { from, to: role, space_id: spaceId, reason: 'owner_role_needs_owner' } });
      return OWNER_REFUSED;
    }
    if (existing) await w.t.update(memberships).set({ role }).where(eq(memberships.id, existing.id));
    else await w.t.insert(memberships).values({ userId, organizationId: actor.organizationId, spaceId, role });
    if ((await ownersLeft(w.t, actor.organizationId)) === 0) return LAST_OWNER;
    const revoked = await revokeUserSessions(w.t, userId, input.now);
    w.audit({ action: 'member.role_change', target: { type: 'user', id: userId }, metadata: { from, to: role, space_id: spaceId, sessions_revoked: revoked } });
    return { ok: true, value: null };
  });
}

/** Removes every membership row of `userId` in the organization, or with `spaceId` only that space's row. */
export function removeMember(db: Db, actor: MemberActor, input: { userId: string; spaceId: string | null; now: Date }): Promise<Result<null>> {
  const { userId, spaceId } = input;
  return commitWrite(db, actor, spaceId, async (w): Promise<Result<null>> => {
    const rows = await lockedMemberRows(w.t, actor.organizationId, userId);
    const removed = spaceId === null ? rows : rows.filter((r) => r.spaceId === spaceId);
    if (removed.length === 0) return MEMBER_NOT_FOUND;
    if (ownerChange(rows, null) && !(await actorIsOwnerNow(w.t, actor))) {
      w.refused({ action: 'member.remove', target: { type: 'user', id: userId }, metadata: { space_id: spaceId, reason: 'owner_role_needs_owner' } });
      return OWNER_REFUSED;
    }
    await w.t.delete(memberships).where(inArray(memberships.id, removed.map((r) => r.id)));
    if ((await ownersLeft(w.t, actor.organizationId)) === 0) return LAST_OWNER;
    const revoked = await revokeUserSessions(w.t, userId, input.now);
    w.audit({
      action: 'member.remove',
      target: { type: 'user', id: userId },
      metadata: { removed: removed.map((r) => ({ role: r.role, space_id: r.spaceId })), space_id: spaceId, sessions_revoked: revoked },
    });
    return { ok: true, value: null };
  });
}
