import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dummyHashFor, dummyVerify, hashPassword, parseStoredHash, verifyPassword, warmDummyHash } from './passwords.js';

// Cost 10 (the minimum) keeps the suite quick; the cost is a parameter, not the thing under test.
const COST = 10;
const pepper1 = randomBytes(32);
const pepper2 = randomBytes(32);
const peppers = new Map([[1, pepper1], [2, pepper2]]);
const current = { pepperVersion: 1, cost: COST };
const hash1 = (pw: string) => hashPassword(pw, { pepper: pepper1, pepperVersion: 1, cost: COST });

describe('hashPassword', () => {
  it('stores the pepper version and a bcrypt hash at the requested cost', async () => {
    const stored = await hash1('correct horse battery staple');
    expect(stored).toMatch(/^v1\$\$2[aby]\$10\$[./A-Za-z0-9]{53}$/);
    expect(parseStoredHash(stored)).toEqual({ pepperVersion: 1, cost: 10 });
    expect(stored).not.toContain('correct');
    // Salted: the same password hashes differently every time.
    expect(await hash1('correct horse battery staple')).not.toBe(stored);
  });

  it('defaults to cost 11', async () => {
    const stored = await hashPassword('pw', { pepper: pepper1, pepperVersion: 3 });
    expect(parseStoredHash(stored)).toEqual({ pepperVersion: 3, cost: 11 });
  });

  it('refuses a cost below 10, a short pepper and a bad version', async () => {
    await expect(hashPassword('pw', { pepper: pepper1, pepperVersion: 1, cost: 9 })).rejects.toThrow(RangeError);
    await expect(hashPassword('pw', { pepper: pepper1, pepperVersion: 1, cost: 10.5 })).rejects.toThrow(RangeError);
    await expect(hashPassword('pw', { pepper: randomBytes(16), pepperVersion: 1, cost: COST })).rejects.toThrow(/pepper/);
    await expect(hashPassword('pw', { pepper: pepper1, pepperVersion: 0, cost: COST })).rejects.toThrow(RangeError);
  });
});

