/**
 * The addresses of an organization's owners (organization-wide owner memberships of enabled
 * accounts): the recipients of notices the organization must not miss (support access granted
 * and first used, origin/governance). Reading the address is the identity domain's business, so
 * it lives here; `envelope` is for the day addresses are stored encrypted.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Envelope } from '../../crypto/envelope.js';
import type { Db } from '../../db/client.js';
import { memberships, users } from '../../db/schema/index.js';

export async function organizationOwnerEmails(db: Db, _envelope: Envelope, organizationId: string): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'owner'), isNull(memberships.spaceId), isNull(users.disabledAt)));
  return [...new Set(rows.map((r) => r.email))];
}
