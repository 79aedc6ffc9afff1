/**
 * Turning a zod schema + an environment into a typed config, or one clear line naming the
 * offending variable. Shared by origin (process.env) and edge (Fastly Config Store / env).
 */
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  label: string,
): z.infer<S> {
  // Blank values mean "unset", as in most deployment tools; surrounding whitespace is dropped.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const t = v?.trim();
    if (t) cleaned[k] = t;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.length > 0 ? issue.path.join('.') : '(config)';
  const raw = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
  const shown = raw === undefined ? 'unset' : /(SECRET|PASSWORD|TOKEN|URL|API_KEY)$/i.test(name) ? '[redacted]' : JSON.stringify(raw);
  throw new ConfigError(`${label} config: ${name} ${issue.message} (got ${shown})`);
}

/** A whole number of decimal digits within [min, max] (no hex, exponents or signs), or the default. */
export function intSetting(min: number, max: number, fallback: number, what = 'an integer') {
  const message = `must be ${what} between ${min} and ${max}`;
  return z
    .string()
    .regex(/^\d{1,15}$/, { message })
    .transform(Number)
    .pipe(z.number().min(min, { message }).max(max, { message }))
    .default(fallback);
}

/**
 * A setting holding JSON (e.g. a Config Store value), validated by `schema`; unset → the
 * schema's defaults. Bad JSON or a bad shape is a config error naming the setting.
 */
export function jsonSetting<S extends z.ZodType>(schema: S) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): unknown => {
      if (raw === undefined) return {};
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}
