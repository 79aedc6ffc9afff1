/**
 * Read replicas and failover, against a streaming standby of the test's own (a private primary
 * with wal_level=replica and a standby built with `pg_basebackup -R`, test/helpers/pg-cluster.ts),
 * real origins over real HTTP:
 * - reads that may lag (published pages by edge assertion, lists, search, posts, feeds) go to a
 *   fresh replica; keys, previews, management reads and a writer's own next reads stay on the
 *   primary; a replica further behind than DATABASE_REPLICA_MAX_LAG_MS is skipped and returns;
 * - purges: without the fence a cache fill after a purge re-reads the old version from a lagging
 *   replica (the bug); with it, the fill after the purge always has the write;
 * - the replica stopped under read load: no read fails, reads move to the primary and come back;
 * - failover: with synchronous replication, the primary killed under 10 writers, the standby
 *   promoted, a new origin on it serves reads and writes with every acknowledged write, and a
 *   new standby is seeded from the promoted primary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { signAssertion } from '../../shared/edge-assertion.js';
import { newApp } from '../../origin/app.js';
import { loadOriginConfig } from '../../origin/config.js';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { createDatabase, type Database } from '../../origin/db/client.js';
import { apiKeys } from '../../origin/db/schema/index.js';
import { seedDemo, type DemoSeed } from '../../origin/db/seed.js';
import { createLogger } from '../../origin/logger.js';
import { PurgeWorker } from '../../origin/outbox/index.js';
import { listen, type RunningServer } from '../../origin/server.js';
import { startPgCluster, startStandby, type PgCluster } from '../helpers/pg-cluster.js';
import { spawnTs } from '../helpers/process.js';
import { eq } from 'drizzle-orm';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECRET = 's'.repeat(40);
const MAX_LAG_MS = 2500;
const DB = 'ghee_repl';

let primary: PgCluster;
let standby: PgCluster;
let seed: DemoSeed;
let readKeyId: string;
const cleanups: (() => Promise<unknown>)[] = [];

interface Origin {
  url: string;
  database: Database;
}

async function startOrigin(databaseUrl: string, replicaUrl: string | null): Promise<Origin> {
  const config = loadOriginConfig({
    DATABASE_URL: databaseUrl,
    DATABASE_SSLMODE: 'disable',
    DATABASE_POOL_MAX: '6',
    ...(replicaUrl ? { DATABASE_REPLICA_URLS: replicaUrl, DATABASE_REPLICA_MAX_LAG_MS: String(MAX_LAG_MS), DATABASE_REPLICA_CHECK_MS: '100' } : {}),
    ORIGIN_PORT: '0',
    LOG_LEVEL: 'silent',
    HIBP_URL: 'off',
    EDGE_SHARED_SECRET: SECRET,
    SHUTDOWN_TIMEOUT_MS: '2000',
    ORIGIN_RATE_LIMIT: 'false',
  });
  const logger = createLogger('silent');
  const database = await createDatabase(config, logger);
  const server: RunningServer = await listen(newApp({ config, database, logger, envelope: devEnvelope() }), config, logger);
  cleanups.push(async () => {
    await server.close();
    await database.close();
  });
  return { url: server.url, database };
}

/** A page read as the edge forwards a cache miss (signed assertion): what a cache fill gets. */
async function edgeRead(origin: Origin, slug: string): Promise<{ status: number; n: unknown }> {
  const path = `/v2/pages/*/${slug}/`;
  const res = await fetch(origin.url + path, { headers: signAssertion(SECRET, { keyId: readKeyId, spaceId: seed.spaceId, kind: 'read' }, 'GET', path, Date.now() / 1000) });
  const body = (await res.json()) as { data?: { fields?: { n?: unknown } } };
  return { status: res.status, n: body.data?.fields?.n };
}

async function writePage(origin: Origin, slug: string, n: number, create = false): Promise<Response> {
  const headers = { authorization: `Token ${seed.keys.write}`, 'content-type': 'application/json' };
  const update = { title: `${slug}-${n}`, status: 'published', fields: { n } };
  const body = JSON.stringify(create ? { ...update, slug, page_type: '*' } : update);
  return create ? fetch(`${origin.url}/v2/pages/`, { method: 'POST', headers, body }) : fetch(`${origin.url}/v2/pages/*/${slug}/`, { method: 'PATCH', headers, body });
}

