/**
 * Management reads of blog posts for editors (the web app's posts list and revision diff;
 * issue 20), as pages have them (origin/content/pages/manage-list.ts):
 *   GET /v2/manage/spaces/{space}/posts/?status=&author=&author_slug=&category_slug=&tag_slug=&query=&page=&page_size=
 *       every post of the space — drafts, published, scheduled, or (status=deleted) deleted ones —
 *       newest change first, with its blog author and who saved it last. The Content API's lists
 *       (GET /v2/posts/) are published content for API keys; this is the working copies for
 *       members (and write/preview keys).
 *   GET /v2/manage/posts/{slug}/revisions/{version}/
 *       one revision with its content (the history lists versions only), for a field-level diff.
 * Both need content.preview in the space, like the other management reads.
 */
import { and, count, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import { authors, categories, postCategories, postRevisions, posts, postTags, tags } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { authorizeContent, authorizeSpace } from '../../http/authorize.js';
import { describe, errors, jsonOk, pathParam, queryParam, SECURITY, timestamp } from '../../http/openapi.js';
import { revisionSchema, SLUG, TIME_EXAMPLE } from '../openapi.js';
import { revisionDetail } from '../revisions.js';
import { authorParam, boundedInt, likeParam, MANAGE_PAGE, MANAGE_PAGE_SIZE, pagingMeta, statusParam } from '../collections/manage-list.js';
import { pathSlug, slugParam } from './params.js';

const POST_STATUSES = ['draft', 'published', 'scheduled', 'deleted'] as const;
const MAX_PAGE = 10_000_000;
const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;
const SLUG_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$';
const MEMBER_EXAMPLE = '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b';

const entrySchema = z.strictObject({
  slug: z.string(),
  title: z.string(),
  status: z.enum(POST_STATUSES),
  version: z.number().int(),
  author_slug: z.string().nullable().meta({ description: 'The blog author (GET /v2/authors/{slug}); null when none.' }),
  updated: timestamp(),
  published: timestamp().nullable(),
  scheduled: timestamp().nullable(),
  last_saved_by_user: z.string().nullable(),
  last_saved_by_key: z.string().nullable(),
});
const listMeta = z.strictObject({ count: z.number().int(), next_page: z.number().int().nullable(), previous_page: z.number().int().nullable() });

export const listManagedPostsDoc = describe({
  operationId: 'listManagedPosts',
  summary: 'List a space\'s blog posts for editing',
  description:
    'Every post of the space as editors see it — drafts, scheduled, published (or deleted ones with `status=deleted`) — newest change first, with its blog author and who saved it last. Filters: `status`, `author` (a member\'s id: posts whose last save was theirs), `author_slug` (the blog author), `category_slug`, `tag_slug`, `query` (in the title or slug). The Content API\'s lists (GET /v2/posts) serve published posts to API keys; this is the working copies.',
  tags: ['Write API'],
  security: SECURITY.keyOrSession,
  parameters: [
    pathParam('spaceId', 'The space.', { type: 'string', format: 'uuid' }),
    queryParam('status', 'Only posts in this state.', { type: 'string', enum: [...POST_STATUSES] }),
    queryParam('author', 'Only posts last saved by this member.', { type: 'string', format: 'uuid' }),
    queryParam('author_slug', 'Only posts by this blog author.', { type: 'string', pattern: SLUG_PATTERN }),
    queryParam('category_slug', 'Only posts in this category.', { type: 'string', pattern: SLUG_PATTERN }),
    queryParam('tag_slug', 'Only posts with this tag.', { type: 'string', pattern: SLUG_PATTERN }),
    queryParam('query', 'Text in the title or slug, 1–200 characters.', { type: 'string', minLength: 1, maxLength: 200 }),
    MANAGE_PAGE,
    MANAGE_PAGE_SIZE,
  ],
  responses: {
    200: jsonOk('The posts and paging metadata.', z.strictObject({ meta: listMeta, data: z.array(entrySchema) }), {
      meta: { count: 1, next_page: null, previous_page: null },
      data: [{ slug: 'hello-world', title: 'Hello world', status: 'draft', version: 2, author_slug: 'jane-doe', updated: TIME_EXAMPLE, published: null, scheduled: null, last_saved_by_user: MEMBER_EXAMPLE, last_saved_by_key: null }],
    }),
    ...errors(400, 401, 403, 404),
  },
});

export const getPostRevisionDoc = describe({
  operationId: 'getPostRevision',
  summary: 'One revision of a blog post, with its content',
  description: 'The title, status and content a revision saved — `fields`: body, summary, SEO texts, featured image, author slug, category and tag names — for a field-level diff against the working copy before a rollback.',
  tags: ['Write API'],
  security: SECURITY.keyOrSession,
  parameters: [{ ...SLUG, example: 'hello-world' }, pathParam('version', 'The revision\'s version.', { type: 'integer', minimum: 1 }, 1)],
  responses: {
    200: jsonOk(
      'The revision.',
      revisionSchema('title'),
      { data: { version: 1, title: 'Hello world', status: 'draft', fields: { body: '<p>Hi</p>', summary: '' }, created: TIME_EXAMPLE, created_by_key: null, created_by_user: MEMBER_EXAMPLE } },
    ),
    ...errors(400, 401, 403, 404),
  },
});

function postFilter(c: Context<OriginEnv>, spaceId: string): SQL | undefined {
  const where: (SQL | undefined)[] = [eq(posts.spaceId, spaceId)];
  const status = statusParam(c, POST_STATUSES);
  if (status === 'deleted') where.push(isNotNull(posts.deletedAt));
  else {
    where.push(isNull(posts.deletedAt));
    if (status) where.push(eq(posts.status, status));
  }
  const author = authorParam(c);
  if (author !== undefined) where.push(sql`exists (select 1 from ${postRevisions} r where r.post_id = ${posts.id} and r.version = ${posts.version} and r.created_by_user = ${author})`);
  const authorSlug = slugParam(c, 'author_slug');
  if (authorSlug !== undefined) where.push(sql`exists (select 1 from ${authors} a where a.id = ${posts.authorId} and a.slug = ${authorSlug})`);
  const category = slugParam(c, 'category_slug');
  if (category !== undefined) {
    where.push(sql`exists (select 1 from ${postCategories} pc join ${categories} k on k.id = pc.category_id where pc.post_id = ${posts.id} and k.slug = ${category})`);
  }
  const tag = slugParam(c, 'tag_slug');
  if (tag !== undefined) where.push(sql`exists (select 1 from ${postTags} pt join ${tags} t on t.id = pt.tag_id where pt.post_id = ${posts.id} and t.slug = ${tag})`);
  const like = likeParam(c);
  if (like !== undefined) where.push(or(ilike(posts.title, like), ilike(posts.slug, like)));
  return and(...where);
}

/** Adds the two management reads to the blog routes' app. */
export function addPostManagementReads(app: Hono<OriginEnv>, ctx: AppContext, auth: MiddlewareHandler<OriginEnv>): void {
  const db = () => ctx.database.db;

  app.get('/v2/manage/spaces/:spaceId/posts', listManagedPostsDoc, auth, async (c) => {
    const { spaceId } = await authorizeSpace(db(), c, c.req.param('spaceId'), 'content.preview');
    const page = boundedInt(c, 'page', 1, MAX_PAGE);
    const pageSize = boundedInt(c, 'page_size', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const where = postFilter(c, spaceId);
    const last = db()
      .select({ postId: postRevisions.postId, version: postRevisions.version, byUser: postRevisions.createdByUser, byKey: postRevisions.createdByKey })
      .from(postRevisions)
      .as('last_revision');
    const [rows, [total]] = await Promise.all([
      db()
        .select({ post: posts, authorSlug: authors.slug, byUser: last.byUser, byKey: last.byKey })
        .from(posts)
        .leftJoin(authors, eq(authors.id, posts.authorId))
        .leftJoin(last, and(eq(last.postId, posts.id), eq(last.version, posts.version)))
        .where(where)
        .orderBy(desc(posts.updatedAt), desc(posts.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db().select({ n: count() }).from(posts).where(where),
    ]);
    c.header('cache-control', 'no-store');
    return c.json({
      meta: pagingMeta(total?.n ?? 0, page, pageSize),
      data: rows.map(({ post: p, authorSlug, byUser, byKey }) => ({
        slug: p.slug,
        title: p.title,
        status: p.deletedAt ? ('deleted' as const) : p.status === 'published' || p.status === 'scheduled' ? p.status : ('draft' as const),
        version: p.version,
        author_slug: authorSlug ?? null,
        updated: p.updatedAt.toISOString(),
        published: p.publishedAt?.toISOString() ?? null,
        scheduled: p.scheduledAt?.toISOString() ?? null,
        last_saved_by_user: byUser ?? null,
        last_saved_by_key: byKey ?? null,
      })),
    });
  });

  app.get('/v2/manage/posts/:slug/revisions/:version', getPostRevisionDoc, auth, async (c) => {
    const { spaceId } = await authorizeContent(db(), c, 'content.preview');
    const slug = pathSlug(c, 'Post not found.');
    const version = c.req.param('version');
    if (!/^[1-9]\d{0,8}$/.test(version)) throw new ApiError('not_found', 'Revision not found.');
    const [post] = await db()
      .select({ id: posts.id })
      .from(posts)
      .where(and(eq(posts.spaceId, spaceId), eq(posts.slug, slug), isNull(posts.deletedAt)))
      .limit(1);
    if (!post) throw new ApiError('not_found', 'Post not found.');
    const r = await revisionDetail(db(), 'post', post.id, Number(version));
    if (!r) throw new ApiError('not_found', `Revision ${version} not found.`);
    c.header('cache-control', 'no-store');
    return c.json({ data: r });
  });
}
