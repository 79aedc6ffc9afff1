/**
 * The origin killed with SIGKILL under a write load of 50 concurrent writers (a real process,
 * origin/main.ts, on a Postgres cluster of the test's own), then started again:
 * - every acknowledged write (202) is there with its revision, its audit row and its purge-outbox
 *   row; every write is wholly present or wholly absent (write-load.ts); the audit chain verifies;
 * - the purge outbox drains after the restart and every key of every row reached the purge target
 *   (a local stand-in for the edge): rows the dead process had claimed mid-call are sent again
 *   when their lease (PURGE_LEASE_MS) runs out — no purge is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { spawnTs, type Spawned } from '../helpers/process.js';
import { CRASH_SIGNS, expectWritesDurable, purgeOutboxState, seededDatabase, sleep, startPurgeTarget, WriteLoad, type PurgeTarget } from './write-load.js';

let cluster: PgCluster;
let target: PurgeTarget;
const SECRET = 'crash-test-edge-shared-secret-0123456789abcdef';

beforeAll(async () => {
  [cluster, target] = await Promise.all([startPgCluster(), startPurgeTarget()]);
}, 60_000);

afterAll(async () => {
  await target?.close();
  await cluster?.dispose();
});

function startOrigin(url: string): Spawned {
  return spawnTs('origin/main.ts', {
    DATABASE_URL: url,
    DATABASE_SSLMODE: 'disable',
    DATABASE_POOL_MAX: '10',
    ORIGIN_PORT: '0',
    LOG_LEVEL: 'warn',
    HIBP_URL: 'off',
    ORIGIN_RATE_LIMIT: 'false',
    PURGE_TARGET: 'edge',
    EDGE_PURGE_URL: target.url,
    EDGE_SHARED_SECRET: SECRET,
    PURGE_INTERVAL_MS: '200',
    PURGE_LEASE_MS: '2000',
    PURGE_RETRY_MAX_MS: '1000',
    WEBHOOK_INTERVAL_MS: '500',
    SCHEDULER_INTERVAL_MS: '500',
  });
}

describe('origin killed with SIGKILL mid-load (own throwaway cluster)', () => {
  it('loses no acknowledged write, leaves no partial write, and every purge is delivered after the restart', async () => {
    const { url, seed } = await seededDatabase(cluster, 'ghee_crash');
    let p = startOrigin(url);
    let origin = (await p.waitFor(/"url":"(http:\/\/[^"]+)"/, 30_000))[1]!;
    const load = new WriteLoad(() => origin, seed.keys.write, 50);
    try {
      await load.createPages();
      // Purge calls take a while, so the kill lands with purges in flight (claimed, unacknowledged).
      target.delayMs = 150;
      load.start();
      await sleep(2000);
      const ackedBeforeKill = load.acks.length;
      expect(ackedBeforeKill).toBeGreaterThan(0);
      p.kill('SIGKILL');
      expect(await p.exited).toBeNull();
      expect(p.child.signalCode).toBe('SIGKILL');
      const killedAt = Date.now();
      await sleep(1000);
      expect(load.networkErrors, 'the writers saw the origin die').toBeGreaterThan(0);
      const pendingAfterKill = (await purgeOutboxState(url)).pending;

      p = startOrigin(url);
      origin = (await p.waitFor(/"url":"(http:\/\/[^"]+)"/, 30_000))[1]!;
      const restartedAt = Date.now();
      expect(await load.allAckedSince(restartedAt, 20_000), 'every writer wrote again after the restart').toBe(load.writers);
      await load.stop();
      expect(load.bad, load.bad.slice(0, 10).join('\n')).toEqual([]);
      for (const status of load.statuses.keys()) expect([202, 503]).toContain(status);

      // The outbox drains (rows the dead process had leased included) and no key is missing at the target.
      target.delayMs = 0;
      let state = await purgeOutboxState(url);
      const deadline = Date.now() + 20_000;
      while (state.pending > 0 && Date.now() < deadline) {
        await sleep(250);
        state = await purgeOutboxState(url);
      }
      expect(state.pending, 'purge outbox drained').toBe(0);
      const lost = [...state.keys].filter((k) => !target.keys.has(k));
      expect(lost, 'purge keys never delivered').toEqual([]);

      const report = await expectWritesDurable(url, seed, load);
      expect(report.found).toBe(report.acknowledged);
      console.log(
        `[fault] origin SIGKILL: ${load.writers} writers, ${load.attempts} attempts, ${report.acknowledged} acknowledged / ${report.found} found` +
          ` (${ackedBeforeKill} before the kill), ${report.unacknowledgedCommitted} committed without an answer (whole), ${load.networkErrors} refused while down;` +
          ` purge outbox: ${state.total} rows, ${pendingAfterKill} pending after the kill, all ${state.keys.size} keys delivered, drained ${((target.lastOkAt - killedAt) / 1000).toFixed(1)} s after the kill`,
      );
      expect(p.stdout() + p.stderr()).not.toMatch(CRASH_SIGNS);
    } finally {
      await load.stop();
      p.kill('SIGTERM');
      await Promise.race([p.exited, sleep(15_000)]);
      p.kill('SIGKILL');
    }
  }, 120_000);
});
