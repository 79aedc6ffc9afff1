/**
 * A throwaway Postgres cluster of the test's own (initdb into a temp dir, its own port and
 * socket directory), for tests that stop and start Postgres: never the shared cluster on 5432.
 * As root (CI) the cluster belongs to the `postgres` user and every command runs through
 * `runuser -u postgres`; otherwise as the current user. Trust authentication on 127.0.0.1 only.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from '../../origin/net/free-port.js';

const run = promisify(execFile);

export interface PgCluster {
  /** Superuser URL of the cluster's `postgres` database. */
  readonly adminUrl: string;
  readonly port: number;
  readonly dir: string;
  /** Whether it was last started (and not stopped since). */
  readonly running: boolean;
  /** URL of a database on this cluster. */
  urlOf(database: string): string;
  /** Creates a database (owned by the superuser) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** pg_ctl start, waiting until it accepts connections. */
  start(): Promise<void>;
  /** pg_ctl stop: `immediate` kills every backend at once (a crash; recovery replays the WAL on the next start). */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /** The server log (for failure messages). */
  log(): Promise<string>;
  /** Stops it (immediate) and deletes its files. */
  dispose(): Promise<void>;
  /** `pg_ctl promote -w` (a standby becomes a primary). */
  promote(): Promise<void>;
  /** `alter system set` each setting, then reloads the configuration. */
  configure(settings: Record<string, string>): Promise<void>;
}

export interface PgClusterOptions {
  /**
   * A primary that standbys can stream from: wal_level=replica, wal senders and slots, a
   * `replicator` role with REPLICATION (password-less, trust on 127.0.0.1) and its own
   * `host replication replicator 127.0.0.1/32 trust` line in pg_hba.conf.
   */
  replication?: boolean;
}

/** The replication role a `replication: true` cluster creates (startStandby connects as it). */
export const REPLICATION_USER = 'replicator';

/** The directory of initdb/pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('no Postgres server binaries found (set PG_BIN to the directory of initdb and pg_ctl)');
  return join(base, versions[0]!, 'bin');
}

type Exec = (tool: string, args: string[]) => Promise<{ stdout: string; stderr: string }>;

/** A fresh directory for a cluster (the postgres user's when running as root) and how to run its tools. */
async function clusterDir(): Promise<{ dir: string; exec: Exec }> {
  const bin = postgresBinDir();
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'ghee-pg-'));
  if (asRoot) {
    // Postgres refuses to run as root: the cluster belongs to the postgres user.
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    chmodSync(dir, 0o700);
  }
  const exec: Exec = async (tool, args) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    return run(cmd, argv, { cwd: dir, maxBuffer: 4 * 1024 * 1024 });
  };
  return { dir, exec };
}

const REPLICATION_SETTINGS = ' -c wal_level=replica -c max_wal_senders=8 -c max_replication_slots=8 -c hot_standby=on -c wal_keep_size=64MB';

export async function startPgCluster(opts: PgClusterOptions = {}): Promise<PgCluster> {
  const { dir, exec } = await clusterDir();
  const data = join(dir, 'data');
  await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const cluster = await clusterOn(dir, exec, opts.replication ? REPLICATION_SETTINGS : '');
  await cluster.start();
  if (opts.replication) await allowReplication(cluster);
  return cluster;
}

/**
 * Lets standbys stream from a running cluster: the `replicator` role (REPLICATION, password-less)
 * and its `host replication replicator 127.0.0.1/32 trust` line in pg_hba.conf, reloaded. The
 * Postgres 15 defaults (wal_level=replica, 10 wal senders) suffice; `replication: true` adds more.
 */
export async function allowReplication(cluster: PgCluster): Promise<void> {
  const { appendFile } = await import('node:fs/promises');
  await appendFile(join(cluster.dir, 'data', 'pg_hba.conf'), `\nhost replication ${REPLICATION_USER} 127.0.0.1/32 trust\n`);
  const admin = postgres(cluster.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create role ${REPLICATION_USER} with login replication`);
    await admin.unsafe('select pg_reload_conf()');
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * A streaming hot standby of `primary` (started with `replication: true`) on another port:
 * `pg_basebackup -R` as the replication role (the base backup plus standby.signal and
 * primary_conninfo), then started. In production the standby is seeded from the pgBackRest
 * backup instead (`pgbackrest restore --type=standby`); what runs afterwards is the same.
 */
export async function startStandby(primary: PgCluster): Promise<PgCluster> {
  const { dir, exec } = await clusterDir();
  const data = join(dir, 'data');
  await exec('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', REPLICATION_USER, '-D', data, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync']);
  const cluster = await clusterOn(dir, exec, REPLICATION_SETTINGS);
  await cluster.start();
  return cluster;
}

/** The cluster whose data directory is `dir`/data (not started). */
async function clusterOn(dir: string, exec: Exec, settings: string): Promise<PgCluster> {
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=60 -c shared_buffers=16MB${settings}`;
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let running = false;

  const cluster: PgCluster = {
    adminUrl,
    port,
    dir,
    get running() {
      return running;
    },
    urlOf,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`create database ${name}`);
      } finally {
        await admin.end({ timeout: 5 });
      }
      return urlOf(name);
    },
    async start() {
      await exec('pg_ctl', ['start', '-D', data, '-l', logFile, '-w', '-t', '60', '-o', options]);
      running = true;
    },
    async stop(mode = 'fast') {
      await exec('pg_ctl', ['stop', '-D', data, '-m', mode, '-w', '-t', '60']);
      running = false;
    },
    async log() {
      try {
        const { readFile } = await import('node:fs/promises');
        return await readFile(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    async dispose() {
      if (running) await cluster.stop('immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
    async promote() {
      await exec('pg_ctl', ['promote', '-D', data, '-w', '-t', '60']);
    },
    async configure(settings) {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        for (const [name, value] of Object.entries(settings)) {
          if (!/^[a-z_]+$/.test(name)) throw new Error(`bad setting name ${name}`);
          await admin.unsafe(`alter system set ${name} = '${value.replaceAll("'", "''")}'`);
        }
        await admin.unsafe('select pg_reload_conf()');
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
  return cluster;
}
