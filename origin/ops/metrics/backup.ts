/**
 * Backup freshness: `ghee_backup_last_success_timestamp_seconds{source}` — when the newest good
 * backup finished (Unix seconds), read when scraped (cached a minute: reading it runs
 * `pgbackrest info`). Where the value comes from, in order:
 *
 * 1. a source set with `setBackupFreshnessSource` (the backup schedule, PGlite's archives, tests);
 * 2. origin/ops/backup's `backupStatus()` or — when BACKUP_PG_DATA configures pgBackRest —
 *    `backupFreshnessNow(loadBackupSettings())`, imported when first scraped so this module
 *    works (and typechecks) whatever that module exports today;
 * 3. otherwise no sample at all (never a misleading 0).
 */
import { sampledGauge } from './registry.js';

export interface BackupFreshnessSample {
  /** When the newest good backup finished; null: there is none. */
  lastSuccessAt: Date | null;
  /** Where it was read: pgbackrest, pglite, … (the label). */
  source: string;
}

export type BackupFreshnessSource = () => Promise<BackupFreshnessSample | null>;

let configured: BackupFreshnessSource | null = null;
let cached: { at: number; value: Promise<BackupFreshnessSample | null> } | null = null;
const CACHE_MS = 60_000;

/** Sets (or with null clears) where backup freshness is read. */
export function setBackupFreshnessSource(source: BackupFreshnessSource | null): void {
  configured = source;
  cached = null;
}

type Fn = (...args: unknown[]) => unknown;
const BACKUP_MODULE = '../backup/index.js';

/** The backup module's own reader, if it has one that needs no arguments here. */
async function fromBackupModule(): Promise<BackupFreshnessSample | null> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ BACKUP_MODULE)) as Record<string, unknown>;
  } catch {
    return null;
  }
  const at = (v: unknown): Date | null => {
    const d = (v as { lastSuccessAt?: unknown; freshness?: { lastSuccessAt?: unknown } } | null)?.lastSuccessAt ?? (v as { freshness?: { lastSuccessAt?: unknown } } | null)?.freshness?.lastSuccessAt;
    return d instanceof Date ? d : null;
  };
  if (typeof mod.backupStatus === 'function') return { lastSuccessAt: at(await (mod.backupStatus as Fn)()), source: 'pgbackrest' };
  if (process.env.BACKUP_PG_DATA && typeof mod.backupFreshnessNow === 'function' && typeof mod.loadBackupSettings === 'function') {
    const settings = (mod.loadBackupSettings as Fn)(process.env);
    return { lastSuccessAt: at(await (mod.backupFreshnessNow as Fn)(settings)), source: 'pgbackrest' };
  }
  return null;
}

async function read(): Promise<BackupFreshnessSample | null> {
  try {
    return await (configured ?? fromBackupModule)();
  } catch {
    return null;
  }
}

sampledGauge('ghee_backup_last_success_timestamp_seconds', 'When the newest good backup finished (Unix seconds); no sample when backups are not configured.', 'source', async () => {
  const now = Date.now();
  if (!cached || now - cached.at > CACHE_MS) cached = { at: now, value: read() };
  const s = await cached.value;
  return s?.lastSuccessAt ? { label: s.source, value: s.lastSuccessAt.getTime() / 1000 } : null;
});
