/**
 * A TCP fault proxy (toxiproxy, the `server` binary: TOXIPROXY_BIN, else ~/go/bin/server) between
 * a real origin process and a Postgres cluster of the test's own, and the Node edge in front:
 * - a statement blocked past DATABASE_STATEMENT_TIMEOUT_MS (a row lock held by another session)
 *   answers 503 + Retry-After in the error shape within the timeout, never 500;
 * - 2 s of added latency on every database packet (a read then needs ≥ 3 round trips, ≥ 6 s):
 *   under a burst of writes and reads every request answers — 2xx, or 503 in the error shape (the
 *   statement timeout on lock waits, or ORIGIN_REQUEST_TIMEOUT_MS reached) — within that bound;
 *   none hangs;
 * - connections reset by the proxy: requests answer 503, and once the resets stop the pool
 *   recovers on its own (no restart);
 * - throughout both faults the edge keeps serving the page it cached (STALE: past its max-age, the
 *   origin failing or too slow), with the cached body.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeEdge, type RunningEdge } from '../../edge/node/server.js';
import { PURGE_PATH, signedPurge } from '../../shared/internal-auth.js';
import { surrogateKeys } from '../../shared/surrogate.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { spawnTs, type Spawned } from '../helpers/process.js';
import { CRASH_SIGNS, expectUnavailable, seededDatabase, sleep } from './write-load.js';
import { freePort } from '../../origin/net/free-port.js';

const TOXIPROXY = process.env.TOXIPROXY_BIN ?? join(homedir(), 'go/bin/server');
const STATEMENT_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 5000;
/** Time a 503 may take beyond its bound (process scheduling on a loaded 2-core machine). */
const SLACK_MS = 1500;
const SECRET = 'toxic-test-edge-shared-secret-0123456789abcdef';

let cluster: PgCluster;
let toxiproxy: ChildProcess;
let api: string;

async function toxi(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${api}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

beforeAll(async () => {
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  toxiproxy = spawn(TOXIPROXY, ['-host', '127.0.0.1', '-port', String(port)], { stdio: 'ignore' });
  cluster = await startPgCluster();
  for (let i = 0; ; i++) {
    if ((await fetch(`${api}/version`).catch(() => null))?.status === 200) break;
    if (i > 100) throw new Error(`toxiproxy did not start (${TOXIPROXY})`);
    await sleep(100);
  }
}, 60_000);

afterAll(async () => {
  toxiproxy?.kill('SIGTERM');
  await cluster?.dispose();
});

interface Timed {
  what: string;
  status: number;
  ms: number;
  res: Response;
}

async function timed(what: string, url: string, init: RequestInit = {}): Promise<Timed> {
  const started = performance.now();
  // A request that hangs fails here: nothing may take longer than the deadline plus slack.
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + 10_000) });
  await res.clone().arrayBuffer();
  return { what, status: res.status, ms: performance.now() - started, res };
}

