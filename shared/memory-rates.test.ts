import { describe, it, expect } from 'vitest';
import { MemoryRateCounters } from './memory-rates.js';

class FakeClock {
  /** A whole second, so `advance` lands on predictable buckets. */
  ms = 1_700_000_000_000;
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += Math.round(seconds * 1000);
  }
}

function setup(maxEntries?: number): { clock: FakeClock; rates: MemoryRateCounters } {
  const clock = new FakeClock();
  return { clock, rates: new MemoryRateCounters(clock.now, maxEntries) };
}

function hit(rates: MemoryRateCounters, n: number, entry = 'e', counter = 'c'): void {
  for (let i = 0; i < n; i++) rates.increment(counter, entry, 1);
}

describe('MemoryRateCounters: rates and counts', () => {
  it('an unknown entry has rate 0 and count 0 on every window', () => {
    const { rates } = setup();
    for (const w of [1, 10, 60] as const) expect(rates.rate('c', 'nobody', w)).toBe(0);
    for (const d of [10, 20, 30, 40, 50, 60] as const) expect(rates.count('c', 'nobody', d)).toBe(0);
  });

  it('hits in the current second show in every window, as hits / window', () => {
    const { rates } = setup();
    hit(rates, 30);
    expect(rates.rate('c', 'e', 1)).toBe(30);
    expect(rates.rate('c', 'e', 10)).toBe(3);
    expect(rates.rate('c', 'e', 60)).toBe(0.5);
    expect(rates.count('c', 'e', 10)).toBe(30);
    expect(rates.count('c', 'e', 60)).toBe(30);
  });

  it('increments by delta', () => {
    const { rates } = setup();
    rates.increment('c', 'e', 7);
    rates.increment('c', 'e', 0);
    rates.increment('c', 'e', 3);
    expect(rates.count('c', 'e', 10)).toBe(10);
  });

  it('the 1 s window is the current second only', () => {
    const { clock, rates } = setup();
    hit(rates, 5);
    clock.advance(0.999);
    expect(rates.rate('c', 'e', 1)).toBe(5);
    clock.advance(0.001);
    expect(rates.rate('c', 'e', 1)).toBe(0);
    expect(rates.rate('c', 'e', 10)).toBe(0.5);
  });

  it('the 10 s window slides a second at a time', () => {
    const { clock, rates } = setup();
    // One hit in each of 12 consecutive seconds.
    for (let i = 0; i < 12; i++) {
      hit(rates, 1);
      expect(rates.count('c', 'e', 10)).toBe(Math.min(i + 1, 10));
      clock.advance(1);
    }
    // Now at second 12 with no hit yet: seconds 3..11 are in the window.
    expect(rates.count('c', 'e', 10)).toBe(9);
    expect(rates.rate('c', 'e', 10)).toBe(0.9);
    clock.advance(5);
    expect(rates.count('c', 'e', 10)).toBe(4);
    clock.advance(4);
    expect(rates.count('c', 'e', 10)).toBe(0);
    expect(rates.count('c', 'e', 20)).toBe(10);
    expect(rates.rate('c', 'e', 60)).toBe(12 / 60);
  });

  it('a hit leaves the W s window exactly W s after its second began', () => {
    const { clock, rates } = setup();
    hit(rates, 1);
    clock.advance(9.999);
    expect(rates.count('c', 'e', 10)).toBe(1);
    clock.advance(0.001);
    expect(rates.count('c', 'e', 10)).toBe(0);
    expect(rates.count('c', 'e', 20)).toBe(1);
    clock.advance(49.999);
    expect(rates.count('c', 'e', 60)).toBe(1);
    expect(rates.rate('c', 'e', 60)).toBeCloseTo(1 / 60, 12);
    clock.advance(0.001);
    expect(rates.count('c', 'e', 60)).toBe(0);
    expect(rates.rate('c', 'e', 60)).toBe(0);
  });

  it('counts over 10..60 s each cover their own span', () => {
    const { clock, rates } = setup();
    // 1 hit at t=0, 2 at t=15, 4 at t=25, 8 at t=35, 16 at t=45, 32 at t=55; read at t=59.
    const plan: [number, number][] = [[0, 1], [15, 2], [25, 4], [35, 8], [45, 16], [55, 32]];
    let t = 0;
    for (const [at, n] of plan) {
      clock.advance(at - t);
      t = at;
      hit(rates, n);
    }
    clock.advance(59 - t);
    expect(rates.count('c', 'e', 10)).toBe(32);
    expect(rates.count('c', 'e', 20)).toBe(32 + 16);
    expect(rates.count('c', 'e', 30)).toBe(32 + 16 + 8);
    expect(rates.count('c', 'e', 40)).toBe(32 + 16 + 8 + 4);
    expect(rates.count('c', 'e', 50)).toBe(32 + 16 + 8 + 4 + 2);
    expect(rates.count('c', 'e', 60)).toBe(63);
    expect(rates.rate('c', 'e', 60)).toBeCloseTo(63 / 60, 12);
  });

  it('keeps counters, entries and penalty boxes apart (no separator collisions)', () => {
    const { rates } = setup();
    rates.increment('ab', 'c', 1);
    rates.increment('a', 'bc', 2);
    rates.increment('a', 'b:c', 4);
    rates.increment('a:b', 'c', 8);
    expect(rates.count('ab', 'c', 10)).toBe(1);
    expect(rates.count('a', 'bc', 10)).toBe(2);
    expect(rates.count('a', 'b:c', 10)).toBe(4);
    expect(rates.count('a:b', 'c', 10)).toBe(8);
    rates.addToPenaltyBox('a', 'bc', 60);
    expect(rates.inPenaltyBox('a', 'bc')).toBe(true);
    expect(rates.inPenaltyBox('ab', 'c')).toBe(false);
    expect(rates.inPenaltyBox('b', 'bc')).toBe(false);
  });

  it('refuses what Fastly refuses, with a TypeError', () => {
    const { rates } = setup();
    for (const delta of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => rates.increment('c', 'e', delta), String(delta)).toThrow(TypeError);
    expect(() => rates.rate('c', 'e', 5 as 10)).toThrow(TypeError);
    expect(() => rates.count('c', 'e', 15 as 10)).toThrow(TypeError);
    expect(() => rates.count('c', 'e', 1 as 10)).toThrow(TypeError);
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => rates.addToPenaltyBox('b', 'e', ttl), String(ttl)).toThrow(TypeError);
    expect(rates.stats()).toEqual({ series: 0, buckets: 0, boxes: 0 });
  });

  it('survives the clock stepping back', () => {
    const { clock, rates } = setup();
    hit(rates, 3);
    clock.advance(-5);
    hit(rates, 2);
    expect(rates.count('c', 'e', 10)).toBe(2); // the "future" second is not counted yet
    clock.advance(5);
    expect(rates.count('c', 'e', 10)).toBe(5);
  });
});

