import { randomBytes } from 'node:crypto';
import { createChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { describe, expect, it } from 'vitest';
import {
  MemoryCaptchaReplayStore,
  createCaptchaChallenge,
  encodeCaptchaPayload,
  solveChallengeForTests,
  verifyCaptchaSolution,
} from './captcha.js';

const hmacKey = randomBytes(32).toString('base64url');
// Small difficulty keeps the suite fast; difficulty is a parameter, not the thing under test.
const maxNumber = 2_000;

type Decoded = {
  challenge: { parameters: Record<string, unknown>; signature: string };
  solution: { counter: number; derivedKey: string };
};
const decode = (payload: string): Decoded => JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as Decoded;
const encode = (value: Decoded): string => Buffer.from(JSON.stringify(value)).toString('base64');

async function solved(opts: { expiresInMs?: number; now?: Date } = {}) {
  const challenge = await createCaptchaChallenge({ hmacKey, maxNumber, ...opts });
  return { challenge, payload: await solveChallengeForTests(challenge) };
}

describe('captcha', () => {
  it('creates a signed, expiring SHA-256 challenge that reveals no solution', async () => {
    const challenge = await createCaptchaChallenge({ hmacKey, maxNumber, expiresInMs: 60_000 });
    expect(challenge.parameters.algorithm).toBe('SHA-256');
    expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/);
    const expires = (challenge.parameters.expiresAt ?? 0) * 1000;
    expect(expires).toBeGreaterThan(Date.now() + 50_000);
    expect(expires).toBeLessThan(Date.now() + 70_000);
    expect(JSON.stringify(challenge)).not.toContain(hmacKey);
    await expect(createCaptchaChallenge({ hmacKey: 'short', maxNumber })).rejects.toThrow(RangeError);
    await expect(createCaptchaChallenge({ hmacKey, maxNumber: 0 })).rejects.toThrow(RangeError);
  });

  it('accepts a valid solution (base64 payload, JSON text or object) and requires real work', async () => {
    const { challenge, payload } = await solved();
    const verdict = await verifyCaptchaSolution(payload, { hmacKey });
    expect(verdict).toEqual({ ok: true, signature: challenge.signature, expiresAt: new Date((challenge.parameters.expiresAt ?? 0) * 1000) });
    const json = Buffer.from(payload, 'base64').toString('utf8');
    expect((await verifyCaptchaSolution(json, { hmacKey })).ok).toBe(true);
    expect((await verifyCaptchaSolution(JSON.parse(json), { hmacKey })).ok).toBe(true);
    // The counter lies in [maxNumber/2, maxNumber]: at least half of the range was searched.
    const { counter } = decode(payload).solution;
    expect(counter).toBeGreaterThanOrEqual(maxNumber / 2);
    expect(counter).toBeLessThanOrEqual(maxNumber);
  });

  it('refuses a tampered counter or derived key', async () => {
    const { payload } = await solved();
    const d = decode(payload);
    expect(await verifyCaptchaSolution(encode({ ...d, solution: { ...d.solution, counter: d.solution.counter + 1 } }), { hmacKey })).toEqual({ ok: false, reason: 'invalid_solution' });
    const flipped = (d.solution.derivedKey.startsWith('0') ? '1' : '0') + d.solution.derivedKey.slice(1);
    expect(await verifyCaptchaSolution(encode({ ...d, solution: { ...d.solution, derivedKey: flipped } }), { hmacKey })).toEqual({ ok: false, reason: 'invalid_solution' });
    // A guess without work: counter 0 with any key.
    expect((await verifyCaptchaSolution(encode({ ...d, solution: { counter: 0, derivedKey: 'ab'.repeat(32) } }), { hmacKey })).ok).toBe(false);
  });

  it('refuses tampered salt, nonce, prefix, expiry or signature', async () => {
    const { payload } = await solved();
    const d = decode(payload);
    const p = d.challenge.parameters;
    const flip = (hex: string) => (hex.startsWith('0') ? '1' : '0') + hex.slice(1);
    const variants: Decoded[] = [
      { ...d, challenge: { ...d.challenge, parameters: { ...p, salt: flip(String(p.salt)) } } },
      { ...d, challenge: { ...d.challenge, parameters: { ...p, nonce: flip(String(p.nonce)) } } },
      { ...d, challenge: { ...d.challenge, parameters: { ...p, keyPrefix: '00' } } },
      { ...d, challenge: { ...d.challenge, parameters: { ...p, expiresAt: Number(p.expiresAt) + 3600 } } },
      { ...d, challenge: { ...d.challenge, signature: flip(d.challenge.signature) } },
    ];
    for (const v of variants) expect(await verifyCaptchaSolution(encode(v), { hmacKey })).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('refuses a solution signed with another key', async () => {
    const { payload } = await solved();
    expect(await verifyCaptchaSolution(payload, { hmacKey: randomBytes(32).toString('base64url') })).toEqual({ ok: false, reason: 'invalid_signature' });
    // Domain separation: a challenge signed with the raw key (as another use of the same secret
    // might) is not accepted; only the labelled derivation signs captchas.
    const raw = await createChallenge({ algorithm: 'SHA-256', cost: 1, deriveKey, counter: 1500, expiresAt: Math.ceil(Date.now() / 1000) + 600, hmacSignatureSecret: hmacKey });
    expect(await verifyCaptchaSolution(await solveChallengeForTests(raw), { hmacKey })).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('refuses an expired challenge', async () => {
    const { payload } = await solved({ expiresInMs: 60_000, now: new Date(Date.now() - 120_000) });
    expect(await verifyCaptchaSolution(payload, { hmacKey })).toEqual({ ok: false, reason: 'expired' });
    // And a still-valid one once the clock has moved past its expiry.
    const fresh = await solved({ expiresInMs: 60_000 });
    expect(await verifyCaptchaSolution(fresh.payload, { hmacKey, now: new Date(Date.now() + 61_000) })).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses malformed payloads and other algorithms without throwing', async () => {
    const { payload } = await solved();
    const d = decode(payload);
    for (const bad of ['', 'not base64 json', '{', 'e30=', null, 42, {}, { challenge: d.challenge }, 'A'.repeat(10_000)]) {
      expect(await verifyCaptchaSolution(bad, { hmacKey })).toEqual({ ok: false, reason: 'malformed' });
    }
    const sha512 = { ...d, challenge: { ...d.challenge, parameters: { ...d.challenge.parameters, algorithm: 'SHA-512' } } };
    expect(await verifyCaptchaSolution(encode(sha512), { hmacKey })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a replay through the store, and consumes only valid solutions', async () => {
    const store = new MemoryCaptchaReplayStore();
    const { challenge, payload } = await solved();
    const d = decode(payload);
    // An invalid attempt does not burn the challenge.
    expect((await verifyCaptchaSolution(encode({ ...d, solution: { ...d.solution, counter: 1 } }), { hmacKey, store })).ok).toBe(false);
    expect(store.size).toBe(0);
    expect((await verifyCaptchaSolution(payload, { hmacKey, store })).ok).toBe(true);
    expect(await verifyCaptchaSolution(payload, { hmacKey, store })).toEqual({ ok: false, reason: 'replayed' });
    // Re-encoding the same solution differently does not help.
    expect(await verifyCaptchaSolution(encodeCaptchaPayload(challenge, d.solution), { hmacKey, store })).toEqual({ ok: false, reason: 'replayed' });
    // Another challenge is independent.
    const second = await solved();
    expect((await verifyCaptchaSolution(second.payload, { hmacKey, store })).ok).toBe(true);
  });

  it('the in-memory store forgets entries after they expire', async () => {
    let now = 1_000_000;
    const store = new MemoryCaptchaReplayStore(() => now);
    expect(await store.consume('sig', new Date(now + 1000))).toBe(true);
    expect(await store.consume('sig', new Date(now + 1000))).toBe(false);
    now += 2000;
    expect(await store.consume('other', new Date(now + 1000))).toBe(true);
    expect(store.size).toBe(1);
  });
});
