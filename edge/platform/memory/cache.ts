/**
 * In-memory twin of Fastly's Core Cache, with the same semantics the edge relies on:
 * transactional lookups that collapse concurrent misses, maxAge + stale-while-revalidate +
 * stale-if-error, surrogate-key purges (hard: remove; soft: mark stale), and a bounded size (LRU).
 * As on Fastly, a stale but usable item is handed to every caller while exactly one of them is
 * given the obligation to refresh it.
 */
import type { CacheHit, CacheInsertOptions, CacheTransaction, CachedObject, EdgeCache, FreshHit } from '../port.js';

/** Stored objects and hits are copies, as with a real cache: no caller can change another's view. */
function copy(o: CachedObject): CachedObject {
  return { status: o.status, headers: o.headers.map(([k, v]) => [k, v]), body: o.body.slice() };
}

interface Stored {
  object: CachedObject;
  storedAt: number;
  maxAgeMs: number;
  swrMs: number;
  sieMs: number;
  keys: string[];
}

interface Fill {
  done: Promise<void>;
  resolve: () => void;
}

export class MemoryCache implements EdgeCache {
  private readonly items = new Map<string, Stored>();
  private readonly fills = new Map<string, Fill>();

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly maxItems = 10_000,
  ) {}

  get size(): number {
    return this.items.size;
  }

  async transaction(key: string): Promise<CacheTransaction> {
    for (;;) {
      const stored = this.items.get(key);
      const now = this.now();
      if (stored) {
        const ageMs = now - stored.storedAt;
        if (ageMs < stored.maxAgeMs) {
          this.touch(key, stored);
          return this.txn(key, { object: copy(stored.object), age: Math.floor(ageMs / 1000), stale: false, errorOnly: false }, null);
        }
        if (ageMs < stored.maxAgeMs + stored.swrMs + stored.sieMs) {
          // Usable but stale; exactly one caller (the first without a fill in progress) refreshes.
          const hit: CacheHit = {
            object: copy(stored.object),
            age: Math.floor(ageMs / 1000),
            stale: true,
            errorOnly: ageMs >= stored.maxAgeMs + stored.swrMs,
          };
          return this.txn(key, hit, this.fills.has(key) ? null : this.startFill(key));
        }
        this.items.delete(key);
      }
      const pending = this.fills.get(key);
      if (!pending) return this.txn(key, null, this.startFill(key));
      await pending.done; // collapsed: wait for the filler, then look again
    }
  }

  /**
   * A fresh item as stored (no copy: the caller must not change it), touched like a
   * transaction's fresh hit; null when missing or no longer fresh (the full transaction then
   * decides: stale, refresh, collapse).
   */
  lookupFresh(key: string): FreshHit | null {
    const stored = this.items.get(key);
    if (!stored) return null;
    const ageMs = this.now() - stored.storedAt;
    if (!(ageMs < stored.maxAgeMs)) return null;
    this.touch(key, stored);
    return { object: stored.object, age: Math.floor(ageMs / 1000) };
  }

  async purgeSurrogateKey(surrogateKey: string, opts: { soft: boolean }): Promise<void> {
    for (const [key, stored] of this.items) {
      if (!stored.keys.includes(surrogateKey)) continue;
      if (opts.soft) stored.storedAt = Math.min(stored.storedAt, this.now() - stored.maxAgeMs);
      else this.items.delete(key);
    }
  }

  private startFill(key: string): Fill {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const fill = { done, resolve };
    this.fills.set(key, fill);
    return fill;
  }

  private finish(key: string, fill: Fill): void {
    if (this.fills.get(key) === fill) this.fills.delete(key);
    fill.resolve();
  }

  private touch(key: string, stored: Stored): void {
    this.items.delete(key);
    this.items.set(key, stored);
  }

  private txn(key: string, hit: CacheHit | null, fill: Fill | null): CacheTransaction {
    let settled = false;
    return {
      hit,
      mustInsert: fill !== null,
      insert: async (object: CachedObject, opts: CacheInsertOptions) => {
        if (!fill || settled) throw new Error('cache insert without an obligation');
        settled = true;
        this.items.delete(key);
        this.items.set(key, {
          object: copy(object),
          storedAt: this.now(),
          maxAgeMs: opts.maxAge * 1000,
          swrMs: opts.staleWhileRevalidate * 1000,
          sieMs: opts.staleIfError * 1000,
          keys: [...opts.surrogateKeys],
        });
        while (this.items.size > this.maxItems) {
          const oldest = this.items.keys().next().value;
          if (oldest === undefined) break;
          this.items.delete(oldest);
        }
        this.finish(key, fill);
      },
      cancel: () => {
        if (!fill || settled) return;
        settled = true;
        this.finish(key, fill);
      },
    };
  }
}
