/**
 * Edge settings, read through the Platform (Fastly Config Store `ghee_config` / Secret Store
 * `ghee_secrets`; environment on Node) and validated by one zod schema on first use — never at
 * module top level, which runs at build time under Wizer.
 */
import * as z from 'zod/mini';
import { intSetting, jsonSetting, parseConfig } from '../shared/config.js';
import { corsConfigSchema } from './middleware/cors/config.js';
import { rateLimitConfigSchema } from './middleware/rate-limit/config.js';
import { wafConfigSchema } from './middleware/waf/config.js';
import type { Platform } from './platform/port.js';

const bool = (fallback: boolean) =>
  z.pipe(
    z._default(z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }), fallback ? 'true' : 'false'),
    z.transform((v: 'true' | 'false' | '1' | '0') => v === 'true' || v === '1'),
  );

export const edgeConfigSchema = z.object({
  /** Plain-HTTP GET/HEAD → 301 to https, other methods → 403. Off only for local use. */
  https_only: bool(true),
  waf: jsonSetting(wafConfigSchema),
  rate_limits: jsonSetting(rateLimitConfigSchema),
  cors: jsonSetting(corsConfigSchema),
  /** Seconds an active key's record is cached at the edge (purged at once on revocation). */
  key_cache_ttl: intSetting(1, 3600, 300),
  /** Seconds past key_cache_ttl a valid key's record is still honoured while the origin is down. */
  key_stale_if_error: intSetting(0, 604_800, 86_400),
  /** Seconds a 404 from the origin is cached (a short negative TTL). */
  not_found_ttl: intSetting(0, 300, 10),
  /** Seconds an unknown key is remembered as invalid, sparing the origin repeated lookups. */
  negative_key_cache_ttl: intSetting(0, 300, 30),
  /** Milliseconds to wait for the origin before failing the request. */
  origin_timeout_ms: intSetting(100, 120_000, 10_000),
  /** HMAC secret shared with the origin (secret store). */
  edge_shared_secret: z.string({ message: 'is required' }).check(z.minLength(32, { message: 'must be at least 32 characters' })),
});

export type EdgeConfig = z.infer<typeof edgeConfigSchema>;

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
      config = parseConfig(edgeConfigSchema, { ...raw, edge_shared_secret: secret }, 'edge');
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
  return parseConfig(edgeConfigSchema, { ...raw, edge_shared_secret: secret }, 'edge');
}

/**
 * The settings exactly as loadEdgeConfig would return them from its cache, without a
 * transaction: null when they are not cached and fresh (or the secret is unusable, or the
 * platform has no fresh lookup) — then loadEdgeConfig decides (validating, or failing). For the
 * hit fast path on platforms where every request starts afresh (Fastly).
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
