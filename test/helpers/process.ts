import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

export interface Spawned {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout+stderr, or rejects after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  /**
   * Signals the whole process group: tsx runs the script in a child node process and cannot relay
   * SIGKILL to it, so killing the tsx process alone would leave the script running.
   */
  kill(signal?: NodeJS.Signals): void;
}

export function spawnTs(script: string, env: Record<string, string>, args: string[] = []): Spawned {
  const child = spawn(TSX, [resolve(ROOT, script), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group, so kill() reaches tsx's child too.
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const kill = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal); // the group is gone already
    }
  };
  return {
    child,
    kill,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (re, ms = 60_000) =>
      new Promise((resolvePromise, reject) => {
        const started = Date.now();
        const tick = () => {
          const m = (out + err).match(re);
          if (m) return resolvePromise(m);
          if (Date.now() - started > ms) return reject(new Error(`timed out waiting for ${re}; output:\n${out}\n${err}`));
          setTimeout(tick, 50);
        };
        tick();
      }),
  };
}
