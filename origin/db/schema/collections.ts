import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { spaces } from './spaces.js';

/** Collections (ButterCMS `/v2/content/{key}/`): a key, a field schema, and items. */
export const collections = pgTable(
  'collections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    fields: jsonb('fields').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('collections_space_key_unique').on(t.spaceId, t.key)],
);

/**
 * Collection items, one row per locale of an item. `item_id` is the numeric id ButterCMS exposes
 * as `meta.id`: one item keeps one id across its locales (unique per locale); `published` is the
 * rendered published form (null until published), `fields` the working copy.
 */
export const collectionItems = pgTable(
  'collection_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: bigserial('item_id', { mode: 'number' }).notNull(),
    collectionId: uuid('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    locale: text('locale').notNull(),
    status: text('status').notNull().default('draft'),
    fields: jsonb('fields').notNull().default(sql`'{}'::jsonb`),
    published: jsonb('published'),
    position: integer('position').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** When a `scheduled` item is due to be published (origin/content/scheduler.ts). */
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    unique('collection_items_item_id_locale_unique').on(t.itemId, t.locale),
    index('collection_items_collection_idx').on(t.collectionId, t.locale, t.position),
    index('collection_items_scheduled_idx').on(t.scheduledAt).where(sql`${t.status} = 'scheduled' and ${t.deletedAt} is null`),
  ],
);
