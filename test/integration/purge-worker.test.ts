/**
 * The purge outbox end to end over a real database: enqueue in the writer's transaction, the
 * worker draining into a local HTTP server posing as the Fastly API (requests recorded and
 * checked), durability while the target is down or refusing, concurrent workers, the run loop,
 * and the EdgePurger against a real Node edge in front of a real origin.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../origin/db/client.js';
import { purgeOutbox } from '../../origin/db/schema/index.js';
import { PurgeWorker, type PurgeWorkerOptions } from '../../origin/outbox/purge-worker.js';
import { EdgePurger, FastlyApiPurger, type Purger } from '../../origin/outbox/purgers.js';
import { createLogger } from '../../origin/logger.js';
import { enqueuePurge } from '../../origin/outbox/purge-outbox.js';
import { surrogateKeys } from '../../shared/surrogate.js';
import { startNodeEdge, type RunningEdge } from '../../edge/node/server.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';
import { LogSink, startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const SERVICE_ID = 'SU1Z0isxPaozGVKXdv0eY';
const TOKEN = `fastly-token-${randomUUID()}`;

interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  keys: string[];
  status: number;
}

type Mode = 'ok' | 503 | 429 | 403 | 'hang';

/** A local stand-in for api.fastly.com that records every request it receives. */
class FakeFastlyApi {
  readonly requests: RecordedRequest[] = [];
  mode: Mode = 'ok';
  delayMs = 0;
  /** Retry-After sent with 429 / 503 answers (null: none). */
  retryAfter: string | null = null;
  port = 0;
  #server: Server | null = null;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Keys of the requests it acknowledged (2xx). */
  acknowledgedKeys(): string[] {
    return this.requests.filter((r) => r.status === 200).flatMap((r) => r.keys);
  }

  async listen(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => void this.#answer(req.method ?? '', req.url ?? '', req.headers, res));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async #answer(method: string, url: string, headers: IncomingHttpHeaders, res: ServerResponse): Promise<void> {
    const keys = String(headers['surrogate-key'] ?? '')
      .split(' ')
      .filter(Boolean);
    const mode = this.mode;
    const status = mode === 'ok' ? 200 : mode === 'hang' ? 0 : mode;
    this.requests.push({ method, url, headers, keys, status });
    if (mode === 'hang') return;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (mode === 'ok') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, `purge-${i}`]))));
    } else if (mode === 403) {
      // A hostile (or merely chatty) answer that echoes the credential back: it must be redacted.
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ msg: 'Provided credentials are missing or invalid', detail: `token ${String(headers['fastly-key'])} rejected` }));
    } else {
      res.writeHead(mode, { 'content-type': 'text/plain', ...(this.retryAfter !== null ? { 'retry-after': this.retryAfter } : {}) });
      res.end(mode === 429 ? 'Too Many Requests' : 'Service Unavailable');
    }
  }
}

let db: TestDatabase;
const api = new FakeFastlyApi();
const sink = new LogSink();
const logger = createLogger('debug', sink);
let clock: Date;
const now = () => clock;
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

const fastly = (opts: { timeoutMs?: number } = {}) => new FastlyApiPurger({ baseUrl: api.url, serviceId: SERVICE_ID, apiToken: TOKEN, ...opts });
const worker = (purger: Purger, opts: Partial<PurgeWorkerOptions> = {}) => new PurgeWorker({ db: db.db, purger, logger, now, random: () => 0.5, ...opts });

async function enqueue(keys: string[], opts: { soft?: boolean; spaceId?: string | null } = {}, target: Db = db.db): Promise<void> {
  await target.transaction(async (tx) => enqueuePurge(tx, keys, opts));
}

async function outboxRows(target: Db = db.db) {
  return target.select().from(purgeOutbox).orderBy(asc(purgeOutbox.id));
}

