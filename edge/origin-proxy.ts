import type { Context } from 'hono';
import { canonicalQuery } from '../shared/cache-key.js';
import { signAssertion } from '../shared/edge-assertion.js';
import { REQUEST_ID_HEADER } from '../shared/request-id.js';
import type { EdgeEnv } from './env.js';
import { errorResponse } from './errors.js';

/** Client headers passed on to the origin; everything else (cookies, credentials, forged client-IP headers) stays here. */
const FORWARDED = ['accept', 'accept-language', 'if-none-match', 'if-modified-since'];

/**
 * Forwards an authenticated request to the origin backend without the raw token: the query
 * loses `auth_token`, `Authorization` is dropped, and the key's identity travels in a signed,
 * timestamped assertion (shared/edge-assertion.ts). Origin failures become 502 / 504 in the
 * error shape.
 */
export async function fetchFromOrigin(c: Context<EdgeEnv>): Promise<Response> {
  {
    const platform = c.get('platform');
    const config = c.get('config');
    const key = c.get('key');
    const requestId = c.get('requestId');
    if (!key) return errorResponse('unauthenticated', 'Authentication credentials were not provided.', requestId);
    const incoming = new URL(c.req.url);
    const query = canonicalQuery(incoming.searchParams);
    const pathAndQuery = incoming.pathname + (query ? `?${query}` : '');
    const headers = new Headers(signAssertion(config.edge_shared_secret, { keyId: key.id, spaceId: key.spaceId, kind: key.kind }, c.req.method, pathAndQuery, platform.now() / 1000));
    for (const name of FORWARDED) {
      const v = c.req.header(name);
      if (v !== undefined) headers.set(name, v);
    }
    headers.set(REQUEST_ID_HEADER, requestId);
    headers.set('accept-encoding', 'identity');
    const clientIp = c.env?.clientIp;
    if (clientIp) headers.set('x-ghee-client-ip', clientIp);
    try {
      return await platform.fetchOrigin(new Request(`https://origin${pathAndQuery}`, { method: c.req.method, headers }), { timeoutMs: config.origin_timeout_ms });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      platform.log('error', 'origin fetch failed', { request_id: requestId, error: String(err) });
      return timedOut
        ? errorResponse('gateway_timeout', 'The origin timed out.', requestId)
        : errorResponse('bad_gateway', 'The origin could not be reached.', requestId);
    }
  }
}
