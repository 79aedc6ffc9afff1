/**
 * API-key format: ghee_<kind>_<random>_<checksum> — the one owner of the key format, its parsing,
 * its checksum, token extraction from a request and the stored hash. Nothing else in the tree
 * re-implements any of it (test/integration/key-authentication.test.ts runs one table of token shapes
 * through every entry point).
 *
 * - kind: read | preview | write | admin
 * - random: 32 base62 characters from a CSPRNG (≈190 bits)
 * - checksum: 6 base62 characters of SHA-256("ghee_<kind>_<random>"), so a typo or a
 *   made-up token is refused locally (no I/O) and secret scanners can recognise leaks.
 *
 * Keys are shown once and stored as SHA-256 (`hashApiKey`); the raw token never enters a
 * cache key, a log line or a URL forwarded to the origin.
 *
 * SHA-256 is injected where speed matters (`KeySha256`): the default is the portable JavaScript
 * of shared/crypto.ts (@stablelib, the fastest measured on Fastly, where the edge keeps it); the
 * origin passes node:crypto's native digest (origin/http/authenticate.ts), several times cheaper
 * on its per-request path. Both give the same digests (origin/http/authenticate.test.ts).
 */
import { randomBytes, sha256, sha256Hex } from './crypto.js';

/** A SHA-256 implementation over a string's UTF-8: the raw digest and its lowercase hex. */
export interface KeySha256 {
  digest(input: string): Uint8Array;
  hex(input: string): string;
}

/** shared/crypto.ts's portable SHA-256 (@stablelib): runs everywhere, the edge's choice on Fastly. */
export const PORTABLE_SHA256: KeySha256 = { digest: sha256, hex: sha256Hex };

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

function checksum(body: string, sha: KeySha256 = PORTABLE_SHA256): string {
  return checksumOf(sha.digest(body));
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

/** The kind of a well-formed key whose checksum holds (format + checksum, no I/O), or null. */
function checkedKind(token: string, sha: KeySha256): ApiKeyKind | null {
  if (token.length > MAX_KEY_LENGTH) return null;
  const m = KEY_RE.exec(token);
  if (!m) return null;
  const kind = m[1] as ApiKeyKind;
  return checksum(token.slice(0, -(CHECKSUM_LENGTH + 1)), sha) === m[3] ? kind : null;
}

/** Format + checksum check, no I/O. Returns null for anything that is not a ghee key. */
export function parseApiKey(token: string, sha: KeySha256 = PORTABLE_SHA256): ParsedApiKey | null {
  const kind = checkedKind(token, sha);
  return kind === null ? null : apiKeyDisplay(token, kind);
}

/** What the database stores and what the edge cache is keyed by. */
export function hashApiKey(token: string, sha: KeySha256 = PORTABLE_SHA256): string {
  return sha.hex(token);
}

/** A well-formed key (format and checksum, as parseApiKey) with its stored hash; null for anything else. */
export interface CheckedApiKey {
  kind: ApiKeyKind;
  /** hashApiKey(token): what the key is looked up by. */
  hash: string;
}

/** parseApiKey, then hashApiKey, with one SHA-256 implementation: what an authenticator looks a presented token up by. */
export function checkApiKey(token: string, sha: KeySha256 = PORTABLE_SHA256): CheckedApiKey | null {
  const kind = checkedKind(token, sha);
  return kind === null ? null : { kind, hash: sha.hex(token) };
}

const KEY_HASH_RE = /^[0-9a-f]{64}$/;

/** Shaped like a stored key hash (hashApiKey's 64 lowercase hex characters). */
export function isApiKeyHash(value: string): boolean {
  return KEY_HASH_RE.test(value);
}

/** The query parameter ButterCMS clients send their key in. */
export const TOKEN_PARAM = 'auth_token';

const AUTHORIZATION_RE = /^(?:Token|Bearer)\s+(\S+)\s*$/i;

/** The token an Authorization value carries (`Token …` or `Bearer …`, any case), or null. */
export function tokenFromAuthorization(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  const m = AUTHORIZATION_RE.exec(authorization);
  return m ? m[1]! : null;
}

/**
 * The presented token from its two places: a well-formed Authorization header first, else the
 * `auth_token` value (the first one; empty counts as none). extractToken over a parsed URL.
 */
export function presentedToken(authorization: string | null | undefined, authToken: string | null | undefined): string | null {
  const fromHeader = tokenFromAuthorization(authorization);
  if (fromHeader !== null) return fromHeader;
  return authToken === null || authToken === undefined || authToken === '' ? null : authToken;
}

/** ButterCMS clients send `?auth_token=`; others `Authorization: Token …` or `Bearer …`. */
export function extractToken(url: URL, authorization: string | null | undefined): string | null {
  return presentedToken(authorization, url.searchParams.get(TOKEN_PARAM));
}
