import type { MiddlewareHandler } from 'hono';
import { addressIn, parseCidrList } from '../../../shared/cidr.js';
import { keyAllows } from '../../../shared/permissions.js';
import { presentedKey, readRequestOf } from '../../request-info.js';
import {
  INTROSPECT_PATH,
  INTROSPECT_PURPOSE,
  signInternal,
  type KeyIntrospection,
} from '../../../shared/internal-auth.js';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { EdgeConfig } from '../../config.js';
import type { EdgeEnv, EdgeKey } from '../../env.js';
import { errorResponse } from '../../errors.js';
import type { ApiKeyKind } from '../../../shared/api-key.js';
import type { CachedObject, Platform } from '../../platform/port.js';

/** Cache key namespace for key records; keyed by SHA-256 of the key, never the key. */
export const keyCacheKey = (tokenHash: string) => `ghee-key:v1:${tokenHash}`;
export const NEGATIVE_KEY_SURROGATE = 'keys:negative';

class OriginUnavailable extends Error {}

/**
 * API-key enforcement at the edge.
 * 1. Format + checksum, no I/O: garbage never reaches the origin.
 * 2. The key's record from the edge cache (keyed by SHA-256 of the key, tagged `key:<id>` so a
 *    revocation purge takes effect at once), filled from the origin's introspection endpoint
 *    with a signed call; unknown keys are cached as invalid briefly.
 */
export function apiKey(): MiddlewareHandler<EdgeEnv> {
  return async function apiKeyHandler(c, next) {
    const requestId = c.get('requestId');
    const presented = presentedKey(c);
    if (!presented) {
      c.set('keyRefusal', 'missing');
      return errorResponse('unauthenticated', 'Authentication credentials were not provided.', requestId);
    }
    const { parsed, hash } = presented;
    if (!parsed || !hash) {
      c.set('keyRefusal', 'malformed');
      return errorResponse('invalid_token', 'Invalid token', requestId);
    }
    // The request as the origin will read it (shared/content-request.ts): preview is decided from it.
    const read = readRequestOf(c);
    if (!read.ok) return errorResponse(read.refusal.code, read.refusal.detail, requestId);
    let record: KeyIntrospection;
    try {
      record = await lookupKey(c.get('platform'), c.get('config'), hash, requestId);
    } catch (err) {
      if (err instanceof OriginUnavailable) return errorResponse('bad_gateway', 'The origin could not be reached.', requestId);
      throw err;
    }
    const key = admit(record, parsed.kind, read.request.preview, c.env.clientIp);
    if (key === 'network_forbidden') return errorResponse('ip_blocked', NETWORK_DETAIL, requestId);
    if (typeof key === 'string') {
      c.set('keyRefusal', key === 'invalid_token' ? 'unknown' : key);
      return key === 'invalid_token' ? errorResponse('invalid_token', 'Invalid token', requestId) : errorResponse('forbidden', REFUSAL_DETAIL[key], requestId);
    }
    c.set('key', key);
    return next();
  };
}

export type Refusal = 'invalid_token' | 'preview_forbidden' | 'scope_forbidden' | 'network_forbidden';

/** The organization holds its keys' reads to its IP allowlist (origin/governance/allowlist.ts, enforce_reads). */
export const NETWORK_DETAIL = "This organization accepts this key's reads only from its IP allowlist.";

/** The details of the 403s, worded as the origin words them (origin/http/content-read.ts). */
export const REFUSAL_DETAIL: Readonly<Record<Exclude<Refusal, 'invalid_token' | 'network_forbidden'>, string>> = {
  preview_forbidden: 'Preview requires a preview key.',
  scope_forbidden: 'This API key does not allow this read.',
};

/**
 * What a key record lets a request presenting a key of `kind` do: the key as the edge knows it,
 * `invalid_token` (unknown, revoked, another kind, or an admin key — admin keys manage an
 * organization through the origin and read nothing here), `preview_forbidden` (a read key asking
 * for drafts: `preview=1` needs a preview key or higher) or `scope_forbidden` (the key's scopes
 * lack `content.preview` for drafts or `content.read` for published content: a key is never
 * used beyond its scopes, whatever its kind allows), or `network_forbidden`: the key's organization
 * holds reads to its IP allowlist (`read_cidrs`) and `clientIp` is not inside it or not known (the
 * hit fast path passes its request's address; a refusal there declines to the chain, which answers).
 */