const range = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}:${i}`);
const sorted = (xs: readonly string[]) => [...xs].sort();

beforeAll(async () => {
  db = await createTestDatabase();
  await api.listen();
});
afterAll(async () => {
  await api.close();
  await db?.dispose();
});
beforeEach(() => {
  // Ahead of the database's now(), so rows enqueued just now are due for the injected clock.
  clock = new Date(Date.now() + 60_000);
  api.mode = 'ok';
  api.delayMs = 0;
  api.retryAfter = null;
  api.requests.length = 0;
});
afterEach(async () => {
  await db.db.delete(purgeOutbox);
});

describe('enqueuePurge', () => {
  it('commits one de-duplicated row with the change, soft by default', async () => {
    const spaceId = randomUUID();
    await enqueue(['space:a', 'page:1', 'space:a', 'page:2'], { spaceId });
    const rows = await outboxRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ keys: ['space:a', 'page:1', 'page:2'], soft: true, spaceId, attempts: 0, deliveredAt: null, lastError: null });
  });

  it('leaves no row when the writing transaction rolls back', async () => {
    await expect(
      db.db.transaction(async (tx) => {
        await enqueuePurge(tx, ['space:rolled-back'], { soft: false });
        throw new Error('validation failed after the purge was queued');
      }),
    ).rejects.toThrow('validation failed');
    expect(await outboxRows()).toHaveLength(0);
  });

  it('is a no-op for no keys and throws on invalid keys', async () => {
    await enqueue([]);
    expect(await outboxRows()).toHaveLength(0);
    for (const bad of ['', 'has space', 'tab\there', 'naïve', 'x'.repeat(1025), 'line\nbreak']) {
      await expect(enqueue(['ok:key', bad])).rejects.toThrow(/invalid surrogate key/);
    }
    await enqueue(['x'.repeat(1024), '!~']);
    expect(await outboxRows()).toHaveLength(1);
  });
});

describe('PurgeWorker → Fastly API', () => {
  it('sends batch purges of ≤ 256 keys with the Fastly headers, soft only for soft rows, each key once', async () => {
    const spaceId = randomUUID();
    const soft = range(600, 'page');
    for (let i = 0; i < 6; i++) await enqueue(soft.slice(i * 100, (i + 1) * 100), { spaceId });
    await enqueue(['page:0', 'page:599'], { spaceId }); // already queued by other rows: not sent twice
    await enqueue(['space:hard-1', 'space:hard-2'], { soft: false, spaceId });

    expect(await worker(fastly()).drainOnce()).toEqual({ delivered: 8, failed: 0 });

    expect(api.requests).toHaveLength(4);
    for (const r of api.requests) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe(`/service/${SERVICE_ID}/purge`);
      expect(r.headers['fastly-key']).toBe(TOKEN);
      expect(r.headers.accept).toBe('application/json');
      expect(r.keys.length).toBeGreaterThan(0);
      expect(r.keys.length).toBeLessThanOrEqual(256);
    }
    const softCalls = api.requests.filter((r) => r.headers['fastly-soft-purge'] !== undefined);
    const hardCalls = api.requests.filter((r) => r.headers['fastly-soft-purge'] === undefined);
    expect(softCalls.map((r) => r.headers['fastly-soft-purge'])).toEqual(['1', '1', '1']);
    expect(softCalls.map((r) => r.keys.length)).toEqual([256, 256, 88]);
    expect(sorted(softCalls.flatMap((r) => r.keys))).toEqual(sorted(soft));
    expect(hardCalls).toHaveLength(1);
    expect(hardCalls[0]!.keys).toEqual(['space:hard-1', 'space:hard-2']);

    const rows = await outboxRows();
    expect(rows.every((r) => r.deliveredAt?.getTime() === clock.getTime() && r.attempts === 0)).toBe(true);
    expect(await worker(fastly()).pendingCount()).toBe(0);
    expect(await worker(fastly()).drainOnce()).toEqual({ delivered: 0, failed: 0 });
    expect(api.requests).toHaveLength(4);
  });

  it('keeps every purge while the API answers 503, backs off with jitter, and delivers all once it recovers', async () => {
    const enqueued = [...range(300, 'soft'), ...range(20, 'hard')];
    for (let i = 0; i < 3; i++) await enqueue(enqueued.slice(i * 100, (i + 1) * 100));
    await enqueue(range(20, 'hard'), { soft: false });
    const jitter = [0, 0.999999, 0.25, 0.75];
    let n = 0;
    const w = worker(fastly(), { baseDelayMs: 500, random: () => jitter[n++ % jitter.length]! });
    const base = clock.getTime();

    api.mode = 503;
    expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 4 });
    // The first call failed with an outage: the rest of the batch was not thrown at the API.
    expect(api.requests).toHaveLength(1);
    let rows = await outboxRows();
    expect(rows).toHaveLength(4);
    const delays1 = rows.map((r) => r.nextAttemptAt.getTime() - base);
    for (const r of rows) {
      expect(r.attempts).toBe(1);
      expect(r.deliveredAt).toBeNull();
      expect(r.lastError).toMatch(/^fastly purge: HTTP 503 Service Unavailable$/);
    }
    for (const d of delays1) {
      expect(d).toBeGreaterThanOrEqual(250); // base · 2^0 · 0.5
      expect(d).toBeLessThanOrEqual(500); //    base · 2^0 · 1
    }
    expect(new Set(delays1).size).toBeGreaterThan(1); // jittered, not in lockstep

    // Not due yet: nothing is claimed and nothing is sent.
    expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 0 });
    expect(api.requests).toHaveLength(1);

    advance(500);
    expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 4 });
    rows = await outboxRows();
    for (const r of rows) {
      expect(r.attempts).toBe(2);
      const d = r.nextAttemptAt.getTime() - clock.getTime();
      expect(d).toBeGreaterThanOrEqual(500); // base · 2^1 · 0.5
      expect(d).toBeLessThanOrEqual(1000);
    }

    api.mode = 'ok';
    advance(1000);
    expect(await w.drainOnce()).toEqual({ delivered: 4, failed: 0 });
    expect(await w.pendingCount()).toBe(0);
    expect(sorted(api.acknowledgedKeys())).toEqual(sorted(enqueued));
    expect(new Set(api.acknowledgedKeys()).size).toBe(api.acknowledgedKeys().length);
    expect(sink.text).not.toContain(TOKEN);
  });

  it('keeps purges while the API port is closed and delivers them when it listens again', async () => {
    const port = api.port;
    await api.close();
    try {
      await enqueue(['space:down-1', 'page:down-2']);
      const w = worker(fastly());
      expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 1 });
      const [row] = await outboxRows();
      expect(row).toMatchObject({ attempts: 1, deliveredAt: null });
      // A pooled keep-alive socket may notice the close first (UND_ERR_SOCKET); a fresh one is refused.
      expect(row!.lastError).toMatch(/^fastly purge: network error \((ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)\)$/);
      expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(clock.getTime());
      advance(500);
      expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 1 });
      expect((await outboxRows())[0]).toMatchObject({ attempts: 2, lastError: 'fastly purge: network error (ECONNREFUSED)' });
    } finally {
      await api.listen(port);
    }
    advance(1000);
    expect(await worker(fastly()).drainOnce()).toEqual({ delivered: 1, failed: 0 });
    expect(api.acknowledgedKeys()).toEqual(['space:down-1', 'page:down-2']);
  });

  it('treats 429 and timeouts as retryable', async () => {
    await enqueue(['space:throttled']);
    api.mode = 429;
    expect(await worker(fastly()).drainOnce()).toEqual({ delivered: 0, failed: 1 });
    expect((await outboxRows())[0]).toMatchObject({ attempts: 1, lastError: 'fastly purge: HTTP 429 Too Many Requests' });

    api.mode = 'hang';
    advance(1000);
    const started = Date.now();
    expect(await worker(fastly({ timeoutMs: 150 })).drainOnce()).toEqual({ delivered: 0, failed: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
    const [row] = await outboxRows();
    expect(row).toMatchObject({ attempts: 2, lastError: 'fastly purge: timed out after 150 ms' });
    // retryable backoff: base · 2^1 · [0.5, 1]
    expect(row!.nextAttemptAt.getTime() - clock.getTime()).toBe(750);
  });

  it('a throttled target (429 / 503 with Retry-After) is retried when it says, not further along the exponential curve', async () => {
    await enqueue(['space:retry-after']);
    api.mode = 429;
    api.retryAfter = '7';
    // Even after many failures (exponential: minutes), the wait is what the target asked for (+ ≤ 10% jitter).
    await db.db.update(purgeOutbox).set({ attempts: 9 });
    expect(await worker(fastly()).drainOnce()).toEqual({ delivered: 0, failed: 1 });
    const [row] = await outboxRows();
    expect(row!.nextAttemptAt.getTime() - clock.getTime()).toBe(7_350);
    // An HTTP date works too; a 429 without Retry-After stays on the curve (base · 2^attempts · [0.5, 1]).
    api.mode = 503;
    api.retryAfter = new Date(Date.now() + 60_000).toUTCString(); // read against the real clock when it arrives
    advance(8_000);
    await worker(fastly()).drainOnce();
    const wait = (await outboxRows())[0]!.nextAttemptAt.getTime() - clock.getTime();
    expect(wait).toBeGreaterThan(40_000);
    expect(wait).toBeLessThanOrEqual(60_000 * 1.05 + 1000);
    api.retryAfter = null;
    api.mode = 429;
    advance(70_000);
    await worker(fastly()).drainOnce();
    expect((await outboxRows())[0]!.nextAttemptAt.getTime() - clock.getTime()).toBe(Math.round(Math.min(300_000, 500 * 2 ** 11) * 0.75));
  });

  it('coalesces a burst: 300 writes from 20 writers while the loop runs leave in a handful of calls, every key delivered', async () => {
    const w = new PurgeWorker({ db: db.db, purger: fastly(), logger }); // real clock
    w.start(10_000); // only kicks make it run during the burst
    const keys = range(300, 'page');
    await Promise.all(
      Array.from({ length: 20 }, async (_, writer) => {
        for (let i = writer; i < keys.length; i += 20) {
          await enqueue([keys[i]!, `space:burst`]);
          w.kick();
        }
      }),
    );
    await expect.poll(() => w.pendingCount(), { timeout: 10_000, interval: 20 }).toBe(0);
    await w.stop();
    expect(sorted([...new Set(api.acknowledgedKeys())].filter((k) => k.startsWith('page:')))).toEqual(sorted(keys));
    // Runs start at most every 50 ms and take everything queued: far fewer calls than writes.
    expect(api.requests.length).toBeLessThan(60);
  });

  it('keeps a refused (403) purge with a longer backoff, redacts the token, and still sends the other calls', async () => {
    await enqueue(['space:soft-refused']);
    await enqueue(['space:hard-refused'], { soft: false });
    api.mode = 403;
    const lines = sink.lines.length;
    const w = worker(fastly());
    expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 2 });
    expect(api.requests).toHaveLength(2); // a refusal is not an outage: the other call is still tried
    const rows = await outboxRows();
    for (const r of rows) {
      expect(r.attempts).toBe(1);
      expect(r.deliveredAt).toBeNull();
      expect(r.lastError).toContain('HTTP 403');
      expect(r.lastError).toContain('[REDACTED]');
      expect(r.lastError).not.toContain(TOKEN);
      // non-retryable: 16× further along the curve, base · 2^4 · 0.75 with random = 0.5
      expect(r.nextAttemptAt.getTime() - clock.getTime()).toBe(6_000);
    }
    const logged = sink.lines.slice(lines).join('\n');
    expect(logged).toContain('purge refused by the target');
    expect(logged).toContain('"level":"error"');
    expect(logged).toContain('"status":403');
    expect(sink.text).not.toContain(TOKEN);

    advance(5_999);
    expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 0 });
    api.mode = 'ok';
    advance(1);
    expect(await w.drainOnce()).toEqual({ delivered: 2, failed: 0 });
    expect(sorted(api.acknowledgedKeys())).toEqual(['space:hard-refused', 'space:soft-refused']);
  });

  it('caps the backoff at maxDelayMs', async () => {
    await enqueue(['space:often-failed']);
    await db.db.update(purgeOutbox).set({ attempts: 60 });
    api.mode = 503;
    expect(await worker(fastly(), { maxDelayMs: 300_000, random: () => 0.999999 }).drainOnce()).toEqual({ delivered: 0, failed: 1 });
    const [row] = await outboxRows();
    expect(row!.attempts).toBe(61);
    const d = row!.nextAttemptAt.getTime() - clock.getTime();
    expect(d).toBeGreaterThan(299_000);
    expect(d).toBeLessThanOrEqual(300_000);
  });

  it(`two workers draining in parallel deliver every row exactly once (${usingPostgres ? 'Postgres' : 'PGlite'})`, async () => {
    const all = range(200, 'page');
    for (let i = 0; i < 40; i++) await enqueue(all.slice(i * 5, (i + 1) * 5));
    api.delayMs = 10;
    const drainAll = async (w: PurgeWorker) => {
      let delivered = 0;
      for (;;) {
        const r = await w.drainOnce();
        expect(r.failed).toBe(0);
        if (r.delivered === 0) return delivered;
        delivered += r.delivered;
      }
    };
    const [a, b] = await Promise.all([drainAll(worker(fastly(), { batchSize: 4 })), drainAll(worker(fastly(), { batchSize: 4 }))]);
    expect(a + b).toBe(40);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(api.acknowledgedKeys()).toHaveLength(200);
    expect(sorted(api.acknowledgedKeys())).toEqual(sorted(all));
    const rows = await outboxRows();
    expect(rows.every((r) => r.deliveredAt !== null && r.attempts === 0)).toBe(true);
  });

  it(`a row leased by a run in flight${usingPostgres ? ' or locked by another connection' : ''} is not claimed again`, async () => {
    await enqueue(['space:in-flight']);
    await enqueue(['space:other']);
    api.delayMs = 150;
    const b = worker(fastly());
    const first = worker(fastly(), { batchSize: 1 }).drainOnce();
    await expect.poll(() => api.requests.length, { interval: 5 }).toBe(1);
    // The first row is in flight (leased): the second worker takes only the other one.
    expect(await b.drainOnce()).toEqual({ delivered: 1, failed: 0 });
    expect(await first).toEqual({ delivered: 1, failed: 0 });
    expect(sorted(api.acknowledgedKeys())).toEqual(['space:in-flight', 'space:other']);
    if (!usingPostgres) return; // PGlite has one connection: no other transaction can hold a lock.

    api.delayMs = 0;
    await enqueue(['space:locked']);
    await enqueue(['space:free']);
    const locked = (await outboxRows()).find((r) => r.keys[0] === 'space:locked')!;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let lockTaken!: () => void;
    const taken = new Promise<void>((r) => (lockTaken = r));
    const holder = db.db.transaction(async (tx) => {
      await tx.select({ id: purgeOutbox.id }).from(purgeOutbox).where(eq(purgeOutbox.id, locked.id)).for('update');
      lockTaken();
      await released;
    });
    await taken;
    // SKIP LOCKED: the locked row is skipped, not waited for.
    expect(await b.drainOnce()).toEqual({ delivered: 1, failed: 0 });
    expect(api.acknowledgedKeys()).not.toContain('space:locked');
    release();
    await holder;
    expect(await b.drainOnce()).toEqual({ delivered: 1, failed: 0 });
    expect(api.acknowledgedKeys().filter((k) => k === 'space:locked')).toHaveLength(1);
  });

  it('start() drains in a loop, survives a failing run, and stop() waits for the run in progress', async () => {
    let failNext = true;
    const flaky = new Proxy(db.db, {
      get(target, prop) {
        if (prop === 'transaction' && failNext) {
          failNext = false;
          return () => Promise.reject(new Error('connection reset'));
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await enqueue(['space:loop-1']);
    const lines = sink.lines.length;
    const w = new PurgeWorker({ db: flaky, purger: fastly(), logger }); // real clock
    w.start(20);
    w.start(20); // idempotent
    await expect.poll(() => w.pendingCount(), { timeout: 5_000, interval: 20 }).toBe(0);
    await enqueue(['space:loop-2']);
    await expect.poll(() => w.pendingCount(), { timeout: 5_000, interval: 20 }).toBe(0);
    await w.stop();
    expect(sink.lines.slice(lines).join('\n')).toContain('purge worker run failed');
    expect(api.acknowledgedKeys()).toEqual(['space:loop-1', 'space:loop-2']);

    await enqueue(['space:after-stop']);
    await new Promise((r) => setTimeout(r, 60));
    expect(await w.pendingCount()).toBe(1);
    expect(api.acknowledgedKeys()).not.toContain('space:after-stop');
  });

  it('never wrote the API token to a log line', async () => {
    expect(sink.lines.length).toBeGreaterThan(0);
    expect(sink.text).not.toContain(TOKEN);
    expect(sink.text).not.toContain(TOKEN.slice('fastly-token-'.length));
  });
});

describe('PurgeWorker → EdgePurger → Node edge', () => {
  let origin: OriginUnderTest;
  let edge: RunningEdge;
  const edgeLog: string[] = [];
  const page = () => `${edge.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`;
  const xCache = async () => {
    const res = await fetch(page());
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    return res.headers.get('x-cache');
  };
  const edgeWorker = (secret = origin.secret) =>
    new PurgeWorker({ db: origin.database.db, purger: new EdgePurger({ edgeUrl: edge.url, secret, timeoutMs: 2_000 }), logger, now, random: () => 0.5 });

  beforeAll(async () => {
    origin = await startTestOrigin();
    edge = await startTestEdge(origin);
  });
  afterAll(async () => {
    await edge?.close();
    await origin?.stop();
  });
  afterEach(async () => {
    await origin.database.db.delete(purgeOutbox);
  });

  it('a hard purge of space:<id> through the signed endpoint turns the next read into a MISS', async () => {
    const spaceId = origin.seed.spaceId;
    expect(await xCache()).toBe('MISS');
    expect(await xCache()).toBe('HIT');
    await enqueue([surrogateKeys.space(spaceId)], { soft: false, spaceId }, origin.database.db);
    expect(await edgeWorker().drainOnce()).toEqual({ delivered: 1, failed: 0 });
    expect(await xCache()).toBe('MISS');
    expect(await xCache()).toBe('HIT');
  });

  it('a soft purge (the default) marks the copy stale', async () => {
    expect(await xCache()).toBe('HIT');
    await enqueue([surrogateKeys.space(origin.seed.spaceId)], { spaceId: origin.seed.spaceId }, origin.database.db);
    expect(await edgeWorker().drainOnce()).toEqual({ delivered: 1, failed: 0 });
    expect(await xCache()).toBe('STALE');
  });

  it('a wrongly signed purge is refused by the edge and kept in the outbox', async () => {
    await enqueue(['space:wrong-secret'], { soft: false }, origin.database.db);
    expect(await edgeWorker('w'.repeat(64)).drainOnce()).toEqual({ delivered: 0, failed: 1 });
    const [row] = await outboxRows(origin.database.db);
    expect(row).toMatchObject({ attempts: 1, deliveredAt: null });
    expect(row!.lastError).toMatch(/^edge purge: HTTP 401 /);
    expect(row!.lastError).not.toContain(origin.secret);
  });

  it('keeps purges while the edge is down and delivers them when it is back', async () => {
    const port = edge.port;
    await edge.close();
    await enqueue(['space:while-down', 'page:while-down'], { soft: false }, origin.database.db);
    const down = edgeWorker();
    expect(await down.drainOnce()).toEqual({ delivered: 0, failed: 1 });
    const [first] = await outboxRows(origin.database.db);
    expect(first).toMatchObject({ attempts: 1, deliveredAt: null });
    expect(first!.lastError).toMatch(/^edge purge: network error \((ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)\)$/);
    advance(500);
    expect(await down.drainOnce()).toEqual({ delivered: 0, failed: 1 });
    expect((await outboxRows(origin.database.db))[0]).toMatchObject({ attempts: 2, lastError: 'edge purge: network error (ECONNREFUSED)' });
    expect(await down.pendingCount()).toBe(1);

    edge = await startNodeEdge({
      originUrl: origin.server.url,
      secrets: { edge_shared_secret: origin.secret },
      config: { https_only: 'false' },
      log: (level, message, fields) => edgeLog.push(JSON.stringify({ level, message, ...fields })),
      port,
    });
    advance(1_000);
    expect(await down.drainOnce()).toEqual({ delivered: 1, failed: 0 });
    expect(await down.pendingCount()).toBe(0);
    expect(edgeLog.some((l) => l.includes('"message":"purged"') && l.includes('"keys":2'))).toBe(true);
    const [row] = await outboxRows(origin.database.db);
    expect(row?.deliveredAt?.getTime()).toBe(clock.getTime());
    expect(await origin.database.db.select().from(purgeOutbox).where(eq(purgeOutbox.attempts, 2))).toHaveLength(1);
  });
});
