/**
 * The pgBackRest operations behind `npm run backup` (and the origin's scheduled job, which runs
 * the same CLI code): prepare (write the configuration file, create the stanza), back up to
 * both repositories, expire, verify, list, restore, status. Each returns a one-line outcome for
 * the audit row and the operator; progress lines go to `progress`.
 */
import postgres from 'postgres';
import { pgbackrest, failureLine, toolOwner, type ToolResult } from './pgbackrest.js';
import { writePgbackrestConfig } from './pgbackrest-config.js';
import { backupFreshness, parseInfo, readVerifyRecord, writeVerifyRecord, type BackupEntry, type BackupFreshness, type StanzaInfo } from './info.js';
import type { BackupSettings } from './settings.js';

export const REPOS = [1, 2] as const;
export type Repo = (typeof REPOS)[number];
export type BackupType = 'full' | 'diff' | 'incr';
export type Progress = (line: string) => void;

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

function check(r: ToolResult, what: string): ToolResult {
  if (r.code !== 0) throw new BackupError(`${what} failed: ${failureLine(r)}`);
  return r;
}

/** pgBackRest INFO lines worth showing as progress (not the option dumps of `command begin`). */
function progressOf(progress: Progress) {
  return (line: string) => {
    if (/command begin/.test(line)) return;
    const m = /^\S+ \S+ P\d+ +(\w+): (.*)$/.exec(line);
    progress(m ? `${m[1]!.toLowerCase()}: ${m[2]!}` : line);
  };
}

/** Writes pgBackRest's configuration file from the settings (every command does, so the file always matches them). */
export function writeConfig(s: BackupSettings): void {
  writePgbackrestConfig(s, toolOwner(s));
}

/** Creates the stanza on the repositories that lack it (stanza-create takes the archive lock: skipped when every repository has it). */
export async function prepare(s: BackupSettings, progress: Progress): Promise<void> {
  const r = await pgbackrest(s, 'info', ['--output=json']);
  if (r.code === 0) {
    const i = parseInfo(r.stdout, s.BACKUP_STANZA);
    if (i.repos.length === REPOS.length && i.repos.every((repo) => repo.code === 0)) return;
  }
  check(await pgbackrest(s, 'stanza-create', ['--log-level-console=info'], { onLine: progressOf(progress) }), 'stanza-create');
}

export async function info(s: BackupSettings): Promise<StanzaInfo> {
  const r = check(await pgbackrest(s, 'info', ['--output=json']), 'info');
  return parseInfo(r.stdout, s.BACKUP_STANZA);
}

/** `pgbackrest verify` on each repository; records the outcome (status and the freshness read it). */
export async function verifyRepos(s: BackupSettings, progress: Progress): Promise<{ ok: boolean; detail: string[] }> {
  const detail: string[] = [];
  let ok = true;
  for (const repo of REPOS) {
    progress(`verifying repo${repo}…`);
    const r = await pgbackrest(s, 'verify', [`--repo=${repo}`, '--output=text']);
    const invalid = /status: (?!ok)/.test(r.stdout) || /(missing|checksum invalid|size invalid|other): [1-9]/.test(r.stdout);
    const good = r.code === 0 && !invalid;
    ok &&= good;
    const totals = /total WAL checked: \d+, total valid WAL: \d+/.exec(r.stdout)?.[0] ?? '';
    const backups = (r.stdout.match(/backup: \S+, status: \w+/g) ?? []).length;
    detail.push(`repo${repo}: ${good ? 'ok' : `FAILED (${r.code !== 0 ? failureLine(r) : 'invalid files, see pgbackrest verify --verbose'})`}${good ? `, ${backups} backup(s) checked, ${totals}` : ''}`);
  }
  writeVerifyRecord(s, { at: new Date().toISOString(), ok, detail });
  return { ok, detail };
}

export interface RunOutcome {
  type: BackupType;
  labels: Record<Repo, string | null>;
  verify: { ok: boolean; detail: string[] };
  seconds: number;
}

/**
 * One backup of `type` to repo1 then repo2, expiring each repository after its backup (per its
 * retention), then `verify` and `info`. Throws BackupError on a failed step (verify failing is
 * an outcome, not a throw: the caller exits non-zero).
 */
export async function runBackup(s: BackupSettings, type: BackupType, progress: Progress): Promise<RunOutcome> {
  const started = Date.now();
  await prepare(s, progress);
  const labels: Record<Repo, string | null> = { 1: null, 2: null };
  for (const repo of REPOS) {
    progress(`${type} backup to repo${repo} (${repo === 1 ? 'local' : 'S3'})…`);
    const r = check(await pgbackrest(s, 'backup', [`--repo=${repo}`, `--type=${type}`, '--log-level-console=info'], { onLine: progressOf(progress) }), `backup to repo${repo}`);
    labels[repo] = /new backup label = (\S+)/.exec(r.stdout)?.[1] ?? null;
    // backup runs expire for its repository when it ends; an explicit run keeps that true even if a backup was taken by hand with --no-expire.
    check(await pgbackrest(s, 'expire', [`--repo=${repo}`]), `expire on repo${repo}`);
  }
  const verify = await verifyRepos(s, progress);
  await info(s);
  return { type, labels, verify, seconds: (Date.now() - started) / 1000 };
}

