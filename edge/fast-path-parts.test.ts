/**
 * The pieces the hit fast path uses on Fastly, checked under Node against what the chain uses:
 * the settings from the edge cache without a transaction, the token parse and hash with a
 * platform-supplied SHA-256, and the build-time warm-up.
 */
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, parseAndHashApiKeyWith, parseApiKey, type Sha256 } from '../shared/api-key.js';
import { loadCachedEdgeConfig, loadEdgeConfig } from './config.js';
import { createNodePlatform } from './platform/node.js';
import { presentToken, presentTokenWith } from './request-info.js';
import { warmUpHits } from './warmup.js';

const SECRET = 'k'.repeat(40);
const digest: Sha256 = async (data) => new Uint8Array(await webcrypto.subtle.digest('SHA-256', data));

function platform(config: Record<string, string>, secret: string | null = SECRET, cache?: ReturnType<typeof createNodePlatform>['cache']) {
  const secrets = secret === null ? {} : { edge_shared_secret: secret };
  return createNodePlatform({ originUrl: 'http://127.0.0.1:9', config, secrets, log: () => {}, ...(cache ? { cache } : {}) });
}

describe('loadCachedEdgeConfig', () => {
  it('is exactly what loadEdgeConfig returns once cached, and null before', async () => {
    const p = platform({ key_cache_ttl: '120', cors: JSON.stringify({ any: ['https://a.example'] }) });
    expect(await loadCachedEdgeConfig(p)).toBeNull();
    const loaded = await loadEdgeConfig(p);
    expect(await loadCachedEdgeConfig(p)).toEqual(loaded);
  });

  it('null when a store value changed (the chain re-validates), or the secret is missing or short', async () => {
    const values: Record<string, string> = { key_cache_ttl: '120' };
    const p = platform(values);
    await loadEdgeConfig(p);
    values.key_cache_ttl = '999999';
    expect(await loadCachedEdgeConfig(p)).toBeNull();
    values.key_cache_ttl = '120';
    expect(await loadCachedEdgeConfig(p)).not.toBeNull();
    expect(await loadCachedEdgeConfig(platform(values, 'short', p.cache))).toBeNull();
    expect(await loadCachedEdgeConfig(platform(values, null, p.cache))).toBeNull();
  });

  it('null once the cached settings are purged', async () => {
    const p = platform({});
    await loadEdgeConfig(p);
    await p.cache.purgeSurrogateKey('ghee-config', { soft: true });
    expect(await loadCachedEdgeConfig(p)).toBeNull();
  });
});

describe('token parse and hash with a platform SHA-256', () => {
  it('agree with parseApiKey and hashApiKey, for every kind and for bad tokens', async () => {
    const good = (['read', 'preview', 'write', 'admin'] as const).map((k) => generateApiKey(k));
    const flipped = good[0]!.slice(0, -1) + (good[0]!.endsWith('A') ? 'B' : 'A');
    const tokens = [...good, flipped, 'nope', '', `${good[1]}x`, 'ghee_read_short_abcdef', 'x'.repeat(5000)];
    for (const token of tokens) {
      const parsed = parseApiKey(token);
      expect(await parseAndHashApiKeyWith(token, digest), token.slice(0, 40)).toEqual({ parsed, hash: parsed ? hashApiKey(token) : null });
    }
  });

  it('presentTokenWith gives what presentToken gives', async () => {
    const token = generateApiKey('read');
    expect(await presentTokenWith(token, digest)).toEqual(presentToken(token));
    const bad = 'ghee_read_' + 'a'.repeat(32) + '_zzzzzz';
    expect(await presentTokenWith(bad, digest)).toEqual({ token: bad, parsed: null, hash: null });
  });
});

describe('warmUpHits (build-time warm-up of the hit path)', () => {
  it('serves its hits end to end, with the built-in and with a platform SHA-256', async () => {
    expect(await warmUpHits()).toBe(10);
    expect(await warmUpHits(digest)).toBe(10);
  });

  it('never throws, even when the platform SHA-256 fails', async () => {
    expect(await warmUpHits(async () => Promise.reject(new Error('no crypto')))).toBe(0);
  });
});

describe('rate-limit counts handed from the hit path to the chain', () => {
  it('are used, not counted again, when the settings are equal but not the same object (Fastly), and counted when they differ', async () => {
    const { createEdge } = await import('./app.js');
    const { countRequest } = await import('./middleware/rate-limit/index.js');
    const { edgeConfigSchema } = await import('./config.js');
    const limits = JSON.stringify({ content: { ip: { rps: 100 }, key: { rps: 100 } } });
    const p = platform({ https_only: 'false', rate_limits: limits });
    const edge = createEdge(p);
    const own = edgeConfigSchema.parse({ edge_shared_secret: SECRET, rate_limits: limits }).rate_limits; // equal values, another object
    const checks = countRequest(p.rates, own, 'content', 'GET', '192.0.2.9', () => null);
    const countOf = () => p.rates.count('rl_content_ip', '192.0.2.9', 10);
    expect(countOf()).toBe(1);
    const res = await edge.app.fetch(new Request('http://edge.test/v2/pages/*/home/'), { clientIp: '192.0.2.9', counted: { config: own, checks } });
    expect(res.status).toBe(401);
    expect(res.headers.get('ratelimit-remaining')).toBe('999');
    expect(countOf()).toBe(1); // not counted a second time
    const other = edgeConfigSchema.parse({ edge_shared_secret: SECRET, rate_limits: JSON.stringify({ content: { ip: { rps: 50 } } }) }).rate_limits;
    await edge.app.fetch(new Request('http://edge.test/v2/pages/*/home/'), { clientIp: '192.0.2.9', counted: { config: other, checks } });
    expect(countOf()).toBe(2); // settings differ: counted by the chain
  });
});

describe('the hit path never fails a request', () => {
  it('declines (to the chain) when anything it relies on throws', async () => {
    const { createHitPath } = await import('./hit-path.js');
    const p = platform({ https_only: 'false' });
    const config = await loadEdgeConfig(p);
    const req = { method: 'GET', url: 'http://edge.test/v2/pages/*/home/?auth_token=x', rawTarget: undefined, header: () => undefined, headerCount: 1, headerBytes: 10, clientIp: '192.0.2.1' };
    const throwing = createHitPath(p, { config: () => { throw new Error('boom'); } });
    expect(await throwing.serve(req)).toEqual({ served: false, reason: 'error' });
    const rejecting = createHitPath(p, { config: () => Promise.reject(new Error('boom')) });
    expect(await rejecting.serve(req)).toEqual({ served: false, reason: 'error' });
    const brokenCache = { ...p, cache: Object.assign(Object.create(p.cache) as typeof p.cache, { lookupFresh: () => { throw new Error('boom'); } }) };
    const outcome = await createHitPath(brokenCache, { config: () => config }).serve({ ...req, url: `http://edge.test/v2/pages/*/home/?auth_token=${generateApiKey('read')}` });
    expect(outcome).toMatchObject({ served: false, reason: 'error' });
    expect(outcome.served === false && outcome.counted).toBeTruthy(); // counted before the throw: handed over
  });
});
