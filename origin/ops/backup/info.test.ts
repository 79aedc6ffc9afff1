import { describe, expect, it } from 'vitest';
import { compareSnapshots } from './drill.js';
import { backupFreshness, parseInfo, type BackupEntry } from './info.js';
import { scheduledBackupDue, scheduledType } from './operations.js';
import { loadBackupSettings } from './settings.js';

const INFO = JSON.stringify([
  {
    name: 'ghee',
    status: { code: 0, message: 'ok' },
    repo: [
      { key: 1, cipher: 'aes-256-cbc', status: { code: 0, message: 'ok' } },
      { key: 2, cipher: 'aes-256-cbc', status: { code: 99, message: 'other' } },
    ],
    archive: [{ database: { id: 1, 'repo-key': 1 }, id: '15-1', min: '000000010000000000000001', max: '000000010000000000000009' }],
    backup: [
      { label: '20261206-030000F', type: 'full', error: false, database: { 'repo-key': 1 }, timestamp: { start: 1796526000, stop: 1796526060 }, info: { size: 1000, repository: { size: 100 } }, archive: { start: 'A', stop: 'B' } },
      { label: '20261206-030000F_20261207-030000D', type: 'diff', error: true, database: { 'repo-key': 1 }, timestamp: { start: 1796612400, stop: 1796612460 }, info: { size: 1000, repository: { size: 10 } } },
    ],
  },
]);

const settings = loadBackupSettings({
  BACKUP_PG_DATA: '/pg',
  BACKUP_REPO1_CIPHER_PASS: 'first-passphrase-0123456789',
  BACKUP_REPO2_CIPHER_PASS: 'second-passphrase-0123456789',
  BACKUP_REPO2_S3_ENDPOINT: 's3.example.net',
  BACKUP_REPO2_S3_BUCKET: 'bucket',
  BACKUP_REPO2_S3_KEY: 'k',
  BACKUP_REPO2_S3_SECRET: 's',
});

function entry(type: BackupEntry['type'], stopped: string, error = false): BackupEntry {
  const d = new Date(stopped);
  return { repo: 1, label: stopped, type, startedAt: d, stoppedAt: d, size: 0, repoSize: 0, error, walStart: null, walStop: null };
}

describe('backup info and freshness', () => {
  it('parses pgBackRest info JSON: repositories, backups, archives', () => {
    const i = parseInfo(INFO, 'ghee');
    expect(i.repos).toEqual([
      { key: 1, code: 0, message: 'ok' },
      { key: 2, code: 99, message: 'other' },
    ]);
    expect(i.backups.map((b) => [b.repo, b.type, b.error, b.stoppedAt.toISOString()])).toEqual([
      [1, 'full', false, '2026-12-06T03:01:00.000Z'],
      [1, 'diff', true, '2026-12-07T03:01:00.000Z'],
    ]);
    expect(i.archives).toEqual([{ repo: 1, min: '000000010000000000000001', max: '000000010000000000000009' }]);
    expect(parseInfo(INFO, 'other').status.message).toBe('missing stanza');
  });

  it('freshness: the newest good backup (a failed one does not count); stale past 26 h, with no backup, or when the last verify failed', () => {
    const i = parseInfo(INFO, 'ghee');
    const ok = { at: '2026-12-06T03:02:00Z', ok: true, detail: [] };
    const at = (iso: string) => backupFreshness(i, ok, new Date(iso));
    expect(at('2026-12-07T04:00:00Z')).toEqual({ lastSuccessAt: new Date('2026-12-06T03:01:00Z'), ageSeconds: 25 * 3600 - 60, lastVerifyFailed: false, stale: false });
    expect(at('2026-12-07T05:01:01Z').stale).toBe(true);
    expect(backupFreshness(i, { ...ok, ok: false }, new Date('2026-12-06T04:00:00Z'))).toMatchObject({ lastVerifyFailed: true, stale: true });
    expect(backupFreshness({ ...i, backups: [] }, null, new Date())).toEqual({ lastSuccessAt: null, ageSeconds: null, lastVerifyFailed: false, stale: true });
  });

  it('schedule: full weekly (Sunday by default, or once the newest full is a week old), differential on the other days', () => {
    // 2026-12-06 is a Sunday.
    expect(scheduledType(settings, [], new Date('2026-12-09T03:00:00Z'))).toBe('full');
    expect(scheduledType(settings, [entry('full', '2026-12-06T03:05:00Z')], new Date('2026-12-09T03:00:00Z'))).toBe('diff');
    expect(scheduledType(settings, [entry('full', '2026-12-06T03:05:00Z', true)], new Date('2026-12-09T03:00:00Z'))).toBe('full');
    expect(scheduledType(settings, [entry('full', '2026-12-07T03:05:00Z')], new Date('2026-12-13T03:00:00Z'))).toBe('full');
    expect(scheduledType(settings, [entry('full', '2026-12-13T03:05:00Z')], new Date('2026-12-13T09:00:00Z'))).toBe('diff');
    expect(scheduledType(settings, [entry('full', '2026-12-01T03:05:00Z')], new Date('2026-12-09T03:00:00Z'))).toBe('full');
    expect(scheduledType({ ...settings, BACKUP_DIFFERENTIAL_DAILY: false }, [entry('full', '2026-12-06T03:05:00Z')], new Date('2026-12-09T03:00:00Z'))).toBe('full');
  });

  it('a scheduled backup is due once BACKUP_AT has passed and none was taken since', () => {
    const taken = [entry('full', '2026-12-08T03:04:00Z')];
    expect(scheduledBackupDue(settings, taken, new Date('2026-12-08T12:00:00Z'))).toBe(false);
    expect(scheduledBackupDue(settings, taken, new Date('2026-12-09T02:59:00Z'))).toBe(false);
    expect(scheduledBackupDue(settings, taken, new Date('2026-12-09T03:00:00Z'))).toBe(true);
    expect(scheduledBackupDue(settings, [entry('diff', '2026-12-09T03:04:00Z', true), ...taken], new Date('2026-12-09T04:00:00Z'))).toBe(true);
  });

  it('the drill comparison names each difference: schema version, missing tables, row counts, content', () => {
    const src = { schemaVersion: '5 migrations, newest h5', tables: { pages: { rows: 3, checksum: 'a' }, posts: { rows: 2, checksum: 'b' }, audit_events: { rows: 9, checksum: 'c' } } };
    expect(compareSnapshots(src, structuredClone(src))).toEqual([]);
    expect(
      compareSnapshots(src, { schemaVersion: '4 migrations, newest h4', tables: { pages: { rows: 3, checksum: 'x' }, posts: { rows: 1, checksum: 'b' }, extra: { rows: 0, checksum: '' } } }),
    ).toEqual([
      'schema version: source 5 migrations, newest h5, restored 4 migrations, newest h4',
      'table pages: same row count (3), different content (checksum)',
      'table posts: 2 rows in the source, 1 restored',
      'table audit_events: missing from the restore',
      'table extra: not in the source',
    ]);
  });
});
