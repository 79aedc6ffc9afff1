/**
 * Last-used times of API keys, recorded in batches: authentication only notes the key and the
 * time in memory (`touch`), and `flush` writes everything pending with one UPDATE … FROM
 * (VALUES …) statement — never a write per request. A time only ever moves forward, so
 * several origin instances flushing in any order leave the latest one.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import { logRunFailure } from '../../jobs/periodic.js';

/** What the API-key middleware needs (AppContext.keyUsage). */
export interface KeyUsageSink {
  touch(keyId: string, at: Date): void;
}

export interface KeyUsageRecorderOptions {
  db: Db;
  logger: Logger;
  /** How often `start` flushes. */
  flushIntervalMs: number;
}

/** Keys per statement; far above a normal interval's worth, and under Postgres' 65,535 parameters. */
export const MAX_KEYS_PER_STATEMENT = 10_000;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Pending entries kept while the database is unreachable (oldest keys dropped beyond it). */
const MAX_PENDING = 100_000;

export class KeyUsageRecorder implements KeyUsageSink {
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #pending = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #flushing: Promise<number> | null = null;

  constructor(opts: KeyUsageRecorderOptions) {
    this.#db = opts.db;
    this.#logger = opts.logger;
    this.#intervalMs = opts.flushIntervalMs;
  }

  /** Notes a use in memory; no I/O. */
  touch(keyId: string, at: Date): void {
    const t = at.getTime();
    // One malformed id would fail the whole statement (and every retry of it).
    if (!UUID_RE.test(keyId) || !Number.isFinite(t)) return;
    const seen = this.#pending.get(keyId);
    if (seen !== undefined && seen >= t) return;
    if (seen === undefined && this.#pending.size >= MAX_PENDING) return;
    this.#pending.set(keyId, t);
  }

  /** Keys waiting for the next flush. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Writes every pending time (one statement per MAX_KEYS_PER_STATEMENT keys; one in practice)
   * and returns how many statements ran. On failure the entries go back to the queue.
   */
  async flush(): Promise<number> {
    // Serialized, so a timer flush and stop() never interleave.
    while (this.#flushing) await this.#flushing.catch(() => 0);
    this.#flushing = this.#flushPending();
    try {
      return await this.#flushing;
    } finally {
      this.#flushing = null;
    }
  }

  async #flushPending(): Promise<number> {
    if (this.#pending.size === 0) return 0;
    const batch = [...this.#pending];
    this.#pending = new Map();
    let statements = 0;
    for (let i = 0; i < batch.length; i += MAX_KEYS_PER_STATEMENT) {
      const chunk = batch.slice(i, i + MAX_KEYS_PER_STATEMENT);
      try {
        const values = sql.join(
          chunk.map(([id, t]) => sql`(${id}::uuid, ${new Date(t).toISOString()}::timestamptz)`),
          sql`, `,
        );
        await this.#db.execute(
          sql`update api_keys as k set last_used_at = v.t from (values ${values}) as v(id, t) where k.id = v.id and (k.last_used_at is null or k.last_used_at < v.t)`,
        );
        statements++;
      } catch (err) {
        for (const [id, t] of batch.slice(i)) this.touch(id, new Date(t));
        logRunFailure(this.#logger, err, 'key usage flush failed', { keys: batch.length - i });
        throw err;
      }
    }
    return statements;
  }

  start(intervalMs = this.#intervalMs): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.flush().catch(() => {}); // logged in #flushPending; retried next interval
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and writes what is pending. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush().catch(() => {});
  }
}
