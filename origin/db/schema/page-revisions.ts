import { jsonb, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { pages } from './pages.js';

/** Every save of a page is an immutable revision (its version is the page's version after the save). */
export const pageRevisions = pgTable(
  'page_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    pageId: uuid('page_id')
      .notNull()
      .references(() => pages.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    /** draft, published, scheduled — or deleted for the save that deleted the page. */
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
  (t) => [unique('page_revisions_page_version_unique').on(t.pageId, t.version)],
);
