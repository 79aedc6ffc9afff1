/**
 * Operator account controls (used by `npm run accounts`): disable, re-enable and describe a
 * user account by email. Disabling sets `users.disabled_at` — login refuses the account with
 * the generic answer and `findSession` stops honouring its sessions — and also revokes every
 * live session, so nothing comes back if the account is enabled again. Each change writes one
 * audit row per organization the user belongs to (one row without an organization when they
 * belong to none), in the transaction of the change, with the system actor (no user, no key)
 * and `metadata.via = 'operator'`. Repeating a change is a no-op that writes nothing.
 */
import { and, asc, eq, isNull, isNotNull, sql } from 'drizzle-orm';
import type { PersonalData } from '../../crypto/personal-data.js';
import { openUserEmail, openUserName, userEmailIs } from '../people.js';
import type { Db } from '../../db/client.js';
import { memberships, organizations, spaces, totpFactors, users, type Role } from '../../db/schema/index.js';
import { audit, type AuditActor } from '../../audit/index.js';
import { revokeUserSessions } from '../sessions/sessions.js';

/** Longest reason kept in the audit metadata. */
export const MAX_REASON_LENGTH = 500;

/** The operator has no user or key id; `via` in the metadata says where the change came from. */
const OPERATOR: AuditActor = {};

/** Emails are compared as login compares them: trimmed, lower-cased (the blind index is over this form). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface AccountMembership {
  organizationId: string;
  organizationSlug: string;
  organizationName: string;
  /** Set when the role applies to one space only. */
  spaceId: string | null;
  spaceSlug: string | null;
  role: Role;
}

/** What `show` reports: never password hashes, TOTP secrets, recovery codes or tokens. */
export interface AccountSummary {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
  emailVerifiedAt: Date | null;
  disabledAt: Date | null;
  /** A confirmed TOTP factor is enrolled (the secret itself is never read). */
  twoFactor: boolean;
  memberships: AccountMembership[];
}

export type DisableResult =
  | { outcome: 'not_found' }
  | { outcome: 'already_disabled'; userId: string; email: string; disabledAt: Date }
  | { outcome: 'disabled'; userId: string; email: string; disabledAt: Date; sessionsRevoked: number; organizationIds: string[] };

export type EnableResult =
  | { outcome: 'not_found' }
  | { outcome: 'not_disabled'; userId: string; email: string }
  | { outcome: 'enabled'; userId: string; email: string; organizationIds: string[] };

export interface ChangeOptions {
  /** Free text kept in the audit metadata (at most MAX_REASON_LENGTH characters). */
  reason?: string | undefined;
  now?: Date;
}

function byEmail(pd: PersonalData, email: string) {
  return userEmailIs(pd, normaliseEmail(email));
}

/** The reason as stored (trimmed); throws RangeError when empty or too long. */
export function checkedReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const r = reason.trim();
  if (r.length === 0) throw new RangeError('the reason must not be empty');
  if (r.length > MAX_REASON_LENGTH) throw new RangeError(`the reason must be at most ${MAX_REASON_LENGTH} characters`);
  return r;
}

/** The organizations a user belongs to (any space), each once. */
async function organizationIdsOf(tx: Db, userId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ id: memberships.organizationId })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.organizationId));
  return rows.map((r) => r.id);
}

async function auditPerOrganization(tx: Db, organizationIds: string[], userId: string, action: string, metadata: Record<string, unknown>): Promise<void> {
  const targets = organizationIds.length > 0 ? organizationIds : [null];
  for (const organizationId of targets) {
    await audit(tx, OPERATOR, { action, result: 'success', organizationId, targetType: 'user', targetId: userId, metadata });
  }
}

