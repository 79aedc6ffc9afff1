/**
 * Field schemas of page types (and, later, collections): a list of field definitions
 * `{ name, type, required?, ...options }`, parsed with zod, and a validator that checks a page's
 * `fields` against one and returns the sanitised value. What each field type holds — its kind:
 * rich (HTML), url, text, scalar, reference, structure, freeform — is declared once here
 * (PAGE_FIELD_KINDS, COLLECTION_FIELD_KINDS), and every value of a rich, url or freeform kind is
 * cleaned by the one sanitiser policy (origin/content/model/sanitize.ts), whatever resource stores it.
 *
 * Stored values:
 *   short_text / long_text / rich_text / date / media → string
 *   number → number, boolean → boolean
 *   reference → array of page slugs (to a page type) or collection item ids (to a collection)
 *   repeater → array of objects (sub-fields), component → one object (sub-fields)
 * Any non-required field may be null (cleared) or "" (empty, as ButterCMS writers send it: kept as "" for
 * text, media and date fields, stored as null for the others).
 */
import { z } from 'zod';
import { cleanFreeform, MAX_URL_LENGTH, sanitizeHtml, urlProblem } from './sanitize.js';

export const FIELD_TYPES = ['short_text', 'long_text', 'rich_text', 'number', 'date', 'boolean', 'media', 'reference', 'repeater', 'component'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Field types of collections (ButterCMS's names; origin/content/collections/fields.ts validates them). */
export const COLLECTION_FIELD_TYPES = ['short_text', 'long_text', 'wysiwyg', 'html', 'media', 'date', 'dropdown', 'number', 'checkbox', 'reference', 'json'] as const;
export type CollectionFieldType = (typeof COLLECTION_FIELD_TYPES)[number];

/**
 * What a field type holds, and so how its values are cleaned:
 *   rich      HTML, cleaned by the one sanitiser policy (sanitizeHtml)
 *   url       an http(s) or relative URL, refused otherwise (urlProblem)
 *   freeform  any JSON: markup in its strings cleaned, script/data URLs refused (cleanFreeform)
 *   text      plain text (clients escape it), scalar (number, boolean, date), reference, structure
 * A new field type must be given a kind here (the Records do not compile otherwise), and
 * test/security/sanitize.test.ts writes XSS payloads into every type of every kind.
 */
export type FieldKind = 'rich' | 'url' | 'freeform' | 'text' | 'scalar' | 'reference' | 'structure';

export const PAGE_FIELD_KINDS: Readonly<Record<FieldType, FieldKind>> = {
  short_text: 'text',
  long_text: 'text',
  rich_text: 'rich',
  number: 'scalar',
  date: 'scalar',
  boolean: 'scalar',
  media: 'url',
  reference: 'reference',
  repeater: 'structure',
  component: 'structure',
};

export const COLLECTION_FIELD_KINDS: Readonly<Record<CollectionFieldType, FieldKind>> = {
  short_text: 'text',
  long_text: 'text',
  wysiwyg: 'rich',
  html: 'rich',
  media: 'url',
  date: 'scalar',
  dropdown: 'text',
  number: 'scalar',
  checkbox: 'scalar',
  reference: 'reference',
  json: 'freeform',
};

/** The fields of a blog post a write body names (origin/content/blog/routes.ts), by kind. */
export const POST_FIELD_KINDS = {
  title: 'text',
  seo_title: 'text',
  meta_description: 'text',
  featured_image_alt: 'text',
  body: 'rich',
  summary: 'rich',
  featured_image: 'url',
} as const satisfies Record<string, FieldKind>;

/** The fields of a blog author (POST /v2/manage/spaces/{space}/authors/), by kind. */
export const AUTHOR_FIELD_KINDS = {
  first_name: 'text',
  last_name: 'text',
  title: 'text',
  bio: 'text',
  twitter_handle: 'text',
  linkedin_url: 'url',
  facebook_url: 'url',
  instagram_url: 'url',
  pinterest_url: 'url',
  profile_image: 'url',
} as const satisfies Record<string, FieldKind>;

/**
 * A string value of a rich or url kind as stored: rich → sanitised HTML, url → the URL when it
 * is safe. `{ problem }` when it is refused. Other kinds are returned unchanged.
 */
export function cleanString(kind: FieldKind, v: string): { value: string } | { problem: string } {
  if (kind === 'rich') return { value: sanitizeHtml(v) };
  if (kind === 'url') {
    const problem = urlProblem(v);
    return problem ? { problem: `must be an http(s) or relative URL (${problem})` } : { value: v };
  }
  return { value: v };
}

/** A free-form value with its strings cleaned; `{ problems }` names the refused strings. */
export function cleanFreeformValue(v: unknown, path: string): { value: unknown } | { problems: string[] } {
  const refused: string[] = [];
  const value = cleanFreeform(v, path, refused);
  return refused.length ? { problems: refused.map((p) => `${p}: must not be a script or data URL`) } : { value };
}

export const SHORT_TEXT_MAX = 1000;
export const LONG_TEXT_MAX = 100_000;
export const RICH_TEXT_MAX = 500_000;
export const MEDIA_URL_MAX = MAX_URL_LENGTH;
export const MAX_FIELDS = 100;
/** repeater/component nesting below the top level. */
export const MAX_NESTING = 4;

interface Base {
  name: string;
  required?: boolean | undefined;
  label?: string | undefined;
}
export type FieldDef =
  | (Base & { type: 'short_text'; max_length?: number | undefined })
  | (Base & { type: 'long_text'; max_length?: number | undefined })
  | (Base & { type: 'rich_text' })
  | (Base & { type: 'number'; min?: number | undefined; max?: number | undefined; integer?: boolean | undefined })
  | (Base & { type: 'date' })
  | (Base & { type: 'boolean' })
  | (Base & { type: 'media' })
  | (Base & { type: 'reference'; page_type?: string | undefined; collection?: string | undefined; max?: number | undefined })
  | (Base & { type: 'repeater'; fields: FieldDef[]; max?: number | undefined })
  | (Base & { type: 'component'; fields: FieldDef[] });

export type FieldSchema = FieldDef[];

export const FIELD_NAME_RE = /^[a-z][a-z0-9_]{0,63}$/;
const TYPE_SLUG_RE = /^[a-z0-9][a-z0-9_-]{0,99}$/;

const base = {
  name: z.string().regex(FIELD_NAME_RE, { message: 'must be lowercase letters, digits or _ (max 64), starting with a letter' }),
  required: z.boolean().optional(),
  label: z.string().min(1).max(200).optional(),
};

const fieldDef: z.ZodType<FieldDef> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ ...base, type: z.literal('short_text'), max_length: z.number().int().min(1).max(SHORT_TEXT_MAX).optional() }).strict(),
    z.object({ ...base, type: z.literal('long_text'), max_length: z.number().int().min(1).max(LONG_TEXT_MAX).optional() }).strict(),
    z.object({ ...base, type: z.literal('rich_text') }).strict(),
    z
      .object({ ...base, type: z.literal('number'), min: z.number().finite().optional(), max: z.number().finite().optional(), integer: z.boolean().optional() })
      .strict()
      .refine((f) => f.min === undefined || f.max === undefined || f.min <= f.max, { message: 'min must not exceed max' }),
    z.object({ ...base, type: z.literal('date') }).strict(),
    z.object({ ...base, type: z.literal('boolean') }).strict(),
    z.object({ ...base, type: z.literal('media') }).strict(),
    z
      .object({
        ...base,
        type: z.literal('reference'),
        page_type: z.string().regex(TYPE_SLUG_RE).optional(),
        collection: z.string().regex(TYPE_SLUG_RE).optional(),
        max: z.number().int().min(1).max(100).optional(),
      })
      .strict()
      .refine((f) => (f.page_type === undefined) !== (f.collection === undefined), { message: 'a reference names exactly one of page_type or collection' }),
    z.object({ ...base, type: z.literal('repeater'), fields: fieldList, max: z.number().int().min(1).max(1000).optional() }).strict(),
    z.object({ ...base, type: z.literal('component'), fields: fieldList }).strict(),
  ]),
);

