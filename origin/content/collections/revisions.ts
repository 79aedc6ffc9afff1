/**
 * Collections: the rollback of an item to one of its revisions (a new save through write.ts:
 * history is never rewritten). The history and the revision a rollback replays are the content
 * domain's one owner's (origin/content/revisions.ts).
 */
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { revisionToReplay } from '../revisions.js';
import { fail, setValues } from './fields.js';
import { getItemForManagement } from './read.js';
import { updateItem, type ItemAddress, type SavedItem } from './write.js';

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
  const revision = await revisionToReplay(db, 'item', found.item.id, input.version, input.status);
  if (!revision.ok) return revision;
  const result = await updateItem(
    db,
    {
      spaceId: input.spaceId,
      key: input.key,
      itemId: input.itemId,
      locale: found.item.locale,
      status: revision.value.status,
      fields: setValues(revision.value.fields as Record<string, unknown>),
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