const replicaOf = (origin: Origin) => origin.database.replicas!.status()[0]!;

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

async function onStandby(sql: string): Promise<void> {
  const c = postgres(standby.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await c.unsafe(sql);
  } finally {
    await c.end({ timeout: 5 });
  }
}

beforeAll(async () => {
  primary = await startPgCluster({ replication: true });
  const url = await primary.createDatabase(DB);
  const db = await createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: url, DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: 2 });
  try {
    await db.migrate();
    seed = (await seedDemo(db.db))!;
    const [key] = await db.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.name, 'Demo read key'));
    readKeyId = key!.id;
  } finally {
    await db.close();
  }
  standby = await startStandby(primary);
}, 90_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await standby?.dispose();
  await primary?.dispose();
});

describe('read replicas', () => {
  it('routes reads that may lag to a fresh replica, keeps keys, previews and management on the primary, skips a replica beyond the bound and takes it back', async () => {
    const reader = await startOrigin(primary.urlOf(DB), standby.urlOf(DB));
    const writer = await startOrigin(primary.urlOf(DB), null); // another instance: its writes are unknown to the reader
    expect((await writePage(writer, 'r1', 1, true)).status).toBe(202);
    await waitFor('the replica to serve', () => replicaOf(reader).serving);
    await waitFor('the replica to have r1', async () => (await edgeRead(reader, 'r1')).n === 1);

    const reads = () => replicaOf(reader).reads;
    const k = (key: string) => `auth_token=${key}`;
    // Reads that may lag: edge-asserted page reads (the fast path), lists, search, posts, feeds.
    for (const path of ['/v2/pages/search/?query=r1', '/v2/posts/', '/v2/feeds/rss/', '/v2/authors/', '/v2/content/?keys=none']) {
      const before = reads();
      const res = await fetch(`${reader.url}${path}${path.includes('?') ? '&' : '?'}${k(seed.keys.read)}`);
      expect([200, 404], path).toContain(res.status);
      expect(reads(), path).toBe(before + 1);
    }
    let before = reads();
    expect((await edgeRead(reader, 'r1')).status).toBe(200);
    expect(reads()).toBe(before + 1);
    // Stay on the primary: a directly keyed page read (the key is checked in the same statement), previews, management reads.
    before = reads();
    for (const path of [`/v2/pages/*/r1/?${k(seed.keys.read)}`, `/v2/pages/*/r1/?preview=1&${k(seed.keys.preview)}`, `/v2/pages/search/?query=r1&preview=1&${k(seed.keys.preview)}`, `/v2/manage/pages/*/r1/?${k(seed.keys.write)}`]) {
      expect((await fetch(reader.url + path)).status, path).toBe(200);
    }
    expect(reads()).toBe(before);

    // Replay paused: the replica falls behind. Within the bound its (stale) answer is allowed; beyond it, it is skipped.
    await onStandby('select pg_wal_replay_pause()');
    const written = performance.now();
    expect((await writePage(writer, 'r1', 2)).status).toBe(202);
    expect((await edgeRead(reader, 'r1')).n, 'within the bound the replica answers, as of its last replay').toBe(1);
    await waitFor('the reader to see the write', async () => (await edgeRead(reader, 'r1')).n === 2, 10_000);
    const seenAfter = performance.now() - written;
    expect(seenAfter).toBeLessThan(MAX_LAG_MS + 1500);
    expect(replicaOf(reader)).toMatchObject({ serving: false });
    expect(['lagging', 'up']).toContain(replicaOf(reader).state);
    // /readyz shows it (the origin stays ready: its reads go to the primary).
    const ready = (await (await fetch(`${reader.url}/readyz`)).json()) as { status: string; replicas: { name: string; serving: boolean; lag_ms: number }[] };
    expect(ready.status).toBe('ready');
    expect(ready.replicas[0]).toMatchObject({ name: 'replica-1', serving: false });
    expect(ready.replicas[0]!.lag_ms).toBeGreaterThan(MAX_LAG_MS);

    // Read-your-writes: the reader's own write is read from the primary at once.
    expect((await writePage(reader, 'mine', 1, true)).status).toBe(202);
    await onStandby('select pg_wal_replay_resume()');
    await waitFor('the replica to serve again', () => replicaOf(reader).serving);
    // Its own space stays on the primary for the bound after its write; then the replica serves again, with the write.
    await sleep(MAX_LAG_MS);
    before = reads();
    expect((await edgeRead(reader, 'r1')).n).toBe(2);
    expect((await edgeRead(reader, 'mine')).n).toBe(1);
    expect(reads()).toBe(before + 2);
  }, 60_000);

  it("read-your-writes: an instance's reads of a space it just wrote go to the primary even while the replica is behind", async () => {
    const origin = await startOrigin(primary.urlOf(DB), standby.urlOf(DB));
    await waitFor('the replica to serve', () => replicaOf(origin).serving);
    await onStandby('select pg_wal_replay_pause()');
    try {
      expect((await writePage(origin, 'ryw', 1, true)).status).toBe(202);
      const before = replicaOf(origin).reads;
      expect(await edgeRead(origin, 'ryw')).toEqual({ status: 200, n: 1 });
      const search = await fetch(`${origin.url}/v2/pages/search/?query=ryw&auth_token=${seed.keys.read}`);
      expect(((await search.json()) as { data: unknown[] }).data.length).toBe(1);
      expect(replicaOf(origin).reads).toBe(before);
    } finally {
      await onStandby('select pg_wal_replay_resume()');
    }
  }, 30_000);

  it('purges wait for the replicas: a cache fill after a purge never re-caches the old version from a lagging replica', async () => {
    const reader = await startOrigin(primary.urlOf(DB), standby.urlOf(DB));
    const writer = await startOrigin(primary.urlOf(DB), standby.urlOf(DB));
    expect((await writePage(writer, 'fence', 1, true)).status).toBe(202);
    await waitFor('replicas to serve', () => replicaOf(reader).serving && replicaOf(writer).serving);
    await waitFor('the replica to have the page', async () => (await edgeRead(reader, 'fence')).n === 1);

    // The edge: on each purge, the purged page is fetched again at once (a cache fill), through another instance.
    const fills: unknown[] = [];
    const purger = { name: 'edge', purge: async () => void fills.push((await edgeRead(reader, 'fence')).n) };
    const logger = createLogger('silent');
    const unfenced = new PurgeWorker({ db: writer.database.db, purger, logger });
    const fenced = new PurgeWorker({ db: writer.database.db, purger, logger, beforeSend: () => writer.database.replicas!.fence() });
    await unfenced.drainOnce(); // the creates' rows

    await onStandby('select pg_wal_replay_pause()');
    try {
      // Without the fence: the fill reads the lagging (still within its bound) replica — the old version, cached for a day.
      expect((await writePage(writer, 'fence', 2)).status).toBe(202);
      fills.length = 0;
      await unfenced.drainOnce();
      expect(fills).toEqual([1]);
      // With it: the purge leaves only once the replica can no longer answer without the write.
      expect((await writePage(writer, 'fence', 3)).status).toBe(202);
      fills.length = 0;
      const t0 = performance.now();
      expect(await fenced.drainOnce()).toMatchObject({ failed: 0 });
      expect(fills).toEqual([3]);
      expect(performance.now() - t0).toBeLessThan(MAX_LAG_MS + 1500);
    } finally {
      await onStandby('select pg_wal_replay_resume()');
    }
    // A replica that keeps up: the purge waits only for its replay (milliseconds), and the fill reads it with the write.
    await waitFor('the replica to serve', () => replicaOf(reader).serving);
    expect((await writePage(writer, 'fence', 4)).status).toBe(202);
    fills.length = 0;
    const t1 = performance.now();
    const replicaReads = replicaOf(reader).reads;
    await fenced.drainOnce();
    expect(performance.now() - t1).toBeLessThan(MAX_LAG_MS / 2);
    expect(fills).toEqual([4]);
    expect(replicaOf(reader).reads).toBeGreaterThan(replicaReads);
  }, 60_000);

  it('the replica stopped under read load: no read fails, reads move to the primary and come back when it returns', async () => {
    const origin = await startOrigin(primary.urlOf(DB), standby.urlOf(DB));
    await waitFor('the replica to serve', () => replicaOf(origin).serving);
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    let stop = false;
    const paths = [`/v2/pages/search/?query=r1&auth_token=${seed.keys.read}`, `/v2/posts/?auth_token=${seed.keys.read}`, `/v2/feeds/atom/?auth_token=${seed.keys.read}`, null];
    const loop = async (i: number) => {
      for (let n = 0; !stop; n++) {
        const path = paths[(i + n) % paths.length];
        try {
          const status = path === null ? (await edgeRead(origin, 'r1')).status : (await fetch(origin.url + path).then(async (r) => (await r.arrayBuffer(), r.status)));
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status !== 200) bad.push(`${path ?? 'edge read'}: ${status}`);
        } catch (err) {
          bad.push(`${path}: ${String(err)}`);
        }
      }
    };
    const running = Array.from({ length: 8 }, (_, i) => loop(i));
    await sleep(700);
    const servedBefore = replicaOf(origin).reads;
    expect(servedBefore).toBeGreaterThan(0);
    await standby.stop('immediate');
    try {
      await waitFor('the replica to be seen down', () => replicaOf(origin).state === 'down');
      await sleep(100); // reads already in flight on the killed replica settle (each answered or run again on the primary)
      const whileDown = [...statuses.values()].reduce((a, b) => a + b, 0);
      const readsDown = replicaOf(origin).reads;
      await sleep(700);
      expect([...statuses.values()].reduce((a, b) => a + b, 0), 'reads go on, on the primary').toBeGreaterThan(whileDown + 20);
      expect(replicaOf(origin).reads).toBe(readsDown);
    } finally {
      await standby.start(); // the later suites need the standby whatever happened here
    }
    await waitFor('the replica to serve again', () => replicaOf(origin).serving, 30_000);
    const back = replicaOf(origin).reads;
    await sleep(500);
    stop = true;
    await Promise.all(running);
    expect(replicaOf(origin).reads, 'reads come back to the replica').toBeGreaterThan(back);
    expect(bad.slice(0, 10)).toEqual([]);
    expect([...statuses.keys()]).toEqual([200]);
  }, 60_000);
});

