/**
 * Backups of a Postgres deployment with pgBackRest (origin/ops/backup), end to end on real
 * processes: a private Postgres cluster (test/helpers/pg-cluster.ts) archiving WAL through
 * pgBackRest to repo1 (local disk) and repo2 (a real versitygw S3 server on loopback with TLS,
 * the test's own self-signed certificate as the CA file), driven through the CLI's code path
 * (`runBackupCommand`, what `npm run backup` runs). One cluster for the whole file; the cases
 * run in order and build on each other (a backup exists before the restore cases).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOriginConfig } from '../../origin/config.js';
import { createDatabase } from '../../origin/db/client.js';
import { BackupSchedule, postgresArchiveSettings, runBackupCommand, loadBackupSettings, type BackupDeps } from '../../origin/ops/index.js';
import { createLogger } from '../../origin/logger.js';
import { allowReplication, postgresBinDir, REPLICATION_USER, startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { freePort } from '../../origin/net/free-port.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const asRoot = userInfo().uid === 0;
const VERSITYGW = process.env.VERSITYGW_BIN ?? join(process.env.HOME ?? '/root', 'go/bin/versitygw');

// Distinctive values: none may appear in any output, log or process list; the marker must not be readable in any repository file.
const PASS1 = 'onsite-PASSPHRASE-q7Zk2Wv9-never-logged';
const PASS2 = 'remote-PASSPHRASE-Jx4Rt8Np-never-logged';
const S3_KEY = 'GHEEBACKUPKEY7Q2W';
const S3_SECRET = 'S3-SECRET-mT5vB8xLq2Zr9-never-logged';
const SECRETS = [PASS1, PASS2, S3_KEY, S3_SECRET];
const MARKER = 'MARMALADE-ZEBRA-CONFIDENTIAL-4471';

let cluster: PgCluster;
let base: string;
let s3Dir: string;
let s3Port: number;
let s3: ChildProcess | null = null;
let certFile: string;
let keyFile: string;
let sourceUrl: string;
let env: Record<string, string>;
const owner = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : null;

/** A directory the cluster's owner can use. */
function ownedDir(path: string, mode = 0o700): string {
  mkdirSync(path, { recursive: true, mode });
  chmodSync(path, mode);
  if (owner) chownSync(path, owner.uid, owner.gid);
  return path;
}

async function startS3(): Promise<void> {
  const child = spawn(VERSITYGW, ['--port', `127.0.0.1:${s3Port}`, '--cert', certFile, '--key', keyFile, 'posix', s3Dir], {
    env: { PATH: process.env.PATH ?? '', ROOT_ACCESS_KEY: S3_KEY, ROOT_SECRET_KEY: S3_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  s3 = child;
  for (let i = 0; i < 100; i++) {
    if (/listening/i.test(out)) return;
    if (child.exitCode !== null) throw new Error(`versitygw exited: ${out}`);
    await sleep(100);
  }
  throw new Error(`versitygw did not start: ${out}`);
}

async function stopS3(): Promise<void> {
  const child = s3;
  s3 = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

function captureIo() {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

function deps(extra: Partial<BackupDeps> = {}): BackupDeps {
  return {
    env,
    openDb: async () => {
      const d = await createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: sourceUrl, DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: 1 });
      return { db: d.db, close: () => d.close() };
    },
    ...extra,
  };
}

/** Runs a backup command, sampling every process's command line (`ps`) while it runs. */
async function backup(argv: string[], extra: Partial<BackupDeps> = {}) {
  const io = captureIo();
  let argvSeen = '';
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      argvSeen += (await run('ps', ['-eww', '-o', 'args'], { maxBuffer: 8 * 1024 * 1024 })).stdout;
      await sleep(40);
    }
  })();
  const code = await runBackupCommand(argv, io, deps(extra));
  sampling = false;
  await sampler;
  return { code, stdout: io.stdout, stderr: io.stderr, argvSeen };
}

