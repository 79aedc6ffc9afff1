/**
 * The one error shape of ghee, shared by edge and origin:
 *   { "detail": "...", "code": "...", "request_id": "..." }
 * `detail` keeps ButterCMS compatibility (its SDKs read `detail`); `code` is stable and
 * machine-readable; `request_id` ties a report to the logs.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_token: 401,
  unauthenticated: 401,
  forbidden: 403,
  captcha_required: 403,
  email_unverified: 403,
  mfa_enrollment_required: 403,
  csrf_failed: 403,
  reauthentication_required: 403,
  otp_required: 401,
  invalid_credentials: 401,
  conflict: 409,
  /** A billing plan's limit (origin/billing/): the detail names the limit and the plan. */
  plan_limit: 402,
  waf_blocked: 403,
  ip_blocked: 403,
  https_required: 403,
  cors_forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  precondition_failed: 412,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  bad_gateway: 502,
  unavailable: 503,
  gateway_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export interface ErrorBody {
  detail: string;
  code: ErrorCode;
  request_id: string;
}

/** Thrown inside HTTP handlers; turned into the error shape by the app's one `onError`. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.name = 'ApiError';
    this.code = code;
    this.detail = detail;
    this.headers = headers;
  }

  get status(): ErrorStatus {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, detail: string, requestId: string): ErrorBody {
  return { detail, code, request_id: requestId };
}

/** Default wording, ButterCMS-compatible where ButterCMS has one ("Invalid token", "Not found."). */
export const DEFAULT_DETAIL: Record<ErrorCode, string> = {
  bad_request: 'Bad request.',
  invalid_token: 'Invalid token',
  unauthenticated: 'Authentication credentials were not provided.',
  forbidden: 'You do not have permission to perform this action.',
  captcha_required: 'Solve the captcha to continue.',
  email_unverified: 'Verify your email address first.',
  mfa_enrollment_required: 'This organization requires two-factor authentication: enroll first.',
  csrf_failed: 'Missing or invalid CSRF token.',
  reauthentication_required: 'Confirm your password first (POST /v1/auth/reauthenticate).',
  otp_required: 'A two-factor code is required.',
  invalid_credentials: 'Invalid email or password.',
  conflict: 'The request conflicts with the current state.',
  plan_limit: "This would exceed your plan's limits.",
  waf_blocked: 'Request blocked.',
  ip_blocked: 'Requests from this address are blocked.',
  https_required: 'HTTPS is required.',
  cors_forbidden: 'Origin not allowed.',
  not_found: 'Not found.',
  method_not_allowed: 'Method not allowed.',
  precondition_failed: 'The resource has changed since you read it.',
  payload_too_large: 'Request body too large.',
  uri_too_long: 'Request URL too long.',
  unsupported_media_type: 'Unsupported media type.',
  rate_limited: 'Request was throttled.',
  headers_too_large: 'Request headers too large.',
  internal_error: 'Internal server error.',
  bad_gateway: 'The origin could not be reached.',
  unavailable: 'Service unavailable.',
  gateway_timeout: 'The origin timed out.',
};

export function statusToCode(status: number): ErrorCode {
  for (const [code, s] of Object.entries(ERROR_STATUS)) {
    if (s === status) return code as ErrorCode;
  }
  return status >= 500 ? 'internal_error' : 'bad_request';
}
