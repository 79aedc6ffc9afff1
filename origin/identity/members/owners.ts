/**
 * The addresses of an organization's owners (organization-wide owner memberships of enabled
 * accounts): the recipients of notices the organization must not miss (support access granted
 * and first used, origin/governance). Reading the address is the identity domain's business, so
 * it lives here; addresses are personal data, stored encrypted (origin/identity/people.ts).
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { PersonalData } from '../../crypto/personal-data.js';
import type { Db } from '../../db/client.js';
import { memberships, users } from '../../db/schema/index.js';
import { openUserEmail, openUserName } from '../people.js';

export async function organizationOwnerEmails(db: Db, pd: PersonalData, organizationId: string): Promise<string[]> {
  const rows = await db
    .select({ id: users.id, emailEnc: users.emailEnc })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'owner'), isNull(memberships.spaceId), isNull(users.disabledAt)));
  return [...new Set(rows.map((r) => openUserEmail(pd, r)))];
}

/**
 * The name of the organization's first owner (the oldest organization-wide owner membership of
 * an enabled account), or null: the author ButterCMS assigns a post written without one.
 */
export async function organizationOwnerName(db: Db, pd: PersonalData, organizationId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: users.id, nameEnc: users.nameEnc })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'owner'), isNull(memberships.spaceId), isNull(users.disabledAt)))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  return row ? openUserName(pd, row) : null;
}
