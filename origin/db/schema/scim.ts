import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { users } from './users.js';

/**
 * SCIM 2.0 provisioning (origin/identity/scim/). An organization has at most one SCIM bearer
 * token, stored as its SHA-256 only (like API keys); rotating it replaces the hash and the token
 * id, disabling it sets `disabled_at`. The IdP's users are ghee users linked to the organization
 * through `scim_users` (the SCIM id, the IdP's externalId, the attributes it sent); its groups
 * live in `scim_groups` / `scim_group_members`.
 */
export const scimTokens = pgTable('scim_tokens', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  /** Changes at every rotation: audit rows of SCIM writes name it (never the token). */
  tokenId: uuid('token_id').notNull().defaultRandom(),
  tokenHash: text('token_hash').notNull().unique(),
  lastFour: text('last_four').notNull(),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** Set by DELETE …/scim/token: the token answers 401 until it is rotated again. */
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
});

/** A ghee user provisioned into an organization by its IdP. */
export const scimUsers = pgTable(
  'scim_users',
  {
    /** The SCIM resource id (not the ghee user id: no correlation across organizations). */
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    externalId: text('external_id'),
    /** Personal data (usually an address): an envelope token, with the blind index of its lower-cased form. */
    userNameEnc: text('user_name_enc').notNull(),
    userNameBidx: text('user_name_bidx'),
    active: boolean('active').notNull().default(true),
    /** The attributes the IdP sent (name, emails, enterprise extension…), echoed back on reads: personal data, their JSON as an envelope token. */
    attributesEnc: text('attributes_enc').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('scim_users_org_user_unique').on(t.organizationId, t.userId),
    uniqueIndex('scim_users_org_user_name_bidx_unique').on(t.organizationId, t.userNameBidx),
    uniqueIndex('scim_users_org_external_unique')
      .on(t.organizationId, t.externalId)
      .where(sql`${t.externalId} is not null`),
  ],
);

export const scimGroups = pgTable(
  'scim_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    displayName: text('display_name').notNull(),
    externalId: text('external_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('scim_groups_org_idx').on(t.organizationId), uniqueIndex('scim_groups_org_name_unique').on(t.organizationId, sql`lower(${t.displayName})`)],
);

export const scimGroupMembers = pgTable(
  'scim_group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => scimGroups.id, { onDelete: 'cascade' }),
    scimUserId: uuid('scim_user_id')
      .notNull()
      .references(() => scimUsers.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.scimUserId] }), index('scim_group_members_user_idx').on(t.scimUserId)],
);
