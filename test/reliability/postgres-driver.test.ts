/**
 * The `postgres` driver (3.4.10, patched by patches/postgres+3.4.10.patch) when a backend dies
 * under it: upstream it throws `TypeError: Cannot read properties of null (reading 'write')` from
 * a setImmediate (uncatchable: the process dies) when a query is sent on a connection whose
 * socket closed — sql.begin()'s own ROLLBACK after the failed query, or a query on a reserved
 * connection — and a connection torn down with a write pending never flushes again. Each case
 * here must reject with a connection error, throw nothing out of band, and leave the pool usable.
 * Its own throwaway cluster, so terminating backends touches nobody else.
 */
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../origin/db/client.js';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';

let cluster: PgCluster;
let killer: postgres.Sql;
const outOfBand: unknown[] = [];
const record = (err: unknown) => outOfBand.push(err);

beforeAll(async () => {
  cluster = await startPgCluster();
  killer = postgres(cluster.adminUrl, { max: 1, onnotice: () => {} });
}, 60_000);

afterAll(async () => {
  await killer?.end({ timeout: 5 });
  await cluster?.dispose();
});

beforeEach(() => {
  outOfBand.length = 0;
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
});

afterEach(() => {
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
});

const settle = () => new Promise((r) => setTimeout(r, 200));
// Bounds that tell a hang (never settles) from a slow answer on a loaded 2-core machine: the
// backend's restart and the pool's reconnect take well under a second when the machine is idle.
const within = <T>(p: Promise<T>, ms = 20_000) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);

async function terminate(pid: number): Promise<void> {
  await killer`select pg_terminate_backend(${pid})`;
}

async function waitForPid(get: () => number | null): Promise<number> {
  while (get() === null) await new Promise((r) => setTimeout(r, 20));
  return get()!;
}

describe('postgres driver when the backend dies (upstream #1066, #1154, #1208)', { timeout: 180_000 }, () => {
  it('sql.begin(): the backend dies mid-query → rejects with a connection error, no crash, and the one connection works again', async () => {
    const sql = postgres(cluster.adminUrl, { max: 1, onnotice: () => {} });
    try {
      let pid: number | null = null;
      const tx = sql.begin(async (t) => {
        pid = (await t`select pg_backend_pid() as pid`)[0]!.pid as number;
        await t`select pg_sleep(5)`;
      });
      const outcome = tx.then(
        () => null,
        (err: unknown) => err,
      );
      await terminate(await waitForPid(() => pid));
      const err = await within(outcome);
      expect(err).toBeInstanceOf(Error);
      expect(isDatabaseUnavailable(err)).toBe(true);
      await settle();
      expect(outOfBand).toEqual([]);
      // max: 1, so this is the same connection: it reconnects and answers.
      expect(await within(sql`select 1 as one`)).toEqual([{ one: 1 }]);
      expect(await within(sql.begin((t) => t`select 2 as two`))).toEqual([{ two: 2 }]);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it('sql.reserve(): a query on the reserved connection after its backend died rejects at once; released, the pool answers', async () => {
    const sql = postgres(cluster.adminUrl, { max: 1, onnotice: () => {} });
    try {
      const reserved = await sql.reserve();
      const pid = (await reserved`select pg_backend_pid() as pid`)[0]!.pid as number;
      const sleeping = reserved`select pg_sleep(5)`.then(
        () => null,
        (err: unknown) => err,
      );
      await terminate(pid);
      expect(isDatabaseUnavailable(await within(sleeping))).toBe(true);
      // The socket is gone: the next query must fail now, not hang or crash the process.
      const after = await within(
        reserved`select 1`.then(
          () => null,
          (err: unknown) => err,
        ),
      );
      expect(isDatabaseUnavailable(after)).toBe(true);
      reserved.release();
      await settle();
      expect(outOfBand).toEqual([]);
      expect(await within(sql`select 1 as one`)).toEqual([{ one: 1 }]);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it('many small pipelined queries in flight when every backend dies: all settle, nothing out of band, the pool recovers', async () => {
    const sql = postgres(cluster.adminUrl, { max: 4, onnotice: () => {}, connection: { application_name: 'victim' } });
    try {
      await Promise.all(Array.from({ length: 8 }, () => sql`select 1`));
      for (let round = 0; round < 3; round++) {
        const inFlight = Array.from({ length: 120 }, (_, i) =>
          sql`select pg_sleep(0.02), ${i}::int as i`.then(
            () => 'ok',
            (err: unknown) => (isDatabaseUnavailable(err) ? 'unavailable' : err),
          ),
        );
        await new Promise((r) => setTimeout(r, 30));
        await killer`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'victim'`;
        const outcomes = await within(Promise.all(inFlight), 45_000);
        for (const o of outcomes) expect(['ok', 'unavailable']).toContain(o);
      }
      await settle();
      expect(outOfBand).toEqual([]);
      expect(await within(Promise.all(Array.from({ length: 8 }, (_, i) => sql`select ${i}::int as i`)))).toHaveLength(8);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
});
