/**
 * The origin's own rate limits (origin/http/rate-limit.ts), over real HTTP against real origins on
 * a real database, with an injected clock (never sleeps): per key and per client address, for
 * reads (the page-read fast path and the Hono chain alike), writes and edge-asserted reads; 429 in
 * the error shape with Retry-After and RateLimit-* exactly as the edge words them.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../../origin/app.js';
import { loadOriginConfig } from '../../origin/config.js';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { seedDemo, type DemoSeed } from '../../origin/db/seed.js';
import { rateLimitEnabled } from '../../origin/http/rate-limit.js';
import { createLogger } from '../../origin/logger.js';
import { readPathOf } from '../../origin/content/pages/read-path.js';
import { listen, type RunningServer } from '../../origin/server.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { signAssertion } from '../../shared/edge-assertion.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { LogSink, startTestEdge, startTestOrigin } from '../helpers/stack.js';

const SECRET = 's'.repeat(40);
const PENALTY = 30;
let database: TestDatabase;
let seed: DemoSeed;
let readKeyId: string;
/** The origins' clock, in seconds; tests move it forward instead of sleeping. */
let clock = Math.floor(Date.now() / 1000);
const servers: RunningServer[] = [];

interface Origin {
  url: string;
  logs: LogSink;
  /** Page reads the fast path answered itself. */
  served(): number;
}

async function startOrigin(env: Record<string, string>, fastReads = true): Promise<Origin> {
  const config = loadOriginConfig({
    ORIGIN_PORT: '0',
    LOG_LEVEL: 'info',
    EDGE_SHARED_SECRET: SECRET,
    HIBP_URL: 'off',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ORIGIN_RATE_LIMIT: 'true',
    ORIGIN_RATE_LIMIT_PENALTY_SECONDS: String(PENALTY),
    ...env,
  });
  const logs = new LogSink();
  const logger = createLogger('info', logs);
  const app = newApp({ config, database, logger, envelope: devEnvelope(), now: () => clock });
  const server = await listen(app, config, logger, { fastReads });
  servers.push(server);
  return { url: server.url, logs, served: () => readPathOf(app)?.counts.served ?? 0 };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Header names in the order they came on the wire. */
  names: string[];
  body: string;
}

