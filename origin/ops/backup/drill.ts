/**
 * The restore drill (`npm run backup -- drill`): proves the backups restore, into a scratch
 * cluster of the drill's own — never touching the source.
 *
 *   1. Latest backup: `pgbackrest restore --type=immediate` (the newest backup, consistent and
 *      no further) into a temp data directory, started with pg_ctl on another port (Unix socket
 *      only, in a 0700 directory, trust for that socket alone, archive_mode=off so it never
 *      pushes WAL into the repositories); checks the schema version (drizzle's migrations table)
 *      and reads every table. Its restore + start time is the RTO.
 *   2. Point in time: the drill marks a moment on the source — within one transaction it takes
 *      SHARE locks on the tables (writes wait, reads go on; lock_timeout bounds the wait), records
 *      the schema version, the row count and a checksum of every table, and creates a named
 *      restore point — then switches WAL and waits until that segment is archived, restores the
 *      latest backup plus WAL to that restore point, starts it, and compares: the schema
 *      version, the row counts and the checksums must be equal, else the drill fails.
 */
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { BackupError, restore, type Progress, type Repo } from './operations.js';
import { failureLine, pgBin, runTool, toolOwner } from './pgbackrest.js';
import type { BackupSettings } from './settings.js';
import { freePort } from '../../net/free-port.js';

type Sql = postgres.Sql;
/** What the checks need of a connection or a transaction. */
type Query = Pick<Sql, 'unsafe'>;

export interface TableSum {
  rows: number;
  checksum: string;
}

