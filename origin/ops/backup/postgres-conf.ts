/**
 * The postgresql.conf lines that archive WAL to both repositories through pgBackRest. The
 * operator applies them (include them, or ALTER SYSTEM) and restarts Postgres once
 * (archive_mode needs a restart). archive_timeout bounds the RPO: a WAL segment is switched
 * and archived at least that often while there are writes.
 *
 * archive-push runs asynchronously (archive-async=y in the pgBackRest file): Postgres hands a
 * segment to the local spool and goes on; a background process pushes it to repo1 and repo2.
 * If a repository cannot be reached, archive-push keeps failing (Postgres retains the segment
 * and retries) until the queue passes archive-push-queue-max — then pgBackRest drops it and
 * reports success, so pg_wal never grows past that bound and writes are never blocked; `npm run
 * backup -- status` reports the gap, and the next backup closes it.
 */
import type { BackupSettings } from './settings.js';

/** Quotes a postgresql.conf string value. */
function confString(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The archive_command (no secrets: pgBackRest reads them from its configuration file). */
export function archiveCommand(s: BackupSettings): string {
  return `pgbackrest --config=${s.BACKUP_CONFIG_PATH} --stanza=${s.BACKUP_STANZA} archive-push %p`;
}

export function postgresArchiveSettings(s: BackupSettings): Record<string, string> {
  return {
    wal_level: 'replica',
    archive_mode: 'on',
    archive_command: archiveCommand(s),
    archive_timeout: `${s.BACKUP_ARCHIVE_TIMEOUT_S}s`,
    max_wal_senders: '3',
  };
}

export function postgresConfLines(s: BackupSettings): string {
  const lines = ['# WAL archiving to pgBackRest repo1 (local) and repo2 (S3) — written by `npm run backup -- postgres-conf`'];
  for (const [k, v] of Object.entries(postgresArchiveSettings(s))) lines.push(`${k} = ${/^[a-z0-9]+$/.test(v) ? v : confString(v)}`);
  return `${lines.join('\n')}\n`;
}
