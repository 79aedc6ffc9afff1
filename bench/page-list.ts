/**
 * Page-list latency at 1k vs 100k published pages of one type (the whole origin: auth,
 * routing, list + exact meta.count, headers). Target: p50 at 100k ≤ 1.5 × p50 at 1k for
 *   GET /v2/pages/article/?page=1&page_size=10
 *   … &order=-published (explicit; the default order) and &order=published (oldest first)
 *   … &fields.featured=true (a filter matching 10 pages at either size)
 * plus, for information, &fields.category=c7 (a filter matching 1% of the pages: its exact
 * count grows with the matches, whatever the index).
 * Requests are sequential (one connection), so p50 is the latency of one request on an
 * otherwise idle origin. The two sizes live in two spaces of one database and are measured in
 * alternation (ROUNDS × SECONDS each); the median round's ratio is reported. Needs DATABASE_URL (a server you may create a database on; the bench
 * creates and drops its own).
 * `DATABASE_URL=postgres://… npx tsx bench/page-list.ts`
 */
import { Agent, request } from 'node:http';
import { sql } from 'drizzle-orm';
import { devEnvelope } from '../origin/crypto/envelope.js';
import { newApp } from '../origin/app.js';
import { loadOriginConfig } from '../origin/config.js';
import { createDatabase } from '../origin/db/client.js';
import { seedDemo } from '../origin/db/seed.js';
import { createLogger } from '../origin/logger.js';
import { listen } from '../origin/server.js';
import { scratchDatabase } from './scratch-db.js';
import { spaces } from '../origin/db/schema/index.js';
import { issueApiKey } from '../origin/identity/keys/api-keys.js';
import { OPERATOR } from '../origin/outbox/commit.js';
import { createPageType } from '../origin/content/model/page-types.js';

const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error('DATABASE_URL (a Postgres server you may create a database on) is required');
const SMALL = Number(process.env.BENCH_SMALL ?? 1_000);
const LARGE = Number(process.env.BENCH_LARGE ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET = 1.5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let worst = 0;

const VARIANTS: { name: string; query: string; target: boolean }[] = [
  { name: 'default', query: '?page=1&page_size=10', target: true },
  { name: 'order=-published', query: '?page=1&page_size=10&order=-published', target: true },
  { name: 'order=published', query: '?page=1&page_size=10&order=published', target: true },
  { name: 'fields.featured=true (10 matches)', query: '?page=1&page_size=10&fields.featured=true', target: true },
  { name: 'fields.category=c7 (1% match)', query: '?page=1&page_size=10&fields.category=c7', target: false },
];

const scratch = await scratchDatabase(adminUrl);
const url = new URL(scratch.url);
try {
  const config = loadOriginConfig({ ORIGIN_PORT: '0', DATABASE_URL: url.toString(), DATABASE_SSLMODE: 'disable', LOG_LEVEL: 'silent' });
  const database = await createDatabase(config);
  await database.migrate();
  const seed = (await seedDemo(database.db))!;
  // Two spaces of one organization, each with an `article` type: SMALL pages in one, LARGE in
  // the other, in one database. Sizes are measured in alternation, so a change in the
  // machine's load affects both alike.
  const [large] = await database.db.insert(spaces).values({ organizationId: seed.organizationId, slug: 'large', name: 'Large' }).returning();
  const largeKey = await issueApiKey(database.db, { organizationId: seed.organizationId, spaceId: large!.id, kind: 'read', name: 'bench' });
  const sizes = [
    { size: SMALL, spaceId: seed.spaceId, key: seed.keys.read },
    { size: LARGE, spaceId: large!.id, key: largeKey.token },
  ];
  for (const { size, spaceId } of sizes) {
    const created = await createPageType(database.db, {
      spaceId,
      slug: 'article',
      name: 'Article',
      fields: [
        { name: 'title', type: 'short_text' },
        { name: 'category', type: 'short_text' },
        { name: 'featured', type: 'boolean' },
        { name: 'rank', type: 'number' },
      ],
    }, OPERATOR);
    if (!created.ok) throw new Error(created.detail);
    // Page i = 1..size, newest = highest i; 10 featured (every (size/10)th page).
    const every = Math.max(1, Math.floor(size / 10));
    await database.db.execute(sql`
      insert into pages (space_id, page_type, slug, locale, name, status, fields, published, published_at, updated_at)
      select ${spaceId}::uuid, 'article', 'article-' || i, 'en', 'Article ' || i, 'published', f, p, t, t
      from generate_series(1, ${size}::int) as i,
        lateral (select now() - make_interval(secs => ${size}::int - i) as t) ts,
        lateral (select jsonb_build_object('title', 'Article ' || i, 'category', 'c' || (i % 100), 'featured', i % ${every}::int = 0, 'rank', i) as f) fs,
        lateral (select jsonb_build_object('slug', 'article-' || i, 'name', 'Article ' || i, 'published', to_json(t), 'updated', to_json(t), 'page_type', 'article', 'fields', f) as p) ps`);
  }
  await database.db.execute(sql`vacuum analyze pages`);
  const logger = createLogger('silent');
  const origin = await listen(newApp({ config, database, logger, envelope: devEnvelope() }), config, logger);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${origin.url}${path}`, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const p50 = async (query: string, size: number, key: string): Promise<number> => {
    const path = `/v2/pages/article/${query}&auth_token=${key}`;
    const first = await get(path);
    if (first.status !== 200) throw new Error(`${query}: ${first.status} ${first.body}`);
    const meta = (JSON.parse(first.body) as { meta: { count: number } }).meta;
    const expected = query.includes('featured') ? 10 : query.includes('category') ? Math.round(size / 100) : size;
    if (meta.count !== expected) throw new Error(`${query}: meta.count ${meta.count}, expected ${expected}`);
    const times: number[] = [];
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      const t0 = performance.now();
      const r = await get(path);
      times.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`${query}: ${r.status}`);
    }
    return median(times);
  };

  const [small, big] = sizes as [(typeof sizes)[number], (typeof sizes)[number]];
  for (const v of VARIANTS) {
    const rounds: { a: number; b: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) rounds.push({ a: await p50(v.query, small.size, small.key), b: await p50(v.query, big.size, big.key) });
    const ratios = rounds.map((x) => Number((x.b / x.a).toFixed(2)));
    console.log(
      JSON.stringify({
        bench: 'page-list-p50-large-vs-small',
        variant: v.name,
        [`p50_ms_${small.size}`]: Number(median(rounds.map((x) => x.a)).toFixed(2)),
        [`p50_ms_${big.size}`]: Number(median(rounds.map((x) => x.b)).toFixed(2)),
        ratio: median(ratios),
        ratios,
        target: v.target ? TARGET : null,
      }),
    );
    if (v.target) worst = Math.max(worst, median(ratios));
  }
  console.log(JSON.stringify({ bench: 'page-list-p50-large-vs-small', worst_target_ratio: worst, target: TARGET, ok: worst <= TARGET }));
  agent.destroy();
  await origin.close();
  await database.close();
} finally {
  await scratch.drop();
}
