/**
 * A small bounded least-recently-used map, for per-process memos on the edge hit path
 * (token → parsed key and hash, request target → derived values, client address → rate entry).
 * Memos only: every value must be a pure function of its key, so a lost entry just costs the
 * work again. Keys from clients are bounded by `maxEntries` (oldest evicted first) and
 * `maxKeyLength` (longer keys are never stored).
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

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

  /** The value for `key` (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const map = this.map;
    const value = map.get(key);
    if (value === undefined) return undefined;
    // Move to the end (most recent) unless it is there already.
    map.delete(key);
    map.set(key, value);
    return value;
  }

  /** Stores `value` (undefined is not storable) unless the key is too long; evicts the least recently used past the bound. */
  set(key: K, value: V): void {
    if (value === undefined || this.keyLength(key) > this.maxKeyLength) return;
    const map = this.map;
    map.delete(key);
    map.set(key, value);
    if (map.size > this.maxEntries) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
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
