/**
 * Deleting the oldest rows of an audit chain without breaking it: the rows due (by age) are
 * always a prefix of the chain in seq order; in one transaction, holding the chain's append lock,
 * a checkpoint row is written — the seq and hash of the last deleted row, HMAC-signed
 * (origin/audit: signAuditCheckpoint) — and the prefix deleted. `verify` then starts the chain
 * after its newest checkpoint: the first remaining row must link to the checkpoint's hash, and an
 * edited checkpoint fails its signature.
 */
import { sql } from 'drizzle-orm';
import { signAuditCheckpoint } from '../../audit/index.js';
import type { Db } from '../../db/client.js';
import { auditCheckpoints } from '../../db/schema/index.js';
import { rowsOf } from '../sql.js';

/** Deletes up to `max` rows of `chain` created at or before `cut` (in batches of `batch`); returns how many. */
export async function trimAuditChain(db: Db, chain: string, cut: Date, batch: number, max: number, now: Date): Promise<number> {
  let deleted = 0;
  while (deleted < max) {
    const n = await db.transaction(async (t) => {
      await t.execute(sql`select pg_advisory_xact_lock(hashtextextended(${chain}, 0))`);
      const rows = await rowsOf<{ seq: string | number; hash: string; due: boolean }>(
        t,
        sql`select seq, hash, created_at <= ${cut.toISOString()}::timestamptz as due from audit_events
            where chain = ${chain} and seq is not null order by seq asc limit ${Math.min(batch, max - deleted)}`,
      );
      let last = -1;
      for (const [i, r] of rows.entries()) {
        if (!r.due) break;
        last = i;
      }
      if (last < 0) return 0;
      const end = rows[last]!;
      const [prev] = await rowsOf<{ deleted: string | number }>(t, sql`select deleted from audit_checkpoints where chain = ${chain} order by seq desc limit 1`);
      const count = last + 1;
      const cp = { chain, seq: Number(end.seq), hash: end.hash, deleted: Number(prev?.deleted ?? 0) + count, createdAt: now };
      await t.insert(auditCheckpoints).values({ ...cp, signature: signAuditCheckpoint(cp) });
      await t.execute(sql`delete from audit_events where chain = ${chain} and seq is not null and seq <= ${cp.seq}`);
      return count;
    });
    deleted += n;
    if (n === 0) break;
  }
  return deleted;
}
