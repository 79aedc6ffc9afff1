/// <reference types="@fastly/js-compute" />
/**
 * The floor of a keyed cache hit on js-compute (bench/viceroy-floor-worker.ts and its variants,
 * for bench/viceroy-hit.ts): the least work any worker serving the cache hit must do,
 * written as directly as possible — not ghee.
 *
 * floorHit: read the token from the URL, hash it (the same SHA-256 as the edge,
 * shared/crypto.ts), look up a key record and the content in Core Cache (the record names the
 * space), answer with the content and the secure header set, log one line. The first request of
 * each key inserts the two items, so every later one is a hit. The log line carries the request's
 * vCPU so far (`vcpu_ms`, fastly:compute vCpuTime — as the edge's request line does), so the bench
 * can set the edge's vCPU per hit against the floor's.
 */
import { CoreCache } from 'fastly:cache';
import { vCpuTime } from 'fastly:compute';
import { sha256Hex } from '../shared/crypto.js';
import { SECURE_HEADERS } from '../shared/secure-headers.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const RECORD = encoder.encode('{"space":"floor"}');
const BODY = encoder.encode('{"data":{"slug":"home"}}');

/** The item's user metadata, inserting `value` first when the key holds no fresh item. */
function lookupOrInsert(key: string, value: Uint8Array): ArrayBuffer {
  const entry = CoreCache.lookup(key);
  if (entry) {
    const state = entry.state();
    if (state.found() && state.usable() && !state.stale()) return entry.userMetadata();
    entry.close();
  }
  const txn = CoreCache.transactionLookup(key);
  if (txn.state().mustInsertOrUpdate()) txn.insert({ maxAge: 3_600_000, userMetadata: value, length: 0 }).close();
  return value.slice().buffer;
}

/** The keyed hit for `url` (the token in its query), answered with `requestId`. */
export function floorHit(url: URL, requestId: string, extraHeaders?: [string, string][]): Response {
  const token = url.searchParams.get('auth_token');
  if (!token) return new Response('{"detail":"Authentication credentials were not provided."}', { status: 401 });
  const record = JSON.parse(decoder.decode(lookupOrInsert(`key:${sha256Hex(token)}`, RECORD))) as { space: string };
  const body = lookupOrInsert(`content:${record.space}:${url.pathname}`, BODY);
  const headers: [string, string][] = [['content-type', 'application/json'], ['x-cache', 'HIT'], ['age', '0'], ['x-request-id', requestId]];
  if (extraHeaders) headers.push(...extraHeaders);
  for (const name in SECURE_HEADERS) headers.push([name, SECURE_HEADERS[name]!]);
  console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'request', request_id: requestId, path: url.pathname, status: 200, cache: 'HIT', vcpu_ms: vCpuTime() }));
  return new Response(body, { headers });
}
