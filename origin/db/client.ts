/**
 * Database client factory. DATABASE_URL set → postgres.js pool against Postgres;
 * unset → embedded PGlite persisted under PGLITE_DIR (zero-setup local default).
 * Both run the same committed drizzle-kit migrations and expose the same Drizzle API.
 */
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.js';
import type { OriginConfig } from '../config.js';

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
}

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

type DbConfig = Pick<
  OriginConfig,
  'DATABASE_URL' | 'DATABASE_POOL_MAX' | 'DATABASE_STATEMENT_TIMEOUT_MS' | 'DATABASE_SSLMODE' | 'DATABASE_SSL_CA_FILE' | 'PGLITE_DIR'
>;

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

export async function createDatabase(config: DbConfig): Promise<Database> {
  if (config.DATABASE_URL) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const client = postgres(config.DATABASE_URL, {
      max: config.DATABASE_POOL_MAX,
      ssl: sslOption(config.DATABASE_SSLMODE, config.DATABASE_SSL_CA_FILE),
      connection: { statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS, application_name: 'ghee-origin' },
      onnotice: () => {},
    });
    const db = drizzle(client, { schema });
    return {
      db: db as unknown as Db,
      kind: 'postgres',
      migrate: () => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER }),
      ping: () => pingDb(db as unknown as Db),
      close: () => client.end({ timeout: 5 }),
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
