import { jsonb, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { collectionItems } from './collections.js';

/**
 * Every save of a collection item (create, update, delete, restore, rollback, scheduled publish)
 * is an immutable revision; its version is the item's version after the save.
 */
export const collectionItemRevisions = pgTable(
  'collection_item_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    collectionItemId: uuid('collection_item_id')
      .notNull()
      .references(() => collectionItems.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    /** The item's label at the time (its first non-empty text field), as webhooks name it. */
    label: text('label').notNull(),
    /** draft, published, scheduled — or deleted for the save that deleted the item. */
    status: text('status').notNull(),
    fields: jsonb('fields').notNull(),
    /** The API key that made the change (null: a signed-in member, or the scheduler). */
    createdByKey: uuid('created_by_key'),
    /**
     * The signed-in member who made the change (null: an API key, or the scheduler). A plain id,
     * no foreign key (as in audit_events): the history outlives the user.
     */
    createdByUser: uuid('created_by_user'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('collection_item_revisions_item_version_unique').on(t.collectionItemId, t.version)],
);
