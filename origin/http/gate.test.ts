import { describe, expect, it } from 'vitest';
import { Gate } from './gate.js';

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
