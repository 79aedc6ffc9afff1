/**
 * The blog: ButterCMS-shaped posts, authors, categories and tags.
 *
 * Reads of published content answer from `posts.published`, the post JSON rendered at publish
 * time (author, categories and tags included), so a list is one indexed query and filters
 * (`author_slug`, `category_slug`, `tag_slug`, search) look at what was published, never at a
 * draft's working copy. Preview reads render the working copy now.
 *
 * Writes follow the page write path: one transaction changes the post and its links, re-renders
 * the published JSON when publishing, queues the purge of every surrogate key the change makes
 * stale (the post, lists, feeds, and every author / category / tag it belonged to before or
 * after) and queues the webhook event. Saves bump `version` (the ETag) under a row lock, so a
 * conditional write (If-Match) has exactly one winner per version. Every save (create, update,
 * delete, restore, rollback, scheduled publish) writes an immutable revision in the same
 * transaction. A scheduled post keeps its current published form (if any) until the scheduler
 * publishes it, as a draft save does.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { authors, categories, postCategories, postRevisions, posts, postTags, tags } from '../../db/schema/index.js';
import type { FeedPost } from '../feeds/feeds.js';
import { commitWrite, type WriteActor, type WriteScope } from '../../outbox/index.js';
import { postWebhookData } from '../../outbox/index.js';
import { surrogateKeys } from '../../../shared/surrogate.js';
import { cleanString, POST_FIELD_KINDS } from '../model/schema.js';
import { guardLiveChange, mayPublishOf, NOTHING_LIVE, refusingLiveChanges, type LiveState } from '../live-changes.js';

// ---------------------------------------------------------------------------------------------
/** Surrogate keys of the blog: the shared names the edge purges by. */
export const blogKeys = surrogateKeys;

/** Where a post lives on the site; relative until spaces carry a public blog URL. */
export const BLOG_PATH = '/blog/';
export const RECENT_POSTS_LIMIT = 10;

// ---------------------------------------------------------------------------------------------
// Shapes

export interface AuthorJson {
  first_name: string;
  last_name: string;
  email: string;
  slug: string;
  bio: string;
  title: string;
  linkedin_url: string;
  facebook_url: string;
  instagram_url: string;
  pinterest_url: string;
  twitter_handle: string;
  profile_image: string;
}

export interface TermJson {
  name: string;
  slug: string;
}

export interface PostJson {
  url: string;
  created: string;
  published: string | null;
  updated: string;
  status: 'draft' | 'published';
  title: string;
  slug: string;
  summary: string;
  body: string;
  seo_title: string;
  meta_description: string;
  featured_image: string | null;
  featured_image_alt: string;
  author: AuthorJson | null;
  categories: TermJson[];
  tags: TermJson[];
}

export interface Neighbour {
  slug: string;
  title: string;
  featured_image: string | null;
}

type AuthorRow = typeof authors.$inferSelect;
type PostRow = typeof posts.$inferSelect;

export function renderAuthor(a: AuthorRow): AuthorJson {
  return {
    first_name: a.firstName,
    last_name: a.lastName,
    email: a.email,
    slug: a.slug,
    bio: a.bio,
    title: a.title,
    linkedin_url: a.linkedinUrl,
    facebook_url: a.facebookUrl,
    instagram_url: a.instagramUrl,
    pinterest_url: a.pinterestUrl,
    twitter_handle: a.twitterHandle,
    profile_image: a.profileImage,
  };
}

function renderPost(p: PostRow, author: AuthorRow | null, cats: TermJson[], tagList: TermJson[]): PostJson {
  return {
    url: `${BLOG_PATH}${p.slug}`,
    created: p.createdAt.toISOString(),
    published: p.publishedAt?.toISOString() ?? null,
    updated: p.updatedAt.toISOString(),
    status: p.status === 'published' ? 'published' : 'draft',
    title: p.title,
    slug: p.slug,
    summary: p.summary,
    body: p.body,
    seo_title: p.seoTitle,
    meta_description: p.metaDescription,
    featured_image: p.featuredImage === '' ? null : p.featuredImage,
    featured_image_alt: p.featuredImageAlt,
    author: author ? renderAuthor(author) : null,
    categories: cats,
    tags: tagList,
  };
}

