/**
 * Keys at rest (issue 16): the conversion of personal data written before migration 0015, the
 * re-encryption of every envelope under the newest MASTER_KEYS version (`npm run keys -- rotate`),
 * its verification and a status report (`npm run keys -- status`).
 *
 * Conversion (`convertPersonalData`): SQL cannot encrypt, so migration 0015 only renamed the
 * columns; every value that is not yet an envelope token is sealed here, blind indexes filled and
 * the login-throttle rows' addresses replaced by their blind index. Run by `npm run db:migrate`
 * and at every origin start before it serves; idempotent (it looks for unsealed values), in
 * batches of its own short transactions, so an interrupted run simply continues next time.
 *
 * Rotation (`rotateKeys`): for each column of SEALED_COLUMNS, in key order from a cursor kept in
 * `key_rotation_progress` (per target version and column), a batch of rows is locked (FOR
 * UPDATE, one short transaction per batch — no long locks), each value under an older version is
 * decrypted and sealed again under the newest one with the same additional data, and stale blind
 * indexes are recomputed. An interrupted rotation resumes from its cursor. Then `verifyKeys`
 * decrypts every value and recomputes every blind index; the run is audited (`keys.rotate`, the
 * operator as actor, in the global chain). Once it verified, the old version can be removed from
 * MASTER_KEYS. Login-throttle rows keep blind indexes under the old key: they are minutes old and
 * stop counting when the old key goes.
 */
import { sql } from 'drizzle-orm';
import { isBlindIndex, isSealed, type PersonalData } from '../crypto/personal-data.js';
import type { Db } from '../db/client.js';
import { commitAccountWrite } from '../outbox/index.js';
import { columnRef, SEALED_COLUMNS, type SealedColumn } from './sealed-columns.js';
import { rowsOf } from './sql.js';

export const DEFAULT_BATCH = 200;

const id = (name: string) => sql.identifier(name);

const versionOf = (token: string): number | null => {
  const m = /^env1\.v(\d{1,4})\./.exec(token);
  return m ? Number(m[1]) : null;
};

/** Columns of SEALED_COLUMNS present in this database (a table another migration adds may be absent). */
async function presentColumns(db: Db): Promise<SealedColumn[]> {
  const rows = await rowsOf<{ t: string; c: string }>(db, sql`select table_name as t, column_name as c from information_schema.columns where table_schema = current_schema()`);
  const have = new Set(rows.map((r) => `${r.t}.${r.c}`));
  return SEALED_COLUMNS.filter((c) => have.has(columnRef(c)) && (!c.blindIndex || have.has(`${c.table}.${c.blindIndex.column}`)));
}

interface Row {
  id: string;
  value: string;
  bidx: string | null;
}

/** One batch of rows of `c` after `after` (key order), locked for update when `lock`. */
async function batchOf(t: Db, c: SealedColumn, after: string | null, limit: number, lock: boolean, extra = sql``): Promise<Row[]> {
  const key = id(c.id);
  const cursor = after === null ? sql`true` : c.idType === 'uuid' ? sql`${key} > ${after}::uuid` : sql`${key} > ${after}`;
  const bidx = c.blindIndex ? id(c.blindIndex.column) : sql`null`;
  const where = c.where ? sql.raw(c.where) : sql`true`;
  return rowsOf<Row>(
    t,
    sql`select ${key}::text as id, ${id(c.column)} as value, ${bidx} as bidx from ${id(c.table)}
        where ${id(c.column)} is not null and ${where} and ${cursor} ${extra}
        order by ${key} limit ${limit} ${lock ? sql`for update` : sql``}`,
  );
}

async function updateRow(t: Db, c: SealedColumn, rowId: string, value: string, bidx: string | null): Promise<void> {
  const key = c.idType === 'uuid' ? sql`${id(c.id)} = ${rowId}::uuid` : sql`${id(c.id)} = ${rowId}`;
  const setBidx = c.blindIndex && bidx !== null ? sql`, ${id(c.blindIndex.column)} = ${bidx}` : sql``;
  await t.execute(sql`update ${id(c.table)} set ${id(c.column)} = ${value}${setBidx} where ${key}`);
}

/** The blind index a row should hold for `plain` (null when the column has none). */
function wantedIndex(pd: PersonalData, c: SealedColumn, plain: string, stored: string | null): string | null {
  if (!c.blindIndex) return null;
  const index = pd.blindIndex(c.blindIndex.kind, plain);
  return c.blindIndex.format ? c.blindIndex.format(index, stored ?? '') : index;
}

export interface ConversionReport {
  sealed: Record<string, number>;
  attempts: number;
}