/** Disables the account and ends its sessions; already disabled → nothing written. */
export async function disableAccount(db: Db, pd: PersonalData, email: string, opts: ChangeOptions = {}): Promise<DisableResult> {
  const reason = checkedReason(opts.reason);
  const now = opts.now ?? new Date();
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [row] = await tx.select({ id: users.id, emailEnc: users.emailEnc, disabledAt: users.disabledAt }).from(users).where(byEmail(pd, email)).limit(1);
    if (!row) return { outcome: 'not_found' } as const;
    const user = { ...row, email: openUserEmail(pd, row) };
    // Conditional, so of two concurrent disables only one writes the audit rows.
    const changed = await tx
      .update(users)
      .set({ disabledAt: now })
      .where(and(eq(users.id, user.id), isNull(users.disabledAt)))
      .returning({ id: users.id });
    if (changed.length === 0) {
      const [current] = await tx.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, user.id));
      return { outcome: 'already_disabled', userId: user.id, email: user.email, disabledAt: current?.disabledAt ?? user.disabledAt ?? now } as const;
    }
    const sessionsRevoked = await revokeUserSessions(tx, user.id, now);
    const organizationIds = await organizationIdsOf(tx, user.id);
    await auditPerOrganization(tx, organizationIds, user.id, 'account.disabled', { via: 'operator', sessions_revoked: sessionsRevoked, ...(reason ? { reason } : {}) });
    return { outcome: 'disabled', userId: user.id, email: user.email, disabledAt: now, sessionsRevoked, organizationIds } as const;
  });
}

/** Clears `disabled_at` (sessions ended by the disable stay ended); not disabled → nothing written. */
export async function enableAccount(db: Db, pd: PersonalData, email: string, opts: ChangeOptions = {}): Promise<EnableResult> {
  const reason = checkedReason(opts.reason);
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [row] = await tx.select({ id: users.id, emailEnc: users.emailEnc }).from(users).where(byEmail(pd, email)).limit(1);
    if (!row) return { outcome: 'not_found' } as const;
    const user = { id: row.id, email: openUserEmail(pd, row) };
    const changed = await tx
      .update(users)
      .set({ disabledAt: null })
      .where(and(eq(users.id, user.id), isNotNull(users.disabledAt)))
      .returning({ id: users.id });
    if (changed.length === 0) return { outcome: 'not_disabled', userId: user.id, email: user.email } as const;
    const organizationIds = await organizationIdsOf(tx, user.id);
    await auditPerOrganization(tx, organizationIds, user.id, 'account.enabled', { via: 'operator', ...(reason ? { reason } : {}) });
    return { outcome: 'enabled', userId: user.id, email: user.email, organizationIds } as const;
  });
}

/** The account behind `email`, or null. Selects named columns only, so no secret is ever read. */
export async function describeAccount(db: Db, pd: PersonalData, email: string): Promise<AccountSummary | null> {
  const [user] = await db
    .select({
      id: users.id,
      emailEnc: users.emailEnc,
      nameEnc: users.nameEnc,
      createdAt: users.createdAt,
      emailVerifiedAt: users.emailVerifiedAt,
      disabledAt: users.disabledAt,
      totpConfirmedAt: totpFactors.confirmedAt,
    })
    .from(users)
    .leftJoin(totpFactors, eq(totpFactors.userId, users.id))
    .where(byEmail(pd, email))
    .limit(1);
  if (!user) return null;
  const rows = await db
    .select({
      organizationId: memberships.organizationId,
      organizationSlug: organizations.slug,
      organizationName: organizations.name,
      spaceId: memberships.spaceId,
      spaceSlug: spaces.slug,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .leftJoin(spaces, eq(spaces.id, memberships.spaceId))
    .where(eq(memberships.userId, user.id))
    .orderBy(asc(organizations.slug), sql`${spaces.slug} asc nulls first`);
  return {
    id: user.id,
    email: openUserEmail(pd, user),
    name: openUserName(pd, user),
    createdAt: user.createdAt,
    emailVerifiedAt: user.emailVerifiedAt,
    disabledAt: user.disabledAt,
    twoFactor: user.totpConfirmedAt !== null,
    memberships: rows,
  };
}
