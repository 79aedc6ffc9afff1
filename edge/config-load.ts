/**
 * Loading the edge settings (see edge/config.ts for the two formats), without zod at module top
 * level: this module is on every request's path (the hit path reads cachedEdgeSettings, the chain
 * loadEdgeConfig), and on Fastly every request runs in a fresh instance of the build-time
 * snapshot, which pays on every request for what module initialisation left in it — zod's
 * modules and schemas cost ≈ 20 page faults per request even when no request uses them
 * (bench/viceroy-hit.ts). So the schemas (edge/config.ts, edge/settings.ts) and shared/config.ts
 * are imported only where a settings document or the separate keys are actually validated — once
 * per new document, its verdict then kept in the edge cache — and where a bad one is refused.
 * The bundle keeps them behind lazy initialisers (esbuild turns these `import()`s into them).
 */
import type { ConfigError } from '../shared/config.js';
import type { EdgeConfig } from './config-schema.js';
import type { Platform } from './platform/port.js';
import type { EdgeSettings } from './settings.js';
import { SETTINGS_KEY } from './settings-key.js';
import { mark } from './profile.js';

export { SETTINGS_KEY, type EdgeSettings };

/** A ConfigError (shared/config.ts), loaded with its module only when one is thrown. */
async function configError(message: string): Promise<ConfigError> {
  const { ConfigError } = await import('../shared/config.js');
  return new ConfigError(message);
}

/** parseConfig with the separate-keys schema (edge/config-schema.ts), loaded on first use. */
async function parseSeparateKeys(env: Record<string, string | undefined>): Promise<EdgeConfig> {
  const [{ parseConfig }, { edgeConfigSchema }] = await Promise.all([import('../shared/config.js'), import('./config-schema.js')]);
  return parseConfig(edgeConfigSchema, env, 'edge');
}

export const EDGE_CONFIG_KEYS = ['https_only', 'waf', 'rate_limits', 'cors', 'key_cache_ttl', 'key_stale_if_error', 'not_found_ttl', 'negative_key_cache_ttl', 'origin_timeout_ms'] as const;
export const EDGE_SECRET_KEYS = ['edge_shared_secret'] as const;


/** Longest cache key Core Cache accepts is 8135 bytes; longer settings are simply not cached. */
const MAX_CONFIG_CACHE_KEY = 8000;
const CONFIG_CACHE_TTL_S = 3600;

/**
 * Reads and validates the edge settings. On Fastly every request runs in a fresh instance, so
 * validating the settings (zod, in an interpreter) would cost milliseconds of vCPU per request.
 * The validated result is therefore kept in the edge cache, keyed by the exact non-secret
 * store values (so any change to them is a new key); the secret is read and checked on every
 * request and never enters a cache key or a cached object.
 */
function configCacheKey(raw: Record<string, string | undefined>): string {
  return `ghee-config:v1:${JSON.stringify(raw)}`;
}

function readStores(platform: Platform): Record<string, string | undefined> {
  const raw: Record<string, string | undefined> = {};
  for (const name of EDGE_CONFIG_KEYS) raw[name] = platform.config(name);
  return raw;
}

function usableSecret(secret: string | undefined): secret is string {
  return secret !== undefined && secret.trim().length >= 32;
}

export async function loadEdgeConfig(platform: Platform): Promise<EdgeConfig> {
  const document = platform.config(SETTINGS_KEY);
  if (document !== undefined && document.trim() !== '') return loadSettingsDocument(platform, document);
  const raw = readStores(platform);
  const secret = await platform.secret('edge_shared_secret');
  const cacheKey = configCacheKey(raw);
  if (usableSecret(secret) && cacheKey.length <= MAX_CONFIG_CACHE_KEY) {
    const txn = await platform.cache.transaction(cacheKey);
    if (txn.hit) {
      if (txn.mustInsert) txn.cancel();
      return { ...(JSON.parse(new TextDecoder().decode(txn.hit.object.body)) as Omit<EdgeConfig, 'edge_shared_secret'>), edge_shared_secret: secret.trim() };
    }
    let config: EdgeConfig;
    try {
      config = await parseSeparateKeys({ ...raw, edge_shared_secret: secret });
    } catch (err) {
      txn.cancel();
      throw err;
    }
    const { edge_shared_secret: _omit, ...cacheable } = config;
    await txn.insert(
      { status: 200, headers: [], body: new TextEncoder().encode(JSON.stringify(cacheable)) },
      { maxAge: CONFIG_CACHE_TTL_S, staleWhileRevalidate: 0, staleIfError: 0, surrogateKeys: ['ghee-config'] },
    );
    return config;
  }
  return parseSeparateKeys({ ...raw, edge_shared_secret: secret });
}

/** The secret as parseConfig would take it (trimmed; blank is unset), or the same one-line error. */
async function checkedSecret(secret: string | undefined): Promise<string> {
  const trimmed = secret?.trim();
  if (!trimmed) throw await configError('edge config: edge_shared_secret is required (got unset)');
  if (trimmed.length < 32) throw await configError('edge config: edge_shared_secret must be at least 32 characters (got [redacted])');
  return trimmed;
}

