/**
 * Origin page read by slug with 10k pages in Postgres (the whole origin: key check, headers,
 * logging) vs a minimal postgres.js + node:http server doing the same indexed select of the
 * pre-rendered JSON, one query per request, and no key check. Target: ratio ≥ 0.5. Needs
 * DATABASE_URL (a scratch database: the bench creates and drops its own schema objects by
 * migrating a fresh database).
 * `DATABASE_URL=postgres://… npx tsx bench/origin-read.ts`
 *
 * These reads are served by the origin's read path (origin/content/pages/read-path.ts: the chain's answer
 * without Hono, and the reads that arrive in one event-loop turn looked up in one statement), so
 * under this load the origin can outrun the minimal server: a ratio above 1 is expected, not an
 * error. BENCH_FAST_READS=0 measures the Hono chain alone. The origin's rate limits are on (limits
 * above this load), so every read is counted as in production; BENCH_RATE_LIMIT=0 turns them off.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { devEnvelope } from '../origin/crypto/envelope.js';
import { newApp } from '../origin/app.js';
import { loadOriginConfig } from '../origin/config.js';
import { createDatabase } from '../origin/db/client.js';
import { seedDemo } from '../origin/db/seed.js';
import { createLogger } from '../origin/logger.js';
import { listen } from '../origin/server.js';
import { scratchDatabase } from './scratch-db.js';

const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error('DATABASE_URL (a Postgres server you may create a database on) is required');
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PAGES = Number(process.env.BENCH_PAGES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const scratch = await scratchDatabase(adminUrl);
const url = new URL(scratch.url);
try {
  // The origin's rate limits stay on (as in production), counting every read, with limits above this load (one key, one address).
  const config = loadOriginConfig({
    ORIGIN_PORT: '0',
    DATABASE_URL: url.toString(),
    DATABASE_SSLMODE: 'disable',
    LOG_LEVEL: 'silent',
    EDGE_SHARED_SECRET: 'b'.repeat(40),
    ORIGIN_RATE_LIMIT: process.env.BENCH_RATE_LIMIT === '0' ? 'false' : 'true',
    ORIGIN_RATE_LIMIT_READ_KEY_RPS: '1000000',
    ORIGIN_RATE_LIMIT_READ_IP_RPS: '1000000',
  });
  const database = await createDatabase(config);
  await database.migrate();
  const seed = (await seedDemo(database.db))!;
  await database.db.execute(sql`
    insert into pages (space_id, page_type, slug, locale, name, status, fields, published, published_at)
    select ${seed.spaceId}::uuid, '*', 'page-' || i, 'en', 'Page ' || i, 'published', '{}'::jsonb,
      jsonb_build_object('slug', 'page-' || i, 'name', 'Page ' || i, 'page_type', null, 'fields', jsonb_build_object('headline', 'Headline ' || i)), now()
    from generate_series(1, ${PAGES}) as i`);
  await database.db.execute(sql`analyze pages`);
  const logger = createLogger('silent');
  const origin = await listen(newApp({ config, database, logger, envelope: devEnvelope() }), config, logger, { fastReads: process.env.BENCH_FAST_READS !== '0' });

  // The limit: one indexed select of the pre-rendered JSON, written straight out.
  const raw = postgres(url.toString(), { max: 10, onnotice: () => {} });
  const minimal = createServer(async (req, res) => {
    const slug = (req.url ?? '').split('/')[4] ?? '';
    const rows = await raw`select published from pages where space_id = ${seed.spaceId} and slug = ${slug} and locale = 'en' and deleted_at is null and published is not null limit 1`;
    res.writeHead(rows[0] ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: rows[0]?.published ?? null }));
  });
  await new Promise<void>((r) => minimal.listen(0, '127.0.0.1', r));
  const minimalUrl = `http://127.0.0.1:${(minimal.address() as AddressInfo).port}`;

  const run = async (base: string, seconds: number) => {
    const setupRequest = ((r: autocannon.Request) => ({ ...r, path: `/v2/pages/*/page-${1 + Math.floor(Math.random() * PAGES)}/?auth_token=${seed.keys.read}` })) as autocannon.Request['setupRequest'];
    const result = await autocannon({ url: base, connections: CONNECTIONS, duration: seconds, requests: [{ method: 'GET' as const, setupRequest }] });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${base}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return result.requests.average;
  };
  // Warm both, then alternate (the machine is shared: load drifts between minutes, so each
  // round's ratio compares two runs taken back to back; the median round is reported).
  await run(minimalUrl, 2);
  await run(origin.url, 2);
  const rounds: { minimal: number; origin: number; ratio: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const limit = await run(minimalUrl, DURATION);
    const ghee = await run(origin.url, DURATION);
    rounds.push({ minimal: Math.round(limit), origin: Math.round(ghee), ratio: Number((ghee / limit).toFixed(2)) });
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  console.log(
    JSON.stringify({
      bench: 'origin-page-read-vs-minimal-postgres-js',
      pages: PAGES,
      fast_reads: process.env.BENCH_FAST_READS !== '0',
      minimal_rps: median.minimal,
      origin_rps: median.origin,
      ratio: median.ratio,
      ratios: rounds.map((r) => r.ratio),
      target: 0.5,
    }),
  );
  await origin.close();
  await new Promise((r) => minimal.close(r));
  await raw.end();
  await database.close();
} finally {
  await scratch.drop();
}
