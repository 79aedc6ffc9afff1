/**
 * The page write path: every save (create, update, rollback, scheduled publish, delete, restore)
 * is one transaction that changes the page, writes an immutable revision, and queues the purge of
 * every cache entry the change makes stale, the webhook event and one audit row (all through the
 * commit step, origin/outbox/commit.ts) — so a committed change is never left stale at the edge, and
 * every version of a page has its revision and its audit row.
 *
 * Concurrency: saves bump `version` in SQL. With an expected version (If-Match) the update is
 * conditional and exactly one writer per version wins; without, partial updates merge their
 * fields in SQL (`fields || patch`), so concurrent writers never lose each other's fields.
 */
import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { pageRevisions, pages, spaces } from '../../db/schema/index.js';
import { cleanFreeformValue, validateFields } from '../model/schema.js';
import { findPageTypeSchema } from '../model/page-types.js';
import { commitWrite, type Change, type WriteActor, type WriteScope } from '../../outbox/index.js';
import { renderPage } from './pages.js';
import { pageWebhookData } from '../../outbox/index.js';
import { guardLiveChange, mayPublishOf, NOTHING_LIVE, refusingLiveChanges, type LiveState } from '../live-changes.js';

/** Who the webhook payload names as editor until the identity issue brings users. */
const API_EDITOR = 'API';

type PageEvent = 'page.published' | 'page.draft' | 'page.delete';
type PageSnapshot = { id: string; slug: string; pageType: string; name: string; locale: string; status: 'draft' | 'published' | 'deleted'; updated: Date; published: Date | null };

/**
 * A page save's side effects, recorded by the commit step (origin/outbox/commit.ts): the revision,
 * the purge of every cache entry the change makes stale, and the webhook event.
 */
function pageChange(t: Db, change: { spaceId: string } & Pick<PageChange, 'keyId' | 'userId'>, revision: { id: string; version: number; name: string; fields: unknown; status: PageRevisionStatus }, event: PageEvent, p: PageSnapshot): Change {
  return {
    revision: () => writeRevision(t, revision, revision.status, change),
    purge: { keys: purgeKeysFor(change.spaceId, p.id, p.pageType, p.slug) },
    webhooks: [
      {
        event,
        data: pageWebhookData({ slug: p.slug, buttercmsId: p.id, pageType: p.pageType, editor: API_EDITOR, name: p.name, locale: p.locale, status: p.status, updated: p.updated, published: p.published }),
      },
    ],
  };
}

/** The audit row of a page save. */
function auditPage(w: WriteScope, action: string, p: { id: string; slug: string; pageType: string; locale: string; status: string }, before: number | null, after: number): void {
  w.audit({ action, target: { type: 'page', id: p.id }, version: { before, after }, metadata: { page_type: p.pageType, slug: p.slug, locale: p.locale, status: p.status } });
}

/** Who saves: `actor` when the caller gave it (routes, the scheduler), else an operator with the change's key or member. */
function writerOf(change: Pick<PageChange, 'keyId' | 'userId' | 'actor'>): WriteActor {
  return change.actor ?? { userId: change.userId, keyId: change.keyId, system: 'operator' };
}

export type PageStatus = 'draft' | 'published' | 'scheduled';

/** A revision's status: the page's, or `deleted` for the save that deleted the page. */
export type PageRevisionStatus = PageStatus | 'deleted';

const invalidFields = (errors: string[]) => ({ ok: false, error: 'invalid', detail: `Invalid fields: ${errors.join('; ')}.` }) as const;

/**
 * Fields as stored: a typed page's validated (and sanitised) against its page type; an untyped
 * page's (`*`, no schema) free-form, its strings cleaned by the one sanitiser policy.
 */
type Checked = { ok: true; value: Record<string, unknown> } | ReturnType<typeof invalidFields>;
function cleanUntyped(fields: Record<string, unknown>): Checked {
  const cleaned = cleanFreeformValue(fields, 'fields');
  return 'problems' in cleaned ? invalidFields(cleaned.problems.slice(0, 20)) : { ok: true, value: cleaned.value as Record<string, unknown> };
}