describe('origin/main.ts with replicas', () => {
  it('wires the fence: with replay paused, the purge of a write reaches the edge only once no replica can serve it stale, and the cache fill has the write', async () => {
    // Fills go through another instance (the writer reads its own space on the primary anyway).
    const reader = await startOrigin(primary.urlOf(DB), standby.urlOf(DB));
    const fills: { n: unknown; at: number }[] = [];
    const { createServer } = await import('node:http');
    const target = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        // The edge after a purge: the page is fetched again at once (a cache fill).
        void edgeRead(reader, 'wired').then((r) => {
          fills.push({ n: r.n, at: performance.now() });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        });
      });
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => (target.closeAllConnections(), target.close(() => r()))));
    const p = spawnTs('origin/main.ts', {
      DATABASE_URL: primary.urlOf(DB),
      DATABASE_REPLICA_URLS: standby.urlOf(DB),
      DATABASE_REPLICA_MAX_LAG_MS: String(MAX_LAG_MS),
      DATABASE_REPLICA_CHECK_MS: '100',
      DATABASE_SSLMODE: 'disable',
      ORIGIN_PORT: '0',
      LOG_LEVEL: 'warn',
      HIBP_URL: 'off',
      ORIGIN_RATE_LIMIT: 'false',
      EDGE_SHARED_SECRET: SECRET,
      PURGE_TARGET: 'edge',
      EDGE_PURGE_URL: `http://127.0.0.1:${(target.address() as { port: number }).port}`,
      PURGE_INTERVAL_MS: '100',
    });
    cleanups.push(async () => {
      p.kill('SIGTERM');
      await Promise.race([p.exited, sleep(10_000)]);
      p.kill('SIGKILL');
    });
    const origin: Origin = { url: (await p.waitFor(/"url":"(http:\/\/[^"]+)"/, 30_000))[1]!, database: reader.database };
    expect((await writePage(origin, 'wired', 1, true)).status).toBe(202);
    await waitFor('the first fill', () => fills.some((f) => f.n === 1));
    await waitFor('the reader to serve from the replica', () => replicaOf(reader).serving);

    await onStandby('select pg_wal_replay_pause()');
    try {
      fills.length = 0;
      const written = performance.now();
      expect((await writePage(origin, 'wired', 2)).status).toBe(202);
      await waitFor('the purge of the write', () => fills.length > 0, 10_000);
      // Without the fence the purge leaves within PURGE_INTERVAL_MS and the fill reads 1 from the (still fresh enough) replica.
      expect(fills.map((f) => f.n)).toEqual([2]);
      expect(fills[0]!.at - written).toBeGreaterThan(MAX_LAG_MS - 500);
    } finally {
      await onStandby('select pg_wal_replay_resume()');
    }
    expect(p.stdout() + p.stderr()).not.toMatch(/"level":"fatal"|unhandled/i);
  }, 60_000);
});

