/**
 * Personal data as export and erasure need it (origin/crypto/personal-data.ts seals it): the
 * sealed columns of a row opened for an export (the blind indexes beside them dropped: keyed
 * hashes mean nothing to their owner), and the keys by which other rows name a user — the blind
 * indexes of their address and of their id as an account (sign-in attempts), of their address
 * as an email (invitations).
 */
import { sql } from 'drizzle-orm';
import { personalAad, type PersonalData } from '../crypto/personal-data.js';
import type { Db } from '../db/client.js';
import { SEALED_COLUMNS } from './sealed-columns.js';
import { rowsOf } from './sql.js';

/** Opens the personal sealed columns of `row` (of `table`) in place: `email_enc` → `email`; drops their blind indexes. */
export function openSealed(pd: PersonalData, table: string, row: Record<string, unknown>): void {
  for (const c of SEALED_COLUMNS) {
    if (c.table !== table || !c.personal || !(c.column in row)) continue;
    const value = row[c.column];
    const id = row[c.id];
    delete row[c.column];
    if (c.blindIndex && c.blindIndex.column.endsWith('_bidx')) delete row[c.blindIndex.column];
    const plain = c.column.replace(/_enc$/, '');
    if (typeof value !== 'string' || typeof id !== 'string') {
      if (plain !== c.column) row[plain] = value ?? null;
      continue;
    }
    try {
      row[plain === c.column ? c.column : plain] = pd.open(value, c.aad(id));
    } catch {
      // Not sealed (a row whose conversion is pending, or a column sealed only under a condition): as stored.
      row[plain === c.column ? c.column : plain] = value;
    }
  }
}

/** The user's email address, opened (null: no such user). */
export async function userEmail(db: Db, pd: PersonalData, userId: string): Promise<string | null> {
  const [u] = await rowsOf<{ email_enc: string }>(db, sql`select email_enc from users where id = ${userId}`);
  return u ? pd.open(u.email_enc, personalAad('users', 'email', userId)) : null;
}

/** What `auth_attempts.account` holds for this user: the account index of their address and of their id. */
export function accountKeys(pd: PersonalData, email: string | null, userId: string): string[] {
  return [...(email ? pd.blindIndexes('account', email) : []), ...pd.blindIndexes('account', userId)];
}
