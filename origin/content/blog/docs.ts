/**
 * The OpenAPI descriptions of the blog routes (issue 18; mechanism: origin/http/openapi.ts). Each
 * is a route's first handler; write bodies are the zod schemas the routes validate with, handed in
 * by the routes themselves.
 */
import { z } from 'zod';
import { CONTENT_READ_HEADERS, describe, errors, ifMatch, jsonBody, jsonOk, type Links, noContent, pathParam, pending, queryParam, SECURITY, timestamp } from '../../http/openapi.js';
import { listMetaSchema, PAGE, PAGE_SIZE, PREVIEW, revisionsExample, revisionsSchema, SLUG, TIME_EXAMPLE } from '../openapi.js';

const READ = ['Content API'];
const WRITE = ['Write API'];
const MANAGE = ['Content model'];

const termSchema = z.strictObject({ name: z.string(), slug: z.string() });
const authorSchema = z.strictObject({
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  slug: z.string(),
  bio: z.string(),
  title: z.string(),
  linkedin_url: z.string(),
  facebook_url: z.string(),
  instagram_url: z.string(),
  pinterest_url: z.string(),
  twitter_handle: z.string(),
  profile_image: z.string(),
});
const AUTHOR_EXAMPLE = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org', slug: 'ada', bio: '', title: 'Editor', linkedin_url: '', facebook_url: '', instagram_url: '', pinterest_url: '', twitter_handle: '', profile_image: '' };

const postSchema = z.strictObject({
  url: z.string(),
  created: timestamp(),
  published: timestamp().nullable(),
  updated: timestamp(),
  status: z.enum(['draft', 'published']),
  title: z.string(),
  slug: z.string(),
  summary: z.string(),
  body: z.string().optional().meta({ description: 'Left out with exclude_body=true.' }),
  seo_title: z.string(),
  meta_description: z.string(),
  featured_image: z.string().nullable(),
  featured_image_alt: z.string(),
  author: authorSchema.nullable(),
  categories: z.array(termSchema),
  tags: z.array(termSchema),
});
const POST_EXAMPLE = {
  url: '/blog/hello-world',
  created: TIME_EXAMPLE,
  published: TIME_EXAMPLE,
  updated: TIME_EXAMPLE,
  status: 'published',
  title: 'Hello world',
  slug: 'hello-world',
  summary: '<p>First post.</p>',
  body: '<p>Hello.</p>',
  seo_title: 'Hello world',
  meta_description: 'First post.',
  featured_image: null,
  featured_image_alt: '',
  author: AUTHOR_EXAMPLE,
  categories: [{ name: 'News', slug: 'news' }],
  tags: [{ name: 'Launch', slug: 'launch' }],
};
const neighbour = z.strictObject({ slug: z.string(), title: z.string(), featured_image: z.string().nullable() }).nullable();

const RECENT = queryParam('include', '`recent_posts`: each with its recent posts (empty: as if not sent).', { type: 'string', enum: ['recent_posts', ''] });
const withRecent = <S extends z.ZodObject>(s: S) => s.extend({ recent_posts: z.array(postSchema).optional() });

export const listPostsDoc = describe({
  operationId: 'listPosts',
  summary: 'List blog posts',
  description: 'Published posts, newest first, filtered by author, category or tag.',
  tags: READ,
  security: SECURITY.contentKey,
  parameters: [
    PAGE,
    PAGE_SIZE,
    queryParam('exclude_body', '`true` (or `1`): posts without their body. `false`, `0` or empty: with it, as if not sent.', { type: 'string', enum: ['true', '1', 'false', '0', ''] }),
    queryParam('author_slug', 'Only this author\'s posts.', { type: 'string' }),
    queryParam('category_slug', 'Only posts in this category.', { type: 'string' }),
    queryParam('tag_slug', 'Only posts with this tag.', { type: 'string' }),
    PREVIEW,
  ],
  responses: { 200: jsonOk('The posts.', z.strictObject({ meta: listMetaSchema, data: z.array(postSchema) }), { meta: { count: 1, next_page: null, previous_page: null }, data: [POST_EXAMPLE] }, CONTENT_READ_HEADERS), ...errors(400, 401, 403, 414) },
});

export const getPostDoc = describe({
  operationId: 'getPost',
  summary: 'Read a blog post, or search posts',
  description: 'One post with its neighbours (`meta.next_post`, `meta.previous_post`). With slug `search`: a full-text search (`query=`, 1–200 characters), answered as the list.',
  tags: READ,
  security: SECURITY.contentKey,
  parameters: [{ ...SLUG, description: 'The post\'s slug, or `search`.', example: 'hello-world' }, queryParam('query', 'With slug `search`: the search text.', { type: 'string', minLength: 1, maxLength: 200 }), PAGE, PAGE_SIZE, PREVIEW],
  responses: {
    200: jsonOk(
      'The post (or, for `search`, the matching posts with paging metadata).',
      z.union([z.strictObject({ meta: z.strictObject({ next_post: neighbour, previous_post: neighbour }), data: postSchema }), z.strictObject({ meta: listMetaSchema, data: z.array(postSchema) })]),
      { meta: { next_post: null, previous_post: { slug: 'welcome', title: 'Welcome', featured_image: null } }, data: POST_EXAMPLE },
      CONTENT_READ_HEADERS,
    ),
    ...errors(400, 401, 403, 404, 414),
  },
});

