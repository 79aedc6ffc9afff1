/**
 * Password policy and breach check.
 *
 * `checkPassword` applies one of two policies:
 *   default  ≥ 8 characters with letters, numbers and special characters (what the product publishes)
 *   nist     ≥ 15 characters, no composition rules (NIST SP 800-63B-4 for single-factor passwords)
 * and for both:
 *   - at most 256 characters; longer is refused with a reason, never silently truncated;
 *   - not a common password: the @zxcvbn-ts/language-common list (~49,000 entries), compared
 *     case-insensitively, also with leading/trailing digits and symbols stripped ("Password1!");
 *   - not containing the user's email (or its local part), name, organization name or the product
 *     name "ghee", compared case-insensitively on letters and digits only ("G.h.e.e-2024!" counts).
 * Characters are Unicode code points, so "🔑" is one character. A strength estimate (zxcvbn score
 * 0–4 with feedback) is always returned; it informs, the rules above decide.
 *
 * `checkBreached` asks a Have I Been Pwned "range" endpoint (k-anonymity: only the first five hex
 * characters of the SHA-1 leave the process, with response padding requested). It fails open: when
 * the service is down, slow or answers anything but 200 the password is treated as not known to be
 * breached and a warning without any password material is logged.
 */
import { createHash } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as enDictionary, translations } from '@zxcvbn-ts/language-en';
import type { IdentityLogger } from '../logger.js';

export const PRODUCT_NAME = 'ghee';
export const MAX_PASSWORD_LENGTH = 256;
export const MIN_LENGTH = { default: 8, nist: 15 } as const;

export type PasswordPolicy = 'default' | 'nist';

export interface PasswordContext {
  policy: PasswordPolicy;
  email?: string | null;
  name?: string | null;
  organizationName?: string | null;
}

export type PasswordReasonCode =
  | 'too_short'
  | 'too_long'
  | 'missing_letter'
  | 'missing_number'
  | 'missing_special'
  | 'common_password'
  | 'contains_email'
  | 'contains_name'
  | 'contains_organization'
  | 'contains_product_name';

export interface PasswordReason {
  code: PasswordReasonCode;
  message: string;
}

export interface PasswordStrength {
  /** zxcvbn score: 0 (too guessable) … 4 (very unguessable). */
  score: 0 | 1 | 2 | 3 | 4;
  feedback: { warning: string | null; suggestions: string[] };
}

export type PasswordCheck =
  | { ok: true; strength: PasswordStrength }
  | { ok: false; reasons: PasswordReason[]; strength: PasswordStrength };

// ---------------------------------------------------------------------------------------------
// Common passwords

let commonPasswords: Set<string> | undefined;

function commonSet(): Set<string> {
  commonPasswords ??= new Set(commonDictionary['passwords-common'].map((p) => String(p).toLowerCase()));
  return commonPasswords;
}

/** Number of distinct entries in the bundled common-password list. */
export function commonPasswordCount(): number {
  return commonSet().size;
}

/** True when the password, or its core without leading/trailing digits and symbols, is a common password. */
export function isCommonPassword(password: string): boolean {
  const lower = password.normalize('NFKC').toLowerCase();
  const set = commonSet();
  if (set.has(lower)) return true;
  const core = stripAffixes(lower);
  return core.length >= 4 && core !== lower && set.has(core);
}

const LEADING_NON_LETTERS = /^\P{L}+/u;
const TRAILING_NON_LETTERS = /\P{L}+$/u;

function stripAffixes(s: string): string {
  return s.replace(LEADING_NON_LETTERS, '').replace(TRAILING_NON_LETTERS, '');
}

// ---------------------------------------------------------------------------------------------
// Personal information

const NOT_ALNUM = /[^\p{L}\p{N}]+/gu;
const WORD_SEPARATORS = /[^\p{L}\p{N}]+/u;
/** Words too generic in organization names to refuse a password for. */
const ORG_STOPWORDS = new Set(['corp', 'corporation', 'company', 'group', 'gmbh', 'limited', 'holding', 'holdings', 'the']);
const MIN_TOKEN = 3;
const MIN_WORD = 4;

