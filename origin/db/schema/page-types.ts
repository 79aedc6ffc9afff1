import { jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { spaces } from './spaces.js';

/**
 * Page types: a named field schema pages of that type follow (`fields` is a list of field
 * definitions — see origin/content/model/schema.ts).
 */
export const pageTypes = pgTable(
  'page_types',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    fields: jsonb('fields').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('page_types_space_slug_unique').on(t.spaceId, t.slug)],
);