export interface PageChange {
  spaceId: string;
  pageType: string;
  slug: string;
  locale: string | null;
  name?: string;
  status?: PageStatus;
  /** For create: the whole field set; for update: the fields to change (merged). */
  fields?: Record<string, unknown>;
  /** Update only: `fields` replaces the whole field set instead of being merged (rollback). */
  replaceFields?: boolean;
  /** With status `scheduled`: when the scheduler publishes the page. */
  scheduledAt?: Date;
  /** Scheduler only: apply only if the page is still scheduled and due at this time. */
  onlyIfDue?: Date;
  /** The API key making the change (null: a signed-in member, or the scheduler). */
  keyId: string | null;
  /** The signed-in member making the change (null: an API key, or the scheduler). */
  userId: string | null;
  /**
   * Whether the actor holds content.publish: without it a save that changes what readers see,
   * or touches a scheduled page, is refused (origin/content/live-changes.ts). Absent: only the
   * scheduler (onlyIfDue) may.
   */
  mayPublish?: boolean;
  /** The actor as the audit row names it (member or key with organization, IP and user agent; the scheduler). */
  actor?: WriteActor;
  /** Internal: the audit action when the save is a rollback. */
  auditAction?: 'page.rollback';
}

/** What deletes, restores and rollbacks address, and who makes them. */
export type PageAddress = Pick<PageChange, 'spaceId' | 'pageType' | 'slug' | 'locale' | 'keyId' | 'userId' | 'mayPublish' | 'actor'>;

export interface SavedPage {
  id: string;
  version: number;
  status: PageStatus;
}

async function spaceDefaultLocale(db: Db, spaceId: string): Promise<string> {
  const [row] = await db.select({ locale: spaces.defaultLocale }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
  return row?.locale ?? 'en';
}

/**
 * What readers of a page see: its published form and publication date (lists order by it),
 * nothing once deleted. The working copy (name, fields, status draft) is not live.
 */
function pageLiveState(row: { deletedAt: Date | null; published: unknown; publishedAt: Date | null; status: string }): LiveState {
  if (row.deletedAt !== null) return NOTHING_LIVE;
  return { live: row.published === null ? null : { published: row.published, publishedAt: row.publishedAt }, scheduled: row.status === 'scheduled' };
}

async function pageLiveStateById(t: Db, id: string): Promise<LiveState> {
  const [row] = await t.select({ deletedAt: pages.deletedAt, published: pages.published, publishedAt: pages.publishedAt, status: pages.status }).from(pages).where(eq(pages.id, id));
  return row ? pageLiveState(row) : NOTHING_LIVE;
}

function purgeKeysFor(spaceId: string, pageId: string, pageType: string, slug: string): string[] {
  return [surrogateKeys.page(pageId), surrogateKeys.pageSlug(spaceId, slug), surrogateKeys.pageList(spaceId, pageType), surrogateKeys.pageList(spaceId, '*')];
}

/** The immutable revision of a save (in the save's transaction): the page as it is at `version`, and who saved it. */
async function writeRevision(
  t: Db,
  page: { id: string; version: number; name: string; fields: unknown },
  status: PageRevisionStatus,
  by: Pick<PageChange, 'keyId' | 'userId'>,
): Promise<void> {
  await t
    .insert(pageRevisions)
    .values({ pageId: page.id, version: page.version, name: page.name, status, fields: page.fields as Record<string, unknown>, createdByKey: by.keyId, createdByUser: by.userId });
}

export async function createPage(db: Db, change: PageChange & { name: string; fields: Record<string, unknown>; status: 'draft' | 'published' }): Promise<Result<SavedPage>> {
  const locale = change.locale ?? (await spaceDefaultLocale(db, change.spaceId));
  return refusingLiveChanges(() => createPageTx(db, change, locale));
}

async function createPageTx(db: Db, change: PageChange & { name: string; fields: Record<string, unknown>; status: 'draft' | 'published' }, locale: string): Promise<Result<SavedPage>> {
  return commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage>> => {
    const t = w.t;
    const existing = await t
      .select({ id: pages.id, deletedAt: pages.deletedAt })
      .from(pages)
      .where(and(eq(pages.spaceId, change.spaceId), eq(pages.pageType, change.pageType), eq(pages.slug, change.slug), eq(pages.locale, locale)))
      .limit(1);
    if (existing[0] && !existing[0].deletedAt) return { ok: false, error: 'duplicate', detail: `A page with slug "${change.slug}" already exists.` };
    if (change.pageType !== '*') {
      // Typed pages follow their page type's schema (read FOR SHARE: a schema change waits for us).
      const schema = await findPageTypeSchema(t, change.spaceId, change.pageType, true);
      if (!schema) return { ok: false, error: 'invalid', detail: `Unknown page type "${change.pageType}".` };
      const checked = validateFields(schema, change.fields);
      if (!checked.ok) return invalidFields(checked.errors);
      change = { ...change, fields: checked.value };
    } else {
      const checked = cleanUntyped(change.fields);
      if (!checked.ok) return checked;
      change = { ...change, fields: checked.value };
    }
    const now = new Date();
    const published = change.status === 'published';
    const rendered = published ? renderPage({ slug: change.slug, name: change.name, pageType: change.pageType, fields: change.fields, publishedAt: now, updatedAt: now }) : null;
    let id: string;
    let version: number;
    let before: number | null = null;
    if (existing[0]) {
      // Re-creating a soft-deleted page revives its row (its history stays).
      const [row] = await t
        .update(pages)
        .set({ name: change.name, status: change.status, fields: change.fields, published: rendered, publishedAt: published ? now : null, updatedAt: now, deletedAt: null, version: sql`${pages.version} + 1` })
        .where(eq(pages.id, existing[0].id))
        .returning({ id: pages.id, version: pages.version });
      id = row!.id;
      version = row!.version;
      before = version - 1;
    } else {
      const [row] = await t
        .insert(pages)
        .values({ spaceId: change.spaceId, pageType: change.pageType, slug: change.slug, locale, name: change.name, status: change.status, fields: change.fields, published: rendered, publishedAt: published ? now : null, updatedAt: now })
        .returning({ id: pages.id, version: pages.version });
      id = row!.id;
      version = row!.version;
    }
    // A new page (or a revived deleted one) had nothing live.
    guardLiveChange(mayPublishOf(change), NOTHING_LIVE, await pageLiveStateById(t, id));
    await w.changed(
      pageChange(t, change, { id, version, name: change.name, fields: change.fields, status: change.status }, published ? 'page.published' : 'page.draft', {
        id,
        slug: change.slug,
        pageType: change.pageType,
        name: change.name,
        locale,
        status: published ? 'published' : 'draft',
        updated: now,
        published: published ? now : null,
      }),
    );
    auditPage(w, 'page.create', { id, slug: change.slug, pageType: change.pageType, locale, status: change.status }, before, version);
    return { ok: true, value: { id, version, status: change.status } };
  });
}

