/**
 * What the metrics cost, measured in one run: the Node edge's cache hit (hit fast path) and the
 * origin's page read (fast read path, 10k pages in Postgres), each served by two identical
 * processes A and B whose metrics are switched at run time (SIGHUP on, SIGUSR2 off): in even
 * rounds A counts and B does not, in odd rounds the reverse, so where the OS placed each process
 * (on a shared 2-core machine, ±30 % by itself) falls on both settings alike. The ratio (on / off
 * throughput) is the geometric mean of the rounds' ratios; the CPU ratio likewise. Target: ≥ 0.95
 * for both. The in-process cost of counting one request is printed too.
 * `DATABASE_URL=postgres://… npx tsx bench/metrics-overhead.ts` (without DATABASE_URL only the
 * edge is measured). BENCH_SECONDS per measurement (default 5), BENCH_ROUNDS (6, even),
 * BENCH_CONNECTIONS (32 edge, 16 origin).
 *
 * Access-log lines are dropped in both (as in bench/edge-hit.ts), so the ratio is the counting
 * alone: the request record is built either way (it replaced the access-log fields object).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import autocannon from 'autocannon';
import { devEnvelope } from '../origin/crypto/envelope.js';
import { newApp } from '../origin/app.js';
import { loadOriginConfig } from '../origin/config.js';
import { createDatabase } from '../origin/db/client.js';
import { seedDemo } from '../origin/db/seed.js';
import { observePageRead, setRequestMetricsEnabled } from '../origin/http/request-metrics.js';
import { EdgeMetrics } from '../edge/node/metrics.js';
import { createLogger } from '../origin/logger.js';
import { listen } from '../origin/server.js';
import { startNodeEdge } from '../edge/node/server.js';
import { scratchDatabase } from './scratch-db.js';

const ROOT = resolve(import.meta.dirname, '..');
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const PAGES = Number(process.env.BENCH_PAGES ?? 10_000);

/** A child: `edge` or `origin <database url> <read key>`, metrics switched by SIGHUP (on) / SIGUSR2 (off); prints {url, paths} when ready. */
async function child(kind: string): Promise<void> {
  let counting = true;
  process.on('SIGHUP', () => {
    counting = true;
    setRequestMetricsEnabled(true);
  });
  process.on('SIGUSR2', () => {
    counting = false;
    setRequestMetricsEnabled(false);
  });
  const secret = randomBytes(32).toString('hex');
  if (kind === 'edge') {
    const edgeMetrics = new EdgeMetrics();
    const config = loadOriginConfig({ ORIGIN_PORT: '0', PGLITE_DIR: 'memory://', EDGE_SHARED_SECRET: secret, LOG_LEVEL: 'silent' });
    const database = await createDatabase(config);
    await database.migrate();
    const seed = (await seedDemo(database.db))!;
    const logger = createLogger('silent');
    const origin = await listen(newApp({ config, database, logger, envelope: devEnvelope() }), config, logger);
    const edge = await startNodeEdge({
      originUrl: origin.url,
      secrets: { edge_shared_secret: secret },
      config: { https_only: 'false', rate_limits: JSON.stringify({ content: { ip: { rps: 100_000 }, key: { rps: 100_000 } } }) },
      log: (level, message, fields) => {
        if (level === 'error') console.error(message, fields);
      },
      // The shipped counters, switchable: what startNodeEdge wires by default, behind one flag.
      metrics: false,
      onRequest: (r) => {
        if (counting) edgeMetrics.record(r);
      },
    });
    const path = `/v2/pages/*/home/?auth_token=${seed.keys.read}`;
    await fetch(`${edge.url}${path}`);
    const hit = await fetch(`${edge.url}${path}`);
    if (hit.headers.get('x-cache') !== 'HIT') throw new Error('expected a cache hit');
    console.log(JSON.stringify({ url: edge.url, paths: [path] }));
  } else {
    const [url, key] = process.argv.slice(3);
    const config = loadOriginConfig({
      ORIGIN_PORT: '0',
      DATABASE_URL: url,
      DATABASE_SSLMODE: 'disable',
      LOG_LEVEL: 'silent',
      EDGE_SHARED_SECRET: secret,
      ORIGIN_RATE_LIMIT_READ_KEY_RPS: '1000000',
      ORIGIN_RATE_LIMIT_READ_IP_RPS: '1000000',
    });
    const database = await createDatabase(config);
    const logger = createLogger('silent');
    const origin = await listen(newApp({ config, database, logger, envelope: devEnvelope() }), config, logger);
    const paths = Array.from({ length: 256 }, (_, i) => `/v2/pages/*/page-${1 + ((i * 37) % PAGES)}/?auth_token=${key}`);
    console.log(JSON.stringify({ url: origin.url, paths }));
  }
  process.on('SIGTERM', () => process.exit(0));
}

interface Server {
  child: ChildProcess;
  url: string;
  paths: string[];
}

async function start(args: string[]): Promise<Server> {
  const proc = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'bench/metrics-overhead.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((res, rej) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) res(out.slice(0, nl));
    });
    proc.once('exit', (code) => rej(new Error(`${args.join(' ')} exited ${code}`)));
  });
  const { url, paths } = JSON.parse(line) as { url: string; paths: string[] };
  return { child: proc, url, paths };
}

