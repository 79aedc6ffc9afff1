/**
 * Running the operator commands (origin/cli/*) in tests: in-process with captured output, or as
 * a real child process against a database both the test and the command can open — the given
 * Postgres database, or else a PGlite data dir in a temp folder (one process at a time may open
 * it, so the test opens and closes its own handle around each run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOriginConfig } from '../../origin/config.js';
import { createDatabase, type Database } from '../../origin/db/client.js';
import { spawnTs } from './process.js';

/** A CliIo whose output is kept in `stdout` / `stderr`. */
export function captureIo() {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

export interface CliDatabase {
  /** The test's handle on the command's database (close it before running the command on PGlite). */
  open(): Promise<Database>;
  /** Runs `npx tsx <script> ...args` on that database. */
  run(script: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Removes the PGlite folder (a Postgres database is the caller's). */
  dispose(): void;
}

/** `test`: a test database; with a URL (Postgres) the command shares it, without one (PGlite) the command gets a fresh data dir. */
export function cliDatabase(test: (Database & { url: string | null }) | null, prefix: string): CliDatabase {
  const postgres = test?.url ? { ...test, url: test.url } : null;
  const dir = postgres ? null : mkdtempSync(join(tmpdir(), `${prefix}-`));
  const env: Record<string, string> = postgres ? { DATABASE_URL: postgres.url, DATABASE_SSLMODE: 'disable' } : { PGLITE_DIR: join(dir!, 'pglite') };
  return {
    async open() {
      if (postgres) return { ...postgres, close: async () => {} };
      const d = await createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: undefined, PGLITE_DIR: env.PGLITE_DIR! });
      await d.migrate();
      return d;
    },
    async run(script, ...args) {
      const p = spawnTs(script, env, args);
      const code = await p.exited;
      return { code, stdout: p.stdout(), stderr: p.stderr() };
    },
    dispose() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
