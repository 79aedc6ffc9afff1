/**
 * Read routing to streaming replicas (DATABASE_REPLICA_URLS) with a freshness bound
 * (DATABASE_REPLICA_MAX_LAG_MS), for reads that may lag: published content, lists, search and
 * feeds. Writes, reads after a write, sessions, keys, auth and management reads never come here.
 *
 * Freshness is measured, never assumed. Every DATABASE_REPLICA_CHECK_MS the checker reads the
 * primary's `pg_current_wal_lsn()` (noting when it sent the query: every commit before that moment
 * is at or below the answer), then each replica's `pg_last_wal_replay_lsn()`. A replica that has
 * replayed past a sample taken at time s holds every commit made before s: it is "fresh as of s".
 * A replica serves a read at time t only when it answered its last check, is still a standby, and
 * t − s ≤ the bound. The test is made at the read, so a replica that stalls or dies after its
 * last check drops out by itself as its guarantee ages; a read that fails on a replica (down,
 * restarting, a recovery conflict) is run again on the primary and the replica is marked down
 * until its next good check. Without a primary sample (the primary down) nothing is fresh: reads
 * go to the primary.
 *
 * Purges (why the edge never re-caches an old version): a write commits on the primary at C and
 * its purge leaves later. An edge miss after the purge reads a replica at t ≥ purge time P whose
 * content is as of s ≥ t − bound. The purge worker calls `fence()` before sending a batch: it
 * samples the primary's LSN (after the batch's rows committed) and waits until every configured
 * replica has replayed past it — usually milliseconds — or, when one cannot say (down,
 * lagging), until the bound has passed since the sample. Either way every replica answer after
 * the purge includes the write: a replica that has replayed past the write holds it for good, and
 * one that has not cannot be fresh enough to serve once the bound has passed. Purges are delayed
 * by the replicas' replay time (at most the bound), never skipped. The reasoning holds across
 * origin instances: each measures freshness against the primary's LSN with its own clock, and
 * only durations are compared.
 *
 * `read(fn, { spaceId })` also keeps reads of a space this process wrote within the bound on the
 * primary (read-your-writes for the writer's next requests to this instance).
 */
import { withReplicas } from 'drizzle-orm/pg-core';
import type { Logger } from '../logger.js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema/index.js';

/** origin/db/client.ts's Db (not imported: client.ts builds the router). */
type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A postgres.js client: tagged calls for the checks, `end` to close. */
export interface CheckClient {
  unsafe(query: string): Promise<readonly Record<string, unknown>[]>;
}

export interface ReplicaEndpoint {
  /** For logs: host:port/database (never credentials). */
  label: string;
  db: Db;
  client: CheckClient;
}

export type ReplicaState = 'up' | 'lagging' | 'down' | 'not_standby' | 'unknown';

export interface ReplicaStatus {
  /** `replica-<n>` in DATABASE_REPLICA_URLS order (answers never carry host names). */
  name: string;
  state: ReplicaState;
  /** Serving reads now. */
  serving: boolean;
  /** Upper bound of its staleness now (ms since the newest primary sample it has replayed), null when never fresh. */
  lag_ms: number | null;
  /** Bytes of WAL behind the newest primary sample, at the last check. */
  lag_bytes: number | null;
  /** Reads it answered (with data or a refusal such as a 404), and reads that failed on it and were run on the primary, since start. */
  reads: number;
  fallbacks: number;
}

export interface ReplicaOptions {
  primary: { db: Db; client: CheckClient };
  replicas: ReplicaEndpoint[];
  maxLagMs: number;
  checkMs: number;
  logger?: Logger;
  /** origin/db/client.ts isDatabaseUnavailable: the replica cannot serve now (down, restarting, connection lost). */
  isUnavailable: (err: unknown) => boolean;
  /** Monotonic milliseconds (injectable for tests). */
  now?: () => number;
}

/** SQLSTATEs of a replica that could not answer a read that the primary can: a recovery conflict cancels it (40001), or the database is being dropped under it. */
const RETRY_ON_PRIMARY = new Set(['40001', '57P04', '25006']);

/** Errors that mean the replica itself is unusable (mark it down). */
function errorCode(err: unknown, depth = 0): string | null {
  if (!err || typeof err !== 'object' || depth > 5) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((err as { cause?: unknown }).cause, depth + 1);
}

/** An LSN `X/Y` (hex) as a number of bytes (exact below 2^53: 8 PB of WAL). */
export function parseLsn(lsn: unknown): number | null {
  if (typeof lsn !== 'string') return null;
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!m) return null;
  return parseInt(m[1]!, 16) * 2 ** 32 + parseInt(m[2]!, 16);
}

interface Sample {
  at: number;
  lsn: number;
}

