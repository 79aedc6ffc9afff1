/**
 * Page types and collection schemas inferred from a ButterCMS account's content (ButterCMS's read
 * API does not publish schemas): every value a field takes, in every page, locale and draft, read
 * at `levels=1` so references are API paths — `/v2/pages/<type>/<slug>/` (a page reference) and
 * `/v2/content/?keys=<key>[_id=<id>]` (a collection item reference). Numbers (integer when every
 * value is), booleans, ISO dates, HTML (rich text), media URLs (a file extension or ButterCMS's
 * CDN), plain and long text, references (one, or many when any value is a list), repeaters
 * (lists of objects, their sub-fields inferred alike) and components (objects). A field whose
 * values disagree, or that is only ever empty lists, cannot be mapped: it is left out and named
 * in the report.
 */
export type PageFieldDef =
  | { name: string; type: 'short_text' | 'long_text' | 'rich_text' | 'date' | 'boolean' | 'media' }
  | { name: string; type: 'number'; integer?: boolean }
  | { name: string; type: 'reference'; page_type?: string; collection?: string; max?: number }
  | { name: string; type: 'repeater' | 'component'; fields: PageFieldDef[] };

export interface CollectionFieldDef {
  name: string;
  type: 'short_text' | 'long_text' | 'wysiwyg' | 'media' | 'date' | 'number' | 'checkbox' | 'reference' | 'json';
  collection?: string;
  many?: boolean;
}

export interface Unmapped {
  what: string;
  why: string;
}

const PAGE_PATH = /^\/v2\/pages\/([A-Za-z0-9*][\w-]*)\/([A-Za-z0-9][\w-]*)\/?$/;
const ITEM_PATH = /^\/v2\/content\/\?keys=([a-z0-9][\w-]*)\[_id=(\d{1,15})\]$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Time parts after the day (flat patterns, as origin/content/model/schema.ts reads dates). */
const TIMES = [/^T\d{2}:\d{2}$/, /^T\d{2}:\d{2}:\d{2}$/, /^T\d{2}:\d{2}:\d{2}\.\d{1,9}$/];
const ZONE = /(?:Z|[+-]\d{2}:\d{2})$/;
/** A tag's start: enough to tell HTML from text. */
const HTML = /<\/?[a-z][a-z0-9]*[\s/>]/i;
const MEDIA_EXT = /\.(?:png|jpe?g|gif|webp|avif|svg|pdf|mp4|webm|mp3|ogg|txt)$/i;
const FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** The API path of a reference as ButterCMS writes it: `/v2/…`, or an absolute URL of the API. */
function apiPath(v: string): string | null {
  if (v.startsWith('/v2/')) return v;
  if (!v.startsWith('https://') && !v.startsWith('http://')) return null;
  try {
    const u = new URL(v);
    return `${u.pathname}${decodeURIComponent(u.search)}`;
  } catch {
    return null;
  }
}

export function pageRef(v: unknown): { pageType: string; slug: string } | null {
  const path = typeof v === 'string' ? apiPath(v) : null;
  const m = path ? PAGE_PATH.exec(path) : null;
  return m ? { pageType: m[1]!, slug: m[2]! } : null;
}
export function itemRef(v: unknown): { key: string; id: number } | null {
  const path = typeof v === 'string' ? apiPath(v) : null;
  const m = path ? ITEM_PATH.exec(path) : null;
  return m ? { key: m[1]!, id: Number(m[2]) } : null;
}
export function isMediaUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && (u.hostname.endsWith('cdn.buttercms.com') || MEDIA_EXT.test(u.pathname));
  } catch {
    return false;
  }
}
function isDate(v: string): boolean {
  if (!DAY.test(v.slice(0, 10))) return false;
  const rest = v.slice(10);
  if (rest === '') return true;
  const time = ZONE.test(rest) ? rest.replace(ZONE, '') : rest;
  return TIMES.some((re) => re.test(time));
}
/** A datetime without a zone (as ButterCMS writes some) read as UTC. */
export const normaliseDate = (v: string) => (isDate(v) && v.length > 10 && !ZONE.test(v) ? `${v}Z` : v);

