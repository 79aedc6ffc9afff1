import { describe, it, expect } from 'vitest';
import { MemoryCache } from './cache.js';
import type { CacheInsertOptions, CacheTransaction, CachedObject } from '../port.js';

class FakeClock {
  ms = 1_700_000_000_000;
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function obj(text: string, status = 200): CachedObject {
  return { status, headers: [['content-type', 'application/json']], body: enc.encode(text) };
}

function opts(maxAge: number, staleWhileRevalidate = 0, surrogateKeys: string[] = [], staleIfError = 0): CacheInsertOptions {
  return { maxAge, staleWhileRevalidate, staleIfError, surrogateKeys };
}

function bodyOf(txn: CacheTransaction): string | null {
  return txn.hit ? dec.decode(txn.hit.object.body) : null;
}

/** Lets pending promise callbacks run (several microtask turns plus a macrotask). */
async function settle(): Promise<void> {
  await new Promise<void>((r) => setTimeout(r, 0));
}

function setup(maxItems?: number): { clock: FakeClock; cache: MemoryCache } {
  const clock = new FakeClock();
  return { clock, cache: new MemoryCache(clock.now, maxItems) };
}

async function fill(cache: MemoryCache, key: string, text: string, o: CacheInsertOptions): Promise<void> {
  const txn = await cache.transaction(key);
  expect(txn.mustInsert).toBe(true);
  await txn.insert(obj(text), o);
}

describe('MemoryCache: miss and hit', () => {
  it('a miss has no hit and the obligation to insert', async () => {
    const { cache } = setup();
    const txn = await cache.transaction('k');
    expect(txn.hit).toBeNull();
    expect(txn.mustInsert).toBe(true);
  });

  it('after insert a lookup is a fresh hit with no obligation', async () => {
    const { cache } = setup();
    await fill(cache, 'k', 'hello', opts(60));
    const txn = await cache.transaction('k');
    expect(txn.mustInsert).toBe(false);
    expect(txn.hit).not.toBeNull();
    expect(txn.hit!.stale).toBe(false);
    expect(txn.hit!.age).toBe(0);
    expect(txn.hit!.object.status).toBe(200);
    expect(txn.hit!.object.headers).toEqual([['content-type', 'application/json']]);
    expect(bodyOf(txn)).toBe('hello');
    expect(cache.size).toBe(1);
  });

  it('reports the age in whole seconds', async () => {
    const { clock, cache } = setup();
    await fill(cache, 'k', 'v', opts(60));
    clock.advance(12.7);
    const txn = await cache.transaction('k');
    expect(txn.hit!.age).toBe(12);
    expect(txn.hit!.stale).toBe(false);
  });

  it('keeps keys apart', async () => {
    const { cache } = setup();
    await fill(cache, 'a', 'A', opts(60));
    const b = await cache.transaction('b');
    expect(b.hit).toBeNull();
    expect(b.mustInsert).toBe(true);
    expect(bodyOf(await cache.transaction('a'))).toBe('A');
  });

  it('refuses insert without an obligation (a hit)', async () => {
    const { cache } = setup();
    await fill(cache, 'k', 'v', opts(60));
    const hit = await cache.transaction('k');
    await expect(hit.insert(obj('other'), opts(60))).rejects.toThrow(/without an obligation/);
    expect(bodyOf(await cache.transaction('k'))).toBe('v');
  });

  it('refuses a second insert on the same transaction', async () => {
    const { cache } = setup();
    const txn = await cache.transaction('k');
    await txn.insert(obj('first'), opts(60));
    await expect(txn.insert(obj('second'), opts(60))).rejects.toThrow(/without an obligation/);
    expect(bodyOf(await cache.transaction('k'))).toBe('first');
  });

  it('refuses insert after cancel', async () => {
    const { cache } = setup();
    const txn = await cache.transaction('k');
    txn.cancel();
    await expect(txn.insert(obj('late'), opts(60))).rejects.toThrow(/without an obligation/);
  });

  it('stores a copy: mutating the inserted body or headers afterwards does not change the cache', async () => {
    const { cache } = setup();
    const txn = await cache.transaction('k');
    const o = obj('original');
    await txn.insert(o, opts(60));
    o.body.fill(0x21);
    o.headers[0]![1] = 'text/html';
    o.headers.push(['set-cookie', 'a=b']);
    o.status = 500;
    const hit = await cache.transaction('k');
    expect(bodyOf(hit)).toBe('original');
    expect(hit.hit!.object.headers).toEqual([['content-type', 'application/json']]);
    expect(hit.hit!.object.status).toBe(200);
  });

  it('copies the surrogate keys too', async () => {
    const { cache } = setup();
    const keys = ['space:1'];
    const txn = await cache.transaction('k');
    await txn.insert(obj('v'), opts(60, 0, keys));
    keys.push('page:1');
    await cache.purgeSurrogateKey('page:1', { soft: false });
    expect(bodyOf(await cache.transaction('k'))).toBe('v');
  });
});

describe('MemoryCache: request collapsing', () => {
  it('10 concurrent transactions on a missing key: exactly one fills, the others wait and hit', async () => {
    const { cache } = setup();
    const pending = Array.from({ length: 10 }, () => cache.transaction('k'));
    await settle();
    // Only the filler has resolved; the other nine are waiting.
    const states = await Promise.all(pending.map((p) => Promise.race([p, Promise.resolve('waiting' as const)])));
    const resolved = states.filter((s): s is CacheTransaction => s !== 'waiting');
    expect(resolved).toHaveLength(1);
    const filler = resolved[0]!;
    expect(filler.mustInsert).toBe(true);
    expect(filler.hit).toBeNull();

    await filler.insert(obj('filled'), opts(60));
    const all = await Promise.all(pending);
    expect(all.filter((t) => t.mustInsert)).toHaveLength(1);
    const waiters = all.filter((t) => t !== filler);
    expect(waiters).toHaveLength(9);
    for (const w of waiters) {
      expect(w.mustInsert).toBe(false);
      expect(bodyOf(w)).toBe('filled');
      expect(w.hit!.stale).toBe(false);
    }
  });

  it('cancel lets exactly one waiter become the filler', async () => {
    const { cache } = setup();
    const first = await cache.transaction('k');
    expect(first.mustInsert).toBe(true);
    const waiters = Array.from({ length: 5 }, () => cache.transaction('k'));
    await settle();
    first.cancel();
    await settle();
    const settled = await Promise.all(waiters.map((p) => Promise.race([p, Promise.resolve('waiting' as const)])));
    const resolved = settled.filter((s): s is CacheTransaction => s !== 'waiting');
    expect(resolved).toHaveLength(1);
    const second = resolved[0]!;
    expect(second.mustInsert).toBe(true);
    expect(second.hit).toBeNull();

    await second.insert(obj('second'), opts(60));
    const rest = await Promise.all(waiters);
    expect(rest.filter((t) => t.mustInsert)).toHaveLength(1);
    for (const t of rest) if (t !== second) expect(bodyOf(t)).toBe('second');
  });

  it('cancel twice, or cancel after insert, is harmless', async () => {
    const { cache } = setup();
    const txn = await cache.transaction('k');
    await txn.insert(obj('v'), opts(60));
    txn.cancel();
    txn.cancel();
    const hit = await cache.transaction('k');
    expect(hit.mustInsert).toBe(false);
    expect(bodyOf(hit)).toBe('v');
  });

  it('a cancelled miss leaves the key empty for the next caller', async () => {
    const { cache } = setup();
    (await cache.transaction('k')).cancel();
    const next = await cache.transaction('k');
    expect(next.hit).toBeNull();
    expect(next.mustInsert).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('misses on different keys do not wait for each other', async () => {
    const { cache } = setup();
    const a = await cache.transaction('a');
    const b = await cache.transaction('b');
    expect(a.mustInsert).toBe(true);
    expect(b.mustInsert).toBe(true);
  });
});

describe('MemoryCache: stale-if-error', () => {
  it('past maxAge + swr but within stale-if-error: an errorOnly hit, one caller must refresh', async () => {
    let now = 0;
    const cache = new MemoryCache(() => now);
    const first = await cache.transaction('k');
    await first.insert(obj('v1'), opts(10, 5, [], 100));
    now = 12_000; // within swr
    const swr = await cache.transaction('k');
    expect(swr.hit).toMatchObject({ stale: true, errorOnly: false });
    swr.cancel();
    now = 50_000; // past swr, within sie
    const a = await cache.transaction('k');
    const b = await cache.transaction('k');
    expect(a.hit).toMatchObject({ stale: true, errorOnly: true });
    expect(a.mustInsert).toBe(true);
    expect(b.mustInsert).toBe(false);
    expect(bodyOf(b)).toBe('v1');
    a.cancel();
    now = 116_000; // past maxAge + swr + sie: gone
    const gone = await cache.transaction('k');
    expect(gone.hit).toBeNull();
    expect(gone.mustInsert).toBe(true);
  });
});

describe('MemoryCache: expiry and stale-while-revalidate', () => {
  it('is fresh until maxAge', async () => {
    const { clock, cache } = setup();
    await fill(cache, 'k', 'v', opts(60, 30));
    clock.advance(59.999);
    const txn = await cache.transaction('k');
    expect(txn.hit!.stale).toBe(false);
    expect(txn.mustInsert).toBe(false);
  });

  it('after maxAge but within swr: stale hit, exactly one caller revalidates', async () => {
    const { clock, cache } = setup();
    await fill(cache, 'k', 'old', opts(60, 30));
    clock.advance(60);
    const txns = await Promise.all(Array.from({ length: 10 }, () => cache.transaction('k')));
    for (const t of txns) {
      expect(t.hit).not.toBeNull();
      expect(t.hit!.stale).toBe(true);
      expect(t.hit!.age).toBe(60);
      expect(bodyOf(t)).toBe('old');
    }
    const revalidators = txns.filter((t) => t.mustInsert);
    expect(revalidators).toHaveLength(1);
    for (const t of txns.filter((x) => !x.mustInsert)) await expect(t.insert(obj('x'), opts(60))).rejects.toThrow();

    await revalidators[0]!.insert(obj('new'), opts(60, 30));
    const after = await cache.transaction('k');
    expect(after.hit!.stale).toBe(false);
    expect(after.mustInsert).toBe(false);
    expect(bodyOf(after)).toBe('new');
  });

  it('a cancelled revalidation lets the next stale caller revalidate', async () => {
    const { clock, cache } = setup();
    await fill(cache, 'k', 'old', opts(60, 30));
    clock.advance(70);
    const first = await cache.transaction('k');
    expect(first.mustInsert).toBe(true);
    expect((await cache.transaction('k')).mustInsert).toBe(false);
    first.cancel();
    const second = await cache.transaction('k');
    expect(second.mustInsert).toBe(true);
    expect(bodyOf(second)).toBe('old');
  });

  it('after maxAge + swr it is a miss', async () => {
    const { clock, cache } = setup();
    await fill(cache, 'k', 'old', opts(60, 30));
    clock.advance(90);
    const txn = await cache.transaction('k');
    expect(txn.hit).toBeNull();
    expect(txn.mustInsert).toBe(true);
  });

  it('without swr it is a miss right after maxAge', async () => {
    const { clock, cache } = setup();
    await fill(cache, 'k', 'old', opts(60, 0));
    clock.advance(60);
    const txn = await cache.transaction('k');
    expect(txn.hit).toBeNull();
    expect(txn.mustInsert).toBe(true);
  });

  it('an expired entry with a revalidation in flight waits for it', async () => {
    const { clock, cache } = setup();
    await fill(cache, 'k', 'old', opts(60, 30));
    clock.advance(61);
    const revalidator = await cache.transaction('k');
    expect(revalidator.mustInsert).toBe(true);
    clock.advance(60); // now past maxAge + swr
    const waiter = cache.transaction('k');
    await settle();
    expect(await Promise.race([waiter, Promise.resolve('waiting' as const)])).toBe('waiting');
    await revalidator.insert(obj('new'), opts(60));
    const w = await waiter;
    expect(w.mustInsert).toBe(false);
    expect(bodyOf(w)).toBe('new');
  });
});

describe('MemoryCache: purge by surrogate key', () => {
  async function seed(cache: MemoryCache): Promise<void> {
    await fill(cache, 'home', 'home', opts(60, 30, ['space:1', 'page:home']));
    await fill(cache, 'about', 'about', opts(60, 30, ['space:1', 'page:about']));
    await fill(cache, 'other', 'other', opts(60, 30, ['space:2']));
  }

  it('hard purge removes only tagged entries', async () => {
    const { cache } = setup();
    await seed(cache);
    await cache.purgeSurrogateKey('page:home', { soft: false });
    expect(cache.size).toBe(2);
    const home = await cache.transaction('home');
    expect(home.hit).toBeNull();
    expect(home.mustInsert).toBe(true);
    home.cancel();
    expect(bodyOf(await cache.transaction('about'))).toBe('about');
    expect(bodyOf(await cache.transaction('other'))).toBe('other');
  });

  it('hard purge of a shared key removes all entries carrying it', async () => {
    const { cache } = setup();
    await seed(cache);
    await cache.purgeSurrogateKey('space:1', { soft: false });
    expect(cache.size).toBe(1);
    expect((await cache.transaction('home')).hit).toBeNull();
    expect((await cache.transaction('about')).hit).toBeNull();
    expect(bodyOf(await cache.transaction('other'))).toBe('other');
  });

  it('purging an unknown key changes nothing', async () => {
    const { cache } = setup();
    await seed(cache);
    await cache.purgeSurrogateKey('space:3', { soft: false });
    await cache.purgeSurrogateKey('space', { soft: true });
    expect(cache.size).toBe(3);
    const home = await cache.transaction('home');
    expect(home.hit!.stale).toBe(false);
  });

  it('soft purge marks tagged entries stale (served within swr) instead of removing them', async () => {
    const { cache } = setup();
    await seed(cache);
    await cache.purgeSurrogateKey('space:1', { soft: true });
    expect(cache.size).toBe(3);

    const home = await cache.transaction('home');
    expect(home.hit).not.toBeNull();
    expect(home.hit!.stale).toBe(true);
    expect(home.mustInsert).toBe(true);
    expect(bodyOf(home)).toBe('home');

    const home2 = await cache.transaction('home');
    expect(home2.hit!.stale).toBe(true);
    expect(home2.mustInsert).toBe(false);

    const other = await cache.transaction('other');
    expect(other.hit!.stale).toBe(false);
    expect(other.mustInsert).toBe(false);
  });

  it('a soft-purged entry expires once the swr window after the purge has passed', async () => {
    const { clock, cache } = setup();
    await seed(cache);
    clock.advance(10);
    await cache.purgeSurrogateKey('page:about', { soft: true });
    clock.advance(29);
    const stale = await cache.transaction('about');
    expect(stale.hit!.stale).toBe(true);
    stale.cancel(); // give up the revalidation, or the next lookup would wait for it
    clock.advance(1);
    const txn = await cache.transaction('about');
    expect(txn.hit).toBeNull();
    expect(txn.mustInsert).toBe(true);
  });

  it('soft purge does not make an already-stale entry fresher', async () => {
    const { clock, cache } = setup();
    await seed(cache);
    clock.advance(80);
    await cache.purgeSurrogateKey('space:1', { soft: true });
    clock.advance(10);
    const txn = await cache.transaction('home');
    expect(txn.hit).toBeNull();
  });
});

describe('MemoryCache: LRU bound', () => {
  it('evicts the oldest entry beyond maxItems', async () => {
    const { cache } = setup(3);
    for (const k of ['a', 'b', 'c', 'd']) await fill(cache, k, k, opts(60));
    expect(cache.size).toBe(3);
    expect((await cache.transaction('a')).hit).toBeNull();
    for (const k of ['b', 'c', 'd']) expect(bodyOf(await cache.transaction(k))).toBe(k);
  });

  it('a fresh hit refreshes recency', async () => {
    const { cache } = setup(3);
    for (const k of ['a', 'b', 'c']) await fill(cache, k, k, opts(60));
    expect(bodyOf(await cache.transaction('a'))).toBe('a'); // a becomes most recent
    await fill(cache, 'd', 'd', opts(60)); // evicts b
    expect(cache.size).toBe(3);
    const b = await cache.transaction('b');
    expect(b.hit).toBeNull();
    b.cancel();
    expect(bodyOf(await cache.transaction('a'))).toBe('a');
    expect(bodyOf(await cache.transaction('c'))).toBe('c');
    expect(bodyOf(await cache.transaction('d'))).toBe('d');
  });

  it('re-inserting a key does not grow the cache', async () => {
    const { clock, cache } = setup(2);
    await fill(cache, 'a', 'a1', opts(1));
    await fill(cache, 'b', 'b', opts(60));
    clock.advance(2);
    await fill(cache, 'a', 'a2', opts(60));
    expect(cache.size).toBe(2);
    expect(bodyOf(await cache.transaction('a'))).toBe('a2');
    expect(bodyOf(await cache.transaction('b'))).toBe('b');
  });

  it('stays bounded under many inserts', async () => {
    const { cache } = setup(50);
    for (let i = 0; i < 500; i++) await fill(cache, `k${i}`, String(i), opts(60));
    expect(cache.size).toBe(50);
    expect(bodyOf(await cache.transaction('k499'))).toBe('499');
    expect((await cache.transaction('k449')).hit).toBeNull();
  });
});

describe('lookupFresh (the hit fast path)', () => {
  it('returns the stored object itself, with its age, only while fresh', async () => {
    const { clock, cache } = setup();
    expect(cache.lookupFresh('k')).toBeNull();
    await fill(cache, 'k', '{"a":1}', opts(10, 5, ['s'], 30));
    const first = cache.lookupFresh('k')!;
    expect(dec.decode(first.object.body)).toBe('{"a":1}');
    expect(first.age).toBe(0);
    clock.advance(9.5);
    const later = cache.lookupFresh('k')!;
    expect(later.object).toBe(first.object); // not a copy: memos may key on it
    expect(later.age).toBe(9);
    clock.advance(0.5); // exactly maxAge: stale (within swr) — the transaction decides
    expect(cache.lookupFresh('k')).toBeNull();
    const txn = await cache.transaction('k');
    expect(txn.hit?.stale).toBe(true);
    txn.cancel();
  });

  it('sees purges at once: hard (gone), soft (stale); a refill is a new object', async () => {
    const { cache } = setup();
    await fill(cache, 'k', 'v1', opts(60, 0, ['s']));
    const before = cache.lookupFresh('k')!.object;
    await cache.purgeSurrogateKey('s', { soft: true });
    expect(cache.lookupFresh('k')).toBeNull();
    const refresh = await cache.transaction('k');
    expect(refresh.mustInsert).toBe(true);
    await refresh.insert(obj('v2'), opts(60, 0, ['s']));
    const after = cache.lookupFresh('k')!.object;
    expect(after).not.toBe(before);
    expect(dec.decode(after.body)).toBe('v2');
    await cache.purgeSurrogateKey('s', { soft: false });
    expect(cache.lookupFresh('k')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('counts as a use for the LRU bound, like a transaction hit', async () => {
    const { cache } = setup(2);
    await fill(cache, 'a', 'A', opts(60));
    await fill(cache, 'b', 'B', opts(60));
    expect(cache.lookupFresh('a')).not.toBeNull(); // a is now the most recent
    await fill(cache, 'c', 'C', opts(60)); // evicts b
    expect(cache.lookupFresh('b')).toBeNull();
    expect(cache.lookupFresh('a')).not.toBeNull();
    expect(cache.lookupFresh('c')).not.toBeNull();
  });

  it('does not create, wait for or take over a fill', async () => {
    const { cache } = setup();
    const filler = await cache.transaction('k');
    expect(filler.mustInsert).toBe(true);
    expect(cache.lookupFresh('k')).toBeNull();
    await filler.insert(obj('v'), opts(60));
    expect(cache.lookupFresh('k')).not.toBeNull();
  });
});
