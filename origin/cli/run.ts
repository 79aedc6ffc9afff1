/**
 * What the operator commands (origin/cli/accounts.ts, origin/cli/audit.ts) share: their output
 * streams, exit codes, the escaping of user-supplied text, and running as a script against the
 * origin's database (the same settings as the origin: DATABASE_URL, else the embedded PGlite).
 */
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadOriginConfig } from '../config.js';
import { personalDataFromConfig, type PersonalData } from '../crypto/personal-data.js';
import { createDatabase, type Db } from '../db/client.js';
import { loadConfigOrExit } from '../main.js';

export const EXIT_OK = 0;
/** The command failed (configuration, database) — or, for `audit verify`, found a broken chain. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The database, and the keys of its personal data (MASTER_KEYS; unset: the development key, as the origin does). */
export type OpenDatabase = () => Promise<{ db: Db; close(): Promise<void>; personalData?: PersonalData }>;

/** A command: its exit code for `argv`, writing to `io`, opening the database only when it needs it. */
export type CliMain = (argv: string[], io: CliIo, open: OpenDatabase) => Promise<number>;

/** Control characters (names and emails are user input) are shown escaped, never sent to the terminal. */
export function printable(v: string): string {
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The command line by node's parseArgs (strict, positionals allowed, `--help` / `-h` always),
 * or the first line of its complaint.
 */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    return { error: err instanceof Error ? err.message.split('\n')[0]! : 'bad arguments' };
  }
}

/**
 * Runs `main` when `moduleUrl` is the script node was started with (not when a test imports
 * it): process.exitCode is its answer, or EXIT_FAILED with the error's first line on stderr.
 */
export async function runIfScript(moduleUrl: string, name: string, main: CliMain): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const io: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  try {
    process.exitCode = await main(process.argv.slice(2), io, async () => {
      const config = loadConfigOrExit(() => loadOriginConfig());
      return Object.assign(await createDatabase(config), { personalData: personalDataFromConfig(config.MASTER_KEYS) });
    });
  } catch (err) {
    io.err(`${name}: ${err instanceof Error ? err.message.split('\n')[0] : 'failed'}\n`);
    process.exitCode = EXIT_FAILED;
  }
}
