import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from '../../shared/errors.js';
import type { OriginEnv } from '../env.js';
import { checkedJson } from './input.js';

/**
 * A JSON request body as the input boundary accepts it (origin/http/input.ts: no NUL or unpaired
 * surrogate in any string, bounded nesting): 415 unless it is sent as application/json, 400 for
 * malformed JSON or text the database cannot hold.
 */
export async function readJsonBody(c: Context<OriginEnv>): Promise<unknown> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new ApiError('unsupported_media_type', 'Send the body as application/json.');
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('bad_request', 'The body is not valid JSON.');
  }
  return checkedJson(raw);
}

/** A zod error as the one 400 detail: each offending field (at most ten), unknown fields included. */
export function invalidBodyDetail(error: z.ZodError): string {
  const problems = error.issues.slice(0, 10).map((i) => {
    const where = i.path.length ? i.path.join('.') : 'body';
    return i.code === 'unrecognized_keys' ? `${where}: unknown field(s) ${i.keys.join(', ')}` : `${where}: ${i.message}`;
  });
  return `Invalid request: ${problems.join('; ')}.`;
}

/** A JSON request body (readJsonBody) validated by `schema`: 400 naming each offending field. */
export async function parseBody<S extends z.ZodType>(c: Context<OriginEnv>, schema: S): Promise<z.infer<S>> {
  const raw = await readJsonBody(c);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError('bad_request', invalidBodyDetail(parsed.error));
  return parsed.data;
}
