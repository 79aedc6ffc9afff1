/**
 * The committed migrations and the Drizzle schema describe the same database. Migrations are
 * SQL files (some written by hand); a table, column (type, nullability, default), index, foreign
 * key or unique constraint the schema declares but no migration creates — or one the migrations
 * create that the schema forgot — fails here, named.
 *
 * (drizzle-kit's pushSchema would do this, but it drops the parameters of its introspection
 * queries on the postgres-js driver; this compares the catalog with getTableConfig directly.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { is } from 'drizzle-orm';
import postgres from 'postgres';
import * as schema from '../../origin/db/schema/index.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
}, 60_000);

afterAll(async () => {
  await database?.dispose();
});

/** Postgres keeps the first 63 bytes of an identifier; serial types are integers with a sequence default. */
const ident = (name: string) => name.slice(0, 63);
const SERIAL: Record<string, string> = { serial: 'integer', bigserial: 'bigint', smallserial: 'smallint' };

/** One line per fact, so a difference reads as the fact that is missing on one side. */
function fromSchema(): string[] {
  const facts: string[] = [];
  for (const value of Object.values(schema)) {
    if (!is(value, PgTable)) continue;
    const t = getTableConfig(value);
    facts.push(`table ${t.name}`);
    for (const c of t.columns) {
      const type = c.getSQLType();
      facts.push(`column ${t.name}.${c.name} ${SERIAL[type] ?? type}${c.notNull ? ' not null' : ''}${c.hasDefault || type in SERIAL ? ' default' : ''}`);
    }
    for (const i of t.indexes) facts.push(`index ${t.name}.${ident(i.config.name ?? '')}${i.config.unique ? ' unique' : ''}`);
    for (const f of t.foreignKeys) facts.push(`foreign key ${t.name}.${ident(f.getName())} -> ${getTableConfig(f.reference().foreignTable).name}`);
    for (const u of t.uniqueConstraints) facts.push(`unique ${t.name}.${ident(u.getName() ?? '')}`);
    for (const c of t.columns) if (c.isUnique) facts.push(`unique ${t.name}.${ident(c.uniqueName ?? `${t.name}_${c.name}_unique`)}`);
  }
  return facts.sort();
}

async function fromDatabase(url: string): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const facts: string[] = [];
    const tables = await sql<{ name: string }[]>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p')`;
    for (const { name } of tables) facts.push(`table ${name}`);
    const columns = await sql<{ table: string; name: string; type: string; notnull: boolean; hasdefault: boolean }[]>`
      select c.relname as table, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as notnull, a.atthasdef or a.attidentity <> '' as hasdefault
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped`;
    for (const c of columns) facts.push(`column ${c.table}.${c.name} ${c.type}${c.notnull ? ' not null' : ''}${c.hasdefault ? ' default' : ''}`);
    // Indexes that back a primary key or a unique constraint are the constraint's, listed below.
    const indexes = await sql<{ table: string; name: string; unique: boolean }[]>`
      select t.relname as table, i.relname as name, x.indisunique as unique
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.contype in ('p', 'u'))`;
    for (const i of indexes) facts.push(`index ${i.table}.${i.name}${i.unique ? ' unique' : ''}`);
    const constraints = await sql<{ table: string; name: string; type: string; ref: string | null }[]>`
      select t.relname as table, k.conname as name, k.contype as type, r.relname as ref
      from pg_constraint k join pg_class t on t.oid = k.conrelid join pg_namespace n on n.oid = t.relnamespace left join pg_class r on r.oid = k.confrelid
      where n.nspname = 'public' and k.contype in ('f', 'u')`;
    for (const k of constraints) facts.push(k.type === 'f' ? `foreign key ${k.table}.${k.name} -> ${k.ref}` : `unique ${k.table}.${k.name}`);
    return facts.sort();
  } finally {
    await sql.end({ timeout: 5 });
  }
}

describe.runIf(usingPostgres)('schema drift', () => {
  it('the database the migrations build has exactly the tables, columns, indexes and constraints of the Drizzle schema', async () => {
    const declared = fromSchema();
    const built = await fromDatabase(database.url!);
    const onlyInSchema = declared.filter((f) => !built.includes(f));
    const onlyInMigrations = built.filter((f) => !declared.includes(f));
    expect({ onlyInSchema, onlyInMigrations }, 'origin/db/schema and origin/db/migrations disagree: write the missing migration (or schema)').toEqual({ onlyInSchema: [], onlyInMigrations: [] });
  }, 60_000);
});
