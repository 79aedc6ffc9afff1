/**
 * Reading pgBackRest's `info --output=json` and ghee's own record of the last verify: the list
 * of backups per repository, and the freshness of the newest good backup that the alerting
 * publishes (ghee_backup_last_success_timestamp_seconds, a backup_stale event).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupSettings } from './settings.js';

export interface BackupEntry {
  repo: number;
  label: string;
  type: 'full' | 'diff' | 'incr';
  startedAt: Date;
  stoppedAt: Date;
  /** Database size (bytes) and the bytes stored in the repository for this backup. */
  size: number;
  repoSize: number;
  error: boolean;
  walStart: string | null;
  walStop: string | null;
}

export interface RepoArchive {
  repo: number;
  /** Oldest and newest WAL segment held. */
  min: string | null;
  max: string | null;
}

export interface StanzaInfo {
  status: { code: number; message: string };
  repos: { key: number; code: number; message: string }[];
  backups: BackupEntry[];
  archives: RepoArchive[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The stanza's entry of `pgbackrest info --output=json` (an array of stanzas). */
export function parseInfo(json: string, stanza: string): StanzaInfo {
  const all = arr(JSON.parse(json) as unknown);
  const s = obj(all.map(obj).find((x) => x.name === stanza));
  const status = obj(s.status);
  return {
    status: { code: num(status.code), message: str(status.message) ?? 'missing stanza' },
    repos: arr(s.repo).map((r) => {
      const st = obj(obj(r).status);
      return { key: num(obj(r).key), code: num(st.code), message: str(st.message) ?? '' };
    }),
    backups: arr(s.backup).map((raw) => {
      const b = obj(raw);
      const ts = obj(b.timestamp);
      const info = obj(b.info);
      const type = str(b.type);
      return {
        repo: num(obj(b.database)['repo-key']),
        label: str(b.label) ?? '',
        type: type === 'diff' || type === 'incr' ? type : 'full',
        startedAt: new Date(num(ts.start) * 1000),
        stoppedAt: new Date(num(ts.stop) * 1000),
        size: num(info.size),
        repoSize: num(obj(info.repository).size),
        error: b.error === true,
        walStart: str(obj(b.archive).start),
        walStop: str(obj(b.archive).stop),
      };
    }),
    archives: arr(s.archive).map((raw) => {
      const a = obj(raw);
      return { repo: num(obj(a.database)['repo-key']), min: str(a.min), max: str(a.max) };
    }),
  };
}

/** The outcome of the last `verify` (written after every backup and every `npm run backup -- verify`). */
export interface VerifyRecord {
  at: string;
  ok: boolean;
  /** One line per repository. */
  detail: string[];
}

const VERIFY_FILE = 'last-verify.json';

export function writeVerifyRecord(s: BackupSettings, record: VerifyRecord): void {
  mkdirSync(s.BACKUP_STATE_PATH, { recursive: true, mode: 0o700 });
  const file = join(s.BACKUP_STATE_PATH, VERIFY_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function readVerifyRecord(s: BackupSettings): VerifyRecord | null {
  try {
    const v = JSON.parse(readFileSync(join(s.BACKUP_STATE_PATH, VERIFY_FILE), 'utf8')) as unknown;
    const r = obj(v);
    return typeof r.at === 'string' && typeof r.ok === 'boolean' ? { at: r.at, ok: r.ok, detail: arr(r.detail).filter((d): d is string => typeof d === 'string') } : null;
  } catch {
    return null;
  }
}

export interface BackupFreshness {
  /** When the newest good backup (in any repository) finished; null: none. */
  lastSuccessAt: Date | null;
  ageSeconds: number | null;
  lastVerifyFailed: boolean;
  /** Older than BACKUP_STALE_AFTER_H (26 h by default), no backup at all, or the last verify failed. */
  stale: boolean;
}

/** The freshness of the newest good backup: what the metrics publish and `status` prints. */
export function backupFreshness(info: StanzaInfo, verify: VerifyRecord | null, now: Date, staleAfterHours = 26): BackupFreshness {
  const good = info.backups.filter((b) => !b.error);
  const newest = good.reduce<Date | null>((m, b) => (m === null || b.stoppedAt > m ? b.stoppedAt : m), null);
  const ageSeconds = newest ? Math.max(0, Math.round((now.getTime() - newest.getTime()) / 1000)) : null;
  const lastVerifyFailed = verify !== null && !verify.ok;
  return { lastSuccessAt: newest, ageSeconds, lastVerifyFailed, stale: ageSeconds === null || ageSeconds > staleAfterHours * 3600 || lastVerifyFailed };
}