function sql(url = sourceUrl) {
  return postgres(url, { max: 1, onnotice: () => {} });
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function holdsMarker(files: string[]): string[] {
  return files.filter((f) => readFileSync(f).includes(MARKER));
}

/** Starts a restored data directory (socket only), waits until it left recovery (a standby: until it accepts reads); returns its SQL handle and a stop. */
async function startRestored(dir: string, database: string, opts: { standby?: boolean } = {}) {
  const data = join(dir, 'data');
  const socket = ownedDir(join(dir, 'socket'));
  const port = await freePort();
  const exec = (tool: string, args: string[]) => {
    const file = join(postgresBinDir(), tool);
    return asRoot ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args);
  };
  await exec('pg_ctl', ['start', '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '120', '-o', `-p ${port} -k ${socket} -c listen_addresses='' -c archive_mode=off`]);
  const db = postgres({ host: socket, port, database, username: 'postgres', max: 1, onnotice: () => {} });
  for (let i = 0; !opts.standby; i++) {
    const [r] = await db<{ rec: boolean }[]>`select pg_is_in_recovery() as rec`;
    if (!r!.rec) break;
    if (i > 600) throw new Error('restored cluster still in recovery');
    await sleep(100);
  }
  return {
    db,
    stop: async () => {
      await db.end({ timeout: 5 });
      await exec('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined);
    },
  };
}

async function waitArchived(db: postgres.Sql, ms = 60_000): Promise<string> {
  const [w] = await db<{ wal: string }[]>`select pg_walfile_name(pg_switch_wal()) as wal`;
  const deadline = Date.now() + ms;
  for (;;) {
    const [a] = await db<{ last: string | null }[]>`select last_archived_wal as last from pg_stat_archiver`;
    if (a?.last && a.last >= w!.wal) return w!.wal;
    if (Date.now() > deadline) throw new Error(`WAL ${w!.wal} not archived (last ${a?.last ?? 'none'})`);
    await sleep(200);
  }
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'ghee-backup-'));
  chmodSync(base, 0o755);
  // A certificate pgBackRest accepts for the address it connects to (it matches DNS names, so the address is one too).
  const tls = ownedDir(join(base, 'tls'), 0o755);
  certFile = join(tls, 'cert.pem');
  keyFile = join(tls, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=DNS:127.0.0.1,IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  chmodSync(certFile, 0o644);
  s3Dir = join(base, 's3');
  mkdirSync(join(s3Dir, 'ghee-backups'), { recursive: true });
  s3Port = await freePort();
  await startS3();

  cluster = await startPgCluster();
  env = {
    DATABASE_URL: cluster.urlOf('ghee_src'),
    BACKUP_STANZA: 'ghee',
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
    BACKUP_REPO1_CIPHER_PASS: PASS1,
    BACKUP_REPO2_S3_ENDPOINT: '127.0.0.1',
    BACKUP_REPO2_S3_PORT: String(s3Port),
    BACKUP_REPO2_S3_BUCKET: 'ghee-backups',
    BACKUP_REPO2_S3_KEY: S3_KEY,
    BACKUP_REPO2_S3_SECRET: S3_SECRET,
    BACKUP_REPO2_S3_CA_FILE: certFile,
    BACKUP_REPO2_CIPHER_PASS: PASS2,
    BACKUP_ARCHIVE_QUEUE_MAX: '48MB',
    BACKUP_IO_TIMEOUT_S: '1',
    BACKUP_PROCESS_MAX: '2',
  };
  sourceUrl = env.DATABASE_URL!;
  // The archiving settings ghee emits, applied to the private cluster (archive_mode needs a restart).
  const admin = sql(cluster.adminUrl);
  try {
    for (const [k, v] of Object.entries({ ...postgresArchiveSettings(loadBackupSettings(env)), max_wal_size: '64MB', min_wal_size: '32MB' }))
      await admin.unsafe(`alter system set ${k} = '${v.replaceAll("'", "''")}'`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  await cluster.stop();
  await cluster.start();
  await cluster.createDatabase('ghee_src');
  const d = await createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: sourceUrl, DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: 1 });
  await d.migrate();
  await d.close();
  const db = sql();
  try {
    await db`create table drill_notes (id serial primary key, body text not null, batch text not null, created_at timestamptz not null default now())`;
    await db`insert into drill_notes (body, batch) select ${MARKER} || ' note ' || g, 'initial' from generate_series(1, 200) g`;
  } finally {
    await db.end();
  }
}, 120_000);

afterAll(async () => {
  await stopS3();
  await cluster?.dispose();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('pgBackRest backups: two encrypted repositories, WAL archiving, verify, restore, drill', () => {
  it('a full backup to both repositories: configuration file 0600, verified, audited, and no secret in any output, log or process list', async () => {
    const r = await backup(['run', '--type', 'full']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/full backup done .*repo1 \d{8}-\d{6}F, repo2 \d{8}-\d{6}F; verify ok/);
    expect(r.stderr).toMatch(/backup: full backup to repo2 \(S3\)/); // progress on the long step
    const st = statSync(env.BACKUP_CONFIG_PATH!);
    expect(st.mode & 0o777).toBe(0o600);
    if (owner) expect(st.uid).toBe(owner.uid);
    const conf = readFileSync(env.BACKUP_CONFIG_PATH!, 'utf8');
    expect(conf).toContain('repo1-cipher-type=aes-256-cbc');
    expect(conf).toContain('repo2-cipher-type=aes-256-cbc');
    expect(conf).toContain('archive-async=y');

    const list = await backup(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^repo1 +\S+F +full/m);
    expect(list.stdout).toMatch(/^repo2 +\S+F +full/m);

    // Secrets: not on any command line seen while it ran, not in its output, not in pgBackRest's or Postgres's logs.
    const logs = filesUnder(env.BACKUP_LOG_PATH!).map((f) => readFileSync(f, 'utf8')).join('\n') + (await cluster.log());
    expect(r.argvSeen).toMatch(/pgbackrest/); // the sampler did see pgBackRest running
    for (const secret of SECRETS) {
      expect(r.argvSeen).not.toContain(secret);
      expect(r.stdout + r.stderr + list.stdout + list.stderr).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    const db = sql();
    try {
      const rows = await db<{ action: string; result: string; metadata: { operator: string; host: string; command: string; outcome: string } }[]>`
        select action, result, metadata from audit_events where action like 'backup.%' order by seq`;
      expect(rows.map((x) => [x.action, x.result])).toEqual([['backup.run', 'success'], ['backup.list', 'success']]);
      expect(rows[0]!.metadata.operator).toBeTruthy();
      expect(rows[0]!.metadata.host).toBeTruthy();
      expect(rows[0]!.metadata.command).toBe('run');
      expect(rows[0]!.metadata.outcome).toMatch(/^full backup .*verify ok$/);
    } finally {
      await db.end();
    }
  }, 180_000);

  it('a failing command is audited and its error names no secret (repo2 refuses a wrong S3 secret)', async () => {
    const wrong = `${S3_SECRET}-but-wrong`;
    const r = await backup(['verify'], { env: { ...env, BACKUP_REPO2_S3_SECRET: wrong } });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/repo2: FAILED/);
    for (const secret of [...SECRETS, wrong]) expect(r.stdout + r.stderr + r.argvSeen).not.toContain(secret);
    const db = sql();
    try {
      const [row] = await db<{ result: string }[]>`select result from audit_events where action = 'backup.verify' order by seq desc limit 1`;
      expect(row!.result).toBe('failure');
    } finally {
      await db.end();
    }
    // The right configuration again (the next command rewrites the file).
    expect((await backup(['verify'])).code).toBe(0);
  }, 120_000);

  it('a differential backup to both repositories; status reports a fresh, verified backup', async () => {
    const db = sql();
    try {
      await db`insert into drill_notes (body, batch) select 'diff ' || g, 'diff' from generate_series(1, 50) g`;
    } finally {
      await db.end();
    }
    const r = await backup(['run', '--type', 'diff']);
    expect(r.code, r.stderr).toBe(0);
    const list = await backup(['list']);
    expect(list.stdout).toMatch(/^repo1 +\S+D +diff/m);
    expect(list.stdout).toMatch(/^repo2 +\S+D +diff/m);
    const status = await backup(['status', '--json']);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as { lastSuccessAt: string; ageSeconds: number; stale: boolean; lastVerifyFailed: boolean; archiveGap: boolean };
    expect(s.stale).toBe(false);
    expect(s.lastVerifyFailed).toBe(false);
    expect(s.archiveGap).toBe(false);
    expect(s.ageSeconds).toBeLessThan(120);
    expect(Date.parse(s.lastSuccessAt)).toBeGreaterThan(Date.now() - 120_000);
  }, 180_000);

  it('the repositories hold ciphertext: the marker text is in the cluster files but in no repository or bucket file', async () => {
    const db = sql();
    try {
      await db`checkpoint`;
    } finally {
      await db.end();
    }
    // Positive control: the grep finds the marker where it is stored in clear.
    expect(holdsMarker(filesUnder(join(cluster.dir, 'data', 'base'))).length).toBeGreaterThan(0);
    const bucket = filesUnder(s3Dir);
    const repo1 = filesUnder(env.BACKUP_REPO1_PATH!);
    expect(bucket.length).toBeGreaterThan(10);
    expect(repo1.length).toBeGreaterThan(10);
    expect(holdsMarker(bucket)).toEqual([]);
    expect(holdsMarker(repo1)).toEqual([]);
  }, 60_000);

  it('point-in-time restore (npm run backup -- restore --target) brings back exactly the rows committed before the target', async () => {
    const db = sql();
    let target: Date;
    try {
      await db`insert into drill_notes (body, batch) select 'before ' || g, 'before' from generate_series(1, 30) g`;
      await sleep(1100);
      target = new Date();
      await sleep(1100);
      await db`insert into drill_notes (body, batch) select 'after ' || g, 'after' from generate_series(1, 40) g`;
      await waitArchived(db);
    } finally {
      await db.end();
    }
    const dir = ownedDir(mkdtempSync(join(tmpdir(), 'ghee-pitr-')));
    try {
      const r = await backup(['restore', '--target', target.toISOString(), '--to', join(dir, 'data')]);
      expect(r.code, r.stderr).toBe(0);
      const restored = await startRestored(dir, 'ghee_src');
      try {
        const rows = await restored.db<{ batch: string; n: string }[]>`select batch, count(*) as n from drill_notes group by batch order by batch`;
        expect(Object.fromEntries(rows.map((x) => [x.batch, Number(x.n)]))).toEqual({ initial: 200, diff: 50, before: 30 });
      } finally {
        await restored.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('seeds a streaming standby from the latest backup (restore --latest --standby <conninfo>): in recovery, with the backup\'s rows, streaming a later write', async () => {
    await allowReplication(cluster);
    const conninfo = `host=127.0.0.1 port=${cluster.port} user=${REPLICATION_USER} application_name=ghee_standby`;
    // A password in the conninfo would reach a command line and postgresql.auto.conf: refused, and not echoed.
    const refused = await backup(['restore', '--latest', '--standby', `${conninfo} password=hunter2-never-logged`, '--to', '/tmp/nowhere']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/must not hold a password/);
    expect(refused.stderr + refused.stdout).not.toContain('hunter2');
    expect((await backup(['restore', '--target', new Date().toISOString(), '--standby', conninfo])).stderr).toMatch(/use it with --latest/);

    const dir = ownedDir(mkdtempSync(join(tmpdir(), 'ghee-standby-')));
    const primary = sql();
    try {
      const r = await backup(['restore', '--latest', '--standby', conninfo, '--to', join(dir, 'data')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^seeded a standby from the latest backup into .* in \d+\.\d s/m);
      expect(readFileSync(join(dir, 'data', 'postgresql.auto.conf'), 'utf8')).toContain(`primary_conninfo = '${conninfo}'`);
      expect(existsSync(join(dir, 'data', 'standby.signal'))).toBe(true);
      const standby = await startRestored(dir, 'ghee_src', { standby: true });
      try {
        const [rec] = await standby.db<{ rec: boolean }[]>`select pg_is_in_recovery() as rec`;
        expect(rec!.rec).toBe(true);
        // The backup's rows (the full's 200, the differential's 50) and, once caught up, everything the primary has.
        const counts = async (db: postgres.Sql) =>
          Object.fromEntries((await db<{ batch: string; n: string }[]>`select batch, count(*) as n from drill_notes group by batch`).map((x) => [x.batch, Number(x.n)]));
        const onPrimary = await counts(primary);
        expect(onPrimary).toMatchObject({ initial: 200, diff: 50 });
        const deadline = Date.now() + 20_000;
        let seen = await counts(standby.db);
        while (JSON.stringify(seen) !== JSON.stringify(onPrimary) && Date.now() < deadline) {
          await sleep(100);
          seen = await counts(standby.db);
        }
        expect(seen).toEqual(onPrimary);
        // Streaming: connected to the primary as the replication role, and a row written now arrives within seconds.
        const streamDeadline = Date.now() + 15_000;
        for (;;) {
          const [w] = await standby.db<{ status: string | null }[]>`select (select status from pg_stat_wal_receiver) as status`;
          if (w?.status === 'streaming') break;
          if (Date.now() > streamDeadline) throw new Error(`standby not streaming (${w?.status ?? 'no receiver'})\n${readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000)}`);
          await sleep(100);
        }
        const [sender] = await primary<{ state: string; usename: string }[]>`select state, usename from pg_stat_replication where application_name = 'ghee_standby'`;
        expect(sender).toEqual({ state: 'streaming', usename: REPLICATION_USER });
        const [probe] = await primary<{ id: number }[]>`insert into drill_notes (body, batch) values ('written after the standby started', 'standby-probe') returning id`;
        const id = probe!.id;
        const written = Date.now();
        for (;;) {
          const rows = await standby.db<{ body: string }[]>`select body from drill_notes where id = ${id}`;
          if (rows.length === 1) {
            expect(rows[0]!.body).toBe('written after the standby started');
            break;
          }
          if (Date.now() - written > 5000) throw new Error('the standby did not receive the row within 5 s');
          await sleep(20);
        }
        const [row] = await primary<{ result: string; metadata: { outcome: string } }[]>`select result, metadata from audit_events where action = 'backup.restore' order by seq desc limit 1`;
        expect(row!.result).toBe('success');
        expect(row!.metadata.outcome).toMatch(/^restored latest as a standby into /);
      } finally {
        await standby.stop();
      }
    } finally {
      await primary.end();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('the drill restores the latest backup and a point in time, compares them with the source, and prints the RTO', async () => {
    const r = await backup(['drill']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^drill passed: \d+ migrations, newest \w+, \d+ tables, \d+ rows$/m);
    expect(r.stdout).toMatch(/RTO \(latest backup restored and started\): \d+\.\d s/);
    expect(r.stdout).not.toMatch(/MISMATCH/);
  }, 240_000);

  it('the drill exits non-zero when the restored copy differs from the source', async () => {
    const r = await backup(['drill'], {
      drill: {
        beforeCompare: async (scratch) => {
          await scratch.unsafe(`update drill_notes set body = body || ' (tampered)' where id = 7`);
        },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^drill FAILED/m);
    expect(r.stdout).toMatch(/MISMATCH table drill_notes: same row count \(\d+\), different content \(checksum\)/);
    const db = sql();
    try {
      const [row] = await db<{ result: string; metadata: { outcome: string } }[]>`select result, metadata from audit_events where action = 'backup.drill' order by seq desc limit 1`;
      expect(row!.result).toBe('failure');
      expect(row!.metadata.outcome).toMatch(/drill failed: 1 mismatch/);
    } finally {
      await db.end();
    }
  }, 240_000);
  it("the origin's schedule: of two instances ticking at once, one runs the backup (advisory lock) through the CLI's code and audits it; the other skips", async () => {
    const handles = await Promise.all(
      [1, 2].map(() => createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: sourceUrl, DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: 3 })),
    );
    try {
      const settings = loadBackupSettings(env);
      // A day later than now: the daily slot (BACKUP_AT) has passed with no backup since.
      const tomorrow = () => new Date(Date.now() + 86_400_000);
      const schedules = handles.map((h) => new BackupSchedule({ db: h.db, settings, env, logger: createLogger('silent'), now: tomorrow }));
      const outcomes = await Promise.all(schedules.map((s) => s.runOnce()));
      expect(outcomes.sort()).toEqual([0, 'busy']);
      // Not due now: the backup just taken is newer than the last daily slot.
      expect(await new BackupSchedule({ db: handles[0]!.db, settings, env, logger: createLogger('silent') }).runOnce()).toBe('not-due');
      const db = sql();
      try {
        const [row] = await db<{ result: string; metadata: { command: string; outcome: string } }[]>`select result, metadata from audit_events where action = 'backup.run' order by seq desc limit 1`;
        expect(row!.result).toBe('success');
        expect(row!.metadata.command).toBe('run (scheduled)');
        expect(row!.metadata.outcome).toMatch(/^(full|diff) backup .*verify ok$/);
      } finally {
        await db.end();
      }
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  }, 180_000);

  it('repo2 unreachable under write load: writes stay acknowledged, pg_wal stays bounded, status reports the gap, archiving catches up when it returns', async () => {
    const db = sql();
    const MB = 1048576;
    const walBytes = async () => Number((await db<{ b: string }[]>`select coalesce(sum(size), 0) as b from pg_ls_waldir()`)[0]!.b);
    try {
      await stopS3();
      let acked = 0;
      let slowest = 0;
      let segments = 0;
      let afterDrop = -1;
      let statusDuringOutage: Awaited<ReturnType<typeof backup>> | null = null;
      const deadline = Date.now() + 120_000;
      const outageStarted = Date.now();
      // One 16 MB segment per iteration (insert + pg_switch_wal) until pgBackRest has dropped the queue, then as many again.
      while (afterDrop < 30) {
        const t0 = Date.now();
        await db`insert into drill_notes (body, batch) select 'outage ' || ${segments} || '/' || g, 'outage' from generate_series(1, 20) g`;
        slowest = Math.max(slowest, Date.now() - t0);
        acked += 20;
        await db`select pg_switch_wal()`;
        segments += 1;
        if (segments === 4) statusDuringOutage = await backup(['status', '--json']);
        if (afterDrop >= 0) afterDrop += 1;
        else if (/dropped WAL file/.test(await cluster.log())) afterDrop = 0;
        if (Date.now() > deadline) throw new Error(`pgBackRest never dropped the queue (${segments} segments written)`);
        await sleep(500);
      }
      expect(slowest, 'a write waited on the archive').toBeLessThan(3000);
      const [n] = await db<{ n: string }[]>`select count(*) as n from drill_notes where batch = 'outage'`;
      expect(Number(n!.n)).toBe(acked);
      // Bounded: pgBackRest drops the whole queue each time a push attempt finds it over archive-push-queue-max, so
      // pg_wal holds at most the queue (48 MB) + what checkpoints keep (2 × max_wal_size) + the WAL written during
      // one failed push attempt (its duration, from pgBackRest's log) — a bound that does not grow with the outage.
      await sleep(2000);
      await db`checkpoint`;
      await db`select pg_switch_wal()`;
      await db`checkpoint`;
      const wal = await walBytes();
      const attempts = [...readFileSync(join(env.BACKUP_LOG_PATH!, 'ghee-archive-push-async.log'), 'utf8').matchAll(/archive-push:async command end: .*\((\d+)ms\)/g)].map((m) => Number(m[1]));
      const longestAttempt = Math.max(...attempts);
      const segmentsPerAttempt = Math.ceil(longestAttempt / ((Date.now() - outageStarted) / segments)) + 1;
      const bound = (48 + 2 * 64 + (segmentsPerAttempt + 2) * 16) * MB;
      expect(segments * 16 * MB, 'the outage wrote more WAL than the bound').toBeGreaterThan(bound);
      expect(wal, `pg_wal holds ${Math.round(wal / MB)} MB after ${segments} segments (bound ${bound / MB} MB)`).toBeLessThanOrEqual(bound);
      const during = JSON.parse(statusDuringOutage!.stdout) as { archiveGap: boolean; reposBehind: number[] };
      expect(statusDuringOutage!.code).toBe(1);
      expect(during.archiveGap).toBe(true);

      await startS3();
      const until = Date.now() + 90_000;
      for (;;) {
        await db`insert into drill_notes (body, batch) values ('after outage', 'after-outage')`;
        const archived = await waitArchived(db, 60_000);
        const st = await backup(['status', '--json']);
        const parsed = JSON.parse(st.stdout) as { archiveGap: boolean; archiver: { lastArchivedWal: string } };
        if (!parsed.archiveGap && parsed.archiver.lastArchivedWal >= archived) break;
        if (Date.now() > until) throw new Error(`archiving did not catch up: ${st.stdout}`);
        await sleep(1000);
      }
      const text = await backup(['status']);
      expect(text.stdout).toMatch(/WAL archiving: ok/);
      expect(text.stdout).not.toMatch(/ARCHIVE GAP|BEHIND/);
    } finally {
      await db.end();
      if (!s3) await startS3();
    }
  }, 300_000);

  it('restores from repo2 alone after repo1 is deleted, with every committed row', async () => {
    // A new backup after the outage (the dropped WAL left a gap only a backup closes), then more writes, archived.
    const r = await backup(['run', '--type', 'incr']);
    expect(r.code, r.stderr).toBe(0);
    const db = sql();
    let expected: number;
    try {
      await db`insert into drill_notes (body, batch) select 'final ' || g, 'final' from generate_series(1, 25) g`;
      await waitArchived(db);
      expected = Number((await db<{ n: string }[]>`select count(*) as n from drill_notes`)[0]!.n);
    } finally {
      await db.end();
    }
    rmSync(env.BACKUP_REPO1_PATH!, { recursive: true, force: true });
    const dir = ownedDir(mkdtempSync(join(tmpdir(), 'ghee-repo2-')));
    try {
      const restore = await backup(['restore', '--latest', '--repo', '2', '--to', join(dir, 'data')]);
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stderr).toMatch(/repo2: restore backup set/);
      const restored = await startRestored(dir, 'ghee_src');
      try {
        const [n] = await restored.db<{ n: string }[]>`select count(*) as n from drill_notes`;
        expect(Number(n!.n)).toBe(expected);
        const [f] = await restored.db<{ n: string }[]>`select count(*) as n from drill_notes where batch = 'final'`;
        expect(Number(f!.n)).toBe(25);
      } finally {
        await restored.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
