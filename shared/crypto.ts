/**
 * Hashing helpers that run unchanged on Node and in the Fastly Wasm runtime — synchronous, no
 * platform APIs, never hand-rolled.
 *
 * Plain SHA-256 comes from @stablelib/sha256, HMAC from @noble/hashes. On Fastly JavaScript is
 * interpreted (no JIT) in a fresh instance per request, and every cache hit hashes the presented
 * API key once: @stablelib's block function is written out inline where @noble's calls small
 * helpers per round, which in the interpreter makes one SHA-256 of a key ≈ 0.27 ms instead of
 * ≈ 0.47 ms (measured under Viceroy, November 2026). The runtime's own crypto.subtle.digest is
 * slower still there (it initialises OpenSSL in every instance). Both libraries agree with
 * node:crypto (shared/crypto.test.ts).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { hash as stablelibSha256 } from '@stablelib/sha256';

export { bytesToHex, hexToBytes, randomBytes, utf8ToBytes };

/** SHA-256 of the bytes (or of the string's UTF-8). */
export function sha256(input: string | Uint8Array): Uint8Array {
  return stablelibSha256(typeof input === 'string' ? utf8ToBytes(input) : input);
}

export function sha256Hex(input: string | Uint8Array): string {
  return bytesToHex(sha256(input));
}

export function hmacSha256Hex(key: string | Uint8Array, message: string): string {
  const k = typeof key === 'string' ? utf8ToBytes(key) : key;
  return bytesToHex(hmac(nobleSha256, k, utf8ToBytes(message)));
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
