import type { Context } from 'hono';
import { canonicalTarget } from '../shared/content-request.js';
import { signAssertion } from '../shared/edge-assertion.js';
import { REQUEST_ID_HEADER } from '../shared/request-id.js';
import type { EdgeEnv } from './env.js';
import { errorResponse } from './errors.js';
import { readRequestOf } from './request-info.js';

/** Client headers passed on to the origin; everything else (cookies, credentials, forged client-IP headers) stays here. */
/** Reads are fetched as GETs, HEADs included (see fetchFromOrigin). */
const ORIGIN_METHOD = 'GET';

const FORWARDED = ['accept', 'accept-language', 'if-none-match', 'if-modified-since'];

/**
 * Forwards a read to the origin backend: exactly the canonical request the cache is keyed on
 * (shared/content-request.ts: normalised path, the route's parameters once each, sorted, preview
 * as `preview=1`), always as a GET — a HEAD is answered from the GET's object, so what is stored
 * is never a HEAD's empty body. With an API key (Content API) the raw token never leaves the
 * edge: `auth_token` is not part of the canonical request, `Authorization` is dropped, and the
 * key's identity, scopes and the client address travel in a signed, timestamped assertion
 * (shared/edge-assertion.ts). Without one (public assets) only the canonical path. Client-sent
 * forwarding headers (X-Forwarded-For, Fastly-Client-IP, …) are never passed on. Origin failures
 * become 502 / 504 in the error shape.
 */
export async function fetchFromOrigin(c: Context<EdgeEnv>): Promise<Response> {
  const platform = c.get('platform');
  const config = c.get('config');
  const key = c.get('key');
  const requestId = c.get('requestId');
  const read = readRequestOf(c);
  if (!read.ok) return errorResponse(read.refusal.code, read.refusal.detail, requestId);
  const pathAndQuery = canonicalTarget(read.request);
  let headers: Headers;
  if (key) {
    const clientIp = c.env?.clientIp;
    const assertion = { keyId: key.id, spaceId: key.spaceId, kind: key.kind, scopes: key.scopes, ...(clientIp ? { clientIp } : {}) };
    headers = new Headers(signAssertion(config.edge_shared_secret, assertion, ORIGIN_METHOD, pathAndQuery, platform.now() / 1000));
  } else {
    headers = new Headers();
  }
  for (const name of FORWARDED) {
    const v = c.req.header(name);
    if (v !== undefined) headers.set(name, v);
  }
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set('accept-encoding', 'identity');
  try {
    return await platform.fetchOrigin(new Request(`https://origin${pathAndQuery}`, { method: ORIGIN_METHOD, headers }), { timeoutMs: config.origin_timeout_ms });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    platform.log('error', 'origin fetch failed', { request_id: requestId, error: String(err) });
    return timedOut
      ? errorResponse('gateway_timeout', 'The origin timed out.', requestId)
      : errorResponse('bad_gateway', 'The origin could not be reached.', requestId);
  }
}
