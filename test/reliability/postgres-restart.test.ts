/**
 * A dependency being down must never crash the process or answer 500. Against a Postgres
 * cluster of the test's own (never the shared one), real processes over real HTTP:
 * - the standalone origin (origin/main.ts) under 50 concurrent writers while Postgres is killed
 *   (`pg_ctl stop -m immediate`) and started again: only 2xx and 503-with-Retry-After in the
 *   error shape, the process stays up, writes and reads recover without a restart, every
 *   acknowledged write is there afterwards with its revision, audit row and purge-outbox row, and
 *   no write is partial (write-load.ts);
 * - `npm start`'s one process (origin + Node edge) on Postgres: while Postgres is down the edge
 *   keeps serving what it cached and the origin answers 503; both recover.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorShape } from '../helpers/assertions.js';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { spawnTs, type Spawned } from '../helpers/process.js';
import { CRASH_SIGNS, expectUnavailable, expectWritesDurable, seededDatabase, sleep, WriteLoad } from './write-load.js';

let cluster: PgCluster;
const dirs: string[] = [];

beforeAll(async () => {
  cluster = await startPgCluster();
}, 60_000);

afterAll(async () => {
  await cluster?.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Fails the test with the process's output if it has exited. */
function expectAlive(p: Spawned): void {
  expect(p.child.exitCode, `process exited:\n${p.stdout()}\n${p.stderr()}`).toBeNull();
  expect(p.child.signalCode).toBeNull();
}

async function stopProcess(p: Spawned): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const code = await Promise.race([p.exited, sleep(15_000).then(() => 'timeout' as const)]);
  if (code === 'timeout') p.kill('SIGKILL');
  expect(code).toBe(0);
}