/** ButterCMS `exclude_body=true`: the post without its body. */
export function withoutBody(p: PostJson): Omit<PostJson, 'body'> {
  const { body: _body, ...rest } = p;
  return rest;
}

/** Renders working copies (the preview view), keyed by post id. */
async function renderWorking(db: Db, rows: PostRow[]): Promise<Map<string, PostJson>> {
  const out = new Map<string, PostJson>();
  if (rows.length === 0) return out;
  const ids = rows.map((r) => r.id);
  const authorIds = [...new Set(rows.map((r) => r.authorId).filter((x): x is string => x !== null))];
  const [authorRows, catRows, tagRows] = await Promise.all([
    authorIds.length ? db.select().from(authors).where(inArray(authors.id, authorIds)) : Promise.resolve([] as AuthorRow[]),
    db
      .select({ postId: postCategories.postId, name: categories.name, slug: categories.slug })
      .from(postCategories)
      .innerJoin(categories, eq(categories.id, postCategories.categoryId))
      .where(inArray(postCategories.postId, ids))
      .orderBy(asc(categories.name), asc(categories.slug)),
    db
      .select({ postId: postTags.postId, name: tags.name, slug: tags.slug })
      .from(postTags)
      .innerJoin(tags, eq(tags.id, postTags.tagId))
      .where(inArray(postTags.postId, ids))
      .orderBy(asc(tags.name), asc(tags.slug)),
  ]);
  const byAuthor = new Map(authorRows.map((a) => [a.id, a]));
  for (const r of rows) {
    const cats = catRows.filter((c) => c.postId === r.id).map((c) => ({ name: c.name, slug: c.slug }));
    const tgs = tagRows.filter((c) => c.postId === r.id).map((c) => ({ name: c.name, slug: c.slug }));
    out.set(r.id, renderPost(r, r.authorId ? (byAuthor.get(r.authorId) ?? null) : null, cats, tgs));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reads

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

// ---------------------------------------------------------------------------------------------
// Writes

export type PostStatus = 'draft' | 'published' | 'scheduled';

export interface PostInput {
  title?: string | undefined;
  slug?: string | undefined;
  status?: PostStatus | undefined;
  /** With status `scheduled`: when the scheduler publishes the post. */
  scheduledAt?: Date | undefined;
  /** null removes the author (rollback to a revision without one). */
  author?: { email?: string | undefined; slug?: string | undefined } | null | undefined;
  categories?: string[] | undefined;
  tags?: string[] | undefined;
  featured_image?: string | undefined;
  featured_image_alt?: string | undefined;
  body?: string | undefined;
  summary?: string | undefined;
  seo_title?: string | undefined;
  meta_description?: string | undefined;
}

export interface SavedPost {
  id: string;
  version: number;
  status: PostStatus;
}

/**
 * Who saves — an API key or a signed-in member (both null: the scheduler) — and, for the
 * scheduler, the time the post must still be due at.
 */
export interface SaveOptions {
  keyId: string | null;
  userId: string | null;
  onlyIfDue?: Date;
  /**
   * The actor holds content.publish: without it a save that changes what readers see (the
   * published form, the live slug, visibility) or touches a scheduled post is refused
   * (origin/content/live-changes.ts). Absent: only the scheduler (onlyIfDue) may.
   */
  mayPublish?: boolean;
  /** The actor as the audit row names it (see origin/outbox/commit.ts); absent: an operator with keyId / userId. */
  actor?: WriteActor;
  /** Internal: the audit action when the save is a rollback. */
  auditAction?: 'post.rollback';
}

/** Who saves (see SaveOptions.actor). */
function writerOf(opts: SaveOptions): WriteActor {
  return opts.actor ?? { userId: opts.userId, keyId: opts.keyId, system: 'operator' };
}

/** The audit row of a post save. */
function auditPost(w: WriteScope, action: string, row: PostRow, status: string, before: number | null): void {
  w.audit({ action, target: { type: 'post', id: row.id }, version: { before, after: row.version }, metadata: { slug: row.slug, status } });
}

/**
 * What readers of a post see: its published form, the slug it is served at (a post's slug is its
 * live URL) and its publication date (lists order by it); nothing while a draft or deleted.
 */
function postLiveState(row: Pick<PostRow, 'deletedAt' | 'published' | 'slug' | 'publishedAt' | 'status'>): LiveState {
  if (row.deletedAt !== null) return NOTHING_LIVE;
  return { live: row.published === null ? null : { published: row.published, slug: row.slug, publishedAt: row.publishedAt }, scheduled: row.status === 'scheduled' };
}

async function postLiveStateById(t: Db, id: string): Promise<LiveState> {
  const [row] = await t.select().from(posts).where(eq(posts.id, id));
  return row ? postLiveState(row) : NOTHING_LIVE;
}

/** A revision's `fields`: the post's content besides its title, as a write body names it. */
export interface PostRevisionFields {
  body: string;
  summary: string;
  seo_title: string;
  meta_description: string;
  featured_image: string;
  featured_image_alt: string;
  author: string | null;
  categories: string[];
  tags: string[];
}

function revisionFields(p: PostJson): PostRevisionFields {
  return {
    body: p.body,
    summary: p.summary,
    seo_title: p.seo_title,
    meta_description: p.meta_description,
    featured_image: p.featured_image ?? '',
    featured_image_alt: p.featured_image_alt,
    author: p.author?.slug ?? null,
    categories: p.categories.map((c) => c.name),
    tags: p.tags.map((g) => g.name),
  };
}

async function writeRevision(t: Db, row: PostRow, status: PostStatus | 'deleted', rendering: PostJson, by: Pick<SaveOptions, 'keyId' | 'userId'>): Promise<void> {
  await t
    .insert(postRevisions)
    .values({ postId: row.id, version: row.version, title: row.title, status, fields: revisionFields(rendering), createdByKey: by.keyId, createdByUser: by.userId });
}

const statusOf = (s: string): PostStatus => (s === 'published' || s === 'scheduled' ? s : 'draft');

/** Post bodies and summaries are HTML: the one sanitiser policy cleans them (origin/content/model/sanitize.ts). */
export function sanitizePostHtml(field: 'body' | 'summary', html: string): string {
  const cleaned = cleanString(POST_FIELD_KINDS[field], html);
  return 'value' in cleaned ? cleaned.value : '';
}

/** `"Really Good Recipes"` → `really-good-recipes` (how a category or tag name becomes a slug). */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .replace(/-+$/, '')
    .slice(0, 100);
}

async function resolveAuthor(t: Db, spaceId: string, ref: { email?: string | undefined; slug?: string | undefined }): Promise<AuthorRow | null> {
  const [row] = await t
    .select()
    .from(authors)
    .where(
      and(
        eq(authors.spaceId, spaceId),
        ref.slug !== undefined ? eq(authors.slug, ref.slug) : sql`lower(${authors.email}) = lower(${ref.email ?? ''}) and ${authors.email} <> ''`,
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Finds (by slug of the given name or slug) or creates each term; returns ids in input order. */
async function resolveTerms(t: Db, kind: 'category' | 'tag', spaceId: string, names: readonly string[]): Promise<{ ids: string[]; created: boolean } | { invalid: string }> {
  const bySlug = new Map<string, string>();
  for (const raw of names) {
    const name = raw.trim();
    const slug = slugify(name);
    if (!slug) return { invalid: `${kind === 'category' ? 'categories' : 'tags'}: "${name.slice(0, 40)}" has no letters or digits` };
    if (!bySlug.has(slug)) bySlug.set(slug, name);
  }
  if (bySlug.size === 0) return { ids: [], created: false };
  const values = [...bySlug].map(([slug, name]) => ({ spaceId, slug, name }));
  const slugs = [...bySlug.keys()];
  let inserted: { id: string }[];
  let rows: { id: string; slug: string }[];
  if (kind === 'category') {
    inserted = await t.insert(categories).values(values).onConflictDoNothing().returning({ id: categories.id });
    rows = await t.select({ id: categories.id, slug: categories.slug }).from(categories).where(and(eq(categories.spaceId, spaceId), inArray(categories.slug, slugs)));
  } else {
    inserted = await t.insert(tags).values(values).onConflictDoNothing().returning({ id: tags.id });
    rows = await t.select({ id: tags.id, slug: tags.slug }).from(tags).where(and(eq(tags.spaceId, spaceId), inArray(tags.slug, slugs)));
  }
  const idOf = new Map(rows.map((r) => [r.slug, r.id]));
  return { ids: slugs.map((s) => idOf.get(s)).filter((x): x is string => x !== undefined), created: inserted.length > 0 };
}

/** Surrogate keys of every author / category / tag the given renderings mention. */
async function relatedKeys(t: Db, spaceId: string, renderings: readonly (PostJson | null | undefined)[]): Promise<string[]> {
  const authorSlugs = new Set<string>();
  const catSlugs = new Set<string>();
  const tagSlugs = new Set<string>();
  for (const p of renderings) {
    if (!p) continue;
    if (p.author) authorSlugs.add(p.author.slug);
    for (const c of p.categories) catSlugs.add(c.slug);
    for (const g of p.tags) tagSlugs.add(g.slug);
  }
  const keys: string[] = [];
  if (authorSlugs.size) {
    for (const a of await t.select({ id: authors.id }).from(authors).where(and(eq(authors.spaceId, spaceId), inArray(authors.slug, [...authorSlugs])))) keys.push(blogKeys.author(a.id));
  }
  if (catSlugs.size) {
    for (const c of await t.select({ id: categories.id }).from(categories).where(and(eq(categories.spaceId, spaceId), inArray(categories.slug, [...catSlugs])))) keys.push(blogKeys.category(c.id));
  }
  if (tagSlugs.size) {
    for (const g of await t.select({ id: tags.id }).from(tags).where(and(eq(tags.spaceId, spaceId), inArray(tags.slug, [...tagSlugs])))) keys.push(blogKeys.tag(g.id));
  }
  return keys;
}

async function replaceLinks(t: Db, postId: string, categoryIds: string[] | null, tagIds: string[] | null): Promise<void> {
  if (categoryIds) {
    await t.delete(postCategories).where(eq(postCategories.postId, postId));
    if (categoryIds.length) await t.insert(postCategories).values(categoryIds.map((categoryId) => ({ postId, categoryId })));
  }
  if (tagIds) {
    await t.delete(postTags).where(eq(postTags.postId, postId));
    if (tagIds.length) await t.insert(postTags).values(tagIds.map((tagId) => ({ postId, tagId })));
  }
}

/** Re-renders the post; when it is published, stores the rendering as its published form. */
async function publishIfNeeded(t: Db, row: PostRow): Promise<PostJson> {
  const rendered = (await renderWorking(t, [row])).get(row.id)!;
  if (row.status === 'published') await t.update(posts).set({ published: rendered }).where(eq(posts.id, row.id));
  return rendered;
}

/** A post save's revision, purge and webhook event, recorded by the commit step. */
async function finish(
  w: WriteScope,
  spaceId: string,
  row: PostRow,
  revision: { status: PostStatus | 'deleted'; rendering: PostJson; by: SaveOptions },
  event: 'post.published' | 'post.draft' | 'post.delete',
  renderings: readonly (PostJson | null | undefined)[],
  extraKeys: string[],
): Promise<void> {
  // The category and tag lists show only terms published posts carry: any post change may add or drop one.
  const keys = [blogKeys.post(row.id), blogKeys.posts(spaceId), blogKeys.feeds(spaceId), blogKeys.categories(spaceId), blogKeys.tags(spaceId), ...extraKeys, ...(await relatedKeys(w.t, spaceId, renderings))];
  await w.changed({
    revision: () => writeRevision(w.t, row, revision.status, revision.rendering, revision.by),
    purge: { keys },
    webhooks: [{ event, data: postWebhookData({ slug: row.slug, id: row.id }) }],
  });
}

type Terms = { categoryIds: string[] | null; tagIds: string[] | null; created: string[] };

async function resolveAll(t: Db, spaceId: string, input: PostInput): Promise<Result<{ author: AuthorRow | null | undefined; terms: Terms }>> {
  let author: AuthorRow | null | undefined = input.author === null ? null : undefined;
  if (input.author) {
    author = await resolveAuthor(t, spaceId, input.author);
    if (!author) return { ok: false, error: 'invalid', detail: 'Invalid request: author: no such author in this space.' };
  }
  const terms: Terms = { categoryIds: null, tagIds: null, created: [] };
  if (input.categories) {
    const r = await resolveTerms(t, 'category', spaceId, input.categories);
    if ('invalid' in r) return { ok: false, error: 'invalid', detail: `Invalid request: ${r.invalid}.` };
    terms.categoryIds = r.ids;
    if (r.created) terms.created.push(blogKeys.categories(spaceId));
  }
  if (input.tags) {
    const r = await resolveTerms(t, 'tag', spaceId, input.tags);
    if ('invalid' in r) return { ok: false, error: 'invalid', detail: `Invalid request: ${r.invalid}.` };
    terms.tagIds = r.ids;
    if (r.created) terms.created.push(blogKeys.tags(spaceId));
  }
  return { ok: true, value: { author, terms } };
}

function columnsOf(input: PostInput): Partial<typeof posts.$inferInsert> {
  return {
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.slug !== undefined ? { slug: input.slug } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.body !== undefined ? { body: sanitizePostHtml('body', input.body) } : {}),
    ...(input.summary !== undefined ? { summary: sanitizePostHtml('summary', input.summary) } : {}),
    ...(input.seo_title !== undefined ? { seoTitle: input.seo_title } : {}),
    ...(input.meta_description !== undefined ? { metaDescription: input.meta_description } : {}),
    ...(input.featured_image !== undefined ? { featuredImage: input.featured_image } : {}),
    ...(input.featured_image_alt !== undefined ? { featuredImageAlt: input.featured_image_alt } : {}),
  };
}

export async function createPost(db: Db, spaceId: string, input: PostInput & { title: string; slug: string }, opts: SaveOptions): Promise<Result<SavedPost>> {
  return refusingLiveChanges(() => createPostTx(db, spaceId, input, opts));
}

async function createPostTx(db: Db, spaceId: string, input: PostInput & { title: string; slug: string }, opts: SaveOptions): Promise<Result<SavedPost>> {
  return commitWrite(db, writerOf(opts), spaceId, async (w): Promise<Result<SavedPost>> => {
    const t = w.t;
    const [existing] = await t.select().from(posts).where(and(eq(posts.spaceId, spaceId), eq(posts.slug, input.slug))).for('update').limit(1);
    if (existing && !existing.deletedAt) return { ok: false, error: 'duplicate', detail: `A post with slug "${input.slug}" already exists.` };
    const resolved = await resolveAll(t, spaceId, input);
    if (!resolved.ok) return resolved;
    const { author, terms } = resolved.value;
    const now = new Date();
    const status = input.status ?? 'draft';
    const fresh = {
      title: input.title,
      slug: input.slug,
      status,
      scheduledAt: status === 'scheduled' ? (input.scheduledAt ?? null) : null,
      body: '',
      summary: '',
      seoTitle: '',
      metaDescription: '',
      featuredImage: '',
      featuredImageAlt: '',
      ...columnsOf(input),
      authorId: author?.id ?? null,
      updatedAt: now,
      publishedAt: status === 'published' ? now : null,
      published: null,
      deletedAt: null,
    };
    let row: PostRow;
    let before: (PostJson | null)[] = [];
    if (existing) {
      // Re-creating a soft-deleted post revives its row; its old links and published form go.
      before = [existing.published as PostJson | null];
      [row] = (await t
        .update(posts)
        .set({ ...fresh, createdAt: now, version: sql`${posts.version} + 1` })
        .where(eq(posts.id, existing.id))
        .returning()) as [PostRow];
      await replaceLinks(t, row.id, [], []);
    } else {
      const [inserted] = await t
        .insert(posts)
        .values({ spaceId, ...fresh, createdAt: now })
        .onConflictDoNothing()
        .returning();
      // A concurrent create of the same slug won the race.
      if (!inserted) return { ok: false, error: 'duplicate', detail: `A post with slug "${input.slug}" already exists.` };
      row = inserted;
    }
    await replaceLinks(t, row.id, terms.categoryIds, terms.tagIds);
    const rendered = await publishIfNeeded(t, row);
    // A new post (or a revived deleted one) had nothing live.
    guardLiveChange(mayPublishOf(opts), NOTHING_LIVE, await postLiveStateById(t, row.id));
    await finish(w, spaceId, row, { status, rendering: rendered, by: opts }, status === 'published' ? 'post.published' : 'post.draft', [...before, rendered], terms.created);
    auditPost(w, 'post.create', row, status, existing ? existing.version : null);
    return { ok: true, value: { id: row.id, version: row.version, status } };
  });
}

/** Postgres unique violation (SQLSTATE 23505), possibly wrapped by Drizzle. */
function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export async function updatePost(db: Db, spaceId: string, slug: string, input: PostInput, expectedVersion: number | null, opts: SaveOptions): Promise<Result<SavedPost>> {
  try {
    return await refusingLiveChanges(() => updatePostTx(db, spaceId, slug, input, expectedVersion, opts));
  } catch (err) {
    // A concurrent rename took the new slug between our check and our update.
    if (isUniqueViolation(err)) return { ok: false, error: 'duplicate', detail: `A post with slug "${input.slug ?? slug}" already exists.` };
    throw err;
  }
}

/** The live (not deleted) post, locked for this transaction, if it is still at `expectedVersion`. */
async function lockLivePost(t: Db, spaceId: string, slug: string, expectedVersion: number | null): Promise<Result<PostRow>> {
  const [current] = await t
    .select()
    .from(posts)
    .where(and(eq(posts.spaceId, spaceId), eq(posts.slug, slug), isNull(posts.deletedAt)))
    .for('update')
    .limit(1);
  if (!current) return { ok: false, error: 'not_found', detail: 'Post not found.' };
  if (expectedVersion !== null && current.version !== expectedVersion) {
    return { ok: false, error: 'version_mismatch', detail: `The post changed since version ${expectedVersion}; read it again.` };
  }
  return { ok: true, value: current };
}

async function updatePostTx(db: Db, spaceId: string, slug: string, input: PostInput, expectedVersion: number | null, opts: SaveOptions): Promise<Result<SavedPost>> {
  return commitWrite(db, writerOf(opts), spaceId, async (w): Promise<Result<SavedPost>> => {
    const t = w.t;
    const locked = await lockLivePost(t, spaceId, slug, expectedVersion);
    if (!locked.ok) return locked;
    const current = locked.value;
    if (opts.onlyIfDue && !(current.status === 'scheduled' && current.scheduledAt && current.scheduledAt <= opts.onlyIfDue)) {
      return { ok: false, error: 'version_mismatch', detail: 'The post is no longer scheduled and due.' };
    }
    if (input.slug !== undefined && input.slug !== slug) {
      const [taken] = await t.select({ id: posts.id }).from(posts).where(and(eq(posts.spaceId, spaceId), eq(posts.slug, input.slug))).limit(1);
      if (taken) return { ok: false, error: 'duplicate', detail: `A post with slug "${input.slug}" already exists.` };
    }
    const resolved = await resolveAll(t, spaceId, input);
    if (!resolved.ok) return resolved;
    const { author, terms } = resolved.value;
    const oldWorking = (await renderWorking(t, [current])).get(current.id);
    const now = new Date();
    const status = input.status ?? statusOf(current.status);
    const [row] = (await t
      .update(posts)
      .set({
        ...columnsOf(input),
        ...(author !== undefined ? { authorId: author?.id ?? null } : {}),
        status,
        scheduledAt: status === 'scheduled' ? (input.scheduledAt ?? current.scheduledAt) : null,
        updatedAt: now,
        publishedAt: status === 'published' ? (current.publishedAt ?? now) : current.publishedAt,
        version: sql`${posts.version} + 1`,
      })
      .where(eq(posts.id, current.id))
      .returning()) as [PostRow];
    await replaceLinks(t, row.id, terms.categoryIds, terms.tagIds);
    const rendered = await publishIfNeeded(t, row);
    if (row.slug !== current.slug && row.status !== 'published' && current.published !== null) {
      // The slug is the live URL: a renamed post is served at its new slug, so its published form says so.
      await t
        .update(posts)
        .set({ published: { ...(current.published as PostJson), slug: row.slug, url: `${BLOG_PATH}${row.slug}` } })
        .where(eq(posts.id, row.id));
    }
    guardLiveChange(mayPublishOf(opts), postLiveState(current), await postLiveStateById(t, row.id));
    await finish(w, spaceId, row, { status, rendering: rendered, by: opts }, status === 'published' ? 'post.published' : 'post.draft', [current.published as PostJson | null, oldWorking, rendered], terms.created);
    auditPost(w, opts.auditAction ?? (status === 'published' && current.status !== 'published' ? 'post.publish' : 'post.update'), row, status, current.version);
    return { ok: true, value: { id: row.id, version: row.version, status } };
  });
}

export async function deletePost(db: Db, spaceId: string, slug: string, expectedVersion: number | null, opts: SaveOptions): Promise<Result<SavedPost>> {
  return refusingLiveChanges(() => deletePostTx(db, spaceId, slug, expectedVersion, opts));
}

async function deletePostTx(db: Db, spaceId: string, slug: string, expectedVersion: number | null, opts: SaveOptions): Promise<Result<SavedPost>> {
  return commitWrite(db, writerOf(opts), spaceId, async (w): Promise<Result<SavedPost>> => {
    const t = w.t;
    const locked = await lockLivePost(t, spaceId, slug, expectedVersion);
    if (!locked.ok) return locked;
    const current = locked.value;
    const oldWorking = (await renderWorking(t, [current])).get(current.id);
    const [row] = (await t
      .update(posts)
      .set({ deletedAt: new Date(), version: sql`${posts.version} + 1` })
      .where(eq(posts.id, current.id))
      .returning()) as [PostRow];
    guardLiveChange(mayPublishOf(opts), postLiveState(current), NOTHING_LIVE);
    await finish(w, spaceId, row, { status: 'deleted', rendering: oldWorking!, by: opts }, 'post.delete', [current.published as PostJson | null, oldWorking], []);
    auditPost(w, 'post.delete', row, 'deleted', current.version);
    return { ok: true, value: { id: row.id, version: row.version, status: statusOf(row.status) } };
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

/** The revision history of a post, newest first, with who saved each. */
export async function listPostRevisions(db: Db, postId: string) {
  return db
    .select({
      version: postRevisions.version,
      title: postRevisions.title,
      status: postRevisions.status,
      created: postRevisions.createdAt,
      createdByKey: postRevisions.createdByKey,
      createdByUser: postRevisions.createdByUser,
    })
    .from(postRevisions)
    .where(eq(postRevisions.postId, postId))
    .orderBy(desc(postRevisions.version));
}

/**
 * Rollback: a new save whose title, body, texts, image, author, categories and tags are exactly
 * those of revision `version` (the slug stays; history is never rewritten). Status: as given,
 * else the revision's (published stays published, anything else becomes a draft).
 */
export async function rollbackPost(
  db: Db,
  spaceId: string,
  slug: string,
  change: { version: number; status?: 'draft' | 'published' },
  expectedVersion: number | null,
  opts: SaveOptions,
): Promise<Result<SavedPost>> {
  const current = await getPostForManagement(db, spaceId, slug);
  if (!current) return { ok: false, error: 'not_found', detail: 'Post not found.' };
  const [revision] = await db
    .select()
    .from(postRevisions)
    .where(and(eq(postRevisions.postId, current.id), eq(postRevisions.version, change.version)))
    .limit(1);
  if (!revision) return { ok: false, error: 'not_found', detail: `Revision ${change.version} not found.` };
  const f = revision.fields as PostRevisionFields;
  return updatePost(
    db,
    spaceId,
    slug,
    {
      title: revision.title,
      status: change.status ?? (revision.status === 'published' ? 'published' : 'draft'),
      body: f.body,
      summary: f.summary,
      seo_title: f.seo_title,
      meta_description: f.meta_description,
      featured_image: f.featured_image,
      featured_image_alt: f.featured_image_alt,
      author: f.author === null ? null : { slug: f.author },
      categories: f.categories,
      tags: f.tags,
    },
    expectedVersion,
    { ...opts, auditAction: 'post.rollback' },
  );
}

/** Undo a soft delete: the post (and its published form, if it had one) is visible again. */
export async function restorePost(db: Db, spaceId: string, slug: string, opts: SaveOptions): Promise<Result<SavedPost>> {
  return refusingLiveChanges(() => restorePostTx(db, spaceId, slug, opts));
}

async function restorePostTx(db: Db, spaceId: string, slug: string, opts: SaveOptions): Promise<Result<SavedPost>> {
  return commitWrite(db, writerOf(opts), spaceId, async (w): Promise<Result<SavedPost>> => {
    const t = w.t;
    const [current] = await t
      .select()
      .from(posts)
      .where(and(eq(posts.spaceId, spaceId), eq(posts.slug, slug), isNotNull(posts.deletedAt)))
      .for('update')
      .limit(1);
    if (!current) return { ok: false, error: 'not_found', detail: 'No deleted post with that slug.' };
    const [row] = (await t
      .update(posts)
      .set({ deletedAt: null, updatedAt: new Date(), version: sql`${posts.version} + 1` })
      .where(eq(posts.id, current.id))
      .returning()) as [PostRow];
    const working = (await renderWorking(t, [row])).get(row.id)!;
    const status = statusOf(row.status);
    guardLiveChange(mayPublishOf(opts), NOTHING_LIVE, postLiveState(row));
    await finish(w, spaceId, row, { status, rendering: working, by: opts }, row.published !== null ? 'post.published' : 'post.draft', [row.published as PostJson | null, working], []);
    auditPost(w, 'post.restore', row, status, current.version);
    return { ok: true, value: { id: row.id, version: row.version, status } };
  });
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

export type AuthorInput = Partial<Omit<AuthorJson, 'slug'>> & { slug: string };

export async function createAuthor(db: Db, spaceId: string, input: AuthorInput, actor: WriteActor): Promise<Result<AuthorJson>> {
  return commitWrite(db, actor, spaceId, async (w): Promise<Result<AuthorJson>> => {
    const t = w.t;
    const [row] = await t
      .insert(authors)
      .values({
        spaceId,
        slug: input.slug,
        firstName: input.first_name ?? '',
        lastName: input.last_name ?? '',
        email: input.email ?? '',
        bio: input.bio ?? '',
        title: input.title ?? '',
        linkedinUrl: input.linkedin_url ?? '',
        facebookUrl: input.facebook_url ?? '',
        instagramUrl: input.instagram_url ?? '',
        pinterestUrl: input.pinterest_url ?? '',
        twitterHandle: input.twitter_handle ?? '',
        profileImage: input.profile_image ?? '',
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return { ok: false, error: 'duplicate', detail: `An author with slug "${input.slug}" already exists.` };
    await w.changed({ purge: { keys: [blogKeys.authors(spaceId), blogKeys.author(row.id)] } });
    w.audit({ action: 'author.create', target: { type: 'author', id: row.id }, metadata: { slug: row.slug } });
    return { ok: true, value: renderAuthor(row) };
  });
}
