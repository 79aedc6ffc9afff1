import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from '../../shared/errors.js';
import type { OriginEnv } from '../env.js';

/**
 * A JSON request body validated by `schema`: 415 unless it is sent as application/json, 400 for
 * malformed JSON, and 400 naming each offending field (at most ten), unknown fields included.
 */
export async function parseBody<S extends z.ZodType>(c: Context<OriginEnv>, schema: S): Promise<z.infer<S>> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new ApiError('unsupported_media_type', 'Send the body as application/json.');
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ApiError('bad_request', 'The body is not valid JSON.');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 10).map((i) => {
      const where = i.path.length ? i.path.join('.') : 'body';
      return i.code === 'unrecognized_keys' ? `${where}: unknown field(s) ${i.keys.join(', ')}` : `${where}: ${i.message}`;
    });
    throw new ApiError('bad_request', `Invalid request: ${problems.join('; ')}.`);
  }
  return parsed.data;
}