describe('MemoryRateCounters: memory', () => {
  it('drops buckets that can no longer fall in a window', () => {
    const { clock, rates } = setup();
    for (let i = 0; i < 200; i++) {
      hit(rates, 1);
      clock.advance(1);
    }
    expect(rates.stats().series).toBe(1);
    expect(rates.stats().buckets).toBeLessThanOrEqual(62);
    expect(rates.count('c', 'e', 60)).toBe(59); // hits at seconds 141..199, read at second 200
  });

  it('forgets series idle for longer than the longest window', () => {
    const { clock, rates } = setup();
    for (let i = 0; i < 50; i++) rates.increment('c', `old-${i}`, 1);
    clock.advance(30);
    rates.increment('c', 'recent', 1);
    clock.advance(31);
    rates.increment('c', 'now', 1);
    // The old ones (61 s idle) are gone; the recent one (31 s) is still counted.
    expect(rates.stats().series).toBe(2);
    expect(rates.count('c', 'recent', 60)).toBe(1);
    expect(rates.count('c', 'old-0', 60)).toBe(0);
  });

  it('never holds more than maxEntries series; the least recently used goes first', () => {
    const { clock, rates } = setup(3);
    rates.increment('c', 'a', 1);
    clock.advance(1);
    rates.increment('c', 'b', 1);
    clock.advance(1);
    rates.increment('c', 'c', 1);
    clock.advance(1);
    rates.increment('c', 'a', 1); // a is now the most recently used
    rates.increment('c', 'd', 1); // evicts b
    expect(rates.stats().series).toBe(3);
    expect(rates.count('c', 'a', 10)).toBe(2);
    expect(rates.count('c', 'b', 10)).toBe(0);
    expect(rates.count('c', 'c', 10)).toBe(1);
    expect(rates.count('c', 'd', 10)).toBe(1);
  });

  it('stays bounded under a flood of distinct entries in one second', () => {
    const { rates } = setup(100);
    for (let i = 0; i < 10_000; i++) rates.increment('c', `entry-${i}`, 1);
    expect(rates.stats().series).toBe(100);
    expect(rates.count('c', 'entry-9999', 10)).toBe(1);
    expect(rates.count('c', 'entry-0', 10)).toBe(0);
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => new MemoryRateCounters(() => 0, 0)).toThrow(RangeError);
    expect(() => new MemoryRateCounters(() => 0, 1.5)).toThrow(RangeError);
  });
});

