/**
 * Turning a zod schema + an environment into a typed config, or one clear line naming the
 * offending variable. Shared by origin (process.env) and edge (Fastly Config Store / env).
 *
 * Written against `zod/mini` (and zod's core), never classic `zod`: the edge bundles this file,
 * and classic zod (with every locale) would be most of the edge's snapshot heap, paid on every
 * request. parseConfig accepts any zod v4 schema, classic (origin) or mini (edge).
 */
import type * as core from 'zod/v4/core';
import * as z from 'zod/mini';
import { en } from 'zod/locales';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * zod's English messages ("Too big: expected number to be <=3600", …), for issues whose schema
 * gives none. Classic zod installs them globally on first use; mini does not, so they are passed
 * to every parse here — the same messages either way.
 */
let english: core.$ZodErrorMap | undefined;

export function parseConfig<S extends core.$ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  label: string,
): core.output<S> {
  // Blank values mean "unset", as in most deployment tools; surrounding whitespace is dropped.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const t = v?.trim();
    if (t) cleaned[k] = t;
  }
  english ??= en().localeError;
  const result = z.safeParse(schema, cleaned, { error: english });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.length > 0 ? issue.path.join('.') : '(config)';
  const raw = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
  const shown = raw === undefined ? 'unset' : /(SECRET|PASSWORD|TOKEN|URL|KEYS?)$/i.test(name) ? '[redacted]' : JSON.stringify(raw);
  throw new ConfigError(`${label} config: ${name} ${issue.message} (got ${shown})`);
}

/** A whole number of decimal digits within [min, max] (no hex, exponents or signs), or the default. */
export function intSetting(min: number, max: number, fallback: number, what = 'an integer') {
  const message = `must be ${what} between ${min} and ${max}`;
  return z._default(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,15}$/, { message })), z.transform(Number)),
      z.number().check(z.gte(min, { message }), z.lte(max, { message })),
    ),
    fallback,
  );
}

/**
 * A setting holding JSON (e.g. a Config Store value), validated by `schema`; unset → the
 * schema's defaults. Bad JSON or a bad shape is a config error naming the setting.
 */
export function jsonSetting<S extends core.$ZodType>(schema: S) {
  return z.pipe(
    z.pipe(
      z.optional(z.string()),
      z.transform((raw: string | undefined, ctx): unknown => {
        if (raw === undefined) return {};
        try {
          return JSON.parse(raw) as unknown;
        } catch {
          ctx.issues.push({ code: 'custom', message: 'must be valid JSON', input: raw });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );
}
