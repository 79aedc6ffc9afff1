import { sql } from 'drizzle-orm';
import { bigint, check, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { users } from './users.js';

/**
 * Data lifecycle (issue 16, origin/governance): retention checkpoints of the audit chains,
 * per-organization retention overrides, organization and personal-data exports, pending
 * organization deletions and the erasure certificates that outlive what they erased.
 */

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBufferLike)),
});

/**
 * Where an audit chain starts after retention deleted its oldest rows: the seq and hash of the
 * last deleted row, HMAC-signed under a server key (origin/governance/retention/checkpoint.ts),
 * so `verify` starts from it and an edited checkpoint fails. The newest per chain is the one used.
 */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    chain: text('chain').notNull(),
    /** The seq of the last deleted row: the chain continues at seq + 1. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** The hash of the last deleted row: the prev_hash of the chain's first remaining row. */
    hash: text('hash').notNull(),
    /** Rows deleted up to here, over all checkpoints of the chain. */
    deleted: bigint('deleted', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    signature: text('signature').notNull(),
  },
  (t) => [uniqueIndex('audit_checkpoints_chain_seq_idx').on(t.chain, t.seq)],
);

/** An organization's retention overrides (days / counts per class), merged over the deployment's defaults. */
export const retentionPolicies = pgTable('retention_policies', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  overrides: jsonb('overrides').$type<Record<string, number>>().notNull().default({}),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const EXPORT_STATUSES = ['pending', 'running', 'ready', 'failed', 'downloaded', 'expired'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/**
 * An export: of an organization (`organization_id`) or of one user's own data (`user_id`).
 * The archive is AES-256-GCM encrypted under a per-export key shown once at creation; the key is
 * kept envelope-encrypted only until the archive is built, then dropped. The archive is served
 * once (then dropped) through a signed URL valid 24 h.
 */
export const dataExports = pgTable(
  'data_exports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    requestedBy: uuid('requested_by').notNull(),
    status: text('status').notNull().default('pending').$type<ExportStatus>(),
    progress: jsonb('progress').$type<Record<string, number>>().notNull().default({}),
    keyEncrypted: text('key_encrypted'),
    archive: bytea('archive'),
    archiveBytes: integer('archive_bytes'),
    archiveSha256: text('archive_sha256'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    downloadedAt: timestamp('downloaded_at', { withTimezone: true }),
  },
  (t) => [
    index('data_exports_org_idx').on(t.organizationId, t.createdAt),
    index('data_exports_pending_idx').on(t.createdAt).where(sql`${t.status} in ('pending', 'running')`),
    check('data_exports_status_check', sql`${t.status} in ('pending', 'running', 'ready', 'failed', 'downloaded', 'expired')`),
    check('data_exports_subject_check', sql`(${t.organizationId} is null) <> (${t.userId} is null)`),
  ],
);

/** A requested organization deletion, in its grace period (cancel = delete this row). */
export const organizationDeletions = pgTable('organization_deletions', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  requestedBy: uuid('requested_by').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
  purgeAfter: timestamp('purge_after', { withTimezone: true }).notNull(),
});

/**
 * Proof that an organization or a user's personal data was erased: outside the erased rows (no
 * organization_id, no foreign key), HMAC-signed, with counts per table and (for organizations)
 * the deleted audit chain's last seq and hash.
 */
export const erasureCertificates = pgTable(
  'erasure_certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectType: text('subject_type').notNull().$type<'organization' | 'user'>(),
    subjectId: uuid('subject_id').notNull(),
    /** A pseudonymous user id (or null: the system). */
    requestedBy: uuid('requested_by'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    erasedAt: timestamp('erased_at', { withTimezone: true }).notNull().defaultNow(),
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull().default({}),
    signature: text('signature').notNull(),
  },
  (t) => [
    index('erasure_certificates_subject_idx').on(t.subjectType, t.subjectId),
    check('erasure_certificates_subject_check', sql`${t.subjectType} in ('organization', 'user')`),
  ],
);
