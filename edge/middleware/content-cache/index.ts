import type { Context, MiddlewareHandler } from 'hono';
import { contentCacheKey } from '../../../shared/cache-key.js';
import { parseSurrogateControl, parseSurrogateKeyHeader } from '../../../shared/surrogate.js';
import type { EdgeEnv } from '../../env.js';
import type { CachedObject, CacheHit, CacheTransaction } from '../../platform/port.js';

/** Headers never stored with a cached object (hop-by-hop or recomputed on delivery). */
const UNSTORED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'set-cookie', 'date', 'age', 'x-request-id', 'x-cache']);
/** Headers meant for the edge only, removed before delivery. */
const EDGE_ONLY = ['surrogate-key', 'surrogate-control'];

/**
 * Edge content cache over the platform's transactional cache: hits are served without the
 * origin (`x-cache: HIT`, `Age`); concurrent misses collapse into one origin fetch; a stale
 * copy within stale-while-revalidate is served (`x-cache: STALE`) while one request refreshes
 * it. TTL and surrogate keys come from the origin's Surrogate-Control / Surrogate-Key.
 * Needs `key` set by the api-key middleware (the cache key is per space).
 */
export interface ContentCacheOptions {
  /** Produces the response on a miss (the origin fetch). */
  fill: (c: Context<EdgeEnv>) => Promise<Response>;
}

export function contentCache(opts: ContentCacheOptions): MiddlewareHandler<EdgeEnv> {
  return async function contentCacheHandler(c, next) {
    const key = c.get('key');
    if (!key || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return next();
    const platform = c.get('platform');
    const txn = await platform.cache.transaction(contentCacheKey(key.spaceId, new URL(c.req.url)));
    if (txn.hit && !txn.mustInsert) return fromCache(txn.hit, txn.hit.stale ? 'STALE' : 'HIT');
    if (txn.hit) {
      // Stale and ours to refresh: answer now, revalidate in the background.
      const refresh = fill(c, opts, txn).catch((err: unknown) =>
        platform.log('warn', 'background revalidation failed', { request_id: c.get('requestId'), error: String(err) }),
      );
      waitUntil(c, refresh);
      return fromCache(txn.hit, 'STALE');
    }
    return fill(c, opts, txn);
  };
}

async function fill(c: Context<EdgeEnv>, opts: ContentCacheOptions, txn: CacheTransaction): Promise<Response> {
  let res: Response;
  try {
    res = await opts.fill(c);
  } catch (err) {
    txn.cancel();
    throw err;
  }
  const control = parseSurrogateControl(res.headers.get('surrogate-control'));
  const cacheable =
    res.status === 200 && control !== null && control.maxAge > 0 && !res.headers.has('set-cookie') && !/\b(private|no-store)\b/i.test(res.headers.get('cache-control') ?? '');
  if (!cacheable) {
    txn.cancel();
    return deliver(res, 'MISS');
  }
  const body = new Uint8Array(await res.arrayBuffer());
  const object: CachedObject = { status: res.status, headers: storedHeaders(res.headers), body };
  await txn.insert(object, {
    maxAge: control.maxAge,
    staleWhileRevalidate: control.staleWhileRevalidate,
    surrogateKeys: parseSurrogateKeyHeader(res.headers.get('surrogate-key')),
  });
  return deliver(new Response(body, { status: object.status, headers: object.headers }), 'MISS');
}

function storedHeaders(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  headers.forEach((value, name) => {
    if (!UNSTORED.has(name)) out.push([name, value]);
  });
  return out;
}

function fromCache(hit: CacheHit, state: 'HIT' | 'STALE'): Response {
  const res = new Response(hit.object.body, { status: hit.object.status, headers: hit.object.headers });
  res.headers.set('age', String(hit.age));
  return deliver(res, state);
}

function deliver(res: Response, state: 'HIT' | 'MISS' | 'STALE'): Response {
  const out = new Response(res.body, res);
  for (const name of EDGE_ONLY) out.headers.delete(name);
  out.headers.set('x-cache', state);
  return out;
}

function waitUntil(c: Context<EdgeEnv>, promise: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // No execution context (Node twin): the promise simply runs to completion.
  }
}