describe('database behind a fault proxy (toxiproxy, own throwaway cluster)', () => {
  it('statement timeout and latency answer 503 within their bounds, resets recover, and the edge serves STALE throughout', async () => {
    const { url: directUrl, seed } = await seededDatabase(cluster, 'ghee_toxic');
    const proxyPort = await freePort();
    await toxi('POST', '/proxies', { name: 'pg', listen: `127.0.0.1:${proxyPort}`, upstream: `127.0.0.1:${cluster.port}`, enabled: true });
    const p: Spawned = spawnTs('origin/main.ts', {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${proxyPort}/ghee_toxic`,
      DATABASE_SSLMODE: 'disable',
      DATABASE_POOL_MAX: '10',
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      ORIGIN_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      ORIGIN_PORT: '0',
      LOG_LEVEL: 'warn',
      HIBP_URL: 'off',
      ORIGIN_RATE_LIMIT: 'false',
      EDGE_SHARED_SECRET: SECRET,
      // Background jobs idle, so only the test's requests use the pool.
      WEBHOOK_INTERVAL_MS: '600000',
      SCHEDULER_INTERVAL_MS: '600000',
    });
    let edge: RunningEdge | null = null;
    const direct = postgres(directUrl, { max: 1, onnotice: () => {} });
    let polling = false;
    let poller: Promise<void> = Promise.resolve();
    try {
      const origin = (await p.waitFor(/"url":"(http:\/\/[^"]+)"/, 30_000))[1]!;
      edge = await startNodeEdge({ blocklist: [], originUrl: origin, secrets: { edge_shared_secret: SECRET }, config: { https_only: 'false', origin_timeout_ms: '1500' }, log: () => {} });
      const page = `${edge.url}/v2/pages/*/home/?auth_token=${seed.keys.read}`;
      const first = await fetch(page);
      expect(first.status).toBe(200);
      const cached = await first.text();
      expect((await fetch(page)).headers.get('x-cache')).toBe('HIT');
      const write = { authorization: `Token ${seed.keys.write}`, 'content-type': 'application/json' };
      const patch = (title: string) => ({ method: 'PATCH', headers: write, body: JSON.stringify({ title, fields: { t: title } }) });
      // Writes go to a page of their own, so the page the edge serves never changes.
      const created = await fetch(`${origin}/v2/pages/`, { method: 'POST', headers: write, body: JSON.stringify({ title: 'busy', slug: 'busy', page_type: '*', fields: { t: 'busy' } }) });
      expect(created.status, await created.text()).toBe(202);

      // 1. A statement blocked on a row lock past the statement timeout: 503 in the error shape, within the timeout.
      await direct.begin(async (tx) => {
        await tx`select id from pages where space_id = ${seed.spaceId} and slug = 'busy' for update`;
        const blocked = await timed('blocked write', `${origin}/v2/pages/*/busy/`, patch('blocked'));
        expect(blocked.status, await blocked.res.clone().text()).toBe(503);
        await expectUnavailable(blocked.res);
        expect(blocked.ms).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 50);
        expect(blocked.ms).toBeLessThan(STATEMENT_TIMEOUT_MS + SLACK_MS);
        console.log(`[fault] statement blocked by a row lock: 503 after ${Math.round(blocked.ms)} ms (statement timeout ${STATEMENT_TIMEOUT_MS} ms)`);
      });
      expect((await timed('write after the lock', `${origin}/v2/pages/*/busy/`, patch('after-lock'))).status).toBe(202);

      // A soft purge marks the edge's copy stale: every read now revalidates it with the origin.
      const [home] = await direct<{ id: string }[]>`select id from pages where space_id = ${seed.spaceId} and slug = 'home'`;
      const { body: purgeBody, headers: purgeHeaders } = signedPurge(SECRET, { keys: [surrogateKeys.page(home!.id)], soft: true }, Date.now() / 1000);
      expect((await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', headers: purgeHeaders, body: purgeBody })).status).toBe(200);
      // 2. 2 s latency on every packet from Postgres: writes and reads answer within the request deadline.
      await toxi('POST', '/proxies/pg/toxics', { name: 'slow', type: 'latency', stream: 'downstream', attributes: { latency: 2000, jitter: 0 } });
      // The edge is read every 150 ms from here until the resets are over.
      const edgeReads: { status: number; cache: string | null; same: boolean; ms: number }[] = [];
      polling = true;
      poller = (async () => {
        while (polling) {
          const started = performance.now();
          try {
            const res = await fetch(page, { signal: AbortSignal.timeout(10_000) });
            const body = await res.text();
            edgeReads.push({ status: res.status, cache: res.headers.get('x-cache'), same: body === cached, ms: performance.now() - started });
          } catch {
            edgeReads.push({ status: 0, cache: null, same: false, ms: performance.now() - started });
          }
          await sleep(150);
        }
      })();

      const burst = await Promise.all([
        ...Array.from({ length: 8 }, (_, i) => timed('write', `${origin}/v2/pages/*/busy/`, patch(`slow-${i}`))),
        ...Array.from({ length: 6 }, () => timed('preview read', `${origin}/v2/pages/*/home/?auth_token=${seed.keys.preview}&preview=1`)),
        ...Array.from({ length: 6 }, () => timed('read', `${origin}/v2/pages/*/home/?auth_token=${seed.keys.read}`)),
        timed('readiness', `${origin}/readyz`),
      ]);
      const latency = { ok: 0, unavailable: 0, maxMs: 0 };
      for (const r of burst) {
        expect([200, 202, 503], `${r.what}: ${r.status}`).toContain(r.status);
        if (r.status === 503) {
          await expectErrorShape503(r);
          latency.unavailable++;
        } else latency.ok++;
        latency.maxMs = Math.max(latency.maxMs, r.ms);
        expect(r.ms, `${r.what} took ${Math.round(r.ms)} ms`).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
      }
      expect(latency.unavailable, 'requests that needed several round trips hit the deadline').toBeGreaterThan(0);
      console.log(`[fault] +2 s database latency: ${burst.length} concurrent requests, ${latency.ok} answered 2xx, ${latency.unavailable} answered 503 (deadline ${REQUEST_TIMEOUT_MS} ms), slowest ${Math.round(latency.maxMs)} ms, none hung`);
      await toxi('DELETE', '/proxies/pg/toxics/slow');

      // 3. Connections reset by peer: 503s, then the pool recovers by itself.
      await toxi('POST', '/proxies/pg/toxics', { name: 'reset', type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
      const during = await Promise.all([
        timed('write', `${origin}/v2/pages/*/busy/`, patch('reset')),
        timed('preview read', `${origin}/v2/pages/*/home/?auth_token=${seed.keys.preview}&preview=1`),
        timed('readiness', `${origin}/readyz`),
      ]);
      for (const r of during) {
        expect(r.status, r.what).toBe(503);
        await expectErrorShape503(r);
        expect(r.ms, r.what).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
      }
      await sleep(1000);
      await toxi('DELETE', '/proxies/pg/toxics/reset');
      const resetEnded = Date.now();
      await expect.poll(async () => (await fetch(`${origin}/v2/pages/*/home/?auth_token=${seed.keys.preview}&preview=1`)).status, { timeout: 10_000, interval: 100 }).toBe(200);
      const recoveredMs = Date.now() - resetEnded;
      expect((await timed('write after the resets', `${origin}/v2/pages/*/busy/`, patch('recovered'))).status).toBe(202);
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);
      console.log(`[fault] connection resets: ${during.length} requests answered 503; pool recovered ${recoveredMs} ms after the resets stopped (no restart)`);

      polling = false;
      await poller;
      // The edge served the cached page on every read during both faults.
      const wrong = edgeReads.filter((r) => r.status !== 200 || !r.same);
      expect(wrong, 'edge reads that failed or changed').toEqual([]);
      const stale = edgeReads.filter((r) => r.cache === 'STALE').length;
      expect(stale, 'served STALE while the origin failed').toBeGreaterThan(0);
      console.log(`[fault] edge during the database faults: ${edgeReads.length} reads, all 200 with the cached body, ${stale} STALE, slowest ${Math.round(Math.max(...edgeReads.map((r) => r.ms)))} ms`);

      expect(p.child.exitCode).toBeNull();
      expect(p.stdout() + p.stderr()).not.toMatch(CRASH_SIGNS);
    } finally {
      polling = false;
      await poller;
      await direct.end({ timeout: 1 });
      await edge?.close();
      p.kill('SIGTERM');
      await Promise.race([p.exited, sleep(15_000)]);
      p.kill('SIGKILL');
      await toxi('DELETE', '/proxies/pg').catch(() => {});
    }
  }, 120_000);
});

/** 503 in the error shape; with Retry-After except /readyz (a probe, not a client to pace). */
async function expectErrorShape503(r: Timed): Promise<void> {
  try {
    if (r.what === 'readiness') await expectErrorShape(r.res.clone(), 503, 'unavailable');
    else await expectUnavailable(r.res.clone());
  } catch (err) {
    throw new Error(`${r.what}: ${(err as Error).message}`);
  }
}
