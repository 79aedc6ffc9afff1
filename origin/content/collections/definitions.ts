/**
 * Collections: the definitions (schema) of a space's collections — listing, reading, creating
 * and changing them, with the checks on their field definitions. A change goes through the commit
 * step (origin/outbox/commit.ts): the purge and the audit row exist exactly when it committed;
 * a field change re-renders the published items in the same transaction.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { collectionItems, collections } from '../../db/schema/index.js';
import { commitWrite, type WriteActor } from '../../outbox/index.js';
import { collectionKey, fail, fieldProblems, itemKey, normalise, renderItem, toCollection, type CollectionRow, type FieldDef } from './fields.js';

export async function listCollections(db: Db, spaceId: string): Promise<CollectionRow[]> {
  const rows = await db.select().from(collections).where(eq(collections.spaceId, spaceId)).orderBy(asc(collections.key));
  return rows.map(toCollection);
}

export async function getCollection(db: Db, spaceId: string, key: string): Promise<CollectionRow | null> {
  const [row] = await db
    .select()
    .from(collections)
    .where(and(eq(collections.spaceId, spaceId), eq(collections.key, key)))
    .limit(1);
  return row ? toCollection(row) : null;
}

async function defsProblem(t: Db, spaceId: string, ownKey: string, defs: readonly FieldDef[]): Promise<string | null> {
  const seen = new Set<string>();
  for (const d of defs) {
    if (seen.has(d.name)) return `fields: duplicate field name "${d.name}"`;
    seen.add(d.name);
    if (d.type === 'reference') {
      if (!d.collection) return `fields.${d.name}: a reference field names its collection`;
      if (d.collection !== ownKey && !(await getCollection(t, spaceId, d.collection))) return `fields.${d.name}: collection "${d.collection}" not found`;
    } else if (d.collection !== undefined || d.many !== undefined) {
      return `fields.${d.name}: collection and many are for reference fields only`;
    }
  }
  return null;
}

export async function createCollection(db: Db, spaceId: string, input: { key: string; name: string; fields: FieldDef[] }, actor: WriteActor): Promise<Result<CollectionRow>> {
  return commitWrite(db, actor, spaceId, async (w): Promise<Result<CollectionRow>> => {
    const t = w.t;
    if (await getCollection(t, spaceId, input.key)) return fail('invalid', `A collection with key "${input.key}" already exists.`);
    const problem = await defsProblem(t, spaceId, input.key, input.fields);
    if (problem) return fail('invalid', problem);
    const [row] = await t.insert(collections).values({ spaceId, key: input.key, name: input.name, fields: input.fields }).onConflictDoNothing().returning();
    if (!row) return fail('invalid', `A collection with key "${input.key}" already exists.`);
    // A cached 404 for this key is tagged with the collection key.
    await w.changed({ purge: { keys: [collectionKey(spaceId, input.key)] } });
    w.audit({ action: 'collection.create', target: { type: 'collection', id: row.id }, metadata: { key: input.key } });
    return { ok: true, value: toCollection(row) };
  });
}

/**
 * Changes a collection's name and/or fields. New fields apply only when every existing item
 * (any locale, draft or published) still validates; otherwise nothing changes and the detail
 * names the first offending item and field. Published forms are re-rendered in the same
 * transaction (new fields appear as null, removed empty ones disappear).
 */
export async function updateCollection(db: Db, spaceId: string, key: string, input: { name?: string; fields?: FieldDef[] }, actor: WriteActor): Promise<Result<CollectionRow>> {
  return commitWrite(db, actor, spaceId, async (w): Promise<Result<CollectionRow>> => {
    const t = w.t;
    const [current] = await t
      .select()
      .from(collections)
      .where(and(eq(collections.spaceId, spaceId), eq(collections.key, key)))
      .for('update')
      .limit(1);
    if (!current) return fail('not_found', 'Collection not found.');
    const now = new Date();
    const uuids: string[] = [];
    if (input.fields) {
      const defs = input.fields;
      const problem = await defsProblem(t, spaceId, key, defs);
      if (problem) return fail('invalid', problem);
      const items = await t
        .select({ id: collectionItems.id, itemId: collectionItems.itemId, fields: collectionItems.fields, status: collectionItems.status })
        .from(collectionItems)
        .where(and(eq(collectionItems.collectionId, current.id), isNull(collectionItems.deletedAt)))
        .orderBy(asc(collectionItems.itemId));
      for (const item of items) {
        const values = Object.fromEntries(Object.entries(item.fields as Record<string, unknown>).filter(([, v]) => v !== null));
        const problems = fieldProblems(defs, values);
        if (problems.length) return fail('invalid', `Item ${item.itemId} would no longer validate: ${problems[0]}.`);
      }
      for (const item of items) {
        const values = normalise(defs, item.fields as Record<string, unknown>);
        await t
          .update(collectionItems)
          .set({ fields: values, ...(item.status === 'published' ? { published: renderItem(item.itemId, defs, values) } : {}) })
          .where(eq(collectionItems.id, item.id));
        uuids.push(item.id);
      }
    }
    const [row] = await t
      .update(collections)
      .set({ ...(input.name !== undefined ? { name: input.name } : {}), ...(input.fields ? { fields: input.fields } : {}), updatedAt: now })
      .where(eq(collections.id, current.id))
      .returning();
    // The collection key covers its own lists and items; item keys reach other collections'
    // responses that expanded these items. Outbox rows stay bounded (≤ 256 keys, a purge batch).
    await w.changed({ purge: { keys: [collectionKey(spaceId, key)] } });
    for (let i = 0; i < uuids.length; i += 256) await w.changed({ purge: { keys: uuids.slice(i, i + 256).map(itemKey) } });
    w.audit({ action: 'collection.update', target: { type: 'collection', id: current.id }, metadata: { key, fields_changed: input.fields !== undefined, items_rerendered: uuids.length } });
    return { ok: true, value: toCollection(row!) };
  });
}
