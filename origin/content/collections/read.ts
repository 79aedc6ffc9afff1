/**
 * Collections: the reads — one page of a collection's items (ordered, filtered), one item, the
 * legacy multi-key read (a page of every item), the management view of one item, and the items
 * the scheduler finds due. Published reads serve the form stored at save time; preview renders
 * the working copy. References are expanded up to `levels - 1` deep; beyond that (and for
 * references that no longer resolve) ButterCMS's API path `/v2/content/?keys=<key>[_id=<n>]`.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { collectionItems, collections } from '../../db/schema/index.js';
import { getCollection, listCollections } from './definitions.js';
import { isId, itemPath, renderItem, type CollectionRow, type FieldDef } from './fields.js';
import { spaceDefaultLocale } from './locales.js';

export interface ReadOptions {
  spaceId: string;
  locale: string;
  preview: boolean;
  /** 1–5: 1 leaves references as API paths. */
  levels: number;
}

export interface ListQuery extends ReadOptions {
  key: string;
  /** null: every item (the legacy multi-key read, capped at `limit`). */
  page: number | null;
  pageSize: number;
  order: { field: string; desc: boolean } | null;
  filters: { field: string; value: string }[];
}

export interface ItemsPage {
  items: Record<string, unknown>[];
  count: number;
  /** uuids of the listed and of every expanded item (Surrogate-Key `item:<uuid>`). */
  uuids: string[];
}

interface Node {
  collectionKey: string;
  body: Record<string, unknown>;
}

async function collectionsByKey(db: Db, spaceId: string): Promise<Map<string, CollectionRow>> {
  return new Map((await listCollections(db, spaceId)).map((c) => [c.key, c]));
}

const ORDER_COLUMNS = new Set(['published', 'updated', 'created']);

/** `order` values accepted for a collection: published, updated, created or a declared field. */
export function orderProblem(c: CollectionRow, field: string): string | null {
  return ORDER_COLUMNS.has(field) || c.fields.some((d) => d.name === field) ? null : `order: unknown field "${field.slice(0, 100)}"`;
}

export function filterProblem(c: CollectionRow, field: string): string | null {
  return c.fields.some((d) => d.name === field) ? null : `fields.${field.slice(0, 100)}: unknown field`;
}

/**
 * One page of a collection's items in ButterCMS shape, references expanded to `levels - 1`.
 * Null when the collection does not exist.
 */
export async function listItems(db: Db, q: ListQuery): Promise<(ItemsPage & { collection: CollectionRow }) | null> {
  const all = await collectionsByKey(db, q.spaceId);
  const c = all.get(q.key);
  if (!c) return null;
  const doc = q.preview ? collectionItems.fields : collectionItems.published;
  const where = and(
    eq(collectionItems.collectionId, c.id),
    eq(collectionItems.locale, q.locale),
    isNull(collectionItems.deletedAt),
    q.preview ? undefined : isNotNull(collectionItems.published),
    ...q.filters.map(
      (f) =>
        sql`exists (select 1 from jsonb_array_elements_text(case when jsonb_typeof(${doc} -> ${f.field}) = 'array' then ${doc} -> ${f.field} else jsonb_build_array(${doc} -> ${f.field}) end) as e(v) where e.v = ${f.value})`,
    ),
  );
  const orderBy: SQL[] = [];
  if (q.order) {
    const dir = q.order.desc ? desc : asc;
    const col =
      q.order.field === 'published'
        ? collectionItems.publishedAt
        : q.order.field === 'updated'
          ? collectionItems.updatedAt
          : q.order.field === 'created'
            ? collectionItems.createdAt
            : sql`${doc} -> ${q.order.field}`;
    orderBy.push(dir(col));
  }
  orderBy.push(asc(collectionItems.position), asc(collectionItems.itemId));
  const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(collectionItems).where(where);
  const offset = q.page === null ? 0 : (q.page - 1) * q.pageSize;
  const rows = await db
    .select({ id: collectionItems.id, itemId: collectionItems.itemId, fields: collectionItems.fields, published: collectionItems.published })
    .from(collectionItems)
    .where(where)
    .orderBy(...orderBy)
    .limit(q.pageSize)
    .offset(offset);
  const uuids = rows.map((r) => r.id);
  const nodes: Node[] = rows.map((r) => ({
    collectionKey: c.key,
    body: q.preview ? renderItem(r.itemId, c.fields, r.fields as Record<string, unknown>) : { ...(r.published as Record<string, unknown>) },
  }));
  await expand(db, all, nodes, q, q.levels - 1, uuids);
  return { collection: c, items: nodes.map((n) => n.body), count: counted?.n ?? 0, uuids };
}

