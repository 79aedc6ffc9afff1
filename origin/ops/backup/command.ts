/**
 * `npm run backup -- <command>`: the one code path of the operator CLI (origin/cli/backup.ts),
 * the origin's scheduled backup job (./schedule.ts) and the systemd timer (which runs the CLI).
 *
 *   run [--type full|diff|incr] [--scheduled]   back up to repo1 then repo2, expire, verify, info
 *                                               (no --type: what the schedule asks for now)
 *   verify                                      pgbackrest verify on both repositories
 *   list                                        the backups in each repository
 *   restore --target <time>|--latest [--repo 1|2] [--to <dir>] [--delta]
 *                                               restore into BACKUP_PG_DATA (Postgres stopped) or <dir>
 *   restore --latest --standby <primary_conninfo> [--repo 1|2] [--to <dir>] [--delta]
 *                                               seed a streaming standby (pgBackRest --type=standby)
 *   drill [--repo 1|2]                          restore drill into a scratch cluster (see ./drill.ts)
 *   status [--json]                             newest good backup's age, last verify, WAL archiving
 *   postgres-conf                               the postgresql.conf lines for WAL archiving
 *
 * Postgres deployments (DATABASE_URL set) use pgBackRest; without DATABASE_URL (PGlite) the
 * command goes to the PGlite backups (./pglite/index.ts). Every invocation writes one audit row
 * (operator, host, command, outcome) on the global chain. Exit status: 0 done; 1 failed (a
 * verify that found damage, a drill that found a mismatch, configuration or tool errors);
 * 2 bad usage.
 */
import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../../shared/config.js';
import { audit } from '../../audit/index.js';
import type { Db } from '../../db/client.js';
import { drill, type DrillOptions } from './drill.js';
import { BackupError, formatBackups, writeConfig, info, runBackup, restore, scheduledType, status, verifyRepos, type BackupType, type Repo } from './operations.js';
import { postgresConfLines } from './postgres-conf.js';
import { loadBackupSettings, redactSecrets, type BackupSettings } from './settings.js';

export const BACKUP_USAGE =
  'usage: npm run backup -- run [--type full|diff|incr] | verify | list | restore (--target <ISO time> | --latest [--standby <primary_conninfo>]) [--repo 1|2] [--to <dir>] [--delta] | drill [--repo 1|2] | status [--json] | postgres-conf';

export const COMMANDS = ['run', 'verify', 'list', 'restore', 'drill', 'status', 'postgres-conf'] as const;
export type BackupCommandName = (typeof COMMANDS)[number];

export interface BackupIo {
  out(text: string): void;
  err(text: string): void;
}

export interface BackupDeps {
  env: Record<string, string | undefined>;
  /** The origin's database, for the audit row (opened after the command, closed after the row). */
  openDb(): Promise<{ db: Db; close(): Promise<void> }>;
  /** Drill hooks (tests). */
  drill?: Pick<DrillOptions, 'beforeCompare' | 'archiveWaitMs'>;
  now?: () => Date;
}

type Parsed =
  | { command: 'help' }
  | { command: BackupCommandName; type?: BackupType; scheduled: boolean; target?: Date; latest: boolean; standby?: string; repo?: Repo; to?: string; delta: boolean; json: boolean; rest: string[] };

const printable = (v: string) => v.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);

