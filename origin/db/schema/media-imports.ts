import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { assets } from './assets.js';
import { spaces } from './spaces.js';

/**
 * Remote media ghee downloads into its asset store (origin/content/assets/media-import.ts): one
 * row per (space, URL) — the same URL is fetched once — and its delivery log: `pending` (queued),
 * `retrying` (failed, tried again after `next_attempt_at`), `done` (`asset_id` set; an asset with
 * the same bytes is shared, never stored twice), `failed` (gave up: a refused target, a wrong
 * type or size, or the last retry).
 */
export const mediaImports = pgTable(
  'media_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A worker's claim: other runs skip the row until then (a process killed mid-fetch retries after it). */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    assetId: uuid('asset_id').references(() => assets.id, { onDelete: 'set null' }),
    sha256: text('sha256'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    unique('media_imports_space_url_unique').on(t.spaceId, t.url),
    index('media_imports_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'retrying')`),
    index('media_imports_space_status_idx').on(t.spaceId, t.status, t.createdAt),
  ],
);

/**
 * Where an imported URL is used: a page, collection item or post whose fields are rewritten to
 * the asset's URL (a new revision) once the import is done.
 */
export const mediaImportRefs = pgTable(
  'media_import_refs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    importId: uuid('import_id')
      .notNull()
      .references(() => mediaImports.id, { onDelete: 'cascade' }),
    /** page | item | post */
    resourceType: text('resource_type').notNull(),
    resourceId: uuid('resource_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    rewrittenAt: timestamp('rewritten_at', { withTimezone: true }),
  },
  (t) => [
    unique('media_import_refs_import_resource_unique').on(t.importId, t.resourceType, t.resourceId),
    index('media_import_refs_open_idx').on(t.importId).where(sql`${t.rewrittenAt} is null`),
  ],
);
