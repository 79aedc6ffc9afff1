/**
 * Running pgBackRest (and pg_ctl for the drill's scratch cluster): as the cluster's owner when
 * this process is root (`runuser -u <BACKUP_RUN_AS>`), with a minimal environment (never this
 * process's, which holds the BACKUP_* secrets), and with no secret on the command line —
 * pgBackRest reads passphrases and S3 credentials from its configuration file. Output shown to
 * the operator passes through `redactSecrets` all the same.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Owner } from './pgbackrest-config.js';
import { redactSecrets, type BackupSettings } from './settings.js';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ToolOptions {
  /** Each output line as it comes (redacted), for progress on long steps. */
  onLine?: (line: string) => void;
  /** Abort after this many ms (SIGTERM). */
  timeoutMs?: number;
}

/** The owner (uid/gid) of the files pgBackRest writes, when this process is root. */
export function toolOwner(s: BackupSettings): Owner {
  if (userInfo().uid !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', s.BACKUP_RUN_AS], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', s.BACKUP_RUN_AS], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

const CHILD_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', TZ: 'UTC' };

/** Runs `file args…` (as BACKUP_RUN_AS when root); resolves with its exit code and redacted output. */
export function runTool(s: BackupSettings, file: string, args: readonly string[], opts: ToolOptions = {}): Promise<ToolResult> {
  const asRoot = userInfo().uid === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', s.BACKUP_RUN_AS, '--', file, ...args]] : [file, [...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env: { ...CHILD_ENV }, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const lines = (chunk: string, prev: { rest: string }) => {
      if (!opts.onLine) return;
      const all = prev.rest + chunk;
      const parts = all.split('\n');
      prev.rest = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) opts.onLine(redactSecrets(s, line));
    };
    const outRest = { rest: '' };
    const errRest = { rest: '' };
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      lines(c, outRest);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      lines(c, errRest);
    });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs) : null;
    child.once('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`${file.split('/').pop()}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: redactSecrets(s, stdout), stderr: redactSecrets(s, stderr) });
    });
  });
}

/** `pgbackrest --config=… --stanza=… <command> …` (the config file holds every secret). */
export function pgbackrest(s: BackupSettings, command: string, args: readonly string[] = [], opts: ToolOptions = {}): Promise<ToolResult> {
  return runTool(s, 'pgbackrest', [`--config=${s.BACKUP_CONFIG_PATH}`, `--stanza=${s.BACKUP_STANZA}`, ...args, command], opts);
}

/** The last meaningful line of a failed tool's output (pgBackRest's `ERROR: [nnn]: …`), redacted already. */
export function failureLine(r: ToolResult): string {
  const lines = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.filter((l) => /ERROR:/.test(l)).pop();
  return (error ?? lines.pop() ?? `exit status ${r.code}`).slice(0, 500);
}

/** A Postgres server tool (pg_ctl): BACKUP_PG_BIN, else the newest /usr/lib/postgresql/<v>/bin (Debian's layout), else PATH. */
export function pgBin(s: BackupSettings, tool: string): string {
  if (s.BACKUP_PG_BIN) return join(s.BACKUP_PG_BIN, tool);
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', tool))).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.length > 0 ? join(base, versions[0]!, 'bin', tool) : tool;
}
