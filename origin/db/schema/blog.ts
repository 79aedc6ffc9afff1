import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { spaces } from './spaces.js';

/** Blog authors (ButterCMS `/v2/authors/`). */
export const authors = pgTable(
  'authors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    email: text('email').notNull().default(''),
    bio: text('bio').notNull().default(''),
    title: text('title').notNull().default(''),
    linkedinUrl: text('linkedin_url').notNull().default(''),
    facebookUrl: text('facebook_url').notNull().default(''),
    instagramUrl: text('instagram_url').notNull().default(''),
    pinterestUrl: text('pinterest_url').notNull().default(''),
    twitterHandle: text('twitter_handle').notNull().default(''),
    profileImage: text('profile_image').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('authors_space_slug_unique').on(t.spaceId, t.slug)],
);

export const categories = pgTable(
  'categories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
  },
  (t) => [unique('categories_space_slug_unique').on(t.spaceId, t.slug)],
);

export const tags = pgTable(
  'tags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
  },
  (t) => [unique('tags_space_slug_unique').on(t.spaceId, t.slug)],
);

/** Blog posts (ButterCMS `/v2/posts/`). `published` is the rendered published form. */
export const posts = pgTable(
  'posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    status: text('status').notNull().default('draft'),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    summary: text('summary').notNull().default(''),
    seoTitle: text('seo_title').notNull().default(''),
    metaDescription: text('meta_description').notNull().default(''),
    featuredImage: text('featured_image').notNull().default(''),
    featuredImageAlt: text('featured_image_alt').notNull().default(''),
    authorId: uuid('author_id').references(() => authors.id, { onDelete: 'set null' }),
    published: jsonb('published'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** When a `scheduled` post is due to be published (origin/content/scheduler.ts). */
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    unique('posts_space_slug_unique').on(t.spaceId, t.slug),
    index('posts_scheduled_idx').on(t.scheduledAt).where(sql`${t.status} = 'scheduled' and ${t.deletedAt} is null`),
    index('posts_space_published_idx').on(t.spaceId, t.publishedAt).where(sql`${t.published} is not null and ${t.deletedAt} is null`),
  ],
);

export const postCategories = pgTable(
  'post_categories',
  {
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => categories.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.postId, t.categoryId] })],
);

export const postTags = pgTable(
  'post_tags',
  {
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tagId] })],
);
