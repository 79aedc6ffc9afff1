/// <reference types="@fastly/js-compute" />
/**
 * The floor of a keyed cache hit on js-compute, for bench/viceroy-hit.ts: the least work any
 * worker serving the cache hit must do, written as directly as possible — not ghee.
 *
 * Per request (bench/viceroy-floor-core.ts): read the token from the URL, hash it (the same
 * SHA-256 as the edge, shared/crypto.ts), look up a key record and the content in Core Cache
 * (the record names the space), answer with the content and the secure header set, log one
 * line. Left out, though the edge must do them: settings (config and secret stores), WAF,
 * blocklist, rate limits, key kinds and expiry, CORS, request-id validation — the least of those
 * is bench/viceroy-floor-behaviours.ts. The first request of each key inserts the two items, so
 * every later one is a hit.
 *
 * Built by the bench with esbuild + js-compute-runtime, exactly as the hello-world worker.
 */
import { floorHit } from './viceroy-floor-core.js';

addEventListener('fetch', (event) => event.respondWith(floorHit(new URL(event.request.url), crypto.randomUUID().replaceAll('-', ''))));
