/**
 * `npm run accounts`: operator controls for one user account, against DATABASE_URL (or the
 * local PGlite under PGLITE_DIR) — the same configuration and database code as the origin and
 * `npm run db:migrate`; it does not run migrations.
 *
 *   npm run accounts -- disable <email> [--reason "…"]
 *       Sets disabled_at, ends every live session of the user and writes an `account.disabled`
 *       audit row per organization the user belongs to (system actor, metadata.via =
 *       'operator', the reason if given). Login then answers the generic "Invalid email or
 *       password." Already disabled: says so, changes and audits nothing.
 *   npm run accounts -- enable <email> [--reason "…"]
 *       Clears disabled_at and audits `account.enabled` the same way (ended sessions stay
 *       ended: the user signs in again). Not disabled: says so, changes nothing.
 *   npm run accounts -- show <email>
 *       Prints id, email, name, created, verified, disabled, 2FA enrolled and memberships
 *       (organization, role, space) — never password hashes, TOTP secrets or tokens.
 *
 * Emails match case-insensitively, as at login. Exit status: 0 done (including a no-op);
 * 1 configuration or database error; 2 bad usage or no account with that email (one line on
 * stderr).
 */
import { checkedReason, describeAccount, disableAccount, enableAccount, type AccountSummary } from '../identity/index.js';
import { personalDataFromConfig } from '../crypto/personal-data.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandLine, printable, runIfScript, type CliIo, type OpenDatabase } from './run.js';

export const USAGE = 'usage: npm run accounts -- disable <email> [--reason "…"] | enable <email> [--reason "…"] | show <email>';

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE };

type Command = { command: 'disable' | 'enable'; email: string; reason: string | undefined } | { command: 'show'; email: string } | { command: 'help' };

export function parseAccountsArgs(argv: string[]): Command | { error: string } {
  const parsed = parseCommandLine(argv, { reason: { type: 'string' } });
  if ('error' in parsed) return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, email, ...extra] = positionals;
  if (command === undefined) return { error: 'a command is required' };
  if (command !== 'disable' && command !== 'enable' && command !== 'show') return { error: `unknown command "${printable(command)}"` };
  if (email === undefined || email.trim() === '') return { error: `${command} needs an email` };
  if (extra.length > 0) return { error: `unexpected argument "${printable(extra[0]!)}"` };
  if (command === 'show') return values.reason === undefined ? { command, email } : { error: 'show takes no --reason' };
  try {
    return { command, email, reason: checkedReason(values.reason) };
  } catch (err) {
    return { error: `--reason: ${(err as Error).message}` };
  }
}

function iso(d: Date | null): string {
  return d ? d.toISOString() : 'no';
}

export function formatAccount(a: AccountSummary): string {
  const lines = [
    `id:          ${a.id}`,
    `email:       ${printable(a.email)}`,
    `name:        ${printable(a.name)}`,
    `created:     ${a.createdAt.toISOString()}`,
    `verified:    ${iso(a.emailVerifiedAt)}`,
    `disabled:    ${a.disabledAt ? `yes, since ${a.disabledAt.toISOString()}` : 'no'}`,
    `two-factor:  ${a.twoFactor ? 'enrolled' : 'no'}`,
    `memberships: ${a.memberships.length === 0 ? 'none' : a.memberships.length}`,
    ...a.memberships.map(
      (m) => `  ${printable(m.organizationSlug)} (${printable(m.organizationName)}, ${m.organizationId}): ${m.role}${m.spaceId ? ` in space ${printable(m.spaceSlug ?? m.spaceId)}` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Runs one command; returns the exit status. The database is opened only once the arguments
 * are good, and always closed.
 */
export async function runAccounts(argv: string[], io: CliIo, open: OpenDatabase): Promise<number> {
  const cmd = parseAccountsArgs(argv);
  if ('error' in cmd) {
    io.err(`accounts: ${cmd.error} (${USAGE})\n`);
    return EXIT_USAGE;
  }
  if (cmd.command === 'help') {
    io.out(`${USAGE}\n`);
    return EXIT_OK;
  }
  const unknown = () => {
    io.err(`accounts: no account with email "${printable(cmd.email.trim())}"\n`);
    return EXIT_USAGE;
  };
  const database = await open();
  const pd = database.personalData ?? personalDataFromConfig(undefined);
  try {
    if (cmd.command === 'show') {
      const account = await describeAccount(database.db, pd, cmd.email);
      if (!account) return unknown();
      io.out(formatAccount(account));
      return EXIT_OK;
    }
    if (cmd.command === 'disable') {
      const r = await disableAccount(database.db, pd, cmd.email, { reason: cmd.reason });
      if (r.outcome === 'not_found') return unknown();
      if (r.outcome === 'already_disabled') {
        io.out(`${printable(r.email)} is already disabled (since ${r.disabledAt.toISOString()}); nothing changed\n`);
        return EXIT_OK;
      }
      io.out(
        `disabled ${printable(r.email)} (user ${r.userId}): ended ${plural(r.sessionsRevoked, 'session')}, audited in ${plural(r.organizationIds.length, 'organization')}\n`,
      );
      return EXIT_OK;
    }
    const r = await enableAccount(database.db, pd, cmd.email, { reason: cmd.reason });
    if (r.outcome === 'not_found') return unknown();
    if (r.outcome === 'not_disabled') {
      io.out(`${printable(r.email)} is not disabled; nothing changed\n`);
      return EXIT_OK;
    }
    io.out(`enabled ${printable(r.email)} (user ${r.userId}), audited in ${plural(r.organizationIds.length, 'organization')}\n`);
    return EXIT_OK;
  } finally {
    await database.close();
  }
}

await runIfScript(import.meta.url, 'accounts', runAccounts);
