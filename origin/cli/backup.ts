/**
 * `npm run backup -- run|verify|list|restore|drill|status|postgres-conf`: backups of the
 * origin's database (see origin/ops/backup/command.ts for the commands). Postgres deployments
 * (DATABASE_URL set) use pgBackRest with the BACKUP_* settings; PGlite deployments their own
 * encrypted archives. Every invocation writes an audit row (operator, host, command, outcome).
 * Progress goes to stderr, results to stdout. Exit status: 0 done; 1 failed; 2 bad usage.
 */
import { loadOriginConfig } from '../config.js';
import { createDatabase } from '../db/client.js';
import { runBackupCommand } from '../ops/index.js';
import { runIfScript } from './run.js';

await runIfScript(import.meta.url, 'backup', (argv, io) =>
  runBackupCommand(argv, io, {
    env: process.env,
    openDb: async () => {
      const database = await createDatabase({ ...loadOriginConfig(), DATABASE_STATEMENT_TIMEOUT_MS: 60_000 });
      return { db: database.db, close: () => database.close() };
    },
  }),
);
