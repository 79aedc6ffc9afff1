/**
 * `npm run incident -- open|update|resolve|notify|list`: security incidents and the notification
 * of affected organizations (origin/ops/security/command.ts has the commands). Every invocation
 * writes an audit row (operator, host, command line with secrets redacted, exit status).
 * Exit status: 0 done; 1 refused or failed; 2 bad usage.
 */
import { runIncidentCommand } from '../ops/index.js';
import { runIfScript } from './run.js';

await runIfScript(import.meta.url, 'incident', (argv, io, open) => runIncidentCommand(argv, io, { env: process.env, openDb: open }));
