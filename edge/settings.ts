/**
 * The edge settings as ONE document: the Config Store entry `settings` (Node: EDGE_SETTINGS), a
 * compact JSON object holding every non-secret setting with its defaults filled in.
 *
 * It is validated when it is written — `npm run edge -- config validate|push`
 * (scripts/edge-config.ts) refuses a bad document naming the exact field — and the edge checks
 * it once more on a miss (edge/config.ts: the chain validates each new document once and
 * remembers the verdict in the edge cache). A cache hit then reads this one entry and parses it,
 * nothing more: on Fastly every request starts afresh, and validating (zod, interpreted) or
 * reading nine entries and the secret cost most of a hit's time.
 *
 * The canonical form (canonicalSettings) is `JSON.stringify` of the validated object: the same
 * fields in the schema's order, every default present, so parsing it gives exactly the validated
 * settings. `format` names this layout; another value is refused.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import type * as core from 'zod/v4/core';
import { corsConfigSchema } from './middleware/cors/config.js';
import { rateLimitConfigSchema } from './middleware/rate-limit/config.js';
import { wafConfigSchema } from './middleware/waf/config.js';

/** The Config Store key of the settings document (its own module: read on every request, without this one's zod). */
export { SETTINGS_KEY } from './settings-key.js';
/** The document layout written by this version. */
export const SETTINGS_FORMAT = 1;

/** [min, max, default] of the whole-number settings (the separate-keys format uses the same ranges, edge/config.ts). */
export const SETTING_RANGES = {
  key_cache_ttl: [1, 3600, 300],
  key_stale_if_error: [0, 604_800, 86_400],
  not_found_ttl: [0, 300, 10],
  negative_key_cache_ttl: [0, 300, 30],
  origin_timeout_ms: [100, 120_000, 10_000],
} as const satisfies Record<string, readonly [number, number, number]>;

const wholeNumber = ([min, max, fallback]: readonly [number, number, number]) => {
  const message = `must be an integer between ${min} and ${max}`;
  return z._default(z.number({ message }).check(z.int({ message }), z.gte(min, { message }), z.lte(max, { message })), fallback);
};

export const settingsDocumentSchema = z.strictObject({
  format: z._default(z.literal(SETTINGS_FORMAT, { message: `must be ${SETTINGS_FORMAT} (this edge's settings format)` }), SETTINGS_FORMAT),
  /** Plain-HTTP GET/HEAD → 301 to https, other methods → 403. Off only for local use. */
  https_only: z._default(z.boolean({ message: 'must be true or false' }), true),
  waf: z.prefault(wafConfigSchema, {}),
  rate_limits: z.prefault(rateLimitConfigSchema, {}),
  cors: z.prefault(corsConfigSchema, {}),
  key_cache_ttl: wholeNumber(SETTING_RANGES.key_cache_ttl),
  key_stale_if_error: wholeNumber(SETTING_RANGES.key_stale_if_error),
  not_found_ttl: wholeNumber(SETTING_RANGES.not_found_ttl),
  negative_key_cache_ttl: wholeNumber(SETTING_RANGES.negative_key_cache_ttl),
  origin_timeout_ms: wholeNumber(SETTING_RANGES.origin_timeout_ms),
});

export type SettingsDocument = z.infer<typeof settingsDocumentSchema>;

/** What a cache hit needs of the settings (the secret is a miss's: origin calls, signed purges). */
export type EdgeSettings = Omit<SettingsDocument, 'format'>;

export type SettingsVerdict = { ok: true; settings: SettingsDocument; canonical: string } | { ok: false; error: string };

let english: core.$ZodErrorMap | undefined;

/** The value at `path` in `input`, for the error line (undefined when absent). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at = input;
  for (const part of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[part];
  }
  return at;
}

/**
 * Validates a settings document (its text): the settings with their defaults and the canonical
 * text to store, or one line naming the first bad field (`waf.max_url_length`, `cors.any.0`,
 * an unknown `waf.max_urls`) and what it must be.
 */
export function validateSettings(text: string): SettingsVerdict {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `settings: not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, error: 'settings: must be a JSON object' };
  english ??= en().localeError;
  const result = z.safeParse(settingsDocumentSchema, input, { error: english });
  if (result.success) return { ok: true, settings: result.data, canonical: canonicalSettings(result.data) };
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    // Never echo an unknown field's value: it may be a secret put in the wrong place.
    const name = [...issue.path, issue.keys[0]!].join('.');
    return { ok: false, error: `settings: ${name} is not a setting` };
  }
  const name = issue.path.length > 0 ? issue.path.join('.') : '(document)';
  const got = valueAt(input, issue.path);
  return { ok: false, error: `settings: ${name} ${issue.message} (got ${got === undefined ? 'nothing' : JSON.stringify(got)})` };
}

/** The text stored for validated settings: compact JSON in the schema's order, every default present. */
export function canonicalSettings(settings: SettingsDocument): string {
  return JSON.stringify(settings);
}
