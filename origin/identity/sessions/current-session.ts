/**
 * Who is signed in (GET /v1/auth/session): the user's memberships, each with the space a new
 * organization needs to create its read / preview / write keys (`default_space_id`).
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { memberships, organizations, spaces } from '../../db/schema/index.js';

export async function sessionMemberships(db: Db, userId: string) {
  // default_space_id: the membership's own space, else the organization's first space.
  const firstSpace = sql<string | null>`(select ${spaces.id} from ${spaces} where ${spaces.organizationId} = ${memberships.organizationId} order by ${spaces.createdAt}, ${spaces.id} limit 1)`;
  return db
    .select({
      organization_id: memberships.organizationId,
      space_id: memberships.spaceId,
      role: memberships.role,
      name: organizations.name,
      default_space_id: sql<string | null>`coalesce(${memberships.spaceId}, ${firstSpace})`,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId));
}
