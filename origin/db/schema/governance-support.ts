import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { users } from './users.js';

/**
 * Support access with the customer's permission, and management IP allowlists
 * (origin/governance/, issue 16).
 *
 * Operators are the platform's own staff: an identity apart from organization members (their
 * own table, sessions and cookie), created by `npm run operators -- add` with a password
 * (hashed as members' are) and a TOTP factor (secret envelope-encrypted, aad
 * `operator-totp:<id>`) that every sign-in needs. An operator reaches an organization's data
 * only under one of its support grants.
 */
export const operators = pgTable(
  'operators',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Sealed (origin/crypto/personal-data.ts: `personalAad('operators', 'email' | 'name', id)`); `email_bidx` is the keyed blind index sign-in looks the address up by. */
    emailEnc: text('email_enc').notNull(),
    emailBidx: text('email_bidx'),
    nameEnc: text('name_enc').notNull(),
    passwordHash: text('password_hash').notNull(),
    totpSecretEncrypted: text('totp_secret_encrypted').notNull(),
    /** The TOTP step of the last accepted code: a code (or an older one) is never accepted twice. */
    totpLastUsedStep: integer('totp_last_used_step'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('operators_email_bidx_unique').on(t.emailBidx)],
);

/** An operator's sign-in: only SHA-256 of the token is stored; idle and absolute expiry as members' sessions. */
export const operatorSessions = pgTable(
  'operator_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    operatorId: uuid('operator_id')
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('operator_sessions_operator_idx').on(t.operatorId)],
);

export type SupportScope = 'read_only' | 'read_write';

/** An organization's permission for support staff: scope, spaces, reason, expiry (≤ 72 h), revocable. */
export const supportGrants = pgTable(
  'support_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    scope: text('scope').$type<SupportScope>().notNull(),
    spaceIds: uuid('space_ids').array().notNull(),
    reason: text('reason').notNull(),
    ticket: text('ticket'),
    /** Only this operator may use it (null: any active operator). */
    operatorId: uuid('operator_id').references(() => operators.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by').references(() => users.id, { onDelete: 'set null' }),
    firstUsedAt: timestamp('first_used_at', { withTimezone: true }),
  },
  (t) => [index('support_grants_org_idx').on(t.organizationId, t.createdAt)],
);

/**
 * An organization's management IP allowlist: CIDRs (IPv4 and IPv6) from which its management and
 * write APIs may be called, for API keys and for sessions separately (an empty list: no limit for
 * that credential). `enforceReads`: read keys are held to the key list too (at the edge).
 */
export const ipAllowlists = pgTable('ip_allowlists', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  keyCidrs: text('key_cidrs').array().notNull().default(sql`'{}'::text[]`),
  sessionCidrs: text('session_cidrs').array().notNull().default(sql`'{}'::text[]`),
  enforceReads: boolean('enforce_reads').notNull().default(false),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
