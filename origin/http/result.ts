/**
 * The one result model of the origin's services, and its one mapping to HTTP.
 *
 * Services RETURN: a write or lookup that can be refused for a reason the caller caused (not
 * found, invalid, stale If-Match, forbidden, …) returns `Result<T>` — `{ ok: true, value }` or
 * `{ ok: false, error: <ServiceErrorKind>, detail }` — and throws only for what is not the
 * caller's doing (a broken invariant, the database gone). Routes THROW: they turn a refusal into
 * an `ApiError` with `unwrap`, and the app's one `onError` (origin/app.ts) renders it in the one
 * error shape of shared/errors.ts.
 *
 * Here, in http/, because it is the plumbing between a service's refusal and the HTTP answer;
 * the services (content/, identity/) import the `Result` type only (`import type`), so nothing
 * they run depends on HTTP. The mapping goes kind → shared/errors.ts ErrorCode, whose status is
 * ERROR_STATUS's: a new kind does not compile until it has its code (`Record<ServiceErrorKind,
 * ErrorCode>`), and every ErrorCode has a status there.
 */
import { ApiError, type ErrorCode } from '../../shared/errors.js';

/** Why a service refused. */
export type ServiceErrorKind =
  /** The resource (or its space, collection, …) does not exist for this caller. */
  | 'not_found'
  /** The input does not validate (fields, schema, unknown page type, a key or slug already taken in the model). */
  | 'invalid'
  /** A page, post or author with that slug already exists (answered 400, as ButterCMS does). */
  | 'duplicate'
  /** The resource's state forbids the change (an API key already revoked, expired or rotated). */
  | 'conflict'
  /** `If-Match` names another version than the current one. */
  | 'version_mismatch'
  /** The caller may not do this (a live change without content.publish, a grant beyond the caller's). */
  | 'forbidden'
  /** The organization's billing plan does not allow it (a limit reached, writes read-only after a lapsed payment). */
  | 'plan_limit'
  // Proving who you are (identity services):
  /** Wrong email, password, current password or code (generic on purpose). */
  | 'invalid_credentials'
  /** The account has 2FA: the code is required. */
  | 'otp_required'
  /** The address is not verified yet. */
  | 'email_unverified'
  /** Too many failures: a solved captcha is required. */
  | 'captcha_required'
  /** Throttled: try again after `retryAfterS` seconds. */
  | 'rate_limited';

/** A service's refusal. */
export interface Refusal {
  ok: false;
  error: ServiceErrorKind;
  detail: string;
  /** Seconds the caller should wait (rate_limited), answered as Retry-After. */
  retryAfterS?: number;
}

/** What a service returns. */
export type Result<T> = { ok: true; value: T } | Refusal;

/** Each kind's error code (its status is shared/errors.ts ERROR_STATUS's). */
export const SERVICE_ERROR_CODE: Record<ServiceErrorKind, ErrorCode> = {
  not_found: 'not_found',
  invalid: 'bad_request',
  duplicate: 'bad_request',
  conflict: 'conflict',
  version_mismatch: 'precondition_failed',
  forbidden: 'forbidden',
  plan_limit: 'plan_limit',
  invalid_credentials: 'invalid_credentials',
  otp_required: 'otp_required',
  email_unverified: 'email_unverified',
  captcha_required: 'captcha_required',
  rate_limited: 'rate_limited',
};

/**
 * A service result as the HTTP answer: the value, or the kind's error with the service's detail
 * (an `invalid` detail prefixed with `invalidPrefix`, e.g. 'Invalid request: ' for collections).
 * No side effects: the workers' kick after a commit is the commit step's (origin/outbox/commit.ts).
 */
export function unwrap<T>(r: Result<T>, invalidPrefix = ''): T {
  if (r.ok) return r.value;
  throw new ApiError(SERVICE_ERROR_CODE[r.error], r.error === 'invalid' ? `${invalidPrefix}${r.detail}` : r.detail, r.retryAfterS === undefined ? {} : { 'retry-after': String(r.retryAfterS) });
}