describe('MemoryRateCounters: penalty box', () => {
  it('an entry stays exactly its TTL', () => {
    const { clock, rates } = setup();
    clock.advance(0.3); // not on a second boundary: expiry is by the millisecond
    expect(rates.inPenaltyBox('pb', 'e')).toBe(false);
    rates.addToPenaltyBox('pb', 'e', 60);
    expect(rates.inPenaltyBox('pb', 'e')).toBe(true);
    clock.advance(59.999);
    expect(rates.inPenaltyBox('pb', 'e')).toBe(true);
    clock.advance(0.001);
    expect(rates.inPenaltyBox('pb', 'e')).toBe(false);
    expect(rates.stats().boxes).toBe(0);
  });

  it('boxes are separate, and entries in one box are separate', () => {
    const { rates } = setup();
    rates.addToPenaltyBox('pb1', 'e', 60);
    expect(rates.inPenaltyBox('pb1', 'e')).toBe(true);
    expect(rates.inPenaltyBox('pb2', 'e')).toBe(false);
    expect(rates.inPenaltyBox('pb1', 'f')).toBe(false);
  });

  it('adding again restarts the TTL', () => {
    const { clock, rates } = setup();
    rates.addToPenaltyBox('pb', 'e', 60);
    clock.advance(50);
    rates.addToPenaltyBox('pb', 'e', 60);
    clock.advance(59);
    expect(rates.inPenaltyBox('pb', 'e')).toBe(true);
    clock.advance(1);
    expect(rates.inPenaltyBox('pb', 'e')).toBe(false);
  });

  it('takes TTLs that are not whole minutes (Fastly rounds them up; the twin keeps them exact)', () => {
    const { clock, rates } = setup();
    rates.addToPenaltyBox('pb', 'short', 1);
    rates.addToPenaltyBox('pb', 'long', 3600);
    clock.advance(1);
    expect(rates.inPenaltyBox('pb', 'short')).toBe(false);
    clock.advance(3598.999);
    expect(rates.inPenaltyBox('pb', 'long')).toBe(true);
    clock.advance(0.001);
    expect(rates.inPenaltyBox('pb', 'long')).toBe(false);
  });

  it('does not depend on the rate counters', () => {
    const { rates } = setup();
    rates.addToPenaltyBox('pb', 'e', 60);
    expect(rates.count('pb', 'e', 10)).toBe(0);
    hit(rates, 100, 'e', 'pb');
    expect(rates.inPenaltyBox('pb', 'f')).toBe(false);
  });

  it('expired entries are dropped as new ones arrive', () => {
    const { clock, rates } = setup();
    for (let i = 0; i < 20; i++) rates.addToPenaltyBox('pb', `e${i}`, 60);
    clock.advance(60);
    rates.addToPenaltyBox('pb', 'fresh', 60);
    expect(rates.stats().boxes).toBe(1);
  });

  it('never holds more than maxEntries entries, expired ones going first', () => {
    const { clock, rates } = setup(3);
    rates.addToPenaltyBox('pb', 'long', 600);
    rates.addToPenaltyBox('pb', 'short1', 10);
    rates.addToPenaltyBox('pb', 'short2', 10);
    clock.advance(10);
    // Full, and the oldest ("long") has not expired: the expired ones make room instead.
    rates.addToPenaltyBox('pb', 'new1', 600);
    expect(rates.stats().boxes).toBe(2);
    expect(rates.inPenaltyBox('pb', 'long')).toBe(true);
    rates.addToPenaltyBox('pb', 'new2', 600);
    // Full of live entries: the oldest addition goes.
    rates.addToPenaltyBox('pb', 'new3', 600);
    expect(rates.stats().boxes).toBe(3);
    expect(rates.inPenaltyBox('pb', 'long')).toBe(false);
    expect(rates.inPenaltyBox('pb', 'new1')).toBe(true);
    expect(rates.inPenaltyBox('pb', 'new3')).toBe(true);
  });

  it('stays bounded under a flood of distinct entries', () => {
    const { rates } = setup(50);
    for (let i = 0; i < 5_000; i++) rates.addToPenaltyBox('pb', `e${i}`, 60);
    expect(rates.stats().boxes).toBe(50);
    expect(rates.inPenaltyBox('pb', 'e4999')).toBe(true);
  });
});

