/**
 * Collections: what every module of this folder shares — the field definitions of a collection
 * (types, limits), the stored collection row, the surrogate keys and API path of items, the
 * validation and cleaning of an item's field values, and the ButterCMS shape an item is stored in.
 *
 * Items: one row per (item, locale); `item_id` is the numeric `meta.id` ButterCMS exposes.
 * Collections have no draft-over-published versioning (as in ButterCMS): an item is either
 * published — its rendered form (renderItem) stored in `published` at save time, so reads never
 * re-render — or a draft (`published` null, visible in preview only).
 *
 * References: a `reference` field holds an item id (or, with `many`, an array of ids) of the
 * collection it names (read.ts expands them).
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { ServiceErrorKind } from '../../http/result.js';
import { collectionItems, collections } from '../../db/schema/index.js';
import { surrogateKeys } from '../../../shared/surrogate.js';
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

/** A scheduled item is unpublished (like a draft) until the scheduler publishes it. */
export type ItemStatus = 'draft' | 'published' | 'scheduled';

export const fail = (error: ServiceErrorKind, detail: string): { ok: false; error: ServiceErrorKind; detail: string } => ({ ok: false, error, detail });

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

export function toCollection(r: typeof collections.$inferSelect): CollectionRow {
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

export const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** The problem with one value for one field definition, or null. Null is always allowed, and "" (empty, as ButterCMS writers send an unset field). */
function valueProblem(def: FieldDef, v: unknown): string | null {
  if (v === null || v === '') return null;
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

const EMPTY_AS_NULL = new Set<FieldDef['type']>(['number', 'checkbox', 'reference', 'json']);

/**
 * The values as stored: rich (wysiwyg, html) values sanitised and free-form (json) strings
 * cleaned by the one sanitiser policy; the rest as given. Call after fieldProblems found none.
 */
export function cleanValues(defs: readonly FieldDef[], values: Record<string, unknown>): Record<string, unknown> {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(values)) {
    const def = byName.get(name);
    let stored = v;
    if (def && v === '') {
      // Empty: "" where the field holds a string, null for numbers, checkboxes, references and JSON.
      stored = EMPTY_AS_NULL.has(def.type) ? null : '';
    } else if (def && typeof v === 'string') {
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
export function normalise(defs: readonly FieldDef[], values: Record<string, unknown>): Record<string, unknown> {
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
export async function referenceProblems(t: Db, spaceId: string, defs: readonly FieldDef[], values: Record<string, unknown>): Promise<string[]> {
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

/** Field values without the nulls (unset fields, or fields the collection no longer has). */
export const setValues = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