/** CPU seconds (user + system) a process has used so far, or NaN where /proc is not there. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Requests per second, and the server's CPU microseconds per request (less sensitive to other load on a shared machine). */
async function rps(server: Server, seconds: number, connections: number): Promise<{ rps: number; cpuUs: number }> {
  const cpu = cpuSeconds(server.child.pid);
  let i = 0;
  const setupRequest = ((r: autocannon.Request) => ({ ...r, path: server.paths[i++ % server.paths.length]! })) as autocannon.Request['setupRequest'];
  const result = await autocannon({ url: server.url, connections, duration: seconds, requests: [{ method: 'GET' as const, setupRequest }] });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${server.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, cpuUs: ((cpuSeconds(server.child.pid) - cpu) * 1e6) / result.requests.total };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const geomean = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

async function compare(name: string, a: Server, b: Server, connections: number) {
  await rps(a, 2, connections); // warm-up
  await rps(b, 2, connections);
  const rounds: { on: { rps: number; cpuUs: number }; off: { rps: number; cpuUs: number } }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Even rounds: A counts, B does not; odd rounds the reverse. The one counting is measured first in half the rounds too.
    const [on, off] = r % 2 === 0 ? [a, b] : [b, a];
    on.child.kill('SIGHUP');
    off.child.kill('SIGUSR2');
    await new Promise((res) => setTimeout(res, 100));
    if (r % 4 < 2) {
      const m = await rps(on, DURATION, connections);
      rounds.push({ on: m, off: await rps(off, DURATION, connections) });
    } else {
      const m = await rps(off, DURATION, connections);
      rounds.push({ off: m, on: await rps(on, DURATION, connections) });
    }
  }
  const ratios = rounds.map((r) => r.on.rps / r.off.rps);
  const cpuRatios = rounds.map((r) => r.off.cpuUs / r.on.cpuUs);
  return {
    bench: name,
    metrics_on_rps: Math.round(median(rounds.map((r) => r.on.rps))),
    metrics_off_rps: Math.round(median(rounds.map((r) => r.off.rps))),
    ratio: Number(geomean(ratios).toFixed(3)),
    ratios: ratios.map((x) => Number(x.toFixed(3))),
    target: 0.95,
    on_cpu_us_per_req: Number(median(rounds.map((r) => r.on.cpuUs)).toFixed(1)),
    off_cpu_us_per_req: Number(median(rounds.map((r) => r.off.cpuUs)).toFixed(1)),
    cpu_ratio: Number(geomean(cpuRatios).toFixed(3)),
  };
}

/**
 * What counting one request costs, in process (µs): the edge's record of a hit and the origin's
 * page-read observation — the part of the ratios above that is the metrics, free of the noise a
 * shared machine puts on throughput.
 */
function microCosts(): { edge_record_us: number; origin_page_read_us: number } {
  const metrics = new EdgeMetrics();
  const record = { request_id: 'r', method: 'GET', path: '/v2/pages/*/home/', route: 'content', status: 200, cache: 'HIT', rate_limited: false, ms: 0 };
  const time = (fn: () => void) => {
    const n = 2_000_000;
    for (let i = 0; i < n / 10; i++) fn();
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    return Number((((performance.now() - t) * 1000) / n).toFixed(4));
  };
  setRequestMetricsEnabled(true);
  return { edge_record_us: time(() => metrics.record(record)), origin_page_read_us: time(() => observePageRead(0.001)) };
}

if (process.argv[2] === 'edge' || process.argv[2] === 'origin') {
  await child(process.argv[2]);
} else {
  const servers: Server[] = [];
  const results: unknown[] = [];
  const adminUrl = process.env.DATABASE_URL;
  const scratch = adminUrl ? await scratchDatabase(adminUrl) : null;
  try {
    const edgeA = await start(['edge']);
    servers.push(edgeA);
    const edgeB = await start(['edge']);
    servers.push(edgeB);
    results.push(await compare('node-edge-hit-metrics-on-vs-off', edgeA, edgeB, Number(process.env.BENCH_CONNECTIONS ?? 32)));
    for (const s of servers.splice(0)) s.child.kill('SIGKILL');
    if (scratch) {
      const config = loadOriginConfig({ DATABASE_URL: scratch.url, DATABASE_SSLMODE: 'disable', LOG_LEVEL: 'silent' });
      const database = await createDatabase(config);
      await database.migrate();
      const seed = (await seedDemo(database.db))!;
      await database.db.execute(sql`
        insert into pages (space_id, page_type, slug, locale, name, status, fields, published, published_at)
        select ${seed.spaceId}::uuid, '*', 'page-' || i, 'en', 'Page ' || i, 'published', '{}'::jsonb,
          jsonb_build_object('slug', 'page-' || i, 'name', 'Page ' || i, 'page_type', null, 'fields', jsonb_build_object('headline', 'Headline ' || i)), now()
        from generate_series(1, ${PAGES}) as i`);
      await database.db.execute(sql`analyze pages`);
      await database.close();
      const originA = await start(['origin', scratch.url, seed.keys.read]);
      servers.push(originA);
      const originB = await start(['origin', scratch.url, seed.keys.read]);
      servers.push(originB);
      results.push(await compare('origin-page-read-metrics-on-vs-off', originA, originB, Number(process.env.BENCH_CONNECTIONS ?? 16)));
    }
    for (const r of results) console.log(JSON.stringify({ ...(r as object), seconds: DURATION, rounds: ROUNDS }));
    console.log(JSON.stringify({ bench: 'metrics-cost-per-request-in-process', ...microCosts() }));
  } finally {
    for (const s of servers) s.child.kill('SIGKILL');
    await scratch?.drop();
  }
}
