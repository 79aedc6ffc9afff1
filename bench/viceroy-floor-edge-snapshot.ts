/// <reference types="@fastly/js-compute" />
/**
 * A variant of the floor worker for bench/viceroy-hit.ts: the floor's own handler
 * (bench/viceroy-floor-worker.ts, imported as it is) in an instance that also holds the edge's
 * whole snapshot — the app built over the Fastly platform and warmed up exactly as edge/index.ts
 * does — but never runs a line of it. What this costs over the floor is what every edge request
 * pays before its handler starts (a larger Wizer image instantiated per request), so
 * `floor_in_edge_snapshot_vs_floor` bounds what any hit path inside the edge can reach.
 */
import { hashApiKey } from '../shared/api-key.js';
import { createEdge } from '../edge/app.js';
import { createFastlyPlatform } from '../edge/platform/fastly/platform.js';
import { warmUp, warmUpHits } from '../edge/warmup.js';
import './viceroy-floor-worker.js';

const edge = createEdge(createFastlyPlatform(), { hashToken: hashApiKey });
warmUp(edge.app);
void warmUpHits(hashApiKey);
// Reachable, as the edge's own app is (a collector at build time must not drop it).
(globalThis as { gheeEdge?: unknown }).gheeEdge = edge;
