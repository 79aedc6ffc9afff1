/**
 * Collections: deleting an item (soft: reads 404 at once, the row and its id stay for history) and
 * restoring it — each one transaction through the commit step, with the same revision, purge,
 * webhook event and audit row as a save (the helpers come from write.ts).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { collectionItems } from '../../db/schema/index.js';
import { commitWrite } from '../../outbox/index.js';
import { guardLiveChange, mayPublishOf, NOTHING_LIVE, refusingLiveChanges } from '../live-changes.js';
import { fail, fieldProblems, normalise, renderItem, setValues, type ItemStatus } from './fields.js';
import { afterChange, auditItem, itemLiveState, itemLiveStateById, lockedCollection, lockedItem, writerOf, type ItemAddress, type SavedItem } from './write.js';

/** Soft delete: reads 404 at once; the row (and its id) stays for history. */
export async function deleteItem(
  db: Db,
  input: ItemAddress,
  expectedVersion: number | null,
): Promise<Result<SavedItem>> {
  return refusingLiveChanges(() => deleteItemTx(db, input, expectedVersion));
}

async function deleteItemTx(
  db: Db,
  input: ItemAddress,
  expectedVersion: number | null,
): Promise<Result<SavedItem>> {
  return commitWrite(db, writerOf(input), input.spaceId, async (w): Promise<Result<SavedItem>> => {
    const t = w.t;
    const c = await lockedCollection(t, input.spaceId, input.key);
    if (!c) return fail('not_found', 'Item not found.');
    // Locked: what readers saw before the delete.
    const before = await lockedItem(t, input.spaceId, c.id, input.itemId, false, input.locale);
    if (!before) return fail('not_found', 'Item not found.');
    // This locale's version only: the item's other locales stay.
    const [row] = await t
      .update(collectionItems)
      .set({ deletedAt: new Date(), published: null, version: sql`${collectionItems.version} + 1` })
      .where(
        and(
          eq(collectionItems.id, before.id),
          isNull(collectionItems.deletedAt),
          expectedVersion === null ? undefined : eq(collectionItems.version, expectedVersion),
        ),
      )
      .returning({ id: collectionItems.id, itemId: collectionItems.itemId, version: collectionItems.version, locale: collectionItems.locale, fields: collectionItems.fields, status: collectionItems.status });
    if (!row) return expectedVersion === null ? fail('not_found', 'Item not found.') : fail('version_mismatch', 'The item changed or does not exist.');
    guardLiveChange(mayPublishOf(input), itemLiveState(before), NOTHING_LIVE);
    await afterChange(
      w,
      input.spaceId,
      c,
      { id: row.id, itemId: row.itemId, locale: row.locale, values: row.fields as Record<string, unknown>, version: row.version, status: 'deleted', keyId: input.keyId, userId: input.userId },
      'collectionitem.delete',
    );
    auditItem(w, 'item.delete', c, { id: row.id, itemId: row.itemId, locale: row.locale, status: 'deleted' }, row.version - 1, row.version);
    return { ok: true, value: { id: row.id, itemId: row.itemId, version: row.version, status: row.status as ItemStatus } };
  });
}

/**
 * Undo a soft delete: the item is visible again as it was (re-rendered against the collection's
 * current fields when published). Refused (invalid) when its fields no longer fit the collection.
 */
export async function restoreItem(db: Db, input: ItemAddress): Promise<Result<SavedItem>> {
  return refusingLiveChanges(() => restoreItemTx(db, input));
}

async function restoreItemTx(db: Db, input: ItemAddress): Promise<Result<SavedItem>> {
  return commitWrite(db, writerOf(input), input.spaceId, async (w): Promise<Result<SavedItem>> => {
    const t = w.t;
    const c = await lockedCollection(t, input.spaceId, input.key);
    if (!c) return fail('not_found', 'No deleted item with that id.');
    const current = await lockedItem(t, input.spaceId, c.id, input.itemId, true, input.locale);
    if (!current) return fail('not_found', 'No deleted item with that id.');
    const problems = fieldProblems(c.fields, setValues(current.fields as Record<string, unknown>));
    if (problems.length) return fail('invalid', `the item no longer fits the collection: ${problems.slice(0, 10).join('; ')}`);
    const values = normalise(c.fields, current.fields as Record<string, unknown>);
    const status = current.status as ItemStatus;
    const [row] = await t
      .update(collectionItems)
      .set({
        deletedAt: null,
        fields: values,
        published: status === 'published' ? renderItem(current.itemId, c.fields, values) : null,
        updatedAt: new Date(),
        version: sql`${collectionItems.version} + 1`,
      })
      .where(eq(collectionItems.id, current.id))
      .returning({ version: collectionItems.version });
    guardLiveChange(mayPublishOf(input), NOTHING_LIVE, await itemLiveStateById(t, current.id));
    await afterChange(
      w,
      input.spaceId,
      c,
      { id: current.id, itemId: current.itemId, locale: current.locale, values, version: row!.version, status, keyId: input.keyId, userId: input.userId },
      status === 'published' ? 'collectionitem.published' : 'collectionitem.draft',
    );
    auditItem(w, 'item.restore', c, { id: current.id, itemId: current.itemId, locale: current.locale, status }, row!.version - 1, row!.version);
    return { ok: true, value: { id: current.id, itemId: current.itemId, version: row!.version, status } };
  });
}
