import { describe, expect, it } from 'vitest';
import { Lru, stringLru } from './lru.js';
import { presentToken } from './request-info.js';
import { generateApiKey, hashApiKey, parseApiKey } from '../shared/api-key.js';

describe('Lru', () => {
  it('keeps at most maxEntries, evicting the least recently used', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now more recent than b
    lru.set('c', 3);
    expect(lru.size).toBe(2);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
  });

  it('replacing a value makes it the most recent, without growing', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('a', 10);
    lru.set('c', 3); // evicts b, not a
    expect(lru.get('a')).toBe(10);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.size).toBe(2);
  });

  it('memoises with getOrCompute, null included', () => {
    const lru = new Lru<string, string | null>(4);
    let calls = 0;
    const compute = (k: string) => {
      calls++;
      return k === 'none' ? null : k.toUpperCase();
    };
    expect(lru.getOrCompute('x', compute)).toBe('X');
    expect(lru.getOrCompute('x', compute)).toBe('X');
    expect(lru.getOrCompute('none', compute)).toBeNull();
    expect(lru.getOrCompute('none', compute)).toBeNull();
    expect(calls).toBe(2);
  });

  it('never stores undefined or over-long keys (but still computes them)', () => {
    const lru = stringLru<number | undefined>(4, 3);
    lru.set('k', undefined);
    expect(lru.size).toBe(0);
    let calls = 0;
    expect(lru.getOrCompute('long-key', () => ++calls)).toBe(1);
    expect(lru.getOrCompute('long-key', () => ++calls)).toBe(2);
    expect(lru.size).toBe(0);
    lru.set('abc', 1);
    expect(lru.get('abc')).toBe(1);
  });

  it('refuses a non-positive or fractional bound; delete and clear', () => {
    expect(() => new Lru(0)).toThrow(RangeError);
    expect(() => new Lru(1.5)).toThrow(RangeError);
    const lru = new Lru<string, number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.delete('a');
    expect(lru.get('a')).toBeUndefined();
    lru.clear();
    expect(lru.size).toBe(0);
  });

  it('an entry in use survives a flood of one-off keys (second chance); unused ones do not', () => {
    const lru = stringLru<number>(10, 64);
    lru.set('hot', 1);
    lru.set('cold', 2);
    for (let i = 0; i < 1000; i++) {
      expect(lru.get('hot')).toBe(1);
      lru.set(`one-off-${i}`, i);
      expect(lru.size).toBeLessThanOrEqual(10);
    }
    expect(lru.get('cold')).toBeUndefined();
    expect(lru.get('one-off-999')).toBe(999);
  });

  it('when every entry was used, one is still evicted', () => {
    const lru = new Lru<string, number>(3);
    for (const k of ['a', 'b', 'c']) lru.set(k, 0);
    for (const k of ['a', 'b', 'c']) lru.get(k);
    lru.set('d', 1);
    expect(lru.size).toBe(3);
    expect(lru.get('d')).toBe(1);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const lru = stringLru<number>(100, 64);
    for (let i = 0; i < 10_000; i++) lru.set(`k${i}`, i);
    expect(lru.size).toBe(100);
    expect(lru.get('k9999')).toBe(9999);
    expect(lru.get('k0')).toBeUndefined();
  });
});

describe('presentToken (token → parse and hash, memoised)', () => {
  it('parses and hashes a well-formed key exactly as parseApiKey and hashApiKey do, once', () => {
    const token = generateApiKey('preview');
    const p = presentToken(token);
    expect(p).toEqual({ token, parsed: parseApiKey(token), hash: hashApiKey(token) });
    expect(presentToken(token)).toBe(p); // remembered
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.parsed)).toBe(true);
  });

  it('malformed, bad-checksum and over-long tokens: no parse, no hash', () => {
    const good = generateApiKey('read');
    const badChecksum = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    for (const token of ['nope', badChecksum, `${good}x`, 'x'.repeat(10_000)]) {
      expect(presentToken(token)).toEqual({ token, parsed: null, hash: null });
    }
  });
});
