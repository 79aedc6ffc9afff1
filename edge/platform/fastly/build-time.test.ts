import { describe, expect, it } from 'vitest';
import { createBuildTimePlatform } from './build-time.js';
import { INLINE_BODY_MAX, decodeMeta, itemMetadata } from './meta.js';

const object = { status: 200, headers: [['content-type', 'application/json']] as [string, string][], body: new TextEncoder().encode('{"data":{}}') };

describe('build-time platform (the warm-up runs the hit path over it under Wizer)', () => {
  it('reads items back as the Fastly adapter stores them (its metadata, body inline)', () => {
    const platform = createBuildTimePlatform({ settings: {}, secret: 's'.repeat(32), now: 0 });
    platform.cache.store('k', object);
    const fresh = platform.cache.lookupFresh('k');
    expect(fresh).toMatchObject({ object: { status: 200, headers: object.headers }, age: 0 });
    expect(new TextDecoder().decode(fresh!.object.body)).toBe('{"data":{}}');
    expect(decodeMeta(itemMetadata(object, 0).userMetadata.buffer as ArrayBuffer).body).toEqual(object.body);
    expect(platform.cache.lookupFresh('missing')).toBeNull();
  });

  it('fills on a miss through a transaction (as loadEdgeConfig does), then hits', async () => {
    const platform = createBuildTimePlatform({ settings: { cors: '{}' }, secret: 's'.repeat(32), now: 5 });
    const miss = await platform.cache.transaction('k');
    expect(miss).toMatchObject({ hit: null, mustInsert: true });
    await miss.insert(object, { maxAge: 1, staleWhileRevalidate: 0, staleIfError: 0, surrogateKeys: [] });
    const hit = await platform.cache.transaction('k');
    expect(hit.mustInsert).toBe(false);
    expect(hit.hit?.object.status).toBe(200);
    await expect(hit.insert(object, { maxAge: 1, staleWhileRevalidate: 0, staleIfError: 0, surrogateKeys: [] })).rejects.toThrow();
    expect(platform.config('cors')).toBe('{}');
    expect(await platform.secret('edge_shared_secret')).toBe('s'.repeat(32));
    expect(platform.now()).toBe(5);
  });

  it('counts nothing, blocks nothing, reaches no origin', async () => {
    const platform = createBuildTimePlatform({ settings: {}, secret: 's'.repeat(32), now: 0 });
    platform.rates.increment('c', 'e', 1);
    expect(platform.rates.rate('c', 'e', 1)).toBe(0);
    expect(platform.rates.inPenaltyBox('b', 'e')).toBe(false);
    expect(await platform.blocklist.lookup('192.0.2.1')).toBeNull();
    await expect(platform.fetchOrigin(new Request('https://origin/'))).rejects.toThrow();
  });

  it('refuses an item too large to travel in the metadata (the warm-up stores only small ones)', () => {
    const platform = createBuildTimePlatform({ settings: {}, secret: 's'.repeat(32), now: 0 });
    expect(() => platform.cache.store('big', { ...object, body: new Uint8Array(INLINE_BODY_MAX + 1) })).toThrow(RangeError);
  });
});
