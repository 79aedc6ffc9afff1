/**
 * Settings of the embedded database's backups (one zod schema, one clear line on a bad value).
 * BACKUP_KEY is checked outside the schema so that no message can ever quote it.
 */
import { z } from 'zod';
import { ConfigError, intSetting, parseConfig } from '../../../../shared/config.js';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production'], { message: 'must be development, test or production' }).default('development'),
  PGLITE_DIR: z.string().default('data/pglite'),
  /** Onsite copy. */
  BACKUP_DIR: z.string().default('data/backups'),
  /** Second copy (another disk or a mounted remote); required in production. */
  BACKUP_COPY_DIR: z.string().optional(),
  /** Archives kept in BACKUP_DIR / BACKUP_COPY_DIR; older ones are expired after each backup. */
  BACKUP_KEEP: intSetting(1, 1000, 2),
  BACKUP_COPY_KEEP: intSetting(1, 1000, 4),
  /** `status` reports stale (exit 1) when the newest good backup is older than this. */
  BACKUP_MAX_AGE_HOURS: intSetting(1, 8760, 26),
  BACKUP_KEY: z.string().optional(),
});

export interface PgliteBackupConfig {
  pgliteDir: string;
  backupDir: string;
  copyDir: string | null;
  keep: number;
  copyKeep: number;
  maxAgeHours: number;
  /** Null when BACKUP_KEY is unset (list works without it; everything that reads or writes an archive refuses). */
  key: Buffer | null;
}

const KEY_TEXT = /^[A-Za-z0-9+/_-]{43}=?$/;

export function loadPgliteBackupConfig(env: Record<string, string | undefined>): PgliteBackupConfig {
  const c = parseConfig(schema, env, 'backup');
  let key: Buffer | null = null;
  if (c.BACKUP_KEY) {
    const buf = KEY_TEXT.test(c.BACKUP_KEY) ? Buffer.from(c.BACKUP_KEY, 'base64') : Buffer.alloc(0);
    if (buf.length !== 32) throw new ConfigError('backup config: BACKUP_KEY must be 32 random bytes in base64 (`openssl rand -base64 32`) (got [redacted])');
    key = buf;
  }
  if (c.NODE_ENV === 'production' && !c.BACKUP_COPY_DIR) throw new ConfigError('backup config: BACKUP_COPY_DIR is required in production (the second copy) (got unset)');
  if (c.PGLITE_DIR === 'memory://') throw new ConfigError('backup config: PGLITE_DIR is memory:// — an in-memory database has nothing to back up (got "memory://")');
  return {
    pgliteDir: c.PGLITE_DIR,
    backupDir: c.BACKUP_DIR,
    copyDir: c.BACKUP_COPY_DIR ?? null,
    keep: c.BACKUP_KEEP,
    copyKeep: c.BACKUP_COPY_KEEP,
    maxAgeHours: c.BACKUP_MAX_AGE_HOURS,
    key,
  };
}

export function requireKey(config: PgliteBackupConfig): Buffer {
  if (!config.key) throw new ConfigError('backup config: BACKUP_KEY is required (32 random bytes in base64: `openssl rand -base64 32`) (got unset)');
  return config.key;
}
