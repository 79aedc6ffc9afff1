/**
 * The identity services' helpers around the one `Result` of origin/http/result.ts (whose kinds
 * include the refusals of proving who you are: invalid_credentials, otp_required,
 * email_unverified, captcha_required, rate_limited with its Retry-After), and what those
 * services need besides the database handle. Here (not in http/) because the services use them;
 * nothing here runs HTTP.
 */
import type { Envelope } from '../crypto/envelope.js';
import type { Refusal, Result, ServiceErrorKind } from '../http/result.js';
import type { WriteActor } from '../outbox/index.js';
import type { IdentityContext } from './context.js';
import type { IdentityLogger } from './logger.js';

/** Kept as names the identity services already use: the one Result and its refusal. */
export type AuthResult<T> = Result<T>;
export type AuthRefusal = Refusal;

export function refuse(error: ServiceErrorKind, detail: string, retryAfterS?: number): Refusal {
  return retryAfterS === undefined ? { ok: false, error, detail } : { ok: false, error, detail, retryAfterS };
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
