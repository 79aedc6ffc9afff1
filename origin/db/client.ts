/**
 * Database client factory. DATABASE_URL set → postgres.js pool against Postgres;
 * unset → embedded PGlite persisted under PGLITE_DIR (zero-setup local default).
 * Both run the same committed drizzle-kit migrations and expose the same Drizzle API.
 */
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DrizzleQueryError, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.js';
import type { OriginConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { ReplicaRouter } from './replicas.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Runs the committed migrations (idempotent). */
  migrate(): Promise<void>;
  /** True when a trivial query answers; used by /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * Runs a read that may lag (published content, lists, search, feeds — never a write, a read
   * after a write, a session, a key or auth) on a fresh replica when DATABASE_REPLICA_URLS names
   * any, else on `db`; `spaceId` keeps a space this process just wrote on the primary
   * (origin/db/replicas.ts).
   */
  read<T>(fn: (db: Db) => Promise<T>, opts?: { spaceId?: string | null }): Promise<T>;
  /** The replicas' router (status, purge fence), null without DATABASE_REPLICA_URLS. */
  replicas: ReplicaRouter | null;
}

/** Seconds a new database connection may take (TCP, TLS and startup) before it counts as unavailable. */
export const CONNECT_TIMEOUT_S = 10;

/** The pause (seconds) before a closed connection is reopened for a waiting query: 100–250 ms, jittered. */
export function reconnectDelaySeconds(): number {
  return 0.1 + Math.random() * 0.15;
}

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

type DbConfig = Pick<
  OriginConfig,
  'DATABASE_URL' | 'DATABASE_POOL_MAX' | 'DATABASE_STATEMENT_TIMEOUT_MS' | 'DATABASE_SSLMODE' | 'DATABASE_SSL_CA_FILE' | 'PGLITE_DIR'
> &
  Partial<Pick<OriginConfig, 'DATABASE_REPLICA_URLS' | 'DATABASE_REPLICA_MAX_LAG_MS' | 'DATABASE_REPLICA_CHECK_MS'>>;

/** Seconds a replica connection may take to open: a replica that drops packets must not hold reads long (they fall back to the primary). */
export const REPLICA_CONNECT_TIMEOUT_S = 2;

/** host:port/database of a URL, for logs (never its credentials). */
function urlLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'replica';
  }
}

/** postgres.js `ssl` option for a libpq-style sslmode. */
export function sslOption(mode: DbConfig['DATABASE_SSLMODE'], caFile?: string): false | 'prefer' | 'require' | { rejectUnauthorized: true; ca?: string } {
  switch (mode) {
    case 'disable':
      return false;
    case 'prefer':
      return 'prefer';
    case 'require':
      return 'require';
    case 'verify-full':
      return caFile ? { rejectUnauthorized: true, ca: readFileSync(caFile, 'utf8') } : { rejectUnauthorized: true };
  }
}

export async function createDatabase(config: DbConfig, logger?: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const clientOf = (url: string, connectTimeout: number, applicationName: string) =>
      postgres(url, {
        max: config.DATABASE_POOL_MAX,
        ssl: sslOption(config.DATABASE_SSLMODE, config.DATABASE_SSL_CA_FILE),
        connection: { statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS, application_name: applicationName },
        connect_timeout: connectTimeout,
        backoff: reconnectDelaySeconds,
        onnotice: () => {},
      });
    const client = postgres(config.DATABASE_URL, {
      max: config.DATABASE_POOL_MAX,
      ssl: sslOption(config.DATABASE_SSLMODE, config.DATABASE_SSL_CA_FILE),
      connection: { statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS, application_name: 'ghee-origin' },
      // An unreachable host that drops packets fails in seconds (503), not after the driver's 30 s.
      connect_timeout: CONNECT_TIMEOUT_S,
      // Connections are opened for waiting queries, and each failed attempt fails only the query it
      // was opened for: the driver's default backoff (growing to 20 s across failures) would leave the
      // others waiting that long while Postgres is down. A short jittered pause keeps them failing
      // fast (503) and reconnects within a fraction of a second once it is back.
      backoff: reconnectDelaySeconds,
      onnotice: () => {},
    });
    const db = drizzle(client, { schema });
    const replicaUrls = (config.DATABASE_REPLICA_URLS ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    // Replicas: the same pool settings, a short connect timeout (their reads fall back to the primary).
    const replicaClients = replicaUrls.map((url) => ({ url, client: clientOf(url, REPLICA_CONNECT_TIMEOUT_S, 'ghee-origin-replica') }));
    const router =
      replicaClients.length === 0
        ? null
        : new ReplicaRouter({
            primary: { db: db as unknown as Db, client },
            replicas: replicaClients.map(({ url, client: c }) => ({ label: urlLabel(url), db: drizzle(c, { schema }) as unknown as Db, client: c })),
            maxLagMs: config.DATABASE_REPLICA_MAX_LAG_MS ?? 5000,
            checkMs: config.DATABASE_REPLICA_CHECK_MS ?? 1000,
            isUnavailable: isDatabaseUnavailable,
            ...(logger ? { logger: logger.child({ job: 'replicas' }) } : {}),
          });
    if (router) await router.start();
    const primaryDb = db as unknown as Db;
    return {
      db: primaryDb,
      kind: 'postgres',
      migrate: () => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER }),
      ping: () => pingDb(primaryDb),
      close: async () => {
        router?.stop();
        await Promise.all([client.end({ timeout: 5 }), ...replicaClients.map(({ client: c }) => c.end({ timeout: 5 }))]);
      },
      read: router ? (fn, opts) => router.read(fn, opts) : (fn) => fn(primaryDb),
      replicas: router,
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dataDir = config.PGLITE_DIR === 'memory://' ? undefined : resolve(config.PGLITE_DIR);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  await client.exec(`set statement_timeout = ${Number(config.DATABASE_STATEMENT_TIMEOUT_MS)}`);
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    migrate: () => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: () => pingDb(db as unknown as Db),
    close: () => client.close(),
    read: (fn) => fn(db as unknown as Db),
    replicas: null,
  };
}

