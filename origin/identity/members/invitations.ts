/**
 * Invitations into an organization (or one of its spaces): listing the open ones, inviting,
 * revoking and accepting — each write through the commit step (origin/outbox/commit.ts), its
 * one row `member.invite`, `member.invite_revoke` or `member.join` written when it commits.
 * An invitation is open until accepted, revoked or expired (7 days); the token is returned to
 * the caller once (for the mail) and stored only as its SHA-256.
 *
 * Plain functions over the db handle; refusals the caller caused are `Result` values.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { sha256Hex } from '../../../shared/crypto.js';
import type { Role } from '../../../shared/permissions.js';
import type { PersonalData } from '../../crypto/personal-data.js';
import type { Db } from '../../db/client.js';
import { invitations, memberships, organizations, users } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import { commitWrite, type WriteActor } from '../../outbox/index.js';
import type { MemberActor } from './members.js';
import { openInvitationEmail, sealInvitationEmail, sealUser, userEmailIs } from '../people.js';

export const INVITE_TTL_MS = 7 * 24 * 3_600_000;

/** An invitation row with its address decrypted. */
type InvitationRow = typeof invitations.$inferSelect & { email: string };

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  space_id: string | null;
  created_at: string;
  expires_at: string;
}

const INVALID = { ok: false, error: 'invalid', detail: 'This invitation is invalid, used, revoked or expired.' } as const;

const open = (now: Date) => and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));

/** The organization's open invitations, newest first. */
export async function listInvitations(db: Db, pd: PersonalData, organizationId: string, now: Date): Promise<InvitationView[]> {
  const rows = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.organizationId, organizationId), open(now)))
    .orderBy(desc(invitations.createdAt));
  return rows.map((r) => ({ id: r.id, email: openInvitationEmail(pd, r), role: r.role, space_id: r.spaceId, created_at: r.createdAt.toISOString(), expires_at: r.expiresAt.toISOString() }));
}

export async function organizationName(db: Db, organizationId: string): Promise<string | null> {
  const [org] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, organizationId)).limit(1);
  return org?.name ?? null;
}

/** Invites `email` as `role` (organization-wide, or in `spaceId`, a space of the organization). */
export function inviteMember(
  db: Db,
  pd: PersonalData,
  actor: MemberActor,
  input: { email: string; role: Role; spaceId: string | null; now: Date },
): Promise<Result<{ id: string; token: string; expiresAt: Date }>> {
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  const id = randomUUID();
  return commitWrite(db, actor, input.spaceId, async (w) => {
    const [row] = await w.t
      .insert(invitations)
      .values({
        id,
        organizationId: actor.organizationId,
        spaceId: input.spaceId,
        ...sealInvitationEmail(pd, id, input.email),
        role: input.role,
        tokenHash: sha256Hex(token),
        invitedBy: actor.userId,
        expiresAt: new Date(input.now.getTime() + INVITE_TTL_MS),
      })
      .returning({ id: invitations.id, expiresAt: invitations.expiresAt });
    w.audit({ action: 'member.invite', target: { type: 'invitation', id: row!.id }, metadata: { role: input.role, space_id: input.spaceId } });
    return { ok: true, value: { id: row!.id, token, expiresAt: row!.expiresAt } };
  });
}

/** Revokes an open (not accepted, not revoked) invitation of the organization. */
export function revokeInvitation(db: Db, actor: MemberActor, input: { invitationId: string; now: Date }): Promise<Result<null>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<null>> => {
    const rows = await w.t
      .update(invitations)
      .set({ revokedAt: input.now })
      .where(and(eq(invitations.id, input.invitationId), eq(invitations.organizationId, actor.organizationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id });
    if (rows.length === 0) return { ok: false, error: 'not_found', detail: 'Invitation not found.' };
    w.audit({ action: 'member.invite_revoke', target: { type: 'invitation', id: input.invitationId } });
    return { ok: true, value: null };
  });
}

/** The open invitation whose token is `token`, or null. */
export async function findOpenInvitation(db: Db, pd: PersonalData, token: string, now: Date): Promise<InvitationRow | null> {
  const [inv] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, sha256Hex(token)), open(now)))
    .limit(1);
  return inv ? { ...inv, email: openInvitationEmail(pd, inv) } : null;
}

/** The id of the account with that (lower-case) email, or null. */
export async function userIdByEmail(db: Db, pd: PersonalData, email: string): Promise<string | null> {
  const [u] = await db.select({ id: users.id }).from(users).where(userEmailIs(pd, email)).limit(1);
  return u?.id ?? null;
}

/**
 * Accepts `inv` as the user `userId`, or, with `newUser`, as a new account for the invited
 * address (verified by the invitation's mail; `passwordHash` already checked and hashed by the
 * caller). The invitation is claimed once (a second acceptance is refused); the membership is
 * added unless the user already has that row. The `member.join` row names the joining user.
 */
export function acceptInvitation(
  db: Db,
  pd: PersonalData,
  request: Omit<WriteActor, 'userId' | 'organizationId'>,
  input: { invitation: InvitationRow; userId: string | null; newUser: { name: string; passwordHash: string } | null; now: Date },
): Promise<Result<{ userId: string }>> {
  const inv = input.invitation;
  // A new account's id is chosen here, so the row names its actor (the joining user).
  const userId = input.userId ?? randomUUID();
  const actor: MemberActor = { ...request, userId, organizationId: inv.organizationId };
  return commitWrite(db, actor, inv.spaceId, async (w): Promise<Result<{ userId: string }>> => {
    const claimed = await w.t
      .update(invitations)
      .set({ acceptedAt: input.now })
      .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id });
    if (claimed.length === 0) return INVALID;
    if (input.userId === null) {
      if (!input.newUser) return { ok: false, error: 'invalid', detail: 'Invalid request: name and password are required to create your account.' };
      await w.t.insert(users).values({ ...sealUser(pd, { id: userId, email: inv.email, name: input.newUser.name }), passwordHash: input.newUser.passwordHash, emailVerifiedAt: input.now });
    }
    await w.t.insert(memberships).values({ userId, organizationId: inv.organizationId, spaceId: inv.spaceId, role: inv.role }).onConflictDoNothing();
    w.audit({ action: 'member.join', target: { type: 'invitation', id: inv.id }, metadata: { role: inv.role, space_id: inv.spaceId } });
    return { ok: true, value: { userId } };
  });
}
