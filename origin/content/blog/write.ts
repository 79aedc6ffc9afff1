/**
 * Writes of the blog, each through the commit step (origin/outbox/commit.ts): one transaction
 * changes the post and its links, re-renders the published JSON when publishing, and records the
 * revision, the purge of every surrogate key the change makes stale (the post, lists, feeds, and
 * every author / category / tag it belonged to before or after), the webhook event and the audit
 * row. Saves bump `version` (the ETag) under a row lock, so a conditional write (If-Match) has
 * exactly one winner per version. Every save (create, update, delete, restore, rollback,
 * scheduled publish) writes an immutable revision. A scheduled post keeps its current published
 * form (if any) until the scheduler publishes it, as a draft save does. Authors' writes too.
 */
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { authors, categories, posts, tags } from '../../db/schema/index.js';
import { commitWrite, type WriteActor, type WriteScope } from '../../outbox/index.js';
import { postWebhookData } from '../../outbox/index.js';
import { guardLiveChange, mayPublishOf, NOTHING_LIVE, refusingLiveChanges, type LiveState } from '../live-changes.js';
import { BLOG_PATH, blogKeys, renderAuthor, renderWorking, statusOf, type AuthorJson, type PostJson, type PostRow, type PostStatus } from './render.js';
import { getPostForManagement } from './read.js';
import { writeRevision, type PostRevisionFields } from './revisions.js';
import { queuePostMedia } from '../assets/media-queue.js';
import { revisionToReplay } from '../revisions.js';
import { columnsOf, defaultAuthor, replaceLinks, resolveAll, type OwnerName, type PostInput } from './input.js';

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
  /** ButterCMS's `upload_images_to_media_library`: the body's images are imported too (origin/content/assets/media-queue.ts). */
  uploadImages?: boolean;
  /** Creates only: the owner's name, for the default author of a post created without one (input.ts defaultAuthor). */
  ownerName?: OwnerName;
}

/** Who saves (see SaveOptions.actor). */
export function writerOf(opts: SaveOptions): WriteActor {
  return opts.actor ?? { userId: opts.userId, keyId: opts.keyId, system: 'operator' };
}

/** The audit row of a post save. */
export function auditPost(w: WriteScope, action: string, row: PostRow, status: string, before: number | null): void {
  w.audit({ action, target: { type: 'post', id: row.id }, version: { before, after: row.version }, metadata: { slug: row.slug, status } });
}

/**
 * What readers of a post see: its published form, the slug it is served at (a post's slug is its
 * live URL) and its publication date (lists order by it); nothing while a draft or deleted.
 */
export function postLiveState(row: Pick<PostRow, 'deletedAt' | 'published' | 'slug' | 'publishedAt' | 'status'>): LiveState {
  if (row.deletedAt !== null) return NOTHING_LIVE;
  return { live: row.published === null ? null : { published: row.published, slug: row.slug, publishedAt: row.publishedAt }, scheduled: row.status === 'scheduled' };
}

async function postLiveStateById(t: Db, id: string): Promise<LiveState> {
  const [row] = await t.select().from(posts).where(eq(posts.id, id));
  return row ? postLiveState(row) : NOTHING_LIVE;
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

/** Re-renders the post; when it is published, stores the rendering as its published form. */
async function publishIfNeeded(t: Db, row: PostRow): Promise<PostJson> {
  const rendered = (await renderWorking(t, [row])).get(row.id)!;
  if (row.status === 'published') await t.update(posts).set({ published: rendered }).where(eq(posts.id, row.id));
  return rendered;
}

/** A post save's revision, purge and webhook event, recorded by the commit step. */
export async function finish(
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
    revision: async () => {
      await writeRevision(w.t, row, revision.status, revision.rendering, revision.by);
      // A remote featured image (and, on request, the body's images) is queued for import in this transaction (origin/content/assets/media-queue.ts).
      await queuePostMedia(w.t, { spaceId, id: row.id, featuredImage: row.featuredImage, body: row.body, status: revision.status }, { bodyImages: revision.by.uploadImages === true });
    },
    purge: { keys },
    webhooks: [{ event, data: postWebhookData({ slug: row.slug, id: row.id }) }],
  });
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
    const { terms } = resolved.value;
    let { author } = resolved.value;
    if (input.author === undefined) {
      // No author named: the space's default one (ButterCMS assigns the organization's owner).
      const byDefault = await defaultAuthor(t, spaceId, opts.ownerName);
      author = byDefault.author;
      if (byDefault.created) terms.created.push(blogKeys.authors(spaceId));
    }
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

/** The post `slug` of the space, live or (for restores) deleted, locked for this transaction. */
async function lockedPost(t: Db, spaceId: string, slug: string, deleted: boolean): Promise<PostRow | undefined> {
  const [row] = await t
    .select()
    .from(posts)
    .where(and(eq(posts.spaceId, spaceId), eq(posts.slug, slug), deleted ? isNotNull(posts.deletedAt) : isNull(posts.deletedAt)))
    .for('update')
    .limit(1);
  return row;
}

/** The live (not deleted) post, locked for this transaction, if it is still at `expectedVersion`. */
export async function lockLivePost(t: Db, spaceId: string, slug: string, expectedVersion: number | null): Promise<Result<PostRow>> {
  const current = await lockedPost(t, spaceId, slug, false);
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
  const revision = await revisionToReplay(db, 'post', current.id, change.version, change.status);
  if (!revision.ok) return revision;
  const f = revision.value.fields as PostRevisionFields;
  return updatePost(
    db,
    spaceId,
    slug,
    {
      title: revision.value.title,
      status: revision.value.status,
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
    const current = await lockedPost(t, spaceId, slug, true);
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
