import { describe, it, expect } from 'vitest';
import { ApiError, DEFAULT_DETAIL, ERROR_STATUS, errorBody, statusToCode, type ErrorCode } from './errors.js';

const CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

describe('ERROR_STATUS', () => {
  it('maps every code to the documented HTTP status', () => {
    expect(ERROR_STATUS).toEqual({
      bad_request: 400,
      invalid_token: 401,
      unauthenticated: 401,
      forbidden: 403,
      captcha_required: 403,
      email_unverified: 403,
      mfa_enrollment_required: 403,
      reauthentication_required: 403,
      csrf_failed: 403,
      otp_required: 401,
      invalid_credentials: 401,
      conflict: 409,
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
    });
  });

  it('only contains error statuses (4xx/5xx)', () => {
    for (const code of CODES) {
      expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(ERROR_STATUS[code]).toBeLessThan(600);
    }
  });

  it('has snake_case machine-readable codes', () => {
    for (const code of CODES) for (const word of code.split('_')) expect(word, code).toMatch(/^[a-z]+$/);
  });

  it('has a default detail for every code and no extra ones', () => {
    expect(Object.keys(DEFAULT_DETAIL).sort()).toEqual([...CODES].sort());
    for (const code of CODES) expect(DEFAULT_DETAIL[code].length).toBeGreaterThan(0);
  });

  it('keeps the ButterCMS wording where ButterCMS has one', () => {
    expect(DEFAULT_DETAIL.invalid_token).toBe('Invalid token');
    expect(DEFAULT_DETAIL.not_found).toBe('Not found.');
  });
});

describe('ApiError', () => {
  it.each(CODES.map((c) => [c, ERROR_STATUS[c]] as const))('%s has status %i', (code, status) => {
    expect(new ApiError(code, 'x').status).toBe(status);
  });

  it('is an Error carrying code, detail and headers', () => {
    const err = new ApiError('rate_limited', 'Slow down.', { 'retry-after': '30' });
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.name).toBe('ApiError');
    expect(err.code).toBe('rate_limited');
    expect(err.detail).toBe('Slow down.');
    expect(err.message).toBe('Slow down.');
    expect(err.headers).toEqual({ 'retry-after': '30' });
    expect(err.status).toBe(429);
  });

  it('defaults headers to an empty object', () => {
    expect(new ApiError('not_found', 'Not found.').headers).toEqual({});
  });

  it('does not share the default headers object between instances', () => {
    const a = new ApiError('forbidden', 'a');
    const b = new ApiError('forbidden', 'b');
    a.headers['x-test'] = '1';
    expect(b.headers).toEqual({});
  });
});

describe('errorBody', () => {
  it('has exactly the keys detail, code and request_id', () => {
    const body = errorBody('not_found', 'Not found.', 'req-123');
    expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'request_id']);
    expect(body).toEqual({ detail: 'Not found.', code: 'not_found', request_id: 'req-123' });
  });

  it('serialises to the one JSON shape', () => {
    const json = JSON.stringify(errorBody('invalid_token', 'Invalid token', 'abc'));
    expect(JSON.parse(json)).toStrictEqual({ detail: 'Invalid token', code: 'invalid_token', request_id: 'abc' });
  });

  it.each(CODES.map((c) => [c]))('keeps the %s code verbatim', (code) => {
    const body = errorBody(code, DEFAULT_DETAIL[code], 'r');
    expect(body.code).toBe(code);
    expect(body.detail).toBe(DEFAULT_DETAIL[code]);
    expect(body.request_id).toBe('r');
  });
});

describe('statusToCode', () => {
  it('maps each mapped status back to a code with that status', () => {
    for (const code of CODES) {
      const status = ERROR_STATUS[code];
      expect(ERROR_STATUS[statusToCode(status)]).toBe(status);
    }
  });

  it('maps unique statuses exactly', () => {
    expect(statusToCode(400)).toBe('bad_request');
    expect(statusToCode(403)).toBe('forbidden');
    expect(statusToCode(404)).toBe('not_found');
    expect(statusToCode(405)).toBe('method_not_allowed');
    expect(statusToCode(412)).toBe('precondition_failed');
    expect(statusToCode(413)).toBe('payload_too_large');
    expect(statusToCode(415)).toBe('unsupported_media_type');
    expect(statusToCode(429)).toBe('rate_limited');
    expect(statusToCode(500)).toBe('internal_error');
    expect(statusToCode(502)).toBe('bad_gateway');
    expect(statusToCode(503)).toBe('unavailable');
    expect(statusToCode(504)).toBe('gateway_timeout');
  });

  it('maps 401 to one of the 401 codes', () => {
    expect(['invalid_token', 'unauthenticated']).toContain(statusToCode(401));
  });

  it('falls back to internal_error for unmapped 5xx', () => {
    for (const s of [501, 505, 507, 599]) expect(statusToCode(s)).toBe('internal_error');
  });

  it('maps 409 to conflict', () => expect(statusToCode(409)).toBe('conflict'));

  it('falls back to bad_request for unmapped 4xx', () => {
    for (const s of [406, 410, 418, 422, 451]) expect(statusToCode(s)).toBe('bad_request');
    expect(statusToCode(402)).toBe('plan_limit');
  });
});
