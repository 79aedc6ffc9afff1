/**
 * In-memory twin of Fastly Edge Rate Limiting: per-second buckets per (counter, entry) give
 * rates over 1 / 10 / 60 s windows and counts over the last 10–60 s; penalty-box entries expire
 * after their TTL. Bounded: idle entries are dropped.
 */
import type { RateCounters } from './port.js';

const HORIZON_S = 61;

interface Series {
  /** bucket second → hits */
  buckets: Map<number, number>;
  lastSecond: number;
}

export class MemoryRateCounters implements RateCounters {
  private readonly series = new Map<string, Series>();
  private readonly boxes = new Map<string, number>();
  private sweeps = 0;

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly maxEntries = 100_000,
  ) {}

  private second(): number {
    return Math.floor(this.now() / 1000);
  }

  increment(counter: string, entry: string, delta: number): void {
    const key = `${counter}\u0000${entry}`;
    const sec = this.second();
    let s = this.series.get(key);
    if (!s) {
      if (this.series.size >= this.maxEntries) this.sweep(sec, true);
      s = { buckets: new Map(), lastSecond: sec };
      this.series.set(key, s);
    }
    s.buckets.set(sec, (s.buckets.get(sec) ?? 0) + delta);
    s.lastSecond = sec;
    if (s.buckets.size > HORIZON_S) for (const b of s.buckets.keys()) if (b <= sec - HORIZON_S) s.buckets.delete(b);
    if (++this.sweeps % 10_000 === 0) this.sweep(sec, false);
  }

  private sum(counter: string, entry: string, seconds: number): number {
    const s = this.series.get(`${counter}\u0000${entry}`);
    if (!s) return 0;
    const sec = this.second();
    let total = 0;
    for (const [b, n] of s.buckets) if (b > sec - seconds && b <= sec) total += n;
    return total;
  }

  rate(counter: string, entry: string, windowSeconds: 1 | 10 | 60): number {
    return this.sum(counter, entry, windowSeconds) / windowSeconds;
  }

  count(counter: string, entry: string, durationSeconds: 10 | 20 | 30 | 40 | 50 | 60): number {
    return this.sum(counter, entry, durationSeconds);
  }

  inPenaltyBox(box: string, entry: string): boolean {
    const key = `${box}\u0000${entry}`;
    const until = this.boxes.get(key);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.boxes.delete(key);
      return false;
    }
    return true;
  }

  addToPenaltyBox(box: string, entry: string, ttlSeconds: number): void {
    this.boxes.set(`${box}\u0000${entry}`, this.now() + ttlSeconds * 1000);
  }

  private sweep(sec: number, force: boolean): void {
    for (const [key, s] of this.series) if (force ? s.lastSecond < sec : s.lastSecond <= sec - HORIZON_S) this.series.delete(key);
    const now = this.now();
    for (const [key, until] of this.boxes) if (until <= now) this.boxes.delete(key);
  }
}
