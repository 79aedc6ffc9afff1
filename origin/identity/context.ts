/**
 * Identity settings resolved once at start-up (AppContext.identity): peppers, bcrypt cost,
 * password policy, session timeouts, the secret behind captchas and CSRF tokens, and the
 * mail transport.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ApiError } from '../../shared/errors.js';
import type { OriginConfig } from '../config.js';
import type { Result } from '../http/result.js';
import { AfterResponseQueue } from './after-response.js';
import type { IdentityLogger } from './logger.js';
import { checkBreached, checkPassword, type PasswordStrength } from './passwords/password-policy.js';
import { dummyVerify, hashPassword, verifyPassword } from './passwords/passwords.js';
import { normaliseRecoveryCode } from './totp/totp.js';
import { parseMasterKeys } from '../crypto/envelope.js';
import { personalDataFromConfig, type PersonalData } from '../crypto/personal-data.js';
import { maskAddress, type MailMessage, type MailTransport } from './mail.js';
import type { SessionPolicy } from './sessions/sessions.js';

export interface IdentityContext {
  peppers: ReadonlyMap<number, Uint8Array>;
  pepperVersion: number;
  bcryptCost: number;
  passwordPolicy: 'default' | 'nist';
  /** HIBP range API base URL, or null when disabled (`HIBP_URL=off`). */
  hibpUrl: string | null;
  hibpTimeoutMs: number;
  sessionPolicy: SessionPolicy;
  /** Signs captcha challenges and derives CSRF tokens. */
  authSecret: string;
  /** During an AUTH_SECRET rotation: the previous secret, accepted when verifying until `until` (null: until removed). */
  previousAuthSecret: { secret: string; until: Date | null } | null;
  captchaAfter: number;
  failureWindowMs: number;
  keyRotationGraceMs: number;
  /** How recent a session's re-authentication must be for sensitive changes. */
  reauthMaxAgeMs: number;
  publicAppUrl: string;
  mail: MailTransport;
  /** The account-dependent work of unauthenticated requests, done after answering (identity/after-response.ts). */
  afterResponse: AfterResponseQueue;
  /** Encrypts and blind-indexes personal data at rest (emails, names, addresses) under MASTER_KEYS. */
  personalData: PersonalData;
}

/** A fixed development pepper, so local PGlite accounts survive restarts (production refuses to start without PASSWORD_PEPPERS). */
const DEV_PEPPER = createHash('sha256').update('ghee local development pepper — not a secret').digest();

export function identityFromConfig(config: OriginConfig, mail: MailTransport, afterResponse = new AfterResponseQueue()): IdentityContext {
  const peppers = config.PASSWORD_PEPPERS ? parseMasterKeys(config.PASSWORD_PEPPERS) : { current: 1, keys: new Map([[1, DEV_PEPPER]]) };
  return {
    peppers: peppers.keys,
    pepperVersion: peppers.current,
    bcryptCost: config.BCRYPT_COST,
    passwordPolicy: config.PASSWORD_POLICY,
    hibpUrl: config.HIBP_URL === 'off' ? null : config.HIBP_URL,
    hibpTimeoutMs: config.HIBP_TIMEOUT_MS,
    sessionPolicy: { idleMs: config.SESSION_IDLE_MINUTES * 60_000, absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000 },
    authSecret: config.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
    previousAuthSecret: config.PREVIOUS_AUTH_SECRET
      ? { secret: config.PREVIOUS_AUTH_SECRET, until: config.PREVIOUS_AUTH_SECRET_UNTIL ? new Date(config.PREVIOUS_AUTH_SECRET_UNTIL) : null }
      : null,
    captchaAfter: config.LOGIN_CAPTCHA_AFTER,
    failureWindowMs: config.LOGIN_FAILURE_WINDOW_MINUTES * 60_000,
    keyRotationGraceMs: config.KEY_ROTATION_GRACE_SECONDS * 1000,
    reauthMaxAgeMs: config.REAUTH_MAX_AGE_MINUTES * 60_000,
    publicAppUrl: config.PUBLIC_APP_URL.replace(/\/+$/, ''),
    mail,
    afterResponse,
    personalData: personalDataFromConfig(config.MASTER_KEYS),
  };
}

