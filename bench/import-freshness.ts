/**
 * Bulk writes stay fresh (issue 21): while 20 writers create pages through the Write API (an
 * import: BENCH_PAGES, default 10,000), a prober PATCHes a published page and polls the Node
 * edge — with its default rate limits ON, as deployed — until it serves the new version.
 * Target: write acknowledged → fresh at the edge, p99 ≤ 1 s. Also printed: the purge calls the
 * edge received and how many it answered 429 (before the fix: 486 of them, last purge ~3 min
 * late), and the same probe with no import running (the baseline, same run).
 * `DATABASE_URL=postgres://… npx tsx bench/import-freshness.ts` (a scratch database; PGlite without).
 */
import { randomBytes } from 'node:crypto';
import { loadOriginConfig } from '../origin/config.js';
import { seedDemo } from '../origin/db/seed.js';
import { EdgePurger } from '../origin/outbox/purgers.js';
import { createLogger } from '../origin/logger.js';
import { startOrigin } from '../origin/main.js';
import { startNodeEdge } from '../edge/node/server.js';
import type { RequestRecord } from '../edge/platform/port.js';
import { scratchDatabase } from './scratch-db.js';

const PAGES = Number(process.env.BENCH_PAGES ?? 10_000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 20);
const PROBES = Number(process.env.BENCH_PROBES ?? 60);
const secret = randomBytes(32).toString('hex');
const scratch = process.env.DATABASE_URL ? await scratchDatabase(process.env.DATABASE_URL) : null;
const origin = await startOrigin(
  loadOriginConfig({
    ...process.env,
    ...(scratch ? { DATABASE_URL: scratch.url, DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: '20' } : { PGLITE_DIR: 'memory://' }),
    ORIGIN_PORT: '0',
    EDGE_SHARED_SECRET: secret,
    LOG_LEVEL: 'silent',
    // The import's writers all come from one address: the origin's own per-address write limit is not what is measured.
    ORIGIN_RATE_LIMIT: 'false',
  }),
  createLogger('silent'),
);
const seed = (await seedDemo(origin.database.db))!;
const purgeCalls = { total: 0, throttled: 0 };
const edge = await startNodeEdge({
  originUrl: origin.server.url,
  secrets: { edge_shared_secret: secret },
  config: { https_only: 'false' }, // default rate limits
  log: () => {},
  onRequest: (r: RequestRecord) => {
    if (r.path !== '/.edge/purge') return;
    purgeCalls.total++;
    if (r.status === 429) purgeCalls.throttled++;
  },
});
origin.attachPurger(new EdgePurger({ edgeUrl: edge.url, secret }));
const write = (method: string, path: string, body: unknown) =>
  fetch(`${origin.server.url}${path}`, { method, headers: { authorization: `Token ${seed.keys.write}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const readUrl = `${edge.url}/v2/pages/*/home/?auth_token=${seed.keys.read}`;
const headline = async () => ((await (await fetch(readUrl)).json()) as { data: { fields: { headline: string } } }).data.fields.headline;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function probe(tag: string, rounds: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await headline(); // cached before the write
    const res = await write('PATCH', '/v2/pages/*/home/', { status: 'published', fields: { headline: `${tag}${i}` } });
    if (res.status !== 202) throw new Error(`probe write failed: ${res.status}`);
    const t0 = performance.now();
    while ((await headline()) !== `${tag}${i}`) {
      if (performance.now() - t0 > 300_000) throw new Error('the edge never served the new content');
      await new Promise((r) => setTimeout(r, 5));
    }
    out.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  return out;
}

const idle = await probe('idle', Math.min(PROBES, 30));
let created = 0;
let failed = 0;
let importing = true;
const started = performance.now();
const importer = Promise.all(
  Array.from({ length: WRITERS }, async (_, w) => {
    for (let i = w; i < PAGES; i += WRITERS) {
      const res = await write('POST', '/v2/pages/', { title: `Imported ${i}`, slug: `imported-${i}`, page_type: '*', status: 'published', fields: { n: i } });
      await res.arrayBuffer();
      if (res.status === 202) created++;
      else failed++;
    }
  }),
).finally(() => (importing = false));
const loaded: number[] = [];
while (importing && loaded.length < PROBES) loaded.push(...(await probe(`load${loaded.length}-`, 1)));
await importer;
const importSeconds = (performance.now() - started) / 1000;
// Every purge of the import has left once the outbox is empty.
const pendingAt = performance.now();
while ((await origin.purgeWorker?.pendingCount()) ?? 0) await new Promise((r) => setTimeout(r, 50));
const drainMs = performance.now() - pendingAt;

const p99 = percentile(loaded, 99);
console.log(
  JSON.stringify({
    bench: 'import-write-to-edge-fresh',
    database: origin.database.kind,
    pages: PAGES,
    writers: WRITERS,
    created,
    failed,
    import_s: Number(importSeconds.toFixed(1)),
    writes_per_s: Math.round(created / importSeconds),
    probes_during_import: loaded.length,
    fresh_p50_ms: Number(percentile(loaded, 50).toFixed(1)),
    fresh_p99_ms: Number(p99.toFixed(1)),
    target_p99_ms: 1000,
    ok: p99 <= 1000,
    idle_fresh_p99_ms: Number(percentile(idle, 99).toFixed(1)),
    purge_calls: purgeCalls.total,
    purge_calls_429: purgeCalls.throttled,
    outbox_drained_after_import_ms: Math.round(drainMs),
  }),
);
await edge.close();
await origin.stop();
await scratch?.drop();