export function admit(record: KeyIntrospection, kind: ApiKeyKind, preview: boolean, clientIp?: string): EdgeKey | Refusal {
  if (!record.valid || !record.id || record.kind !== kind || !record.space_id) return 'invalid_token';
  if (Array.isArray(record.read_cidrs) && record.read_cidrs.length > 0) {
    const list = parseCidrList(record.read_cidrs);
    if (!list.ok || !addressIn(clientIp, list.cidrs)) return 'network_forbidden';
  }
  if (record.kind === 'read' && preview) return 'preview_forbidden';
  const scopes = Array.isArray(record.scopes) ? record.scopes : [];
  if (!keyAllows({ kind: record.kind, scopes }, preview ? 'content.preview' : 'content.read')) return 'scope_forbidden';
  return { id: record.id, kind: record.kind, spaceId: record.space_id, scopes };
}

const decodedRecords = new WeakMap<object, KeyIntrospection | null>();

/**
 * The key record held by a cached object, decoded once per stored object (the cache's own copy,
 * see EdgeCache.lookupFresh: a new insert is a new object); null when it does not decode.
 */
export function storedKeyRecord(object: Readonly<CachedObject>): KeyIntrospection | null {
  let record = decodedRecords.get(object);
  if (record === undefined) {
    try {
      record = decode(object.body);
    } catch {
      record = null;
    }
    decodedRecords.set(object, record);
  }
  return record;
}

async function lookupKey(platform: Platform, config: EdgeConfig, tokenHash: string, requestId: string): Promise<KeyIntrospection> {
  const txn = await platform.cache.transaction(keyCacheKey(tokenHash));
  if (txn.hit && !txn.mustInsert) return decode(txn.hit.object.body);
  let record: KeyIntrospection;
  try {
    record = await introspect(platform, config, tokenHash, requestId);
  } catch (err) {
    txn.cancel();
    // A stale record is better than refusing every request while the origin is down.
    if (txn.hit) return decode(txn.hit.object.body);
    throw err;
  }
  let ttl = record.valid ? config.key_cache_ttl : config.negative_key_cache_ttl;
  if (record.valid && record.expires_at) {
    const remaining = Math.floor((Date.parse(record.expires_at) - platform.now()) / 1000);
    ttl = Math.max(0, Math.min(ttl, remaining));
  }
  if (ttl > 0) {
    await txn.insert(
      { status: 200, headers: [], body: new TextEncoder().encode(JSON.stringify(record)) },
      {
        maxAge: ttl,
        staleWhileRevalidate: 0,
        // A known-good record outlives its TTL only for origin outages, so cached content stays
        // readable; revocation purges `key:<id>` explicitly. Negative answers never do.
        staleIfError: record.valid ? config.key_stale_if_error : 0,
        surrogateKeys: record.valid && record.id ? [surrogateKeys.apiKey(record.id)] : [NEGATIVE_KEY_SURROGATE],
      },
    );
  } else {
    txn.cancel();
  }
  return record;
}

/** Made once (at build time on Fastly), not per record. */
const decoder = new TextDecoder();

function decode(body: Uint8Array): KeyIntrospection {
  return JSON.parse(decoder.decode(body)) as KeyIntrospection;
}

async function introspect(platform: Platform, config: EdgeConfig, tokenHash: string, requestId: string): Promise<KeyIntrospection> {
  const headers = new Headers(signInternal(config.edge_shared_secret, INTROSPECT_PURPOSE, tokenHash, platform.now() / 1000));
  headers.set('x-request-id', requestId);
  headers.set('accept', 'application/json');
  let res: Response;
  try {
    res = await platform.fetchOrigin(
      new Request(`https://origin${INTROSPECT_PATH}?token_hash=${tokenHash}`, { headers }),
      { timeoutMs: config.origin_timeout_ms },
    );
  } catch (err) {
    platform.log('error', 'key introspection failed', { request_id: requestId, error: String(err) });
    throw new OriginUnavailable();
  }
  if (res.status !== 200) {
    platform.log('error', 'key introspection refused', { request_id: requestId, status: res.status });
    throw new OriginUnavailable();
  }
  const body = (await res.json()) as { data?: KeyIntrospection };
  if (!body.data || typeof body.data.valid !== 'boolean') throw new OriginUnavailable();
  return body.data;
}
