/**
 * Edge settings, read through the Platform (Fastly Config Store `ghee_config` / Secret Store
 * `ghee_secrets`; environment on Node) and validated by one zod schema on first use — never at
 * module top level, which runs at build time under Wizer.
 *
 * Two ways to hold them in the Config Store:
 * - one entry, `settings`: a compact JSON document (edge/settings.ts) validated when it is
 *   written (`npm run edge -- config validate|push`, scripts/edge-config.ts). A cache hit reads
 *   that one entry and nothing else (no secret: only a miss needs it) — see cachedEdgeSettings;
 * - the separate keys of EDGE_CONFIG_KEYS (the first format; read only when `settings` is unset).
 *
 * The loading (what every request runs) is edge/config-load.ts and the separate keys' zod schema
 * edge/config-schema.ts, both re-exported here; edge code on the request path imports
 * config-load.ts, which loads the schemas only to validate (see there).
 */
export * from './config-load.js';
export { edgeConfigSchema, type EdgeConfig } from './config-schema.js';