/** Lowercase, NFKC, letters and digits only. */
function compact(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(NOT_ALNUM, '');
}

function words(s: string): string[] {
  return s.normalize('NFKC').toLowerCase().split(WORD_SEPARATORS).filter((w) => w.length >= MIN_WORD);
}

interface Token {
  value: string;
  code: PasswordReasonCode;
}

function personalTokens(ctx: PasswordContext): Token[] {
  const tokens: Token[] = [{ value: PRODUCT_NAME, code: 'contains_product_name' }];
  const add = (raw: string, code: PasswordReasonCode) => {
    const value = compact(raw);
    if (value.length >= MIN_TOKEN) tokens.push({ value, code });
  };
  if (ctx.email) {
    const email = ctx.email.trim();
    add(email, 'contains_email');
    const at = email.lastIndexOf('@');
    const local = at > 0 ? email.slice(0, at) : email;
    add(local, 'contains_email');
    add(stripAffixes(local.toLowerCase()), 'contains_email');
    for (const w of words(local)) add(w, 'contains_email');
  }
  if (ctx.name) {
    add(ctx.name, 'contains_name');
    for (const w of words(ctx.name)) add(w, 'contains_name');
  }
  if (ctx.organizationName) {
    add(ctx.organizationName, 'contains_organization');
    for (const w of words(ctx.organizationName)) if (!ORG_STOPWORDS.has(w)) add(w, 'contains_organization');
  }
  return tokens;
}

const CONTAINS_MESSAGES = new Map<PasswordReasonCode, string>([
  ['contains_email', 'The password must not contain your email address.'],
  ['contains_name', 'The password must not contain your name.'],
  ['contains_organization', 'The password must not contain your organization name.'],
  ['contains_product_name', `The password must not contain the product name "${PRODUCT_NAME}".`],
]);

// ---------------------------------------------------------------------------------------------
// Strength (zxcvbn), initialised on first use: building the ranked dictionaries takes a while.
// zxcvbn is synchronous and its cost grows fast with length and l33t substitutions (a 128-character
// password took ~2 s with the defaults), so it sees at most the first 64 characters with a small
// l33t budget: ≤ ~100 ms worst case on a loaded 2-core machine. Callers still rate-limit.

export const STRENGTH_MAX_LENGTH = 64;

let zxcvbn: ZxcvbnFactory | undefined;

function estimator(): ZxcvbnFactory {
  zxcvbn ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...enDictionary },
    graphs: adjacencyGraphs,
    translations,
    maxLength: STRENGTH_MAX_LENGTH,
    l33tMaxSubstitutions: 6,
  });
  return zxcvbn;
}

function strengthOf(password: string, userInputs: string[]): PasswordStrength {
  const result = estimator().check(password.slice(0, STRENGTH_MAX_LENGTH * 2), userInputs);
  return {
    score: result.score,
    feedback: { warning: result.feedback.warning || null, suggestions: [...result.feedback.suggestions] },
  };
}

// ---------------------------------------------------------------------------------------------

const HAS_LETTER = /\p{L}/u;
const HAS_NUMBER = /\p{N}/u;
const HAS_SPECIAL = /[^\p{L}\p{N}]/u;

