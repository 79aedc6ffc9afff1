import { describe, expect, it } from 'vitest';
import { HashGate } from '../../origin/services/identity.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('HashGate (bounded concurrent password hashing)', () => {
  it('never runs more than its limit at once, and runs everything in arrival order', async () => {
    const gate = new HashGate(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        gate.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          order.push(i);
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('frees its slot when a job throws, and passes the error on', async () => {
    const gate = new HashGate(1);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 42)).resolves.toBe(42);
  });
});
