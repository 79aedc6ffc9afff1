import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_MAX_ATTEMPTS } from './webhook-worker.js';

describe('webhook retry policy', () => {
  it('keeps retrying a receiver that is down for hours before giving up (defaults: 1 s base, 1 h cap)', () => {
    const total = (random: () => number) => {
      let ms = 0;
      for (let attempt = 1; attempt < DEFAULT_MAX_ATTEMPTS; attempt++) ms += backoffDelayMs(attempt, 1000, 3_600_000, random);
      return ms;
    };
    // Even with the shortest jitter every time, the last attempt comes at least 6 hours after the first.
    expect(total(() => 0)).toBeGreaterThan(6 * 3_600_000);
    // And at most about 13 hours (never days: a dead receiver's deliveries end as failed).
    expect(total(() => 0.999999)).toBeLessThan(14 * 3_600_000);
  });
});