/**
 * The page a write addresses: space, slug and locale, of its type (or of any type for `*`),
 * live or (for restores) deleted.
 */
function pageAt(at: { spaceId: string; slug: string; pageType: string }, locale: string, deleted: boolean) {
  return and(
    eq(pages.spaceId, at.spaceId),
    eq(pages.slug, at.slug),
    eq(pages.locale, locale),
    deleted ? isNotNull(pages.deletedAt) : isNull(pages.deletedAt),
    at.pageType === '*' ? undefined : eq(pages.pageType, at.pageType),
  );
}

export async function updatePage(db: Db, change: PageChange, expectedVersion: number | null): Promise<Result<SavedPage>> {
  const locale = change.locale ?? (await spaceDefaultLocale(db, change.spaceId));
  return refusingLiveChanges(() => updatePageTx(db, change, expectedVersion, locale));
}

async function updatePageTx(db: Db, change: PageChange, expectedVersion: number | null, locale: string): Promise<Result<SavedPage>> {
  return commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage>> => {
    const t = w.t;
    // Locked: the live state compared below is the one this save replaces.
    const [current] = await t
      .select({ id: pages.id, pageType: pages.pageType, version: pages.version, deletedAt: pages.deletedAt, published: pages.published, publishedAt: pages.publishedAt, status: pages.status })
      .from(pages)
      .where(pageAt(change, locale, false))
      .orderBy(sql`${pages.pageType} = '*' desc`)
      .limit(1)
      .for('update');
    if (!current) return { ok: false, error: 'not_found', detail: 'Page not found.' };
    let patch = change.fields ?? {};
    if (current.pageType !== '*') {
      const schema = await findPageTypeSchema(t, change.spaceId, current.pageType, true);
      if (!schema) return { ok: false, error: 'invalid', detail: `Unknown page type "${current.pageType}".` };
      const checked = validateFields(schema, patch, { partial: !change.replaceFields });
      if (!checked.ok) return invalidFields(checked.errors);
      patch = checked.value;
      // The row is locked until commit, so the merge below (fields || patch) is exactly this one.
      const [locked] = await t.select({ fields: pages.fields }).from(pages).where(eq(pages.id, current.id)).for('update');
      const merged = validateFields(schema, change.replaceFields ? patch : { ...(locked?.fields as Record<string, unknown>), ...patch });
      if (!merged.ok) return invalidFields(merged.errors);
    } else {
      const checked = cleanUntyped(patch);
      if (!checked.ok) return checked;
      patch = checked.value;
    }
    const now = new Date();
    const [row] = await t
      .update(pages)
      .set({
        fields: change.replaceFields ? sql`${JSON.stringify(patch)}::jsonb` : sql`${pages.fields} || ${JSON.stringify(patch)}::jsonb`,
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.status !== undefined ? { status: change.status, scheduledAt: change.status === 'scheduled' ? (change.scheduledAt ?? null) : null } : {}),
        updatedAt: now,
        version: sql`${pages.version} + 1`,
      })
      .where(
        and(
          eq(pages.id, current.id),
          expectedVersion === null ? undefined : eq(pages.version, expectedVersion),
          change.onlyIfDue ? and(eq(pages.status, 'scheduled'), lte(pages.scheduledAt, change.onlyIfDue)) : undefined,
        ),
      )
      .returning({ id: pages.id, version: pages.version, status: pages.status, name: pages.name, fields: pages.fields, pageType: pages.pageType, slug: pages.slug, publishedAt: pages.publishedAt });
    if (!row) return { ok: false, error: 'version_mismatch', detail: `The page changed since version ${expectedVersion}; read it again.` };
    const status = row.status as PageStatus;
    let publishedAt = row.publishedAt;
    if (status === 'published') {
      publishedAt ??= now;
      await t
        .update(pages)
        .set({ published: renderPage({ slug: row.slug, name: row.name, pageType: row.pageType, fields: row.fields, publishedAt, updatedAt: now }), publishedAt })
        .where(eq(pages.id, row.id));
    }
    guardLiveChange(mayPublishOf(change), pageLiveState(current), await pageLiveStateById(t, row.id));
    await w.changed(
      pageChange(t, change, { ...row, status }, status === 'published' ? 'page.published' : 'page.draft', {
        id: row.id,
        slug: row.slug,
        pageType: row.pageType,
        name: row.name,
        locale,
        status: status === 'published' ? 'published' : 'draft',
        updated: now,
        published: publishedAt,
      }),
    );
    const action = change.auditAction ?? (status === 'published' && current.status !== 'published' ? 'page.publish' : 'page.update');
    auditPage(w, action, { id: row.id, slug: row.slug, pageType: row.pageType, locale, status }, current.version, row.version);
    return { ok: true, value: { id: row.id, version: row.version, status } };
  });
}

