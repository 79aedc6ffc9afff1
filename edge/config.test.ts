import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/config.js';
import { loadEdgeConfig } from './config.js';
import { createNodePlatform } from './platform/memory/platform.js';

const SECRET = 'k'.repeat(40);

function platform(config: Record<string, string>, secret: string | undefined = SECRET) {
  return createNodePlatform({ originUrl: 'http://127.0.0.1:9', config, secrets: { edge_shared_secret: secret }, log: () => {} });
}

describe('edge settings validated once and kept in the edge cache', () => {
  it('caches the validated settings without the secret, keyed by the store values', async () => {
    const p = platform({ key_cache_ttl: '120', https_only: 'false' });
    const first = await loadEdgeConfig(p);
    expect(first.key_cache_ttl).toBe(120);
    expect(first.edge_shared_secret).toBe(SECRET);
    expect(p.cache.size).toBe(1);
    const txn = await p.cache.transaction(`ghee-config:v1:${JSON.stringify({ https_only: 'false', waf: undefined, rate_limits: undefined, cors: undefined, key_cache_ttl: '120', key_stale_if_error: undefined, not_found_ttl: undefined, negative_key_cache_ttl: undefined, origin_timeout_ms: undefined })}`);
    expect(txn.hit).not.toBeNull();
    const cached = new TextDecoder().decode(txn.hit!.object.body);
    expect(cached).not.toContain(SECRET);
    expect(JSON.parse(cached)).toMatchObject({ key_cache_ttl: 120, https_only: false });
    const second = await loadEdgeConfig(p);
    expect(second).toEqual(first);
  });

  it('re-validates when a store value changes: a bad new value is refused despite the cached old one', async () => {
    const values: Record<string, string> = { key_cache_ttl: '120' };
    const p = platform(values);
    await loadEdgeConfig(p);
    values.key_cache_ttl = '999999';
    await expect(loadEdgeConfig(p)).rejects.toThrow(ConfigError);
    values.key_cache_ttl = '60';
    expect((await loadEdgeConfig(p)).key_cache_ttl).toBe(60);
  });

  it('checks the secret on every load, even with cached settings', async () => {
    const good = platform({});
    await loadEdgeConfig(good);
    const short = createNodePlatform({ originUrl: 'http://127.0.0.1:9', config: {}, secrets: { edge_shared_secret: 'short' }, cache: good.cache, log: () => {} });
    await expect(loadEdgeConfig(short)).rejects.toThrow(/edge_shared_secret/);
    const missing = createNodePlatform({ originUrl: 'http://127.0.0.1:9', config: {}, secrets: {}, cache: good.cache, log: () => {} });
    await expect(loadEdgeConfig(missing)).rejects.toThrow(/edge_shared_secret/);
  });
});