describe('Postgres stopped under load (own throwaway cluster)', () => {
  it('the origin answers 503 + Retry-After (never 500), survives, recovers, and loses no acknowledged write', async () => {
    const { url, seed } = await seededDatabase(cluster, 'ghee_origin');
    // Short worker intervals, so every background worker meets the outage too.
    const p = spawnTs('origin/main.ts', {
      DATABASE_URL: url,
      DATABASE_SSLMODE: 'disable',
      DATABASE_POOL_MAX: '10',
      ORIGIN_PORT: '0',
      LOG_LEVEL: 'warn',
      HIBP_URL: 'off',
      PURGE_INTERVAL_MS: '200',
      WEBHOOK_INTERVAL_MS: '200',
      SCHEDULER_INTERVAL_MS: '200',
      // A load test through one key from one address: the origin's own rate limits would answer 429.
      ORIGIN_RATE_LIMIT: 'false',
    });
    try {
      const origin = (await p.waitFor(/"url":"(http:\/\/[^"]+)"/, 30_000))[1]!;
      // 50 writers, each on its own page, so every acknowledged version is unambiguous (write-load.ts).
      const load = new WriteLoad(() => origin, seed.keys.write, 50);
      await load.createPages();
      load.start();

      await sleep(1500);
      const ackedBeforeStop = load.acks.length;
      expect(ackedBeforeStop).toBeGreaterThan(0);
      await cluster.stop('immediate');
      await sleep(2500);
      expectAlive(p);
      // While it is down: reads (the fast path and the chain) and readiness answer 503 too.
      await expectUnavailable(await fetch(`${origin}/v2/pages/*/home/?auth_token=${seed.keys.read}`));
      await expectUnavailable(await fetch(`${origin}/v2/pages/*/home/?auth_token=${seed.keys.read}&preview=1`));
      await expectErrorShape(await fetch(`${origin}/readyz`), 503, 'unavailable');
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);

      await cluster.start();
      const restartedAt = Date.now();
      // Every writer gets through again, without restarting the origin.
      const ackedAfter = await load.allAckedSince(restartedAt, 20_000);
      await load.stop();
      expectAlive(p);

      expect(load.bad, load.bad.slice(0, 10).join('\n')).toEqual([]);
      expect(load.networkErrors, 'no request went unanswered').toBe(0);
      for (const status of load.statuses.keys()) expect([202, 503]).toContain(status);
      expect(load.statuses.get(503) ?? 0, 'the outage was seen by the writers').toBeGreaterThan(0);
      expect(ackedAfter, 'every writer wrote again after the restart').toBe(load.writers);

      // Reads recover, on the fast path and through the chain.
      expect((await fetch(`${origin}/v2/pages/*/home/?auth_token=${seed.keys.read}`)).status).toBe(200);
      expect((await fetch(`${origin}/v2/pages/*/home/?auth_token=${seed.keys.preview}&preview=1`)).status).toBe(200);
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);

      // Every acknowledged write is there, as the revision its ETag named, with its audit row and
      // purge-outbox row; no write is partial; the audit chain verifies.
      const report = await expectWritesDurable(url, seed, load);
      expect(report.found).toBe(report.acknowledged);
      console.log(
        `[fault] Postgres stopped (immediate) under load: ${load.writers} writers, ${load.attempts} attempts, ${report.acknowledged} acknowledged / ${report.found} found` +
          ` (${ackedBeforeStop} before the stop), ${load.statuses.get(503) ?? 0} answered 503, ${report.unacknowledgedCommitted} committed without an answer (whole)`,
      );

      // Logged as unavailability, without statement parameters; nothing crashed.
      const output = p.stdout() + p.stderr();
      expect(output).not.toMatch(CRASH_SIGNS);
      expect(output).toMatch(/database unavailable/);
      expect(output).not.toMatch(/w\d+-n\d+|params:|Failed query/);
    } finally {
      await stopProcess(p);
      if (!cluster.running) await cluster.start();
    }
  }, 90_000);

  it("npm start's one process keeps serving cached content from the edge while Postgres is down, and recovers", async () => {
    const url = await cluster.createDatabase('ghee_start');
    const dir = mkdtempSync(join(tmpdir(), 'ghee-reliability-'));
    dirs.push(dir);
    const p = spawnTs('scripts/start.ts', {
      DATABASE_URL: url,
      DATABASE_SSLMODE: 'disable',
      ORIGIN_PORT: '0',
      EDGE_PORT: '0',
      DEMO_KEYS_FILE: join(dir, 'demo-keys.json'),
      LOG_LEVEL: 'warn',
      HIBP_URL: 'off',
      PURGE_INTERVAL_MS: '200',
      WEBHOOK_INTERVAL_MS: '200',
      SCHEDULER_INTERVAL_MS: '200',
    });
    try {
      await p.waitFor(/curl "/, 30_000);
      expect(p.stdout()).toContain('ghee is running (postgres)');
      const edge = p.stdout().match(/edge:\s+(http:\/\/\S+)/)![1]!;
      const origin = p.stdout().match(/origin:\s+(http:\/\/\S+)/)![1]!;
      const read = p.stdout().match(/read:\s+(ghee_read_\S+)/)![1]!;
      const page = `${edge}/v2/pages/*/home/?auth_token=${read}`;
      const first = await fetch(page);
      expect(first.status).toBe(200);
      const body = await first.text();
      expect((await fetch(page)).headers.get('x-cache')).toBe('HIT');

      await cluster.stop('immediate');
      // The edge keeps serving what it has; the origin behind it answers 503, not 500.
      for (let i = 0; i < 20; i++) {
        const res = await fetch(page);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe(body);
        await sleep(100);
      }
      await expectUnavailable(await fetch(`${origin}/v2/pages/*/home/?auth_token=${read}`));
      await expectUnavailable(await fetch(`${origin}/v2/pages/*/home/?auth_token=${read}&locale=en`));
      expectAlive(p);

      await cluster.start();
      await expect.poll(async () => (await fetch(`${origin}/v2/pages/*/home/?auth_token=${read}`)).status, { timeout: 15_000 }).toBe(200);
      expect((await fetch(page)).status).toBe(200);
      expectAlive(p);
      expect(p.stdout() + p.stderr()).not.toMatch(CRASH_SIGNS);
    } finally {
      await stopProcess(p);
      if (!cluster.running) await cluster.start();
    }
  }, 60_000);
});
