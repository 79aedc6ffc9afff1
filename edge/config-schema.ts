/**
 * The zod schema of the separate Config Store keys (the first settings format, edge/config.ts):
 * loaded only where they are validated (edge/config-load.ts), never at build time.
 */
import * as z from 'zod/mini';
import { intSetting, jsonSetting } from '../shared/config.js';
import { corsConfigSchema } from './middleware/cors/config.js';
import { rateLimitConfigSchema } from './middleware/rate-limit/config.js';
import { wafConfigSchema } from './middleware/waf/config.js';
import { SETTING_RANGES } from './settings.js';

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
  key_cache_ttl: intSetting(...SETTING_RANGES.key_cache_ttl),
  /** Seconds past key_cache_ttl a valid key's record is still honoured while the origin is down. */
  key_stale_if_error: intSetting(...SETTING_RANGES.key_stale_if_error),
  /** Seconds a 404 from the origin is cached (a short negative TTL). */
  not_found_ttl: intSetting(...SETTING_RANGES.not_found_ttl),
  /** Seconds an unknown key is remembered as invalid, sparing the origin repeated lookups. */
  negative_key_cache_ttl: intSetting(...SETTING_RANGES.negative_key_cache_ttl),
  /** Milliseconds to wait for the origin before failing the request. */
  origin_timeout_ms: intSetting(...SETTING_RANGES.origin_timeout_ms),
  /** HMAC secret shared with the origin (secret store). */
  edge_shared_secret: z.string({ message: 'is required' }).check(z.minLength(32, { message: 'must be at least 32 characters' })),
});

export type EdgeConfig = z.infer<typeof edgeConfigSchema>;
