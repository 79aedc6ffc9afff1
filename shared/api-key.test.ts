import { describe, it, expect } from 'vitest';
import {
  API_KEY_KINDS,
  CHECKSUM_LENGTH,
  MAX_KEY_LENGTH,
  PORTABLE_SHA256,
  RANDOM_LENGTH,
  checkApiKey,
  extractToken,
  generateApiKey,
  hashApiKey,
  isApiKeyHash,
  parseApiKey,
  presentedToken,
  tokenFromAuthorization,
  type ApiKeyKind,
  type KeySha256,
} from './api-key.js';
import { sha256Hex } from './crypto.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_FORMAT = /^ghee_(read|preview|write|admin)_([0-9A-Za-z]{32})_([0-9A-Za-z]{6})$/;

interface KeyParts {
  kind: string;
  random: string;
  checksum: string;
}

function split(key: string): KeyParts {
  const m = KEY_FORMAT.exec(key);
  if (!m) throw new Error(`not a ghee key: ${key}`);
  return { kind: m[1]!, random: m[2]!, checksum: m[3]! };
}

/** Replace the character at `index` with a different base62 character. */
function mutateAt(s: string, index: number): string {
  const c = s[index]!;
  const next = BASE62[(BASE62.indexOf(c) + 1) % BASE62.length]!;
  return s.slice(0, index) + next + s.slice(index + 1);
}

