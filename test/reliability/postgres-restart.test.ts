/**
 * A dependency being down must never crash the process or answer 500. Against a Postgres
 * cluster of the test's own (never the shared one), real processes over real HTTP:
 * - the standalone origin (origin/main.ts) under 50 concurrent writers while Postgres is killed
 *   (`pg_ctl stop -m immediate`) and started again: only 2xx and 503-with-Retry-After in the
 *   error shape, the process stays up, writes and reads recover, and every acknowledged write is
 *   there afterwards with its revision;
 * - `npm start`'s one process (origin + Node edge) on Postgres: while Postgres is down the edge
 *   keeps serving what it cached and the origin answers 503; both recover.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../origin/db/client.js';
import { loadOriginConfig } from '../../origin/config.js';
import { seedDemo, type DemoSeed } from '../../origin/db/seed.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { spawnTs, type Spawned } from '../helpers/process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a process must never print, whatever the database does. */
const CRASH_SIGNS = /uncaught|unhandled|TypeError|Cannot read properties|"level":"fatal"|"msg":"unhandled error"/i;

/** A 503 in the one error shape, with a Retry-After of whole seconds. */
async function expectUnavailable(res: Response): Promise<void> {
  expect(res.headers.get('retry-after') ?? '').toMatch(/^[1-9]\d*$/);
  await expectErrorShape(res, 503, 'unavailable');
}

let cluster: PgCluster;
const dirs: string[] = [];

beforeAll(async () => {
  cluster = await startPgCluster();
}, 60_000);

afterAll(async () => {
  await cluster?.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function seeded(database: string): Promise<{ url: string; seed: DemoSeed }> {
  const url = await cluster.createDatabase(database);
  const db = await createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: url, DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: 2 });
  try {
    await db.migrate();
    return { url, seed: (await seedDemo(db.db))! };
  } finally {
    await db.close();
  }
}

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

interface Ack {
  writer: number;
  version: number;
  title: string;
}

describe('Postgres stopped under load (own throwaway cluster)', () => {
  it('the origin answers 503 + Retry-After (never 500), survives, recovers, and loses no acknowledged write', async () => {
    const { url, seed } = await seeded('ghee_origin');
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
      const write = { authorization: `Token ${seed.keys.write}`, 'content-type': 'application/json' };
      const WRITERS = 50;
      // Each writer owns a page, so every acknowledged version is unambiguous.
      for (let i = 0; i < WRITERS; i += 10) {
        await Promise.all(
          Array.from({ length: Math.min(10, WRITERS - i) }, async (_, j) => {
            const res = await fetch(`${origin}/v2/pages/`, { method: 'POST', headers: write, body: JSON.stringify({ title: `w${i + j}-n0`, slug: `w${i + j}`, page_type: '*', fields: { n: 0 } }) });
            expect(res.status, await res.text()).toBe(202);
          }),
        );
      }

      const acks: Ack[] = [];
      const statuses = new Map<number, number>();
      const bad: string[] = [];
      let phase: 'before' | 'down' | 'after' = 'before';
      const ackedAfter = new Set<number>();
      let stop = false;
      const writer = async (i: number) => {
        for (let n = 1; !stop; n++) {
          const title = `w${i}-n${n}`;
          let res: Response;
          try {
            res = await fetch(`${origin}/v2/pages/*/w${i}/`, { method: 'PATCH', headers: write, body: JSON.stringify({ title, fields: { n } }), signal: AbortSignal.timeout(20_000) });
          } catch (err) {
            bad.push(`writer ${i}: request failed: ${String((err as Error).cause ?? err)}`);
            await sleep(100);
            continue;
          }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 202) {
            const version = Number(/^"v(\d+)"$/.exec(res.headers.get('etag') ?? '')?.[1]);
            acks.push({ writer: i, version, title });
            if (phase === 'after') ackedAfter.add(i);
            await res.arrayBuffer();
          } else if (res.status === 503) {
            try {
              await expectUnavailable(res);
            } catch (err) {
              bad.push(`writer ${i}: 503 not in the error shape: ${(err as Error).message}`);
            }
            await sleep(50);
          } else {
            bad.push(`writer ${i}: ${res.status} ${await res.text()}`);
          }
        }
      };
      const running = Array.from({ length: WRITERS }, (_, i) => writer(i));

      await sleep(1500);
      expect(acks.length).toBeGreaterThan(0);
      phase = 'down';
      await cluster.stop('immediate');
      await sleep(2500);
      expectAlive(p);
      // While it is down: reads (the fast path and the chain) and readiness answer 503 too.
      await expectUnavailable(await fetch(`${origin}/v2/pages/*/home/?auth_token=${seed.keys.read}`));
      await expectUnavailable(await fetch(`${origin}/v2/pages/*/home/?auth_token=${seed.keys.read}&preview=1`));
      await expectErrorShape(await fetch(`${origin}/readyz`), 503, 'unavailable');
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);

      await cluster.start();
      phase = 'after';
      // Every writer gets through again.
      const deadline = Date.now() + 20_000;
      while (ackedAfter.size < WRITERS && Date.now() < deadline) await sleep(100);
      stop = true;
      await Promise.all(running);
      expectAlive(p);

      expect(bad, bad.slice(0, 10).join('\n')).toEqual([]);
      expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([202]));
      for (const status of statuses.keys()) expect([202, 503]).toContain(status);
      expect(statuses.get(503) ?? 0, 'the outage was seen by the writers').toBeGreaterThan(0);
      expect(ackedAfter.size, 'every writer wrote again after the restart').toBe(WRITERS);

      // Reads recover, on the fast path and through the chain.
      expect((await fetch(`${origin}/v2/pages/*/home/?auth_token=${seed.keys.read}`)).status).toBe(200);
      expect((await fetch(`${origin}/v2/pages/*/home/?auth_token=${seed.keys.preview}&preview=1`)).status).toBe(200);
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);

      // Every acknowledged write is there, as the revision its ETag named.
      const byWriter = new Map<number, Ack[]>();
      for (const a of acks) byWriter.set(a.writer, [...(byWriter.get(a.writer) ?? []), a]);
      for (let i = 0; i < WRITERS; i++) {
        const res = await fetch(`${origin}/v2/manage/pages/*/w${i}/revisions`, { headers: write });
        expect(res.status).toBe(200);
        const revisions = new Map(((await res.json()) as { data: { version: number; name: string }[] }).data.map((r) => [r.version, r.name]));
        for (const a of byWriter.get(i) ?? []) expect(revisions.get(a.version), `writer ${i} version ${a.version}`).toBe(a.title);
      }

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
