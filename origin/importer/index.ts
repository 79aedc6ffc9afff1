/**
 * The importer domain's public module: migrating a whole ButterCMS account into a ghee space
 * (`npm run import:buttercms`, origin/cli/import-buttercms.ts). It talks to ghee over its own
 * HTTP APIs only (so every write is audited through the commit step) and imports no other
 * domain's internals.
 */
export { runImport } from './run.js';
export type { ImportOptions, ImportReport } from './run.js';
export { streamProgress, silentProgress } from './progress.js';
export type { Progress } from './progress.js';
export { formatReport } from './report.js';
