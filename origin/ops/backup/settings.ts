/**
 * The backup settings (Postgres deployments: pgBackRest), one zod schema read from the
 * environment. A bad value is one line naming the variable; a secret's value (cipher
 * passphrases, the S3 key and secret) is never shown, whatever is wrong with it.
 *
 * From these ghee writes pgBackRest's configuration file (./pgbackrest-config.ts) and the
 * postgresql.conf lines that archive WAL to both repositories (./postgres-conf.ts).
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../../shared/config.js';

const message = (what: string) => ({ message: `must be ${what}` });
const int = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,12}$/, message(`an integer between ${min} and ${max}`))
    .transform(Number)
    .pipe(z.number().min(min, message(`an integer between ${min} and ${max}`)).max(max, message(`an integer between ${min} and ${max}`)))
    .default(fallback);
/** No blanks or quotes: paths go into pgBackRest's INI file and into archive_command. */
const absPath = () => z.string().refine((p) => isAbsolute(p) && /^[^\s'"\\]+$/.test(p), message('an absolute path without blanks or quotes'));
/** A value written into pgBackRest's INI file: one line, no leading/trailing blanks. */
const iniValue = (what: string) => z.string().regex(/^[^\n\r=][^\n\r]*$/, message(what));
const passphrase = () => z.string().min(20, message('a passphrase of at least 20 characters')).regex(/^[^\n\r]+$/, message('one line'));
const onOff = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'y', 'n'], message('true or false'))
    .transform((v) => v === 'true' || v === '1' || v === 'y')
    .default(fallback);
/** `sun`..`sat` or 0..6 (0 = Sunday). */
const weekday = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(['0', '1', '2', '3', '4', '5', '6', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], message('a weekday (sun..sat or 0..6)')))
  .transform((v) => (/^\d$/.test(v) ? Number(v) : ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].indexOf(v)))
  .default(0);
/** `HH:MM` in UTC. */
const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, message('a time HH:MM (UTC)'))
  .transform((v) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3)))
  .default(3 * 60);
/** pgBackRest size: a number with an optional KB/MB/GB/TB suffix (binary multiples, as pgBackRest reads them). */
const size = (fallback: string) => z.string().regex(/^\d{1,9}(KB|MB|GB|TB)?$/i, message('a size such as 512MB or 4GB')).default(fallback);

export const SECRET_SETTINGS = ['BACKUP_REPO1_CIPHER_PASS', 'BACKUP_REPO2_CIPHER_PASS', 'BACKUP_REPO2_S3_KEY', 'BACKUP_REPO2_S3_SECRET'] as const;