/**
 * The type the schedule asks for now: full when no good full backup is newer than a week, or
 * on BACKUP_FULL_WEEKDAY when the newest full is from an earlier day; else differential (or
 * full when BACKUP_DIFFERENTIAL_DAILY is off). pgBackRest upgrades a diff with no full to a full.
 */
export function scheduledType(s: BackupSettings, backups: readonly BackupEntry[], now: Date): BackupType {
  const fulls = backups.filter((b) => !b.error && b.type === 'full').map((b) => b.stoppedAt.getTime());
  const newestFull = fulls.length > 0 ? Math.max(...fulls) : null;
  if (newestFull === null || now.getTime() - newestFull >= 7 * 86_400_000) return 'full';
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (now.getUTCDay() === s.BACKUP_FULL_WEEKDAY && newestFull < dayStart) return 'full';
  return s.BACKUP_DIFFERENTIAL_DAILY ? 'diff' : 'full';
}

/** Whether a scheduled backup is due: BACKUP_AT (UTC) has passed today and no good backup was taken since. */
export function scheduledBackupDue(s: BackupSettings, backups: readonly BackupEntry[], now: Date): boolean {
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const slot = dayStart + s.BACKUP_AT * 60_000;
  const since = now.getTime() >= slot ? slot : slot - 86_400_000;
  return !backups.some((b) => !b.error && b.stoppedAt.getTime() >= since);
}

export function formatBackups(backups: readonly BackupEntry[]): string {
  if (backups.length === 0) return 'no backups\n';
  const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
  return `${backups
    .map(
      (b) =>
        `repo${b.repo}  ${b.label.padEnd(32)} ${b.type.padEnd(4)} ${b.stoppedAt.toISOString()}  ${Math.round((b.stoppedAt.getTime() - b.startedAt.getTime()) / 1000)} s  db ${mb(b.size)}  stored ${mb(b.repoSize)}${b.error ? '  ERROR' : ''}`,
    )
    .join('\n')}\n`;
}

/**
 * Restore into a data directory (Postgres must be stopped there): the latest backup, or a point
 * in time; or, with `standby` (a primary_conninfo), a streaming standby of the primary: the
 * latest backup with standby.signal, restore_command and primary_conninfo (`--type=standby`).
 */
export async function restore(
  s: BackupSettings,
  opts: { target?: Date; targetName?: string; immediate?: boolean; standby?: string; repo?: Repo; pgData?: string; delta?: boolean },
  progress: Progress,
): Promise<{ seconds: number }> {
  const started = Date.now();
  const args = ['--log-level-console=info'];
  if (opts.pgData) args.push(`--pg1-path=${opts.pgData}`);
  if (opts.repo) args.push(`--repo=${opts.repo}`);
  if (opts.delta) args.push('--delta');
  if (opts.target) args.push('--type=time', `--target=${opts.target.toISOString().replace('T', ' ').replace('Z', '+00')}`, '--target-action=promote');
  else if (opts.targetName) args.push('--type=name', `--target=${opts.targetName}`, '--target-action=promote');
  else if (opts.immediate) args.push('--type=immediate', '--target-action=promote');
  else if (opts.standby) args.push('--type=standby', '--target-timeline=latest', `--recovery-option=primary_conninfo=${opts.standby}`);
  else args.push('--type=default');
  // A standby keeps the primary's archiving settings (it archives nothing until promoted, then it must).
  if (opts.pgData && opts.pgData !== s.BACKUP_PG_DATA && !opts.standby) args.push('--archive-mode=off');
  progress(`restoring ${opts.standby ? 'a standby from ' : ''}${opts.target ? `to ${opts.target.toISOString()}` : opts.targetName ? `to restore point ${opts.targetName}` : opts.immediate ? 'the latest backup (to its consistency point)' : 'the latest backup and all archived WAL'}${opts.repo ? ` from repo${opts.repo}` : ''} into ${opts.pgData ?? s.BACKUP_PG_DATA}…`);
  check(await pgbackrest(s, 'restore', args, { onLine: progressOf(progress) }), 'restore');
  return { seconds: (Date.now() - started) / 1000 };
}

/** A WAL segment file name (timeline, log, segment: 24 hex digits); names of one timeline sort in WAL order. */
const SEGMENT = /^[0-9A-F]{24}$/;

export interface ArchiverState {
  archivedCount: number;
  lastArchivedWal: string | null;
  lastArchivedAt: Date | null;
  failedCount: number;
  lastFailedWal: string | null;
  lastFailedAt: Date | null;
  currentWal: string;
  /** WAL segments waiting in pg_wal/archive_status (not yet archived). */
  pending: number;
}

