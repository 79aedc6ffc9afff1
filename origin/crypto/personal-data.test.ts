import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvelopeError } from './envelope.js';
import { isBlindIndex, isSealed, personalAad, personalDataFromConfig } from './personal-data.js';

const key = () => randomBytes(32).toString('base64');

describe('personal data keys', () => {
  const k1 = key();
  const k2 = key();
  const v1 = personalDataFromConfig(`v1:${k1}`);
  const v12 = personalDataFromConfig(`v1:${k1},v2:${k2}`);

  it('seals bound to table, column and row; anything else does not open', () => {
    const aad = personalAad('users', 'email', 'row-1');
    const token = v1.seal('ada@example.com', aad);
    expect(isSealed(token)).toBe(true);
    expect(token).not.toContain('ada');
    expect(v1.open(token, aad)).toBe('ada@example.com');
    expect(() => v1.open(token, personalAad('users', 'email', 'row-2'))).toThrow(EnvelopeError);
    expect(() => v1.open(token, personalAad('users', 'name', 'row-1'))).toThrow(EnvelopeError);
    // Two seals of one value differ (a fresh data key and IV each time).
    expect(v1.seal('ada@example.com', aad)).not.toBe(token);
    expect(v1.sealOrNull(null, aad)).toBeNull();
    expect(v1.openOrNull(undefined, aad)).toBeNull();
  });

  it('indexes an email case- and space-insensitively, per kind, versioned', () => {
    const a = v1.blindIndex('email', 'Ada@Example.COM ');
    expect(a).toBe(v1.blindIndex('email', 'ada@example.com'));
    expect(isBlindIndex(a)).toBe(true);
    expect(a.startsWith('v1.')).toBe(true);
    // The kind is part of the input: an address's index is not an email's.
    expect(v1.blindIndex('ip', 'ada@example.com')).not.toBe(a);
    // Keyed: not an HMAC under the master key itself, and another key gives another index.
    expect(a.slice(3)).not.toBe(createHmac('sha256', Buffer.from(k1, 'base64')).update('email\u0000ada@example.com').digest('base64url'));
    expect(personalDataFromConfig(`v1:${key()}`).blindIndex('email', 'ada@example.com')).not.toBe(a);
  });

  it('writes under the newest version and looks up under every listed one', () => {
    expect(v12.version).toBe(2);
    expect(v12.blindIndex('email', 'x@y.z').startsWith('v2.')).toBe(true);
    expect(v12.blindIndexes('email', 'x@y.z')).toEqual([v12.blindIndex('email', 'x@y.z'), v1.blindIndex('email', 'x@y.z')]);
    expect(v12.blindIndexIsStale(v1.blindIndex('email', 'x@y.z'))).toBe(true);
    expect(v12.blindIndexIsStale(v12.blindIndex('email', 'x@y.z'))).toBe(false);
    const old = v1.seal('x', 'a');
    expect(v12.needsReencrypt(old)).toBe(true);
    expect(v12.open(old, 'a')).toBe('x');
  });

  it('uses a fixed development key without MASTER_KEYS (local data survives restarts), never a configured one', () => {
    const a = personalDataFromConfig(undefined);
    const b = personalDataFromConfig(undefined);
    expect(b.open(a.seal('local', 'r'), 'r')).toBe('local');
    expect(a.blindIndex('email', 'me@local')).toBe(b.blindIndex('email', 'me@local'));
    expect(() => v1.open(a.seal('local', 'r'), 'r')).toThrow(EnvelopeError);
  });
});
