/**
 * The purge target and the webhook receiver down during writes (a real origin process on a
 * Postgres cluster of the test's own; both targets are local HTTP servers answering 503 while
 * "down"): writes keep being acknowledged, purges and deliveries are retried, and once the targets
 * return every purge key and every webhook delivery arrives — nothing is lost or given up on.
 *
 * The outage is 60 s. The suite uses FAULT_OUTAGE_MS (default 8 s) with the purge retry
 * cap at FAULT_PURGE_RETRY_MAX_MS (default 2 s) to stay short; `FAULT_OUTAGE_MS=60000
 * FAULT_PURGE_RETRY_MAX_MS=300000 npx vitest run test/reliability/outbound-outage.test.ts` runs
 * the full 60 s outage with the production retry cap (the printed line says how long delivery
 * took after the targets returned).
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeFromConfig } from '../../origin/crypto/envelope.js';
import { createWebhook } from '../../origin/outbox/webhooks.js';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { spawnTs } from '../helpers/process.js';
import { CRASH_SIGNS, openDb, purgeOutboxState, seededDatabase, sleep, startPurgeTarget, WriteLoad, type PurgeTarget } from './write-load.js';

const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 8000);
const PURGE_RETRY_MAX_MS = Number(process.env.FAULT_PURGE_RETRY_MAX_MS ?? 2000);
const MASTER_KEYS = `v1:${randomBytes(32).toString('base64')}`;
const SECRET = 'outage-test-edge-shared-secret-0123456789abcdef';

interface Receiver {
  url: string;
  down: boolean;
  readonly delivered: Set<string>;
  refused: number;
  lastOkAt: number;
  server: Server;
}

async function startReceiver(): Promise<Receiver> {
  const r = { down: false, delivered: new Set<string>(), refused: 0, lastOkAt: 0 } as Receiver;
  r.server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (r.down) {
        r.refused++;
        res.writeHead(503).end();
        return;
      }
      r.delivered.add(String(req.headers['x-ghee-delivery']));
      r.lastOkAt = Date.now();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(r.server.address() as { port: number }).port}/hook`;
  return r;
}

let cluster: PgCluster;
let purge: PurgeTarget;
let hooks: Receiver;

beforeAll(async () => {
  [cluster, purge, hooks] = await Promise.all([startPgCluster(), startPurgeTarget(), startReceiver()]);
}, 60_000);

afterAll(async () => {
  await purge?.close();
  hooks?.server.closeAllConnections();
  await new Promise((r) => (hooks ? hooks.server.close(r) : r(undefined)));
  await cluster?.dispose();
});

async function deliveries(url: string): Promise<{ id: string; status: string; attempts: number }[]> {
  const db = await openDb(url);
  try {
    return (await db.db.execute(sql`select id, status, attempts from webhook_deliveries`)) as unknown as { id: string; status: string; attempts: number }[];
  } finally {
    await db.close();
  }
}

describe(`purge target and webhook receiver down for ${OUTAGE_MS / 1000} s during writes`, () => {
  it('writes go on; every purge and every webhook delivery arrives after the targets return', async () => {
    const { url, seed } = await seededDatabase(cluster, 'ghee_outage');
    const db = await openDb(url);
    try {
      const created = await createWebhook(db.db, { spaceId: seed.spaceId, url: hooks.url, events: ['*'], allowLoopback: true }, envelopeFromConfig(MASTER_KEYS));
      expect(created.ok).toBe(true);
    } finally {
      await db.close();
    }
    const p = spawnTs('origin/main.ts', {
      DATABASE_URL: url,
      DATABASE_SSLMODE: 'disable',
      ORIGIN_PORT: '0',
      LOG_LEVEL: 'warn',
      HIBP_URL: 'off',
      ORIGIN_RATE_LIMIT: 'false',
      MASTER_KEYS,
      PURGE_TARGET: 'edge',
      EDGE_PURGE_URL: purge.url,
      EDGE_SHARED_SECRET: SECRET,
      PURGE_INTERVAL_MS: '200',
      PURGE_RETRY_MAX_MS: String(PURGE_RETRY_MAX_MS),
      WEBHOOK_INTERVAL_MS: '200',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
    });
    const origin = (await p.waitFor(/"url":"(http:\/\/[^"]+)"/, 30_000))[1]!;
    const load = new WriteLoad(() => origin, seed.keys.write, 10);
    try {
      await load.createPages();
      purge.down = true;
      hooks.down = true;
      const downAt = Date.now();
      // Writers pace themselves: the outage is about delivery, not throughput.
      load.start({ allowed: [202] });
      await sleep(OUTAGE_MS);
      await load.stop();
      const acked = load.acks.length;
      const during = { purgeRefused: purge.counts.refused, hooksRefused: hooks.refused, pending: (await purgeOutboxState(url)).pending };
      purge.down = false;
      hooks.down = false;
      const upAt = Date.now();

      expect(load.bad, load.bad.slice(0, 5).join('\n')).toEqual([]);
      expect(acked, 'writes were acknowledged during the outage').toBeGreaterThan(0);
      expect(during.purgeRefused, 'the purge target was tried while down').toBeGreaterThan(0);
      expect(during.hooksRefused, 'the webhook receiver was tried while down').toBeGreaterThan(0);
      expect(during.pending).toBeGreaterThan(0);

      // Everything drains once the targets are back.
      const bound = Math.max(30_000, 2.2 * Math.min(PURGE_RETRY_MAX_MS, OUTAGE_MS * 2) + 10_000);
      const deadline = upAt + bound;
      let state = await purgeOutboxState(url);
      let rows = await deliveries(url);
      while ((state.pending > 0 || rows.some((d) => d.status === 'pending')) && Date.now() < deadline) {
        await sleep(250);
        [state, rows] = await Promise.all([purgeOutboxState(url), deliveries(url)]);
      }
      expect(state.pending, 'purge outbox drained').toBe(0);
      expect([...state.keys].filter((k) => !purge.keys.has(k)), 'purge keys never delivered').toEqual([]);
      expect(rows.length, 'a delivery per write').toBeGreaterThanOrEqual(acked);
      expect(rows.filter((d) => d.status !== 'delivered').map((d) => `${d.id} ${d.status} after ${d.attempts}`)).toEqual([]);
      expect(rows.filter((d) => !hooks.delivered.has(d.id)), 'deliveries the receiver never got').toEqual([]);
      const retried = rows.filter((d) => d.attempts > 1).length;
      expect(retried, 'deliveries were retried, not dropped').toBeGreaterThan(0);
      console.log(
        `[fault] targets down ${(upAt - downAt) / 1000} s (purge retry cap ${PURGE_RETRY_MAX_MS} ms): ${acked} writes acknowledged during the outage;` +
          ` purge: ${state.total} outbox rows, ${during.purgeRefused} calls refused while down, all ${state.keys.size} keys delivered ${((purge.lastOkAt - upAt) / 1000).toFixed(1)} s after the target returned;` +
          ` webhooks: ${rows.length} deliveries, ${hooks.refused} attempts refused, ${retried} retried (max ${Math.max(...rows.map((d) => d.attempts))} attempts), all delivered ${((hooks.lastOkAt - upAt) / 1000).toFixed(1)} s after the receiver returned, 0 failed`,
      );
      expect(p.stdout() + p.stderr()).not.toMatch(CRASH_SIGNS);
    } finally {
      await load.stop();
      p.kill('SIGTERM');
      await Promise.race([p.exited, sleep(15_000)]);
      p.kill('SIGKILL');
    }
  }, 60_000 + 3 * OUTAGE_MS + Math.min(PURGE_RETRY_MAX_MS, 2 * OUTAGE_MS) * 3);
});
