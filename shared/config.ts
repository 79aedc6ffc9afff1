/**
 * Turning a zod schema + an environment into a typed config, or one clear line naming the
 * offending variable. Shared by origin (process.env) and edge (Fastly Config Store / env).
 */
import type { z } from 'zod';

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
  // Empty strings mean "unset", as in most deployment tools.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.length > 0 ? issue.path.join('.') : '(config)';
  const raw = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
  const shown = raw === undefined ? 'unset' : /SECRET|PASSWORD|KEY|TOKEN|URL/i.test(name) ? '[redacted]' : JSON.stringify(raw);
  throw new ConfigError(`${label} config: ${name} ${issue.message} (got ${shown})`);
}
