/**
 * GET /openapi.json at the edge (issue 18): the public part of ghee's OpenAPI document — the
 * Content API reads and what readers can call — fetched from the origin's GET /openapi/public.json
 * and cached like content (its Surrogate-Control, its Surrogate-Key `openapi` for purges; a stale
 * copy is served while the origin fails). The edge's bundle holds no copy of the document: it
 * would grow the Fastly snapshot with every route described.
 *
 * Its description is the origin's operation getOpenApiDocument (shared/openapi-edge.ts).
 */
import type { Handler } from 'hono';
import { REQUEST_ID_HEADER } from '../shared/request-id.js';
import { parseSurrogateControl, parseSurrogateKeyHeader } from '../shared/surrogate.js';
import type { EdgeEnv } from './env.js';
import { errorResponse } from './errors.js';
import type { CachedObject } from './platform/port.js';

/** The origin's route that answers the public part. */
export const PUBLIC_DOCUMENT_PATH = '/openapi/public.json';
const CACHE_KEY = 'ghee-openapi:v1:public';
/** What is kept of the origin's headers (the rest is per-request, hop-by-hop or edge-only). */
const KEPT = ['content-type', 'cache-control'];

function answer(object: CachedObject, state: 'HIT' | 'MISS' | 'STALE', age: number | null): Response {
  const res = new Response(object.body, { status: object.status, headers: object.headers });
  res.headers.set('x-cache', state);
  if (age !== null) res.headers.set('age', String(age));
  return res;
}

export function openApiDocument(): Handler<EdgeEnv> {
  return async function openApiDocumentHandler(c) {
    const platform = c.get('platform');
    const requestId = c.get('requestId');
    const txn = await platform.cache.transaction(CACHE_KEY);
    const hit = txn.hit;
    if (hit && !txn.mustInsert) return answer(hit.object, hit.stale ? 'STALE' : 'HIT', hit.age);
    let res: Response;
    try {
      const request = new Request(`https://origin${PUBLIC_DOCUMENT_PATH}`, { headers: { [REQUEST_ID_HEADER]: requestId, accept: 'application/json', 'accept-encoding': 'identity' } });
      res = await platform.fetchOrigin(request, { timeoutMs: c.get('config').origin_timeout_ms });
    } catch (err) {
      txn.cancel();
      platform.log('error', 'origin fetch failed', { request_id: requestId, error: String(err) });
      if (hit) return answer(hit.object, 'STALE', hit.age);
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      return timedOut ? errorResponse('gateway_timeout', 'The origin timed out.', requestId) : errorResponse('bad_gateway', 'The origin could not be reached.', requestId);
    }
    if (res.status !== 200) {
      txn.cancel();
      if (hit && res.status >= 500) {
        await res.body?.cancel();
        return answer(hit.object, 'STALE', hit.age);
      }
      // The origin's error, in the one error shape, as it answered it (never stored).
      const out = new Response(res.body, res);
      out.headers.delete('surrogate-key');
      out.headers.delete('surrogate-control');
      out.headers.set('x-cache', 'MISS');
      return out;
    }
    const headers: [string, string][] = [];
    for (const name of KEPT) {
      const value = res.headers.get(name);
      if (value !== null) headers.push([name, value]);
    }
    const object: CachedObject = { status: 200, headers, body: new Uint8Array(await res.arrayBuffer()) };
    const control = parseSurrogateControl(res.headers.get('surrogate-control'));
    if (control && control.maxAge > 0) await txn.insert(object, { ...control, surrogateKeys: parseSurrogateKeyHeader(res.headers.get('surrogate-key')) });
    else txn.cancel();
    return answer(object, 'MISS', null);
  };
}