class Replica {
  readonly name: string;
  readonly label: string;
  readonly client: CheckClient;
  /** The drizzle handle reads get: selects on the replica, any write or transaction on the primary (drizzle's withReplicas). */
  readonly handle: Db;
  state: ReplicaState = 'unknown';
  freshAsOf: number | null = null;
  lagBytes: number | null = null;
  reads = 0;
  fallbacks = 0;
  lastError: string | null = null;

  constructor(index: number, endpoint: ReplicaEndpoint, primary: Db) {
    this.name = `replica-${index + 1}`;
    this.label = endpoint.label;
    this.client = endpoint.client;
    const routed = withReplicas(primary, [endpoint.db], () => endpoint.db);
    // Raw statements (origin/content/pages/pages.ts rawQuery reads `$client`) go to the replica too:
    // reads only — a write there fails (read-only transaction), it can never land silently.
    this.handle = Object.assign(routed, { $client: (endpoint.db as unknown as { $client: unknown }).$client }) as unknown as Db;
  }
}

export class ReplicaRouter {
  readonly #primary: { db: Db; client: CheckClient };
  readonly #replicas: Replica[];
  readonly #maxLagMs: number;
  readonly #checkMs: number;
  readonly #logger: Logger | undefined;
  readonly #now: () => number;
  readonly #isUnavailable: (err: unknown) => boolean;
  /** Recent primary samples, oldest first. */
  #samples: Sample[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #checking: Promise<void> | null = null;
  #next = 0;
  /** Spaces this process wrote, and when (monotonic ms). */
  readonly #recentWrites = new Map<string, number>();

  constructor(opts: ReplicaOptions) {
    this.#primary = opts.primary;
    this.#replicas = opts.replicas.map((r, i) => new Replica(i, r, opts.primary.db));
    this.#maxLagMs = opts.maxLagMs;
    this.#checkMs = opts.checkMs;
    this.#logger = opts.logger;
    this.#now = opts.now ?? (() => performance.now());
    this.#isUnavailable = opts.isUnavailable;
  }

  get maxLagMs(): number {
    return this.#maxLagMs;
  }

  /** A replica that may serve a read now, round-robin among those that may; null: the primary. */
  pick(spaceId?: string | null): Replica | null {
    const now = this.#now();
    if (spaceId) {
      const wrote = this.#recentWrites.get(spaceId);
      if (wrote !== undefined) {
        if (now - wrote <= this.#maxLagMs) return null;
        this.#recentWrites.delete(spaceId);
      }
    }
    const n = this.#replicas.length;
    for (let i = 0; i < n; i++) {
      const r = this.#replicas[(this.#next + i) % n]!;
      if (this.#serving(r, now)) {
        this.#next = (this.#next + i + 1) % n;
        return r;
      }
    }
    return null;
  }

  #serving(r: Replica, now: number): boolean {
    return (r.state === 'up' || r.state === 'lagging') && r.freshAsOf !== null && now - r.freshAsOf <= this.#maxLagMs;
  }

  /**
   * Runs a read that may lag on a fresh replica (`fn` gets its handle), else on the primary. A
   * read that fails on the replica because it cannot answer (down, restarting, a recovery
   * conflict) runs again on the primary; its error is never the caller's.
   */
  async read<T>(fn: (db: Db) => Promise<T>, opts: { spaceId?: string | null } = {}): Promise<T> {
    const r = this.pick(opts.spaceId);
    if (!r) return fn(this.#primary.db);
    try {
      const answer = await fn(r.handle);
      r.reads++; // counted once answered: a read in flight when the replica dies is a fallback, never both
      return answer;
    } catch (err) {
      const code = errorCode(err);
      const unavailable = this.#isUnavailable(err);
      if (!unavailable && !(code !== null && RETRY_ON_PRIMARY.has(code))) {
        r.reads++; // answered with a refusal (e.g. a bad query): the replica did answer
        throw err;
      }
      r.fallbacks++;
      if (unavailable) this.#markDown(r, code ?? 'unavailable');
      return fn(this.#primary.db);
    }
  }

  /** Notes a committed write in `spaceId`: this process reads that space on the primary for the bound. */
  noteWrite(spaceId: string | null): void {
    if (!spaceId) return;
    this.#recentWrites.set(spaceId, this.#now());
    if (this.#recentWrites.size > 10_000) {
      const cutoff = this.#now() - this.#maxLagMs;
      for (const [k, at] of this.#recentWrites) if (at < cutoff) this.#recentWrites.delete(k);
    }
  }

  #markDown(r: Replica, reason: string): void {
    if (r.state !== 'down') this.#logger?.warn({ replica: r.name, host: r.label, reason }, 'replica down: its reads go to the primary');
    r.state = 'down';
    r.lastError = reason;
  }

  /** One check of every replica against a fresh primary sample. */
  check(): Promise<void> {
    return (this.#checking ??= this.#checkOnce().finally(() => {
      this.#checking = null;
    }));
  }

