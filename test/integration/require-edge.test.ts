/**
 * ORIGIN_REQUIRE_EDGE (origin/http/rate-limit.ts): keyed content reads must arrive through the edge
 * (a signed edge assertion). Over real HTTP: every content read route the origin registers refuses
 * a directly keyed read with 403 in the error shape — the page-read fast path included — while the
 * edge's reads, writes and management calls are served; off, direct reads are served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { newApp } from '../../origin/app.js';
import { ConfigError } from '../../shared/config.js';
import { loadOriginConfig } from '../../origin/config.js';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { seedDemo, type DemoSeed } from '../../origin/db/seed.js';
import type { OriginEnv } from '../../origin/env.js';
import { EDGE_REQUIRED_DETAIL, requireEdgeEnabled } from '../../origin/http/rate-limit.js';
import { createLogger } from '../../origin/logger.js';
import { readPathOf } from '../../origin/content/pages/read-path.js';
import { listen, type RunningServer } from '../../origin/server.js';
import type { RunningEdge } from '../../edge/node/server.js';
import { contentReadRoutes } from '../helpers/routes.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const SECRET = 'e'.repeat(40);
let database: TestDatabase;
let seed: DemoSeed;
const servers: RunningServer[] = [];

async function startOrigin(env: Record<string, string>): Promise<{ url: string; app: Hono<OriginEnv> }> {
  const config = loadOriginConfig({ ORIGIN_PORT: '0', LOG_LEVEL: 'silent', EDGE_SHARED_SECRET: SECRET, HIBP_URL: 'off', SHUTDOWN_TIMEOUT_MS: '2000', ORIGIN_RATE_LIMIT: 'false', ...env });
  const logger = createLogger('silent');
  const app = newApp({ config, database, logger, envelope: devEnvelope() });
  const server = await listen(app, config, logger);
  servers.push(server);
  return { url: server.url, app };
}

beforeAll(async () => {
  database = await createTestDatabase();
  seed = (await seedDemo(database.db))!;
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await database?.dispose();
});

describe('ORIGIN_REQUIRE_EDGE on', () => {
  it('refuses a directly keyed read with 403 on every content read route, every way a key is presented, GET and HEAD', async () => {
    const origin = await startOrigin({ ORIGIN_REQUIRE_EDGE: 'true' });
    const routes = contentReadRoutes(origin.app);
    // The table is the app's own: it holds (at least) every read route known today.
    expect(routes.map((r) => r.pattern)).toEqual(
      expect.arrayContaining(['/v2/pages/:pageType/:slug', '/v2/pages/:pageType', '/v2/content', '/v2/content/:key', '/v2/content/:key/:id', '/v2/posts', '/v2/posts/:slug', '/v2/authors', '/v2/authors/:slug', '/v2/categories', '/v2/tags', '/v2/feeds/:feed']),
    );
    const paths = [...routes.map((r) => r.path), '/v2/pages/search/?query=a', '/v2/posts/search/?query=a', '/v2/pages/*/home/?preview=1'];
    for (const path of paths) {
      const join = path.includes('?') ? '&' : '?';
      for (const key of [seed.keys.read, seed.keys.preview, seed.keys.write]) {
        const transports: [string, RequestInit][] = [
          ['auth_token', { headers: {} }],
          ['Token', { headers: { authorization: `Token ${key}` } }],
          ['Bearer', { headers: { authorization: `Bearer ${key}` } }],
        ];
        for (const [how, init] of transports) {
          const url = `${origin.url}${path}${how === 'auth_token' ? `${join}auth_token=${key}` : ''}`;
          await expectErrorShape(await fetch(url, init), 403, 'forbidden', EDGE_REQUIRED_DETAIL);
          expect((await fetch(url, { ...init, method: 'HEAD' })).status, `HEAD ${path} (${how})`).toBe(403);
        }
      }
    }
  });

  it('the page-read fast path does not serve a directly keyed read: it hands it to the chain, which refuses it', async () => {
    const origin = await startOrigin({ ORIGIN_REQUIRE_EDGE: 'true' });
    const readPath = readPathOf(origin.app)!;
    expect(readPath).toBeDefined();
    const before = { ...readPath.counts };
    await expectErrorShape(await fetch(`${origin.url}/v2/pages/*/home/?auth_token=${seed.keys.read}`), 403, 'forbidden', EDGE_REQUIRED_DETAIL);
    await expectErrorShape(await fetch(`${origin.url}/v2/pages/*/home/`, { headers: { authorization: `Token ${seed.keys.read}` } }), 403, 'forbidden');
    expect(readPath.counts.served).toBe(before.served);
    expect(readPath.counts.declined).toBe(before.declined + 2);
  });

  it('writes and management stay reachable directly; keyless reads are not keyed reads (401 as before)', async () => {
    const origin = await startOrigin({ ORIGIN_REQUIRE_EDGE: 'true' });
    const write = { authorization: `Token ${seed.keys.write}`, 'content-type': 'application/json' };
    const created = await fetch(`${origin.url}/v2/pages/`, { method: 'POST', headers: write, body: JSON.stringify({ title: 'Direct write', slug: 'direct-write', page_type: '*', fields: {} }) });
    expect(created.status, await created.text()).toBe(202);
    expect((await fetch(`${origin.url}/v2/manage/pages/*/direct-write/`, { headers: write })).status).toBe(200);
    expect((await fetch(`${origin.url}/v1/orgs/${seed.organizationId}/api-keys`, { headers: { authorization: `Token ${seed.keys.admin}` } })).status).toBe(200);
    await expectErrorShape(await fetch(`${origin.url}/v2/pages/*/home/`), 401, 'unauthenticated');
  });
});

