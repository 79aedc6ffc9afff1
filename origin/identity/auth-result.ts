/**
 * The refusals of proving who you are, beside the one `Result` of origin/http/result.ts.
 *
 * The identity services (sign-up, login, recovery, sessions, 2FA) return `AuthResult<T>`: the
 * one `Result<T>` (its kinds: invalid, conflict, …) or one of the authentication refusals below,
 * which have no service kind yet (wrong credentials 401, a second factor required 401, an
 * unverified address 403, a captcha 403, a throttle 429 with its Retry-After). Their names ARE
 * shared/errors.ts codes, so the route's mapping (`unwrapAuth` in accounts/routes.ts) is one
 * line and cannot drift; folding them into `ServiceErrorKind` is a mechanical change.
 * Here (not in http/) because the services produce them; nothing here runs HTTP.
 */
import type { ErrorCode } from '../../shared/errors.js';
import type { Envelope } from '../crypto/envelope.js';
import type { Result } from '../http/result.js';
import type { WriteActor } from '../outbox/index.js';
import type { IdentityContext } from './context.js';
import type { IdentityLogger } from './logger.js';

export const AUTH_REFUSALS = ['invalid_credentials', 'otp_required', 'email_unverified', 'captcha_required', 'rate_limited'] as const satisfies readonly ErrorCode[];
export type AuthRefusalCode = (typeof AUTH_REFUSALS)[number];

export interface AuthRefusal {
  ok: false;
  error: AuthRefusalCode;
  detail: string;
  /** Seconds the caller should wait (rate_limited). */
  retryAfterS?: number;
}

export type AuthResult<T> = Result<T> | AuthRefusal;

export function refuse(error: AuthRefusalCode, detail: string, retryAfterS?: number): AuthRefusal {
  return retryAfterS === undefined ? { ok: false, error, detail } : { ok: false, error, detail, retryAfterS };
}

export function isAuthRefusal(r: { ok: false; error: string }): r is AuthRefusal {
  return (AUTH_REFUSALS as readonly string[]).includes(r.error);
}

/** An identity service's success. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** What the identity services need besides the database handle. */
export interface AuthDeps {
  identity: IdentityContext;
  envelope: Envelope;
  logger: IdentityLogger & { error(obj: object, msg: string): void };
  /** The request's clock. */
  now: () => Date;
}

/** Who makes an identity request: the commit step's actor, with the request's client address. */
export type RequestActor = WriteActor & { ip: string };
