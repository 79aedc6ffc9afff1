/**
 * Hashing helpers that run unchanged on Node and in the Fastly Wasm runtime.
 * Built on @noble/hashes (audited, synchronous, no platform APIs) — never hand-rolled.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, hexToBytes, randomBytes, utf8ToBytes };

export function sha256Hex(input: string | Uint8Array): string {
  return bytesToHex(sha256(typeof input === 'string' ? utf8ToBytes(input) : input));
}

export function hmacSha256Hex(key: string | Uint8Array, message: string): string {
  const k = typeof key === 'string' ? utf8ToBytes(key) : key;
  return bytesToHex(hmac(sha256, k, utf8ToBytes(message)));
}

/**
 * Constant-time equality for two strings of hex/ASCII. The length check leaks only the
 * length, which for fixed-size digests is public anyway.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
