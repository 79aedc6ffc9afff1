/**
 * Revision history, the one owner for pages, collection items and blog posts: the history as the
 * management API answers it (newest first, who saved each), one revision with its fields, and the
 * revision a rollback replays.
 * The three revision tables differ only in the column naming their owner and the one holding
 * their title (`name`, `label`, `title`), which `HISTORIES` names; what a revision's `fields` hold,
 * how a save writes its revision, and how a rollback replays one stay with the resource
 * (pages/page-change.ts and pages/revisions.ts, collections/write.ts and collections/revisions.ts,
 * blog/revisions.ts and blog/write.ts).
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { collectionItemRevisions, pageRevisions, postRevisions } from '../db/schema/index.js';
import type { Result } from '../http/result.js';

const HISTORIES = {
  page: { table: pageRevisions, of: pageRevisions.pageId, title: 'name', titleColumn: pageRevisions.name },
  item: { table: collectionItemRevisions, of: collectionItemRevisions.collectionItemId, title: 'label', titleColumn: collectionItemRevisions.label },
  post: { table: postRevisions, of: postRevisions.postId, title: 'title', titleColumn: postRevisions.title },
} as const;

/** What has revisions: pages, collection items, blog posts. */
export type RevisionKind = keyof typeof HISTORIES;
type TitleOf<K extends RevisionKind> = (typeof HISTORIES)[K]['title'];

/**
 * One entry of a revision history: the version, its title (`name` for pages, `label` for
 * items, `title` for posts), its status, `created` as ISO 8601, and who saved it —
 * `created_by_key` (an API key's id) or `created_by_user` (a signed-in member's id); both null
 * for the scheduler.
 */
export type RevisionEntry<K extends RevisionKind> = { version: number } & { [T in TitleOf<K>]: string } & {
  status: string;
  created: string;
  created_by_key: string | null;
  created_by_user: string | null;
};

/** The revision history of a page, item or post (by its row id), newest first. */
export async function revisionHistory<K extends RevisionKind>(db: Db, kind: K, ownerId: string): Promise<RevisionEntry<K>[]> {
  const { table, of, title, titleColumn } = HISTORIES[kind];
  const rows = await db
    .select({ version: table.version, title: titleColumn, status: table.status, created: table.createdAt, createdByKey: table.createdByKey, createdByUser: table.createdByUser })
    .from(table)
    .where(eq(of, ownerId))
    .orderBy(desc(table.version));
  return rows.map(
    (r) =>
      ({
        version: r.version,
        [title]: r.title,
        status: r.status,
        created: r.created.toISOString(),
        created_by_key: r.createdByKey,
        created_by_user: r.createdByUser,
      }) as RevisionEntry<K>,
  );
}

/** One revision with the fields it saved (for a field-level diff before a rollback), or null. */
export async function revisionDetail<K extends RevisionKind>(db: Db, kind: K, ownerId: string, version: number): Promise<(RevisionEntry<K> & { fields: Record<string, unknown> }) | null> {
  const { table, of, title, titleColumn } = HISTORIES[kind];
  const [r] = await db
    .select({ version: table.version, title: titleColumn, status: table.status, fields: table.fields, created: table.createdAt, createdByKey: table.createdByKey, createdByUser: table.createdByUser })
    .from(table)
    .where(and(eq(of, ownerId), eq(table.version, version)))
    .limit(1);
  if (!r) return null;
  return {
    version: r.version,
    [title]: r.title,
    status: r.status,
    fields: (r.fields ?? {}) as Record<string, unknown>,
    created: r.created.toISOString(),
    created_by_key: r.createdByKey,
    created_by_user: r.createdByUser,
  } as RevisionEntry<K> & { fields: Record<string, unknown> };
}

/** A revision as a rollback replays it: its title, its fields, and the status the new save takes. */
export interface RevisionToReplay {
  title: string;
  fields: unknown;
  status: 'draft' | 'published';
}

/**
 * The revision `version` of a page, item or post (by its row id), for a rollback: a new save with
 * its content (history is never rewritten). Its status: `status` when the caller gave one, else
 * the revision's (published stays published, anything else — draft, scheduled, deleted — becomes
 * a draft). Not found: `Revision <n> not found.`
 */
export async function revisionToReplay(db: Db, kind: RevisionKind, ownerId: string, version: number, status?: 'draft' | 'published'): Promise<Result<RevisionToReplay>> {
  const { table, of, titleColumn } = HISTORIES[kind];
  const [revision] = await db
    .select({ title: titleColumn, fields: table.fields, status: table.status })
    .from(table)
    .where(and(eq(of, ownerId), eq(table.version, version)))
    .limit(1);
  if (!revision) return { ok: false, error: 'not_found', detail: `Revision ${version} not found.` };
  return { ok: true, value: { title: revision.title, fields: revision.fields, status: status ?? (revision.status === 'published' ? 'published' : 'draft') } };
}