/** One request from a chosen local address (127.0.0.0/8 is all loopback on Linux). */
function send(base: string, path: string, opts: { method?: string; headers?: Record<string, string>; from?: string; body?: string } = {}): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: opts.method ?? 'GET', headers: opts.headers ?? {}, localAddress: opts.from ?? '127.0.0.1', agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const names: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) names.push(res.rawHeaders[i]!.toLowerCase());
          resolve({ status: res.statusCode!, headers: res.headers, names, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const rateHeaders = (a: Answer) => ({
  limit: a.headers['ratelimit-limit'],
  remaining: a.headers['ratelimit-remaining'],
  reset: a.headers['ratelimit-reset'],
  policy: a.headers['ratelimit-policy'],
  retryAfter: a.headers['retry-after'],
});

/** A 429 as the edge answers it: the error shape, Retry-After = the penalty, RateLimit-* of the refused limit. */
function expectThrottled(a: Answer, quota: number, window: number): void {
  expect(a.status, a.body).toBe(429);
  expect(a.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(a.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'request_id']);
  expect(body).toMatchObject({ code: 'rate_limited', detail: `Request was throttled. Expected available in ${PENALTY} seconds.`, request_id: a.headers['x-request-id'] });
  expect(rateHeaders(a)).toEqual({ limit: String(quota), remaining: '0', reset: String(PENALTY), policy: `${quota};w=${window}`, retryAfter: String(PENALTY) });
  expect(a.headers['cache-control']).toBe('no-store');
}

const page = (key: string) => `/v2/pages/*/home/?auth_token=${key}`;

beforeAll(async () => {
  database = await createTestDatabase();
  seed = (await seedDemo(database.db))!;
  const key = await issueApiKey(database.db, { organizationId: seed.organizationId, spaceId: seed.spaceId, kind: 'read', name: 'asserted reader' });
  readKeyId = key.id;
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await database?.dispose();
});

describe('origin rate limits: reads per key', () => {
  // 1 request/s over 10 s: 10 reads per key per window; the address limit far above it.
  const env = { ORIGIN_RATE_LIMIT_WINDOW: '10', ORIGIN_RATE_LIMIT_READ_KEY_RPS: '1', ORIGIN_RATE_LIMIT_READ_IP_RPS: '1000' };

  it('serves N reads with RateLimit-* headers, refuses the N+1th with 429 + Retry-After, on the fast path and the chain alike', async () => {
    const origin = await startOrigin(env);
    const key = (await issueApiKey(database.db, { organizationId: seed.organizationId, spaceId: seed.spaceId, kind: 'read', name: 'limited' })).token;
    // Alternating the fast path (a plain page read) and chain routes: one budget for the key.
    const paths = [page(key), `/v2/pages/*/?auth_token=${key}`, `/v2/posts/?auth_token=${key}`, `/v2/content/?auth_token=${key}`];
    for (let i = 0; i < 10; i++) {
      const a = await send(origin.url, paths[i % paths.length]!);
      expect(a.status, `${paths[i % paths.length]} ${a.body}`).toBeLessThan(429);
      expect(rateHeaders(a)).toEqual({ limit: '10', remaining: String(9 - i), reset: '10', policy: '10;w=10', retryAfter: undefined });
    }
    expect(origin.served(), 'the fast path answered its page reads').toBeGreaterThan(0);
    for (const path of paths) expectThrottled(await send(origin.url, path), 10, 10);
    const warning = origin.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'rate limited');
    expect(warning).toMatchObject({ class: 'read', scope: 'key', policy: '10;w=10' });
    expect(origin.logs.text).not.toContain(key);
  });

  it('counts each key on its own: another key (and the same key through a header) keeps its budget', async () => {
    const origin = await startOrigin(env);
    const a = (await issueApiKey(database.db, { organizationId: seed.organizationId, spaceId: seed.spaceId, kind: 'read', name: 'a' })).token;
    const b = (await issueApiKey(database.db, { organizationId: seed.organizationId, spaceId: seed.spaceId, kind: 'read', name: 'b' })).token;
    for (let i = 0; i < 10; i++) expect((await send(origin.url, page(a))).status).toBe(200);
    expectThrottled(await send(origin.url, page(a)), 10, 10);
    // The same key in an Authorization header is the same key.
    expectThrottled(await send(origin.url, '/v2/pages/*/home/', { headers: { authorization: `Token ${a}` } }), 10, 10);
    const other = await send(origin.url, page(b));
    expect(other.status).toBe(200);
    expect(rateHeaders(other)).toMatchObject({ limit: '10', remaining: '9' });
    // The preview key of the same space too.
    expect((await send(origin.url, page(seed.keys.preview))).status).toBe(200);
  });

  it('honours Retry-After: refused until the penalty has passed, served from then on (injected clock)', async () => {
    const origin = await startOrigin(env);
    const key = (await issueApiKey(database.db, { organizationId: seed.organizationId, spaceId: seed.spaceId, kind: 'read', name: 'retry' })).token;
    for (let i = 0; i < 10; i++) expect((await send(origin.url, page(key))).status).toBe(200);
    const refused = await send(origin.url, page(key));
    expectThrottled(refused, 10, 10);
    const retryAfter = Number(refused.headers['retry-after']);
    const start = clock;
    clock = start + retryAfter - 1;
    expectThrottled(await send(origin.url, page(key)), 10, 10);
    clock = start + retryAfter;
    const again = await send(origin.url, page(key));
    expect(again.status, again.body).toBe(200);
    expect(rateHeaders(again)).toMatchObject({ limit: '10', reset: '10' });
  });

  it('the fast path answers exactly as the chain, counting each read once: the same statuses, RateLimit-* values and header order', async () => {
    const key = (await issueApiKey(database.db, { organizationId: seed.organizationId, spaceId: seed.spaceId, kind: 'read', name: 'equivalence' })).token;
    // A page it serves, and one it counts and then hands to the chain (no such page: the chain's 404).
    const paths = [page(key), `/v2/pages/*/no-such-page/?auth_token=${key}`];
    const run = async (fastReads: boolean) => {
      const origin = await startOrigin(env, fastReads);
      const answers: unknown[] = [];
      for (let i = 0; i < 12; i++) {
        const a = await send(origin.url, paths[i % 2]!);
        answers.push({ status: a.status, names: a.names.filter((n) => n !== 'date'), rate: rateHeaders(a) });
      }
      return { answers, served: origin.served() };
    };
    const fast = await run(true);
    const chain = await run(false);
    expect(fast.served).toBe(5);
    expect(chain.served).toBe(0);
    expect(fast.answers).toEqual(chain.answers);
    expect(fast.answers.map((a) => (a as { status: number }).status)).toEqual([200, 404, 200, 404, 200, 404, 200, 404, 200, 404, 429, 429]);
    expect(fast.answers.map((a) => (a as { rate: { remaining: string } }).rate.remaining)).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0', '0', '0']);
  });
});

describe('origin rate limits: reads per client address', () => {
  it('limits an address across keys, and each address on its own', async () => {
    const origin = await startOrigin({ ORIGIN_RATE_LIMIT_READ_IP_RPS: '1', ORIGIN_RATE_LIMIT_READ_KEY_RPS: '1000' });
    for (let i = 0; i < 10; i++) {
      const a = await send(origin.url, page(i % 2 ? seed.keys.read : seed.keys.preview), { from: '127.0.0.2' });
      expect(a.status).toBe(200);
      // The binding limit is the address's (the one closest to running out).
      expect(rateHeaders(a)).toMatchObject({ limit: '10', remaining: String(9 - i) });
    }
    // Another key from the same address: still refused (per address); keyless reads too.
    expectThrottled(await send(origin.url, page(seed.keys.read), { from: '127.0.0.2' }), 10, 10);
    expectThrottled(await send(origin.url, page(seed.keys.preview), { from: '127.0.0.2' }), 10, 10);
    expectThrottled(await send(origin.url, '/v2/pages/*/home/', { from: '127.0.0.2' }), 10, 10);
    // Another address with the same keys: its own budget.
    const other = await send(origin.url, page(seed.keys.read), { from: '127.0.0.3' });
    expect(other.status).toBe(200);
    expect(rateHeaders(other)).toMatchObject({ limit: '10', remaining: '9' });
    const warning = origin.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'rate limited');
    expect(warning).toMatchObject({ class: 'read', scope: 'ip' });
  });
});