/**
 * Soft delete: reads 404 at once; the row (and its history) stays. The delete is a revision too:
 * status `deleted`, with the name and fields the page had, and who deleted it.
 */
export async function deletePage(db: Db, change: PageAddress, expectedVersion: number | null): Promise<Result<SavedPage>> {
  const locale = change.locale ?? (await spaceDefaultLocale(db, change.spaceId));
  return refusingLiveChanges(() => deletePageTx(db, change, expectedVersion, locale));
}

async function deletePageTx(db: Db, change: PageAddress, expectedVersion: number | null, locale: string): Promise<Result<SavedPage>> {
  return commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage>> => {
    const t = w.t;
    const [row] = await t
      .update(pages)
      .set({ deletedAt: new Date(), version: sql`${pages.version} + 1` })
      .where(and(pageAt(change, locale, false), expectedVersion === null ? undefined : eq(pages.version, expectedVersion)))
      .returning({ id: pages.id, version: pages.version, pageType: pages.pageType, slug: pages.slug, status: pages.status, name: pages.name, fields: pages.fields, publishedAt: pages.publishedAt, published: pages.published });
    if (!row) return { ok: false, error: expectedVersion === null ? 'not_found' : 'version_mismatch', detail: expectedVersion === null ? 'Page not found.' : 'The page changed or does not exist.' };
    // The update matched only a page that was not deleted: what readers saw is the row as it was.
    guardLiveChange(mayPublishOf(change), pageLiveState({ ...row, deletedAt: null }), NOTHING_LIVE);
    await w.changed(
      pageChange(t, change, { ...row, status: 'deleted' }, 'page.delete', {
        id: row.id,
        slug: row.slug,
        pageType: row.pageType,
        name: row.name,
        locale,
        status: 'deleted',
        updated: new Date(),
        published: row.publishedAt,
      }),
    );
    auditPage(w, 'page.delete', { id: row.id, slug: row.slug, pageType: row.pageType, locale, status: 'deleted' }, row.version - 1, row.version);
    return { ok: true, value: { id: row.id, version: row.version, status: row.status as PageStatus } };
  });
}

