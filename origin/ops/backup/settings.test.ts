import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config.js';
import { renderPgbackrestConfig, writePgbackrestConfig } from './pgbackrest-config.js';
import { archiveCommand, postgresConfLines } from './postgres-conf.js';
import { loadBackupSettings, redactSecrets } from './settings.js';

const PASS1 = 'first-passphrase-0123456789-abc';
const PASS2 = 'second-passphrase-0123456789-xyz';
const SECRET = 'S3secret/with+chars=0123456789';
const base = {
  BACKUP_PG_DATA: '/var/lib/postgresql/15/main',
  BACKUP_REPO1_CIPHER_PASS: PASS1,
  BACKUP_REPO2_CIPHER_PASS: PASS2,
  BACKUP_REPO2_S3_ENDPOINT: 's3.example.net',
  BACKUP_REPO2_S3_BUCKET: 'ghee-backups',
  BACKUP_REPO2_S3_KEY: 'AKIAEXAMPLEKEY',
  BACKUP_REPO2_S3_SECRET: SECRET,
};

function configError(env: Record<string, string>): string {
  try {
    loadBackupSettings(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('backup settings', () => {
  it('defaults: repo1 keeps 2 fulls, repo2 30 days of PITR, full weekly (Sunday 03:00 UTC) + differential daily, bounded archive queue, RPO 60 s', () => {
    const s = loadBackupSettings(base);
    expect(s.BACKUP_REPO1_RETENTION_FULL).toBe(2);
    expect(s.BACKUP_REPO2_RETENTION_FULL).toBe(4);
    expect(s.BACKUP_REPO2_RETENTION_DAYS).toBe(30);
    expect(s.BACKUP_FULL_WEEKDAY).toBe(0);
    expect(s.BACKUP_AT).toBe(180);
    expect(s.BACKUP_DIFFERENTIAL_DAILY).toBe(true);
    expect(s.BACKUP_ARCHIVE_QUEUE_MAX).toBe('1GB');
    expect(s.BACKUP_ARCHIVE_TIMEOUT_S).toBe(60);
    expect(s.BACKUP_SCHEDULER).toBe('off');
    expect(loadBackupSettings({ ...base, BACKUP_FULL_WEEKDAY: 'Sat', BACKUP_AT: '23:30' })).toMatchObject({ BACKUP_FULL_WEEKDAY: 6, BACKUP_AT: 23 * 60 + 30 });
  });

  it('a bad value is one line naming the variable; a secret is never shown, whatever is wrong with it', () => {
    expect(configError({ ...base, BACKUP_PG_DATA: 'relative/path' })).toBe('backup config: BACKUP_PG_DATA must be an absolute path without blanks or quotes (got "relative/path")');
    expect(configError({ ...base, BACKUP_REPO2_S3_ENDPOINT: 'https://s3.example.net' })).toMatch(/^backup config: BACKUP_REPO2_S3_ENDPOINT must be a host name/);
    expect(configError({ ...base, BACKUP_AT: '25:00' })).toMatch(/^backup config: BACKUP_AT must be a time HH:MM/);
    expect(configError({ ...base, BACKUP_ARCHIVE_QUEUE_MAX: 'lots' })).toMatch(/^backup config: BACKUP_ARCHIVE_QUEUE_MAX must be a size/);
    const { BACKUP_PG_DATA: _omit, ...noData } = base;
    expect(configError(noData)).toBe('backup config: BACKUP_PG_DATA is required (got unset)');
    const short = 'tooShort-secret';
    const m1 = configError({ ...base, BACKUP_REPO1_CIPHER_PASS: short });
    expect(m1).toBe('backup config: BACKUP_REPO1_CIPHER_PASS must be a passphrase of at least 20 characters (got [redacted])');
    const m2 = configError({ ...base, BACKUP_REPO2_CIPHER_PASS: PASS1 });
    expect(m2).toMatch(/^backup config: BACKUP_REPO2_CIPHER_PASS must differ from BACKUP_REPO1_CIPHER_PASS \(got \[redacted\]\)$/);
    const m3 = configError({ ...base, BACKUP_REPO2_S3_SECRET: `${SECRET}\nrepo1-path=/etc` });
    for (const m of [m1, m2, m3]) {
      expect(m).not.toContain(short);
      expect(m).not.toContain(PASS1);
      expect(m).not.toContain(SECRET);
      expect(m.split('\n')).toHaveLength(1);
    }
  });

  it('the pgBackRest file: both repositories aes-256-cbc with their own passphrase, repo2 on S3 with its CA, async archiving with a bounded queue', () => {
    const conf = renderPgbackrestConfig(loadBackupSettings({ ...base, BACKUP_REPO2_S3_CA_FILE: '/etc/ssl/s3-ca.pem' }));
    expect(conf).toContain(`repo1-cipher-type=aes-256-cbc\nrepo1-cipher-pass=${PASS1}`);
    expect(conf).toContain(`repo2-cipher-type=aes-256-cbc\nrepo2-cipher-pass=${PASS2}`);
    expect(conf).toContain('repo2-type=s3');
    expect(conf).toContain('repo2-s3-uri-style=path');
    expect(conf).toContain('repo2-storage-ca-file=/etc/ssl/s3-ca.pem');
    expect(conf).not.toContain('verify-tls=n');
    expect(conf).toContain('archive-async=y\narchive-push-queue-max=1GB');
    expect(conf).toContain('repo1-retention-full=2');
    expect(conf).toContain('repo2-retention-full-type=time\nrepo2-retention-full=30');
    expect(conf).toMatch(/\n\[ghee\]\npg1-path=\/var\/lib\/postgresql\/15\/main\n/);
    expect(renderPgbackrestConfig(loadBackupSettings({ ...base, BACKUP_REPO2_S3_VERIFY_TLS: 'false', BACKUP_REPO2_RETENTION_DAYS: '0' }))).toMatch(/repo2-storage-verify-tls=n[\s\S]*repo2-retention-full=4/);
  });

  it('is written with mode 0600 (the file is how the secrets reach pgBackRest)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ghee-backup-conf-'));
    try {
      const s = loadBackupSettings({
        ...base,
        BACKUP_CONFIG_PATH: join(dir, 'etc', 'pgbackrest.conf'),
        BACKUP_SPOOL_PATH: join(dir, 'spool'),
        BACKUP_LOG_PATH: join(dir, 'log'),
        BACKUP_LOCK_PATH: join(dir, 'lock'),
        BACKUP_STATE_PATH: join(dir, 'state'),
        BACKUP_REPO1_PATH: join(dir, 'repo1'),
      });
      writePgbackrestConfig(s, null);
      expect(statSync(s.BACKUP_CONFIG_PATH).mode & 0o777).toBe(0o600);
      expect(readFileSync(s.BACKUP_CONFIG_PATH, 'utf8')).toBe(renderPgbackrestConfig(s));
      expect(statSync(s.BACKUP_SPOOL_PATH).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('postgresql.conf lines: archive to pgBackRest every 60 s at most, no secret in archive_command', () => {
    const s = loadBackupSettings(base);
    const lines = postgresConfLines(s);
    expect(lines).toContain('archive_mode = on');
    expect(lines).toContain('archive_timeout = 60s');
    expect(lines).toContain("archive_command = 'pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=ghee archive-push %p'");
    expect(archiveCommand(s)).not.toMatch(/pass|secret|key/i);
    expect(redactSecrets(s, `error near ${PASS2} and ${SECRET}`)).toBe('error near [redacted] and [redacted]');
  });
});
