/**
 * The pieces the hit fast path uses on Fastly, checked under Node against what the chain uses:
 * the settings from the edge cache without a transaction, the token's shape (its checksum is
 * left to the key record there), and the build-time warm-up.
 */
import { describe, expect, it } from 'vitest';
import { apiKeyDisplay, apiKeyShape, generateApiKey, hashApiKey, parseApiKey } from '../shared/api-key.js';
import { loadCachedEdgeConfig, loadEdgeConfig } from './config.js';
import { keyCacheKey } from './middleware/api-key/index.js';
import { createNodePlatform } from './platform/memory/platform.js';
import { warmUpHits } from './warmup.js';

const SECRET = 'k'.repeat(40);

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

describe('apiKeyShape and apiKeyDisplay (the hit path on Fastly: one hash, the checksum left to the key record)', () => {
  it("the shape is parseApiKey without the checksum; the display is parseApiKey's result", () => {
    const good = (['read', 'preview', 'write', 'admin'] as const).map((k) => generateApiKey(k));
    const flipped = good[0]!.slice(0, -1) + (good[0]!.endsWith('A') ? 'B' : 'A');
    for (const token of good) {
      const parsed = parseApiKey(token)!;
      expect(apiKeyShape(token)).toEqual({ kind: parsed.kind });
      expect(apiKeyDisplay(token, parsed.kind)).toEqual(parsed);
    }
    expect(parseApiKey(flipped)).toBeNull();
    expect(apiKeyShape(flipped)).toEqual({ kind: 'read' }); // well shaped: only a key record can vouch for it
    for (const bad of ['nope', '', `${good[1]}x`, 'ghee_read_short_abcdef', 'x'.repeat(5000), `ghee_root_${'a'.repeat(32)}_abcdef`]) {
      expect(apiKeyShape(bad), bad.slice(0, 40)).toBeNull();
    }
  });
});

describe('warmUpHits (build-time warm-up of the hit path)', () => {
  it('serves its hits end to end, memoised and with one hash per request (Fastly)', async () => {
    expect(await warmUpHits()).toBe(10);
    expect(await warmUpHits(hashApiKey)).toBe(10);
  });

  it('never throws, even when hashing fails', async () => {
    expect(
      await warmUpHits(() => {
        throw new Error('no hashing');
      }),
    ).toBe(4); // the asset hits need no key
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
    const req = { method: 'GET', url: 'http://edge.test/v2/pages/*/home/?auth_token=x', rawTarget: undefined, header: () => undefined, headerCount: 1, headerBytes: 10, clientIp: '192.0.2.1' };
    const throwing = createHitPath(p, { config: () => { throw new Error('boom'); } });
    expect(await throwing.serve(req)).toEqual({ served: false, reason: 'error' });
    const rejecting = createHitPath(p, { config: () => Promise.reject(new Error('boom')) });
    expect(await rejecting.serve(req)).toEqual({ served: false, reason: 'error' });
    // The cache throws on the key record (before counting: nothing handed over) or on the content (after: the count is).
    const token = generateApiKey('read');
    const txn = await p.cache.transaction(keyCacheKey(hashApiKey(token)));
    if (txn.mustInsert) {
      const record = { valid: true, id: 'k1', kind: 'read', space_id: 's1' };
      await txn.insert({ status: 200, headers: [], body: new TextEncoder().encode(JSON.stringify(record)) }, { maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0, surrogateKeys: [] });
    }
    const limited = await loadEdgeConfig(platform({ https_only: 'false', rate_limits: JSON.stringify({ content: { ip: { rps: 100 } } }) }));
    for (const [throwOnCall, handed] of [[1, false], [2, true]] as const) {
      let calls = 0;
      const lookupFresh = p.cache.lookupFresh!.bind(p.cache);
      const cache = Object.assign(Object.create(p.cache) as typeof p.cache, {
        lookupFresh: (key: string) => {
          if (++calls === throwOnCall) throw new Error('boom');
          return lookupFresh(key);
        },
      });
      const outcome = await createHitPath({ ...p, cache }, { config: () => limited }).serve({ ...req, url: `http://edge.test/v2/pages/*/home/?auth_token=${token}` });
      expect(outcome).toMatchObject({ served: false, reason: 'error' });
      expect(outcome.served === false && outcome.counted !== undefined, `throw on lookup ${throwOnCall}`).toBe(handed);
    }
  });
});