const fieldList: z.ZodType<FieldDef[]> = z.lazy(() =>
  z
    .array(fieldDef)
    .max(MAX_FIELDS)
    .superRefine((list, rc) => {
      const seen = new Set<string>();
      for (const f of list) {
        if (seen.has(f.name)) rc.addIssue({ code: 'custom', message: `duplicate field name "${f.name}"` });
        seen.add(f.name);
      }
    }),
);

export type Result<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function nesting(list: FieldDef[], d = 0): number {
  let max = d;
  for (const f of list) if (f.type === 'repeater' || f.type === 'component') max = Math.max(max, nesting(f.fields, d + 1));
  return max;
}

/** Parses a field schema (a JSON list of field definitions). */
export function parseFieldSchema(json: unknown): Result<FieldSchema> {
  const parsed = fieldList.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.slice(0, 10).map((i) => {
        const where = ['fields', ...i.path.map(String)].join('.');
        return i.code === 'unrecognized_keys' ? `${where}: unknown option(s) ${i.keys.join(', ')}` : `${where}: ${i.message}`;
      }),
    };
  }
  if (nesting(parsed.data) > MAX_NESTING) return { ok: false, errors: [`fields: repeaters and components nest at most ${MAX_NESTING} levels`] };
  return { ok: true, value: parsed.data };
}

