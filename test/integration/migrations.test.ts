import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../../origin/db/schema/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../origin/db/client.js';
import { loadOriginConfig } from '../../origin/config.js';
import { organizations, spaces, apiKeys } from '../../origin/db/schema/index.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';

/** Every table the Drizzle schema declares (schema-drift.test compares their columns too): a new table needs its migration. */
const EXPECTED_TABLES = Object.values(schema)
  .filter((v) => is(v, PgTable))
  .map((t) => getTableConfig(t as PgTable).name)
  .sort();

async function tableNames(db: TestDatabase['db']): Promise<string[]> {
  const result = await db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  const rows = Array.isArray(result) ? result : (result as { rows: { table_name: string }[] }).rows;
  return rows.map((r) => r.table_name).sort(); // sorted as the expected list is (not by the database collation)
}

describe(`migrations on ${usingPostgres ? 'Postgres (TEST_DATABASE_URL)' : 'PGlite (TEST_DATABASE_URL unset)'}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.dispose());

  it('creates every foundation table', async () => {
    expect(await tableNames(database.db)).toEqual(EXPECTED_TABLES);
  });

  it('is idempotent: running again changes nothing', async () => {
    await database.migrate();
    expect(await tableNames(database.db)).toEqual(EXPECTED_TABLES);
  });

  it('enforces the constraints the code relies on', async () => {
    const [org] = await database.db.insert(organizations).values({ slug: 'acme', name: 'Acme' }).returning();
    const [space] = await database.db.insert(spaces).values({ organizationId: org!.id, slug: 'www', name: 'WWW' }).returning();
    const base = { organizationId: org!.id, name: 'k', tokenHash: 'a'.repeat(64), prefix: 'ghee_read_', lastFour: 'abcd' };
    // An unknown kind is refused by the check constraint.
    await expect(database.db.insert(apiKeys).values({ ...base, spaceId: space!.id, kind: 'superuser' as never })).rejects.toThrow();
    // A space-scoped kind needs a space; an admin key must not have one.
    await expect(database.db.insert(apiKeys).values({ ...base, spaceId: null, kind: 'read' })).rejects.toThrow();
    await expect(database.db.insert(apiKeys).values({ ...base, spaceId: space!.id, kind: 'admin' })).rejects.toThrow();
    await database.db.insert(apiKeys).values({ ...base, spaceId: space!.id, kind: 'read' });
    // The token hash is unique.
    await expect(database.db.insert(apiKeys).values({ ...base, spaceId: space!.id, kind: 'read' })).rejects.toThrow();
    // Space slugs are unique per organization.
    await expect(database.db.insert(spaces).values({ organizationId: org!.id, slug: 'www', name: 'again' })).rejects.toThrow();
  });
});

describe('migrations on PGlite (the zero-setup default), always', () => {
  it('applies the same committed migrations', async () => {
    const database = await createDatabase({ ...loadOriginConfig({}), DATABASE_URL: undefined, PGLITE_DIR: 'memory://' });
    try {
      await database.migrate();
      expect(database.kind).toBe('pglite');
      expect(await tableNames(database.db as TestDatabase['db'])).toEqual(EXPECTED_TABLES);
    } finally {
      await database.close();
    }
  });
});
