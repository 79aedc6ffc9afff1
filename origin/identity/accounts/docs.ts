/**
 * The OpenAPI descriptions of the account and session routes under /v1/auth (issue 18; mechanism:
 * origin/http/openapi.ts). Each is a route's first handler; bodies are the zod schemas the routes
 * validate with, handed in by the routes themselves. Every answer here is `Cache-Control: no-store`.
 */
import { z } from 'zod';
import { describe, errors, jsonBody, jsonOk, SECURITY } from '../../http/openapi.js';

const TAGS = ['Accounts'];
const TIME = '2026-01-05T09:30:00.000Z';
const CSRF = 'k2V9d0Qm7xYbT4nR1sLp8wZc3aHf6uJe';
const status = <S extends string>(s: S) => z.object({ status: z.literal(s) });
const withCsrf = <S extends string>(s: S) => z.object({ status: z.literal(s), csrf_token: z.string() });
/** Public account flows: no credentials; throttled per address (429 with Retry-After), a captcha after repeated failures. */
const PUBLIC = SECURITY.none;

export const signupDoc = (body: z.ZodType) =>
  describe({
    operationId: 'signUp',
    summary: 'Sign up',
    description: 'Creates an organization and its owner, and mails a verification link. The answer is the same whether or not the email already has an account (no account enumeration).',
    tags: TAGS,
    security: PUBLIC,
    requestBody: jsonBody(body, { email: 'ada@example.org', password: 'correct horse battery staple', name: 'Ada Lovelace', organization_name: 'Analytical Engines' }),
    responses: {
      201: jsonOk('Verification mail on its way.', z.object({ status: z.literal('verification_sent'), password_strength: z.unknown() }), { status: 'verification_sent', password_strength: { score: 4 } }),
      ...errors(400, 403, 413, 415),
    },
  });

export const verifyEmailDoc = (body: z.ZodType) =>
  describe({
    operationId: 'verifyEmail',
    summary: 'Verify an email address',
    description: 'Consumes the single-use token from the verification mail.',
    tags: TAGS,
    security: PUBLIC,
    requestBody: jsonBody(body, { token: 'vR8sT2kLm9Qx4ZbN7cWd1YfH3gJp6aEu' }),
    responses: { 200: jsonOk('Verified.', status('verified'), { status: 'verified' }), ...errors(400, 413, 415) },
  });

export const captchaDoc = describe({
  operationId: 'getCaptcha',
  summary: 'A captcha challenge',
  description: 'A proof-of-work challenge (ALTCHA), signed and valid for 10 minutes: solve it and send the solution as `captcha` when a login or sign-up answers captcha_required.',
  tags: TAGS,
  security: PUBLIC,
  responses: { 200: jsonOk('The challenge.', z.record(z.string(), z.unknown()), { parameters: { algorithm: 'PBKDF2/SHA-256' }, signature: '9f86d081884c7d65' }), ...errors() },
});

export const loginDoc = (body: z.ZodType) =>
  describe({
    operationId: 'logIn',
    summary: 'Sign in',
    description:
      'Password (and a 2FA code or a recovery code when enrolled). Sets the session cookie (`__Host-`, Secure, HttpOnly, SameSite) and answers its CSRF token, required as `x-csrf-token` on every state change. Failures are generic and cost the same whether or not the account exists.',
    tags: TAGS,
    security: PUBLIC,
    requestBody: jsonBody(body, { email: 'ada@example.org', password: 'correct horse battery staple', otp: '123456' }),
    responses: {
      200: jsonOk('Signed in.', z.object({ status: z.literal('signed_in'), csrf_token: z.string(), expires_at: z.string() }), { status: 'signed_in', csrf_token: CSRF, expires_at: TIME }),
      ...errors(400, 401, 403, 413, 415),
    },
  });