/** Seals every personal-data value written before migration 0015 (idempotent, batched). */
export async function convertPersonalData(db: Db, pd: PersonalData, opts: { batch?: number } = {}): Promise<ConversionReport> {
  const batch = opts.batch ?? DEFAULT_BATCH;
  const report: ConversionReport = { sealed: {}, attempts: 0 };
  for (const c of (await presentColumns(db)).filter((x) => x.personal)) {
    let after: string | null = null;
    let n = 0;
    for (;;) {
      const rows: Row[] = await db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        const got = await batchOf(t, c, after, batch, true, sql`and ${id(c.column)} not like 'env1.%'`);
        for (const r of got) await updateRow(t, c, r.id, pd.seal(r.value, c.aad(r.id)), wantedIndex(pd, c, r.value, r.bidx));
        return got;
      });
      n += rows.length;
      if (rows.length < batch) break;
      after = rows.at(-1)!.id;
    }
    if (n > 0) report.sealed[columnRef(c)] = n;
  }
  // The login throttle's rows (origin/identity/accounts/auth-attempts.ts): blind indexes, not addresses.
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const got = await rowsOf<{ id: number; account: string | null; ip: string }>(t, sql`select id, account, ip from auth_attempts where ip !~ '^v[0-9]+[.]' order by id limit ${batch} for update`);
      for (const r of got) {
        const account = r.account === null || isBlindIndex(r.account) ? r.account : pd.blindIndex('account', r.account);
        await t.execute(sql`update auth_attempts set ip = ${pd.blindIndex('ip', r.ip)}, account = ${account} where id = ${r.id}`);
      }
      return got.length;
    });
    report.attempts += n;
    if (n < batch) break;
  }
  return report;
}

export interface ColumnStatus {
  column: string;
  rows: number;
  /** Envelope tokens per master-key version (`v1`: n …). */
  versions: Record<string, number>;
  /** Values that are not envelope tokens (personal data awaiting conversion: should be 0). */
  plaintext: number;
  /** Blind indexes under an older key version, or missing. */
  staleIndexes: number;
}

export interface KeyStatus {
  currentVersion: number;
  columns: ColumnStatus[];
  /** Login-throttle rows still holding an address instead of its blind index. */
  plaintextAttempts: number;
  /** No plaintext personal data left and every value under the current version. */
  clean: boolean;
  current: boolean;
}