type Kind = 'bool' | 'int' | 'float' | 'date' | 'html' | 'media' | 'text' | 'long' | `page:${string}` | `item:${string}` | 'objects' | 'object' | 'other';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(v: unknown): Kind | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') {
    const p = pageRef(v);
    if (p) return `page:${p.pageType}`;
    const i = itemRef(v);
    if (i) return `item:${i.key}`;
    if (isMediaUrl(v)) return 'media';
    if (isDate(v)) return 'date';
    if (HTML.test(v)) return 'html';
    return v.length > 1000 || v.includes('\n') ? 'long' : 'text';
  }
  if (isRecord(v)) return 'object';
  return 'other';
}

interface Seen {
  kinds: Set<Kind>;
  list: boolean;
  maxLen: number;
  objects: Record<string, unknown>[];
  emptyListsOnly: boolean;
}

function survey(samples: Record<string, unknown>[]): Map<string, Seen> {
  const out = new Map<string, Seen>();
  for (const s of samples) {
    for (const [name, v] of Object.entries(s)) {
      let seen = out.get(name);
      if (!seen) out.set(name, (seen = { kinds: new Set(), list: false, maxLen: 0, objects: [], emptyListsOnly: true }));
      if (Array.isArray(v)) {
        seen.list = true;
        seen.maxLen = Math.max(seen.maxLen, v.length);
        if (v.length) seen.emptyListsOnly = false;
        for (const x of v) {
          if (isRecord(x) && !pageRef(x) && !itemRef(x)) {
            seen.kinds.add('objects');
            seen.objects.push(x);
          } else {
            const k = kindOf(x);
            if (k) seen.kinds.add(k);
          }
        }
      } else {
        const k = kindOf(v);
        if (k) {
          seen.emptyListsOnly = false;
          seen.kinds.add(k);
          if (k === 'object') seen.objects.push(v as Record<string, unknown>);
        }
      }
    }
  }
  return out;
}

/** Collapses compatible kinds: int+float → float, text+long → long, html with text → html, media with text → text. */
function settle(kinds: Set<Kind>): Kind | null {
  const k = new Set(kinds);
  if (k.has('float')) k.delete('int');
  if (k.has('long')) k.delete('text');
  if (k.has('html')) {
    k.delete('text');
    k.delete('long');
  }
  if (k.size === 1) return [...k][0]!;
  return null;
}

export function inferPageFields(samples: Record<string, unknown>[], where: string, unmapped: Unmapped[], depth = 0): PageFieldDef[] {
  const defs: PageFieldDef[] = [];
  for (const [name, seen] of survey(samples)) {
    const what = `${where}.${name}`;
    if (!FIELD_NAME.test(name)) {
      unmapped.push({ what, why: 'the field name is not lowercase letters, digits and _ (ghee field names)' });
      continue;
    }
    if (seen.kinds.size === 0) {
      if (seen.list && seen.emptyListsOnly) unmapped.push({ what, why: 'only ever an empty list: its type cannot be told' });
      else defs.push({ name, type: 'short_text' });
      continue;
    }
    const kind = settle(seen.kinds);
    if (kind === null) {
      unmapped.push({ what, why: `its values disagree (${[...seen.kinds].join(', ')})` });
      continue;
    }
    if (kind.startsWith('page:')) {
      defs.push({ name, type: 'reference', page_type: kind.slice(5), max: seen.list ? 100 : 1 });
    } else if (kind.startsWith('item:')) {
      defs.push({ name, type: 'reference', collection: kind.slice(5), max: seen.list ? 100 : 1 });
    } else if (kind === 'objects' || kind === 'object') {
      if (depth >= 4) {
        unmapped.push({ what, why: 'nested deeper than ghee allows (4 levels of repeaters/components)' });
        continue;
      }
      defs.push({ name, type: kind === 'objects' ? 'repeater' : 'component', fields: inferPageFields(seen.objects, what, unmapped, depth + 1) });
    } else if (seen.list) {
      unmapped.push({ what, why: 'a list of plain values (ghee has no list field but repeaters and references)' });
    } else {
      const simple: Record<string, PageFieldDef> = {
        bool: { name, type: 'boolean' },
        int: { name, type: 'number', integer: true },
        float: { name, type: 'number' },
        date: { name, type: 'date' },
        html: { name, type: 'rich_text' },
        media: { name, type: 'media' },
        text: { name, type: 'short_text' },
        long: { name, type: 'long_text' },
      };
      const def = simple[kind];
      if (def) defs.push(def);
      else unmapped.push({ what, why: `values of an unknown kind (${kind})` });
    }
  }
  return defs;
}

