import { EDGE_CONFIG_KEYS, EDGE_SECRET_KEYS, SETTINGS_KEY } from '../config.js';

/** Node twin of the Config / Secret Stores: `settings` ← EDGE_SETTINGS, `key_cache_ttl` ← EDGE_KEY_CACHE_TTL, `edge_shared_secret` ← EDGE_SHARED_SECRET. */
export function edgeStoresFromEnv(env: Record<string, string | undefined>): {
  config: Record<string, string | undefined>;
  secrets: Record<string, string | undefined>;
} {
  const config: Record<string, string | undefined> = {};
  for (const name of [SETTINGS_KEY, ...EDGE_CONFIG_KEYS]) config[name] = env[`EDGE_${name.toUpperCase()}`];
  const secrets: Record<string, string | undefined> = {};
  for (const name of EDGE_SECRET_KEYS) secrets[name] = env[name.toUpperCase()];
  return { config, secrets };
}