// ---------------------------------------------------------------- rich text

/** The one HTML policy (origin/content/model/sanitize.ts): formatting, http(s)/mailto/tel links; scripts, styles, handlers and javascript: URLs go. */
export const sanitizeRichText = sanitizeHtml;

// ---------------------------------------------------------------- values

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** Time parts after the date (flat patterns: no nested quantifiers). */
const TIME_RES = [/^T\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/, /^T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/, /^T\d{2}:\d{2}:\d{2}\.\d{1,9}(?:Z|[+-]\d{2}:\d{2})$/];

function isIsoDate(v: string): boolean {
  const day = v.slice(0, 10);
  const time = v.slice(10);
  if (!DATE_RE.test(day) || (time !== '' && !TIME_RES.some((re) => re.test(time)))) return false;
  const t = Date.parse(`${day}T00:00:00Z`);
  // Rejects 2024-02-30 and friends (Date.parse rolls them over).
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day && !Number.isNaN(Date.parse(v));
}

const REF_SLUG_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;

/** Types whose value is any string ("" included, as before). */
const TEXT_TYPES = new Set<FieldDef['type']>(['short_text', 'long_text', 'rich_text']);
/** Types whose empty value is "" (a string field: media URL, date); the others empty to null. */
const STRING_TYPES = new Set<FieldDef['type']>(['media', 'date']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkValue(def: FieldDef, v: unknown, path: string, errors: string[]): unknown {
  const fail = (msg: string) => {
    errors.push(`${path}: ${msg}`);
    return undefined;
  };
  switch (def.type) {
    case 'short_text':
    case 'long_text': {
      const max = def.max_length ?? (def.type === 'short_text' ? SHORT_TEXT_MAX : LONG_TEXT_MAX);
      if (typeof v !== 'string') return fail('must be a string');
      if (v.length > max) return fail(`must be at most ${max} characters`);
      return v;
    }
    case 'rich_text': {
      if (typeof v !== 'string') return fail('must be a string of HTML');
      if (v.length > RICH_TEXT_MAX) return fail(`must be at most ${RICH_TEXT_MAX} characters`);
      const cleaned = cleanString(PAGE_FIELD_KINDS.rich_text, v);
      return 'value' in cleaned ? cleaned.value : fail(cleaned.problem);
    }
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return fail('must be a number');
      if (def.integer && !Number.isInteger(v)) return fail('must be an integer');
      if (def.min !== undefined && v < def.min) return fail(`must be at least ${def.min}`);
      if (def.max !== undefined && v > def.max) return fail(`must be at most ${def.max}`);
      return v;
    case 'date':
      if (typeof v !== 'string' || !isIsoDate(v)) return fail('must be an ISO 8601 date');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') return fail('must be true or false');
      return v;
    case 'media': {
      if (typeof v !== 'string') return fail('must be an http(s) or relative URL');
      const cleaned = cleanString(PAGE_FIELD_KINDS.media, v);
      return 'value' in cleaned ? cleaned.value : fail(cleaned.problem);
    }
    case 'reference': {
      const list = Array.isArray(v) ? v : [v];
      const max = def.max ?? 1;
      if (list.length > max) return fail(`must reference at most ${max} item(s)`);
      if (def.page_type !== undefined) {
        if (!list.every((x): x is string => typeof x === 'string' && REF_SLUG_RE.test(x))) return fail('must be page slug(s)');
        return [...new Set(list)];
      }
      if (!list.every((x): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x > 0)) return fail('must be collection item id(s)');
      return [...new Set(list)];
    }
    case 'repeater': {
      if (!Array.isArray(v)) return fail('must be a list');
      if (def.max !== undefined && v.length > def.max) return fail(`must have at most ${def.max} item(s)`);
      return v.map((item, i) => checkObject(def.fields, item, `${path}.${i}`, errors, false));
    }
    case 'component':
      return checkObject(def.fields, v, path, errors, false);
  }
}

function checkObject(defs: FieldDef[], value: unknown, path: string, errors: string[], partial: boolean): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) {
    errors.push(`${path}: must be an object`);
    return undefined;
  }
  const byName = new Map(defs.map((d) => [d.name, d]));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!byName.has(key)) errors.push(`${path}.${key}: unknown field`);
  }
  for (const def of defs) {
    const has = Object.prototype.hasOwnProperty.call(value, def.name);
    const v = has ? value[def.name] : undefined;
    if (v === undefined || v === null) {
      if (def.required && (!partial || has)) errors.push(`${path}.${def.name}: required`);
      else if (has) out[def.name] = null;
      continue;
    }
    if (v === '' && !TEXT_TYPES.has(def.type)) {
      // ButterCMS's Write API asks for every field of the type, "" for an optional one left
      // empty: stored as empty ("" where the field holds a string, else null), never refused.
      if (def.required) errors.push(`${path}.${def.name}: required`);
      else out[def.name] = STRING_TYPES.has(def.type) ? '' : null;
      continue;
    }
    const checked = checkValue(def, v, `${path}.${def.name}`, errors);
    if (checked !== undefined) out[def.name] = checked;
  }
  return out;
}

/**
 * Checks `fields` against `schema`. `partial` (a PATCH) lets required fields be absent (not
 * null). Returns the sanitised value or field-level messages ("fields.price: must be a number").
 */
export function validateFields(schema: FieldSchema, fields: unknown, opts: { partial?: boolean } = {}): Result<Record<string, unknown>> {
  const errors: string[] = [];
  const value = checkObject(schema, fields, 'fields', errors, opts.partial ?? false);
  if (errors.length > 0 || !value) return { ok: false, errors: errors.slice(0, 20) };
  return { ok: true, value };
}

/** Top-level fields usable for `order=` and `fields.<name>=` (scalars). */
export function scalarField(schema: FieldSchema, name: string): FieldDef | undefined {
  const def = schema.find((f) => f.name === name);
  if (!def) return undefined;
  return ['short_text', 'long_text', 'number', 'date', 'boolean', 'media'].includes(def.type) ? def : undefined;
}
