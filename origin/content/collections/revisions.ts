/**
 * Collections: an item's revision history and the rollback to one of its revisions (a new save
 * through write.ts: history is never rewritten).
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { collectionItemRevisions } from '../../db/schema/index.js';
import { fail, setValues } from './fields.js';
import { getItemForManagement } from './read.js';
import { updateItem, type ItemAddress, type SavedItem } from './write.js';

/** The revision history of an item, newest first, with who saved each. */
export async function listItemRevisions(db: Db, itemUuid: string) {
  return db
    .select({
      version: collectionItemRevisions.version,
      label: collectionItemRevisions.label,
      status: collectionItemRevisions.status,
      created: collectionItemRevisions.createdAt,
      createdByKey: collectionItemRevisions.createdByKey,
      createdByUser: collectionItemRevisions.createdByUser,
    })
    .from(collectionItemRevisions)
    .where(eq(collectionItemRevisions.collectionItemId, itemUuid))
    .orderBy(desc(collectionItemRevisions.version));
}

/**
 * Rollback: a new save whose fields are exactly those of revision `version` (history is never
 * rewritten; the rollback is itself a revision). Status: as given, else the revision's
 * (published stays published, anything else becomes a draft). Refused (invalid) when the
 * revision no longer fits the collection's fields.
 */
export async function rollbackItem(
  db: Db,
  input: ItemAddress & { version: number; status?: 'draft' | 'published' },
  expectedVersion: number | null,
): Promise<Result<SavedItem>> {
  const found = await getItemForManagement(db, input);
  if (!found) return fail('not_found', 'Item not found.');
  const [revision] = await db
    .select()
    .from(collectionItemRevisions)
    .where(and(eq(collectionItemRevisions.collectionItemId, found.item.id), eq(collectionItemRevisions.version, input.version)))
    .limit(1);
  if (!revision) return fail('not_found', `Revision ${input.version} not found.`);
  const status = input.status ?? (revision.status === 'published' ? 'published' : 'draft');
  const result = await updateItem(
    db,
    {
      spaceId: input.spaceId,
      key: input.key,
      itemId: input.itemId,
      status,
      fields: setValues(revision.fields as Record<string, unknown>),
      replace: true,
      keyId: input.keyId,
      userId: input.userId,
      ...(input.mayPublish !== undefined ? { mayPublish: input.mayPublish } : {}),
      ...(input.actor ? { actor: input.actor } : {}),
      auditAction: 'item.rollback',
    },
    expectedVersion,
  );
  return result.ok || result.error !== 'invalid' ? result : fail('invalid', `revision ${input.version} no longer fits the collection: ${result.detail}`);
}
