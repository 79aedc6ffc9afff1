/**
 * Second factor: RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30-second steps — what every authenticator
 * app supports) and single-use recovery codes.
 *
 * - Secrets are 20 random bytes (the SHA-1 block-size recommendation of RFC 4226 §4), exchanged
 *   as RFC 4648 base32 without padding. Store them encrypted (origin/crypto/envelope.ts).
 * - `verifyTotp` accepts the current step and one step either side (clock drift), compares in
 *   constant time, and refuses any code whose step is not after `lastUsedStep`: a code, or an
 *   older one, cannot be replayed once a login used it. The caller persists the returned step.
 * - Recovery codes are 10 characters of Crockford base32 (50 bits), shown as `xxxxx-xxxxx`.
 *   Only SHA-256 of the normalised code is stored; 50 random bits make an offline search of a
 *   leaked hash impractical enough for a single-use fallback, and online guessing is rate-limited.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;
export const TOTP_SECRET_BYTES = 20;

// ---------------------------------------------------------------------------------------------
// Base32 (RFC 4648 §6), no padding on output; padding, spaces and lowercase accepted on input.

const B32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B32_VALUES = new Map([...B32_ALPHABET].map((ch, i) => [ch, i] as const));

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += B32_ALPHABET.charAt((buffer >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += B32_ALPHABET.charAt((buffer << (5 - bits)) & 31);
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const value = B32_VALUES.get(ch);
    if (value === undefined) throw new TypeError('invalid base32');
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------------
// HOTP / TOTP

export function generateTotpSecret(): string {
  return base32Encode(randomBytes(TOTP_SECRET_BYTES));
}

/** RFC 4226 HOTP with SHA-1: dynamic truncation, `digits` decimal digits (6–8). */
export function hotp(key: Uint8Array, counter: bigint | number, digits: number = TOTP_DIGITS): string {
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new RangeError('digits must be 6, 7 or 8');
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The 30-second step a time (ms since the epoch) falls in. */
export function totpStep(timeMs: number): number {
  return Math.floor(timeMs / 1000 / TOTP_PERIOD_SECONDS);
}

export function totpCode(secret: string, timeMs: number, opts: { digits?: number } = {}): string {
  return hotp(base32Decode(secret), totpStep(timeMs), opts.digits ?? TOTP_DIGITS);
}

export type TotpVerdict = { ok: true; step: number } | { ok: false };

const CODE_FORMAT = /^\d{6}$/;

/**
 * Checks a 6-digit code at `timeMs` (±1 step). Refuses codes from a step ≤ `lastUsedStep`.
 * Returns the matched step, which the caller stores as the new `lastUsedStep`.
 */
export function verifyTotp(secret: string, code: string, timeMs: number, lastUsedStep?: number | null): TotpVerdict {
  const given = typeof code === 'string' ? code.replace(/\s/g, '') : '';
  let key: Buffer;
  try {
    key = base32Decode(secret);
  } catch {
    return { ok: false };
  }
  if (key.length === 0) return { ok: false };
  const now = totpStep(timeMs);
  // Same work for every input: all window steps are computed and compared.
  const givenBuf = Buffer.from(CODE_FORMAT.test(given) ? given : '------', 'utf8');
  let matched: number | null = null;
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    const expected = Buffer.from(hotp(key, step), 'utf8');
    const equal = timingSafeEqual(expected, givenBuf);
    if (equal && (lastUsedStep === undefined || lastUsedStep === null || step > lastUsedStep)) matched ??= step;
  }
  return matched === null ? { ok: false } : { ok: true, step: matched };
}

export interface OtpauthParams {
  issuer: string;
  account: string;
  secret: string;
}

/** Key URI for authenticator apps (Google Authenticator "Key Uri Format"). */
export function otpauthUri({ issuer, account, secret }: OtpauthParams): string {
  if (issuer.includes(':') || account.includes(':')) throw new RangeError('issuer and account must not contain ":"');
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret: secret.replace(/=/g, ''),
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}

/** A PNG QR code of the URI as a `data:image/png;base64,…` URL. */
export function otpauthQrDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 256 });
}

/** The same QR code as an SVG document. */
export function otpauthQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

// ---------------------------------------------------------------------------------------------
// Recovery codes

/** Crockford base32: no i, l, o, u, so codes read aloud and typed back without ambiguity. */
const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const RECOVERY_GROUP = 5;
const RECOVERY_GROUPS = 2;
/** Bits of entropy per code: 10 characters × 5 bits. */
export const RECOVERY_CODE_BITS = RECOVERY_GROUP * RECOVERY_GROUPS * 5;

export function generateRecoveryCodes(n: number = 10): string[] {
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new RangeError('n must be 1–100');
  const codes = new Set<string>();
  while (codes.size < n) {
    const groups: string[] = [];
    for (let g = 0; g < RECOVERY_GROUPS; g++) {
      let group = '';
      for (let i = 0; i < RECOVERY_GROUP; i++) group += RECOVERY_ALPHABET.charAt(randomInt(RECOVERY_ALPHABET.length));
      groups.push(group);
    }
    codes.add(groups.join('-'));
  }
  return [...codes];
}

/**
 * Lowercase, without dashes and whitespace; the look-alikes Crockford base32 leaves out are read
 * as what the user meant (i, l → 1, o → 0).
 */
export function normaliseRecoveryCode(code: string): string {
  return code
    .toLowerCase()
    .replace(/[\s-]/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
}

/** Hex SHA-256 of the normalised code: what is stored. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code), 'utf8').digest('hex');
}

/**
 * Index of the stored hash the code matches, or -1. Every hash is compared, in constant time,
 * so timing does not reveal which (or whether an early) entry matched.
 */
export function matchRecoveryCode(code: string, storedHashes: readonly string[]): number {
  const given = Buffer.from(hashRecoveryCode(code), 'hex');
  let found = -1;
  storedHashes.forEach((stored, i) => {
    const candidate = Buffer.from(stored, 'hex');
    const equal = candidate.length === given.length && timingSafeEqual(candidate, given);
    if (equal && found === -1) found = i;
  });
  return found;
}

/** True when the code matches the stored hash (constant-time comparison). */
export function verifyRecoveryCode(code: string, storedHash: string): boolean {
  return matchRecoveryCode(code, [storedHash]) === 0;
}
