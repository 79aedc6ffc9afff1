import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { spaces } from './spaces.js';

export const PAGE_STATUSES = ['draft', 'published', 'scheduled'] as const;

/**
 * Pages (the first content table; the content issue grows the model around it).
 * `fields` is the working copy editors change; `published` is the ButterCMS-shaped JSON
 * rendered at publish time, so a read is one indexed lookup and no rendering.
 * page_type '*' marks a single page without a type, as in ButterCMS.
 */
export const pages = pgTable(
  'pages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    pageType: text('page_type').notNull().default('*'),
    slug: text('slug').notNull(),
    locale: text('locale').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: PAGE_STATUSES }).notNull().default('draft'),
    fields: jsonb('fields').notNull().default(sql`'{}'::jsonb`),
    published: jsonb('published'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** Bumped by every save; the ETag of the management view and the If-Match target. */
    version: integer('version').notNull().default(1),
    /** When a `scheduled` page is due to be published (origin/content/scheduler.ts). */
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    /** Soft delete: hidden from reads, restorable. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    check('pages_status_check', sql`${t.status} in ('draft','published','scheduled')`),
    uniqueIndex('pages_space_type_slug_locale_unique').on(t.spaceId, t.pageType, t.slug, t.locale),
    index('pages_space_slug_idx').on(t.spaceId, t.slug, t.locale),
    index('pages_scheduled_idx').on(t.scheduledAt).where(sql`${t.status} = 'scheduled' and ${t.deletedAt} is null`),
    /*
     * Published lists (origin/content/pages/lists.ts): newest or oldest first with the id as
     * tie-break, read straight off the index (a page of 10 costs the same at any list size).
     */
    index('pages_list_published_idx')
      .on(t.spaceId, t.pageType, t.locale, t.publishedAt, t.id)
      .where(sql`${t.published} is not null and ${t.deletedAt} is null`),
    /** `fields.<name>=` filters of published lists: containment over the published fields. */
    index('pages_published_fields_idx')
      .using('gin', sql`(${t.published} -> 'fields') jsonb_path_ops`)
      .where(sql`${t.published} is not null and ${t.deletedAt} is null`),
  ],
);

/**
 * Exact page counts per list (space, page type, locale): `published` = published and not
 * deleted (published lists' meta.count), `live` = not deleted (preview lists). Maintained by
 * statement-level triggers on `pages` in the writing transaction (migration 0007), so a count
 * is never stale and never needs a scan of the list.
 */
export const pageCounts = pgTable(
  'page_counts',
  {
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    pageType: text('page_type').notNull(),
    locale: text('locale').notNull(),
    published: integer('published').notNull().default(0),
    live: integer('live').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.pageType, t.locale] })],
);