/**
 * Checks a new password against the policy and the breach list: the strength feedback for the
 * response, or `invalid` naming every reason (detail after 'Invalid request: ').
 */
export async function checkNewPassword(
  identity: IdentityContext,
  logger: IdentityLogger,
  password: string,
  who: { email?: string | null; name?: string | null; organizationName?: string | null },
): Promise<Result<PasswordStrength>> {
  const check = checkPassword(password, { policy: identity.passwordPolicy, ...who });
  if (!check.ok) return { ok: false, error: 'invalid', detail: `password: ${check.reasons.map((r) => r.message).join(' ')}` };
  if (identity.hibpUrl) {
    const breach = await checkBreached(password, { endpoint: identity.hibpUrl, timeoutMs: identity.hibpTimeoutMs, logger });
    if (breach.breached) return { ok: false, error: 'invalid', detail: 'password: this password has appeared in a data breach; choose another.' };
  }
  return { ok: true, value: check.strength };
}

/** `checkNewPassword` for routes: refuses (400 naming every reason) or returns the strength feedback. */
export async function assertAcceptablePassword(
  identity: IdentityContext,
  logger: IdentityLogger,
  password: string,
  who: { email?: string | null; name?: string | null; organizationName?: string | null },
): Promise<PasswordStrength> {
  const r = await checkNewPassword(identity, logger, password, who);
  if (!r.ok) throw new ApiError('bad_request', `Invalid request: ${r.detail}`);
  return r.value;
}

/**
 * Sends a mail; a transport failure is logged (recipient masked, no body: it holds tokens)
 * and does not fail the request — the account change already committed, and every flow can
 * be restarted (forgot-password also verifies the address).
 */
export async function sendMail(identity: IdentityContext, logger: IdentityLogger & { error(obj: object, msg: string): void }, msg: MailMessage): Promise<boolean> {
  try {
    await identity.mail.send(msg);
    return true;
  } catch (err) {
    logger.error({ mail: { to: maskAddress(msg.to), subject: msg.subject }, err: err instanceof Error ? err.message : 'unknown' }, 'mail delivery failed');
    return false;
  }
}


/**
 * Recovery codes carry ~50 bits: a plain hash could be brute-forced offline from a leaked
 * table, so they are stored as `v<n>$` + HMAC-SHA-256(pepper v<n>, normalised code) — the
 * database alone is not enough. `recoveryCodeLookups` gives the value under every known
 * pepper, so codes survive a pepper rotation.
 */
export function recoveryCodeHash(identity: IdentityContext, code: string, version = identity.pepperVersion): string {
  const pepper = identity.peppers.get(version);
  if (!pepper) throw new Error(`no pepper v${version}`);
  return `v${version}$${createHmac('sha256', pepper).update(`recovery:${normaliseRecoveryCode(code)}`, 'utf8').digest('hex')}`;
}

export function recoveryCodeLookups(identity: IdentityContext, code: string): string[] {
  return [...identity.peppers.keys()].map((v) => recoveryCodeHash(identity, code, v));
}

/**
 * The secrets a CSRF token or captcha challenge may have been made with at `now`: AUTH_SECRET, and
 * during a rotation's grace window the previous one (verification only; new ones use AUTH_SECRET).
 */
export function verifyingAuthSecrets(identity: Pick<IdentityContext, 'authSecret' | 'previousAuthSecret'>, now = new Date()): string[] {
  const prev = identity.previousAuthSecret;
  return prev && (prev.until === null || now < prev.until) ? [identity.authSecret, prev.secret] : [identity.authSecret];
}

/** The stored hash of a new password under the current pepper and cost. */
export function hashNewPassword(identity: IdentityContext, password: string): Promise<string> {
  return hashPassword(password, { pepper: identity.peppers.get(identity.pepperVersion)!, pepperVersion: identity.pepperVersion, cost: identity.bcryptCost });
}

/** Verifies against the stored hash (null = unknown account or no password: still costs one bcrypt, then fails). */
export function verifyUserPassword(identity: IdentityContext, password: string, stored: string | null): Promise<{ ok: boolean; needsRehash: boolean }> {
  if (!stored) return dummyVerify(password, { cost: identity.bcryptCost });
  return verifyPassword(password, stored, identity.peppers, { pepperVersion: identity.pepperVersion, cost: identity.bcryptCost });
}
