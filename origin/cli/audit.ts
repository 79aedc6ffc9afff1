/**
 * `npm run audit`: checks the audit trail's hash chains against DATABASE_URL (or the local
 * PGlite under PGLITE_DIR) — the same configuration and database code as the origin,
 * `npm run db:migrate` and `npm run accounts`; it does not run migrations and changes nothing.
 *
 *   npm run audit -- verify [--org <uuid>]
 *       Recomputes every row's hash and checks each chain's links and numbering (all chains,
 *       or only the organization's). Rows from before the chain existed are counted as legacy.
 *
 * Exit status: 0 every chain is intact; 1 a chain is broken (one line on stderr naming the
 * chain, seq, row id and reason) or a configuration / database error; 2 bad usage.
 */
import { isUuid } from '../http/authorize.js';
import { setAuditCheckpointKey, verifyAuditChain, type ChainBreakReason } from '../audit/index.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandLine, printable, runIfScript, type CliIo, type OpenDatabase } from './run.js';

export const USAGE = 'usage: npm run audit -- verify [--org <uuid>]';

export { EXIT_OK, EXIT_USAGE };
/** A chain is broken (or the command failed). */
export const EXIT_BROKEN = EXIT_FAILED;

type Command = { command: 'verify'; organizationId: string | undefined } | { command: 'help' };

const REASONS: Record<ChainBreakReason, string> = {
  hash: 'the row does not match its hash (edited)',
  link: "prev_hash is not the previous row's hash (edited or re-linked)",
  gap: 'seq does not follow the previous row (a row is missing)',
  sealed: "the row's sealed client address or user agent does not open under MASTER_KEYS (edited, copied from another row, or the key version is missing)",
  checkpoint: "the retention checkpoint the chain starts from is not signed with this deployment's AUTH_SECRET (edited or forged)",
};

export function parseAuditArgs(argv: string[]): Command | { error: string } {
  const parsed = parseCommandLine(argv, { org: { type: 'string' } });
  if ('error' in parsed) return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, ...extra] = positionals;
  if (command === undefined) return { error: 'a command is required' };
  if (command !== 'verify') return { error: `unknown command "${printable(command)}"` };
  if (extra.length > 0) return { error: `unexpected argument "${printable(extra[0]!)}"` };
  if (values.org !== undefined && !isUuid(values.org.toLowerCase())) return { error: `--org must be an organization id (UUID), not "${printable(values.org)}"` };
  return { command, organizationId: values.org?.toLowerCase() };
}

/** Runs one command; returns the exit status. The database is opened only once the arguments are good, and always closed. */
export async function runAudit(argv: string[], io: CliIo, open: OpenDatabase): Promise<number> {
  const cmd = parseAuditArgs(argv);
  if ('error' in cmd) {
    io.err(`audit: ${cmd.error} (${USAGE})\n`);
    return EXIT_USAGE;
  }
  if (cmd.command === 'help') {
    io.out(`${USAGE}\n`);
    return EXIT_OK;
  }
  const database = await open();
  setAuditCheckpointKey(process.env.AUTH_SECRET, process.env.PREVIOUS_AUTH_SECRET ? [process.env.PREVIOUS_AUTH_SECRET] : []);
  try {
    const r = await verifyAuditChain(database.db, cmd.organizationId !== undefined ? { organizationId: cmd.organizationId } : {});
    if (r.broken) {
      const b = r.broken;
      io.err(`audit: chain ${b.chain} is broken at seq ${b.seq} (row ${b.id}): ${b.reason}: ${REASONS[b.reason]}\n`);
      return EXIT_BROKEN;
    }
    io.out(`audit chain valid: ${r.chains} chain${r.chains === 1 ? '' : 's'}, ${r.checked} row${r.checked === 1 ? '' : 's'} checked, ${r.legacy} legacy (unchained)\n`);
    return EXIT_OK;
  } finally {
    await database.close();
  }
}

await runIfScript(import.meta.url, 'audit', runAudit);