export const listAuthorsDoc = describe({
  operationId: 'listAuthors',
  summary: 'List authors',
  description: 'Every author of the space.',
  tags: READ,
  security: SECURITY.contentKey,
  parameters: [RECENT],
  responses: { 200: jsonOk('The authors.', z.strictObject({ data: z.array(withRecent(authorSchema)) }), { data: [AUTHOR_EXAMPLE] }, CONTENT_READ_HEADERS), ...errors(400, 401, 403, 414) },
});

export const getAuthorDoc = describe({
  operationId: 'getAuthor',
  summary: 'Read an author',
  description: 'One author.',
  tags: READ,
  security: SECURITY.contentKey,
  parameters: [{ ...SLUG, example: 'ada' }, RECENT],
  responses: { 200: jsonOk('The author.', z.strictObject({ data: withRecent(authorSchema) }), { data: AUTHOR_EXAMPLE }, CONTENT_READ_HEADERS), ...errors(400, 401, 403, 404, 414) },
});

export const listTermsDoc = (kind: 'category' | 'tag') =>
  describe({
    operationId: kind === 'category' ? 'listCategories' : 'listTags',
    summary: kind === 'category' ? 'List categories' : 'List tags',
    description: `Every ${kind} of the space's posts.`,
    tags: READ,
    security: SECURITY.contentKey,
    parameters: [RECENT],
    responses: { 200: jsonOk(`The ${kind === 'category' ? 'categories' : 'tags'}.`, z.strictObject({ data: z.array(withRecent(termSchema)) }), { data: [{ name: 'News', slug: 'news' }] }, CONTENT_READ_HEADERS), ...errors(400, 401, 403, 414) },
  });

export const getTermDoc = (kind: 'category' | 'tag') =>
  describe({
    operationId: kind === 'category' ? 'getCategory' : 'getTag',
    summary: kind === 'category' ? 'Read a category' : 'Read a tag',
    description: `One ${kind}.`,
    tags: READ,
    security: SECURITY.contentKey,
    parameters: [{ ...SLUG, example: 'news' }, RECENT],
    responses: { 200: jsonOk(`The ${kind}.`, z.strictObject({ data: withRecent(termSchema) }), { data: { name: 'News', slug: 'news' } }, CONTENT_READ_HEADERS), ...errors(400, 401, 403, 404, 414) },
  });

export const feedDoc = describe({
  operationId: 'getFeed',
  summary: 'Read the RSS or Atom feed or the sitemap',
  description: 'The feed as XML text in `data` (ButterCMS v2). rss and atom: the latest 50 posts, filtered by category_slug or tag_slug; sitemap: up to 5000 posts.',
  tags: READ,
  security: SECURITY.contentKey,
  parameters: [
    pathParam('feed', 'rss, atom or sitemap.', { type: 'string', enum: ['rss', 'atom', 'sitemap'] }, 'rss'),
    queryParam('category_slug', 'rss/atom: only this category.', { type: 'string' }),
    queryParam('tag_slug', 'rss/atom: only this tag.', { type: 'string' }),
  ],
  responses: { 200: jsonOk('The feed.', z.strictObject({ data: z.string() }), { data: '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"></rss>' }, CONTENT_READ_HEADERS), ...errors(400, 401, 403, 404, 414) },
});

/** Where a post's write or management read leads: its working copy, an update, its revisions, its deletion. */
function postLinks(slug: string, except: string[] = []): Links {
  const parameters = { slug };
  const all: Links = {
    getManagedPost: { operationId: 'getManagedPost', description: 'The post\'s working copy and version.', parameters },
    updatePost: { operationId: 'updatePost', description: 'Update the post.', parameters },
    listPostRevisions: { operationId: 'listPostRevisions', description: 'The post\'s revisions.', parameters },
    deletePost: { operationId: 'deletePost', description: 'Delete the post.', parameters },
  };
  return Object.fromEntries(Object.entries(all).filter(([name]) => !except.includes(name)));
}

export const createPostDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createPost',
    summary: 'Create a blog post',
    description: 'Creates a post (a draft unless `status` is `published`; `scheduled` with a future time publishes later). The author is named by email or slug; categories and tags by name (created as needed). Body and summary HTML is sanitised.',
    tags: WRITE,
    security: SECURITY.keyOrSession,
    requestBody: jsonBody(body, { title: 'Hello world', slug: 'hello-world', status: 'published', author: { slug: 'ada' }, categories: ['News'], tags: ['Launch'], body: '<p>Hello.</p>' }),
    responses: { 202: pending('Created and committed.', [], postLinks('$request.body#/slug')), ...errors(400, 401, 402, 403, 409, 413, 415) },
  });

