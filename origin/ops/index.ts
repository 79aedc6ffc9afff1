/**
 * The public module of the ops domain for the rest of the origin (the CLI, main.ts): anything
 * not exported here is this domain's own (a dependency-cruiser rule).
 */
export { BACKUP_USAGE, BackupSchedule, backupFreshness, backupFreshnessNow, loadBackupSettings, parseBackupArgs, postgresArchiveSettings, postgresConfLines, runBackupCommand } from './backup/index.js';
export type { BackupDeps, BackupFreshness, BackupIo, BackupSettings } from './backup/index.js';
export { AlertWorker, findIncident, isIncidentStatus, listIncidents, notifyIncident, NOTIFY_TEMPLATES, openIncident, resolveIncident, resolveOrganizations, SecurityJobs, securityEngineOf, updateIncident } from './security/index.js';
export type { AlertChannels, Incident, NotifyTemplate } from './security/index.js';
export { INCIDENT_USAGE, redactCommandLine, runIncidentCommand } from './security/command.js';
