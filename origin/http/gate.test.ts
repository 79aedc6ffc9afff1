import { describe, expect, it } from 'vitest';
import { FULL, Gate, KeyedGates } from './gate.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Gate', () => {
  it('lets at most `size` in at once, the rest in arrival order, and frees a place on failure too', async () => {
    const gate = new Gate(2);
    let open = 0;
    let most = 0;
    const order: number[] = [];
    const work = (i: number, fail = false) =>
      gate.run(async () => {
        open++;
        most = Math.max(most, open);
        await sleep(10);
        open--;
        order.push(i);
        if (fail) throw new Error('boom');
        return i;
      });
    const results = await Promise.allSettled([work(0), work(1, true), work(2), work(3), work(4)]);
    expect(most).toBe(2);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(order.slice(2)).toEqual([2, 3, 4]);
  });
});

describe('KeyedGates', () => {
  it("holds one key's burst to its own places: another key is never kept waiting by it", async () => {
    const gates = new KeyedGates(1, 100);
    const slow = gates.run('slow-idp', () => sleep(200));
    const queued = gates.run('slow-idp', () => sleep(1));
    const t0 = performance.now();
    await gates.run('other', async () => undefined);
    expect(performance.now() - t0).toBeLessThan(100);
    await Promise.all([slow, queued]);
  });

  it('answers FULL once `maxWaiting` are waiting for that key (a flood is refused, not queued without end)', async () => {
    const gates = new KeyedGates(1, 2);
    const holder = gates.run('k', () => sleep(50));
    const w1 = gates.run('k', async () => 'w1');
    const w2 = gates.run('k', async () => 'w2');
    expect(await gates.run('k', async () => 'w3')).toBe(FULL);
    expect(await Promise.all([holder, w1, w2])).toEqual([undefined, 'w1', 'w2']);
    // Idle again: the key's gate is gone and a new call gets in at once.
    expect(await gates.run('k', async () => 'again')).toBe('again');
  });
});
