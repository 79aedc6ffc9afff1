import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  RECOVERY_CODE_BITS,
  base32Decode,
  base32Encode,
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  hotp,
  matchRecoveryCode,
  normaliseRecoveryCode,
  otpauthQrDataUrl,
  otpauthQrSvg,
  otpauthUri,
  totpCode,
  totpStep,
  verifyRecoveryCode,
  verifyTotp,
} from './totp.js';

// RFC 6238 Appendix B, SHA-1 rows: the seed is the ASCII string "12345678901234567890".
const RFC_SEED = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP', () => {
  it.each(RFC_VECTORS)('matches RFC 6238 Appendix B at T=%i (8 digits, and its 6-digit truncation)', (seconds, code8) => {
    expect(totpCode(RFC_SEED, seconds * 1000, { digits: 8 })).toBe(code8);
    expect(totpCode(RFC_SEED, seconds * 1000)).toBe(code8.slice(2));
    expect(verifyTotp(RFC_SEED, code8.slice(2), seconds * 1000)).toEqual({ ok: true, step: Math.floor(seconds / 30) });
  });

  it('matches RFC 4226 Appendix D HOTP values', () => {
    const key = Buffer.from('12345678901234567890', 'ascii');
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, counter) => expect(hotp(key, counter)).toBe(code));
  });

  it('generates 20-byte secrets as unpadded base32 that round-trip', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secret);
    expect(base32Encode(base32Decode(secret))).toBe(secret);
  });

  it('base32 matches RFC 4648 §10 and round-trips any length', () => {
    const vectors: Array<[string, string]> = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded).toString()).toBe(plain);
    }
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    for (let n = 0; n < 64; n++) {
      const bytes = randomBytes(n);
      expect(base32Decode(base32Encode(bytes)).equals(bytes)).toBe(true);
    }
    expect(() => base32Decode('MZXW1')).toThrow(/base32/);
  });

  it('accepts ±1 step and refuses ±2', () => {
    const secret = RFC_SEED; // fixed, so no chance collision between window codes
    const t = 1_700_000_000_000;
    const step = totpStep(t);
    for (const delta of [-1, 0, 1]) {
      const code = totpCode(secret, t + delta * 30_000);
      expect(verifyTotp(secret, code, t)).toEqual({ ok: true, step: step + delta });
    }
    for (const delta of [-2, 2]) {
      const code = totpCode(secret, t + delta * 30_000);
      expect(verifyTotp(secret, code, t)).toEqual({ ok: false });
    }
  });

  it('refuses a replayed code and any code at or before the last used step', () => {
    const secret = generateTotpSecret();
    const t = 1_700_000_015_000;
    const code = totpCode(secret, t);
    const first = verifyTotp(secret, code, t);
    expect(first.ok).toBe(true);
    const last = first.ok ? first.step : -1;
    expect(verifyTotp(secret, code, t, last)).toEqual({ ok: false });
    expect(verifyTotp(secret, code, t + 10_000, last)).toEqual({ ok: false });
    // The previous step's code is inside the window but older than the used one.
    expect(verifyTotp(secret, totpCode(secret, t - 30_000), t, last)).toEqual({ ok: false });
    // The next step's code is fine.
    expect(verifyTotp(secret, totpCode(secret, t + 30_000), t + 30_000, last)).toEqual({ ok: true, step: last + 1 });
  });

  it('refuses malformed codes and secrets', () => {
    const secret = RFC_SEED;
    const t = 1_700_000_000_000;
    const code = totpCode(secret, t);
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, t).ok).toBe(true);
    for (const bad of ['', '12345', '1234567', 'abcdef', `${code}0`, ` ${code}x`]) {
      expect(verifyTotp(secret, bad, t)).toEqual({ ok: false });
    }
    expect(verifyTotp('not base32!', code, t)).toEqual({ ok: false });
    expect(verifyTotp('', code, t)).toEqual({ ok: false });
    expect(verifyTotp(base32Encode(Buffer.alloc(20, 7)), code, t).ok).toBe(false);
  });

  it('builds the otpauth URI', () => {
    const uri = otpauthUri({ issuer: 'ghee', account: 'jane+test@example.com', secret: 'JBSWY3DPEHPK3PXP' });
    expect(uri).toBe('otpauth://totp/ghee:jane%2Btest%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ghee&algorithm=SHA1&digits=6&period=30');
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => otpauthUri({ issuer: 'ghee', account: 'a:b', secret: 'JBSWY3DPEHPK3PXP' })).toThrow();
  });

  it('renders the URI as a PNG data URL and as SVG', async () => {
    const uri = otpauthUri({ issuer: 'ghee', account: 'jane@example.com', secret: generateTotpSecret() });
    const dataUrl = await otpauthQrDataUrl(uri);
    expect(dataUrl.startsWith('data:image/png;base64,')).toBe(true);
    const png = Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    const svg = await otpauthQrSvg(uri);
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});

describe('recovery codes', () => {
  it('generates n distinct xxxxx-xxxxx codes of ≥ 50 bits', () => {
    expect(RECOVERY_CODE_BITS).toBeGreaterThanOrEqual(50);
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    expect(generateRecoveryCodes(3)).toHaveLength(3);
    expect(() => generateRecoveryCodes(0)).toThrow(RangeError);
  });

  it('uses the whole alphabet (no obvious bias)', () => {
    const counts = new Map<string, number>();
    for (const code of generateRecoveryCodes(100)) for (const ch of code.replace('-', '')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(32);
  });

  it('hashes the normalised code: case, dashes, spaces and look-alikes do not matter', () => {
    const code = 'ab1c0-x9z2k';
    const h = hashRecoveryCode(code);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(normaliseRecoveryCode(' AB1C0 - X9Z2K ')).toBe('ab1c0x9z2k');
    for (const variant of ['AB1C0-X9Z2K', 'ab1c0x9z2k', 'ab1c0 x9z2k', ' ABIC0-X9Z2K', 'abLcO-x9z2k']) {
      expect(hashRecoveryCode(variant)).toBe(h);
    }
    expect(hashRecoveryCode('ab1c0-x9z2m')).not.toBe(h);
  });

  it('verifies against stored hashes and reports which one matched', () => {
    const codes = generateRecoveryCodes(5);
    const stored = codes.map(hashRecoveryCode);
    expect(matchRecoveryCode(codes[3]!.toUpperCase(), stored)).toBe(3);
    expect(matchRecoveryCode('00000-00000', stored)).toBe(-1);
    expect(matchRecoveryCode(codes[0]!, ['not-hex', '', ...stored])).toBe(2);
    expect(verifyRecoveryCode(codes[1]!, stored[1]!)).toBe(true);
    expect(verifyRecoveryCode(codes[1]!, stored[2]!)).toBe(false);
  });
});