export const updatePostDoc = (body: z.ZodType, put: boolean) =>
  describe({
    operationId: put ? 'replacePost' : 'updatePost',
    summary: put ? 'Update a blog post (PUT, same as PATCH)' : 'Update a blog post',
    description: 'A partial update of the fields sent. `If-Match: "v<n>"` makes it conditional.' + (put ? ' PUT behaves as PATCH, as in ButterCMS.' : ''),
    tags: WRITE,
    security: SECURITY.keyOrSession,
    parameters: [SLUG, ifMatch],
    requestBody: jsonBody(body, { title: 'Hello again', status: 'published' }),
    responses: { 202: pending('Updated and committed.', ['ETag'], postLinks('$request.path.slug', ['updatePost'])), ...errors(400, 401, 402, 403, 404, 409, 412, 413, 415) },
  });

export const deletePostDoc = describe({
  operationId: 'deletePost',
  summary: 'Delete a blog post',
  description: 'Soft-deletes the post (restorable). `If-Match` makes it conditional.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [SLUG, ifMatch],
  responses: {
    204: noContent('Deleted.', { restorePost: { operationId: 'restorePost', description: 'Undo the delete.', parameters: { slug: '$request.path.slug' } } }),
    ...errors(400, 401, 403, 404, 412),
  },
});

export const getManagedPostDoc = describe({
  operationId: 'getManagedPost',
  summary: 'Read a blog post for editing',
  description: 'The working copy with its status, schedule and version; `ETag: "v<n>"` is the value for If-Match.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [SLUG],
  responses: {
    200: jsonOk(
      'The working copy.',
      z.strictObject({ data: postSchema.extend({ status: z.enum(['draft', 'published', 'scheduled']), scheduled: timestamp().nullable(), version: z.number().int() }) }),
      { data: { ...POST_EXAMPLE, scheduled: null, version: 1 } },
      ['ETag'],
      postLinks('$request.path.slug', ['getManagedPost']),
    ),
    ...errors(400, 401, 403, 404),
  },
});

export const postRevisionsDoc = describe({
  operationId: 'listPostRevisions',
  summary: 'A blog post\'s revisions',
  description: 'Every saved revision, newest first, with the key or member that saved it.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [SLUG],
  responses: { 200: jsonOk('The revisions.', revisionsSchema('title'), revisionsExample('title', 'Hello world')), ...errors(400, 401, 403, 404) },
});

export const rollbackPostDoc = (body: z.ZodType) =>
  describe({
    operationId: 'rollbackPost',
    summary: 'Roll a blog post back to a revision',
    description: 'A new save with exactly that revision\'s content (status as given, else the revision\'s). Needs the publish right.',
    tags: WRITE,
    security: SECURITY.keyOrSession,
    parameters: [SLUG, ifMatch],
    requestBody: jsonBody(body, { version: 1, status: 'published' }),
    responses: { 202: pending('Rolled back and committed.', ['ETag']), ...errors(400, 401, 402, 403, 404, 409, 412, 413, 415) },
  });

export const restorePostDoc = describe({
  operationId: 'restorePost',
  summary: 'Restore a deleted blog post',
  description: 'Undoes a delete.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [SLUG],
  responses: { 202: pending('Restored and committed.', ['ETag']), ...errors(400, 401, 402, 403, 404, 409) },
});

export const unpublishPostDoc = describe({
  operationId: 'unpublishPost',
  summary: 'Unpublish a blog post',
  description:
    'Takes the published version down (public reads, lists and feeds no longer show it; the edge is purged) and makes the post a draft; its working copy stays, and a scheduled publication is cancelled. A save with `status: "draft"` does not do this: it keeps the published version live. Needs the publish right. 409 when nothing is published.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [SLUG, ifMatch],
  responses: { 202: pending('Unpublished and committed.', ['ETag']), ...errors(400, 401, 402, 403, 404, 409, 412) },
});

export const createAuthorDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createAuthor',
    summary: 'Create an author',
    description: 'Adds a blog author to the space (schema.manage).',
    tags: MANAGE,
    security: SECURITY.keyOrSession,
    parameters: [pathParam('spaceId', 'The space (of the caller\'s organization; any other answers 404).', { type: 'string', format: 'uuid' }, '7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d')],
    requestBody: jsonBody(body, { slug: 'ada', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org', title: 'Editor' }),
    responses: { 201: jsonOk('Created.', z.strictObject({ data: authorSchema }), { data: AUTHOR_EXAMPLE }), ...errors(400, 401, 402, 403, 404, 409, 413, 415) },
  });