export function checkPassword(password: string, ctx: PasswordContext): PasswordCheck {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const policy = ctx.policy;
  if (policy !== 'default' && policy !== 'nist') throw new RangeError(`unknown password policy: ${String(policy)}`);
  const tokens = personalTokens(ctx);
  const userInputs = tokens.map((t) => t.value);

  // A huge input is refused before any per-character work (4 UTF-16 units ≥ 1 code point).
  if (password.length > MAX_PASSWORD_LENGTH * 4) {
    return {
      ok: false,
      reasons: [tooLong()],
      strength: strengthOf(password, userInputs),
    };
  }

  const reasons: PasswordReason[] = [];
  const length = [...password].length;
  const min = MIN_LENGTH[policy];
  if (length < min) {
    reasons.push({ code: 'too_short', message: `The password must be at least ${min} characters long.` });
  }
  if (length > MAX_PASSWORD_LENGTH) reasons.push(tooLong());
  if (policy === 'default') {
    if (!HAS_LETTER.test(password)) reasons.push({ code: 'missing_letter', message: 'The password must contain a letter.' });
    if (!HAS_NUMBER.test(password)) reasons.push({ code: 'missing_number', message: 'The password must contain a number.' });
    if (!HAS_SPECIAL.test(password)) {
      reasons.push({ code: 'missing_special', message: 'The password must contain a special character (anything but a letter or a number).' });
    }
  }
  if (isCommonPassword(password)) {
    reasons.push({ code: 'common_password', message: 'This password is too common; choose another one.' });
  }
  const compacted = compact(password);
  const seen = new Set<PasswordReasonCode>();
  for (const token of tokens) {
    if (!seen.has(token.code) && compacted.includes(token.value)) {
      seen.add(token.code);
      reasons.push({ code: token.code, message: CONTAINS_MESSAGES.get(token.code) ?? 'The password contains personal information.' });
    }
  }

  const strength = strengthOf(password, userInputs);
  return reasons.length === 0 ? { ok: true, strength } : { ok: false, reasons, strength };
}

function tooLong(): PasswordReason {
  return { code: 'too_long', message: `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.` };
}

// ---------------------------------------------------------------------------------------------
// Have I Been Pwned, range API

export const HIBP_ENDPOINT = 'https://api.pwnedpasswords.com';

export interface BreachCheckOptions {
  /** Base URL of the range API, e.g. https://api.pwnedpasswords.com (requests go to `${endpoint}/range/<prefix>`). */
  endpoint: string;
  fetch?: typeof fetch;
  /** Whole request including the body; default 3000. */
  timeoutMs?: number;
  logger: IdentityLogger;
}

export type BreachResult = { breached: boolean; count: number } | { breached: false; unavailable: true };

const RANGE_LINE = /^([0-9A-Fa-f]{35}):(\d{1,12})$/;
const MAX_RESPONSE_CHARS = 2_000_000;

export async function checkBreached(password: string, opts: BreachCheckOptions): Promise<BreachResult> {
  const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
  const prefix = sha1.slice(0, 5);
  const suffix = sha1.slice(5);
  const endpoint = opts.endpoint.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? fetch;
  let host = 'invalid-endpoint';
  try {
    host = new URL(endpoint).host;
  } catch {
    // reported below through the failed fetch
  }
  const unavailable = (detail: Record<string, unknown>): BreachResult => {
    opts.logger.warn({ breachCheck: { host, ...detail } }, 'password breach check unavailable; allowing the password (fail-open)');
    return { breached: false, unavailable: true };
  };

  let body: string;
  try {
    const res = await doFetch(`${endpoint}/range/${prefix}`, {
      headers: { 'Add-Padding': 'true', 'User-Agent': 'ghee-password-check' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
      redirect: 'error',
    });
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      return unavailable({ status: res.status });
    }
    body = await res.text();
  } catch (err) {
    // Only the error's name and code: messages can quote the URL, which carries the hash prefix.
    const e = err as { name?: unknown; code?: unknown; cause?: { code?: unknown } };
    const code = typeof e.cause?.code === 'string' ? e.cause.code : typeof e.code === 'string' ? e.code : undefined;
    const name = typeof e.name === 'string' ? e.name : 'Error';
    return unavailable({ error: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : name, ...(code ? { code } : {}) });
  }
  if (body.length > MAX_RESPONSE_CHARS) return unavailable({ error: 'response too large' });

  for (const raw of body.split('\n')) {
    const m = RANGE_LINE.exec(raw.trim());
    if (!m) continue;
    const count = Number(m[2]);
    // Padding entries carry count 0; they are not breaches.
    if (count > 0 && m[1]!.toUpperCase() === suffix) return { breached: true, count };
  }
  return { breached: false, count: 0 };
}
