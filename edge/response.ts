import type { Context } from 'hono';
import type { EdgeEnv } from './env.js';

/**
 * Changes the headers of the response being sent. A response obtained from fetch() has
 * immutable headers; it is copied once before the first change.
 */
export function mutateResponseHeaders(c: Context<EdgeEnv>, change: (headers: Headers) => void): void {
  try {
    change(c.res.headers);
  } catch {
    const copy = new Response(c.res.body, c.res);
    change(copy.headers);
    c.res = undefined;
    c.res = copy;
  }
}
