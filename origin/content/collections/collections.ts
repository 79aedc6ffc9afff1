/**
 * Collections (ButterCMS `/v2/content/`): the field schema of a collection, its items, their
 * published form and their references.
 *
 * Items: one row per (item, locale); `item_id` is the numeric `meta.id` ButterCMS exposes.
 * Collections have no draft-over-published versioning (as in ButterCMS): an item is either
 * published — its rendered form stored in `published` at save time, so reads never re-render —
 * or a draft (`published` null, visible in preview only).
 *
 * Every item save (create, update, delete, restore, rollback, scheduled publish) is one
 * transaction that changes the row, bumps `version`, writes an immutable revision, queues the
 * purge of `collection:<space>:<key>` and `item:<uuid>`, queues the ButterCMS webhook event and
 * writes one audit row — all through the commit step (origin/outbox/commit.ts) — so the revision, the
 * purge, the event and the audit row exist exactly when the change committed. Collection (schema)
 * changes go through the same step.
 *
 * References: a `reference` field holds an item id (or, with `many`, an array of ids) of the
 * collection it names. Reads expand them up to `levels - 1` deep; beyond that (and for
 * references that no longer resolve) ButterCMS's API path `/v2/content/?keys=<key>[_id=<n>]`.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result, ServiceErrorKind } from '../../http/result.js';
import { collectionItemRevisions, collectionItems, collections, locales, spaces } from '../../db/schema/index.js';
import { commitWrite, type WriteActor, type WriteScope } from '../../outbox/index.js';
import { collectionItemWebhookData } from '../../outbox/index.js';
import { surrogateKeys } from '../../../shared/surrogate.js';
import { guardLiveChange, mayPublishOf, NOTHING_LIVE, refusingLiveChanges, type LiveState } from '../live-changes.js';
import { cleanFreeformValue, cleanString, COLLECTION_FIELD_KINDS, COLLECTION_FIELD_TYPES, type CollectionFieldType } from '../model/schema.js';

/** The field types (declared, with what each holds, in origin/content/model/schema.ts). */
export const FIELD_TYPES = COLLECTION_FIELD_TYPES;
export type FieldType = CollectionFieldType;

export interface FieldDef {
  name: string;
  type: FieldType;
  /** reference fields: the key of the referenced collection (same space). */
  collection?: string;
  /** reference fields: an array of ids instead of one id. */
  many?: boolean;
}

export const MAX_FIELDS = 200;
export const MAX_REFERENCES_PER_FIELD = 50;
const MAX_STRING = 200_000;
const MAX_JSON_DEPTH = 12;
/** Who the webhook payload names as editor until the identity issue brings users. */
const API_EDITOR = 'API';

/** A scheduled item is unpublished (like a draft) until the scheduler publishes it. */
export type ItemStatus = 'draft' | 'published' | 'scheduled';

const fail = (error: ServiceErrorKind, detail: string): { ok: false; error: ServiceErrorKind; detail: string } => ({ ok: false, error, detail });

export const collectionKey = surrogateKeys.collection;
export const itemKey = surrogateKeys.collectionItem;
export const itemPath = (key: string, itemId: number) => `/v2/content/?keys=${key}[_id=${itemId}]`;

export interface CollectionRow {
  id: string;
  key: string;
  name: string;
  fields: FieldDef[];
  createdAt: Date;
  updatedAt: Date;
}

function toCollection(r: typeof collections.$inferSelect): CollectionRow {
  return { id: r.id, key: r.key, name: r.name, fields: r.fields as FieldDef[], createdAt: r.createdAt, updatedAt: r.updatedAt };
}

// ---------------------------------------------------------------------------------------------
// Validation

