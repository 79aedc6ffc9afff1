/**
 * What every page save shares (origin/content/pages/writes.ts): the change a save names
 * (`PageChange`, `PageAddress`, `SavedPage`), how its fields are checked when the page has no
 * type, what readers see of a page (for the publish-right guard, origin/content/live-changes.ts),
 * and its side effects as the commit step (origin/outbox/commit.ts) records them — the immutable
 * revision, the purge of every cache entry the change makes stale, the webhook event and the
 * audit row.
 */
import { eq } from 'drizzle-orm';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { Db } from '../../db/client.js';
import { pageRevisions, pages } from '../../db/schema/index.js';
import { cleanFreeformValue } from '../model/schema.js';
import { pageWebhookData, type Change, type WriteActor, type WriteScope } from '../../outbox/index.js';
import { NOTHING_LIVE, type LiveState } from '../live-changes.js';
import { queuePageMedia } from '../assets/media-queue.js';

/** Who the webhook payload names as editor until the identity issue brings users. */
const API_EDITOR = 'API';

export type PageEvent = 'page.published' | 'page.draft' | 'page.unpublished' | 'page.delete';
type PageSnapshot = { id: string; slug: string; pageType: string; name: string; locale: string; status: 'draft' | 'published' | 'deleted'; updated: Date; published: Date | null };

/**
 * A page save's side effects, recorded by the commit step (origin/outbox/commit.ts): the revision,
 * the purge of every cache entry the change makes stale, and the webhook event.
 */
export function pageChange(t: Db, change: { spaceId: string } & Pick<PageChange, 'keyId' | 'userId'>, revision: { id: string; version: number; name: string; fields: unknown; status: PageRevisionStatus }, event: PageEvent, p: PageSnapshot): Change {
  return {
    revision: async () => {
      await writeRevision(t, revision, revision.status, change);
      // Remote media in the saved fields are queued for import in this transaction (origin/content/assets/media-queue.ts).
      await queuePageMedia(t, { spaceId: change.spaceId, pageType: p.pageType, id: revision.id, fields: revision.fields, status: revision.status });
    },
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
export function auditPage(w: WriteScope, action: string, p: { id: string; slug: string; pageType: string; locale: string; status: string }, before: number | null, after: number): void {
  w.audit({ action, target: { type: 'page', id: p.id }, version: { before, after }, metadata: { page_type: p.pageType, slug: p.slug, locale: p.locale, status: p.status } });
}

/** Who saves: `actor` when the caller gave it (routes, the scheduler), else an operator with the change's key or member. */
export function writerOf(change: Pick<PageChange, 'keyId' | 'userId' | 'actor'>): WriteActor {
  return change.actor ?? { userId: change.userId, keyId: change.keyId, system: 'operator' };
}

export type PageStatus = 'draft' | 'published' | 'scheduled';

/** A revision's status: the page's, or `deleted` for the save that deleted the page. */
export type PageRevisionStatus = PageStatus | 'deleted';

export const invalidFields = (errors: string[]) => ({ ok: false, error: 'invalid', detail: `Invalid fields: ${errors.join('; ')}.` }) as const;

/**
 * Fields as stored: a typed page's validated (and sanitised) against its page type; an untyped
 * page's (`*`, no schema) free-form, its strings cleaned by the one sanitiser policy.
 */
type Checked = { ok: true; value: Record<string, unknown> } | ReturnType<typeof invalidFields>;
export function cleanUntyped(fields: Record<string, unknown>): Checked {
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


/**
 * What readers of a page see: its published form and publication date (lists order by it),
 * nothing once deleted. The working copy (name, fields, status draft) is not live.
 */
export function pageLiveState(row: { deletedAt: Date | null; published: unknown; publishedAt: Date | null; status: string }): LiveState {
  if (row.deletedAt !== null) return NOTHING_LIVE;
  return { live: row.published === null ? null : { published: row.published, publishedAt: row.publishedAt }, scheduled: row.status === 'scheduled' };
}

export async function pageLiveStateById(t: Db, id: string): Promise<LiveState> {
  const [row] = await t.select({ deletedAt: pages.deletedAt, published: pages.published, publishedAt: pages.publishedAt, status: pages.status }).from(pages).where(eq(pages.id, id));
  return row ? pageLiveState(row) : NOTHING_LIVE;
}

function purgeKeysFor(spaceId: string, pageId: string, pageType: string, slug: string): string[] {
  return [surrogateKeys.page(pageId), surrogateKeys.pageSlug(spaceId, slug), surrogateKeys.pageList(spaceId, pageType), surrogateKeys.pageList(spaceId, '*')];
}

/** The immutable revision of a save (in the save's transaction): the page as it is at `version`, and who saved it. */
export async function writeRevision(
  t: Db,
  page: { id: string; version: number; name: string; fields: unknown },
  status: PageRevisionStatus,
  by: Pick<PageChange, 'keyId' | 'userId'>,
): Promise<void> {
  await t
    .insert(pageRevisions)
    .values({ pageId: page.id, version: page.version, name: page.name, status, fields: page.fields as Record<string, unknown>, createdByKey: by.keyId, createdByUser: by.userId });
}
