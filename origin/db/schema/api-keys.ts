import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { API_KEY_KINDS } from '../../../shared/api-key.js';
import { organizations } from './organizations.js';
import { spaces } from './spaces.js';
import { users } from './users.js';

/**
 * API keys are stored as SHA-256 of the token (never the token). `prefix` and `last_four`
 * are what listings show. read/preview/write keys belong to a space; admin keys to an
 * organization (space_id null).
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    spaceId: uuid('space_id').references(() => spaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: API_KEY_KINDS }).notNull(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    lastFour: text('last_four').notNull(),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    rotatedFromId: uuid('rotated_from_id').references((): AnyPgColumn => apiKeys.id, { onDelete: 'set null' }),
  },
  (t) => [
    check('api_keys_kind_check', sql`${t.kind} in ('read','preview','write','admin')`),
    check(
      'api_keys_space_matches_kind',
      sql`(${t.kind} = 'admin' and ${t.spaceId} is null) or (${t.kind} <> 'admin' and ${t.spaceId} is not null)`,
    ),
    index('api_keys_org_idx').on(t.organizationId),
  ],
);