export function parseBackupArgs(argv: string[]): Parsed | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        type: { type: 'string' },
        scheduled: { type: 'boolean' },
        target: { type: 'string' },
        latest: { type: 'boolean' },
        standby: { type: 'string' },
        repo: { type: 'string' },
        to: { type: 'string' },
        delta: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return { error: err instanceof Error ? err.message.split('\n')[0]! : 'bad arguments' };
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { command: 'help' };
  const [command, ...extra] = positionals;
  if (command === undefined) return { error: 'a command is required' };
  if (!(COMMANDS as readonly string[]).includes(command)) return { error: `unknown command "${printable(command)}"` };
  if (extra.length > 0) return { error: `unexpected argument "${printable(extra[0]!)}"` };
  const cmd = command as BackupCommandName;
  const only = (allowed: string[]) => {
    const bad = Object.keys(v).find((k) => v[k as keyof typeof v] !== undefined && !allowed.includes(k));
    return bad ? `${cmd} takes no --${bad}` : null;
  };
  const allowed: Record<BackupCommandName, string[]> = {
    run: ['type', 'scheduled'],
    verify: [],
    list: [],
    restore: ['target', 'latest', 'standby', 'repo', 'to', 'delta'],
    drill: ['repo'],
    status: ['json'],
    'postgres-conf': [],
  };
  const wrong = only(allowed[cmd]);
  if (wrong) return { error: wrong };
  if (v.type !== undefined && v.type !== 'full' && v.type !== 'diff' && v.type !== 'incr') return { error: `--type must be full, diff or incr, not "${printable(v.type)}"` };
  if (v.repo !== undefined && v.repo !== '1' && v.repo !== '2') return { error: `--repo must be 1 or 2, not "${printable(v.repo)}"` };
  let target: Date | undefined;
  if (v.target !== undefined) {
    target = new Date(v.target);
    const zoned = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(v.target) && /(Z|[+-]\d\d:?\d\d)$/.test(v.target);
    if (!zoned || v.target.length > 40 || Number.isNaN(target.getTime()))
      return { error: `--target must be an ISO time with a zone, e.g. 2026-01-31T12:00:00Z, not "${printable(v.target)}"` };
  }
  if (cmd === 'restore' && (target === undefined) === !v.latest) return { error: 'restore needs exactly one of --target <time> or --latest' };
  if (v.to !== undefined && !v.to.startsWith('/')) return { error: '--to must be an absolute path' };
  // The conninfo lands on pgBackRest's command line and in postgresql.auto.conf: no password (use a passfile), nothing that breaks the quoting. Never echoed.
  if (v.standby !== undefined) {
    if (!v.latest) return { error: '--standby follows the primary: use it with --latest, not --target' };
    if (/password\s*=/i.test(v.standby)) return { error: '--standby: the primary_conninfo must not hold a password (use passfile=… or ~/.pgpass)' };
    if (!/^[\x20-\x7e]{1,500}$/.test(v.standby) || /['\\]/.test(v.standby) || !/\bhost\s*=/.test(v.standby))
      return { error: '--standby takes a primary_conninfo such as "host=10.0.0.5 port=5432 user=replicator" (printable, no quotes or backslashes)' };
  }
  return {
    command: cmd,
    ...(v.type ? { type: v.type as BackupType } : {}),
    scheduled: v.scheduled === true,
    ...(target ? { target } : {}),
    latest: v.latest === true,
    ...(v.standby !== undefined ? { standby: v.standby } : {}),
    ...(v.repo ? { repo: Number(v.repo) as Repo } : {}),
    ...(v.to ? { to: v.to } : {}),
    delta: v.delta === true,
    json: v.json === true,
    rest: argv.slice(1),
  };
}

function operatorName(env: Record<string, string | undefined>): string {
  const name = env.SUDO_USER ?? env.GHEE_OPERATOR ?? userInfo().username;
  return printable(name);
}

/** The Postgres (pgBackRest) side of a command: its outcome line, or throws. */
async function runPostgres(cmd: Exclude<Parsed, { command: 'help' }>, s: BackupSettings, databaseUrl: string, io: BackupIo, deps: BackupDeps): Promise<{ code: number; outcome: string }> {
  const progress = (line: string) => io.err(`backup: ${line}\n`);
  const now = deps.now?.() ?? new Date();
  if (cmd.command !== 'postgres-conf') writeConfig(s);
  switch (cmd.command) {
    case 'run': {
      const type = cmd.type ?? scheduledType(s, (await info(s).catch(() => ({ backups: [] }))).backups, now);
      const r = await runBackup(s, type, progress);
      io.out(`${type} backup done in ${r.seconds.toFixed(1)} s: repo1 ${r.labels[1] ?? '?'}, repo2 ${r.labels[2] ?? '?'}; verify ${r.verify.ok ? 'ok' : 'FAILED'}\n${r.verify.detail.map((d) => `  ${d}\n`).join('')}`);
      return { code: r.verify.ok ? 0 : 1, outcome: `${type} backup ${r.labels[1] ?? '?'} / ${r.labels[2] ?? '?'}, verify ${r.verify.ok ? 'ok' : 'failed'}` };
    }
    case 'verify': {
      const r = await verifyRepos(s, progress);
      io.out(`verify ${r.ok ? 'ok' : 'FAILED'}\n${r.detail.map((d) => `  ${d}\n`).join('')}`);
      return { code: r.ok ? 0 : 1, outcome: `verify ${r.ok ? 'ok' : 'failed'}` };
    }
    case 'list': {
      const i = await info(s);
      io.out(formatBackups(i.backups));
      return { code: 0, outcome: `${i.backups.length} backups` };
    }
    case 'restore': {
      const r = await restore(
        s,
        { ...(cmd.target ? { target: cmd.target } : {}), ...(cmd.standby ? { standby: cmd.standby } : {}), ...(cmd.repo ? { repo: cmd.repo } : {}), ...(cmd.to ? { pgData: cmd.to } : {}), delta: cmd.delta },
        progress,
      );
      if (cmd.standby) {
        io.out(`seeded a standby from the latest backup into ${cmd.to ?? s.BACKUP_PG_DATA} in ${r.seconds.toFixed(1)} s; start Postgres there: it replays the archive and streams from the primary\n`);
        return { code: 0, outcome: `restored latest as a standby${cmd.repo ? ` from repo${cmd.repo}` : ''} into ${cmd.to ?? 'BACKUP_PG_DATA'}` };
      }
      io.out(`restored ${cmd.target ? `to ${cmd.target.toISOString()}` : 'the latest state'} into ${cmd.to ?? s.BACKUP_PG_DATA} in ${r.seconds.toFixed(1)} s; start Postgres there to finish recovery\n`);
      return { code: 0, outcome: `restored ${cmd.target ? `to ${cmd.target.toISOString()}` : 'latest'}${cmd.repo ? ` from repo${cmd.repo}` : ''} into ${cmd.to ?? 'BACKUP_PG_DATA'}` };
    }
    case 'drill': {
      const r = await drill(s, databaseUrl, { ...(cmd.repo ? { repo: cmd.repo } : {}), ...(deps.drill ?? {}) }, progress);
      io.out(
        `drill ${r.ok ? 'passed' : 'FAILED'}: ${r.schemaVersion ?? 'no migrations table'}, ${r.tables} tables, ${r.rows} rows\n` +
          `  RTO (latest backup restored and started): ${r.latestSeconds.toFixed(1)} s\n` +
          `  point-in-time restore and start: ${r.pitrSeconds.toFixed(1)} s\n` +
          r.mismatches.map((m) => `  MISMATCH ${m}\n`).join(''),
      );
      return { code: r.ok ? 0 : 1, outcome: r.ok ? `drill passed, RTO ${r.latestSeconds.toFixed(1)} s` : `drill failed: ${r.mismatches.length} mismatch(es)` };
    }
    case 'status': {
      const r = await status(s, databaseUrl, now);
      if (cmd.json)
        io.out(
          `${JSON.stringify({ lastSuccessAt: r.freshness.lastSuccessAt?.toISOString() ?? null, ageSeconds: r.freshness.ageSeconds, stale: r.freshness.stale, lastVerifyFailed: r.freshness.lastVerifyFailed, archiveGap: r.archiveGap, reposBehind: r.behind, archiver: r.archiver })}\n`,
        );
      else io.out(`${r.lines.join('\n')}\n`);
      return { code: r.freshness.stale || r.archiveGap ? 1 : 0, outcome: `${r.freshness.stale ? 'stale' : 'fresh'}${r.archiveGap ? ', archive gap' : ''}` };
    }
    case 'postgres-conf':
      io.out(postgresConfLines(s));
      return { code: 0, outcome: 'printed' };
  }
}

type PgliteCommands = Record<'run' | 'verify' | 'list' | 'restore' | 'drill' | 'status', (args: string[]) => Promise<number>>;

/** The PGlite backups (another module's), if present. */
async function pgliteCommands(): Promise<PgliteCommands | null> {
  const specifier = './pglite/index.js';
  try {
    const mod = (await import(specifier)) as { pgliteBackupCommands?: PgliteCommands };
    return mod.pgliteBackupCommands ?? null;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  }
}

/** Runs one command; returns the exit status. Writes the audit row whatever the outcome (bad usage aside). */
export async function runBackupCommand(argv: string[], io: BackupIo, deps: BackupDeps): Promise<number> {
  const cmd = parseBackupArgs(argv);
  if ('error' in cmd) {
    io.err(`backup: ${cmd.error} (${BACKUP_USAGE})\n`);
    return 2;
  }
  if (cmd.command === 'help') {
    io.out(`${BACKUP_USAGE}\n`);
    return 0;
  }
  const databaseUrl = deps.env.DATABASE_URL?.trim() || undefined;
  let code: number;
  let outcome: string;
  let settings: BackupSettings | null = null;
  const started = Date.now();
  try {
    if (!databaseUrl) {
      const pglite = cmd.command === 'postgres-conf' ? null : await pgliteCommands();
      if (!pglite || cmd.command === 'postgres-conf') {
        io.err(cmd.command === 'postgres-conf' ? 'backup: postgres-conf is for Postgres deployments (DATABASE_URL unset)\n' : 'backup: PGlite backups: not available yet\n');
        code = 1;
        outcome = 'not available (PGlite)';
      } else {
        code = await pglite[cmd.command](cmd.rest);
        outcome = `pglite exit ${code}`;
      }
    } else {
      settings = loadBackupSettings(deps.env);
      ({ code, outcome } = await runPostgres(cmd, settings, databaseUrl, io, deps));
    }
  } catch (err) {
    const known = err instanceof BackupError || err instanceof ConfigError;
    const line = err instanceof Error ? err.message.split('\n')[0]! : 'failed';
    const safe = settings ? redactSecrets(settings, line) : line;
    io.err(`backup: ${known ? safe : `${cmd.command} failed: ${safe}`}\n`);
    code = 1;
    outcome = `failed: ${safe.slice(0, 300)}`;
  }
  if (cmd.command === 'postgres-conf') return code;
  try {
    const { db, close } = await deps.openDb();
    try {
      await audit(db, {}, {
        action: `backup.${cmd.command}`,
        result: code === 0 ? 'success' : 'failure',
        metadata: { via: 'operator', operator: operatorName(deps.env), host: hostname(), command: `${cmd.command}${cmd.scheduled ? ' (scheduled)' : ''}`, outcome, seconds: Math.round((Date.now() - started) / 100) / 10 },
      });
    } finally {
      await close();
    }
  } catch (err) {
    io.err(`backup: the audit row was not written (${err instanceof Error ? err.message.split('\n')[0] : 'database error'})\n`);
    // A restore into BACKUP_PG_DATA runs with Postgres stopped: nothing to write the row to.
    if (!(cmd.command === 'restore' && !cmd.to) && code === 0) code = 1;
  }
  return code;
}