  async #checkOnce(): Promise<void> {
    const sentAt = this.#now();
    let sample: Sample | null = null;
    try {
      const [row] = await this.#primary.client.unsafe('select pg_current_wal_lsn()::text as lsn');
      const lsn = parseLsn(row?.lsn);
      if (lsn !== null) sample = { at: sentAt, lsn };
    } catch {
      // The primary unreachable: no replica can be shown fresh; they age out by themselves.
    }
    if (sample) {
      this.#samples.push(sample);
      const keepFrom = sentAt - 2 * this.#maxLagMs;
      while (this.#samples.length > 1 && (this.#samples[0]!.at < keepFrom || this.#samples.length > 512)) this.#samples.shift();
    }
    await Promise.all(this.#replicas.map((r) => this.#checkReplica(r)));
  }

  async #checkReplica(r: Replica): Promise<void> {
    let replay: number | null;
    let recovery: boolean;
    try {
      const [row] = await withTimeout(
        r.client.unsafe('select pg_is_in_recovery() as recovery, pg_last_wal_replay_lsn()::text as replay'),
        Math.max(this.#checkMs, 1000),
      );
      recovery = row?.recovery === true;
      replay = parseLsn(row?.replay);
    } catch (err) {
      this.#markDown(r, errorCode(err) ?? (err instanceof Error ? err.message.slice(0, 200) : 'check failed'));
      return;
    }
    if (!recovery) {
      // Promoted (or pointed at a primary by mistake): its data may have diverged from the primary's.
      if (r.state !== 'not_standby') this.#logger?.warn({ replica: r.name, host: r.label }, 'replica is not a standby: skipped');
      r.state = 'not_standby';
      return;
    }
    const newest = this.#samples.at(-1);
    r.lagBytes = newest && replay !== null ? Math.max(0, newest.lsn - replay) : null;
    if (replay !== null) {
      for (let i = this.#samples.length - 1; i >= 0; i--) {
        const s = this.#samples[i]!;
        if (s.lsn <= replay) {
          if (r.freshAsOf === null || s.at > r.freshAsOf) r.freshAsOf = s.at;
          break;
        }
      }
    }
    const was = r.state;
    r.state = this.#serving(r, this.#now()) ? 'up' : 'lagging';
    if (was !== r.state && (was === 'down' || r.state === 'lagging' || was === 'lagging')) {
      this.#logger?.[r.state === 'up' ? 'info' : 'warn']({ replica: r.name, host: r.label, lag_bytes: r.lagBytes }, r.state === 'up' ? 'replica serving reads' : 'replica lags beyond the bound: skipped');
    }
  }

  /**
   * The purge fence: resolves once every replica has replayed past the primary's WAL position
   * now (true), or once the bound has passed since (false: some replica could not be shown to
   * have it, and by then it cannot serve without having it).
   */
  async fence(): Promise<boolean> {
    if (this.#replicas.length === 0) return true;
    const started = this.#now();
    let target: number | null = null;
    try {
      const [row] = await this.#primary.client.unsafe('select pg_current_wal_lsn()::text as lsn');
      target = parseLsn(row?.lsn);
    } catch {
      // Unknown position: wait out the bound.
    }
    const waiting = new Set(this.#replicas);
    for (;;) {
      if (target !== null) {
        await Promise.all(
          [...waiting].map(async (r) => {
            try {
              const [row] = await withTimeout(r.client.unsafe('select pg_last_wal_replay_lsn()::text as replay'), 1000);
              const replay = parseLsn(row?.replay);
              if (replay !== null && replay >= target) waiting.delete(r);
            } catch {
              // Down: cannot say; the bound decides.
            }
          }),
        );
        if (waiting.size === 0) return true;
      }
      const left = started + this.#maxLagMs - this.#now();
      if (left <= 0) return false;
      await new Promise((done) => setTimeout(done, Math.min(left, 20)));
    }
  }

  status(): ReplicaStatus[] {
    const now = this.#now();
    return this.#replicas.map((r) => ({
      name: r.name,
      state: r.state === 'up' && !this.#serving(r, now) ? 'lagging' : r.state,
      serving: this.#serving(r, now),
      lag_ms: r.freshAsOf === null ? null : Math.max(0, Math.round(now - r.freshAsOf)),
      lag_bytes: r.lagBytes,
      reads: r.reads,
      fallbacks: r.fallbacks,
    }));
  }

  /** Checks now and then every checkMs (unref'd). */
  start(): Promise<void> {
    const tick = () => {
      this.#timer = setTimeout(() => {
        void this.check().finally(() => {
          if (this.#timer) tick();
        });
      }, this.#checkMs);
      this.#timer.unref();
    };
    tick();
    return this.check();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('replica check timed out'), { code: 'CHECK_TIMEOUT' })), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
