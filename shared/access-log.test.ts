import { describe, expect, it } from 'vitest';
import { accessSampler, isAccessLog, parseAccessLog } from './access-log.js';

describe('ACCESS_LOG', () => {
  it('reads off, all and sample:<rate> as every n-th request', () => {
    expect(parseAccessLog('off')).toEqual({ every: 0 });
    expect(parseAccessLog('ALL')).toEqual({ every: 1 });
    expect(parseAccessLog('sample:0.01')).toEqual({ every: 100 });
    expect(parseAccessLog('sample:.25')).toEqual({ every: 4 });
    expect(parseAccessLog('sample:1')).toEqual({ every: 1 });
  });

  it('refuses anything else with one line naming the setting', () => {
    for (const bad of ['', 'some', 'sample:', 'sample:0', 'sample:1.5', 'sample:2', 'sample:-0.1', 'sample:abc', 'sample:0.1x']) {
      expect(isAccessLog(bad), bad).toBe(false);
      expect(() => parseAccessLog(bad)).toThrow(/^ACCESS_LOG must be off, all or sample:<rate>/);
    }
  });

  it('samples exactly one call in n, starting with the first', () => {
    const take = accessSampler(4);
    expect(Array.from({ length: 9 }, () => take())).toEqual([true, false, false, false, true, false, false, false, true]);
    expect(Array.from({ length: 3 }, accessSampler(0))).toEqual([false, false, false]);
    expect(Array.from({ length: 3 }, accessSampler(1))).toEqual([true, true, true]);
  });
});
