/**
 * Running the compiled edge (bin/main.wasm) under Viceroy, Fastly's local Compute runtime:
 * used by `npm run dev:fastly` and the edge-wasm tests. Viceroy is installed with
 * `cargo install viceroy --locked --version 0.20.1` (see .ci/run); it is not on npm.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { freePort } from '../origin/net/free-port.js';
import { SETTINGS_KEY, validateSettings } from '../edge/settings.js';

export { freePort };

export const ROOT = resolve(import.meta.dirname, '..');
export const WASM = join(ROOT, 'bin/main.wasm');

/** Absolute path of the viceroy binary (PATH, then ~/.cargo/bin), or null. */
export function findViceroy(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(homedir(), '.cargo/bin')];
  for (const dir of dirs) {
    const candidate = join(dir, 'viceroy');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

export function buildEdge(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-edge.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

const toml = (s: string) => JSON.stringify(s);

/** A fastly.toml whose [local_server] points the `origin` backend at a running origin. */
export function writeViceroyConfig(opts: {
  originUrl: string;
  secret: string;
  config?: Record<string, string>;
  /**
   * The settings as one document (edge/settings.ts), validated as `npm run edge -- config push`
   * validates it and stored in its canonical form under `settings`; then only `config`'s own
   * entries sit beside it (no separate-key defaults).
   */
  settings?: Record<string, unknown>;
  /** Blocked prefixes for the ACL `ghee_blocklist`. */
  blocklist?: string[];
}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ghee-viceroy-'));
  const file = join(dir, 'fastly.toml');
  const aclFile = join(dir, 'blocklist.json');
  writeFileSync(aclFile, JSON.stringify({ entries: (opts.blocklist ?? []).map((prefix) => ({ op: 'create', prefix, action: 'BLOCK' })) }));
  let config: Record<string, string>;
  if (opts.settings) {
    const verdict = validateSettings(JSON.stringify(opts.settings));
    if (!verdict.ok) throw new Error(verdict.error);
    config = { ...opts.config, [SETTINGS_KEY]: verdict.canonical };
  } else {
    config = { https_only: 'false', key_cache_ttl: '300', negative_key_cache_ttl: '30', origin_timeout_ms: '10000', ...opts.config };
  }
  const lines = [
    'manifest_version = 3',
    'name = "ghee-edge-local"',
    'language = "javascript"',
    '',
    '[local_server]',
    '',
    '[local_server.backends.origin]',
    `url = ${toml(opts.originUrl)}`,
    '',
    '[local_server.config_stores.ghee_config]',
    'format = "inline-toml"',
    '',
    '[local_server.config_stores.ghee_config.contents]',
    ...Object.entries(config).map(([k, v]) => `${k} = ${toml(v)}`),
    '',
    '[local_server.acls]',
    `ghee_blocklist = ${toml(aclFile)}`,
    '',
    '[local_server.secret_stores]',
    `ghee_secrets = [{ key = "edge_shared_secret", data = ${toml(opts.secret)} }]`,
    '',
  ];
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  return file;
}

export interface RunningViceroy {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts Viceroy and resolves once the worker answers /.edge/health. */
export async function startViceroy(opts: {
  viceroy: string;
  configFile: string;
  port?: number;
  timeoutMs?: number;
  /** The status /.edge/health answers once ready (a blocklisted client sees 403). */
  healthStatus?: number;
  /** Another module than bin/main.wasm (benchmarks). */
  wasm?: string;
}): Promise<RunningViceroy> {
  const port = opts.port ?? (await freePort());
  const child = spawn(opts.viceroy, ['serve', '--config', opts.configFile, '--addr', `127.0.0.1:${port}`, opts.wasm ?? WASM], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`viceroy exited (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${url}/.edge/health`);
      if (res.status === (opts.healthStatus ?? 200)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`viceroy did not answer within the timeout:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
