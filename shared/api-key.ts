/**
 * API-key format: ghee_<kind>_<random>_<checksum>
 *
 * - kind: read | preview | write | admin
 * - random: 32 base62 characters from a CSPRNG (≈190 bits)
 * - checksum: 6 base62 characters of SHA-256("ghee_<kind>_<random>"), so a typo or a
 *   made-up token is refused locally (no I/O) and secret scanners can recognise leaks.
 *
 * Keys are shown once and stored as SHA-256 (`hashApiKey`); the raw token never enters a
 * cache key, a log line or a URL forwarded to the origin.
 */
import { randomBytes, sha256, sha256Hex } from './crypto.js';

export const API_KEY_KINDS = ['read', 'preview', 'write', 'admin'] as const;
export type ApiKeyKind = (typeof API_KEY_KINDS)[number];

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const RANDOM_LENGTH = 32;
export const CHECKSUM_LENGTH = 6;
const KEY_RE = /^ghee_(read|preview|write|admin)_([0-9A-Za-z]{32})_([0-9A-Za-z]{6})$/;
/** Longest possible well-formed key; anything longer is refused before parsing. */
export const MAX_KEY_LENGTH = 'ghee_preview_'.length + RANDOM_LENGTH + 1 + CHECKSUM_LENGTH;

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting bytes ≥ 248 keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

function checksum(body: string): string {
  return checksumOf(sha256(body));
}

/** The checksum characters from SHA-256(body). */
function checksumOf(digest: Uint8Array): string {
  let n = ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62]! + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function generateApiKey(kind: ApiKeyKind): string {
  const body = `ghee_${kind}_${randomBase62(RANDOM_LENGTH)}`;
  return `${body}_${checksum(body)}`;
}

export interface ParsedApiKey {
  kind: ApiKeyKind;
  /** Safe to display: `ghee_read_` */
  prefix: string;
  /** Safe to display: the last four characters. */
  lastFour: string;
}

/** The displayable parts of a well-formed key of `kind`. */
export function apiKeyDisplay(token: string, kind: ApiKeyKind): ParsedApiKey {
  return { kind, prefix: `ghee_${kind}_`, lastFour: token.slice(-4) };
}

/**
 * The format check alone (no checksum, no hashing): the key's kind, or null when the token is
 * not shaped like a ghee key. Only for callers that authenticate the token another way.
 */
export function apiKeyShape(token: string): { kind: ApiKeyKind } | null {
  if (token.length > MAX_KEY_LENGTH) return null;
  const m = KEY_RE.exec(token);
  return m ? { kind: m[1] as ApiKeyKind } : null;
}

/** Format + checksum check, no I/O. Returns null for anything that is not a ghee key. */
export function parseApiKey(token: string): ParsedApiKey | null {
  if (token.length > MAX_KEY_LENGTH) return null;
  const m = KEY_RE.exec(token);
  if (!m) return null;
  const kind = m[1] as ApiKeyKind;
  const body = `ghee_${kind}_${m[2]!}`;
  if (checksum(body) !== m[3]) return null;
  return apiKeyDisplay(token, kind);
}

/** What the database stores and what the edge cache is keyed by. */
export function hashApiKey(token: string): string {
  return sha256Hex(token);
}

/** ButterCMS clients send `?auth_token=`; others `Authorization: Token …` or `Bearer …`. */
export function extractToken(url: URL, authorization: string | null | undefined): string | null {
  if (authorization) {
    const m = /^(?:Token|Bearer)\s+(\S+)\s*$/i.exec(authorization);
    if (m) return m[1]!;
  }
  const q = url.searchParams.get('auth_token');
  return q === null || q === '' ? null : q;
}