export const backupSettingsSchema = z
  .object({
    /** pgBackRest's name for this cluster. */
    BACKUP_STANZA: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, message('a stanza name (letters, digits, _ and -)')).default('ghee'),
    /** Where ghee writes pgBackRest's configuration file (mode 0600). */
    BACKUP_CONFIG_PATH: absPath().default('/etc/pgbackrest/pgbackrest.conf'),
    /** When the command runs as root, pgBackRest and pg_ctl run as this user (the cluster's owner). */
    BACKUP_RUN_AS: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, message('a system user name')).default('postgres'),
    BACKUP_PG_DATA: absPath(),
    BACKUP_PG_PORT: int(1, 65535, 5432),
    BACKUP_PG_SOCKET: absPath().default('/var/run/postgresql'),
    BACKUP_PG_USER: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, message('a role name')).default('postgres'),
    /** The directory of pg_ctl (the restore drill starts its scratch cluster with it). */
    BACKUP_PG_BIN: absPath().optional(),
    BACKUP_SPOOL_PATH: absPath().default('/var/spool/pgbackrest'),
    BACKUP_LOG_PATH: absPath().default('/var/log/pgbackrest'),
    BACKUP_LOCK_PATH: absPath().default('/tmp/pgbackrest'),
    /** ghee's own state (the last verify's outcome). */
    BACKUP_STATE_PATH: absPath().default('/var/lib/ghee/backup'),
    BACKUP_PROCESS_MAX: int(1, 32, 2),
    /** Asynchronous archiving: the most WAL queued for a repository that cannot be reached before pgBackRest drops it (pg_wal stays bounded; the gap is reported). */
    BACKUP_ARCHIVE_QUEUE_MAX: size('1GB'),
    /**
     * Seconds of silence before a repository read or write fails (pgBackRest io-timeout; also how
     * long archive-push waits for the asynchronous push). While repo2 is unreachable, one failed
     * push attempt takes several of these (pgBackRest retries its info files), and pg_wal grows
     * by the WAL written meanwhile before the queue is dropped: keep it short.
     */
    BACKUP_IO_TIMEOUT_S: int(1, 3600, 30),
    /** postgresql.conf archive_timeout: the RPO bound in seconds. */
    BACKUP_ARCHIVE_TIMEOUT_S: int(1, 3600, 60),

    BACKUP_REPO1_PATH: absPath().default('/var/lib/pgbackrest'),
    BACKUP_REPO1_CIPHER_PASS: passphrase(),
    BACKUP_REPO1_RETENTION_FULL: int(1, 9999, 2),

    BACKUP_REPO2_S3_ENDPOINT: iniValue('a host name or address').refine((v) => !/[\s/:]/.test(v), message('a host name or address without scheme or port')),
    BACKUP_REPO2_S3_PORT: int(1, 65535, 443),
    BACKUP_REPO2_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, message('an S3 bucket name')),
    BACKUP_REPO2_S3_REGION: z.string().regex(/^[a-z0-9-]{1,40}$/, message('an S3 region such as us-east-1')).default('us-east-1'),
    BACKUP_REPO2_S3_KEY: iniValue('an access key id'),
    BACKUP_REPO2_S3_SECRET: iniValue('a secret access key'),
    /** Path-style URLs (most S3-compatible servers) or virtual-host style (AWS). */
    BACKUP_REPO2_S3_URI_STYLE: z.enum(['path', 'host'], message('path or host')).default('path'),
    BACKUP_REPO2_S3_CA_FILE: absPath().optional(),
    BACKUP_REPO2_S3_VERIFY_TLS: onOff(true),
    /** The prefix inside the bucket. */
    BACKUP_REPO2_PATH: absPath().default('/pgbackrest'),
    BACKUP_REPO2_CIPHER_PASS: passphrase(),
    BACKUP_REPO2_RETENTION_FULL: int(1, 9999, 4),
    /**
     * Days of point-in-time recovery kept in repo2: pgBackRest's time-based retention keeps every
     * full backup (and its WAL) needed to restore to any moment of the last N days — with weekly
     * fulls, at least 4 fulls and 30 days of WAL. 0: count-based, BACKUP_REPO2_RETENTION_FULL fulls.
     */
    BACKUP_REPO2_RETENTION_DAYS: int(0, 3650, 30),

    /** Who runs the schedule: the origin's job runner (one instance at a time, by an advisory lock), or an external timer (systemd) calling the CLI. */
    BACKUP_SCHEDULER: z.enum(['off', 'origin'], message('off or origin')).default('off'),
    BACKUP_FULL_WEEKDAY: weekday,
    BACKUP_AT: timeOfDay,
    /** Differential backups on the other days (false: full only). */
    BACKUP_DIFFERENTIAL_DAILY: onOff(true),
    /** Hours after which the newest good backup is stale (alert). */
    BACKUP_STALE_AFTER_H: int(1, 24 * 30, 26),
  })
  .refine((s) => !(s.BACKUP_REPO1_CIPHER_PASS === s.BACKUP_REPO2_CIPHER_PASS), { message: 'must differ from BACKUP_REPO1_CIPHER_PASS', path: ['BACKUP_REPO2_CIPHER_PASS'] });

export type BackupSettings = z.output<typeof backupSettingsSchema>;

/** The settings from `env`, or a ConfigError with one line naming the variable (never a secret's value). */
export function loadBackupSettings(env: Record<string, string | undefined> = process.env): BackupSettings {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const t = v?.trim();
    if (t && k.startsWith('BACKUP_')) cleaned[k] = t;
  }
  const result = backupSettingsSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.length > 0 ? issue.path.join('.') : '(backup config)';
  const raw = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
  const secret = (SECRET_SETTINGS as readonly string[]).includes(name);
  const shown = raw === undefined ? 'unset' : secret ? '[redacted]' : JSON.stringify(raw.slice(0, 200));
  throw new ConfigError(`backup config: ${name} ${raw === undefined && !issue.path.slice(1).length && issue.code === 'invalid_type' ? 'is required' : issue.message} (got ${shown})`);
}

/** The values that must never appear in a log line, an error or a process list. */
export function secretValues(s: BackupSettings): string[] {
  return [s.BACKUP_REPO1_CIPHER_PASS, s.BACKUP_REPO2_CIPHER_PASS, s.BACKUP_REPO2_S3_KEY, s.BACKUP_REPO2_S3_SECRET];
}

/** `text` with every secret value replaced (a last line of defence for tool output shown to the operator). */
export function redactSecrets(s: BackupSettings, text: string): string {
  let out = text;
  for (const v of secretValues(s)) if (v.length >= 4) out = out.split(v).join('[redacted]');
  return out;
}