export function inferCollectionFields(samples: Record<string, unknown>[], where: string, unmapped: Unmapped[]): CollectionFieldDef[] {
  const defs: CollectionFieldDef[] = [];
  const withoutMeta = samples.map(({ meta: _meta, ...rest }) => rest);
  for (const [name, seen] of survey(withoutMeta)) {
    const what = `${where}.${name}`;
    if (!FIELD_NAME.test(name)) {
      unmapped.push({ what, why: 'the field name is not lowercase letters, digits and _ (ghee field names)' });
      continue;
    }
    const kind = seen.kinds.size === 0 ? 'text' : settle(seen.kinds);
    if (kind === null) {
      unmapped.push({ what, why: `its values disagree (${[...seen.kinds].join(', ')})` });
      continue;
    }
    if (kind.startsWith('item:')) defs.push({ name, type: 'reference', collection: kind.slice(5), many: seen.list });
    else if (kind.startsWith('page:')) {
      unmapped.push({ what, why: 'a collection field referencing pages (ghee collections reference collections only): kept as JSON holding the API path' });
      defs.push({ name, type: 'json' });
    } else if (seen.list || kind === 'object' || kind === 'objects') defs.push({ name, type: 'json' });
    else {
      const map: Record<string, CollectionFieldDef['type']> = { bool: 'checkbox', int: 'number', float: 'number', date: 'date', html: 'wysiwyg', media: 'media', text: 'short_text', long: 'long_text' };
      const type = map[kind];
      if (type) defs.push({ name, type });
      else unmapped.push({ what, why: `values of an unknown kind (${kind})` });
    }
  }
  return defs;
}

/** Every media URL in a value (media strings, and `src`/`href` targets inside HTML that look like media). */
export function mediaUrlsIn(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') {
    if (isMediaUrl(v)) out.add(v);
    else if (HTML.test(v)) for (const m of v.matchAll(/(?:src|href)="([^"]+)"/g)) if (isMediaUrl(m[1]!.replaceAll('&amp;', '&'))) out.add(m[1]!.replaceAll('&amp;', '&'));
  } else if (Array.isArray(v)) for (const x of v) mediaUrlsIn(x, out);
  else if (isRecord(v)) for (const x of Object.values(v)) mediaUrlsIn(x, out);
}

/** A value with every known media URL replaced by its asset path (exact strings, and inside HTML). */
export function replaceMedia(v: unknown, map: ReadonlyMap<string, string>): unknown {
  if (typeof v === 'string') {
    const whole = map.get(v);
    if (whole !== undefined) return whole;
    if (!HTML.test(v)) return v;
    let out = v;
    for (const [from, to] of map) out = out.split(`"${from.replace(/&/g, '&amp;')}"`).join(`"${to}"`);
    return out;
  }
  if (Array.isArray(v)) return v.map((x) => replaceMedia(x, map));
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceMedia(x, map)]));
  return v;
}
