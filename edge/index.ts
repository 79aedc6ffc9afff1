/// <reference types="@fastly/js-compute" />
/**
 * Fastly Compute entry point. Deliberately not Hono's service-worker `handle()`, which
 * re-fetches the request when the app answers 404 — on Fastly that would loop back to us.
 *
 * Fresh cache hits are answered by the hit fast path (edge/hit-path.ts) without the Hono chain;
 * everything else goes through the chain, with what the hit path already did (rate-limit count,
 * token parse) handed over.
 */
import { hashApiKey } from '../shared/api-key.js';
import { createEdge } from './app.js';
import type { HitRequest } from './hit-path.js';
import { createFastlyPlatform } from './platform/fastly/platform.js';
import { beginProfile, mark, profileSteps, profiling } from './profile.js';
import { warmUp, warmUpHits } from './warmup.js';

/*
 * The token's SHA-256 in JavaScript (shared/crypto.ts), once per hit. Measured under Viceroy: the
 * runtime's crypto.subtle.digest initialises OpenSSL in every fresh instance (≈ +3 ms vCPU per
 * request), and initialising it at build time instead leaves OpenSSL state in the snapshot that
 * each instance tears down at exit (≈ +0.7 ms on every request, hashing or not).
 */
const edge = createEdge(createFastlyPlatform(), { hashToken: hashApiKey });
warmUp(edge.app);
void warmUpHits(hashApiKey); // promise jobs run to completion before the snapshot

/** The hit path's view of a request: what the chain would read through Hono (`c.req.url`, `c.req.header()`, the WAF's header iteration). */
function hitRequest(request: Request, clientIp: string | undefined): HitRequest {
  let headerCount = 0;
  let headerBytes = 0;
  const headers = request.headers;
  headers.forEach((value, name) => {
    headerCount++;
    headerBytes += name.length + value.length;
  });
  return {
    method: request.method,
    url: request.url,
    rawTarget: undefined,
    header: (name) => headers.get(name) ?? undefined,
    headerCount,
    headerBytes,
    clientIp,
  };
}

function executionContext(event: FetchEvent) {
  return {
    waitUntil: (promise: Promise<unknown>) => event.waitUntil(promise),
    passThroughOnException: () => {},
    props: {},
  };
}

async function handle(event: FetchEvent): Promise<Response> {
  const request = event.request;
  const clientIp = event.client.address;
  if (request.method !== 'GET') return edge.app.fetch(request, { clientIp }, executionContext(event));
  beginProfile();
  const hitReq = hitRequest(request, clientIp);
  mark('request headers');
  const outcome = await edge.hits.serve(hitReq);
  if (outcome.served) {
    const headerList = outcome.headerList();
    mark('response: header list');
    const response = new Response(outcome.body, { status: outcome.status, headers: headerList });
    if (profiling) {
      mark('response');
      console.log(JSON.stringify({ msg: 'profile', steps: profileSteps() }));
    }
    return response;
  }
  const env: { clientIp: string; counted?: typeof outcome.counted; presented?: typeof outcome.presented } = { clientIp };
  if (outcome.counted) env.counted = outcome.counted;
  if (outcome.presented !== undefined) env.presented = outcome.presented;
  return edge.app.fetch(request, env, executionContext(event));
}

addEventListener('fetch', (event) => event.respondWith(handle(event)));
