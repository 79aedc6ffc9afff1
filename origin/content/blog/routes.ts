/**
 * The ButterCMS v2 blog API.
 *
 * Reads (read key; `preview=1` needs a preview or write key and shows drafts):
 *   GET /v2/posts/                 page, page_size (≤ 100), exclude_body, author_slug, category_slug, tag_slug
 *   GET /v2/posts/search/          query, page, page_size
 *   GET /v2/posts/{slug}/          { meta: { next_post, previous_post }, data }
 *   GET /v2/authors/[{slug}/]      include=recent_posts
 *   GET /v2/categories/[{slug}/]   include=recent_posts
 *   GET /v2/tags/[{slug}/]         include=recent_posts
 *   GET /v2/feeds/rss/ | atom/ | sitemap/   { data: "<xml>" } (rss/atom: category_slug, tag_slug)
 * Writes (write key), `202 {"status":"pending"}` once committed, like ButterCMS:
 *   POST /v2/posts/, PUT|PATCH /v2/posts/{slug}/ (partial), DELETE /v2/posts/{slug}/ (204, soft)
 *   GET  /v2/manage/posts/{slug}/  working copy + `ETag: "v<n>"`; `If-Match` makes writes conditional
 *   GET  /v2/manage/posts/{slug}/revisions/  revision history, newest first
 *   POST /v2/manage/posts/{slug}/rollback/   { version, status? } a new save with that revision's content → 202
 *   POST /v2/manage/posts/{slug}/restore/    undo a delete → 202
 *   GET  /v2/manage/spaces/{space}/posts/, /v2/manage/posts/{slug}/revisions/{v}/  the editors' list, one revision (manage-list.ts)
 *   Writes may schedule publication: `{ "status": "scheduled", "scheduled": "<future ISO time>" }`
 *   (published by origin/content/scheduler.ts; a published version stays live until then).
 * Authors (admin key): POST /v2/manage/spaces/{space}/authors/ (another organization's space: 404)
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { organizationOwnerName } from '../../identity/index.js';
import { contentRead } from '../read-db.js';
import type { OriginEnv } from '../../env.js';
import { authenticate } from '../../http/request-auth.js';
import type { Action } from '../../../shared/permissions.js';
import { authorizeContent, authorizeSpace, mayPublish, requirePublishRight } from '../../http/authorize.js';
import { blogKeys, withoutBody, type PostJson, type PostStatus } from './render.js';
import { feedPosts, getPost, getPostForManagement, listAuthors, listPosts, listTerms, type WithRecent } from './read.js';
import { createAuthor, createPost, deletePost, restorePost, rollbackPost, updatePost } from './write.js';
import { unpublishPost } from './unpublish.js';
import { revisionHistory } from '../revisions.js';
import { boolParam, cacheable, hasControlChars, includeRecent, intParam, paginationMeta, pathSlug, reader, slugParam, SLUG_RE } from './params.js';
import { renderAtom, renderRss, renderSitemap } from '../feeds/feeds.js';
import { parseBody } from '../../http/body.js';
import { urlProblem } from '../model/sanitize.js';
import { expectedVersion, rollbackBody, schedulable, scheduledAt, scheduleProblems, versionTag, writeActor } from '../../http/revisions.js';
import { unwrap } from '../../http/result.js';
import * as docs from './docs.js';
import { addPostManagementReads } from './manage-list.js';

export const BLOG_WRITE_BODY_LIMIT = 1024 * 1024;
const AUTHOR_BODY_LIMIT = 16_384;
const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 10;
const FEED_ITEMS = 50;
const SITEMAP_ITEMS = 5000;

// ---------------------------------------------------------------------------------------------
// Bodies

const slug = z.string().regex(SLUG_RE, { message: 'must be 1–200 letters, digits, - or _' });
const line = (max: number) => z.string().max(max, { message: `must be at most ${max} characters` }).refine((v) => !hasControlChars(v), { message: 'must not contain control characters' });
/** URL fields (featured image, author profile URLs): '' (none), or what the one URL policy accepts (origin/content/model/sanitize.ts). */
const httpUrl = z.string().superRefine((v, ctx) => {
  const problem = v === '' ? null : urlProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `must be an http(s) or relative URL (${problem})` });
});
const term = line(200).refine((v) => v.trim().length > 0, { message: 'must not be empty' });

