import type { Context } from 'hono';
import { canonicalQuery } from '../shared/cache-key.js';
import { signAssertion } from '../shared/edge-assertion.js';
import { REQUEST_ID_HEADER } from '../shared/request-id.js';
import type { EdgeEnv } from './env.js';
import { errorResponse } from './errors.js';
import { requestUrl } from './request-info.js';

/** Client headers passed on to the origin; everything else (cookies, credentials, forged client-IP headers) stays here. */
const FORWARDED = ['accept', 'accept-language', 'if-none-match', 'if-modified-since'];

/**
 * Forwards a request to the origin backend. With an API key (Content API) the raw token never
 * leaves the edge: the query loses `auth_token`, `Authorization` is dropped, and the key's
 * identity and the client address travel in a signed, timestamped assertion
 * (shared/edge-assertion.ts). Without one (public assets) only the path is forwarded. Client-sent
 * forwarding headers (X-Forwarded-For, Fastly-Client-IP, …) are never passed on. Origin failures
 * become 502 / 504 in the error shape.
 */
export async function fetchFromOrigin(c: Context<EdgeEnv>): Promise<Response> {
  const platform = c.get('platform');
  const config = c.get('config');
  const key = c.get('key');
  const requestId = c.get('requestId');
  const incoming = requestUrl(c);
  let headers: Headers;
  let pathAndQuery: string;
  if (key) {
    const query = canonicalQuery(incoming.searchParams);
    pathAndQuery = incoming.pathname + (query ? `?${query}` : '');
    const clientIp = c.env?.clientIp;
    const assertion = { keyId: key.id, spaceId: key.spaceId, kind: key.kind, ...(clientIp ? { clientIp } : {}) };
    headers = new Headers(signAssertion(config.edge_shared_secret, assertion, c.req.method, pathAndQuery, platform.now() / 1000));
  } else {
    pathAndQuery = incoming.pathname;
    headers = new Headers();
  }
  for (const name of FORWARDED) {
    const v = c.req.header(name);
    if (v !== undefined) headers.set(name, v);
  }
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set('accept-encoding', 'identity');
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
