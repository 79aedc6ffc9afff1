import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';

/** The rows of a raw statement, on postgres.js (an array) and PGlite (`{ rows }`) alike. */
export async function rowsOf<T = Record<string, unknown>>(db: Db, statement: SQL): Promise<T[]> {
  const result = await db.execute(statement);
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/**
 * Deletes at most `limit` rows of `table` whose `key` column is among `select key … ` of
 * `candidates` (a statement selecting the key, without LIMIT), in one statement; returns how many.
 */
export async function deleteSome(db: Db, table: string, key: string, candidates: SQL, limit: number): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`with d as (delete from ${sql.identifier(table)} where ${sql.identifier(key)} in (${candidates} limit ${limit}) returning 1) select count(*)::int as n from d`,
  );
  return Number(row?.n ?? 0);
}