describe('generateApiKey', () => {
  it.each(API_KEY_KINDS.map((k) => [k]))('produces a well-formed %s key', (kind: ApiKeyKind) => {
    const key = generateApiKey(kind);
    expect(key).toMatch(KEY_FORMAT);
    const parts = split(key);
    expect(parts.kind).toBe(kind);
    expect(parts.random).toHaveLength(RANDOM_LENGTH);
    expect(parts.checksum).toHaveLength(CHECKSUM_LENGTH);
    expect(key.startsWith(`ghee_${kind}_`)).toBe(true);
    expect(key.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
  });

  it('carries at least 160 bits of randomness (32 base62 characters)', () => {
    expect(RANDOM_LENGTH).toBeGreaterThanOrEqual(32);
    expect(RANDOM_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(160);
    expect(split(generateApiKey('read')).random).toMatch(/^[0-9A-Za-z]{32}$/);
  });

  it('MAX_KEY_LENGTH is exactly the length of the longest kind (preview)', () => {
    expect(generateApiKey('preview')).toHaveLength(MAX_KEY_LENGTH);
    for (const kind of API_KEY_KINDS) expect(generateApiKey(kind).length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
  });

  it('never repeats over 2000 keys, nor their random parts', () => {
    const keys = new Set<string>();
    const randoms = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const key = generateApiKey(API_KEY_KINDS[i % API_KEY_KINDS.length]!);
      keys.add(key);
      randoms.add(split(key).random);
    }
    expect(keys.size).toBe(2000);
    expect(randoms.size).toBe(2000);
  });

  it('uses the whole base62 alphabet roughly evenly (no obvious bias)', () => {
    const counts = new Map<string, number>();
    const n = 1000;
    for (let i = 0; i < n; i++) {
      for (const ch of split(generateApiKey('read')).random) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    const expected = (n * RANDOM_LENGTH) / 62; // ≈ 516
    for (const c of counts.values()) {
      expect(c).toBeGreaterThan(expected * 0.7);
      expect(c).toBeLessThan(expected * 1.3);
    }
  });
});

describe('parseApiKey', () => {
  it.each(API_KEY_KINDS.map((k) => [k]))('round-trips a generated %s key', (kind: ApiKeyKind) => {
    const key = generateApiKey(kind);
    expect(parseApiKey(key)).toEqual({ kind, prefix: `ghee_${kind}_`, lastFour: key.slice(-4) });
  });

  it('accepts many generated keys (checksum is deterministic)', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateApiKey(API_KEY_KINDS[i % 4]!);
      expect(parseApiKey(key)).not.toBeNull();
    }
  });

  it('refuses any single changed character in the random part', () => {
    const key = generateApiKey('read');
    const start = 'ghee_read_'.length;
    for (let i = start; i < start + RANDOM_LENGTH; i++) {
      const bad = mutateAt(key, i);
      expect(bad).toMatch(KEY_FORMAT);
      expect(parseApiKey(bad), `position ${i}`).toBeNull();
    }
  });

  it('refuses a changed checksum character', () => {
    const key = generateApiKey('write');
    for (let i = key.length - CHECKSUM_LENGTH; i < key.length; i++) {
      expect(parseApiKey(mutateAt(key, i)), `position ${i}`).toBeNull();
    }
  });

  it('refuses a key relabelled with another kind', () => {
    const read = generateApiKey('read');
    const { random, checksum } = split(read);
    for (const kind of ['preview', 'write', 'admin'] as const) {
      expect(parseApiKey(`ghee_${kind}_${random}_${checksum}`)).toBeNull();
    }
    const write = generateApiKey('write');
    expect(parseApiKey(write.replace(/^ghee_write_/, 'ghee_admin_'))).toBeNull();
    expect(parseApiKey(write.replace(/^ghee_write_/, 'ghee_read_'))).toBeNull();
  });

  it('refuses an unknown kind even with a matching checksum shape', () => {
    const { random, checksum } = split(generateApiKey('admin'));
    expect(parseApiKey(`ghee_root_${random}_${checksum}`)).toBeNull();
    expect(parseApiKey(`ghee_READ_${random}_${checksum}`)).toBeNull();
  });

  it('refuses characters outside base62', () => {
    const key = generateApiKey('read');
    const at = 'ghee_read_'.length + 5;
    for (const ch of ['-', '_', '+', '/', '=', ' ', '.', '%', '\0']) {
      expect(parseApiKey(key.slice(0, at) + ch + key.slice(at + 1)), JSON.stringify(ch)).toBeNull();
    }
  });

  it('refuses unicode lookalikes', () => {
    const key = generateApiKey('read');
    const lookalikes: [string, string][] = [
      ['a', '\u0430'], // Cyrillic a
      ['e', '\u0435'], // Cyrillic e
      ['o', '\u043e'], // Cyrillic o
      ['O', '\u039f'], // Greek Omicron
      ['0', '\uff10'], // fullwidth zero
      ['A', '\uff21'], // fullwidth A
    ];
    for (const [ascii, lookalike] of lookalikes) {
      // Put the lookalike into the random part: no checksum can make a non-ASCII key valid.
      const withLookalike = key.slice(0, 12) + lookalike + key.slice(13);
      expect(parseApiKey(withLookalike), `${ascii} → U+${lookalike.codePointAt(0)!.toString(16)}`).toBeNull();
    }
    // A lookalike in the fixed prefix too.
    expect(parseApiKey(key.replace('ghee', 'gh\u0435e'))).toBeNull();
    // Zero-width characters.
    expect(parseApiKey(key.slice(0, 15) + '\u200b' + key.slice(15))).toBeNull();
  });

  it('refuses empty, truncated and missing parts', () => {
    const key = generateApiKey('preview');
    const { kind, random, checksum } = split(key);
    const cases = [
      '',
      'ghee',
      'ghee_',
      `ghee_${kind}`,
      `ghee_${kind}_`,
      `ghee_${kind}_${random}`,
      `ghee_${kind}_${random}_`,
      `ghee_${random}_${checksum}`,
      `${kind}_${random}_${checksum}`,
      `ghee__${random}_${checksum}`,
      `ghee_${kind}__${checksum}`,
      key.slice(0, -1),
      key.slice(1),
      `ghee_${kind}_${random.slice(1)}_${checksum}`,
      `ghee_${kind}_${random}_${checksum.slice(1)}`,
    ];
    for (const c of cases) expect(parseApiKey(c), c).toBeNull();
  });

  it('refuses keys with extra characters, whitespace or newlines around them', () => {
    const key = generateApiKey('read');
    for (const c of [`${key}x`, `x${key}`, ` ${key}`, `${key} `, `${key}\n`, `\n${key}`, `${key}\r\n`, `${key}_${key}`, `Token ${key}`]) {
      expect(parseApiKey(c), JSON.stringify(c)).toBeNull();
    }
  });

  it('refuses oversized input', () => {
    const big = 'a'.repeat(10 * 1024);
    expect(parseApiKey(big)).toBeNull();
    const key = generateApiKey('read');
    expect(parseApiKey(key + 'A'.repeat(10 * 1024))).toBeNull();
    expect(parseApiKey(key.padEnd(MAX_KEY_LENGTH + 1, 'A'))).toBeNull();
    expect(parseApiKey(`ghee_read_${'A'.repeat(1_000_000)}`)).toBeNull();
  });

  it('exposes only the last four characters and the kind prefix', () => {
    const key = generateApiKey('admin');
    const parsed = parseApiKey(key);
    expect(parsed).not.toBeNull();
    expect(parsed!.lastFour).toHaveLength(4);
    expect(parsed!.prefix).toBe('ghee_admin_');
    expect(JSON.stringify(parsed)).not.toContain(split(key).random);
  });
});

describe('hashApiKey', () => {
  it('is 64 lowercase hex characters', () => {
    expect(hashApiKey(generateApiKey('read'))).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey('')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is SHA-256 of the token and deterministic', () => {
    const key = generateApiKey('write');
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(key)).toBe(sha256Hex(key));
    // Known vector: SHA-256("abc").
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('differs for different keys and does not contain the key', () => {
    const a = generateApiKey('read');
    const b = generateApiKey('read');
    expect(hashApiKey(a)).not.toBe(hashApiKey(b));
    expect(hashApiKey(a)).not.toContain(split(a).random);
  });
});

describe('extractToken', () => {
  const u = (s: string) => new URL(s, 'https://edge.example');

  it('reads ?auth_token=', () => {
    expect(extractToken(u('/v2/pages/?auth_token=abc123'), null)).toBe('abc123');
    expect(extractToken(u('/v2/pages/?x=1&auth_token=abc123&y=2'), undefined)).toBe('abc123');
  });

  it('decodes a percent-encoded auth_token', () => {
    expect(extractToken(u('/v2/?auth_token=a%2Bb'), null)).toBe('a+b');
  });

  it('reads Authorization: Token x and Bearer x', () => {
    expect(extractToken(u('/v2/'), 'Token abc')).toBe('abc');
    expect(extractToken(u('/v2/'), 'Bearer abc')).toBe('abc');
  });

  it('treats the scheme case-insensitively', () => {
    for (const h of ['token abc', 'TOKEN abc', 'bearer abc', 'BEARER abc', 'BeArEr abc', 'tOkEn abc']) {
      expect(extractToken(u('/v2/'), h), h).toBe('abc');
    }
  });

  it('tolerates extra whitespace around the token', () => {
    expect(extractToken(u('/v2/'), 'Bearer    abc')).toBe('abc');
    expect(extractToken(u('/v2/'), 'Bearer abc   ')).toBe('abc');
    expect(extractToken(u('/v2/'), 'Token\tabc')).toBe('abc');
  });

  it('prefers the header over the query', () => {
    expect(extractToken(u('/v2/?auth_token=fromquery'), 'Token fromheader')).toBe('fromheader');
    expect(extractToken(u('/v2/?auth_token=fromquery'), 'Bearer fromheader')).toBe('fromheader');
  });

  it('returns null when there is nothing or an empty auth_token', () => {
    expect(extractToken(u('/v2/'), null)).toBeNull();
    expect(extractToken(u('/v2/'), undefined)).toBeNull();
    expect(extractToken(u('/v2/'), '')).toBeNull();
    expect(extractToken(u('/v2/?auth_token='), null)).toBeNull();
    expect(extractToken(u('/v2/?auth_token'), null)).toBeNull();
    expect(extractToken(u('/v2/?other=abc'), null)).toBeNull();
  });

  it('does not read other query parameter names', () => {
    expect(extractToken(u('/v2/?token=abc'), null)).toBeNull();
    expect(extractToken(u('/v2/?AUTH_TOKEN=abc'), null)).toBeNull();
  });

  it('falls back to the query when the header is malformed', () => {
    for (const h of ['Basic dXNlcjpwYXNz', 'Token', 'Bearer', 'Token ', 'Bearer a b', 'abc', 'Tokenabc', 'Digest x']) {
      expect(extractToken(u('/v2/?auth_token=q'), h), h).toBe('q');
      expect(extractToken(u('/v2/'), h), h).toBeNull();
    }
  });

  it('returns the first auth_token when several are given', () => {
    expect(extractToken(u('/v2/?auth_token=first&auth_token=second'), null)).toBe('first');
  });
});

describe('presentedToken (extractToken over its two parts, for callers that read the query themselves)', () => {
  it('takes a well-formed Authorization header first, else the auth_token value; empty is none', () => {
    expect(presentedToken('Token h', 'q')).toBe('h');
    expect(presentedToken('Basic x', 'q')).toBe('q');
    expect(presentedToken(undefined, 'q')).toBe('q');
    expect(presentedToken('Basic x', '')).toBeNull();
    expect(presentedToken(null, null)).toBeNull();
    expect(tokenFromAuthorization('bearer   t  ')).toBe('t');
    expect(tokenFromAuthorization('Token a, Token b')).toBeNull(); // two header lines joined: no token
  });
});

describe('checkApiKey and the injected SHA-256', () => {
  it('is parseApiKey then hashApiKey; any SHA-256 implementation gives the same answers', () => {
    const token = generateApiKey('preview');
    const counted = { digests: 0, hexes: 0 };
    const spy: KeySha256 = {
      digest: (s) => (counted.digests++, PORTABLE_SHA256.digest(s)),
      hex: (s) => (counted.hexes++, PORTABLE_SHA256.hex(s)),
    };
    expect(checkApiKey(token)).toEqual({ kind: 'preview', hash: hashApiKey(token) });
    expect(checkApiKey(token, spy)).toEqual(checkApiKey(token));
    expect(counted).toEqual({ digests: 1, hexes: 1 }); // one checksum digest, one stored hash
    expect(parseApiKey(token, spy)).toEqual(parseApiKey(token));
    const flipped = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    expect(checkApiKey(flipped)).toBeNull();
    expect(checkApiKey(`${token}x`)).toBeNull();
  });

  it('isApiKeyHash accepts exactly what hashApiKey produces', () => {
    expect(isApiKeyHash(hashApiKey(generateApiKey('read')))).toBe(true);
    for (const bad of ['', 'A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), `${'a'.repeat(63)}g`]) expect(isApiKeyHash(bad), bad).toBe(false);
  });
});