describe('MemoryRateCounters: lookups remembered within a second', () => {
  /** The same counters, recomputed from scratch (no remembered sums) for comparison. */
  function fresh(clock: FakeClock, history: [number, string, number][]): MemoryRateCounters {
    const rates = new MemoryRateCounters(clock.now);
    const saved = clock.ms;
    for (const [ms, entry, delta] of history) {
      clock.ms = ms;
      rates.increment('c', entry, delta);
    }
    clock.ms = saved;
    return rates;
  }

  it('reads interleaved with increments, across seconds and entries, match a recount every time', () => {
    const { clock, rates } = setup();
    const history: [number, string, number][] = [];
    const steps = [0, 0, 0.3, 0.8, 1, 1, 2.5, 9, 10, 10, 30, 59, 60, 61, 0.2, 0];
    for (const [i, step] of steps.entries()) {
      clock.advance(step);
      for (const entry of ['a', 'b']) {
        const delta = (i % 3) + (entry === 'b' ? 1 : 0);
        rates.increment('c', entry, delta);
        history.push([clock.ms, entry, delta]);
        // Read several windows, increment again, read again: the remembered sums must follow.
        for (const w of [1, 10, 60] as const) expect(rates.rate('c', entry, w)).toBeCloseTo(fresh(clock, history).rate('c', entry, w), 10);
        rates.increment('c', entry, 1);
        history.push([clock.ms, entry, 1]);
        for (const d of [10, 30, 60] as const) expect(rates.count('c', entry, d)).toBe(fresh(clock, history).count('c', entry, d));
        for (const w of [1, 10, 60] as const) expect(rates.rate('c', entry, w)).toBeCloseTo(fresh(clock, history).rate('c', entry, w), 10);
      }
    }
  });

  it('a read in a later second without increments does not reuse the earlier sums', () => {
    const { clock, rates } = setup();
    hit(rates, 4);
    expect(rates.count('c', 'e', 10)).toBe(4);
    clock.advance(10);
    expect(rates.count('c', 'e', 10)).toBe(0);
    expect(rates.count('c', 'e', 20)).toBe(4);
    clock.advance(-10); // a clock that steps back is answered afresh too
    expect(rates.count('c', 'e', 10)).toBe(4);
  });

  it('entries that share a name prefix are never mixed up', () => {
    const { rates } = setup();
    rates.increment('c', 'ab', 1);
    rates.increment('ca', 'b', 5);
    expect(rates.count('c', 'ab', 10)).toBe(1);
    expect(rates.count('ca', 'b', 10)).toBe(5);
    rates.addToPenaltyBox('c', 'ab', 10);
    expect(rates.inPenaltyBox('ca', 'b')).toBe(false);
    expect(rates.inPenaltyBox('c', 'ab')).toBe(true);
  });
});
