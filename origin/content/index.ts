/**
 * The public module of the content domain for the rest of the origin: what other domains and the
 * plumbing may use. Anything not exported here is this domain's own (a dependency-cruiser rule).
 */
export { renderPage } from './pages/pages.js';
export { attachReadPath, createReadPath, readPathOf } from './pages/read-path.js';
export { Scheduler } from './scheduler.js';
export { MediaImportWorker } from './assets/media-import-worker.js';
export { COLLECTION_FIELD_TYPES, FIELD_TYPES, sanitizeRichText } from './model/schema.js';
export { cleanFreeformString } from './model/sanitize.js';