describe('origin rate limits: writes and management', () => {
  it('writes have their own budget per key; reads are not spent by them', async () => {
    const origin = await startOrigin({ ORIGIN_RATE_LIMIT_WRITE_KEY_RPS: '1', ORIGIN_RATE_LIMIT_WRITE_IP_RPS: '1000' });
    const write = { authorization: `Token ${seed.keys.write}`, 'content-type': 'application/json' };
    for (let i = 0; i < 10; i++) {
      const a = await send(origin.url, '/v2/pages/', { method: 'POST', headers: write, body: JSON.stringify({ title: `rl-${i}`, slug: `rl-${clock}-${i}`, page_type: '*', fields: {} }) });
      expect(a.status, a.body).toBe(202);
      expect(rateHeaders(a)).toMatchObject({ limit: '10', remaining: String(9 - i), policy: '10;w=10' });
    }
    expectThrottled(await send(origin.url, '/v2/pages/', { method: 'POST', headers: write, body: '{}' }), 10, 10);
    // A read with a read key is another class: served.
    expect((await send(origin.url, page(seed.keys.read))).status).toBe(200);
  });

  it('management calls are limited per address; health checks are not limited', async () => {
    const origin = await startOrigin({ ORIGIN_RATE_LIMIT_MANAGE_IP_RPS: '1', ORIGIN_RATE_LIMIT_MANAGE_KEY_RPS: '1000' });
    const admin = { authorization: `Token ${seed.keys.admin}` };
    for (let i = 0; i < 10; i++) expect((await send(origin.url, `/v1/orgs/${seed.organizationId}/api-keys`, { headers: admin, from: '127.0.0.4' })).status).toBeLessThan(429);
    expectThrottled(await send(origin.url, `/v1/orgs/${seed.organizationId}/api-keys`, { headers: admin, from: '127.0.0.4' }), 10, 10);
    expectThrottled(await send(origin.url, '/v1/auth/session', { from: '127.0.0.4' }), 10, 10);
    for (let i = 0; i < 15; i++) expect((await send(origin.url, '/healthz', { from: '127.0.0.4' })).status).toBe(200);
  });
});

