/**
 * Reads of the blog: published posts from `posts.published` (the JSON rendered at publish time,
 * so a list is one indexed query and filters look at what was published, never at a draft's
 * working copy), the preview (working copies rendered now), authors and terms with their recent
 * posts, feeds, the management view of one post, and the scheduler's due posts.
 */
import { and, asc, desc, eq, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authors, categories, postCategories, posts, postTags, tags } from '../../db/schema/index.js';
import type { FeedPost } from '../feeds/feeds.js';
import { RECENT_POSTS_LIMIT, renderAuthor, renderWorking, statusOf, type AuthorJson, type Neighbour, type PostJson, type PostStatus, type TermJson } from './render.js';

export interface PostFilters {
  authorSlug?: string | undefined;
  categorySlug?: string | undefined;
  tagSlug?: string | undefined;
  /** Case-insensitive substring of title, body or summary. */
  query?: string | undefined;
}

export interface PostListItem {
  id: string;
  post: PostJson;
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function publishedWhere(spaceId: string, f: PostFilters): SQL | undefined {
  const pub = posts.published;
  return and(
    eq(posts.spaceId, spaceId),
    isNull(posts.deletedAt),
    isNotNull(pub),
    f.authorSlug !== undefined ? sql`${pub}->'author'->>'slug' = ${f.authorSlug}` : undefined,
    f.categorySlug !== undefined ? sql`${pub}->'categories' @> ${JSON.stringify([{ slug: f.categorySlug }])}::jsonb` : undefined,
    f.tagSlug !== undefined ? sql`${pub}->'tags' @> ${JSON.stringify([{ slug: f.tagSlug }])}::jsonb` : undefined,
    f.query !== undefined
      ? sql`(${pub}->>'title' ilike ${likePattern(f.query)} or ${pub}->>'body' ilike ${likePattern(f.query)} or ${pub}->>'summary' ilike ${likePattern(f.query)})`
      : undefined,
  );
}

function previewWhere(spaceId: string, f: PostFilters): SQL | undefined {
  return and(
    eq(posts.spaceId, spaceId),
    isNull(posts.deletedAt),
    f.authorSlug !== undefined ? sql`${posts.authorId} in (select ${authors.id} from ${authors} where ${authors.spaceId} = ${spaceId} and ${authors.slug} = ${f.authorSlug})` : undefined,
    f.categorySlug !== undefined
      ? sql`exists (select 1 from ${postCategories} join ${categories} on ${categories.id} = ${postCategories.categoryId} where ${postCategories.postId} = ${posts.id} and ${categories.slug} = ${f.categorySlug})`
      : undefined,
    f.tagSlug !== undefined
      ? sql`exists (select 1 from ${postTags} join ${tags} on ${tags.id} = ${postTags.tagId} where ${postTags.postId} = ${posts.id} and ${tags.slug} = ${f.tagSlug})`
      : undefined,
    f.query !== undefined
      ? or(sql`${posts.title} ilike ${likePattern(f.query)}`, sql`${posts.body} ilike ${likePattern(f.query)}`, sql`${posts.summary} ilike ${likePattern(f.query)}`)
      : undefined,
  );
}

/** One page of posts, newest published first, and the total count. */
export async function listPosts(
  db: Db,
  q: { spaceId: string; preview: boolean; page: number; pageSize: number } & PostFilters,
): Promise<{ count: number; items: PostListItem[] }> {
  const offset = (q.page - 1) * q.pageSize;
  if (!q.preview) {
    const where = publishedWhere(q.spaceId, q);
    const [countRow] = await db.select({ n: sql<number>`count(*)::int` }).from(posts).where(where);
    const rows = await db
      .select({ id: posts.id, post: posts.published })
      .from(posts)
      .where(where)
      .orderBy(desc(posts.publishedAt), desc(posts.id))
      .limit(q.pageSize)
      .offset(offset);
    return { count: countRow?.n ?? 0, items: rows.map((r) => ({ id: r.id, post: r.post as PostJson })) };
  }
  const where = previewWhere(q.spaceId, q);
  const [countRow] = await db.select({ n: sql<number>`count(*)::int` }).from(posts).where(where);
  const rows = await db
    .select()
    .from(posts)
    .where(where)
    .orderBy(desc(sql`coalesce(${posts.publishedAt}, ${posts.updatedAt})`), desc(posts.id))
    .limit(q.pageSize)
    .offset(offset);
  const rendered = await renderWorking(db, rows);
  return { count: countRow?.n ?? 0, items: rows.map((r) => ({ id: r.id, post: rendered.get(r.id)! })) };
}

async function neighbour(db: Db, spaceId: string, publishedAt: Date, id: string, dir: 'next' | 'previous'): Promise<Neighbour | null> {
  const at = publishedAt.toISOString();
  const [row] = await db
    .select({ slug: posts.slug, title: sql<string>`${posts.published}->>'title'`, featuredImage: sql<string | null>`${posts.published}->>'featured_image'` })
    .from(posts)
    .where(
      and(
        eq(posts.spaceId, spaceId),
        isNull(posts.deletedAt),
        isNotNull(posts.published),
        dir === 'next' ? sql`(${posts.publishedAt}, ${posts.id}) > (${at}::timestamptz, ${id}::uuid)` : sql`(${posts.publishedAt}, ${posts.id}) < (${at}::timestamptz, ${id}::uuid)`,
      ),
    )
    .orderBy(...(dir === 'next' ? [asc(posts.publishedAt), asc(posts.id)] : [desc(posts.publishedAt), desc(posts.id)]))
    .limit(1);
  return row ? { slug: row.slug, title: row.title, featured_image: row.featuredImage } : null;
}

/**
 * One post by slug with ButterCMS's `next_post` (newer) and `previous_post` (older), both among
 * published posts. Preview renders the working copy (drafts included).
 */
export async function getPost(
  db: Db,
  q: { spaceId: string; slug: string; preview: boolean },
): Promise<{ id: string; post: PostJson; meta: { next_post: Neighbour | null; previous_post: Neighbour | null } } | null> {
  const [row] = await db
    .select()
    .from(posts)
    .where(and(eq(posts.spaceId, q.spaceId), eq(posts.slug, q.slug), isNull(posts.deletedAt), q.preview ? undefined : isNotNull(posts.published)))
    .limit(1);
  if (!row) return null;
  const post = q.preview ? (await renderWorking(db, [row])).get(row.id)! : (row.published as PostJson);
  const at = row.published ? row.publishedAt : null;
  const [next, previous] = at ? await Promise.all([neighbour(db, q.spaceId, at, row.id, 'next'), neighbour(db, q.spaceId, at, row.id, 'previous')]) : [null, null];
  return { id: row.id, post, meta: { next_post: next, previous_post: previous } };
}

async function recentPosts(db: Db, spaceId: string, f: PostFilters): Promise<PostListItem[]> {
  const rows = await db
    .select({ id: posts.id, post: posts.published })
    .from(posts)
    .where(publishedWhere(spaceId, f))
    .orderBy(desc(posts.publishedAt), desc(posts.id))
    .limit(RECENT_POSTS_LIMIT);
  return rows.map((r) => ({ id: r.id, post: r.post as PostJson }));
}

export interface WithRecent<T> {
  id: string;
  data: T & { recent_posts?: PostJson[] };
  postIds: string[];
}

export async function listAuthors(db: Db, spaceId: string, includeRecent: boolean, slug?: string): Promise<WithRecent<AuthorJson>[]> {
  const rows = await db
    .select()
    .from(authors)
    .where(and(eq(authors.spaceId, spaceId), slug !== undefined ? eq(authors.slug, slug) : undefined))
    .orderBy(asc(authors.slug));
  return Promise.all(
    rows.map(async (a) => {
      if (!includeRecent) return { id: a.id, data: renderAuthor(a), postIds: [] };
      const recent = await recentPosts(db, spaceId, { authorSlug: a.slug });
      return { id: a.id, data: { ...renderAuthor(a), recent_posts: recent.map((r) => r.post) }, postIds: recent.map((r) => r.id) };
    }),
  );
}

export async function listTerms(db: Db, kind: 'category' | 'tag', spaceId: string, includeRecent: boolean, slug?: string): Promise<WithRecent<TermJson>[]> {
  const table = kind === 'category' ? categories : tags;
  // Terms come into being with the post save that names them: only those a published post
  // carries are live (a draft's new tag is not listed until the draft is published).
  const carried = kind === 'category' ? sql`'categories'` : sql`'tags'`;
  const rows = await db
    .select({ id: table.id, name: table.name, slug: table.slug })
    .from(table)
    .where(
      and(
        eq(table.spaceId, spaceId),
        slug !== undefined ? eq(table.slug, slug) : undefined,
        sql`exists (select 1 from ${posts} where ${posts.spaceId} = ${spaceId} and ${posts.deletedAt} is null and ${posts.published} is not null and ${posts.published} -> ${carried} @> jsonb_build_array(jsonb_build_object('slug', ${table.slug})))`,
      ),
    )
    .orderBy(asc(table.name), asc(table.slug));
  return Promise.all(
    rows.map(async (t) => {
      const data = { name: t.name, slug: t.slug };
      if (!includeRecent) return { id: t.id, data, postIds: [] };
      const recent = await recentPosts(db, spaceId, kind === 'category' ? { categorySlug: t.slug } : { tagSlug: t.slug });
      return { id: t.id, data: { ...data, recent_posts: recent.map((r) => r.post) }, postIds: recent.map((r) => r.id) };
    }),
  );
}

/** Published posts for a feed (newest first); `limit` caps the item count. */
export async function feedPosts(db: Db, spaceId: string, f: Pick<PostFilters, 'categorySlug' | 'tagSlug'>, limit: number): Promise<FeedPost[]> {
  const rows = await db
    .select({ id: posts.id, post: posts.published, publishedAt: posts.publishedAt, updatedAt: posts.updatedAt })
    .from(posts)
    .where(publishedWhere(spaceId, f))
    .orderBy(desc(posts.publishedAt), desc(posts.id))
    .limit(limit);
  return rows.map((r) => {
    const p = r.post as PostJson;
    const authorName = p.author ? `${p.author.first_name} ${p.author.last_name}`.trim() : '';
    const published = r.publishedAt ?? r.updatedAt;
    return { id: r.id, slug: p.slug, url: p.url, title: p.title, summary: p.summary, body: p.body, featuredImage: p.featured_image, authorName, published, updated: new Date(p.updated) };
  });
}

/** The management view: the working copy with its version (the ETag), status and schedule. */
export async function getPostForManagement(
  db: Db,
  spaceId: string,
  slug: string,
): Promise<{ id: string; version: number; status: PostStatus; scheduledAt: Date | null; post: PostJson } | null> {
  const [row] = await db
    .select()
    .from(posts)
    .where(and(eq(posts.spaceId, spaceId), eq(posts.slug, slug), isNull(posts.deletedAt)))
    .limit(1);
  if (!row) return null;
  return { id: row.id, version: row.version, status: statusOf(row.status), scheduledAt: row.scheduledAt, post: (await renderWorking(db, [row])).get(row.id)! };
}

/** Posts whose scheduled time has come (oldest first), for the scheduler. */
export async function duePosts(db: Db, now: Date, limit = 50) {
  return db
    .select({ spaceId: posts.spaceId, slug: posts.slug })
    .from(posts)
    .where(and(eq(posts.status, 'scheduled'), lte(posts.scheduledAt, now), isNull(posts.deletedAt)))
    .orderBy(posts.scheduledAt)
    .limit(limit);
}