export const sessionDoc = describe({
  operationId: 'getSession',
  summary: 'The current session',
  description: 'Who is signed in, the CSRF token, and the memberships (organization, role, default space).',
  tags: TAGS,
  security: SECURITY.session,
  responses: {
    200: jsonOk(
      'The session.',
      z.object({
        data: z.object({
          user_id: z.string(),
          email: z.string(),
          two_factor: z.boolean(),
          csrf_token: z.string(),
          memberships: z.array(z.object({ organization_id: z.string(), space_id: z.string().nullable(), role: z.string(), name: z.string(), default_space_id: z.string().nullable() })),
        }),
      }),
      {
        data: {
          user_id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
          email: 'ada@example.org',
          two_factor: true,
          csrf_token: CSRF,
          memberships: [{ organization_id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', space_id: null, role: 'owner', name: 'Analytical Engines', default_space_id: '7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d' }],
        },
      },
    ),
    ...errors(401, 403),
  },
});

export const logoutDoc = describe({
  operationId: 'logOut',
  summary: 'Sign out',
  description: 'Ends this session and clears its cookie.',
  tags: TAGS,
  security: SECURITY.session,
  responses: { 200: jsonOk('Signed out.', status('signed_out'), { status: 'signed_out' }), ...errors(401, 403) },
});

export const logoutAllDoc = describe({
  operationId: 'logOutEverywhere',
  summary: 'Sign out everywhere',
  description: 'Ends every session of the user.',
  tags: TAGS,
  security: SECURITY.session,
  responses: { 200: jsonOk('Signed out.', z.object({ status: z.literal('signed_out'), sessions_revoked: z.number().int() }), { status: 'signed_out', sessions_revoked: 3 }), ...errors(401, 403) },
});

export const forgotDoc = (body: z.ZodType) =>
  describe({
    operationId: 'requestPasswordReset',
    summary: 'Request a password reset',
    description: 'Mails a reset link (valid 1 hour) if the account exists; the answer, and its timing, are the same either way.',
    tags: TAGS,
    security: PUBLIC,
    requestBody: jsonBody(body, { email: 'ada@example.org' }),
    responses: { 202: jsonOk('Accepted.', status('reset_sent'), { status: 'reset_sent' }), ...errors(400, 413, 415) },
  });

export const resetDoc = (body: z.ZodType) =>
  describe({
    operationId: 'resetPassword',
    summary: 'Reset a password',
    description: 'The single-use token from the mail and a new password (checked against the password policy and known breaches). Ends every session.',
    tags: TAGS,
    security: PUBLIC,
    requestBody: jsonBody(body, { token: 'vR8sT2kLm9Qx4ZbN7cWd1YfH3gJp6aEu', password: 'a new long passphrase' }),
    responses: { 200: jsonOk('Reset.', status('password_reset'), { status: 'password_reset' }), ...errors(400, 413, 415) },
  });

export const changeDoc = (body: z.ZodType) =>
  describe({
    operationId: 'changePassword',
    summary: 'Change the password',
    description: 'The current and a new password. Ends the other sessions; this one gets a new CSRF token.',
    tags: TAGS,
    security: SECURITY.session,
    requestBody: jsonBody(body, { current_password: 'correct horse battery staple', new_password: 'a new long passphrase' }),
    responses: { 200: jsonOk('Changed.', withCsrf('password_changed'), { status: 'password_changed', csrf_token: CSRF }), ...errors(400, 401, 403, 413, 415) },
  });

export const reauthDoc = (body: z.ZodType) =>
  describe({
    operationId: 'reauthenticate',
    summary: 'Confirm the password',
    description: 'Password (and 2FA code): for REAUTH_MAX_AGE_MINUTES this session counts as recently signed in, which sensitive actions (2FA changes, key creation, …) require.',
    tags: TAGS,
    security: SECURITY.session,
    requestBody: jsonBody(body, { password: 'correct horse battery staple', otp: '123456' }),
    responses: { 200: jsonOk('Confirmed.', z.object({ status: z.literal('reauthenticated'), valid_until: z.string() }), { status: 'reauthenticated', valid_until: TIME }), ...errors(400, 401, 403, 413, 415) },
  });

export const twoFactorSetupDoc = describe({
  operationId: 'setUpTwoFactor',
  summary: 'Start 2FA enrolment',
  description: 'A new TOTP secret, its otpauth URI and a QR image; confirmed with a code. Needs a recent re-authentication.',
  tags: TAGS,
  security: SECURITY.session,
  responses: {
    200: jsonOk(
      'The secret to enrol.',
      z.object({ data: z.object({ secret: z.string(), otpauth_uri: z.string(), qr_image: z.string() }) }),
      { data: { secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/ghee:ada%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=ghee', qr_image: 'data:image/png;base64,iVBORw0KGgo=' } },
    ),
    ...errors(401, 403, 409),
  },
});

export const twoFactorConfirmDoc = (body: z.ZodType) =>
  describe({
    operationId: 'confirmTwoFactor',
    summary: 'Confirm 2FA enrolment',
    description: 'A code from the authenticator turns 2FA on and answers the recovery codes, once. Ends the other sessions.',
    tags: TAGS,
    security: SECURITY.session,
    requestBody: jsonBody(body, { code: '123456' }),
    responses: {
      200: jsonOk('Enrolled.', z.object({ data: z.object({ recovery_codes: z.array(z.string()), csrf_token: z.string() }) }), { data: { recovery_codes: ['k3mf-9xq2-h7wd'], csrf_token: CSRF } }),
      ...errors(400, 401, 403, 409, 413, 415),
    },
  });

export const twoFactorDisableDoc = (body: z.ZodType) =>
  describe({
    operationId: 'disableTwoFactor',
    summary: 'Turn 2FA off',
    description: 'Password and a 2FA (or recovery) code in the request. Refused where the organization requires 2FA.',
    tags: TAGS,
    security: SECURITY.session,
    requestBody: jsonBody(body, { password: 'correct horse battery staple', otp: '123456' }),
    responses: { 200: jsonOk('Disabled.', withCsrf('disabled'), { status: 'disabled', csrf_token: CSRF }), ...errors(400, 401, 403, 413, 415) },
  });
