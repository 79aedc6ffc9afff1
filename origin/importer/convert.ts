/**
 * ButterCMS values (read at `levels=1`) as ghee's Write API takes them, by the inferred schema:
 * page references → slugs, collection references → ghee's item ids (the run's id map), media
 * URLs → the imported assets' paths, zone-less datetimes → UTC; fields the schema left out are
 * dropped (the report names them). And the one comparison that makes re-runs idempotent: a value
 * as ghee stores it (its sanitiser's HTML, `""` and null alike) against what the run would write.
 */
import { cleanFreeformString, sanitizeRichText } from '../content/index.js';
import { itemRef, normaliseDate, pageRef, replaceMedia, type CollectionFieldDef, type PageFieldDef } from './infer.js';

export interface ConvertContext {
  media: ReadonlyMap<string, string>;
  /** ghee's id of a source collection item, when it exists yet. */
  itemId: (key: string, sourceId: number) => number | undefined;
  /** A reference that could not be resolved (yet). */
  missing: (what: string) => void;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function convertItemRefs(key: string, v: unknown, where: string, ctx: ConvertContext): number[] {
  const out: number[] = [];
  for (const x of Array.isArray(v) ? v : [v]) {
    const ref = itemRef(x) ?? (isRecord(x) && isRecord(x.meta) && typeof x.meta.id === 'number' ? { key, id: x.meta.id } : null);
    if (!ref) continue;
    const id = ctx.itemId(ref.key, ref.id);
    if (id === undefined) ctx.missing(`${where} → ${ref.key}#${ref.id}`);
    else out.push(id);
  }
  return out;
}

export function convertPageFields(defs: readonly PageFieldDef[], fields: Record<string, unknown>, where: string, ctx: ConvertContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of defs) {
    if (!(def.name in fields)) continue;
    const v = fields[def.name];
    const at = `${where}.${def.name}`;
    if (v === null || v === undefined || (v === '' && def.type !== 'short_text' && def.type !== 'long_text' && def.type !== 'rich_text')) {
      out[def.name] = null;
      continue;
    }
    switch (def.type) {
      case 'reference':
        if (def.page_type !== undefined) out[def.name] = (Array.isArray(v) ? v : [v]).map((x) => pageRef(x)?.slug ?? (isRecord(x) && typeof x.slug === 'string' ? x.slug : null)).filter((s): s is string => s !== null);
        else out[def.name] = convertItemRefs(def.collection ?? '', v, at, ctx);
        break;
      case 'repeater':
        out[def.name] = Array.isArray(v) ? v.map((x, i) => (isRecord(x) ? convertPageFields(def.fields, x, `${at}.${i}`, ctx) : x)) : v;
        break;
      case 'component':
        out[def.name] = isRecord(v) ? convertPageFields(def.fields, v, at, ctx) : v;
        break;
      case 'date':
        out[def.name] = typeof v === 'string' ? normaliseDate(v) : v;
        break;
      default:
        out[def.name] = replaceMedia(v, ctx.media);
    }
  }
  return out;
}

/** An untyped (single) page's fields: free-form, media replaced. */
export const convertFreeform = (fields: Record<string, unknown>, ctx: ConvertContext) => replaceMedia(fields, ctx.media) as Record<string, unknown>;

export function convertItemFields(defs: readonly CollectionFieldDef[], fields: Record<string, unknown>, where: string, ctx: ConvertContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of defs) {
    if (!(def.name in fields)) continue;
    const v = fields[def.name];
    const at = `${where}.${def.name}`;
    if (v === null || v === undefined) out[def.name] = null;
    else if (def.type === 'reference') {
      const ids = convertItemRefs(def.collection ?? '', v, at, ctx);
      out[def.name] = def.many ? ids : (ids[0] ?? null);
    } else if (def.type === 'date') out[def.name] = typeof v === 'string' && v !== '' ? normaliseDate(v) : v === '' ? null : v;
    else if ((def.type === 'number' || def.type === 'checkbox') && v === '') out[def.name] = null;
    else out[def.name] = replaceMedia(v, ctx.media);
  }
  return out;
}

/** A value as ghee stores and answers it, for comparison: HTML through ghee's sanitiser, "" as null, references as ids or slugs. */
export function comparable(v: unknown): unknown {
  if (v === '' || v === undefined) return null;
  if (typeof v === 'string') {
    const item = itemRef(v);
    if (item) return item.id;
    const page = pageRef(v);
    if (page) return page.slug;
    return v.includes('<') ? sanitizeRichText(v) : (cleanFreeformString(v) ?? v);
  }
  if (Array.isArray(v)) return v.map(comparable);
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if (k !== 'meta') out[k] = comparable(v[k]);
    return out;
  }
  return v;
}

export const sameContent = (a: unknown, b: unknown) => JSON.stringify(comparable(a)) === JSON.stringify(comparable(b));