/** One item by its numeric id; null when missing, deleted, in another collection/locale, or a draft outside preview. */
export async function getItem(db: Db, q: ReadOptions & { key: string; itemId: number; localeGiven: boolean }): Promise<(ItemsPage & { collection: CollectionRow }) | null> {
  const all = await collectionsByKey(db, q.spaceId);
  const c = all.get(q.key);
  if (!c) return null;
  const [row] = await db
    .select({ id: collectionItems.id, itemId: collectionItems.itemId, fields: collectionItems.fields, published: collectionItems.published })
    .from(collectionItems)
    .where(
      and(
        eq(collectionItems.collectionId, c.id),
        eq(collectionItems.itemId, q.itemId),
        q.localeGiven ? eq(collectionItems.locale, q.locale) : undefined,
        isNull(collectionItems.deletedAt),
        q.preview ? undefined : isNotNull(collectionItems.published),
      ),
    )
    // Without ?locale=: the item in the default locale, else in the one locale it exists in.
    .orderBy(sql`${collectionItems.locale} = ${q.locale} desc`, asc(collectionItems.locale))
    .limit(1);
  if (!row) return null;
  const uuids = [row.id];
  const nodes: Node[] = [{ collectionKey: c.key, body: q.preview ? renderItem(row.itemId, c.fields, row.fields as Record<string, unknown>) : { ...(row.published as Record<string, unknown>) } }];
  await expand(db, all, nodes, q, q.levels - 1, uuids);
  return { collection: c, items: nodes.map((n) => n.body), count: 1, uuids };
}

/** Replaces reference ids in `nodes` by the referenced items (to `depth`), or by API paths. */
async function expand(db: Db, all: Map<string, CollectionRow>, nodes: Node[], opts: ReadOptions, depth: number, uuids: string[]): Promise<void> {
  const refs: { node: Node; def: FieldDef; target: CollectionRow | undefined }[] = [];
  const wanted = new Map<string, Set<number>>(); // collection id → item ids
  for (const node of nodes) {
    const c = all.get(node.collectionKey);
    if (!c) continue;
    for (const def of c.fields) {
      if (def.type !== 'reference' || !def.collection) continue;
      const target = all.get(def.collection);
      refs.push({ node, def, target });
      if (depth <= 0 || !target) continue;
      const v = node.body[def.name];
      const ids = Array.isArray(v) ? v.filter(isId) : isId(v) ? [v] : [];
      const set = wanted.get(target.id) ?? new Set<number>();
      ids.forEach((id) => set.add(id));
      wanted.set(target.id, set);
    }
  }
  if (refs.length === 0) return;
  const found = new Map<string, Node>(); // `${collectionId}:${itemId}` → node
  const children: Node[] = [];
  for (const [collectionId, ids] of wanted) {
    if (ids.size === 0) continue;
    const target = [...all.values()].find((c) => c.id === collectionId)!;
    const rows = await db
      .select({ id: collectionItems.id, itemId: collectionItems.itemId, fields: collectionItems.fields, published: collectionItems.published })
      .from(collectionItems)
      .where(
        and(
          eq(collectionItems.collectionId, collectionId),
          inArray(collectionItems.itemId, [...ids]),
          isNull(collectionItems.deletedAt),
          opts.preview ? undefined : isNotNull(collectionItems.published),
        ),
      )
      // A referenced item in the reader's locale first (one item keeps its id across locales).
      .orderBy(sql`${collectionItems.locale} = ${opts.locale} desc`, asc(collectionItems.locale));
    for (const r of rows) {
      if (found.has(`${collectionId}:${r.itemId}`)) continue;
      const child: Node = { collectionKey: target.key, body: opts.preview ? renderItem(r.itemId, target.fields, r.fields as Record<string, unknown>) : { ...(r.published as Record<string, unknown>) } };
      found.set(`${collectionId}:${r.itemId}`, child);
      children.push(child);
      uuids.push(r.id);
    }
  }
  if (children.length) await expand(db, all, children, opts, depth - 1, uuids);
  for (const { node, def, target } of refs) {
    const key = def.collection!;
    const resolve = (id: number): unknown => (depth > 0 && target ? (found.get(`${target.id}:${id}`)?.body ?? null) : itemPath(key, id));
    const v = node.body[def.name];
    if (Array.isArray(v)) node.body[def.name] = v.filter(isId).map(resolve).filter((x) => x !== null);
    else if (isId(v)) node.body[def.name] = resolve(v);
  }
}

/** The management view of one item: working copy, status and version (the ETag). */
export async function getItemForManagement(db: Db, q: { spaceId: string; key: string; itemId: number; locale?: string | null | undefined }) {
  const c = await getCollection(db, q.spaceId, q.key);
  if (!c) return null;
  const preferred = q.locale ?? (await spaceDefaultLocale(db, q.spaceId));
  const [row] = await db
    .select()
    .from(collectionItems)
    .where(and(eq(collectionItems.collectionId, c.id), eq(collectionItems.itemId, q.itemId), q.locale ? eq(collectionItems.locale, q.locale) : undefined, isNull(collectionItems.deletedAt)))
    .orderBy(sql`${collectionItems.locale} = ${preferred} desc`, asc(collectionItems.locale))
    .limit(1);
  return row ? { collection: c, item: row } : null;
}

/** Items whose scheduled time has come (oldest first), for the scheduler. */
export async function dueItems(db: Db, now: Date, limit = 50) {
  return db
    .select({ spaceId: collections.spaceId, key: collections.key, itemId: collectionItems.itemId, locale: collectionItems.locale })
    .from(collectionItems)
    .innerJoin(collections, eq(collections.id, collectionItems.collectionId))
    .where(and(eq(collectionItems.status, 'scheduled'), lte(collectionItems.scheduledAt, now), isNull(collectionItems.deletedAt)))
    .orderBy(collectionItems.scheduledAt)
    .limit(limit);
}