/** Counts per column and version (one grouped query per column), plaintext left, stale indexes. */
export async function keyStatus(db: Db, pd: PersonalData): Promise<KeyStatus> {
  const columns: ColumnStatus[] = [];
  for (const c of await presentColumns(db)) {
    const where = c.where ? sql.raw(c.where) : sql`true`;
    const bidxStale = c.blindIndex
      ? sql`count(*) filter (where ${id(c.blindIndex.column)} is null or ${id(c.blindIndex.column)} not like ${`%v${pd.version}.%`})::int`
      : sql`0`;
    const rows = await rowsOf<{ version: string | null; n: number; stale: number }>(
      db,
      sql`select case when ${id(c.column)} like 'env1.%' then split_part(${id(c.column)}, '.', 2) else null end as version, count(*)::int as n, ${bidxStale} as stale
          from ${id(c.table)} where ${id(c.column)} is not null and ${where} group by 1`,
    );
    const s: ColumnStatus = { column: columnRef(c), rows: 0, versions: {}, plaintext: 0, staleIndexes: 0 };
    for (const r of rows) {
      s.rows += Number(r.n);
      s.staleIndexes += Number(r.stale);
      if (r.version === null) s.plaintext += Number(r.n);
      else s.versions[r.version] = (s.versions[r.version] ?? 0) + Number(r.n);
    }
    columns.push(s);
  }
  const [a] = await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from auth_attempts where ip !~ '^v[0-9]+[.]'`);
  const plaintextAttempts = Number(a?.n ?? 0);
  const clean = plaintextAttempts === 0 && columns.every((c) => c.plaintext === 0);
  const current = columns.every((c) => c.staleIndexes === 0 && Object.keys(c.versions).every((v) => v === `v${pd.version}`));
  return { currentVersion: pd.version, columns, plaintextAttempts, clean, current };
}

export interface RotationProgress {
  column: string;
  done: number;
  batches: number;
}

export interface RotationOptions {
  batch?: number;
  /** Told after each committed batch (the CLI prints progress; a test throws to interrupt). */
  onBatch?: (p: RotationProgress) => void;
  /** Who ran it (the audit row's metadata). */
  operator?: string;
  now?: () => Date;
}

export interface RotationReport {
  targetVersion: number;
  reencrypted: Record<string, number>;
  verification: Verification;
}

/**
 * Re-encrypts every envelope under the newest MASTER_KEYS version and recomputes stale blind
 * indexes, resuming from `key_rotation_progress`; then verifies and audits. Throws what a batch
 * throws (the batch rolls back; the cursor stays at the last committed batch).
 */
export async function rotateKeys(db: Db, pd: PersonalData, opts: RotationOptions = {}): Promise<RotationReport> {
  const batch = opts.batch ?? DEFAULT_BATCH;
  const now = opts.now ?? (() => new Date());
  await convertPersonalData(db, pd, { batch });
  const target = pd.version;
  const reencrypted: Record<string, number> = {};
  // A column finished earlier that holds older values again (an instance still on the old keys
  // wrote after it) starts over.
  const status = await keyStatus(db, pd);
  for (const s of status.columns) {
    if (s.staleIndexes > 0 || Object.keys(s.versions).some((v) => v !== `v${target}`)) {
      await db.execute(sql`delete from key_rotation_progress where target_version = ${target} and column_ref = ${s.column} and finished_at is not null`);
    }
  }
  for (const c of await presentColumns(db)) {
    const ref = columnRef(c);
    const [progress] = await rowsOf<{ last_id: string | null; rows_done: number; finished_at: string | null }>(
      db,
      sql`select last_id, rows_done, finished_at from key_rotation_progress where target_version = ${target} and column_ref = ${ref}`,
    );
    if (progress?.finished_at) continue;
    let after = progress?.last_id ?? null;
    let done = Number(progress?.rows_done ?? 0);
    let batches = 0;
    for (;;) {
      const { count, last, changed } = await db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        const rows = await batchOf(t, c, after, batch, true);
        let changedRows = 0;
        for (const r of rows) {
          const staleToken = versionOf(r.value) !== target;
          const plain = staleToken || c.blindIndex ? pd.open(r.value, c.aad(r.id)) : null;
          const index = plain !== null ? wantedIndex(pd, c, plain, r.bidx) : null;
          const staleIndex = index !== null && index !== r.bidx;
          if (!staleToken && !staleIndex) continue;
          await updateRow(t, c, r.id, staleToken ? pd.seal(plain!, c.aad(r.id)) : r.value, index);
          changedRows++;
        }
        const lastId = rows.at(-1)?.id ?? after;
        await t.execute(sql`
          insert into key_rotation_progress (target_version, column_ref, last_id, rows_done, finished_at, updated_at)
          values (${target}, ${ref}, ${lastId}, ${done + changedRows}, ${rows.length < batch ? now().toISOString() : null}::timestamptz, ${now().toISOString()}::timestamptz)
          on conflict (target_version, column_ref) do update set last_id = excluded.last_id, rows_done = excluded.rows_done, finished_at = excluded.finished_at, updated_at = excluded.updated_at`);
        return { count: rows.length, last: lastId, changed: changedRows };
      });
      done += changed;
      batches++;
      after = last;
      opts.onBatch?.({ column: ref, done, batches });
      if (count < batch) break;
    }
    reencrypted[ref] = done;
  }
  const verification = await verifyKeys(db, pd, { batch });
  // The deployment's keys belong to no organization: the row goes to the global chain.
  await commitAccountWrite(db, { userId: null, keyId: null, system: 'operator' }, async (w) => {
    w.audit({
      action: 'keys.rotate',
      target: { type: 'master_key', id: `v${target}` },
      metadata: { target_version: target, reencrypted, verified: verification.ok, failures: verification.failures.length, ...(opts.operator ? { operator: opts.operator } : {}) },
    });
    return { ok: true as const };
  });
  return { targetVersion: target, reencrypted, verification };
}

export interface Verification {
  ok: boolean;
  checked: number;
  /** Column and row of every value that does not decrypt, is not under the current version, or whose blind index is wrong. */
  failures: { column: string; id: string; reason: 'decrypt' | 'version' | 'blind_index' | 'plaintext' }[];
}

/** Decrypts every envelope and recomputes every blind index (batched reads, no locks). */
export async function verifyKeys(db: Db, pd: PersonalData, opts: { batch?: number; maxFailures?: number } = {}): Promise<Verification> {
  const batch = opts.batch ?? 500;
  const max = opts.maxFailures ?? 100;
  const out: Verification = { ok: true, checked: 0, failures: [] };
  for (const c of await presentColumns(db)) {
    let after: string | null = null;
    for (;;) {
      const rows = await batchOf(db, c, after, batch, false);
      for (const r of rows) {
        out.checked++;
        const fail = (reason: Verification['failures'][number]['reason']) => out.failures.length < max && out.failures.push({ column: columnRef(c), id: r.id, reason });
        if (!isSealed(r.value)) {
          fail('plaintext');
          continue;
        }
        let plain: string;
        try {
          plain = pd.open(r.value, c.aad(r.id));
        } catch {
          fail('decrypt');
          continue;
        }
        if (versionOf(r.value) !== pd.version) fail('version');
        const index = wantedIndex(pd, c, plain, r.bidx);
        if (index !== null && index !== r.bidx) fail('blind_index');
      }
      if (rows.length < batch) break;
      after = rows.at(-1)!.id;
    }
  }
  out.ok = out.failures.length === 0;
  return out;
}
