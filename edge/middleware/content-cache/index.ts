import type { Context, MiddlewareHandler } from 'hono';
import { assetCacheKey, contentCacheKey } from '../../../shared/cache-key.js';
import { REQUEST_ID_HEADER } from '../../../shared/request-id.js';
import { parseSurrogateControl, parseSurrogateKeyHeader } from '../../../shared/surrogate.js';
import type { EdgeEnv } from '../../env.js';
import type { CachedObject, CacheHit, CacheInsertOptions, CacheTransaction } from '../../platform/port.js';
import { errorResponse } from '../../errors.js';
import { readRequestOf } from '../../request-info.js';

/** Headers never stored with a cached object (hop-by-hop, per-request, or edge-only). */
const UNSTORED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'set-cookie',
  'date',
  'age',
  'x-cache',
  REQUEST_ID_HEADER,
  'surrogate-key',
  'surrogate-control',
]);

export type CacheState = 'HIT' | 'MISS' | 'STALE';

export interface ContentCacheOptions {
  /** Produces the response on a miss (the origin fetch). Throws or answers 5xx when the origin fails. */
  fill: (c: Context<EdgeEnv>) => Promise<Response>;
}

/**
 * Edge content cache over the platform's transactional cache (Fastly Core Cache / its Node twin).
 * - HIT: served without the origin, with `Age`.
 * - MISS: concurrent misses collapse into one origin fetch (the platform's transactions).
 * - stale-while-revalidate: a stale copy is served (`STALE`) while one request refreshes it.
 * - stale-if-error: past that, the origin is asked first; when it is unreachable, times out or
 *   answers 5xx, the stored copy is served (`STALE`) for as long as the origin allowed.
 * - TTLs and surrogate keys come from the origin's Surrogate-Control / Surrogate-Key (never
 *   delivered to clients). Responses with Set-Cookie, `private` / `no-store`, and errors are not
 *   stored, except 404s for a short negative TTL (`not_found_ttl`).
 * The cache key is the canonical request (shared/content-request.ts) the fill forwards: per space
 * for the Content API (needs `key` from the api-key middleware), per path for public assets. A
 * HEAD shares its GET's key and is filled by a GET (edge/origin-proxy.ts); Hono answers it with
 * the GET's status and headers and no body.
 */
export function contentCache(opts: ContentCacheOptions): MiddlewareHandler<EdgeEnv> {
  return async function contentCacheHandler(c, next) {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const requestId = c.get('requestId');
    const read = readRequestOf(c);
    if (!read.ok) return errorResponse(read.refusal.code, read.refusal.detail, requestId);
    const request = read.request;
    const key = c.get('key');
    const cacheKey = request.kind === 'asset' ? assetCacheKey(request) : key ? contentCacheKey(key.spaceId, request) : null;
    if (!cacheKey) return next();
    const platform = c.get('platform');
    const txn = await platform.cache.transaction(cacheKey);
    const hit = txn.hit;

    if (hit && !txn.mustInsert) return fromCache(hit, hit.stale ? 'STALE' : 'HIT', requestId);
    if (hit && !hit.errorOnly) {
      // Stale and ours to refresh: answer now, revalidate in the background.
      const refresh = fetchAndStore(c, opts, txn).then(
        (r) => r.response.body?.cancel(),
        (err: unknown) => platform.log('warn', 'background revalidation failed', { request_id: requestId, error: String(err) }),
      );
      waitUntil(c, refresh);
      return fromCache(hit, 'STALE', requestId);
    }
    const { response, failed } = await fetchAndStore(c, opts, txn);
    if (failed && hit) {
      // stale-if-error: the origin failed and we still hold a copy it allowed us to keep.
      await response.body?.cancel();
      platform.log('warn', 'origin failed; serving stale', { request_id: requestId, status: response.status });
      return fromCache(hit, 'STALE', requestId);
    }
    return response;
  };
}

interface Filled {
  response: Response;
  /** The origin was unreachable, timed out or answered 5xx. */
  failed: boolean;
}

async function fetchAndStore(c: Context<EdgeEnv>, opts: ContentCacheOptions, txn: CacheTransaction): Promise<Filled> {
  let res: Response;
  try {
    res = await opts.fill(c);
  } catch (err) {
    txn.cancel();
    throw err;
  }
  if (res.status >= 500) {
    txn.cancel();
    return { response: deliver(res, 'MISS'), failed: true };
  }
  const insert = insertOptions(c, res);
  if (!insert) {
    txn.cancel();
    return { response: deliver(res, 'MISS'), failed: false };
  }
  const object: CachedObject = { status: res.status, headers: storedHeaders(res.headers), body: new Uint8Array(await res.arrayBuffer()) };
  await txn.insert(object, insert);
  return { response: toResponse(object, 'MISS'), failed: false };
}

function insertOptions(c: Context<EdgeEnv>, res: Response): CacheInsertOptions | null {
  if (res.headers.has('set-cookie') || /\b(private|no-store)\b/i.test(res.headers.get('cache-control') ?? '')) return null;
  const surrogateKeys = parseSurrogateKeyHeader(res.headers.get('surrogate-key'));
  if (res.status === 404) {
    const ttl = c.get('config').not_found_ttl;
    return ttl > 0 ? { maxAge: ttl, staleWhileRevalidate: 0, staleIfError: 0, surrogateKeys } : null;
  }
  if (res.status !== 200) return null;
  const control = parseSurrogateControl(res.headers.get('surrogate-control'));
  if (!control || control.maxAge <= 0) return null;
  return { maxAge: control.maxAge, staleWhileRevalidate: control.staleWhileRevalidate, staleIfError: control.staleIfError, surrogateKeys };
}

function storedHeaders(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  headers.forEach((value, name) => {
    if (!UNSTORED.has(name)) out.push([name, value]);
  });
  return out;
}

function toResponse(object: CachedObject, state: CacheState): Response {
  const res = new Response(object.body, { status: object.status, headers: object.headers });
  res.headers.set('x-cache', state);
  return res;
}

function fromCache(hit: CacheHit, state: CacheState, requestId: string): Response {
  let object = hit.object;
  if (object.status !== 200) object = withRequestId(object, requestId);
  const res = toResponse(object, state);
  res.headers.set('age', String(hit.age));
  return res;
}

/** A cached error body (the one error shape) carries the id of the request that stored it; re-stamp it. */
function withRequestId(object: CachedObject, requestId: string): CachedObject {
  try {
    const body = JSON.parse(new TextDecoder().decode(object.body)) as Record<string, unknown>;
    body.request_id = requestId;
    return { ...object, body: new TextEncoder().encode(JSON.stringify(body)) };
  } catch {
    return object;
  }
}

function deliver(res: Response, state: CacheState): Response {
  const out = new Response(res.body, res);
  out.headers.delete('surrogate-key');
  out.headers.delete('surrogate-control');
  out.headers.set('x-cache', state);
  return out;
}

function waitUntil(c: Context<EdgeEnv>, promise: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // No execution context (the Node twin): the promise simply runs to completion.
  }
}
