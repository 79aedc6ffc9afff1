import type { Handler } from 'hono';
import * as z from 'zod/mini';
import { INTERNAL_MAX_SKEW_S, INTERNAL_SIG_HEADER, INTERNAL_TS_HEADER, PURGE_MAX_KEYS, PURGE_PURPOSE, verifyInternal } from '../shared/internal-auth.js';
import type { EdgeEnv } from './env.js';
import { errorResponse } from './errors.js';

const MAX_BODY_BYTES = 65_536;
/** Surrogate keys as Fastly accepts them: printable ASCII, no spaces. */
const surrogateKey = z.string().check(z.minLength(1), z.maxLength(1024), z.regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' }));
const purgeBody = z.strictObject({
  keys: z.array(surrogateKey).check(z.minLength(1), z.maxLength(PURGE_MAX_KEYS)),
  soft: z._default(z.boolean(), false),
  nonce: z.optional(z.string().check(z.maxLength(64))),
});

const nonceKey = (sig: string) => `ghee-purge-nonce:v1:${sig}`;

/**
 * POST /.edge/purge — purge by surrogate key, soft or hard, for the origin's local purger.
 * Accepts only requests HMAC-signed with the edge↔origin secret over a timestamp and the exact
 * body; a signature is accepted once (its nonce is remembered in the edge cache for longer than
 * the timestamp window), so a captured request cannot be replayed.
 */
export function purgeHandler(): Handler<EdgeEnv> {
  return async function purge(c) {
    const platform = c.get('platform');
    const requestId = c.get('requestId');
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > MAX_BODY_BYTES) return errorResponse('payload_too_large', 'Purge body too large.', requestId);
    const body = await c.req.text();
    if (body.length > MAX_BODY_BYTES) return errorResponse('payload_too_large', 'Purge body too large.', requestId);
    const ts = c.req.header(INTERNAL_TS_HEADER);
    const sig = c.req.header(INTERNAL_SIG_HEADER);
    if (!verifyInternal(c.get('config').edge_shared_secret, PURGE_PURPOSE, body, ts, sig, platform.now() / 1000)) {
      platform.log('warn', 'purge refused: bad signature', { request_id: requestId });
      return errorResponse('unauthenticated', 'Invalid purge signature.', requestId);
    }
    const nonce = await platform.cache.transaction(nonceKey(sig!));
    if (!nonce.mustInsert || nonce.hit) {
      if (nonce.mustInsert) nonce.cancel();
      platform.log('warn', 'purge refused: replay', { request_id: requestId });
      return errorResponse('unauthenticated', 'Replayed purge request.', requestId);
    }
    await nonce.insert(
      { status: 204, headers: [], body: new Uint8Array(0) },
      { maxAge: INTERNAL_MAX_SKEW_S * 2 + 5, staleWhileRevalidate: 0, staleIfError: 0, surrogateKeys: [] },
    );
    let parsed: z.infer<typeof purgeBody>;
    try {
      parsed = purgeBody.parse(JSON.parse(body));
    } catch {
      return errorResponse('bad_request', `Body must be {"keys": [1..${PURGE_MAX_KEYS} surrogate keys], "soft": boolean}.`, requestId);
    }
    for (const key of parsed.keys) await platform.cache.purgeSurrogateKey(key, { soft: parsed.soft });
    platform.log('info', 'purged', { request_id: requestId, keys: parsed.keys.length, soft: parsed.soft });
    return c.json({ purged: parsed.keys.length, soft: parsed.soft });
  };
}
