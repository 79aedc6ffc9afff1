import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/config.js';
import { cachedEdgeSettings, loadEdgeConfig } from './config.js';
import { validateSettings } from './settings.js';
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

describe('the settings document (one Config Store entry, edge/settings.ts)', () => {
  const canonical = (doc: unknown) => {
    const verdict = validateSettings(JSON.stringify(doc));
    if (!verdict.ok) throw new Error(verdict.error);
    return verdict.canonical;
  };

  it('the chain validates a document once and remembers the verdict; a hit then reads that one entry, no secret', async () => {
    const settings = canonical({ https_only: false, key_cache_ttl: 120 });
    const p = platform({ settings });
    expect(cachedEdgeSettings(p)).toBeNull(); // not validated yet: the chain decides
    const loaded = await loadEdgeConfig(p);
    expect(loaded).toMatchObject({ https_only: false, key_cache_ttl: 120, not_found_ttl: 10, edge_shared_secret: SECRET });
    expect(loaded).not.toHaveProperty('format');
    const { edge_shared_secret: _s, ...hit } = loaded;
    const reads: string[] = [];
    const counting = { ...p, config: (name: string) => (reads.push(name), p.config(name)), secret: async (name: string) => (reads.push(name), p.secret(name)) };
    expect(cachedEdgeSettings(counting)).toEqual(hit); // synchronous: no secret, no await
    expect(reads).toEqual(['settings']);
    expect(await loadEdgeConfig(p)).toEqual(loaded);
  });

  it('a valid document not in canonical form (written by hand) works: its canonical settings are what hits use', async () => {
    const p = platform({ settings: '{ "https_only": false, "waf": { "max_url_length": 4000 } }' });
    const loaded = await loadEdgeConfig(p);
    expect(loaded.waf).toMatchObject({ max_url_length: 4000, max_header_count: 64 });
    const { edge_shared_secret: _s, ...hit } = loaded;
    expect(cachedEdgeSettings(p)).toEqual(hit);
  });

  it('a bad document is refused naming the field, never cached: hits decline and every chain request is refused', async () => {
    const p = platform({ settings: JSON.stringify({ waf: { max_url_length: 0 } }) });
    await expect(loadEdgeConfig(p)).rejects.toThrow(/^edge config: settings: waf\.max_url_length /);
    expect(cachedEdgeSettings(p)).toBeNull();
    expect(p.cache.size).toBe(0);
    await expect(loadEdgeConfig(p)).rejects.toThrow(ConfigError);
  });

  it('a changed document is validated afresh before hits use it', async () => {
    const values: Record<string, string> = { settings: canonical({ key_cache_ttl: 120 }) };
    const p = platform(values);
    await loadEdgeConfig(p);
    values.settings = canonical({ key_cache_ttl: 60 });
    expect(cachedEdgeSettings(p)).toBeNull();
    expect((await loadEdgeConfig(p)).key_cache_ttl).toBe(60);
    expect(cachedEdgeSettings(p)).toMatchObject({ key_cache_ttl: 60 });
    await p.cache.purgeSurrogateKey('ghee-config', { soft: false });
    expect(cachedEdgeSettings(p)).toBeNull();
  });

  it('the chain still needs the secret (origin calls, signed purges); a hit does not read it', async () => {
    const good = platform({ settings: canonical({}) });
    await loadEdgeConfig(good);
    const missing = createNodePlatform({ originUrl: 'http://127.0.0.1:9', config: { settings: canonical({}) }, secrets: {}, cache: good.cache, log: () => {} });
    await expect(loadEdgeConfig(missing)).rejects.toThrow('edge config: edge_shared_secret is required (got unset)');
    const short = createNodePlatform({ originUrl: 'http://127.0.0.1:9', config: { settings: canonical({}) }, secrets: { edge_shared_secret: 'short' }, cache: good.cache, log: () => {} });
    await expect(loadEdgeConfig(short)).rejects.toThrow('edge config: edge_shared_secret must be at least 32 characters (got [redacted])');
    expect(cachedEdgeSettings(missing)).not.toBeNull();
  });

  it('separate keys beside a document are ignored, with a warning when the document is validated', async () => {
    const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
    const p = createNodePlatform({
      originUrl: 'http://127.0.0.1:9',
      config: { settings: canonical({ key_cache_ttl: 120 }), key_cache_ttl: '30', waf: 'not even json' },
      secrets: { edge_shared_secret: SECRET },
      log: (level, message, fields) => lines.push({ level, message, ...(fields ? { fields } : {}) }),
    });
    expect((await loadEdgeConfig(p)).key_cache_ttl).toBe(120);
    expect(lines).toEqual([{ level: 'warn', message: 'edge settings document in use: separate keys ignored', fields: { keys: ['waf', 'key_cache_ttl'] } }]);
  });
});