describe('failover', () => {
  it('synchronous replication: primary killed under writers, standby promoted, a new origin on it has every acknowledged write and serves reads and writes; a new standby is seeded from it', async () => {
    // Commits wait for the standby to flush them: an acknowledged write is on both.
    await primary.configure({ synchronous_standby_names: '*', synchronous_commit: 'on' });
    await waitFor('the standby to be synchronous', async () => {
      const c = postgres(primary.adminUrl, { max: 1, onnotice: () => {} });
      try {
        const rows = await c.unsafe("select 1 from pg_stat_replication where sync_state = 'sync'");
        return rows.length > 0;
      } finally {
        await c.end({ timeout: 5 });
      }
    });
    const origin = await startOrigin(primary.urlOf(DB), null);
    const WRITERS = 10;
    for (let i = 0; i < WRITERS; i++) expect((await writePage(origin, `fo${i}`, 0, true)).status).toBe(202);
    const acks: { slug: string; n: number; version: number }[] = [];
    const other = new Map<number, number>();
    let stop = false;
    const writer = async (i: number) => {
      for (let n = 1; !stop; n++) {
        try {
          const res = await writePage(origin, `fo${i}`, n);
          await res.arrayBuffer();
          if (res.status === 202) acks.push({ slug: `fo${i}`, n, version: Number(/^"v(\d+)"$/.exec(res.headers.get('etag') ?? '')?.[1]) });
          else other.set(res.status, (other.get(res.status) ?? 0) + 1);
          if (res.status !== 202) await sleep(50);
        } catch {
          await sleep(50);
        }
      }
    };
    const running = Array.from({ length: WRITERS }, (_, i) => writer(i));
    await sleep(1000);
    await primary.stop('immediate');
    await sleep(500);
    stop = true;
    await Promise.all(running);
    expect(acks.length).toBeGreaterThan(WRITERS);
    for (const status of other.keys()) expect(status).toBe(503);

    // The runbook: promote the standby, repoint DATABASE_URL.
    await standby.promote();
    const promoted = await startOrigin(standby.urlOf(DB), null);
    const write = { authorization: `Token ${seed.keys.write}` };
    const last = new Map<string, { n: number; version: number }>();
    for (const a of acks) if ((last.get(a.slug)?.n ?? -1) < a.n) last.set(a.slug, a);
    for (const a of acks) {
      const res = await fetch(`${promoted.url}/v2/manage/pages/*/${a.slug}/revisions`, { headers: write });
      expect(res.status).toBe(200);
      const revisions = new Map(((await res.json()) as { data: { version: number; name: string }[] }).data.map((r) => [r.version, r.name]));
      expect(revisions.get(a.version), `${a.slug} v${a.version}`).toBe(`${a.slug}-${a.n}`);
    }
    // Reads and writes on the promoted database.
    for (const [slug, a] of last) {
      const page = await fetch(`${promoted.url}/v2/pages/*/${slug}/?auth_token=${seed.keys.read}`);
      const n = ((await page.json()) as { data: { fields: { n: number } } }).data.fields.n;
      expect(n).toBeGreaterThanOrEqual(a.n); // a write in flight when the primary died may have committed unacknowledged
    }
    expect((await writePage(promoted, 'after-failover', 1, true)).status).toBe(202);

    // Re-seed: a new standby from the promoted primary streams the new writes.
    const next = await startStandby(standby);
    cleanups.push(() => next.dispose());
    const c = postgres(next.urlOf(DB), { max: 1, onnotice: () => {} });
    cleanups.push(() => c.end({ timeout: 5 }));
    expect((await writePage(promoted, 'after-failover', 2)).status).toBe(202);
    await waitFor('the new standby to have the write', async () => {
      const rows = await c.unsafe("select published->'fields'->>'n' as n from pages where slug = 'after-failover'");
      return rows[0]?.n === '2';
    });
  }, 90_000);
});
