import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { spaces } from './spaces.js';
import { users } from './users.js';

import { ROLES } from '../../../shared/permissions.js';

export { ROLES, type Role } from '../../../shared/permissions.js';

/** A user's role in an organization; a row with space_id set overrides it for that space. */
export const memberships = pgTable(
  'memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    spaceId: uuid('space_id').references(() => spaces.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('memberships_role_check', sql`${t.role} in ('owner','admin','publisher','author','viewer','billing')`),
    uniqueIndex('memberships_user_org_space_unique').on(
      t.userId,
      t.organizationId,
      sql`coalesce(${t.spaceId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
    ),
    index('memberships_org_idx').on(t.organizationId),
  ],
);
