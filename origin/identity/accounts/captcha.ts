/**
 * Self-hosted proof-of-work captcha (ALTCHA, altcha-lib v2 protocol, SHA-256).
 *
 * A challenge is a random nonce + salt and the SHA-256 key derived from a secret random counter in
 * [maxNumber/2, maxNumber]; the client gets the first half of that key as `keyPrefix` and must find
 * the counter by brute force (on average ¾·maxNumber hashes, at least ½·maxNumber). All parameters,
 * including `expiresAt`, are HMAC-signed, so nothing can be tampered with or extended.
 *
 * The HMAC secret given to altcha-lib is derived from `hmacKey` with a fixed label, so a key
 * shared with other uses (e.g. CSRF tokens) never produces a signature that means something
 * here or there.
 *
 * A solved challenge is accepted once: `verifyCaptchaSolution` checks the solution, then
 * redeems the challenge signature in a `CaptchaReplayStore` (Postgres in production; the first
 * insert wins across instances) and refuses it if it was already redeemed.
 *
 * Wire format (what the ALTCHA v2 widget submits): base64 of
 *   {"challenge": {"parameters": {...}, "signature": "..."}, "solution": {"counter": n, "derivedKey": "hex"}}
 */
import { createHmac, randomInt } from 'node:crypto';
import { createChallenge, solveChallenge, verifySolution, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { z } from 'zod';

export type CaptchaChallenge = Challenge;

export const CAPTCHA_ALGORITHM = 'SHA-256';
export const DEFAULT_CAPTCHA_MAX_NUMBER = 100_000;
export const DEFAULT_CAPTCHA_EXPIRES_MS = 10 * 60_000;
const MAX_MAX_NUMBER = 10_000_000;
const SIGNING_LABEL = 'ghee captcha v1';

/** Single-use redemption of solved challenges, keyed by the challenge signature. */
export interface CaptchaReplayStore {
  /** True the first time a signature is consumed, false on every later call. */
  consume(signature: string, expiresAt: Date): Promise<boolean>;
}

/** In-process store for tests and single-instance development; forgets entries after they expire. */
export class MemoryCaptchaReplayStore implements CaptchaReplayStore {
  private readonly used = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async consume(signature: string, expiresAt: Date): Promise<boolean> {
    const now = this.now();
    for (const [sig, exp] of this.used) if (exp < now) this.used.delete(sig);
    if (this.used.has(signature)) return false;
    this.used.set(signature, expiresAt.getTime());
    return true;
  }

  get size(): number {
    return this.used.size;
  }
}

function signingSecret(hmacKey: string | Uint8Array): string {
  if ((typeof hmacKey === 'string' && hmacKey.length < 16) || (typeof hmacKey !== 'string' && hmacKey.length < 16)) {
    throw new RangeError('captcha hmacKey must be at least 16 characters/bytes');
  }
  return createHmac('sha256', hmacKey).update(SIGNING_LABEL).digest('hex');
}

export interface CreateCaptchaOptions {
  hmacKey: string | Uint8Array;
  /** Difficulty: the secret counter is drawn from [maxNumber/2, maxNumber]. Default 100,000. */
  maxNumber?: number;
  /** Default 10 minutes. */
  expiresInMs?: number;
  now?: Date;
}

export async function createCaptchaChallenge(opts: CreateCaptchaOptions): Promise<CaptchaChallenge> {
  const maxNumber = opts.maxNumber ?? DEFAULT_CAPTCHA_MAX_NUMBER;
  if (!Number.isInteger(maxNumber) || maxNumber < 2 || maxNumber > MAX_MAX_NUMBER) {
    throw new RangeError(`maxNumber must be an integer from 2 to ${MAX_MAX_NUMBER}`);
  }
  const expiresInMs = opts.expiresInMs ?? DEFAULT_CAPTCHA_EXPIRES_MS;
  if (!Number.isInteger(expiresInMs) || expiresInMs < 1000) throw new RangeError('expiresInMs must be at least 1000');
  const now = (opts.now ?? new Date()).getTime();
  return createChallenge({
    algorithm: CAPTCHA_ALGORITHM,
    cost: 1,
    deriveKey,
    counter: randomInt(Math.floor(maxNumber / 2), maxNumber + 1),
    expiresAt: Math.ceil((now + expiresInMs) / 1000),
    hmacSignatureSecret: signingSecret(opts.hmacKey),
  });
}

export type CaptchaFailure = 'malformed' | 'expired' | 'invalid_signature' | 'invalid_solution' | 'replayed';

export type CaptchaVerdict =
  | { ok: true; signature: string; expiresAt: Date }
  | { ok: false; reason: CaptchaFailure };

export interface VerifyCaptchaOptions {
  hmacKey: string | Uint8Array;
  /** When given, a valid solution is also redeemed here and refused if already used. */
  store?: CaptchaReplayStore;
  now?: Date;
}

const HEX = /^[0-9a-f]+$/;
const payloadSchema = z.object({
  challenge: z.looseObject({
    parameters: z.looseObject({
      algorithm: z.literal(CAPTCHA_ALGORITHM),
      nonce: z.string().max(128).regex(HEX),
      salt: z.string().max(128).regex(HEX),
      cost: z.literal(1),
      keyLength: z.number().int().min(16).max(64),
      keyPrefix: z.string().min(2).max(128).regex(HEX),
      expiresAt: z.number().int().positive(),
    }),
    signature: z.string().min(64).max(128).regex(HEX),
  }),
  solution: z.looseObject({
    counter: z.number().int().min(0).max(0xffffffff),
    derivedKey: z.string().max(256).regex(HEX),
  }),
});

function decodePayload(payload: unknown): z.infer<typeof payloadSchema> | null {
  let value = payload;
  if (typeof payload === 'string') {
    if (payload.length > 8192) return null;
    const text = payload.trimStart().startsWith('{') ? payload : Buffer.from(payload, 'base64').toString('utf8');
    try {
      value = JSON.parse(text);
    } catch {
      return null;
    }
  }
  const parsed = payloadSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * Verifies a submitted solution (the widget's base64 payload, its JSON, or the object): signature,
 * expiry and proof of work; then, with a store, redeems it once.
 */
export async function verifyCaptchaSolution(payload: unknown, opts: VerifyCaptchaOptions): Promise<CaptchaVerdict> {
  const secret = signingSecret(opts.hmacKey);
  const data = decodePayload(payload);
  if (!data) return { ok: false, reason: 'malformed' };
  const now = (opts.now ?? new Date()).getTime();
  const expiresAt = new Date(data.challenge.parameters.expiresAt * 1000);
  if (expiresAt.getTime() <= now) return { ok: false, reason: 'expired' };

  let result;
  try {
    result = await verifySolution({
      challenge: data.challenge as unknown as Challenge,
      solution: data.solution,
      deriveKey,
      hmacSignatureSecret: secret,
    });
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (result.expired) return { ok: false, reason: 'expired' };
  if (result.invalidSignature) return { ok: false, reason: 'invalid_signature' };
  if (!result.verified) return { ok: false, reason: 'invalid_solution' };

  const signature = data.challenge.signature;
  if (opts.store && !(await opts.store.consume(signature, expiresAt))) return { ok: false, reason: 'replayed' };
  return { ok: true, signature, expiresAt };
}

/** The base64 payload a client would submit for a solution. */
export function encodeCaptchaPayload(challenge: CaptchaChallenge, solution: { counter: number; derivedKey: string }): string {
  const { codeChallenge: _ignored, ...signed } = challenge;
  return Buffer.from(JSON.stringify({ challenge: signed, solution })).toString('base64');
}

/** Solves a challenge with altcha-lib's solver (tests and scripted clients); returns the payload to submit. */
export async function solveChallengeForTests(challenge: CaptchaChallenge, timeoutMs = 60_000): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey, timeout: timeoutMs });
  if (!solution) throw new Error('captcha challenge not solved in time');
  return encodeCaptchaPayload(challenge, { counter: solution.counter, derivedKey: solution.derivedKey });
}
