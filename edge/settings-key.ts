/**
 * The Config Store key of the settings document (edge/settings.ts), in a module of its own: the
 * hit path and the chain read it on every request, and must not load the document's zod schema
 * to do so (edge/config-load.ts: zod is initialised only where a document is validated).
 */
export const SETTINGS_KEY = 'settings';