/** pg_stat_archiver and the archive queue of the source cluster (DATABASE_URL, a superuser or pg_monitor role). */
export async function archiverState(databaseUrl: string): Promise<ArchiverState> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [a] = await sql<
      { archived_count: string; last_archived_wal: string | null; last_archived_time: Date | null; failed_count: string; last_failed_wal: string | null; last_failed_time: Date | null; current_wal: string }[]
    >`select archived_count, last_archived_wal, last_archived_time, failed_count, last_failed_wal, last_failed_time, pg_walfile_name(pg_current_wal_lsn()) as current_wal from pg_stat_archiver`;
    const [p] = await sql<{ pending: string }[]>`select count(*) as pending from pg_ls_archive_statusdir() where name like '%.ready'`;
    return {
      archivedCount: Number(a!.archived_count),
      lastArchivedWal: a!.last_archived_wal,
      lastArchivedAt: a!.last_archived_time,
      failedCount: Number(a!.failed_count),
      lastFailedWal: a!.last_failed_wal,
      lastFailedAt: a!.last_failed_time,
      currentWal: a!.current_wal,
      pending: Number(p!.pending),
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface BackupStatus {
  freshness: BackupFreshness;
  info: StanzaInfo;
  archiver: ArchiverState | null;
  /** Archiving is failing now (the last failure is newer than the last success), or segments are waiting. */
  archiveGap: boolean;
  /** Repositories whose WAL is behind the source's archived WAL (or that do not answer). */
  behind: number[];
  lines: string[];
}

/** The newest good backup's freshness (for the metrics issue) from the repositories and the verify record. */
export async function backupFreshnessNow(s: BackupSettings, now = new Date()): Promise<BackupFreshness> {
  return backupFreshness(await info(s), readVerifyRecord(s), now, s.BACKUP_STALE_AFTER_H);
}

export async function status(s: BackupSettings, databaseUrl: string | undefined, now = new Date()): Promise<BackupStatus> {
  const i = await info(s);
  const verify = readVerifyRecord(s);
  const freshness = backupFreshness(i, verify, now, s.BACKUP_STALE_AFTER_H);
  const archiver = databaseUrl ? await archiverState(databaseUrl).catch(() => null) : null;
  const failing = archiver !== null && archiver.lastFailedAt !== null && (archiver.lastArchivedAt === null || archiver.lastFailedAt > archiver.lastArchivedAt);
  // A repository behind what Postgres counts as archived (pgBackRest dropped its queue while the repository was unreachable), or not answering.
  const behind = i.repos
    .filter((r) => {
      if (r.code !== 0) return true;
      const max = i.archives.find((a) => a.repo === r.key)?.max ?? null;
      const last = archiver?.lastArchivedWal ?? null;
      return last !== null && SEGMENT.test(last) && (max === null || max < last);
    })
    .map((r) => r.key);
  const archiveGap = failing || (archiver !== null && archiver.pending > 1) || behind.length > 0;
  const lines = [
    `stanza ${s.BACKUP_STANZA}: ${i.status.message}`,
    ...i.repos.map((r) => `repo${r.key}: ${r.message}; newest WAL ${i.archives.find((a) => a.repo === r.key)?.max ?? 'none'}; ${i.backups.filter((b) => b.repo === r.key && !b.error).length} backup(s)`),
    freshness.lastSuccessAt
      ? `newest good backup: ${freshness.lastSuccessAt.toISOString()} (${Math.round((freshness.ageSeconds ?? 0) / 360) / 10} h ago)`
      : 'newest good backup: none',
    `last verify: ${verify ? `${verify.ok ? 'ok' : 'FAILED'} at ${verify.at}` : 'never'}`,
    archiver
      ? `WAL archiving: ${failing ? `FAILING since ${archiver.lastFailedAt!.toISOString()} (last archived ${archiver.lastArchivedWal ?? 'none'} at ${archiver.lastArchivedAt?.toISOString() ?? 'never'}, last failed ${archiver.lastFailedWal})` : `ok, last archived ${archiver.lastArchivedWal ?? 'none'} at ${archiver.lastArchivedAt?.toISOString() ?? 'never'}`}; current ${archiver.currentWal}; ${archiver.pending} segment(s) waiting`
      : 'WAL archiving: unknown (DATABASE_URL unset or unreachable)',
    freshness.stale ? 'STALE: no good backup within the last ' + s.BACKUP_STALE_AFTER_H + ' h, or the last verify failed' : 'fresh',
  ];
  for (const repo of behind) lines.push(`repo${repo}: BEHIND — its newest WAL is older than the last segment Postgres archived, or it does not answer`);
  if (archiveGap) lines.push('ARCHIVE GAP: WAL is not reaching every repository (point-in-time recovery past the last archived segment is not possible until it catches up, or until the next backup if pgBackRest dropped the queue)');
  return { freshness, info: i, archiver, archiveGap, behind, lines };
}
