/**
 * The backups of Postgres deployments (pgBackRest: two encrypted repositories, WAL archiving,
 * schedule, verify, restore drill) — the public module of origin/ops/backup for the CLI, the
 * origin and the metrics.
 */
export { BACKUP_USAGE, parseBackupArgs, runBackupCommand } from './command.js';
export type { BackupDeps, BackupIo } from './command.js';
export { backupFreshness } from './info.js';
export type { BackupFreshness } from './info.js';
export { backupFreshnessNow } from './operations.js';
export { postgresConfLines, postgresArchiveSettings } from './postgres-conf.js';
export { loadBackupSettings } from './settings.js';
export type { BackupSettings } from './settings.js';
export { BackupSchedule } from './schedule.js';
