import { afterAll, describe, expect, it } from 'vitest';
import { BcryptPool } from './bcrypt-pool.js';

const pool = new BcryptPool({ size: 2 });
afterAll(() => pool.close());

describe('BcryptPool (bcrypt on low-priority worker threads)', () => {
  it('hashes and verifies off the main thread', async () => {
    const hash = await pool.hash('correct horse', 10);
    expect(hash).toMatch(/^\$2[aby]\$10\$[./A-Za-z0-9]{53}$/);
    await expect(pool.verify('correct horse', hash)).resolves.toBe(true);
    await expect(pool.verify('wrong horse', hash)).resolves.toBe(false);
  });

  it('queues more jobs than workers and answers each one (in any order) correctly', async () => {
    const inputs = Array.from({ length: 7 }, (_, i) => `password-${i}`);
    const hashes = await Promise.all(inputs.map((p) => pool.hash(p, 10)));
    const checks = await Promise.all(inputs.map((p, i) => pool.verify(p, hashes[(i + 1) % inputs.length]!)));
    expect(checks.every((ok) => ok === false)).toBe(true);
    expect(await Promise.all(inputs.map((p, i) => pool.verify(p, hashes[i]!)))).toEqual(inputs.map(() => true));
  });

  it('refuses a malformed hash and keeps working', async () => {
    await expect(pool.verify('x', 'not-a-bcrypt-hash')).resolves.toBe(false);
    await expect(pool.hash('x', 99)).rejects.toThrow();
    expect(await pool.verify('x', await pool.hash('x', 10))).toBe(true);
  });

  it('keeps the event loop free while hashing', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await Promise.all([pool.hash('a', 12), pool.hash('b', 12)]);
    clearInterval(timer);
    // Two cost-12 hashes take hundreds of ms; a blocked loop would not have ticked meanwhile.
    expect(ticks).toBeGreaterThan(10);
  });
});
