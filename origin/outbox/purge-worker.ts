/**
 * Drains the purge outbox (origin/db/schema/purge-outbox.ts) into a Purger.
 *
 * A run claims due rows in a short transaction (`FOR UPDATE SKIP LOCKED`, then pushes their
 * `next_attempt_at` forward by a lease) and commits before any network call, so no database
 * connection — and on PGlite, the only connection — is held while the CDN is slow. Other
 * instances skip rows that are locked or leased, so a row is sent by one worker at a time. Keys
 * of rows with the same `soft` flag are merged into calls of ≤ 256 keys.
 *
 * Bulk writes (an import, 20 writers) coalesce: a run claims up to 500 rows, and a write's kick
 * starts a run at most every `coalesceMs` (50 ms), so what queued meanwhile leaves together in
 * few calls instead of one small call per write. A target that throttles (429/503 with
 * Retry-After) is retried when it says, not on the exponential curve. A row is marked
 * delivered only when every call carrying its keys was acknowledged; otherwise it stays, with
 * `attempts` incremented, a credential-free `last_error` and an exponential, jittered
 * `next_attempt_at`. Nothing is ever deleted or given up on. If the process dies mid-run, the
 * lease expires and the rows are sent again (purges are idempotent: at-least-once).
 */
import { performance } from 'node:perf_hooks';
import { and, asc, count, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { purgeOutbox } from '../db/schema/index.js';
import type { Logger } from '../logger.js';
import { logRunFailure } from '../jobs/periodic.js';
import { FASTLY_MAX_KEYS_PER_CALL, PurgeError, type Purger } from './purgers.js';

/** A non-retryable answer (bad token, 4xx) is usually configuration: wait 2^4 = 16× longer. */
const NON_RETRYABLE_BACKOFF_SHIFT = 4;
const MAX_ERROR_CHARS = 1000;

export interface PurgeWorkerOptions {
  db: Db;
  purger: Purger;
  logger: Logger;
  now?: () => Date;
  /** Rows claimed per run. Default 500 (their keys go in calls of ≤ 256). */
  batchSize?: number;
  /** A kicked run starts at most this long after the previous run started, so bursts coalesce. Default 50 ms. */
  coalesceMs?: number;
  /** First retry delay, before jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on the retry delay, before jitter. Default 5 minutes. */
  maxDelayMs?: number;
  /** In [0, 1); jitter source. Default Math.random. */
  random?: () => number;
  /**
   * How long claimed rows stay invisible to other workers. A run starts no new call once half
   * of it has elapsed (the rest is released), so a row is never in flight past its lease.
   * Default 2 minutes.
   */
  leaseMs?: number;
  /**
   * Awaited after rows are claimed and before they are sent: with read replicas, the fence that
   * waits until they have replayed the claimed writes (origin/db/replicas.ts), so a cache fill
   * after the purge cannot read the old version from a lagging replica.
   */
  beforeSend?: () => Promise<unknown>;
}

export interface DrainResult {
  delivered: number;
  failed: number;
}

export interface ClaimedRow {
  id: number;
  keys: string[];
  soft: boolean;
  attempts: number;
}

export interface PlannedCall {
  soft: boolean;
  keys: string[];
  rowIds: Set<number>;
}

type CallOutcome = { kind: 'ok' } | { kind: 'failed'; error: PurgeError } | { kind: 'deferred' };

export class PurgeWorker {
  readonly #db: Db;
  readonly #purger: Purger;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #batchSize: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #random: () => number;
  readonly #leaseMs: number;
  readonly #beforeSend: (() => Promise<unknown>) | undefined;
  readonly #coalesceMs: number;
  /** performance.now() when the last run started (kicks wait for coalesceMs after it). */
  #lastRunAt = -Infinity;
  #running = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #current: Promise<void> | null = null;

  constructor(opts: PurgeWorkerOptions) {
    this.#db = opts.db;
    this.#purger = opts.purger;
    this.#logger = opts.logger;
    this.#now = opts.now ?? (() => new Date());
    this.#batchSize = opts.batchSize ?? 500;
    this.#coalesceMs = opts.coalesceMs ?? 50;
    this.#baseDelayMs = opts.baseDelayMs ?? 500;
    this.#maxDelayMs = opts.maxDelayMs ?? 300_000;
    this.#random = opts.random ?? Math.random;
    this.#leaseMs = opts.leaseMs ?? 120_000;
    this.#beforeSend = opts.beforeSend;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) throw new Error('PurgeWorker: batchSize must be a positive integer');
    if (!(this.#baseDelayMs > 0) || !(this.#maxDelayMs >= this.#baseDelayMs)) throw new Error('PurgeWorker: need 0 < baseDelayMs <= maxDelayMs');
    if (!(this.#leaseMs > 0)) throw new Error('PurgeWorker: leaseMs must be positive');
  }

  /** Rows not yet acknowledged by the purge target. */
  async pendingCount(): Promise<number> {
    const [row] = await this.#db.select({ n: count() }).from(purgeOutbox).where(isNull(purgeOutbox.deliveredAt));
    return Number(row?.n ?? 0);
  }

  /** One run: claim due rows, send them, record the outcome. */
  async drainOnce(): Promise<DrainResult> {
    const rows = await this.#claim(this.#now());
    if (rows.length === 0) return { delivered: 0, failed: 0 };
    if (this.#beforeSend) await this.#beforeSend();
    const calls = planCalls(rows);
    const outcomes = await this.#send(calls);

    const delivered: number[] = [];
    const released: number[] = [];
    const failed: { row: ClaimedRow; error: PurgeError }[] = [];
    for (const row of rows) {
      let error: PurgeError | null = null;
      let deferred = false;
      for (const [i, call] of calls.entries()) {
        if (!call.rowIds.has(row.id)) continue;
        const outcome = outcomes[i];
        if (outcome?.kind === 'failed') {
          // A refusal outranks an outage: it is the one that needs longer backoff and a human.
          if (!error || (error.retryable && !outcome.error.retryable)) error = outcome.error;
        } else if (outcome?.kind !== 'ok') deferred = true;
      }
      if (error) failed.push({ row, error });
      else if (deferred) released.push(row.id);
      else delivered.push(row.id);
    }

    await this.#record(this.#now(), delivered, released, failed);
    this.#log(rows, delivered.length, released.length, failed);
    return { delivered: delivered.length, failed: failed.length };
  }

  /**
   * Drain now instead of at the next interval (called after a write commits, so purges leave
   * within milliseconds). A run in progress is followed by one more run at once.
   */
  kick(): void {
    if (!this.#running || !this.#tick) return;
    if (this.#current) {
      this.#kicked = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#schedule(this.#tick, this.#coalesceWait());
  }

  /** How long a kicked run waits so runs start at most every coalesceMs. */
  #coalesceWait(): number {
    return Math.max(0, Math.ceil(this.#lastRunAt + this.#coalesceMs - performance.now()));
  }

  #tick: (() => Promise<void>) | null = null;
  #kicked = false;

  /** Runs drainOnce every `intervalMs` (at once again after a full, clean batch); never overlapping. */
  start(intervalMs: number): void {
    if (this.#running) return;
    this.#running = true;
    const tick = async (): Promise<void> => {
      this.#timer = null;
      if (!this.#running) return;
      let more = false;
      this.#lastRunAt = performance.now();
      this.#current = (async () => {
        try {
          const result = await this.drainOnce();
          more = result.failed === 0 && result.delivered >= this.#batchSize;
        } catch (err) {
          logRunFailure(this.#logger, err, 'purge worker run failed', { purger: this.#purger.name });
        }
      })();
      await this.#current;
      this.#current = null;
      const again = more || this.#kicked;
      this.#kicked = false;
      if (this.#running) this.#schedule(tick, again ? this.#coalesceWait() : intervalMs);
    };
    this.#tick = tick;
    this.#schedule(tick, 0);
  }

  /** Stops the loop and waits for the run in progress, if any. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#current;
  }

  #schedule(tick: () => Promise<void>, delayMs: number): void {
    this.#timer = setTimeout(() => void tick(), delayMs);
    this.#timer.unref();
  }

  async #claim(now: Date): Promise<ClaimedRow[]> {
    const leaseUntil = new Date(now.getTime() + this.#leaseMs);
    return this.#db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: purgeOutbox.id, keys: purgeOutbox.keys, soft: purgeOutbox.soft, attempts: purgeOutbox.attempts })
        .from(purgeOutbox)
        .where(and(isNull(purgeOutbox.deliveredAt), lte(purgeOutbox.nextAttemptAt, now)))
        .orderBy(asc(purgeOutbox.id))
        .limit(this.#batchSize)
        .for('update', { skipLocked: true });
      if (rows.length > 0) {
        await tx
          .update(purgeOutbox)
          .set({ nextAttemptAt: leaseUntil })
          .where(
            inArray(
              purgeOutbox.id,
              rows.map((r) => r.id),
            ),
          );
      }
      return rows;
    });
  }

  async #send(calls: PlannedCall[]): Promise<CallOutcome[]> {
    const started = performance.now();
    const outcomes: CallOutcome[] = [];
    let outage: PurgeError | null = null;
    for (const call of calls) {
      if (outage) {
        // The target is down or throttling: do not hammer it with the rest of the batch.
        outcomes.push({ kind: 'failed', error: outage });
        continue;
      }
      if (performance.now() - started > this.#leaseMs / 2) {
        outcomes.push({ kind: 'deferred' });
        continue;
      }
      try {
        await this.#purger.purge(call.keys, call.soft);
        outcomes.push({ kind: 'ok' });
      } catch (err) {
        const error = err instanceof PurgeError ? err : new PurgeError(`${this.#purger.name} purge: ${err instanceof Error ? err.message : String(err)}`, { retryable: true });
        outcomes.push({ kind: 'failed', error });
        if (error.retryable) outage = error;
      }
    }
    return outcomes;
  }

  async #record(now: Date, delivered: number[], released: number[], failed: { row: ClaimedRow; error: PurgeError }[]): Promise<void> {
    await this.#db.transaction(async (tx) => {
      if (delivered.length > 0) {
        await tx
          .update(purgeOutbox)
          .set({ deliveredAt: now })
          .where(and(inArray(purgeOutbox.id, delivered), isNull(purgeOutbox.deliveredAt)));
      }
      if (released.length > 0) {
        await tx
          .update(purgeOutbox)
          .set({ nextAttemptAt: now })
          .where(and(inArray(purgeOutbox.id, released), isNull(purgeOutbox.deliveredAt)));
      }
      for (const { row, error } of failed) {
        const delayMs = this.retryDelayMs(row.attempts, error.retryable, error.retryAfterMs);
        await tx
          .update(purgeOutbox)
          .set({
            attempts: sql`${purgeOutbox.attempts} + 1`,
            lastError: error.message.slice(0, MAX_ERROR_CHARS),
            nextAttemptAt: new Date(now.getTime() + delayMs),
          })
          .where(and(eq(purgeOutbox.id, row.id), isNull(purgeOutbox.deliveredAt)));
      }
    });
  }

  /**
   * The wait after a failed attempt, `attempts` being the number of earlier failures:
   * min(maxDelay, base · 2^attempts) · (0.5 + random/2), i.e. "equal jitter" between half and
   * all of the exponential delay. Non-retryable failures start 16× further along the curve.
   */
  retryDelayMs(attempts: number, retryable: boolean, retryAfter: number | null = null): number {
    if (retryAfter !== null && retryable) {
      // The target said when: then (capped), with up to 10% jitter so instances do not return together.
      const wait = Math.min(this.#maxDelayMs, Math.max(retryAfter, this.#baseDelayMs));
      return Math.round(wait * (1 + Math.min(Math.max(this.#random(), 0), 1) / 10));
    }
    const exponent = Math.min(Math.max(0, attempts) + (retryable ? 0 : NON_RETRYABLE_BACKOFF_SHIFT), 40);
    const capped = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** exponent);
    const r = Math.min(Math.max(this.#random(), 0), 1);
    return Math.round(capped * (0.5 + r / 2));
  }

  #log(rows: ClaimedRow[], delivered: number, released: number, failed: { row: ClaimedRow; error: PurgeError }[]): void {
    const purger = this.#purger.name;
    if (delivered > 0) this.#logger.debug({ purger, rows: delivered }, 'purges delivered');
    if (released > 0) this.#logger.warn({ purger, rows: released }, 'purge run ran out of lease time; rows released for the next run');
    if (failed.length === 0) return;
    const refused = failed.filter((f) => !f.error.retryable);
    const retryable = failed.filter((f) => f.error.retryable);
    if (retryable.length > 0) {
      this.#logger.warn(
        { purger, rows: retryable.length, claimed: rows.length, error: retryable[0]!.error.message, max_attempts: Math.max(...retryable.map((f) => f.row.attempts + 1)) },
        'purge target unavailable; purges kept in the outbox for retry',
      );
    }
    if (refused.length > 0) {
      this.#logger.error(
        { purger, rows: refused.length, claimed: rows.length, status: refused[0]!.error.status, error: refused[0]!.error.message },
        'purge refused by the target (check the purge configuration); purges kept in the outbox, retrying with longer backoff',
      );
    }
  }
}

/**
 * Groups rows by `soft`, de-duplicates keys within a group and packs them into calls of at
 * most 256 keys, remembering which rows each call carries (a row may span several calls, and a
 * key shared by two rows makes both depend on the one call that carries it).
 */
export function planCalls(rows: readonly ClaimedRow[]): PlannedCall[] {
  const calls: PlannedCall[] = [];
  for (const soft of [true, false]) {
    const callOfKey = new Map<string, PlannedCall>();
    let open: PlannedCall | null = null;
    for (const row of rows) {
      if (row.soft !== soft) continue;
      for (const key of row.keys) {
        let call = callOfKey.get(key);
        if (!call) {
          if (!open || open.keys.length >= FASTLY_MAX_KEYS_PER_CALL) {
            open = { soft, keys: [], rowIds: new Set() };
            calls.push(open);
          }
          call = open;
          call.keys.push(key);
          callOfKey.set(key, call);
        }
        call.rowIds.add(row.id);
      }
    }
  }
  return calls;
}
