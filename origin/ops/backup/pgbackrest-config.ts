/**
 * pgBackRest's configuration file, written by ghee from its validated settings: repo1 on local
 * disk ("onsite"), repo2 on S3-compatible storage ("remote"), both aes-256-cbc encrypted with
 * their own passphrase; asynchronous WAL archiving with a bounded queue. The file holds the
 * secrets (passphrases, S3 key and secret) — that is how they reach pgBackRest without ever
 * being in a command line or a log — so it is written with mode 0600, owned by the user
 * pgBackRest runs as.
 */
import { chmodSync, chownSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BackupSettings } from './settings.js';

export function renderPgbackrestConfig(s: BackupSettings): string {
  const repo2Retention =
    s.BACKUP_REPO2_RETENTION_DAYS > 0
      ? ['repo2-retention-full-type=time', `repo2-retention-full=${s.BACKUP_REPO2_RETENTION_DAYS}`]
      : [`repo2-retention-full=${s.BACKUP_REPO2_RETENTION_FULL}`];
  const tls = s.BACKUP_REPO2_S3_CA_FILE
    ? [`repo2-storage-ca-file=${s.BACKUP_REPO2_S3_CA_FILE}`]
    : s.BACKUP_REPO2_S3_VERIFY_TLS
      ? []
      : ['repo2-storage-verify-tls=n'];
  const lines = [
    '# Written by ghee (npm run backup) from its BACKUP_* settings: edit those, not this file.',
    '[global]',
    `log-path=${s.BACKUP_LOG_PATH}`,
    `lock-path=${s.BACKUP_LOCK_PATH}`,
    `spool-path=${s.BACKUP_SPOOL_PATH}`,
    'log-level-console=warn',
    'log-level-file=info',
    `process-max=${s.BACKUP_PROCESS_MAX}`,
    'compress-type=zst',
    'start-fast=y',
    'archive-async=y',
    `archive-push-queue-max=${s.BACKUP_ARCHIVE_QUEUE_MAX}`,
    // How long archive-push waits for the asynchronous push, and a backup for its WAL to be archived.
    `archive-timeout=${Math.max(s.BACKUP_IO_TIMEOUT_S, 60)}`,
    `io-timeout=${s.BACKUP_IO_TIMEOUT_S}`,
    `db-timeout=${Math.max(s.BACKUP_IO_TIMEOUT_S, 60) * 30}`,
    `protocol-timeout=${Math.max(s.BACKUP_IO_TIMEOUT_S, 60) * 30 + 30}`,
    '',
    '# repo1: local disk (onsite)',
    'repo1-type=posix',
    `repo1-path=${s.BACKUP_REPO1_PATH}`,
    'repo1-cipher-type=aes-256-cbc',
    `repo1-cipher-pass=${s.BACKUP_REPO1_CIPHER_PASS}`,
    `repo1-retention-full=${s.BACKUP_REPO1_RETENTION_FULL}`,
    '',
    '# repo2: S3-compatible object storage (remote)',
    'repo2-type=s3',
    `repo2-path=${s.BACKUP_REPO2_PATH}`,
    `repo2-s3-endpoint=${s.BACKUP_REPO2_S3_ENDPOINT}`,
    `repo2-storage-port=${s.BACKUP_REPO2_S3_PORT}`,
    `repo2-s3-bucket=${s.BACKUP_REPO2_S3_BUCKET}`,
    `repo2-s3-region=${s.BACKUP_REPO2_S3_REGION}`,
    `repo2-s3-uri-style=${s.BACKUP_REPO2_S3_URI_STYLE}`,
    `repo2-s3-key=${s.BACKUP_REPO2_S3_KEY}`,
    `repo2-s3-key-secret=${s.BACKUP_REPO2_S3_SECRET}`,
    ...tls,
    'repo2-cipher-type=aes-256-cbc',
    `repo2-cipher-pass=${s.BACKUP_REPO2_CIPHER_PASS}`,
    ...repo2Retention,
    '',
    `[${s.BACKUP_STANZA}]`,
    `pg1-path=${s.BACKUP_PG_DATA}`,
    `pg1-port=${s.BACKUP_PG_PORT}`,
    `pg1-socket-path=${s.BACKUP_PG_SOCKET}`,
    `pg1-user=${s.BACKUP_PG_USER}`,
    '',
  ];
  return lines.join('\n');
}

/** The uid/gid pgBackRest runs as, when this process is root (else null: the current user). */
export type Owner = { uid: number; gid: number } | null;

/**
 * Writes the configuration file atomically with mode 0600 (owned by `owner` when given), and
 * creates the spool, log, lock and state directories pgBackRest and ghee need (mode 0700).
 */
export function writePgbackrestConfig(s: BackupSettings, owner: Owner): void {
  const own = (path: string) => {
    if (owner) chownSync(path, owner.uid, owner.gid);
  };
  // The configuration's directory is the owner's when ghee creates it (an existing one, e.g. /etc/pgbackrest, is left as it is).
  if (mkdirSync(dirname(s.BACKUP_CONFIG_PATH), { recursive: true, mode: 0o700 }) !== undefined) own(dirname(s.BACKUP_CONFIG_PATH));
  for (const dir of [s.BACKUP_SPOOL_PATH, s.BACKUP_LOG_PATH, s.BACKUP_LOCK_PATH, s.BACKUP_STATE_PATH, s.BACKUP_REPO1_PATH]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    own(dir);
  }
  const tmp = `${s.BACKUP_CONFIG_PATH}.${process.pid}.tmp`;
  writeFileSync(tmp, renderPgbackrestConfig(s), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  own(tmp);
  renameSync(tmp, s.BACKUP_CONFIG_PATH);
}
