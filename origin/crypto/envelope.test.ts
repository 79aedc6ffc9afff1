import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvelopeError, createEnvelope, devEnvelope, envelopeFromConfig, parseMasterKeys } from './envelope.js';
import { loadOriginConfig } from '../config.js';

const key = () => randomBytes(32).toString('base64');
const TOKEN_FORMAT = /^env1\.v(\d+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/** Decodes one base64url part of a token, flips one bit of one byte, encodes it back. */
function tamperPart(token: string, part: number, byteIndex = 0): string {
  const parts = token.split('.');
  const buf = Buffer.from(parts[part]!, 'base64url');
  buf[byteIndex % buf.length]! ^= 0x01;
  parts[part] = buf.toString('base64url');
  return parts.join('.');
}

describe('parseMasterKeys', () => {
  it('parses versions and picks the highest to encrypt', () => {
    const keys = parseMasterKeys(`v1:${key()},v3:${key()}, v2:${key()}`);
    expect(keys.current).toBe(3);
    expect([...keys.keys.keys()].sort()).toEqual([1, 2, 3]);
    for (const k of keys.keys.values()) expect(k.length).toBe(32);
  });

  it('accepts URL-safe base64', () => {
    const urlSafe = randomBytes(32).toString('base64url');
    expect(parseMasterKeys(`v7:${urlSafe}`).current).toBe(7);
  });

  it('accepts what the config schema accepts', () => {
    const spec = `v1:${key()},v2:${key()}`;
    const config = loadOriginConfig({ MASTER_KEYS: spec, LOG_LEVEL: 'silent' });
    expect(parseMasterKeys(config.MASTER_KEYS!).current).toBe(2);
  });

  it.each([
    ['empty', ''],
    ['no version', key()],
    ['version 0', `v0:${key()}`],
    ['short key', `v1:${randomBytes(16).toString('base64')}`],
    ['duplicate version', `v1:${key()},v1:${key()}`],
    ['trailing comma', `v1:${key()},`],
    ['garbage', 'v1:not-base64-at-all'],
  ])('refuses %s without echoing key material', (_name, spec) => {
    let message = '';
    try {
      parseMasterKeys(spec);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toBe('');
    for (const part of spec.split(',')) {
      const material = part.split(':')[1];
      if (material && material.length > 8) expect(message).not.toContain(material);
    }
  });
});

describe('createEnvelope', () => {
  const envelope = createEnvelope(parseMasterKeys(`v1:${key()}`));

  it('round-trips with and without AAD, unicode included', () => {
    for (const text of ['', 'whsec_abc', 'päßwörd ✓ 🔑', 'x'.repeat(10_000)]) {
      expect(envelope.decrypt(envelope.encrypt(text))).toBe(text);
      expect(envelope.decrypt(envelope.encrypt(text, 'webhooks.secret:1'), 'webhooks.secret:1')).toBe(text);
    }
  });

  it('produces the documented token format with a fresh data key and IV every time', () => {
    const a = envelope.encrypt('same', 'row-1');
    const b = envelope.encrypt('same', 'row-1');
    expect(a).not.toBe(b);
    const m = TOKEN_FORMAT.exec(a);
    expect(m).not.toBeNull();
    expect(m![1]).toBe('1');
    expect(Buffer.from(m![2]!, 'base64url').length).toBe(60); // iv ‖ wrapped key ‖ tag
    expect(Buffer.from(m![3]!, 'base64url').length).toBe(12);
    expect(Buffer.from(m![4]!, 'base64url').length).toBe(4 + 16); // "same" ‖ tag
    expect(a).not.toContain('same');
    const mb = TOKEN_FORMAT.exec(b)!;
    expect(mb[2]).not.toBe(m![2]);
    expect(mb[3]).not.toBe(m![3]);
  });

  it('refuses a token under the wrong AAD (moved to another row)', () => {
    const token = envelope.encrypt('secret', 'row-1');
    expect(() => envelope.decrypt(token, 'row-2')).toThrow(EnvelopeError);
    expect(() => envelope.decrypt(token)).toThrow(EnvelopeError);
    expect(() => envelope.decrypt(envelope.encrypt('secret'), 'row-1')).toThrow(EnvelopeError);
  });

  it.each([
    ['wrapped key IV', 2, 0],
    ['wrapped key body', 2, 20],
    ['wrapped key tag', 2, 59],
    ['data IV', 3, 5],
    ['ciphertext', 4, 0],
    ['ciphertext tag', 4, 1_000],
  ])('throws when the %s is tampered with', (_name, part, byte) => {
    const token = envelope.encrypt('top secret value', 'row-1');
    expect(() => envelope.decrypt(tamperPart(token, part, byte), 'row-1')).toThrow(EnvelopeError);
  });

  it('throws for structural damage: format, version, truncation, swapped parts, non-canonical base64', () => {
    const token = envelope.encrypt('value', 'row');
    const parts = token.split('.');
    const bad = [
      '',
      'not a token',
      token.replace(/^env1/, 'env2'),
      token.replace('.v1.', '.v2.'),
      token.replace('.v1.', '.v01x.'),
      parts.slice(0, 4).join('.'),
      `${token}.extra`,
      [parts[0], parts[1], parts[3], parts[2], parts[4]].join('.'),
      [parts[0], parts[1], parts[2], parts[3], parts[4]!.slice(0, 10)].join('.'),
      [parts[0], parts[1], `${parts[2]}==`, parts[3], parts[4]].join('.'),
      [parts[0], parts[1], parts[2], `${parts[3]}+`, parts[4]].join('.'),
    ];
    for (const t of bad) expect(() => envelope.decrypt(t, 'row'), t).toThrow(EnvelopeError);
  });

  it('refuses a token wrapped by a different master key of the same version', () => {
    const other = createEnvelope(parseMasterKeys(`v1:${key()}`));
    expect(() => other.decrypt(envelope.encrypt('value', 'row'), 'row')).toThrow(EnvelopeError);
  });

  it('keeps decrypting after rotation, and new tokens use the new version', () => {
    const k1 = key();
    const v1 = createEnvelope(parseMasterKeys(`v1:${k1}`));
    const old = v1.encrypt('rotate me', 'row-9');
    expect(v1.needsReencrypt(old)).toBe(false);

    const rotated = createEnvelope(parseMasterKeys(`v1:${k1},v2:${key()}`));
    expect(rotated.currentVersion).toBe(2);
    expect(rotated.decrypt(old, 'row-9')).toBe('rotate me');
    expect(rotated.needsReencrypt(old)).toBe(true);

    const fresh = rotated.encrypt('rotate me', 'row-9');
    expect(fresh.startsWith('env1.v2.')).toBe(true);
    expect(rotated.needsReencrypt(fresh)).toBe(false);
    expect(rotated.decrypt(fresh, 'row-9')).toBe('rotate me');
    // The old key alone cannot read the new token; once v1 is dropped, old tokens are unreadable.
    expect(() => v1.decrypt(fresh, 'row-9')).toThrow(EnvelopeError);
  });

  it('cannot decrypt old tokens once their master key version is removed', () => {
    const v1 = createEnvelope(parseMasterKeys(`v1:${key()}`));
    const token = v1.encrypt('value');
    const onlyV2 = createEnvelope(parseMasterKeys(`v2:${key()}`));
    expect(() => onlyV2.decrypt(token)).toThrow(EnvelopeError);
  });

  it('never puts the plaintext or the data in the error message', () => {
    const token = envelope.encrypt('hunter2-secret', 'row');
    try {
      envelope.decrypt(tamperPart(token, 4), 'row');
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
      expect((err as Error).message).not.toContain(token.split('.')[2]!);
    }
  });
});

describe('devEnvelope', () => {
  it('round-trips within the process, and another process key cannot read it', () => {
    const a = devEnvelope();
    const token = a.encrypt('local secret', 'row');
    expect(a.decrypt(token, 'row')).toBe('local secret');
    expect(() => devEnvelope().decrypt(token, 'row')).toThrow(EnvelopeError);
  });

  it('envelopeFromConfig uses MASTER_KEYS when set', () => {
    const spec = `v4:${key()}`;
    const a = envelopeFromConfig(spec);
    expect(a.currentVersion).toBe(4);
    expect(envelopeFromConfig(spec).decrypt(a.encrypt('x', 'r'), 'r')).toBe('x');
    expect(envelopeFromConfig(undefined).currentVersion).toBe(1);
  });
});
