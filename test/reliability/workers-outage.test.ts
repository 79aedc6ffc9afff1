/**
 * Background workers through a Postgres outage (their own throwaway cluster): the scheduler (and
 * with it every PeriodicRunner job: the key revoker), the purge worker, the webhook worker and the
 * key-usage recorder keep running while Postgres is stopped (`-m immediate`), log the outage as a
 * warning without statements or parameters, and do their work once it is back: the page that fell
 * due during the outage is published, its purge delivered, the key's last use written.
 * An unhandled rejection anywhere here fails the run (vitest reports it).
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../origin/db/client.js';
import { loadOriginConfig } from '../../origin/config.js';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { seedDemo, type DemoSeed } from '../../origin/db/seed.js';
import { KeyRevoker } from '../../origin/identity/keys/key-revoker.js';
import { PurgeWorker } from '../../origin/outbox/purge-worker.js';
import type { Purger } from '../../origin/outbox/purgers.js';
import { Scheduler } from '../../origin/content/scheduler.js';
import { WebhookWorker } from '../../origin/outbox/webhook-worker.js';
import { createLogger } from '../../origin/logger.js';
import { KeyUsageRecorder } from '../../origin/identity/keys/key-usage.js';
import { createPage, updatePage } from '../../origin/content/pages/writes.js';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { LogSink } from '../helpers/stack.js';

let cluster: PgCluster;
let database: Database;
let seed: DemoSeed;

beforeAll(async () => {
  cluster = await startPgCluster();
  const url = await cluster.createDatabase('ghee_workers');
  database = await createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: url, DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: 5 });
  await database.migrate();
  seed = (await seedDemo(database.db))!;
}, 60_000);

afterAll(async () => {
  await database?.close();
  await cluster?.dispose();
});

const rows = async <T>(query: SQL): Promise<T[]> => (await database.db.execute(query)) as unknown as T[];

/** Records what it was asked to purge (the edge's side of the contract). */
class RecordingPurger implements Purger {
  readonly name = 'recording';
  readonly keys: string[] = [];
  purge(keys: string[]): Promise<void> {
    this.keys.push(...keys);
    return Promise.resolve();
  }
}

describe('background workers through a Postgres outage', () => {
  it('survive it, log it without parameters, and resume when Postgres is back', async () => {
    const db = database.db;
    const logs = new LogSink();
    const logger = createLogger('info', logs);
    // The scheduler's clock: the page falls due while Postgres is down.
    let clock = Date.now();
    const due = new Date(clock + 60_000);
    const page = { spaceId: seed.spaceId, keyId: null, userId: null, pageType: '*', slug: 'launch', locale: null, mayPublish: true };
    expect(await createPage(db, { ...page, name: 'Launch', status: 'draft', fields: {} })).toMatchObject({ ok: true });
    const saved = await updatePage(db, { ...page, status: 'scheduled', scheduledAt: due }, null);
    expect(saved).toMatchObject({ ok: true });
    const [key] = await rows<{ id: string }>(sql`select id from api_keys where kind = 'read' limit 1`);

    const purger = new RecordingPurger();
    const purgeWorker = new PurgeWorker({ db, purger, logger: logger.child({ job: 'purge' }) });
    const scheduler = new Scheduler({ db, logger: logger.child({ job: 'scheduler' }), now: () => new Date(clock), onPurgeQueued: () => purgeWorker.kick() });
    const keyRevoker = new KeyRevoker({ db, logger: logger.child({ job: 'key-revoker' }) });
    const webhooks = new WebhookWorker({ db, envelope: devEnvelope(), logger: logger.child({ job: 'webhooks' }), allowLoopback: true });
    const keyUsage = new KeyUsageRecorder({ db, logger: logger.child({ job: 'key-usage' }), flushIntervalMs: 100 });
    purgeWorker.start(100);
    scheduler.start(100);
    keyRevoker.start(100);
    webhooks.start(100);
    keyUsage.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      await purgeWorker.kick();
      await expect.poll(() => purgeWorker.pendingCount(), { timeout: 5_000 }).toBe(0);
      purger.keys.length = 0;

      await cluster.stop('immediate');
      clock = due.getTime() + 1000;
      keyUsage.touch(key!.id, new Date());
      await new Promise((r) => setTimeout(r, 1500));
      // Each loop met the outage and logged it as such.
      for (const msg of ['scheduler run failed', 'key revoker run failed', 'webhook worker pass failed', 'key usage flush failed']) {
        expect(logs.lines.some((l) => l.includes('"level":"warn"') && l.includes('"database_unavailable":true') && l.includes(`"msg":"${msg}"`)), msg).toBe(true);
      }

      await cluster.start();
      // The page that fell due is published, its purge delivered, the key's use written.
      await expect
        .poll(async () => (await rows<{ status: string }>(sql`select status from pages where space_id = ${seed.spaceId} and slug = 'launch'`))[0]?.status, { timeout: 15_000 })
        .toBe('published');
      await expect.poll(() => purger.keys.length, { timeout: 10_000 }).toBeGreaterThan(0);
      await expect
        .poll(async () => (await rows<{ used: Date | null }>(sql`select last_used_at as used from api_keys where id = ${key!.id}`))[0]?.used ?? null, { timeout: 10_000 })
        .not.toBeNull();
      expect(logs.text).not.toMatch(/Failed query|params|"level":"(error|fatal)"/);
    } finally {
      if (!cluster.running) await cluster.start();
      await Promise.all([purgeWorker.stop(), scheduler.stop(), keyRevoker.stop(), webhooks.stop(), keyUsage.stop()]);
    }
  }, 60_000);
});
