/**
 * A small bounded map that keeps recently used entries, for per-process memos on the edge hit
 * path (token → parsed key and hash, request target → derived values, client address → rate
 * entry). Memos only: every value must be a pure function of its key, so a lost entry just costs
 * the work again. Keys from clients are bounded by `maxEntries` and `maxKeyLength` (longer keys
 * are never stored).
 *
 * Eviction is LRU by second chance (CLOCK): a lookup only marks the entry used (no reordering,
 * which on a Map is a delete and an insert); when full, the oldest entry goes unless it was used
 * since it was last considered, in which case it is moved to the back, unmarked, and the next
 * oldest is considered.
 */
interface Slot<V> {
  value: V;
  used: boolean;
}

export class Lru<K, V> {
  private readonly map = new Map<K, Slot<V>>();

  constructor(
    readonly maxEntries: number,
    private readonly keyLength: (key: K) => number = () => 0,
    readonly maxKeyLength = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.map.size;
  }

  /** The value for `key` (marked used), or undefined. */
  get(key: K): V | undefined {
    const slot = this.map.get(key);
    if (slot === undefined) return undefined;
    slot.used = true;
    return slot.value;
  }

  /** Stores `value` (undefined is not storable) unless the key is too long, as the newest entry; at the bound, evicts one first. */
  set(key: K, value: V): void {
    if (value === undefined || this.keyLength(key) > this.maxKeyLength) return;
    const map = this.map;
    map.delete(key);
    if (map.size >= this.maxEntries) this.evict(); // before inserting: the new entry is never the one evicted
    map.set(key, { value, used: false });
  }

  /** Drops the oldest entry not used since it was last considered (at most one pass over the entries). */
  private evict(): void {
    const map = this.map;
    for (let tries = map.size; tries > 0; tries--) {
      const oldest = map.entries().next();
      if (oldest.done) return;
      const [key, slot] = oldest.value;
      map.delete(key);
      if (!slot.used) return;
      slot.used = false;
      map.set(key, slot); // second chance: to the back
    }
    const oldest = map.keys().next(); // every entry was used: drop the oldest anyway
    if (!oldest.done) map.delete(oldest.value);
  }

  /** The memoised value of `compute(key)`. */
  getOrCompute(key: K, compute: (key: K) => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}

/** An Lru keyed by strings, refusing keys longer than `maxKeyLength` characters. */
export function stringLru<V>(maxEntries: number, maxKeyLength: number): Lru<string, V> {
  return new Lru<string, V>(maxEntries, (k) => k.length, maxKeyLength);
}