export interface Snapshot {
  /** drizzle's migrations: how many, and the newest one's hash (null: no migrations table). */
  schemaVersion: string | null;
  tables: Record<string, TableSum>;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function schemaVersion(sql: Query): Promise<string | null> {
  const [t] = await sql.unsafe<{ exists: boolean }[]>(`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`);
  if (!t?.exists) return null;
  const [v] = await sql.unsafe<{ n: string; hash: string | null }[]>(
    `select count(*) as n, (select hash from drizzle.__drizzle_migrations order by created_at desc, id desc limit 1) as hash from drizzle.__drizzle_migrations`,
  );
  return `${v!.n} migrations, newest ${v!.hash ?? 'none'}`;
}

async function tableNames(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
  return rows.map((r) => r.name);
}

/** Row count and an order-independent checksum (md5 of the sorted md5s of the rows' text) of each table. */
export async function snapshot(sql: Query, tables: readonly string[]): Promise<Snapshot> {
  const out: Record<string, TableSum> = {};
  for (const name of tables) {
    const [r] = await sql.unsafe<{ n: string; sum: string | null }[]>(
      `select count(*) as n, md5(coalesce(string_agg(md5(t::text), '' order by md5(t::text)), '')) as sum from public.${ident(name)} t`,
    );
    out[name] = { rows: Number(r!.n), checksum: r!.sum ?? '' };
  }
  return { schemaVersion: await schemaVersion(sql), tables: out };
}

/** The differences between what the source held and what the restore holds (empty: equal). */
export function compareSnapshots(source: Snapshot, restored: Snapshot): string[] {
  const diffs: string[] = [];
  if (source.schemaVersion !== restored.schemaVersion) diffs.push(`schema version: source ${source.schemaVersion ?? 'none'}, restored ${restored.schemaVersion ?? 'none'}`);
  for (const name of new Set([...Object.keys(source.tables), ...Object.keys(restored.tables)])) {
    const a = source.tables[name];
    const b = restored.tables[name];
    if (!a || !b) diffs.push(`table ${name}: ${a ? 'missing from the restore' : 'not in the source'}`);
    else if (a.rows !== b.rows) diffs.push(`table ${name}: ${a.rows} rows in the source, ${b.rows} restored`);
    else if (a.checksum !== b.checksum) diffs.push(`table ${name}: same row count (${a.rows}), different content (checksum)`);
  }
  return diffs;
}

interface Scratch {
  dir: string;
  data: string;
  sql: Sql;
  stop(): Promise<void>;
}

/** Restores into a fresh temp data directory and starts it; resolves once it accepts connections and left recovery. */
async function restoreAndStart(s: BackupSettings, database: string, restoreOpts: Parameters<typeof restore>[1], progress: Progress): Promise<{ scratch: Scratch; seconds: number }> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'ghee-drill-'));
  const owner = toolOwner(s);
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  mkdirSync(socketDir, { mode: 0o700 });
  if (owner) chownSync(socketDir, owner.uid, owner.gid);
  const hba = join(dir, 'pg_hba.conf');
  writeFileSync(hba, 'local all all trust\n', { mode: 0o600 });
  if (owner) chownSync(hba, owner.uid, owner.gid);
  const port = await freePort();
  let startedServer = false;
  const stop = async () => {
    if (startedServer) await runTool(s, pgBin(s, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '60']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await restore(s, { ...restoreOpts, pgData: data }, progress);
    progress(`starting the scratch cluster (port ${port}, socket only)…`);
    const options = [`-p ${port}`, `-k ${socketDir}`, "-c listen_addresses=''", `-c hba_file=${hba}`, '-c archive_mode=off'].join(' ');
    const r = await runTool(s, pgBin(s, 'pg_ctl'), ['start', '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '600', '-o', options]);
    if (r.code !== 0) {
      const log = (() => {
        try {
          return readFileSync(join(dir, 'server.log'), 'utf8').split('\n').filter((l) => /FATAL|ERROR|PANIC/.test(l)).slice(-2).join(' | ');
        } catch {
          return '';
        }
      })();
      throw new BackupError(`the scratch cluster did not start: ${log || failureLine(r)}`);
    }
    startedServer = true;
    const sql = postgres({ host: socketDir, port, database, username: s.BACKUP_PG_USER, max: 1, onnotice: () => {}, connect_timeout: 30 });
    // Recovery to the target, then promotion: wait until it is a primary.
    const deadline = Date.now() + 600_000;
    for (;;) {
      const [row] = await sql<{ recovering: boolean }[]>`select pg_is_in_recovery() as recovering`;
      if (!row!.recovering) break;
      if (Date.now() > deadline) throw new BackupError('the scratch cluster did not finish recovery within 10 minutes');
      await new Promise((res) => setTimeout(res, 200));
    }
    return {
      scratch: {
        dir,
        data,
        sql,
        stop: async () => {
          await sql.end({ timeout: 5 });
          await stop();
        },
      },
      seconds: (Date.now() - started) / 1000,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface DrillOptions {
  repo?: Repo;
  /** Runs on the restored point-in-time copy before the comparison (tests tamper with it here). */
  beforeCompare?: (scratch: Sql) => Promise<void>;
  /** How long to wait for the restore point's WAL to be archived. */
  archiveWaitMs?: number;
}

export interface DrillOutcome {
  ok: boolean;
  /** Restore + start of the latest backup, seconds (the RTO). */
  latestSeconds: number;
  pitrSeconds: number;
  schemaVersion: string | null;
  tables: number;
  rows: number;
  mismatches: string[];
}

/** Waits until `walFile` (or a later one) has been archived by the source. */
async function waitArchived(sql: Sql, walFile: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const [a] = await sql<{ last: string | null }[]>`select last_archived_wal as last from pg_stat_archiver`;
    // Segment names compare in order within a timeline (same-length hex); .partial/.history never match this shape.
    if (a?.last && /^[0-9A-F]{24}$/.test(a.last) && a.last >= walFile) return;
    if (Date.now() > deadline) throw new BackupError(`WAL segment ${walFile} was not archived within ${Math.round(ms / 1000)} s (is archiving failing? see npm run backup -- status)`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

export async function drill(s: BackupSettings, databaseUrl: string, opts: DrillOptions, progress: Progress): Promise<DrillOutcome> {
  const source = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const database = new URL(databaseUrl).pathname.slice(1) || 'postgres';
  try {
    const tables = await tableNames(source);
    // 1. The latest backup alone.
    progress('drill 1/2: the latest backup…');
    const latest = await restoreAndStart(s, decodeURIComponent(database), { immediate: true, ...(opts.repo ? { repo: opts.repo } : {}) }, progress);
    let latestSchema: string | null;
    try {
      const snap = await snapshot(latest.scratch.sql, await tableNames(latest.scratch.sql));
      latestSchema = snap.schemaVersion;
      progress(`latest backup restored and started in ${latest.seconds.toFixed(1)} s: ${snap.schemaVersion ?? 'no migrations table'}, ${Object.keys(snap.tables).length} tables, ${Object.values(snap.tables).reduce((n, t) => n + t.rows, 0)} rows`);
    } finally {
      await latest.scratch.stop();
    }
    // 2. A point in time the drill marks now, compared with the source at that moment.
    const point = `ghee-drill-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    progress(`drill 2/2: marking restore point ${point} (writes to ${tables.length} tables wait while they are summed)…`);
    const expected = await source.begin(async (tx) => {
      await tx`set local lock_timeout = '10s'`;
      if (tables.length > 0) await tx.unsafe(`lock table ${tables.map((t) => `public.${ident(t)}`).join(', ')} in share mode`);
      const snap = await snapshot(tx, tables);
      await tx`select pg_create_restore_point(${point})`;
      return snap;
    });
    const [sw] = await source<{ wal: string }[]>`select pg_walfile_name(pg_switch_wal()) as wal`;
    progress(`waiting for WAL ${sw!.wal} to be archived…`);
    await waitArchived(source, sw!.wal, opts.archiveWaitMs ?? 180_000);
    const pitr = await restoreAndStart(s, decodeURIComponent(database), { targetName: point, ...(opts.repo ? { repo: opts.repo } : {}) }, progress);
    let mismatches: string[];
    try {
      if (opts.beforeCompare) await opts.beforeCompare(pitr.scratch.sql);
      const restored = await snapshot(pitr.scratch.sql, await tableNames(pitr.scratch.sql));
      mismatches = compareSnapshots(expected, restored);
    } finally {
      await pitr.scratch.stop();
    }
    const rows = Object.values(expected.tables).reduce((n, t) => n + t.rows, 0);
    return { ok: mismatches.length === 0, latestSeconds: latest.seconds, pitrSeconds: pitr.seconds, schemaVersion: expected.schemaVersion ?? latestSchema, tables: tables.length, rows, mismatches };
  } finally {
    await source.end({ timeout: 5 });
  }
}
