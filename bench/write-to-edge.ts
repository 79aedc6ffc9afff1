/**
 * Write acknowledged → the Node edge serves the new content (target: p99 ≤ 100 ms). Each round
 * PATCHes the demo page (published) at the origin, then polls the edge until the new headline
 * appears. Baseline in the same run: a read that misses the edge cache (origin round trip).
 * `npx tsx bench/write-to-edge.ts` (PGlite), or with DATABASE_URL=postgres://… (a scratch
 * database is created on that server and dropped afterwards; the named database is untouched).
 */
import { randomBytes } from 'node:crypto';
import { loadOriginConfig } from '../origin/config.js';
import { seedDemo } from '../origin/db/seed.js';
import { EdgePurger } from '../origin/outbox/purgers.js';
import { createLogger } from '../origin/logger.js';
import { startOrigin } from '../origin/main.js';
import { startNodeEdge } from '../edge/node/server.js';
import { scratchDatabase } from './scratch-db.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const secret = randomBytes(32).toString('hex');
const scratch = process.env.DATABASE_URL ? await scratchDatabase(process.env.DATABASE_URL) : null;
const origin = await startOrigin(
  loadOriginConfig({
    ...process.env,
    ...(scratch ? { DATABASE_URL: scratch.url, DATABASE_SSLMODE: 'disable' } : { PGLITE_DIR: 'memory://' }),
    ORIGIN_PORT: '0',
    EDGE_SHARED_SECRET: secret,
    LOG_LEVEL: 'silent',
  }),
  createLogger('silent'),
);
const seed = (await seedDemo(origin.database.db))!;
const edge = await startNodeEdge({
  originUrl: origin.server.url,
  secrets: { edge_shared_secret: secret },
  config: { https_only: 'false', rate_limits: JSON.stringify({ enabled: false }) },
  log: () => {},
});
origin.attachPurger(new EdgePurger({ edgeUrl: edge.url, secret }));
const readUrl = `${edge.url}/v2/pages/*/home/?auth_token=${seed.keys.read}`;
const headline = async () => ((await (await fetch(readUrl)).json()) as { data: { fields: { headline: string } } }).data.fields.headline;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const latencies: number[] = [];
const misses: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  // Baseline: a cache miss through the edge (distinct query → new cache key).
  const m0 = performance.now();
  await (await fetch(`${readUrl}&page=${i + 1}`)).arrayBuffer();
  misses.push(performance.now() - m0);

  await headline(); // make sure the page is cached before the write
  const res = await fetch(`${origin.server.url}/v2/pages/*/home/`, {
    method: 'PATCH',
    headers: { authorization: `Token ${seed.keys.write}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'published', fields: { headline: `v${i}` } }),
  });
  if (res.status !== 202) throw new Error(`write failed: ${res.status}`);
  const t0 = performance.now();
  for (;;) {
    if ((await headline()) === `v${i}`) break;
    if (performance.now() - t0 > 10_000) throw new Error('the edge never served the new content');
  }
  latencies.push(performance.now() - t0);
}
const p99 = percentile(latencies, 99);
console.log(
  JSON.stringify({
    bench: 'write-ack-to-edge-fresh',
    rounds: ROUNDS,
    database: origin.database.kind,
    p50_ms: Number(percentile(latencies, 50).toFixed(1)),
    p99_ms: Number(p99.toFixed(1)),
    target_p99_ms: 100,
    baseline_miss_p99_ms: Number(percentile(misses, 99).toFixed(1)),
    ratio_p99_to_miss_p99: Number((p99 / percentile(misses, 99)).toFixed(2)),
  }),
);
await edge.close();
await origin.stop();
await scratch?.drop();
