/**
 * ButterCMS's multi-locale write form: for a space with locales, one request may carry the fields
 * of several locales, each under its locale's code (`"fields": { "en": {…}, "fr": {…} }`). The
 * form is recognised only when the request names no `?locale=`, the space publishes in more than
 * one locale, and every key of `fields` is one of them with an object as its value — so a flat
 * body (whose keys are field names) is never mistaken for it. Pages and collection items use it.
 */
import type { Db } from '../db/client.js';
import type { Result } from '../http/result.js';
import { spaceLocales } from './collections/locales.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fields per locale when `fields` is in the multi-locale form, else null (the flat form). A
 * body that is plainly meant as the form (object values, some keys the space's locales) but names
 * a locale the space does not publish in is refused, naming it.
 */
export async function localeMapOf(db: Db, spaceId: string, fields: Record<string, unknown> | undefined): Promise<Result<Map<string, Record<string, unknown>> | null>> {
  const flat = { ok: true, value: null } as const;
  if (!fields) return flat;
  const keys = Object.keys(fields);
  if (keys.length === 0 || !keys.every((k) => isPlainObject(fields[k]))) return flat;
  const locales = await spaceLocales(db, spaceId);
  if (locales.size < 2) return flat;
  const unknown = keys.filter((k) => !locales.has(k));
  if (unknown.length === keys.length) return flat;
  if (unknown.length > 0) return { ok: false, error: 'invalid', detail: `Invalid fields: ${unknown.map((k) => `fields.${k}: the space has no locale "${k}"`).join('; ')}.` };
  return { ok: true, value: new Map(keys.map((k) => [k, fields[k] as Record<string, unknown>])) };
}
