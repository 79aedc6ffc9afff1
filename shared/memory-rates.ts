/**
 * In-memory twin of Fastly Edge Rate Limiting (tests and `npm start`).
 *
 * - Rate counters keep per-second buckets per (counter, entry). A window of W seconds is the
 *   current second plus the W − 1 before it, so it slides a second at a time: `rate` is the hits
 *   in it divided by W (windows 1, 10, 60 s, like `lookupRate`) and `count` the hits in the
 *   last 10–60 s (like `lookupCount`). Buckets that can no longer fall in a window are dropped.
 * - Penalty-box entries stay exactly `ttlSeconds` (Fastly keeps them for whole minutes; see
 *   FastlyRateCounters) and are forgotten afterwards.
 * - Arguments Fastly refuses with a TypeError (negative delta, other windows or durations, a TTL
 *   that is not positive) are refused the same way here.
 * - Memory is bounded: at most `maxEntries` counter series and `maxEntries` penalty-box entries.
 *   Idle series and expired box entries are dropped as time passes; past the bound the least
 *   recently used series (or the oldest box entry) is evicted, as a full Fastly counter would
 *   forget entries rather than grow.
 */
import type { RateCounters } from './rate-limit.js';

/** Seconds of buckets kept: the longest window (60 s) plus the current second. */
const HORIZON_S = 61;
const RATE_WINDOWS: ReadonlySet<number> = new Set([1, 10, 60]);
const COUNT_DURATIONS: ReadonlySet<number> = new Set([10, 20, 30, 40, 50, 60]);

interface Series {
  /** second (epoch) → hits in that second */
  buckets: Map<number, number>;
  /** The latest second this series was incremented in. */
  lastSecond: number;
  /**
   * Sums already computed for the second `sumsSecond`: window length → hits in the window
   * ending then. A hit in that second is in every such window, so increments update them; any
   * other second starts afresh. (Lookups are then O(1) for a series read every request.)
   */
  sumsSecond: number;
  sums: Map<number, number> | null;
}

export interface MemoryRateStats {
  series: number;
  buckets: number;
  boxes: number;
}

const RECENT_KEYS = 4;

/** Unambiguous map key for (name, entry), whatever characters either holds. */
function keyOf(name: string, entry: string): string {
  return `${name.length}:${name}:${entry}`;
}

export class MemoryRateCounters implements RateCounters {
  /** Insertion order = least recently incremented first (a series is moved to the end when touched). */
  private readonly series = new Map<string, Series>();
  /** (box, entry) → expiry in ms; insertion order = oldest addition first. */
  private readonly boxes = new Map<string, number>();
  private lastFullBoxSweep = Number.NEGATIVE_INFINITY;
  /** The second idle series were last dropped in (nothing more turns idle within a second). */
  private lastIdleSweep = Number.NEGATIVE_INFINITY;
  /**
   * The last few (name, entry) → map key: a request asks about the same entries (counter and
   * penalty box, per IP and per key) several times in a row; reusing the string saves building
   * and hashing it again.
   */
  private readonly recentKeys: { name: string; entry: string; key: string }[] = [];
  private nextRecent = 0;

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly maxEntries = 100_000,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  private second(): number {
    return Math.floor(this.now() / 1000);
  }

  private keyOf(name: string, entry: string): string {
    const recent = this.recentKeys;
    for (let i = 0; i < recent.length; i++) {
      const r = recent[i]!;
      if (r.name === name && r.entry === entry) return r.key;
    }
    const key = keyOf(name, entry);
    recent[this.nextRecent] = { name, entry, key };
    this.nextRecent = (this.nextRecent + 1) % RECENT_KEYS;
    return key;
  }