describe('ORIGIN_REQUIRE_EDGE on, behind the edge', () => {
  let origin: OriginUnderTest;
  let edge: RunningEdge;
  beforeAll(async () => {
    origin = await startTestOrigin({ ORIGIN_REQUIRE_EDGE: 'true' });
    edge = await startTestEdge(origin);
  });
  afterAll(async () => {
    await edge?.close();
    await origin?.stop();
  });

  it('serves the edge’s (asserted) reads — the page read and the other read routes — while the same reads sent directly are refused', async () => {
    const key = origin.seed.keys.read;
    for (const path of ['/v2/pages/*/home/', '/v2/posts/', '/v2/authors/', '/v2/pages/search/?query=demo']) {
      const url = `${path}${path.includes('?') ? '&' : '?'}auth_token=${key}`;
      const viaEdge = await fetch(`${edge.url}${url}`);
      expect(viaEdge.status, `${path} through the edge: ${await viaEdge.clone().text()}`).toBe(200);
      expect(viaEdge.headers.get('x-cache')).toBe('MISS');
      await expectErrorShape(await fetch(`${origin.server.url}${url}`), 403, 'forbidden', EDGE_REQUIRED_DETAIL);
    }
    // Previews through the edge too.
    expect((await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.preview}&preview=1`)).status).toBe(200);
  });
});

describe('ORIGIN_REQUIRE_EDGE off', () => {
  it('serves direct keyed reads, on the fast path and the chain', async () => {
    const origin = await startOrigin({ ORIGIN_REQUIRE_EDGE: 'false' });
    const readPath = readPathOf(origin.app)!;
    const served = readPath.counts.served;
    expect((await fetch(`${origin.url}/v2/pages/*/home/?auth_token=${seed.keys.read}`)).status).toBe(200);
    expect(readPath.counts.served).toBe(served + 1);
    for (const path of ['/v2/pages/search/?query=demo', '/v2/posts/', '/v2/categories/', '/v2/authors/']) {
      const res = await fetch(`${origin.url}${path}`, { headers: { authorization: `Token ${seed.keys.read}` } });
      expect(res.status, `${path}: ${await res.text()}`).toBe(200);
    }
  });
});

describe('ORIGIN_REQUIRE_EDGE setting', () => {
  it('is on by default in production only, can be set either way, and needs EDGE_SHARED_SECRET when on', () => {
    const base = loadOriginConfig({ LOG_LEVEL: 'silent' });
    expect(requireEdgeEnabled(base)).toBe(false);
    expect(requireEdgeEnabled({ ...base, NODE_ENV: 'test' })).toBe(false);
    expect(requireEdgeEnabled({ ...base, NODE_ENV: 'production' })).toBe(true);
    expect(requireEdgeEnabled({ ...base, NODE_ENV: 'production', ORIGIN_REQUIRE_EDGE: false })).toBe(false);
    expect(requireEdgeEnabled(loadOriginConfig({ ORIGIN_REQUIRE_EDGE: 'true', EDGE_SHARED_SECRET: SECRET }))).toBe(true);
    expect(() => loadOriginConfig({ ORIGIN_REQUIRE_EDGE: 'true' })).toThrow(ConfigError);
    expect(() => loadOriginConfig({ ORIGIN_REQUIRE_EDGE: 'true' })).toThrow(/EDGE_SHARED_SECRET is required when ORIGIN_REQUIRE_EDGE is on/);
    expect(() => loadOriginConfig({ ORIGIN_REQUIRE_EDGE: 'maybe' })).toThrow(/ORIGIN_REQUIRE_EDGE must be true or false/);
  });
});
