/**
 * Backup and restore throughput, RPO and RTO of the pgBackRest backups (origin/ops/backup), by
 * hand (not a test): `npx tsx bench/backup-throughput.ts [--gb 1] [--rpo-samples 3]`.
 *
 * A private Postgres cluster (test/helpers/pg-cluster.ts) with ~1 GB of table data (random-ish
 * text, so it compresses about as well as real content), archiving through pgBackRest with
 * archive_timeout 60 s to repo1 (local disk) and repo2 (versitygw on loopback with TLS), both
 * aes-256-cbc; every step runs through `npm run backup`'s code (runBackupCommand).
 *
 *   backup:  a full backup to each repository, MB/s = database size / wall time
 *   restore: the latest backup restored from each repository into a temp data directory
 *            (`restore --latest --repo N --to …`), MB/s = database size / wall time
 *   RPO:     a row committed while nothing else writes; the time until the WAL segment holding
 *            it is in repo2 (pgbackrest info: repo2's newest archived segment) — bounded by
 *            archive_timeout (60 s) + the asynchronous push
 *   RTO:     `npm run backup -- drill`'s figure: the latest backup restored and started
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadOriginConfig } from '../origin/config.js';
import { createDatabase } from '../origin/db/client.js';
import { loadBackupSettings, postgresArchiveSettings, runBackupCommand, type BackupDeps } from '../origin/ops/index.js';
import { postgresBinDir, startPgCluster } from '../test/helpers/pg-cluster.js';
import { freePort } from '../origin/net/free-port.js';

const { values } = parseArgs({ options: { gb: { type: 'string', default: '1' }, 'rpo-samples': { type: 'string', default: '3' } } });
const targetBytes = Number(values.gb) * 1024 ** 3;
const rpoSamples = Number(values['rpo-samples']);
const MB = 1048576;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const owner = userInfo().uid === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : null;
const say = (line: string) => process.stdout.write(`${line}\n`);

function ownedDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (owner) chownSync(path, owner.uid, owner.gid);
  return path;
}

const base = mkdtempSync(join(tmpdir(), 'ghee-backup-bench-'));
chmodSync(base, 0o755);
const certFile = join(base, 'cert.pem');
const keyFile = join(base, 'key.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
  '-addext', 'subjectAltName=DNS:127.0.0.1,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
chmodSync(certFile, 0o644);
mkdirSync(join(base, 's3', 'ghee-bench'), { recursive: true });
const s3Port = await freePort();
const s3: ChildProcess = spawn(process.env.VERSITYGW_BIN ?? join(process.env.HOME ?? '/root', 'go/bin/versitygw'), ['--port', `127.0.0.1:${s3Port}`, '--cert', certFile, '--key', keyFile, 'posix', join(base, 's3')], {
  env: { PATH: process.env.PATH ?? '', ROOT_ACCESS_KEY: 'BENCHKEY', ROOT_SECRET_KEY: 'bench-secret-0123456789' },
  stdio: 'ignore',
});
const cluster = await startPgCluster();
try {
  const env: Record<string, string> = {
    DATABASE_URL: cluster.urlOf('ghee_bench'),
    BACKUP_CONFIG_PATH: join(base, 'etc', 'pgbackrest.conf'),
    BACKUP_PG_DATA: join(cluster.dir, 'data'),
    BACKUP_PG_PORT: String(cluster.port),
    BACKUP_PG_SOCKET: cluster.dir,
    BACKUP_PG_BIN: postgresBinDir(),
    BACKUP_SPOOL_PATH: join(base, 'spool'),
    BACKUP_LOG_PATH: join(base, 'log'),
    BACKUP_LOCK_PATH: join(base, 'lock'),
    BACKUP_STATE_PATH: join(base, 'state'),
    BACKUP_REPO1_PATH: join(base, 'repo1'),
    BACKUP_REPO1_CIPHER_PASS: 'bench-onsite-passphrase-0123456789',
    BACKUP_REPO2_CIPHER_PASS: 'bench-remote-passphrase-0123456789',
    BACKUP_REPO2_S3_ENDPOINT: '127.0.0.1',
    BACKUP_REPO2_S3_PORT: String(s3Port),
    BACKUP_REPO2_S3_BUCKET: 'ghee-bench',
    BACKUP_REPO2_S3_KEY: 'BENCHKEY',
    BACKUP_REPO2_S3_SECRET: 'bench-secret-0123456789',
    BACKUP_REPO2_S3_CA_FILE: certFile,
    BACKUP_PROCESS_MAX: '2',
  };
  await cluster.createDatabase('ghee_bench');
  const d = await createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: env.DATABASE_URL!, DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: 1 });
  await d.migrate();
  await d.close();
  let db = postgres(env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  say(`loading ~${values.gb} GB…`);
  const t0 = Date.now();
  await db`create table bench_content (id bigint primary key, body text not null)`;
  // ~330 bytes a row on disk: 32 hex digits of md5 × 9, from different seeds.
  const rows = Math.round(targetBytes / 330);
  for (let from = 1; from <= rows; from += 500_000) {
    await db`insert into bench_content select g, md5(g::text) || md5((g * 3)::text) || md5((g * 5)::text) || md5((g * 7)::text) || md5((g * 11)::text) || md5((g * 13)::text) || md5((g * 17)::text) || md5((g * 19)::text) || md5((g * 23)::text) from generate_series(${from}::bigint, ${Math.min(from + 499_999, rows)}::bigint) g`;
  }
  await db`checkpoint`;
  // The whole cluster is what pgBackRest copies.
  const [{ size }] = (await db<{ size: string }[]>`select sum(pg_database_size(datname))::bigint as size from pg_database`) as unknown as [{ size: string }];
  const dbBytes = Number(size);
  await db.end();
  say(`loaded ${rows} rows, cluster ${(dbBytes / MB).toFixed(0)} MB in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  // As an operator would: an existing database, then archiving switched on (restart) and the first backup.
  const admin = postgres(cluster.adminUrl, { max: 1, onnotice: () => {} });
  for (const [k, v] of Object.entries({ ...postgresArchiveSettings(loadBackupSettings(env)), max_wal_size: '1GB' })) await admin.unsafe(`alter system set ${k} = '${v.replaceAll("'", "''")}'`);
  await admin.end();
  await cluster.stop();
  await cluster.start();
  db = postgres(env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  const deps: BackupDeps = {
    env,
    openDb: async () => {
      const h = await createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: env.DATABASE_URL!, DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: 1 });
      return { db: h.db, close: () => h.close() };
    },
  };
  const cli = async (argv: string[]) => {
    let out = '';
    let err = '';
    const started = Date.now();
    const code = await runBackupCommand(argv, { out: (t) => void (out += t), err: (t) => void (err += t) }, deps);
    if (code !== 0) throw new Error(`backup ${argv.join(' ')} exited ${code}:\n${out}\n${err}`);
    return { out, err, seconds: (Date.now() - started) / 1000 };
  };
  const rate = (s: number) => `${(dbBytes / MB / s).toFixed(1)} MB/s`;

  // Backup: the stanza first (so it is not timed), then a full to each repository.
  await cli(['list']);
  const full = await cli(['run', '--type', 'full']);
  const perRepo = [...full.err.matchAll(/full backup to repo(\d)[\s\S]*?backup command end: completed successfully \((\d+)ms\)/g)].map((m) => ({ repo: m[1], s: Number(m[2]) / 1000 }));
  for (const r of perRepo) say(`backup  repo${r.repo}: ${r.s.toFixed(1)} s, ${rate(r.s)}`);
  say(`backup  run (both repos + expire + verify + info): ${full.seconds.toFixed(1)} s`);
  say((await cli(['list'])).out.trim());

  for (const repo of ['1', '2']) {
    const dir = ownedDir(mkdtempSync(join(tmpdir(), 'ghee-bench-restore-')));
    try {
      const r = await cli(['restore', '--latest', '--repo', repo, '--to', join(dir, 'data')]);
      say(`restore repo${repo}: ${r.seconds.toFixed(1)} s, ${rate(r.seconds)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // RPO: a lone commit, then how long until its segment is in repo2.
  const samples: number[] = [];
  for (let i = 0; i < rpoSamples; i++) {
    await sleep(5_000 + Math.random() * 20_000);
    await db`insert into bench_content values (${rows + 1 + i}, 'rpo probe')`;
    const committed = Date.now();
    const [{ wal }] = (await db<{ wal: string }[]>`select pg_walfile_name(pg_current_wal_lsn()) as wal`) as unknown as [{ wal: string }];
    for (;;) {
      const info = JSON.parse(execFileSync(owner ? 'runuser' : 'pgbackrest', [...(owner ? ['-u', 'postgres', '--', 'pgbackrest'] : []), `--config=${env.BACKUP_CONFIG_PATH}`, '--stanza=ghee', '--repo=2', '--output=json', 'info'], { encoding: 'utf8' })) as { archive: { max: string }[] }[];
      const max = info[0]?.archive[0]?.max ?? '';
      if (max >= wal) break;
      if (Date.now() - committed > 180_000) throw new Error(`segment ${wal} not in repo2 after 180 s`);
      await sleep(250);
    }
    samples.push((Date.now() - committed) / 1000);
    say(`RPO sample ${i + 1}: ${samples.at(-1)!.toFixed(1)} s (segment ${wal})`);
  }
  if (samples.length) say(`RPO: max ${Math.max(...samples).toFixed(1)} s over ${samples.length} samples (archive_timeout 60 s)`);

  const drill = await cli(['drill']);
  say(drill.out.trim());
  await db.end();
} finally {
  await cluster.dispose();
  s3.kill('SIGKILL');
  rmSync(base, { recursive: true, force: true });
}