  increment(counter: string, entry: string, delta: number): void {
    if (typeof delta !== 'number' || !Number.isFinite(delta) || delta < 0) throw new TypeError('delta must be a non-negative finite number');
    const sec = this.second();
    if (sec !== this.lastIdleSweep) {
      this.lastIdleSweep = sec;
      this.dropIdleSeries(sec);
    }
    const key = this.keyOf(counter, entry);
    let s = this.series.get(key);
    if (!s) {
      while (this.series.size >= this.maxEntries) this.evictFirst(this.series);
      s = { buckets: new Map(), lastSecond: sec, sumsSecond: sec, sums: null };
      this.series.set(key, s);
    } else if (sec > s.lastSecond) {
      // Move to the end: the map stays ordered by last use.
      this.series.delete(key);
      this.series.set(key, s);
      s.lastSecond = sec;
    }
    s.buckets.set(sec, (s.buckets.get(sec) ?? 0) + delta);
    if (s.buckets.size > HORIZON_S) {
      for (const b of s.buckets.keys()) if (b <= sec - HORIZON_S) s.buckets.delete(b);
    }
    if (s.sums) {
      if (s.sumsSecond === sec) for (const [seconds, total] of s.sums) s.sums.set(seconds, total + delta);
      else s.sums.clear();
    }
    s.sumsSecond = sec;
  }

  private sum(counter: string, entry: string, seconds: number): number {
    const s = this.series.get(this.keyOf(counter, entry));
    if (!s) return 0;
    const sec = this.second();
    if (s.sumsSecond === sec) {
      const known = s.sums?.get(seconds);
      if (known !== undefined) return known;
    } else {
      s.sums?.clear();
      s.sumsSecond = sec;
    }
    let total = 0;
    for (const [b, n] of s.buckets) if (b > sec - seconds && b <= sec) total += n;
    (s.sums ??= new Map()).set(seconds, total);
    return total;
  }

  rate(counter: string, entry: string, windowSeconds: 1 | 10 | 60): number {
    if (!RATE_WINDOWS.has(windowSeconds)) throw new TypeError('window must be 1, 10 or 60');
    return this.sum(counter, entry, windowSeconds) / windowSeconds;
  }

  count(counter: string, entry: string, durationSeconds: 10 | 20 | 30 | 40 | 50 | 60): number {
    if (!COUNT_DURATIONS.has(durationSeconds)) throw new TypeError('duration must be 10, 20, 30, 40, 50 or 60');
    return this.sum(counter, entry, durationSeconds);
  }

  inPenaltyBox(box: string, entry: string): boolean {
    const key = this.keyOf(box, entry);
    const until = this.boxes.get(key);
    if (until === undefined) return false;
    if (this.now() >= until) {
      this.boxes.delete(key);
      return false;
    }
    return true;
  }

  addToPenaltyBox(box: string, entry: string, ttlSeconds: number): void {
    if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new TypeError('ttlSeconds must be a positive number');
    const now = this.now();
    this.dropExpiredBoxes(now);
    const key = this.keyOf(box, entry);
    // Re-adding restarts the TTL and moves the entry to the end.
    this.boxes.delete(key);
    if (this.boxes.size >= this.maxEntries && now - this.lastFullBoxSweep >= 1000) {
      // Entries with different TTLs are not ordered by expiry: look at all of them, at most once a second.
      this.lastFullBoxSweep = now;
      for (const [k, until] of this.boxes) if (until <= now) this.boxes.delete(k);
    }
    while (this.boxes.size >= this.maxEntries) this.evictFirst(this.boxes);
    this.boxes.set(key, now + ttlSeconds * 1000);
  }

  /** Sizes, for tests and diagnostics. */
  stats(): MemoryRateStats {
    let buckets = 0;
    for (const s of this.series.values()) buckets += s.buckets.size;
    return { series: this.series.size, buckets, boxes: this.boxes.size };
  }

  /** Drops series idle for longer than every window, oldest first (amortised O(1)). */
  private dropIdleSeries(sec: number): void {
    for (const [key, s] of this.series) {
      if (s.lastSecond > sec - HORIZON_S) break;
      this.series.delete(key);
    }
  }

  /** Drops expired box entries at the front (the oldest additions). Others expire on lookup. */
  private dropExpiredBoxes(now: number): void {
    for (const [key, until] of this.boxes) {
      if (until > now) break;
      this.boxes.delete(key);
    }
  }

  private evictFirst(map: Map<string, unknown>): void {
    const first = map.keys().next();
    if (!first.done) map.delete(first.value);
  }
}