describe('verifyPassword', () => {
  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hash1('s3cret!pass');
    expect(await verifyPassword('s3cret!pass', stored, peppers, current)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword('s3cret!pasS', stored, peppers, current)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword('', stored, peppers, current)).toEqual({ ok: false, needsRehash: false });
  });

  it('counts every byte: passwords equal in their first 72+ bytes but different after do not match', async () => {
    const prefix = 'a'.repeat(80);
    expect(Buffer.byteLength(prefix)).toBeGreaterThan(72);
    const stored = await hash1(prefix + 'X');
    expect((await verifyPassword(prefix + 'X', stored, peppers, current)).ok).toBe(true);
    expect((await verifyPassword(prefix + 'Y', stored, peppers, current)).ok).toBe(false);
    expect((await verifyPassword(prefix, stored, peppers, current)).ok).toBe(false);
    // Multi-byte characters: 30 × 3 bytes = 90 bytes before the difference.
    const wide = '€'.repeat(30);
    const storedWide = await hash1(wide + '1');
    expect((await verifyPassword(wide + '2', storedWide, peppers, current)).ok).toBe(false);
    expect((await verifyPassword(wide + '1', storedWide, peppers, current)).ok).toBe(true);
  });

  it('handles unicode and normalises it (NFKC): composed and decomposed forms verify', async () => {
    const composed = 'Pässwörd-ünïcødé-✓-🔑-日本語';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const stored = await hash1(composed);
    expect((await verifyPassword(composed, stored, peppers, current)).ok).toBe(true);
    expect((await verifyPassword(decomposed, stored, peppers, current)).ok).toBe(true);
    expect((await verifyPassword('Passwörd-ünïcødé-✓-🔑-日本語', stored, peppers, current)).ok).toBe(false);
  });

  it('works for a 256-character password', async () => {
    const pw = Array.from({ length: 256 }, (_, i) => String.fromCharCode(33 + (i % 90))).join('');
    expect(pw.length).toBe(256);
    const stored = await hash1(pw);
    expect((await verifyPassword(pw, stored, peppers, current)).ok).toBe(true);
    expect((await verifyPassword(pw.slice(0, 255) + ' ', stored, peppers, current)).ok).toBe(false);
  });

  it('fails with the wrong pepper, an unknown pepper version, or a malformed hash', async () => {
    const stored = await hash1('pepper me');
    // Same version number, different pepper bytes.
    expect((await verifyPassword('pepper me', stored, new Map([[1, pepper2]]), current)).ok).toBe(false);
    // Version 1 retired.
    expect((await verifyPassword('pepper me', stored, new Map([[2, pepper2]]), { pepperVersion: 2, cost: COST })).ok).toBe(false);
    // Relabelled to another version.
    expect((await verifyPassword('pepper me', stored.replace(/^v1/, 'v2'), peppers, current)).ok).toBe(false);
    for (const bad of ['', 'garbage', stored.slice(3), stored.slice(0, -1), `${stored}x`, 'v1$$2b$10$short']) {
      expect(await verifyPassword('pepper me', bad, peppers, current)).toEqual({ ok: false, needsRehash: false });
    }
  });

  it('flags a rehash when the cost changed', async () => {
    const stored = await hash1('rehash me');
    expect(await verifyPassword('rehash me', stored, peppers, { pepperVersion: 1, cost: 11 })).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword('rehash me', stored, peppers, { pepperVersion: 1, cost: 10 })).toEqual({ ok: true, needsRehash: false });
  });

  it('flags a rehash when the pepper version changed, and the rehash then verifies as current', async () => {
    const stored = await hash1('rotate me');
    const now = { pepperVersion: 2, cost: COST };
    expect(await verifyPassword('rotate me', stored, peppers, now)).toEqual({ ok: true, needsRehash: true });
    const rehashed = await hashPassword('rotate me', { pepper: pepper2, pepperVersion: 2, cost: COST });
    expect(rehashed.startsWith('v2$')).toBe(true);
    expect(await verifyPassword('rotate me', rehashed, peppers, now)).toEqual({ ok: true, needsRehash: false });
  });
});

describe('event loop', () => {
  it('keeps running timers while hashes are computed (bcrypt runs on the libuv pool)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    try {
      await Promise.all(Array.from({ length: 8 }, (_, i) => hash1(`concurrent ${i}`)));
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    // A blocked loop would tick ~0 times; allow heavy scheduling noise.
    expect(ticks).toBeGreaterThanOrEqual(Math.min(5, Math.floor(elapsed / 50)));
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('dummyVerify', () => {
  it('always fails, and verifies a real bcrypt hash of the same cost as a stored password (so it costs one bcrypt like a wrong password)', async () => {
    // The time itself is measured in bench/login-load.ts (unknown account vs wrong password, ≈ 1×): timing belongs in benches.
    for (const cost of [10, 11]) {
      await warmDummyHash(cost);
      const stored = await hashPassword('timing', { pepper: pepper1, pepperVersion: 1, cost });
      const dummy = await dummyHashFor(cost);
      // Same algorithm and cost field as a real stored hash: `$2b$<cost>$` + 53 characters of salt and digest.
      const storedBcrypt = stored.slice(stored.indexOf('$') + 1); // `v<pepper version>$<bcrypt>`
      expect(dummy.slice(0, 7)).toBe(storedBcrypt.slice(0, 7));
      expect(dummy.length).toBe(storedBcrypt.length);
      expect(dummy.startsWith(`$2b$${cost}$`) || dummy.startsWith(`$2a$${cost}$`) || dummy.startsWith(`$2y$${cost}$`)).toBe(true);
      expect(dummy.slice(7)).toMatch(/^[./A-Za-z0-9]{53}$/);
      expect(await dummyVerify('anything', { cost })).toEqual({ ok: false, needsRehash: false });
      expect(await dummyVerify('timing', { cost })).toEqual({ ok: false, needsRehash: false });
    }
  });
});
