/**
 * A fresh, migrated database per test file: a new Postgres database on the server named by
 * TEST_DATABASE_URL (dropped afterwards), or an in-memory PGlite when it is unset.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDatabase, type Database } from '../../origin/db/client.js';
import { loadOriginConfig } from '../../origin/config.js';

export interface TestDatabase extends Database {
  url: string | null;
  dispose(): Promise<void>;
}

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  const base = loadOriginConfig({ LOG_LEVEL: 'silent' });
  if (!adminUrl) {
    const database = await createDatabase({ ...base, DATABASE_URL: undefined, PGLITE_DIR: 'memory://' });
    await database.migrate();
    return { ...database, url: null, dispose: () => database.close() };
  }
  const name = `ghee_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await createDatabase({ ...base, DATABASE_URL: url.toString(), DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: 5 });
  await database.migrate();
  return {
    ...database,
    url: url.toString(),
    dispose: async () => {
      await database.close();
      // FORCE needs pg_signal_backend when another role (e.g. autovacuum) is connected; fall
      // back to a plain drop, retried while the last connections go away.
      try {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      } catch {
        for (let attempt = 0; ; attempt++) {
          try {
            await admin.unsafe(`drop database if exists ${name}`);
            break;
          } catch (err) {
            if (attempt >= 20) throw err;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
      }
      await admin.end();
    },
  };
}