function depth(v: unknown, d = 0): number {
  if (d > MAX_JSON_DEPTH) return d;
  if (Array.isArray(v)) return v.reduce<number>((m, x) => Math.max(m, depth(x, d + 1)), d + 1);
  if (v && typeof v === 'object') return Object.values(v).reduce<number>((m, x) => Math.max(m, depth(x, d + 1)), d + 1);
  return d;
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** The problem with one value for one field definition, or null. Null is always allowed. */
function valueProblem(def: FieldDef, v: unknown): string | null {
  if (v === null) return null;
  switch (def.type) {
    case 'short_text':
    case 'long_text':
    case 'wysiwyg':
    case 'html':
    case 'media':
    case 'date':
    case 'dropdown': {
      if (!(typeof v === 'string' && v.length <= MAX_STRING)) return `must be a string of at most ${MAX_STRING} characters`;
      const cleaned = cleanString(COLLECTION_FIELD_KINDS[def.type], v);
      return 'problem' in cleaned ? cleaned.problem : null;
    }
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : 'must be a number';
    case 'checkbox':
      return typeof v === 'boolean' ? null : 'must be true or false';
    case 'reference':
      if (def.many) {
        return Array.isArray(v) && v.length <= MAX_REFERENCES_PER_FIELD && v.every(isId) ? null : `must be an array of at most ${MAX_REFERENCES_PER_FIELD} item ids`;
      }
      return isId(v) ? null : 'must be an item id';
    case 'json': {
      if (depth(v) > MAX_JSON_DEPTH) return `must nest at most ${MAX_JSON_DEPTH} levels`;
      const cleaned = cleanFreeformValue(v, 'value');
      return 'problems' in cleaned ? cleaned.problems.slice(0, 3).join(', ') : null;
    }
  }
}

/**
 * The values as stored: rich (wysiwyg, html) values sanitised and free-form (json) strings
 * cleaned by the one sanitiser policy; the rest as given. Call after fieldProblems found none.
 */
function cleanValues(defs: readonly FieldDef[], values: Record<string, unknown>): Record<string, unknown> {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(values)) {
    const def = byName.get(name);
    let stored = v;
    if (def && typeof v === 'string') {
      const cleaned = cleanString(COLLECTION_FIELD_KINDS[def.type], v);
      if ('value' in cleaned) stored = cleaned.value;
    } else if (def?.type === 'json' && v !== null) {
      const cleaned = cleanFreeformValue(v, 'value');
      if ('value' in cleaned) stored = cleaned.value;
    }
    Object.defineProperty(out, name, { value: stored, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Problems of an item's field values against a collection's definitions (unknown names refused). */
export function fieldProblems(defs: readonly FieldDef[], values: Record<string, unknown>): string[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const problems: string[] = [];
  const names = Object.keys(values);
  if (names.length > MAX_FIELDS) return [`at most ${MAX_FIELDS} fields`];
  for (const name of names) {
    const def = byName.get(name);
    if (!def) {
      problems.push(`fields.${name.slice(0, 100)}: unknown field`);
      continue;
    }
    const p = valueProblem(def, values[name]);
    if (p) problems.push(`fields.${name}: ${p}`);
  }
  return problems;
}

/** Only the declared fields, every declared field present (null when unset). */
function normalise(defs: readonly FieldDef[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of defs) out[d.name] = values[d.name] ?? null;
  return out;
}

/** The ButterCMS item shape stored in `published` (references unexpanded: ids). */
export function renderItem(itemId: number, defs: readonly FieldDef[], values: Record<string, unknown>): Record<string, unknown> {
  return { meta: { id: itemId }, ...normalise(defs, values) };
}

function referencedIds(defs: readonly FieldDef[], values: Record<string, unknown>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const d of defs) {
    if (d.type !== 'reference' || !d.collection) continue;
    const v = values[d.name];
    const ids = Array.isArray(v) ? v.filter(isId) : isId(v) ? [v] : [];
    if (ids.length) out.set(d.collection, [...(out.get(d.collection) ?? []), ...ids]);
  }
  return out;
}

/** Every referenced id must name a live item of the referenced collection in the same space. */
async function referenceProblems(t: Db, spaceId: string, defs: readonly FieldDef[], values: Record<string, unknown>): Promise<string[]> {
  const problems: string[] = [];
  for (const [key, ids] of referencedIds(defs, values)) {
    const unique = [...new Set(ids)];
    const found = await t
      .select({ itemId: collectionItems.itemId })
      .from(collectionItems)
      .innerJoin(collections, eq(collections.id, collectionItems.collectionId))
      .where(and(eq(collections.spaceId, spaceId), eq(collections.key, key), inArray(collectionItems.itemId, unique), isNull(collectionItems.deletedAt)));
    const have = new Set(found.map((r) => r.itemId));
    for (const id of unique) if (!have.has(id)) problems.push(`item ${id} not found in collection "${key}"`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Locales

async function spaceDefaultLocale(db: Db, spaceId: string): Promise<string> {
  const [row] = await db.select({ locale: spaces.defaultLocale }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
  return row?.locale ?? 'en';
}

/** The space's default locale for null; the locale when the space publishes in it; else null. */
export async function resolveLocale(db: Db, spaceId: string, locale: string | null): Promise<string | null> {
  const fallback = await spaceDefaultLocale(db, spaceId);
  if (locale === null || locale === fallback) return fallback;
  const [row] = await db
    .select({ code: locales.code })
    .from(locales)
    .where(and(eq(locales.spaceId, spaceId), eq(locales.code, locale), eq(locales.enabled, true)))
    .limit(1);
  return row ? row.code : null;
}

/** The enabled locale codes of a space (the default one included). */
async function spaceLocales(db: Db, spaceId: string): Promise<Set<string>> {
  const rows = await db.select({ code: locales.code }).from(locales).where(and(eq(locales.spaceId, spaceId), eq(locales.enabled, true)));
  return new Set([await spaceDefaultLocale(db, spaceId), ...rows.map((r) => r.code)]);
}

// ---------------------------------------------------------------------------------------------
// Collection management

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

// ---------------------------------------------------------------------------------------------
// Reads

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
      );
    for (const r of rows) {
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

// ---------------------------------------------------------------------------------------------
// Item writes

export interface SavedItem {
  id: string;
  itemId: number;
  version: number;
  status: ItemStatus;
}

function label(defs: readonly FieldDef[], itemId: number, values: Record<string, unknown>): string {
  const first = defs.find((d) => typeof values[d.name] === 'string' && (values[d.name] as string).length > 0);
  return first ? (values[first.name] as string).slice(0, 200) : `Item ${itemId}`;
}

/** The revision of a save, its purge and its webhook event, recorded by the commit step (in the save's transaction). */
async function afterChange(
  w: WriteScope,
  spaceId: string,
  c: CollectionRow,
  item: { id: string; itemId: number; locale: string; values: Record<string, unknown>; version: number; status: ItemStatus | 'deleted'; keyId: string | null; userId: string | null },
  event: 'collectionitem.published' | 'collectionitem.draft' | 'collectionitem.delete',
): Promise<void> {
  const status = event === 'collectionitem.published' ? 'published' : event === 'collectionitem.draft' ? 'draft' : 'deleted';
  await w.changed({
    revision: () =>
      w.t.insert(collectionItemRevisions).values({
        collectionItemId: item.id,
        version: item.version,
        label: label(c.fields, item.itemId, item.values),
        status: item.status,
        fields: item.values,
        createdByKey: item.keyId,
        createdByUser: item.userId,
      }),
    purge: { keys: [collectionKey(spaceId, c.key), itemKey(item.id)] },
    webhooks: [
      { event, data: collectionItemWebhookData({ collectionKey: c.key, itemId: item.itemId, label: label(c.fields, item.itemId, item.values), editor: API_EDITOR, locale: item.locale, status }) },
    ],
  });
}

/** The audit row of an item save. */
function auditItem(w: WriteScope, action: string, c: CollectionRow, item: { id: string; itemId: number; locale: string; status: string }, before: number | null, after: number): void {
  w.audit({ action, target: { type: 'collection_item', id: item.id }, version: { before, after }, metadata: { collection: c.key, item_id: item.itemId, locale: item.locale, status: item.status } });
}

/** Who saves: `actor` when the caller gave it (routes, the scheduler), else an operator with the input's key or member. */
function writerOf(input: { keyId: string | null; userId: string | null; actor?: WriteActor | undefined }): WriteActor {
  return input.actor ?? { userId: input.userId, keyId: input.keyId, system: 'operator' };
}

/** Item writes' address and actor. */
interface ItemAddress {
  spaceId: string;
  key: string;
  itemId: number;
  keyId: string | null;
  userId: string | null;
  mayPublish?: boolean;
  /** The actor as the audit row names it (see origin/outbox/commit.ts). */
  actor?: WriteActor;
}

/**
 * What readers of an item see: its published form and the dates lists order by; nothing while
 * it is a draft or deleted. (An item has no draft over its published version: editing a
 * published item changes it live.)
 */
function itemLiveState(row: { deletedAt: Date | null; published: unknown; publishedAt: Date | null; updatedAt: Date; status: string }): LiveState {
  if (row.deletedAt !== null) return NOTHING_LIVE;
  return { live: row.published === null ? null : { published: row.published, publishedAt: row.publishedAt, updatedAt: row.updatedAt }, scheduled: row.status === 'scheduled' };
}

async function itemLiveStateById(t: Db, id: string): Promise<LiveState> {
  const [row] = await t
    .select({ deletedAt: collectionItems.deletedAt, published: collectionItems.published, publishedAt: collectionItems.publishedAt, updatedAt: collectionItems.updatedAt, status: collectionItems.status })
    .from(collectionItems)
    .where(eq(collectionItems.id, id));
  return row ? itemLiveState(row) : NOTHING_LIVE;
}

/** The collection row, share-locked so a concurrent field change waits for this save. */
async function lockedCollection(t: Db, spaceId: string, key: string): Promise<CollectionRow | null> {
  const [row] = await t
    .select()
    .from(collections)
    .where(and(eq(collections.spaceId, spaceId), eq(collections.key, key)))
    .for('share')
    .limit(1);
  return row ? toCollection(row) : null;
}

/**
 * Creates items. Each entry of `items` is either the item's field values, or — when every key
 * is a locale the space publishes in — `{ "<locale>": { …values } }`, one row per locale.
 * All or nothing.
 */
export async function createItems(
  db: Db,
  input: { spaceId: string; key: string; status: ItemStatus; scheduledAt?: Date; locale: string | null; items: Record<string, unknown>[]; keyId: string | null; userId: string | null; mayPublish?: boolean; actor?: WriteActor },
): Promise<Result<SavedItem[]>> {
  const fallback = input.locale ?? (await spaceDefaultLocale(db, input.spaceId));
  const known = await spaceLocales(db, input.spaceId);
  const rows: { locale: string; values: Record<string, unknown>; index: number }[] = [];
  input.items.forEach((entry, index) => {
    const keys = Object.keys(entry);
    const localised = keys.length > 0 && keys.every((k) => known.has(k) && entry[k] !== null && typeof entry[k] === 'object' && !Array.isArray(entry[k]));
    if (localised && known.size > 1) for (const k of keys) rows.push({ locale: k, values: entry[k] as Record<string, unknown>, index });
    else rows.push({ locale: fallback, values: entry, index });
  });
  return refusingLiveChanges(() => commitWrite(db, writerOf(input), input.spaceId, async (w): Promise<Result<SavedItem[]>> => {
    const t = w.t;
    const c = await lockedCollection(t, input.spaceId, input.key);
    if (!c) return fail('not_found', `Collection "${input.key}" not found.`);
    for (const r of rows) {
      const where = input.items.length > 1 ? `fields[${r.index}]${r.locale === fallback ? '' : `.${r.locale}`}` : '';
      const problems = [...fieldProblems(c.fields, r.values), ...(await referenceProblems(t, input.spaceId, c.fields, r.values))];
      if (problems.length) return fail('invalid', `${where ? `${where}: ` : ''}${problems.slice(0, 10).join('; ')}`);
    }
    const now = new Date();
    const published = input.status === 'published';
    const saved: SavedItem[] = [];
    for (const r of rows) {
      const values = normalise(c.fields, cleanValues(c.fields, r.values));
      const [row] = await t
        .insert(collectionItems)
        .values({
          collectionId: c.id,
          locale: r.locale,
          status: input.status,
          scheduledAt: input.status === 'scheduled' ? (input.scheduledAt ?? null) : null,
          fields: values,
          position: sql`(select coalesce(max(${collectionItems.position}), 0) + 1 from ${collectionItems} where ${collectionItems.collectionId} = ${c.id})`,
          createdAt: now,
          updatedAt: now,
          publishedAt: published ? now : null,
        })
        .returning({ id: collectionItems.id, itemId: collectionItems.itemId, version: collectionItems.version });
      if (published) await t.update(collectionItems).set({ published: renderItem(row!.itemId, c.fields, values) }).where(eq(collectionItems.id, row!.id));
      guardLiveChange(mayPublishOf(input), NOTHING_LIVE, await itemLiveStateById(t, row!.id));
      await afterChange(
        w,
        input.spaceId,
        c,
        { id: row!.id, itemId: row!.itemId, locale: r.locale, values, version: row!.version, status: input.status, keyId: input.keyId, userId: input.userId },
        published ? 'collectionitem.published' : 'collectionitem.draft',
      );
      saved.push({ id: row!.id, itemId: row!.itemId, version: row!.version, status: input.status });
    }
    // One audit row for the request: the item (or, for a batch, the collection) and every item made.
    w.audit({
      action: 'item.create',
      target: saved.length === 1 ? { type: 'collection_item', id: saved[0]!.id } : { type: 'collection', id: c.id },
      metadata: { collection: c.key, status: input.status, items: saved.map((x, i) => ({ id: x.id, item_id: x.itemId, locale: rows[i]!.locale, version: x.version })) },
    });
    return { ok: true as const, value: saved };
  }));
}

export interface ItemChange {
  spaceId: string;
  key: string;
  itemId: number;
  status?: ItemStatus;
  /** With status `scheduled`: when the scheduler publishes the item. */
  scheduledAt?: Date;
  fields?: Record<string, unknown>;
  replace: boolean;
  /** Scheduler only: apply only if the item is still scheduled and due at this time. */
  onlyIfDue?: Date;
  /** The API key making the change (null: a signed-in member, or the scheduler). */
  keyId: string | null;
  /** The signed-in member making the change (null: an API key, or the scheduler). */
  userId: string | null;
  /** The actor holds content.publish (origin/content/live-changes.ts); absent: only the scheduler (onlyIfDue). */
  mayPublish?: boolean;
  /** The actor as the audit row names it (see origin/outbox/commit.ts). */
  actor?: WriteActor;
  /** Internal: the audit action when the save is a rollback. */
  auditAction?: 'item.rollback';
}

/**
 * Updates one item: `replace` (PUT) sets every field (unset ones become null), otherwise the
 * given fields are merged (PATCH). `status` publishes (renders `published`), unpublishes or
 * schedules (unpublished until due). With `expectedVersion` the save is conditional (If-Match).
 */
export async function updateItem(db: Db, input: ItemChange, expectedVersion: number | null): Promise<Result<SavedItem>> {
  return refusingLiveChanges(() => updateItemTx(db, input, expectedVersion));
}

async function updateItemTx(db: Db, input: ItemChange, expectedVersion: number | null): Promise<Result<SavedItem>> {
  return commitWrite(db, writerOf(input), input.spaceId, async (w): Promise<Result<SavedItem>> => {
    const t = w.t;
    const c = await lockedCollection(t, input.spaceId, input.key);
    if (!c) return fail('not_found', 'Item not found.');
    const [current] = await t
      .select()
      .from(collectionItems)
      .where(and(eq(collectionItems.collectionId, c.id), eq(collectionItems.itemId, input.itemId), isNull(collectionItems.deletedAt)))
      .for('update')
      .limit(1);
    if (!current) return fail('not_found', 'Item not found.');
    if (expectedVersion !== null && current.version !== expectedVersion) return fail('version_mismatch', `The item changed since version ${expectedVersion}; read it again.`);
    if (input.onlyIfDue && !(current.status === 'scheduled' && current.scheduledAt && current.scheduledAt <= input.onlyIfDue)) {
      return fail('version_mismatch', 'The item is no longer scheduled and due.');
    }
    const problems = [...fieldProblems(c.fields, input.fields ?? {}), ...(await referenceProblems(t, input.spaceId, c.fields, input.fields ?? {}))];
    if (problems.length) return fail('invalid', problems.slice(0, 10).join('; '));
    const patch = cleanValues(c.fields, input.fields ?? {});
    const values = normalise(c.fields, input.replace ? patch : { ...(current.fields as Record<string, unknown>), ...patch });
    const status = input.status ?? (current.status as ItemStatus);
    const now = new Date();
    const publishedAt = status === 'published' ? (current.publishedAt ?? now) : null;
    const [row] = await t
      .update(collectionItems)
      .set({
        fields: values,
        status,
        scheduledAt: status === 'scheduled' ? (input.scheduledAt ?? current.scheduledAt) : null,
        published: status === 'published' ? renderItem(current.itemId, c.fields, values) : null,
        publishedAt,
        updatedAt: now,
        version: sql`${collectionItems.version} + 1`,
      })
      .where(and(eq(collectionItems.id, current.id), eq(collectionItems.version, current.version)))
      .returning({ version: collectionItems.version });
    if (!row) return fail('version_mismatch', 'The item changed during the save; read it again.');
    guardLiveChange(mayPublishOf(input), itemLiveState(current), await itemLiveStateById(t, current.id));
    await afterChange(
      w,
      input.spaceId,
      c,
      { id: current.id, itemId: current.itemId, locale: current.locale, values, version: row.version, status, keyId: input.keyId, userId: input.userId },
      status === 'published' ? 'collectionitem.published' : 'collectionitem.draft',
    );
    const action = input.auditAction ?? (status === 'published' && current.status !== 'published' ? 'item.publish' : 'item.update');
    auditItem(w, action, c, { id: current.id, itemId: current.itemId, locale: current.locale, status }, current.version, row.version);
    return { ok: true, value: { id: current.id, itemId: current.itemId, version: row.version, status } };
  });
}

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
    const [before] = await t
      .select()
      .from(collectionItems)
      .where(and(eq(collectionItems.collectionId, c.id), eq(collectionItems.itemId, input.itemId), isNull(collectionItems.deletedAt)))
      .for('update')
      .limit(1);
    const [row] = await t
      .update(collectionItems)
      .set({ deletedAt: new Date(), published: null, version: sql`${collectionItems.version} + 1` })
      .where(
        and(
          eq(collectionItems.collectionId, c.id),
          eq(collectionItems.itemId, input.itemId),
          isNull(collectionItems.deletedAt),
          expectedVersion === null ? undefined : eq(collectionItems.version, expectedVersion),
        ),
      )
      .returning({ id: collectionItems.id, itemId: collectionItems.itemId, version: collectionItems.version, locale: collectionItems.locale, fields: collectionItems.fields, status: collectionItems.status });
    if (!row) return expectedVersion === null ? fail('not_found', 'Item not found.') : fail('version_mismatch', 'The item changed or does not exist.');
    guardLiveChange(mayPublishOf(input), before ? itemLiveState(before) : NOTHING_LIVE, NOTHING_LIVE);
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

/** The management view of one item: working copy, status and version (the ETag). */
export async function getItemForManagement(db: Db, q: { spaceId: string; key: string; itemId: number }) {
  const c = await getCollection(db, q.spaceId, q.key);
  if (!c) return null;
  const [row] = await db
    .select()
    .from(collectionItems)
    .where(and(eq(collectionItems.collectionId, c.id), eq(collectionItems.itemId, q.itemId), isNull(collectionItems.deletedAt)))
    .limit(1);
  return row ? { collection: c, item: row } : null;
}

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

/** Field values without the nulls (unset fields, or fields the collection no longer has). */
const setValues = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));

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
    const [current] = await t
      .select()
      .from(collectionItems)
      .where(and(eq(collectionItems.collectionId, c.id), eq(collectionItems.itemId, input.itemId), isNotNull(collectionItems.deletedAt)))
      .for('update')
      .limit(1);
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

/** Items whose scheduled time has come (oldest first), for the scheduler. */
export async function dueItems(db: Db, now: Date, limit = 50) {
  return db
    .select({ spaceId: collections.spaceId, key: collections.key, itemId: collectionItems.itemId })
    .from(collectionItems)
    .innerJoin(collections, eq(collections.id, collectionItems.collectionId))
    .where(and(eq(collectionItems.status, 'scheduled'), lte(collectionItems.scheduledAt, now), isNull(collectionItems.deletedAt)))
    .orderBy(collectionItems.scheduledAt)
    .limit(limit);
}
