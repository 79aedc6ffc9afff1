/**
 * Password hashing: bcrypt over a peppered pre-hash.
 *
 *     stored = "v<pepperVersion>$" + bcrypt(base64(HMAC-SHA-256(pepper, NFKC(password))), cost)
 *
 * - bcrypt only reads the first 72 bytes of its input and stops at a NUL byte. The pre-hash is
 *   always 44 ASCII characters (base64 of 32 bytes, no NUL), so every byte of an arbitrarily long
 *   password counts.
 * - The pepper is a server-side secret that is not stored with the hashes: a leaked database
 *   alone cannot be attacked offline. Peppers are versioned (`v<n>$` prefix) so they can be
 *   rotated: keep old versions for verification, hash with the newest, and `needsRehash` tells
 *   the login flow to re-hash (it has the plaintext at that moment).
 * - Unicode is normalised with NFKC (NIST SP 800-63B §5.1.1.2), so the same password typed as
 *   composed or decomposed characters verifies.
 * - bcrypt (@node-rs/bcrypt) runs on a pool of low-priority worker threads (bcrypt-pool.ts), off
 *   the event loop and behind the threads serving reads (bench/bcrypt.ts, bench/login-load.ts).
 * - Login for an unknown account should call `dummyVerify` so it costs one bcrypt like a real
 *   verification and the response time does not reveal which accounts exist.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { bcryptPool } from './bcrypt-pool.js';

const bcryptHash = (input: string, cost: number) => bcryptPool().hash(input, cost);
const bcryptVerify = (input: string, hash: string) => bcryptPool().verify(input, hash);

export const DEFAULT_BCRYPT_COST = 11;
export const MIN_BCRYPT_COST = 10;
export const MAX_BCRYPT_COST = 16;
/** Pepper length in bytes (the HMAC-SHA-256 key). */
export const MIN_PEPPER_BYTES = 32;

export interface HashOptions {
  pepper: Uint8Array;
  pepperVersion: number;
  /** bcrypt cost (log2 rounds), 10–16; defaults to 11. */
  cost?: number;
}

/** What new hashes are made with; a stored hash that differs needs a rehash. */
export interface CurrentHashParams {
  pepperVersion: number;
  cost?: number;
}

export interface VerifyResult {
  ok: boolean;
  /** True only when `ok`: the stored hash used another cost or pepper version than the current ones. */
  needsRehash: boolean;
}

// v<version>$<bcrypt>. bcrypt: $2a|2b|2y$<cost>$<22 salt + 31 hash chars of bcrypt base64>.
const STORED = /^v(\d{1,4})\$(\$2[aby]\$\d\d\$[./A-Za-z0-9]{53})$/;

/** The cost field of a modular-crypt bcrypt hash (`$2b$11$…` → 11). */
function bcryptCost(hash: string): number {
  const cost = Number(hash.slice(4, 6));
  if (!/^\$2[aby]\$\d\d\$/.test(hash) || !Number.isInteger(cost)) throw new RangeError('not a bcrypt hash');
  return cost;
}

function checkCost(cost: number): number {
  if (!Number.isInteger(cost) || cost < MIN_BCRYPT_COST || cost > MAX_BCRYPT_COST) {
    throw new RangeError(`bcrypt cost must be an integer from ${MIN_BCRYPT_COST} to ${MAX_BCRYPT_COST}`);
  }
  return cost;
}

function checkVersion(version: number): number {
  if (!Number.isInteger(version) || version < 1 || version > 9999) {
    throw new RangeError('pepper version must be an integer from 1 to 9999');
  }
  return version;
}

function checkPepper(pepper: Uint8Array): Uint8Array {
  if (!(pepper instanceof Uint8Array) || pepper.length < MIN_PEPPER_BYTES) {
    throw new RangeError(`pepper must be at least ${MIN_PEPPER_BYTES} bytes`);
  }
  return pepper;
}

/** base64(HMAC-SHA-256(pepper, NFKC(password))): 44 ASCII bytes, well under bcrypt's 72. */
function prehash(password: string, pepper: Uint8Array): string {
  return createHmac('sha256', pepper).update(password.normalize('NFKC'), 'utf8').digest('base64');
}

export async function hashPassword(password: string, opts: HashOptions): Promise<string> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const version = checkVersion(opts.pepperVersion);
  const cost = checkCost(opts.cost ?? DEFAULT_BCRYPT_COST);
  const bcrypt = await bcryptHash(prehash(password, checkPepper(opts.pepper)), cost);
  return `v${version}$${bcrypt}`;
}

/** The version and cost a stored hash was made with, or null when it is not one of ours. */
export function parseStoredHash(stored: string): { pepperVersion: number; cost: number } | null {
  const m = typeof stored === 'string' ? STORED.exec(stored) : null;
  if (!m) return null;
  try {
    return { pepperVersion: Number(m[1]), cost: bcryptCost(m[2]!) };
  } catch {
    return null;
  }
}

export async function verifyPassword(
  password: string,
  stored: string,
  peppers: ReadonlyMap<number, Uint8Array>,
  current: CurrentHashParams,
): Promise<VerifyResult> {
  const currentCost = checkCost(current.cost ?? DEFAULT_BCRYPT_COST);
  const currentVersion = checkVersion(current.pepperVersion);
  const m = typeof stored === 'string' ? STORED.exec(stored) : null;
  const pepper = m ? peppers.get(Number(m[1])) : undefined;
  if (!m || !pepper || typeof password !== 'string') {
    // Unknown format or retired pepper: spend the same time as a real check, then refuse.
    await dummyVerify(typeof password === 'string' ? password : '', { cost: currentCost });
    return { ok: false, needsRehash: false };
  }
  const bcrypt = m[2]!;
  const ok = await bcryptVerify(prehash(password, checkPepper(pepper)), bcrypt);
  if (!ok) return { ok: false, needsRehash: false };
  let cost: number;
  try {
    cost = bcryptCost(bcrypt);
  } catch {
    cost = -1;
  }
  return { ok: true, needsRehash: cost !== currentCost || Number(m[1]) !== currentVersion };
}

// One dummy hash per cost, made on first use with a random pepper and password nobody knows.
const dummyHashes = new Map<number, Promise<string>>();
const dummyPepper = randomBytes(32);

function dummyHash(cost: number): Promise<string> {
  let pending = dummyHashes.get(cost);
  if (!pending) {
    pending = bcryptHash(prehash(randomBytes(32).toString('base64'), dummyPepper), cost);
    dummyHashes.set(cost, pending);
  }
  return pending;
}

/**
 * One bcrypt verification that always fails, at the given cost (default 11): call it when the
 * account does not exist so the response takes as long as a real password check. The first call
 * per cost also makes the dummy hash; call `warmDummyHash` at startup to keep that off a request.
 */
export async function dummyVerify(password: string, opts: { cost?: number } = {}): Promise<VerifyResult> {
  const cost = checkCost(opts.cost ?? DEFAULT_BCRYPT_COST);
  await bcryptVerify(prehash(String(password), dummyPepper), await dummyHash(cost));
  return { ok: false, needsRehash: false };
}

/** The dummy hash verified for a cost: a real bcrypt hash at that cost (tests check it is one). */
export function dummyHashFor(cost: number = DEFAULT_BCRYPT_COST): Promise<string> {
  return dummyHash(checkCost(cost));
}

/** Precomputes the dummy hash for a cost (startup), so the first unknown-account login is not slower. */
export async function warmDummyHash(cost: number = DEFAULT_BCRYPT_COST): Promise<void> {
  await dummyHash(checkCost(cost));
}
