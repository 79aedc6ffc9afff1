/**
 * `npm run keys -- <command>`: the keys that protect data at rest (origin/governance/keys.ts).
 *
 *   status [--json]        envelope tokens per MASTER_KEYS version for every encrypted column,
 *                          personal data still in plaintext, stale blind indexes. Exit 0 when no
 *                          plaintext personal data is left, 1 otherwise (a one-line check).
 *   rotate [--batch N]     re-encrypts every envelope under the newest MASTER_KEYS version and
 *                          recomputes blind indexes, in batches of N rows (default 200), resumable
 *                          (run it again after an interruption), progress on stderr; then verifies
 *                          and audits. Exit 1 when verification fails.
 *   verify                 decrypts every envelope and recomputes every blind index. Exit 1 on failure.
 *
 * Same settings as the origin (DATABASE_URL or the local PGlite, MASTER_KEYS). To rotate: add
 * `v<n+1>:<key>` to MASTER_KEYS everywhere (the newest encrypts, all decrypt), restart, run
 * `rotate`, and once it verified remove the old version.
 */
import { userInfo } from 'node:os';
import { personalDataFromConfig } from '../crypto/personal-data.js';
import { keyStatus, rotateKeys, verifyKeys, type KeyStatus } from '../governance/index.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandLine, printable, runIfScript, type CliIo, type OpenDatabase } from './run.js';

export const KEYS_USAGE = `usage: npm run keys -- status [--json] | rotate [--batch N] | verify\n`;

function formatStatus(s: KeyStatus): string {
  const lines = [`current master key: v${s.currentVersion}`];
  for (const c of s.columns) {
    const versions = Object.entries(c.versions)
      .sort()
      .map(([v, n]) => `${v}=${n}`)
      .join(' ');
    lines.push(`  ${c.column.padEnd(36)} ${String(c.rows).padStart(8)} rows  ${versions || '-'}${c.plaintext ? `  PLAINTEXT=${c.plaintext}` : ''}${c.staleIndexes ? `  stale-indexes=${c.staleIndexes}` : ''}`);
  }
  if (s.plaintextAttempts) lines.push(`  auth_attempts with plain addresses: ${s.plaintextAttempts}`);
  lines.push(s.clean ? 'personal data: no plaintext left' : 'personal data: PLAINTEXT LEFT (run npm run db:migrate or start the origin to convert it)');
  lines.push(s.current ? `every value under v${s.currentVersion}` : `older key versions in use: run npm run keys -- rotate`);
  return `${lines.join('\n')}\n`;
}

export async function runKeys(argv: string[], io: CliIo, open: OpenDatabase, env: Record<string, string | undefined> = process.env): Promise<number> {
  const parsed = parseCommandLine(argv, { json: { type: 'boolean' }, batch: { type: 'string' } });
  if ('error' in parsed) {
    io.err(`keys: ${parsed.error}\n${KEYS_USAGE}`);
    return EXIT_USAGE;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help) {
    io.out(KEYS_USAGE);
    return EXIT_OK;
  }
  if (!command || rest.length > 0 || !['status', 'rotate', 'verify'].includes(command)) {
    io.err(`keys: ${command ? `unknown command "${command}"` : 'a command is required'}\n${KEYS_USAGE}`);
    return EXIT_USAGE;
  }
  const batch = parsed.values.batch === undefined ? undefined : Number(parsed.values.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1 && batch <= 10_000)) {
    io.err(`keys: --batch must be a whole number from 1 to 10000\n`);
    return EXIT_USAGE;
  }
  const database = await open();
  const pd = database.personalData ?? personalDataFromConfig(undefined);
  try {
    if (command === 'status') {
      const s = await keyStatus(database.db, pd);
      io.out(parsed.values.json ? `${JSON.stringify(s)}\n` : formatStatus(s));
      return s.clean ? EXIT_OK : EXIT_FAILED;
    }
    if (command === 'verify') {
      const v = await verifyKeys(database.db, pd);
      io.out(v.ok ? `verified ${v.checked} values under v${pd.version}\n` : `verification FAILED: ${v.failures.map((f) => `${f.column} ${f.id} ${f.reason}`).join('; ')}\n`);
      return v.ok ? EXIT_OK : EXIT_FAILED;
    }
    const operator = printable(env.SUDO_USER ?? env.GHEE_OPERATOR ?? userInfo().username).slice(0, 100);
    const r = await rotateKeys(database.db, pd, {
      ...(batch ? { batch } : {}),
      operator,
      onBatch: (p) => io.err(`keys: ${p.column}: ${p.done} re-encrypted (${p.batches} batches)\n`),
    });
    const total = Object.values(r.reencrypted).reduce((a, b) => a + b, 0);
    io.out(
      r.verification.ok
        ? `rotated to v${r.targetVersion}: ${total} values re-encrypted; verified ${r.verification.checked} values. Older versions can now be removed from MASTER_KEYS.\n`
        : `rotated to v${r.targetVersion}: ${total} values re-encrypted; verification FAILED for ${r.verification.failures.length} values (run again)\n`,
    );
    return r.verification.ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    await database.close();
  }
}

await runIfScript(import.meta.url, 'keys', (argv, io, open) => runKeys(argv, io, open));
