/**
 * `npm run operators`: the platform's support operators (origin/governance/operators.ts), against
 * DATABASE_URL (or the local PGlite under PGLITE_DIR), with the origin's configuration
 * (PASSWORD_PEPPERS, BCRYPT_COST, MASTER_KEYS).
 *
 *   npm run operators -- add <email> --name "…"
 *       The password is read from OPERATOR_PASSWORD, else from the first line of stdin (never an
 *       argument: it would sit in the shell history and the process list). Prints the TOTP secret
 *       and its otpauth:// URI once — enrol it in an authenticator now: every sign-in needs a code.
 *       Needs MASTER_KEYS (the origin's): the secret is encrypted under it.
 *   npm run operators -- list
 *       id, email, name, created, disabled — never hashes or secrets.
 *   npm run operators -- disable <email>
 *       Disables the operator and ends their sessions at once (grants naming them stop working).
 *
 * Each change is audited in the global chain. Exit status: 0 done; 1 configuration or database
 * error; 2 bad usage, unknown operator, or refused input (one line on stderr).
 */
import { createInterface } from 'node:readline';
import { loadOriginConfig, type OriginConfig } from '../config.js';
import { envelopeFromConfig, type Envelope } from '../crypto/envelope.js';
import { personalDataFromConfig } from '../crypto/personal-data.js';
import { addOperator, disableOperator, listOperators, OperatorUnreadable } from '../governance/index.js';
import { identityFromConfig, LogTransport } from '../identity/index.js';
import { createLogger } from '../logger.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandLine, printable, runIfScript, type CliIo, type OpenDatabase } from './run.js';

export const USAGE = 'usage: npm run operators -- add <email> --name "…" (password from OPERATOR_PASSWORD or stdin) | list | disable <email>';
export { EXIT_FAILED, EXIT_OK, EXIT_USAGE };

type Command = { command: 'add'; email: string; name: string } | { command: 'list' } | { command: 'disable'; email: string } | { command: 'help' };

export function parseOperatorsArgs(argv: string[]): Command | { error: string } {
  const parsed = parseCommandLine(argv, { name: { type: 'string' } });
  if ('error' in parsed) return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, email, ...extra] = positionals;
  if (command === undefined) return { error: 'a command is required' };
  if (extra.length > 0) return { error: `unexpected argument "${printable(extra[0]!)}"` };
  if (command === 'list') return email === undefined && values.name === undefined ? { command } : { error: 'list takes no arguments' };
  if (command !== 'add' && command !== 'disable') return { error: `unknown command "${printable(command)}"` };
  if (email === undefined || email.trim() === '') return { error: `${command} needs an email` };
  if (command === 'disable') return values.name === undefined ? { command, email } : { error: 'disable takes no --name' };
  if (values.name === undefined || values.name.trim() === '') return { error: 'add needs --name' };
  return { command, email, name: values.name };
}

export interface OperatorsDeps {
  config?: OriginConfig;
  /** Default: MASTER_KEYS's (the origin must decrypt the TOTP secret with the same keys). */
  envelope?: Envelope;
  /** The new operator's password (default: OPERATOR_PASSWORD, else stdin's first line). */
  readPassword?: () => Promise<string>;
}

async function stdinLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

export async function runOperators(argv: string[], io: CliIo, open: OpenDatabase, deps: OperatorsDeps = {}): Promise<number> {
  const cmd = parseOperatorsArgs(argv);
  if ('error' in cmd) {
    io.err(`operators: ${cmd.error} (${USAGE})\n`);
    return EXIT_USAGE;
  }
  if (cmd.command === 'help') {
    io.out(`${USAGE}\n`);
    return EXIT_OK;
  }
  const config = deps.config ?? loadOriginConfig();
  let password = '';
  if (cmd.command === 'add') {
    // Without MASTER_KEYS each process draws its own key: the origin could never read the TOTP secret.
    if (!deps.envelope && !config.MASTER_KEYS) {
      io.err('operators: add needs MASTER_KEYS (the origin decrypts the TOTP secret with the same keys)\n');
      return EXIT_USAGE;
    }
    password = await (deps.readPassword ?? (async () => process.env.OPERATOR_PASSWORD ?? (await stdinLine())))();
    if (!password) {
      io.err('operators: no password (set OPERATOR_PASSWORD or pipe it on stdin)\n');
      return EXIT_USAGE;
    }
  }
  const database = await open();
  // Operators' email and name are sealed under MASTER_KEYS, as the origin's (the test harness passes its own).
  const pd = database.personalData ?? personalDataFromConfig(config.MASTER_KEYS);
  try {
    if (cmd.command === 'list') {
      let all;
      try {
        all = await listOperators(database.db, pd);
      } catch (err) {
        if (!(err instanceof OperatorUnreadable)) throw err;
        io.err(`operators: ${err.message}\n`);
        return EXIT_FAILED;
      }
      if (all.length === 0) io.out('no operators\n');
      for (const o of all) io.out(`${o.id}  ${printable(o.email)}  ${printable(o.name)}  created ${o.createdAt.toISOString()}  ${o.disabledAt ? `disabled ${o.disabledAt.toISOString()}` : 'active'}\n`);
      return EXIT_OK;
    }
    if (cmd.command === 'disable') {
      const r = await disableOperator(database.db, pd, cmd.email, new Date());
      if (r.outcome === 'not_found') {
        io.err(`operators: no operator with email "${printable(cmd.email.trim())}"\n`);
        return EXIT_USAGE;
      }
      if (r.outcome === 'already_disabled') {
        io.out(`${printable(cmd.email.trim())} is already disabled; nothing changed\n`);
        return EXIT_OK;
      }
      io.out(`disabled operator ${r.outcome === 'disabled' ? r.id : ''}: ended ${r.outcome === 'disabled' ? r.sessions : 0} session(s)\n`);
      return EXIT_OK;
    }
    const logger = createLogger('silent');
    const identity = identityFromConfig(config, new LogTransport({ logger, logLinks: false }));
    const r = await addOperator(database.db, { identity, envelope: deps.envelope ?? envelopeFromConfig(config.MASTER_KEYS) }, { email: cmd.email, name: cmd.name, password });
    if (!r.ok) {
      io.err(`operators: ${r.detail}\n`);
      return EXIT_USAGE;
    }
    io.out(
      [
        `added operator ${r.value.operator.id} (${printable(r.value.operator.email)})`,
        `TOTP secret (shown once; every sign-in needs a code): ${r.value.totpSecret}`,
        `otpauth URI: ${r.value.otpauthUri}`,
        '',
      ].join('\n'),
    );
    return EXIT_OK;
  } finally {
    await database.close();
  }
}

await runIfScript(import.meta.url, 'operators', runOperators);