const postShape = {
  title: line(500).refine((v) => v.trim().length > 0, { message: 'must not be empty' }),
  slug,
  status: schedulable.status,
  scheduled: schedulable.scheduled,
  author: z
    .object({ email: z.string().max(320), slug })
    .partial()
    .strict()
    .refine((a) => a.email !== undefined || a.slug !== undefined, { message: 'needs an email or a slug' }),
  categories: z.array(term).max(50, { message: 'at most 50' }),
  tags: z.array(term).max(100, { message: 'at most 100' }),
  featured_image: httpUrl,
  featured_image_alt: line(1000),
  body: z.string(),
  summary: z.string().max(10_000, { message: 'must be at most 10000 characters' }),
  seo_title: line(500),
  meta_description: z.string().max(1000, { message: 'must be at most 1000 characters' }),
  /** As ButterCMS: the body's images are imported into the asset store too (origin/content/assets/media-queue.ts). */
  upload_images_to_media_library: z.boolean(),
};
const createBody = z
  .object(postShape)
  .partial()
  .strict()
  .superRefine((b, c) => {
    if (b.title === undefined) c.addIssue({ code: 'custom', message: 'is required', path: ['title'] });
    if (b.slug === undefined) c.addIssue({ code: 'custom', message: 'is required', path: ['slug'] });
    scheduleProblems(b, c);
  });
const updateBody = z.object(postShape).partial().strict().superRefine(scheduleProblems);

const authorBody = z
  .object({
    slug,
    first_name: line(200),
    last_name: line(200),
    email: z.union([z.literal(''), z.email({ message: 'must be an email address' }).max(320)]),
    bio: z.string().max(10_000),
    title: line(200),
    linkedin_url: httpUrl,
    facebook_url: httpUrl,
    instagram_url: httpUrl,
    pinterest_url: httpUrl,
    twitter_handle: line(100),
    profile_image: httpUrl,
  })
  .partial()
  .required({ slug: true })
  .strict();

// ---------------------------------------------------------------------------------------------

