import { createHash, createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex, sha256, sha256Hex, timingSafeEqual } from './crypto.js';

const nodeSha256 = (input: string | Uint8Array) => createHash('sha256').update(input).digest('hex');

describe('shared/crypto', () => {
  it('sha256Hex agrees with node:crypto on the FIPS 180-2 vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('sha256 and sha256Hex agree with node:crypto on every length across the block boundaries, strings and bytes', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = new Uint8Array(nodeRandomBytes(length));
      expect(sha256Hex(bytes)).toBe(nodeSha256(bytes));
      expect(Buffer.from(sha256(bytes)).toString('hex')).toBe(nodeSha256(bytes));
      const text = `ghee_read_${'é'.repeat(length % 7)}${Buffer.from(bytes).toString('base64')}`;
      expect(sha256Hex(text)).toBe(nodeSha256(text));
    }
    const large = new Uint8Array(nodeRandomBytes(1 << 20));
    expect(sha256Hex(large)).toBe(nodeSha256(large));
  });

  it('hmacSha256Hex agrees with node:crypto (RFC 4231 case 2 and random keys)', () => {
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    for (let i = 0; i < 20; i++) {
      const key = new Uint8Array(nodeRandomBytes(i * 7));
      const message = nodeRandomBytes(i * 13).toString('hex');
      expect(hmacSha256Hex(key, message)).toBe(createHmac('sha256', key).update(message).digest('hex'));
    }
  });

  it('timingSafeEqual compares exactly', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
  });
});
