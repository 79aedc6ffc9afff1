import { jsonb, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { posts } from './blog.js';

/**
 * Every save of a blog post (create, update, delete, restore, rollback, scheduled publish) is an
 * immutable revision; its version is the post's version after the save. `fields` holds the rest
 * of the post's content: body, summary, SEO texts, featured image, author slug, category and tag
 * names.
 */
export const postRevisions = pgTable(
  'post_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    /** draft, published, scheduled — or deleted for the save that deleted the post. */
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
  (t) => [unique('post_revisions_post_version_unique').on(t.postId, t.version)],
);