async function pingDb(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Errors that mean "the database cannot serve now" rather than "this request is wrong": the
 * server unreachable, restarting or full, or the connection lost under the query. Requests
 * answer them with 503 + Retry-After and background jobs retry on their next run; anything
 * else stays an internal error.
 * - SQLSTATE class 08 (connection exception), 57014 query_canceled (statement_timeout: the
 *   database could not serve in time), 57P01 admin_shutdown, 57P02 crash_shutdown,
 *   57P03 cannot_connect_now (starting up, shutting down, in recovery), 57P05
 *   idle_session_timeout, 53300 too_many_connections;
 * - the postgres driver's own CONNECTION_CLOSED / CONNECTION_DESTROYED / CONNECTION_ENDED /
 *   CONNECT_TIMEOUT;
 * - the socket's: refused, reset, broken pipe, timed out, host or network unreachable, name
 *   not resolvable (yet).
 * The error may be wrapped (Drizzle's DrizzleQueryError keeps it as `cause`; a connection to a
 * name with several addresses fails with an AggregateError).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '57P05', '53300']);
const UNAVAILABLE_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Seconds a client is told to wait (Retry-After) when the database is unavailable. */
export const DATABASE_RETRY_AFTER_S = 5;

function unavailableCause(err: unknown, depth = 0): { code: string; message: string } | null {
  if (!err || typeof err !== 'object' || depth > 5) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
    const message = (err as { message?: unknown }).message;
    return { code, message: typeof message === 'string' ? message.slice(0, 300) : code };
  }
  // The embedded database once closed (the process is shutting down): unavailable too.
  if (err instanceof Error && err.message === 'PGlite is closed') return { code: 'PGLITE_CLOSED', message: err.message };
  const cause = unavailableCause((err as { cause?: unknown }).cause, depth + 1);
  if (cause) return cause;
  const errors = (err as { errors?: unknown }).errors;
  if (Array.isArray(errors)) {
    for (const e of errors.slice(0, 8)) {
      const found = unavailableCause(e, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** True when `err` (or what it wraps) says the database is unreachable or not serving now. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return unavailableCause(err) !== null;
}

/**
 * A log-safe description of a failed database call: the driver's or server's code and message
 * only — never Drizzle's wrapper message, which carries the statement and its parameters.
 */
export function describeDatabaseError(err: unknown): { code?: string; error: string; unavailable: boolean } {
  const unavailable = unavailableCause(err);
  if (unavailable) return { code: unavailable.code, error: unavailable.message, unavailable: true };
  let e: unknown = err;
  // DrizzleQueryError: "Failed query: <sql>\nparams: <values>"; what failed is its cause.
  for (let i = 0; i < 5 && e instanceof DrizzleQueryError && e.cause !== undefined; i++) e = e.cause;
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const message = e.message.startsWith('Failed query:') ? 'query failed' : e.message.slice(0, 300);
    return { ...(typeof code === 'string' ? { code } : {}), error: message, unavailable: false };
  }
  return { error: typeof e === 'string' ? e.slice(0, 300) : 'unknown error', unavailable: false };
}
