import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_STATUS } from '../../shared/errors.js';
import { SERVICE_ERROR_CODE, unwrap, type Result, type ServiceErrorKind } from './result.js';

const refusal = (error: ServiceErrorKind, detail = 'why'): Result<number> => ({ ok: false, error, detail });
const thrown = (f: () => unknown): ApiError => {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('did not throw');
};

describe('unwrap', () => {
  it('returns the value of a success', () => {
    expect(unwrap({ ok: true, value: 7 })).toBe(7);
  });

  it('answers each kind with its status', () => {
    const statuses = Object.fromEntries((Object.keys(SERVICE_ERROR_CODE) as ServiceErrorKind[]).map((k) => [k, thrown(() => unwrap(refusal(k))).status]));
    expect(statuses).toEqual({
      not_found: 404,
      invalid: 400,
      duplicate: 400,
      conflict: 409,
      version_mismatch: 412,
      forbidden: 403,
      plan_limit: 402,
      invalid_credentials: 401,
      otp_required: 401,
      email_unverified: 403,
      captcha_required: 403,
      rate_limited: 429,
    });
    for (const code of Object.values(SERVICE_ERROR_CODE)) expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
  });

  it('answers a throttle with its Retry-After, and no other refusal with one', () => {
    expect(thrown(() => unwrap({ ok: false, error: 'rate_limited', detail: 'slow down', retryAfterS: 30 })).headers).toEqual({ 'retry-after': '30' });
    expect(thrown(() => unwrap(refusal('invalid_credentials'))).headers).toEqual({});
  });

  it('prefixes only invalid details', () => {
    expect(thrown(() => unwrap(refusal('invalid', 'bad field.'), 'Invalid request: ')).detail).toBe('Invalid request: bad field.');
    for (const k of ['not_found', 'duplicate', 'conflict', 'version_mismatch', 'forbidden'] as const) expect(thrown(() => unwrap(refusal(k, 'as said.'), 'Invalid request: ')).detail).toBe('as said.');
  });
});
