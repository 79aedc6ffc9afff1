/**
 * Unpublish a page: its published version (the `published` snapshot every public read serves)
 * is taken down, the page becomes a draft (its working copy — title and fields — stays), and a
 * scheduled publication is cancelled. One transaction through the commit step
 * (origin/outbox/commit.ts), like every page save: a new version and revision, the purge of the
 * page's surrogate keys, the `page.unpublished` webhook event and one `page.unpublish` audit row.
 *
 * A save with `status: "draft"` does NOT unpublish: it keeps the published version live and
 * saves a draft over it (ButterCMS's behaviour). Refused with `conflict` (409) when nothing is
 * published; `version_mismatch` (412) when If-Match names another version.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { pages } from '../../db/schema/index.js';
import { commitWrite } from '../../outbox/index.js';
import { guardLiveChange, mayPublishOf, NOTHING_LIVE, refusingLiveChanges } from '../live-changes.js';
import { lockPageAt, spaceDefaultLocale } from './lookups.js';
import { auditPage, pageChange, pageLiveState, writerOf, type PageAddress, type SavedPage } from './page-change.js';

export async function unpublishPage(db: Db, change: PageAddress, expectedVersion: number | null): Promise<Result<SavedPage>> {
  const locale = change.locale ?? (await spaceDefaultLocale(db, change.spaceId));
  return refusingLiveChanges(() =>
    commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage>> => {
      const t = w.t;
      const current = await lockPageAt(t, change, locale);
      if (!current) return { ok: false, error: 'not_found', detail: 'Page not found.' };
      if (expectedVersion !== null && current.version !== expectedVersion) return { ok: false, error: 'version_mismatch', detail: `The page changed since version ${expectedVersion}; read it again.` };
      if (current.published === null) return { ok: false, error: 'conflict', detail: 'The page has no published version to take down.' };
      const now = new Date();
      const [row] = await t
        .update(pages)
        .set({ published: null, publishedAt: null, status: 'draft', scheduledAt: null, updatedAt: now, version: sql`${pages.version} + 1` })
        .where(eq(pages.id, current.id))
        .returning({ id: pages.id, version: pages.version, name: pages.name, fields: pages.fields, pageType: pages.pageType, slug: pages.slug });
      guardLiveChange(mayPublishOf(change), pageLiveState(current), NOTHING_LIVE);
      await w.changed(
        pageChange(t, change, { ...row!, status: 'draft' }, 'page.unpublished', {
          id: row!.id,
          slug: row!.slug,
          pageType: row!.pageType,
          name: row!.name,
          locale,
          status: 'draft',
          updated: now,
          published: null,
        }),
      );
      auditPage(w, 'page.unpublish', { id: row!.id, slug: row!.slug, pageType: row!.pageType, locale, status: 'draft' }, current.version, row!.version);
      return { ok: true, value: { id: row!.id, version: row!.version, status: 'draft' } };
    }),
  );
}