/** The management view: the working copy with its version (the ETag). */
export async function getPageForManagement(db: Db, q: { spaceId: string; pageType: string; slug: string; locale: string | null }) {
  const locale = q.locale ?? (await spaceDefaultLocale(db, q.spaceId));
  const [row] = await db
    .select()
    .from(pages)
    .where(pageAt(q, locale, false))
    .limit(1);
  return row ?? null;
}

/** The revision history of a page, newest first, with who saved each (the management view). */
export async function listPageRevisions(db: Db, pageId: string) {
  return db
    .select({
      version: pageRevisions.version,
      name: pageRevisions.name,
      status: pageRevisions.status,
      created: pageRevisions.createdAt,
      createdByKey: pageRevisions.createdByKey,
      createdByUser: pageRevisions.createdByUser,
    })
    .from(pageRevisions)
    .where(eq(pageRevisions.pageId, pageId))
    .orderBy(sql`${pageRevisions.version} desc`);
}

/**
 * Rollback: a new save whose fields and title are those of revision `version` (history is never
 * rewritten; the rollback is itself a revision). Status: as given, else the revision's (published
 * stays published, anything else becomes a draft — as for posts and collection items). So a
 * rollback to a `deleted` revision does not delete the page: it brings back the content the page
 * had when it was deleted, as a draft.
 */
export async function rollbackPage(
  db: Db,
  change: PageAddress & { version: number; status?: PageStatus },
  expectedVersion: number | null,
): Promise<Result<SavedPage>> {
  const current = await getPageForManagement(db, change);
  if (!current) return { ok: false, error: 'not_found', detail: 'Page not found.' };
  const [revision] = await db
    .select()
    .from(pageRevisions)
    .where(and(eq(pageRevisions.pageId, current.id), eq(pageRevisions.version, change.version)))
    .limit(1);
  if (!revision) return { ok: false, error: 'not_found', detail: `Revision ${change.version} not found.` };
  const status = change.status ?? (revision.status === 'published' ? 'published' : 'draft');
  return updatePage(
    db,
    { ...change, pageType: current.pageType, locale: current.locale, name: revision.name, status, fields: revision.fields as Record<string, unknown>, replaceFields: true, auditAction: 'page.rollback' },
    expectedVersion,
  );
}

/**
 * Undo a soft delete: the page (and its published form, if it had one) is visible again. The
 * restore is a revision too: the page's status, name and fields, and who restored it.
 */
export async function restorePage(db: Db, change: PageAddress): Promise<Result<SavedPage>> {
  const locale = change.locale ?? (await spaceDefaultLocale(db, change.spaceId));
  return refusingLiveChanges(() => restorePageTx(db, change, locale));
}

async function restorePageTx(db: Db, change: PageAddress, locale: string): Promise<Result<SavedPage>> {
  return commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage>> => {
    const t = w.t;
    const [row] = await t
      .update(pages)
      .set({ deletedAt: null, version: sql`${pages.version} + 1`, updatedAt: new Date() })
      .where(pageAt(change, locale, true))
      .returning({ id: pages.id, version: pages.version, pageType: pages.pageType, slug: pages.slug, status: pages.status, name: pages.name, fields: pages.fields, publishedAt: pages.publishedAt, published: pages.published, updatedAt: pages.updatedAt });
    if (!row) return { ok: false, error: 'not_found', detail: 'No deleted page with that slug.' };
    guardLiveChange(mayPublishOf(change), NOTHING_LIVE, pageLiveState({ ...row, deletedAt: null }));
    const live = row.published !== null;
    await w.changed(
      pageChange(t, change, { ...row, status: row.status as PageStatus }, live ? 'page.published' : 'page.draft', {
        id: row.id,
        slug: row.slug,
        pageType: row.pageType,
        name: row.name,
        locale,
        status: live ? 'published' : 'draft',
        updated: row.updatedAt,
        published: row.publishedAt,
      }),
    );
    auditPage(w, 'page.restore', { id: row.id, slug: row.slug, pageType: row.pageType, locale, status: row.status }, row.version - 1, row.version);
    return { ok: true, value: { id: row.id, version: row.version, status: row.status as PageStatus } };
  });
}

/** Pages whose scheduled time has come (oldest first), for the scheduler. */
export async function duePages(db: Db, now: Date, limit = 50) {
  return db
    .select({ spaceId: pages.spaceId, pageType: pages.pageType, slug: pages.slug, locale: pages.locale })
    .from(pages)
    .where(and(eq(pages.status, 'scheduled'), lte(pages.scheduledAt, now), isNull(pages.deletedAt)))
    .orderBy(pages.scheduledAt)
    .limit(limit);
}
