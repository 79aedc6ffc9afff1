/**
 * Database metrics:
 *
 *   ghee_db_query_duration_seconds{outcome}     histogram of every Drizzle query (ok, error)
 *   ghee_db_queries_in_flight                   queries sent and not yet answered (waiting for a
 *                                               pooled connection included: postgres.js keeps no
 *                                               public pool statistics)
 *   ghee_db_pool_max{database}                  the pool's size (DATABASE_POOL_MAX; 1 for PGlite)
 *
 * and the queues, sampled when scraped (one statement per scrape):
 *
 *   ghee_purge_outbox_depth / ghee_purge_outbox_oldest_age_seconds      undelivered purges
 *   ghee_webhook_backlog / ghee_webhook_oldest_age_seconds              pending webhook deliveries
 *   ghee_scheduler_lag_seconds            how long the most overdue scheduled page or post is past its time
 *   ghee_key_usage_pending_keys           API keys whose last use waits for the next batch write
 *
 * Query timing wraps the `execute` of Drizzle's prepared queries (postgres.js and PGlite), which
 * every builder query, `db.execute` and transaction statement goes through; the read path's raw
 * statement (origin/content/pages/read-path.ts) is timed by its request histogram instead. A
 * unit test (database.test.ts) fails if a Drizzle upgrade moves the method.
 */
import { sql } from 'drizzle-orm';
import type { PgPreparedQuery } from 'drizzle-orm/pg-core/session';
import { PostgresJsPreparedQuery } from 'drizzle-orm/postgres-js/session';
import { PglitePreparedQuery } from 'drizzle-orm/pglite/session';
import { Gauge, Histogram } from 'prom-client';
import type { Database } from '../../db/client.js';
import type { OriginConfig } from '../../config.js';
import { originRegistry, sampledGauge } from './registry.js';

