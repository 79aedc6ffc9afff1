/**
 * Edge settings, read through the Platform (Fastly Config Store `ghee_config` / Secret Store
 * `ghee_secrets`; environment on Node) and validated by one zod schema on first use — never at
 * module top level, which runs at build time under Wizer.
 */
import { z } from 'zod';
import { intSetting, jsonSetting, parseConfig } from '../shared/config.js';
import { corsConfigSchema } from './middleware/cors/config.js';
import { rateLimitConfigSchema } from './middleware/rate-limit/config.js';
import { wafConfigSchema } from './middleware/waf/config.js';
import type { Platform } from './platform/port.js';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

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
  edge_shared_secret: z.string({ message: 'is required' }).min(32, { message: 'must be at least 32 characters' }),
});

export type EdgeConfig = z.infer<typeof edgeConfigSchema>;

export const EDGE_CONFIG_KEYS = ['https_only', 'waf', 'rate_limits', 'cors', 'key_cache_ttl', 'key_stale_if_error', 'not_found_ttl', 'negative_key_cache_ttl', 'origin_timeout_ms'] as const;
export const EDGE_SECRET_KEYS = ['edge_shared_secret'] as const;

export async function loadEdgeConfig(platform: Platform): Promise<EdgeConfig> {
  const raw: Record<string, string | undefined> = {};
  for (const name of EDGE_CONFIG_KEYS) raw[name] = platform.config(name);
  for (const name of EDGE_SECRET_KEYS) raw[name] = await platform.secret(name);
  return parseConfig(edgeConfigSchema, raw, 'edge');
}
