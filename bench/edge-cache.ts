/**
 * Edge cache benefit, measured in one run on one machine (no absolute targets: machines are
 * noisy). Baseline: reading the demo page straight from the origin (key lookup + one indexed
 * query per request). Candidate: the same read through the Node edge, served from its cache.
 * Prints requests/second for both and the ratio. `npm run bench`.
 */
import { randomBytes } from 'node:crypto';
import { devEnvelope } from '../origin/crypto/envelope.js';
import { newApp } from '../origin/app.js';
import { loadOriginConfig } from '../origin/config.js';
import { createDatabase } from '../origin/db/client.js';
import { seedDemo } from '../origin/db/seed.js';
import { createLogger } from '../origin/logger.js';
import { listen } from '../origin/server.js';
import { startNodeEdge } from '../edge/node/server.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function run(url: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) {
        const res = await fetch(url);
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
  return REQUESTS / ((performance.now() - started) / 1000);
}

const secret = randomBytes(32).toString('hex');
const config = loadOriginConfig({ ...process.env, ORIGIN_PORT: '0', PGLITE_DIR: process.env.DATABASE_URL ? 'unused' : 'memory://', EDGE_SHARED_SECRET: secret, LOG_LEVEL: 'silent' });
const database = await createDatabase(config);
await database.migrate();
const seed = (await seedDemo(database.db)) ?? (() => { throw new Error('bench needs a fresh database'); })();
const logger = createLogger('silent');
const origin = await listen(newApp({ config, database, logger, envelope: devEnvelope() }), config, logger);
const edge = await startNodeEdge({ originUrl: origin.url, secrets: { edge_shared_secret: secret }, config: { https_only: 'false' }, log: () => {} });
const path = `/v2/pages/*/home/?auth_token=${seed.keys.read}`;

await run(`${origin.url}${path}`); // warm-up both paths
await run(`${edge.url}${path}`);
const baseline = await run(`${origin.url}${path}`);
const cached = await run(`${edge.url}${path}`);
console.log(JSON.stringify({ bench: 'edge-cache-hit-vs-origin', database: database.kind, requests: REQUESTS, concurrency: CONCURRENCY, origin_rps: Math.round(baseline), edge_hit_rps: Math.round(cached), ratio: Number((cached / baseline).toFixed(2)) }));
await edge.close();
await origin.close();
await database.close();