describe('origin rate limits: edge-asserted reads', () => {
  // Direct limits of 10 per window; edge-asserted reads get 3× that per asserted key and client address.
  const env = { ORIGIN_RATE_LIMIT_READ_KEY_RPS: '1', ORIGIN_RATE_LIMIT_READ_IP_RPS: '1', ORIGIN_RATE_LIMIT_EDGE_FACTOR: '3' };
  const asserted = (path: string, clientIp: string) => ({
    headers: signAssertion(SECRET, { keyId: readKeyId, spaceId: seed.spaceId, kind: 'read', clientIp }, 'GET', path, clock),
  });

  it('counts the asserted client address, not the edge’s: many visitors through one edge connection are not lumped together', async () => {
    const origin = await startOrigin({ ...env, ORIGIN_RATE_LIMIT_READ_KEY_RPS: '100' });
    // 40 visitors, one read each, all from the edge's address (127.0.0.1): over any per-socket limit, under every per-visitor one.
    for (let i = 0; i < 40; i++) {
      const a = await send(origin.url, '/v2/pages/*/home/', asserted('/v2/pages/*/home/', `203.0.113.${i + 1}`));
      expect(a.status, a.body).toBe(200);
      // The answer goes back through the edge, which sets (and may cache) its own RateLimit-*: none of the origin's.
      expect(a.names.filter((n) => n.startsWith('ratelimit-'))).toEqual([]);
    }
    // One visitor: 30 reads (10 × 3), then refused.
    for (let i = 0; i < 29; i++) expect((await send(origin.url, '/v2/pages/*/home/', asserted('/v2/pages/*/home/', '203.0.113.1'))).status).toBe(200);
    expectThrottled(await send(origin.url, '/v2/pages/*/home/', asserted('/v2/pages/*/home/', '203.0.113.1')), 30, 10);
    expectThrottled(await send(origin.url, '/v2/posts/', asserted('/v2/posts/', '203.0.113.1')), 30, 10);
    expect(origin.served()).toBeGreaterThan(0);
  });

  it('counts the asserted key across visitors, with the edge factor', async () => {
    const origin = await startOrigin({ ...env, ORIGIN_RATE_LIMIT_READ_IP_RPS: '100' });
    for (let i = 0; i < 30; i++) expect((await send(origin.url, '/v2/pages/*/home/', asserted('/v2/pages/*/home/', `198.51.100.${i + 1}`))).status).toBe(200);
    expectThrottled(await send(origin.url, '/v2/pages/*/home/', asserted('/v2/pages/*/home/', '198.51.100.200')), 30, 10);
  });

  it('behind an edge with its own limits off, neither a MISS nor the cached HIT carries the origin’s RateLimit-* headers', async () => {
    const origin = await startTestOrigin({ ORIGIN_RATE_LIMIT: 'true' });
    const edge = await startTestEdge(origin, { rate_limits: JSON.stringify({ enabled: false }) });
    try {
      for (const path of [`/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`, `/v2/posts/?auth_token=${origin.seed.keys.read}`]) {
        const miss = await send(edge.url, path);
        const hit = await send(edge.url, path);
        expect([miss.status, miss.headers['x-cache'], hit.status, hit.headers['x-cache']]).toEqual([200, 'MISS', 200, 'HIT']);
        for (const a of [miss, hit]) expect(a.names.filter((n) => n.startsWith('ratelimit-'))).toEqual([]);
      }
      // The same read sent directly carries them.
      expect((await send(origin.server.url, `/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`)).headers['ratelimit-limit']).toBeDefined();
    } finally {
      await edge.close();
      await origin.stop();
    }
  });

  it('an assertion that does not verify is counted by the socket address (and refused by the route)', async () => {
    const origin = await startOrigin(env);
    const forged = { headers: { ...asserted('/v2/pages/*/home/', '192.0.2.1').headers, 'x-ghee-assert-sig': 'AAAA' } };
    for (let i = 0; i < 10; i++) expect((await send(origin.url, '/v2/pages/*/home/', { ...forged, from: '127.0.0.5' })).status).toBe(401);
    expectThrottled(await send(origin.url, '/v2/pages/*/home/', { ...forged, from: '127.0.0.5' }), 10, 10);
  });
});

describe('origin rate limits: settings', () => {
  it('are on by default but under NODE_ENV=test (a local npm start is limited too), and can be turned on or off anywhere', () => {
    const base = loadOriginConfig({ LOG_LEVEL: 'silent' });
    expect(rateLimitEnabled(base)).toBe(true);
    expect(rateLimitEnabled({ ...base, NODE_ENV: 'test' })).toBe(false);
    expect(rateLimitEnabled({ ...base, NODE_ENV: 'development', ORIGIN_RATE_LIMIT: false })).toBe(false);
    expect(rateLimitEnabled({ ...base, NODE_ENV: 'production' })).toBe(true);
    expect(rateLimitEnabled({ ...base, NODE_ENV: 'production', ORIGIN_RATE_LIMIT: false })).toBe(false);
    expect(rateLimitEnabled(loadOriginConfig({ ORIGIN_RATE_LIMIT: 'true' }))).toBe(true);
    expect(() => loadOriginConfig({ ORIGIN_RATE_LIMIT_WINDOW: '5' })).toThrow(/ORIGIN_RATE_LIMIT_WINDOW must be 1, 10 or 60/);
    expect(() => loadOriginConfig({ ORIGIN_RATE_LIMIT_READ_KEY_RPS: '0' })).toThrow(/ORIGIN_RATE_LIMIT_READ_KEY_RPS/);
  });

  it('off: no counting and no RateLimit-* headers', async () => {
    const origin = await startOrigin({ ORIGIN_RATE_LIMIT: 'false', ORIGIN_RATE_LIMIT_READ_KEY_RPS: '1' });
    for (let i = 0; i < 15; i++) {
      const a = await send(origin.url, page(seed.keys.read));
      expect(a.status).toBe(200);
      expect(a.headers['ratelimit-limit']).toBeUndefined();
    }
  });
});
