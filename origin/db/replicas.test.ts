/**
 * The replica router's freshness rules with a controlled clock and stand-in servers (the real
 * replication is test/reliability/replication.test.ts): a replica serves only while it is
 * measured within the bound, a stalled one drops out by itself without a new check, a failed
 * read reruns on the primary, the purge fence waits for replay or for the bound.
 */
import { describe, expect, it } from 'vitest';
import { ReplicaRouter, parseLsn, type CheckClient } from './replicas.js';
import type { Db } from './client.js';

/** A server answering the router's checks from mutable state. */
function server(state: { lsn: number; down?: boolean; recovery?: boolean }): CheckClient {
  const fmt = (n: number) => `${Math.floor(n / 2 ** 32).toString(16)}/${(n % 2 ** 32).toString(16)}`;
  return {
    unsafe: (q: string) => {
      if (state.down) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      if (q.includes('pg_current_wal_lsn')) return Promise.resolve([{ lsn: fmt(state.lsn) }]);
      return Promise.resolve([{ recovery: state.recovery ?? true, replay: fmt(state.lsn) }]);
    },
  };
}

function setup(maxLagMs = 1000, realTime = false) {
  let clock = 0;
  const primaryState = { lsn: 100 };
  const replicaState: { lsn: number; down?: boolean; recovery?: boolean } = { lsn: 100 };
  const primaryDb = { name: 'primary' } as unknown as Db;
  const replicaDb = { name: 'replica', $client: 'replica-client' } as unknown as Db;
  const router = new ReplicaRouter({
    primary: { db: primaryDb, client: server(primaryState) },
    replicas: [{ label: 'r:5432/db', db: replicaDb, client: server(replicaState) }],
    maxLagMs,
    checkMs: 100,
    isUnavailable: (err) => (err as { code?: string }).code === 'ECONNREFUSED',
    now: () => clock + (realTime ? performance.now() : 0),
  });
  return { router, primaryState, replicaState, primaryDb, advance: (ms: number) => (clock += ms) };
}

/** Which database a read ran on. */
const where = (router: ReplicaRouter, spaceId?: string) => router.read(async (db) => ((db as unknown as { $client?: string }).$client === 'replica-client' ? 'replica' : 'primary'), { spaceId: spaceId ?? null });

describe('ReplicaRouter', () => {
  it('parses LSNs', () => {
    expect(parseLsn('0/0')).toBe(0);
    expect(parseLsn('1/10')).toBe(2 ** 32 + 16);
    expect(parseLsn('zz')).toBeNull();
    expect(parseLsn(null)).toBeNull();
  });

  it('serves from a replica only while it is measured within the bound; a stalled one drops out without a new check', async () => {
    const { router, primaryState, advance } = setup(1000);
    expect(await where(router), 'never checked: the primary').toBe('primary');
    await router.check();
    expect(await where(router)).toBe('replica');
    primaryState.lsn = 200; // writes the replica has not replayed
    advance(600);
    await router.check(); // the replica is still at 100: fresh as of t=0 only
    expect(router.status()[0]).toMatchObject({ serving: true, lag_bytes: 100, lag_ms: 600 });
    advance(401); // 1001 ms since the last sample it has
    expect(await where(router)).toBe('primary');
    expect(router.status()[0]).toMatchObject({ serving: false, state: 'lagging' });
  });

  it('a replica that catches up serves again; one promoted (not in recovery) never does', async () => {
    const { router, primaryState, replicaState, advance } = setup(1000);
    await router.check();
    primaryState.lsn = 300;
    advance(2000);
    await router.check();
    expect(await where(router)).toBe('primary');
    replicaState.lsn = 300;
    await router.check();
    expect(await where(router)).toBe('replica');
    replicaState.recovery = false;
    await router.check();
    expect(router.status()[0]!.state).toBe('not_standby');
    expect(await where(router)).toBe('primary');
  });

  it('a read that fails on the replica reruns on the primary and marks it down until a good check', async () => {
    const { router } = setup();
    await router.check();
    let calls = 0;
    const result = await router.read(async (db) => {
      calls++;
      if ((db as unknown as { $client?: string }).$client === 'replica-client') throw Object.assign(new Error('gone'), { code: 'ECONNREFUSED' });
      return 'primary answer';
    });
    expect(result).toBe('primary answer');
    expect(calls).toBe(2);
    expect(router.status()[0]).toMatchObject({ state: 'down', serving: false, fallbacks: 1, reads: 0 });
    expect(await where(router)).toBe('primary');
    await router.check();
    expect(await where(router)).toBe('replica');
    // Not every error is the replica's: a refusal of the read itself is the caller's.
    await expect(router.read(async () => Promise.reject(new Error('not found')))).rejects.toThrow('not found');
  });

  it('a space this process wrote is read on the primary for the bound', async () => {
    const { router, advance } = setup(1000);
    await router.check();
    router.noteWrite('s1');
    expect(await where(router, 's1')).toBe('primary');
    expect(await where(router, 's2')).toBe('replica');
    advance(1001);
    await router.check();
    expect(await where(router, 's1')).toBe('replica');
  });

  it('the purge fence returns once the replica has replayed the primary position, or after the bound when it cannot say', async () => {
    const { router, primaryState, replicaState } = setup(300, true);
    await router.check();
    expect(await router.fence()).toBe(true);
    primaryState.lsn = 500;
    setTimeout(() => (replicaState.lsn = 500), 50);
    expect(await router.fence()).toBe(true);
    replicaState.down = true;
    primaryState.lsn = 600;
    const t0 = performance.now();
    expect(await router.fence()).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe('replica settings', () => {
  it('refuse a malformed list or replicas without a primary, each with one clear line', async () => {
    const { loadOriginConfig } = await import('../config.js');
    const base = { DATABASE_URL: 'postgres://u@db:5432/ghee' };
    expect(loadOriginConfig({ ...base, DATABASE_REPLICA_URLS: 'postgres://u@r1/ghee, postgres://u@r2/ghee' })).toMatchObject({ DATABASE_REPLICA_MAX_LAG_MS: 5000, DATABASE_REPLICA_CHECK_MS: 1000 });
    expect(() => loadOriginConfig({ ...base, DATABASE_REPLICA_URLS: 'postgres://u@r1/ghee,mysql://r2' })).toThrow(/DATABASE_REPLICA_URLS.*postgres:\/\/ URLs/);
    expect(() => loadOriginConfig({ DATABASE_REPLICA_URLS: 'postgres://u@r1/ghee' })).toThrow(/DATABASE_REPLICA_URLS.*needs DATABASE_URL/);
    expect(() => loadOriginConfig({ ...base, DATABASE_REPLICA_MAX_LAG_MS: '10' })).toThrow(/DATABASE_REPLICA_MAX_LAG_MS/);
  });
});
