/**
 * Page revisions: the rollback to one of them (a new save through writes.ts: history is never
 * rewritten). The history itself and the revision a rollback replays are the content domain's one
 * owner's (origin/content/revisions.ts); a save writes its revision in page-change.ts.
 */
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { revisionToReplay } from '../revisions.js';
import { getPageForManagement } from './lookups.js';
import type { PageAddress, PageStatus, SavedPage } from './page-change.js';
import { updatePage } from './writes.js';

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
  const revision = await revisionToReplay(db, 'page', current.id, change.version);
  if (!revision.ok) return revision;
  const { title, fields } = revision.value;
  const status = change.status ?? revision.value.status;
  return updatePage(
    db,
    { ...change, pageType: current.pageType, locale: current.locale, name: title, status, fields: fields as Record<string, unknown>, replaceFields: true, auditAction: 'page.rollback' },
    expectedVersion,
  );
}