export function blogRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const auth = authenticate(ctx);
  const writer = (c: Context<OriginEnv>, action: Action) => authorizeContent(ctx.database.db, c, action);
  const db = () => ctx.database.db;
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError('payload_too_large', `Bodies are limited to ${maxSize} bytes.`, { connection: 'close' });
      },
    });

  // --- posts: reads ----------------------------------------------------------------------------

  const postList = async (c: Context<OriginEnv>, search: boolean) => {
    const { spaceId, preview } = reader(c);
    const page = intParam(c, 'page', 1, 1, 100_000);
    const pageSize = intParam(c, 'page_size', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    const excludeBody = boolParam(c, 'exclude_body');
    let query: string | undefined;
    if (search) {
      query = (c.req.query('query') ?? '').trim();
      if (query.length === 0 || query.length > 200 || hasControlChars(query)) throw new ApiError('bad_request', 'query must be 1–200 characters.');
    }
    // Published: on a fresh replica when there are any (origin/content/read-db.ts).
    const { count, items } = await contentRead(ctx, { spaceId, preview }, (rdb) => listPosts(rdb, {
      spaceId,
      preview,
      page,
      pageSize,
      authorSlug: slugParam(c, 'author_slug'),
      categorySlug: slugParam(c, 'category_slug'),
      tagSlug: slugParam(c, 'tag_slug'),
      query,
    }));
    cacheable(
      c,
      spaceId,
      [blogKeys.posts(spaceId)],
      items.map((i) => i.id),
    );
    return c.json({ meta: paginationMeta(count, page, pageSize), data: items.map((i) => (excludeBody ? withoutBody(i.post) : i.post)) });
  };

  app.get('/v2/posts', docs.listPostsDoc, auth, (c) => postList(c, false));

  // `/v2/posts/search/` is served here too: a static path beside a parameter would keep Hono on
  // its slower TrieRouter for every route (RegExpRouter matches ~3× faster).
  app.get('/v2/posts/:slug', docs.getPostDoc, auth, async (c) => {
    if (c.req.param('slug') === 'search') return postList(c, true);
    const { spaceId, preview } = reader(c);
    const notFoundKeys = { 'surrogate-key': `${surrogateKeys.space(spaceId)} ${blogKeys.posts(spaceId)}` };
    const s = c.req.param('slug');
    if (!SLUG_RE.test(s)) throw new ApiError('not_found', 'Post not found.', notFoundKeys);
    const found = await contentRead(ctx, { spaceId, preview }, (rdb) => getPost(rdb, { spaceId, slug: s, preview }));
    // Tagged with the list key, which every post write purges (so a create clears a cached 404).
    if (!found) throw new ApiError('not_found', 'Post not found.', notFoundKeys);
    cacheable(c, spaceId, [blogKeys.posts(spaceId)], [found.id]);
    return c.json({ meta: found.meta, data: found.post });
  });

  // --- authors, categories, tags ---------------------------------------------------------------

  function respondWithRecent<T>(c: Context<OriginEnv>, spaceId: string, listKey: string, keyOf: (id: string) => string, rows: WithRecent<T>[], recent: boolean, one: boolean, notFound: string) {
    if (one && rows.length === 0) throw new ApiError('not_found', notFound, { 'surrogate-key': `${surrogateKeys.space(spaceId)} ${listKey}` });
    cacheable(
      c,
      spaceId,
      [listKey, ...rows.map((r) => keyOf(r.id)), ...(recent ? [blogKeys.posts(spaceId)] : [])],
      rows.flatMap((r) => r.postIds),
    );
    return c.json({ data: one ? rows[0]!.data : rows.map((r) => r.data) });
  }

  app.get('/v2/authors', docs.listAuthorsDoc, auth, async (c) => {
    const r = reader(c);
    const spaceId = r.spaceId;
    const recent = includeRecent(c);
    return respondWithRecent(c, spaceId, blogKeys.authors(spaceId), blogKeys.author, await contentRead(ctx, r, (rdb) => listAuthors(rdb, spaceId, recent)), recent, false, '');
  });
  app.get('/v2/authors/:slug', docs.getAuthorDoc, auth, async (c) => {
    const r = reader(c);
    const spaceId = r.spaceId;
    const recent = includeRecent(c);
    const s = pathSlug(c, 'Author not found.');
    return respondWithRecent(c, spaceId, blogKeys.authors(spaceId), blogKeys.author, await contentRead(ctx, r, (rdb) => listAuthors(rdb, spaceId, recent, s)), recent, true, 'Author not found.');
  });

  for (const [kind, path, listKey, keyOf, notFound] of [
    ['category', '/v2/categories', blogKeys.categories, blogKeys.category, 'Category not found.'],
    ['tag', '/v2/tags', blogKeys.tags, blogKeys.tag, 'Tag not found.'],
  ] as const) {
    app.get(path, docs.listTermsDoc(kind), auth, async (c) => {
      const r = reader(c);
      const spaceId = r.spaceId;
      const recent = includeRecent(c);
      return respondWithRecent(c, spaceId, listKey(spaceId), keyOf, await contentRead(ctx, r, (rdb) => listTerms(rdb, kind, spaceId, recent)), recent, false, notFound);
    });
    app.get(`${path}/:slug`, docs.getTermDoc(kind), auth, async (c) => {
      const r = reader(c);
      const spaceId = r.spaceId;
      const recent = includeRecent(c);
      const s = pathSlug(c, notFound);
      return respondWithRecent(c, spaceId, listKey(spaceId), keyOf, await contentRead(ctx, r, (rdb) => listTerms(rdb, kind, spaceId, recent, s)), recent, true, notFound);
    });
  }

  // --- feeds -----------------------------------------------------------------------------------

  app.get('/v2/feeds/:feed', docs.feedDoc, auth, async (c) => {
    const { spaceId } = reader(c);
    const feed = c.req.param('feed');
    if (feed !== 'rss' && feed !== 'atom' && feed !== 'sitemap') throw new ApiError('not_found', 'Feed not found.');
    const filters = feed === 'sitemap' ? {} : { categorySlug: slugParam(c, 'category_slug'), tagSlug: slugParam(c, 'tag_slug') };
    const items = await contentRead(ctx, reader(c), (rdb) => feedPosts(rdb, spaceId, filters, feed === 'sitemap' ? SITEMAP_ITEMS : FEED_ITEMS));
    const info = { spaceId, title: 'Latest blog posts', link: '/blog/', now: new Date(ctx.now() * 1000) };
    const data = feed === 'rss' ? renderRss(info, items) : feed === 'atom' ? renderAtom(info, items) : renderSitemap(items);
    // Feeds list many posts: the feed key (purged by every post write) stands for them all.
    cacheable(c, spaceId, [blogKeys.feeds(spaceId)]);
    return c.json({ data });
  });

  // --- posts: writes ---------------------------------------------------------------------------

  app.post('/v2/posts', docs.createPostDoc(createBody), auth, limit(BLOG_WRITE_BODY_LIMIT), async (c) => {
    const actor = await writer(c, 'content.write');
    const { spaceId, keyId, userId } = actor;
    const { scheduled, upload_images_to_media_library: uploadImages, ...body } = await parseBody(c, createBody);
    requirePublishRight(c, actor, body.status);
    const ownerName = (t: Db, organizationId: string) => organizationOwnerName(t, ctx.identity.personalData, organizationId);
    unwrap(await createPost(db(), spaceId, { ...body, ...scheduledAt({ scheduled }), title: body.title!, slug: body.slug! }, { keyId, userId, mayPublish: mayPublish(c, actor), actor: writeActor(c, actor), uploadImages: uploadImages === true, ownerName }));
    return c.json({ status: 'pending' }, 202);
  });

  const update = async (c: Context<OriginEnv>) => {
    const actor = await writer(c, 'content.write');
    const { spaceId, keyId, userId } = actor;
    const s = pathSlug(c, 'Post not found.');
    const { scheduled, upload_images_to_media_library: uploadImages, ...body } = await parseBody(c, updateBody);
    // Editing a published post's live version or slug, or a scheduled post, is refused by updatePost without content.publish.
    requirePublishRight(c, actor, body.status);
    const saved = unwrap(
      await updatePost(db(), spaceId, s, { ...body, ...scheduledAt({ scheduled }) }, expectedVersion(c), { keyId, userId, mayPublish: mayPublish(c, actor), actor: writeActor(c, actor), uploadImages: uploadImages === true }));
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  };
  app.patch('/v2/posts/:slug', docs.updatePostDoc(updateBody, false), auth, limit(BLOG_WRITE_BODY_LIMIT), update);
  app.put('/v2/posts/:slug', docs.updatePostDoc(updateBody, true), auth, limit(BLOG_WRITE_BODY_LIMIT), update);

  app.delete('/v2/posts/:slug', docs.deletePostDoc, auth, async (c) => {
    const actor = await writer(c, 'content.delete');
    const { spaceId, keyId, userId } = actor;
    const s = pathSlug(c, 'Post not found.');
    unwrap(await deletePost(db(), spaceId, s, expectedVersion(c), { keyId, userId, mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }));
    return c.body(null, 204);
  });

  app.get('/v2/manage/posts/:slug', docs.getManagedPostDoc, auth, async (c) => {
    const { spaceId } = await writer(c, 'content.preview');
    const s = pathSlug(c, 'Post not found.');
    const found = await getPostForManagement(db(), spaceId, s);
    if (!found) throw new ApiError('not_found', 'Post not found.');
    c.header('etag', versionTag(found.version));
    c.header('cache-control', 'no-store');
    const data: Omit<PostJson, 'status'> & { status: PostStatus; scheduled: string | null; version: number } = {
      ...found.post,
      status: found.status,
      scheduled: found.scheduledAt?.toISOString() ?? null,
      version: found.version,
    };
    return c.json({ data });
  });

  /** The revision history, newest first: each revision with the key or member that saved it. */
  app.get('/v2/manage/posts/:slug/revisions', docs.postRevisionsDoc, auth, async (c) => {
    const { spaceId } = await writer(c, 'content.preview');
    const found = await getPostForManagement(db(), spaceId, pathSlug(c, 'Post not found.'));
    if (!found) throw new ApiError('not_found', 'Post not found.');
    c.header('cache-control', 'no-store');
    return c.json({ data: await revisionHistory(db(), 'post', found.id) });
  });

  /** Rollback to any revision: a new save with exactly that revision's content. */
  app.post('/v2/manage/posts/:slug/rollback', docs.rollbackPostDoc(rollbackBody), auth, limit(1024), async (c) => {
    const actor = await writer(c, 'content.publish');
    const { spaceId, keyId, userId } = actor;
    const s = pathSlug(c, 'Post not found.');
    const body = await parseBody(c, rollbackBody);
    const saved = unwrap(await rollbackPost(db(), spaceId, s, body, expectedVersion(c), { keyId, userId, mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }));
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  });

  addPostManagementReads(app, ctx, auth);

  /** Take the published version down (a `status: "draft"` save keeps it live). */
  app.post('/v2/manage/posts/:slug/unpublish', docs.unpublishPostDoc, auth, async (c) => {
    const actor = await writer(c, 'content.publish');
    const { spaceId, keyId, userId } = actor;
    const saved = unwrap(await unpublishPost(db(), spaceId, pathSlug(c, 'Post not found.'), expectedVersion(c), { keyId, userId, mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }));
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  });

  /** Undo a delete. */
  app.post('/v2/manage/posts/:slug/restore', docs.restorePostDoc, auth, async (c) => {
    const actor = await writer(c, 'content.delete');
    const { spaceId, keyId, userId } = actor;
    const saved = unwrap(await restorePost(db(), spaceId, pathSlug(c, 'Post not found.'), { keyId, userId, mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }));
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  });

  // --- authors: management (admin key) ---------------------------------------------------------

  app.post('/v2/manage/spaces/:spaceId/authors', docs.createAuthorDoc(authorBody), auth, limit(AUTHOR_BODY_LIMIT), async (c) => {
    const actor = await authorizeSpace(db(), c, c.req.param('spaceId'), 'schema.manage');
    const body = await parseBody(c, authorBody);
    const author = unwrap(await createAuthor(db(), actor.spaceId, body, writeActor(c, actor)));
    return c.json({ data: author }, 201);
  });

  return app;
}