/** Edge-cache key of a settings document's verdict: the document itself (any change is a new key). */
export const settingsCacheKey = (document: string) => `ghee-settings:v1:${document}`;

/**
 * The settings from the `settings` document (edge/settings.ts) and the secret. Each document is
 * validated once and its verdict kept in the edge cache (tagged `ghee-config`): an empty body
 * when the document is in its canonical form (then parsing it gives the settings — what a hit
 * does, cachedEdgeSettings), else the canonical text. An invalid document is never cached: every
 * request that needs the chain is refused with the line naming the bad field.
 */
async function loadSettingsDocument(platform: Platform, document: string): Promise<EdgeConfig> {
  const secret = await checkedSecret(await platform.secret('edge_shared_secret'));
  const cacheKey = settingsCacheKey(document);
  if (cacheKey.length > MAX_CONFIG_CACHE_KEY) return { ...(await validated(document)).settings, edge_shared_secret: secret };
  const txn = await platform.cache.transaction(cacheKey);
  if (txn.hit) {
    if (txn.mustInsert) txn.cancel();
    const body = txn.hit.object.body;
    return { ...settingsOf(document, body), edge_shared_secret: secret };
  }
  let verdict: Awaited<ReturnType<typeof validated>>;
  try {
    verdict = await validated(document);
  } catch (err) {
    txn.cancel();
    throw err;
  }
  const ignored = EDGE_CONFIG_KEYS.filter((name) => platform.config(name) !== undefined);
  if (ignored.length > 0) platform.log('warn', 'edge settings document in use: separate keys ignored', { keys: ignored });
  await txn.insert(
    { status: 200, headers: [], body: verdict.canonical === document ? new Uint8Array(0) : new TextEncoder().encode(verdict.canonical) },
    { maxAge: CONFIG_CACHE_TTL_S, staleWhileRevalidate: 0, staleIfError: 0, surrogateKeys: ['ghee-config'] },
  );
  return { ...verdict.settings, edge_shared_secret: secret };
}

/** The document validated (edge/settings.ts, loaded here: only a document not yet validated gets this far). */
async function validated(document: string): Promise<{ settings: EdgeSettings; canonical: string }> {
  const { validateSettings } = await import('./settings.js');
  const verdict = validateSettings(document);
  if (!verdict.ok) throw await configError(`edge config: ${verdict.error}`);
  const { format: _format, ...settings } = verdict.settings;
  return { settings, canonical: verdict.canonical };
}

/** The settings a validated document's cached verdict stands for. */
function settingsOf(document: string, verdictBody: Uint8Array): EdgeSettings {
  const { format: _format, ...settings } = JSON.parse(verdictBody.byteLength === 0 ? document : new TextDecoder().decode(verdictBody)) as EdgeSettings & { format?: number };
  return settings;
}

/**
 * The settings a cache hit needs, as the chain would use them, or null when they are not at hand
 * without the chain (then the hit path declines and the chain decides: validating, or failing).
 * With the `settings` document: one Config Store read and, when the chain has validated that
 * document, its parse — synchronous, no secret. With separate keys: exactly what loadEdgeConfig
 * would return from its cache (nine reads, the secret checked). For the hit fast path on platforms
 * where every request starts afresh (Fastly).
 */
export function cachedEdgeSettings(platform: Platform): EdgeSettings | null | Promise<EdgeSettings | null> {
  const document = platform.config(SETTINGS_KEY);
  mark('settings: config read');
  if (document === undefined || document.trim() === '') return loadCachedEdgeConfig(platform);
  const lookupFresh = platform.cache.lookupFresh;
  if (!lookupFresh) return null;
  const cacheKey = settingsCacheKey(document);
  if (cacheKey.length > MAX_CONFIG_CACHE_KEY) return null;
  const verdict = lookupFresh.call(platform.cache, cacheKey);
  mark('settings: lookup');
  return verdict ? settingsOf(document, verdict.object.body) : null;
}

/**
 * The settings exactly as loadEdgeConfig would return them from its cache, without a
 * transaction: null when they are not cached and fresh (or the secret is unusable, or the
 * platform has no fresh lookup) — then loadEdgeConfig decides (validating, or failing). The
 * separate-keys format only (see cachedEdgeSettings).
 */
export async function loadCachedEdgeConfig(platform: Platform): Promise<EdgeConfig | null> {
  if (!platform.cache.lookupFresh) return null;
  const raw = readStores(platform);
  const secret = await platform.secret('edge_shared_secret');
  const cacheKey = configCacheKey(raw);
  if (!usableSecret(secret) || cacheKey.length > MAX_CONFIG_CACHE_KEY) return null;
  const hit = platform.cache.lookupFresh(cacheKey);
  if (!hit) return null;
  return { ...(JSON.parse(new TextDecoder().decode(hit.object.body)) as Omit<EdgeConfig, 'edge_shared_secret'>), edge_shared_secret: secret.trim() };
}