export const queryDuration = new Histogram({
  name: 'ghee_db_query_duration_seconds',
  help: 'Database queries (Drizzle) by outcome, with their duration in seconds (pool wait included).',
  labelNames: ['outcome'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
  registers: [originRegistry],
});

let inFlight = 0;
new Gauge({
  name: 'ghee_db_queries_in_flight',
  help: 'Database queries sent and not yet answered (running, or waiting for a pooled connection).',
  registers: [originRegistry],
  collect() {
    this.set(inFlight);
  },
});

const OK = { outcome: 'ok' } as const;
const ERROR = { outcome: 'error' } as const;

type Execute = (this: PgPreparedQuery<never>, ...args: unknown[]) => Promise<unknown>;
const TIMED = Symbol.for('ghee.metrics.timed');

function timed(proto: { execute: Execute } & Record<symbol, unknown>): void {
  if (proto[TIMED]) return;
  const original = proto.execute;
  proto.execute = async function timedExecute(this: PgPreparedQuery<never>, ...args: unknown[]) {
    const started = performance.now();
    inFlight++;
    try {
      const result = await original.apply(this, args);
      queryDuration.observe(OK, (performance.now() - started) / 1000);
      return result;
    } catch (err) {
      queryDuration.observe(ERROR, (performance.now() - started) / 1000);
      throw err;
    } finally {
      inFlight--;
    }
  };
  proto[TIMED] = true;
}

/** Times every Drizzle query of this process (idempotent). */
export function instrumentQueries(): void {
  timed(PostgresJsPreparedQuery.prototype as unknown as { execute: Execute } & Record<symbol, unknown>);
  timed(PglitePreparedQuery.prototype as unknown as { execute: Execute } & Record<symbol, unknown>);
}

/** What the queue gauges read: the database of the app last built (one per process in production). */
interface Watched {
  database: Database;
  poolMax: number;
  keyUsage: { pendingCount?: number } | undefined;
}
let watched: Watched | null = null;

interface QueueSample {
  purgeDepth: number;
  purgeOldestS: number;
  webhookBacklog: number;
  webhookOldestS: number;
  schedulerLagS: number;
}
/** The statement of the scrape in progress: the queue gauges' collects all start in one tick (prom-client), so they share it. */
let pending: Promise<QueueSample | null> | null = null;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

async function readQueues(database: Database): Promise<QueueSample | null> {
  try {
    const result = await database.db.execute(sql`
      select
        (select count(*) from purge_outbox where delivered_at is null) as purge_depth,
        (select coalesce(extract(epoch from now() - min(created_at)), 0) from purge_outbox where delivered_at is null) as purge_oldest,
        (select count(*) from webhook_deliveries where status = 'pending') as webhook_backlog,
        (select coalesce(extract(epoch from now() - min(created_at)), 0) from webhook_deliveries where status = 'pending') as webhook_oldest,
        greatest(
          (select coalesce(extract(epoch from now() - min(scheduled_at)), 0) from pages where status = 'scheduled' and deleted_at is null and scheduled_at <= now()),
          (select coalesce(extract(epoch from now() - min(scheduled_at)), 0) from posts where status = 'scheduled' and deleted_at is null and scheduled_at <= now())
        ) as scheduler_lag`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
    const r = rows[0] ?? {};
    return {
      purgeDepth: num(r.purge_depth),
      purgeOldestS: num(r.purge_oldest),
      webhookBacklog: num(r.webhook_backlog),
      webhookOldestS: num(r.webhook_oldest),
      schedulerLagS: Math.max(0, num(r.scheduler_lag)),
    };
  } catch {
    return null; // the database unavailable: no samples (the scrape still answers)
  }
}

function queues(): Promise<QueueSample | null> {
  if (!watched) return Promise.resolve(null);
  if (!pending) {
    const read = readQueues(watched.database);
    pending = read;
    void read.finally(() => {
      if (pending === read) pending = null;
    });
  }
  return pending;
}

const queueGauge = (name: string, help: string, pick: (q: QueueSample) => number) =>
  sampledGauge(name, help, 'database', async () => {
    const q = await queues();
    return q && watched ? { label: watched.database.kind, value: pick(q) } : null;
  });

queueGauge('ghee_purge_outbox_depth', 'Purges in the outbox not yet acknowledged by the purge target.', (q) => q.purgeDepth);
queueGauge('ghee_purge_outbox_oldest_age_seconds', 'Age of the oldest undelivered purge (0 when none).', (q) => q.purgeOldestS);
queueGauge('ghee_webhook_backlog', 'Webhook deliveries pending (not yet delivered or given up).', (q) => q.webhookBacklog);
queueGauge('ghee_webhook_oldest_age_seconds', 'Age of the oldest pending webhook delivery (0 when none).', (q) => q.webhookOldestS);
queueGauge('ghee_scheduler_lag_seconds', 'How far past its time the most overdue scheduled page or post is (0 when none is due).', (q) => q.schedulerLagS);
sampledGauge('ghee_db_pool_max', 'Connections the database pool may open (DATABASE_POOL_MAX; 1 for the embedded database).', 'database', async () =>
  watched ? { label: watched.database.kind, value: watched.poolMax } : null,
);
sampledGauge('ghee_key_usage_pending_keys', 'API keys whose last-use time waits for the next batch write (written every 30 s).', 'database', async () => {
  const pending = watched?.keyUsage?.pendingCount;
  return watched && typeof pending === 'number' ? { label: watched.database.kind, value: pending } : null;
});

/** Points the queue gauges at `database` (the app's); the key-usage recorder when there is one. */
export function watchDatabase(database: Database, config: Pick<OriginConfig, 'DATABASE_POOL_MAX'>, keyUsage?: object): void {
  watched = { database, poolMax: database.kind === 'pglite' ? 1 : config.DATABASE_POOL_MAX, keyUsage: keyUsage as Watched['keyUsage'] };
  pending = null;
}
