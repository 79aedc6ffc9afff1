/**
 * Accounts and sessions (JSON under /v1/auth): the HTTP surface of the identity services —
 * body parsing, the signed-in guards, the service call, its result as the answer (`unwrapAuth`),
 * cookies and headers. The behaviour lives in the services named beside each route.
 *   POST /v1/auth/signup             organization + owner; verification mail (same answer if the email exists)
 *                                    — its mail is sent after the answer          accounts/signup.ts
 *   POST /v1/auth/verify-email       single-use token from the mail                 accounts/signup.ts
 *   GET  /v1/auth/captcha            a proof-of-work challenge (required after repeated failures)  accounts/captcha.ts
 *   POST /v1/auth/login              password (+ 2FA code) → session cookie + CSRF token  accounts/login.ts
 *   GET  /v1/auth/session            who is signed in, CSRF token, memberships      sessions/current-session.ts
 *   POST /v1/auth/logout             ends this session                              sessions/sign-out.ts
 *   POST /v1/auth/logout-all         ends every session of the user                 sessions/sign-out.ts
 *   POST /v1/auth/password/forgot    reset mail (same answer, same work before it, whether or not the account exists)
 *   POST /v1/auth/password/reset     single-use token (1 h) + new password; ends all sessions
 *   POST /v1/auth/password/change    current + new password; ends the other sessions, new token  accounts/recovery.ts (all three)
 *   POST /v1/auth/reauthenticate     password (+ 2FA code): this session counts as recently signed in  sessions/reauthenticate.ts
 *   POST /v1/auth/2fa/setup|confirm  need a recent sign-in in this session (REAUTH_MAX_AGE_MINUTES)
 *   POST /v1/auth/2fa/disable        password + 2FA code in the request (its own re-authentication)  totp/two-factor.ts
 * Failures are generic ("Invalid email or password.") and cost one bcrypt whether or not the
 * account exists. Every event writes its audit row through the commit step, in the transaction
 * of its change.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import { parseBody } from '../../http/body.js';
import { authenticate } from '../../http/request-auth.js';
import { unwrap } from '../../http/result.js';
import { type AuthDeps, type AuthResult, type RequestActor } from '../auth-result.js';
import { sendMail } from '../context.js';
import { emailAddress } from '../email-address.js';
import { MAX_PASSWORD_LENGTH } from '../passwords/password-policy.js';
import { sessionMemberships } from '../sessions/current-session.js';
import { reauthenticate } from '../sessions/reauthenticate.js';
import { clearedSessionCookie, csrfTokenFor, requireRecentReauthentication, sessionCookie, type OpenedSession } from '../sessions/sessions.js';
import { logout, logoutAll } from '../sessions/sign-out.js';
import { confirmTwoFactor, disableTwoFactor, setupTwoFactor } from '../totp/two-factor.js';
import { ipThrottle, pgCaptchaStore, recordAttempt, totpThrottle } from './auth-attempts.js';
import { createCaptchaChallenge } from './captcha.js';
import { login } from './login.js';
import { changePassword, requestPasswordReset, resetPassword } from './recovery.js';
import { signUp, verifyEmail } from './signup.js';
import * as docs from './docs.js';

const AUTH_BODY_LIMIT = 8 * 1024;
/** Per-IP ceilings per hour on actions that send mail or create accounts. */
const SIGNUPS_PER_IP_HOUR = 10;
const RESETS_PER_IP_HOUR = 10;

const email = emailAddress().transform((v) => v.toLowerCase());
// Length is checked by the policy (so none of a long password is ignored, and the reason is clear).
const password = z.string().min(1, { message: 'is required' }).max(4096, { message: `must be at most ${MAX_PASSWORD_LENGTH} characters` });
const name = z.string().trim().min(1).max(200);
const token = z.string().min(16).max(128);
const otp = z.string().regex(/^\d{6}$/, { message: 'must be 6 digits' });
const recoveryCode = z.string().min(8).max(64);

const signupBody = z.object({ email, password, name, organization_name: name }).strict();
const loginBody = z.object({ email, password, otp: otp.optional(), recovery_code: recoveryCode.optional(), captcha: z.string().max(4096).optional() }).strict();
const tokenBody = z.object({ token }).strict();
const forgotBody = z.object({ email }).strict();
const resetBody = z.object({ token, password }).strict();
const changeBody = z.object({ current_password: password, new_password: password }).strict();
const confirmBody = z.object({ code: otp }).strict();
const disableBody = z.object({ password, otp: otp.optional(), recovery_code: recoveryCode.optional() }).strict();
const reauthBody = z.object({ password, otp: otp.optional(), recovery_code: recoveryCode.optional() }).strict();

/** The request's actor (its user when known, the key if one was presented, address and agent). Also used by the orgs and keys routes. */
export function requestActor(c: Context<OriginEnv>, userId: string | null = null): RequestActor {
  return { userId, keyId: c.get('principal')?.keyId ?? null, ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null };
}

/** An identity service's result as the answer: its value, or the refusal as the one error shape (Retry-After on a throttle). */
/** A throttle's answer (null: go on) or a service's result, as the answer. */
function unwrapAuth<T>(r: AuthResult<T> | null): T {
  return r === null ? (undefined as T) : unwrap(r);
}

/** The new session's cookie (appended: a response may also clear another). */
function setSessionCookie(c: Context<OriginEnv>, s: OpenedSession): void {
  c.header('set-cookie', sessionCookie(s.token, s.expiresAt), { append: true });
}

function sessionUser(c: Context<OriginEnv>) {
  const u = c.get('user');
  if (!u) throw new ApiError('forbidden', 'This endpoint is for signed-in users, not API keys.');
  return u;
}

export function authRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const id = ctx.identity;
  const db = () => ctx.database.db;
  const deps: AuthDeps = { identity: id, envelope: ctx.envelope, logger: ctx.logger, now: () => new Date(ctx.now() * 1000) };
  const limit = bodyLimit({
    maxSize: AUTH_BODY_LIMIT,
    onError: () => {
      throw new ApiError('payload_too_large', `Bodies are limited to ${AUTH_BODY_LIMIT} bytes.`, { connection: 'close' });
    },
  });
  const signedIn = authenticate(ctx);
  const captchaStore = pgCaptchaStore(ctx.database.db);
  /** 2FA enrolment and (in keys/routes.ts) key creation need this session to have proved the password lately. */
  const recentlyReauthenticated = (sessionId: string): Promise<Date> => requireRecentReauthentication(db(), sessionId, deps.now(), id.reauthMaxAgeMs);

  app.use('/v1/auth/*', async (c, next) => {
    c.header('cache-control', 'no-store');
    await next();
  });

  /** The account is created before answering (a failure is the request's own 500); the mail goes after. */
  app.post('/v1/auth/signup', docs.signupDoc(signupBody), limit, async (c) => {
    unwrapAuth(await ipThrottle(db(), deps, 'signup', c.get('clientIp'), SIGNUPS_PER_IP_HOUR));
    const body = await parseBody(c, signupBody);
    const out = unwrapAuth(await signUp(db(), deps, { email: body.email, password: body.password, name: body.name, organizationName: body.organization_name }, requestActor(c)));
    id.afterResponse.enqueue(c.get('logger'), out.mail.name, () => sendMail(id, ctx.logger, out.mail.message).then(() => undefined));
    return c.json({ status: 'verification_sent', password_strength: out.strength }, 201);
  });

  app.post('/v1/auth/verify-email', docs.verifyEmailDoc(tokenBody), limit, async (c) => {
    const body = await parseBody(c, tokenBody);
    unwrapAuth(await verifyEmail(db(), deps, body.token, requestActor(c)));
    return c.json({ status: 'verified' });
  });

  app.get('/v1/auth/captcha', docs.captchaDoc, async (c) => {
    return c.json(await createCaptchaChallenge({ hmacKey: id.authSecret, expiresInMs: 10 * 60_000 }));
  });

  app.post('/v1/auth/login', docs.loginDoc(loginBody), limit, async (c) => {
    const body = await parseBody(c, loginBody);
    const input = { email: body.email, password: body.password, otp: body.otp, recoveryCode: body.recovery_code, captcha: body.captcha };
    const session = unwrapAuth(await login(db(), deps, captchaStore, input, requestActor(c)));
    setSessionCookie(c, session);
    return c.json({ status: 'signed_in', csrf_token: session.csrfToken, expires_at: session.expiresAt.toISOString() });
  });

  app.get('/v1/auth/session', docs.sessionDoc, signedIn, async (c) => {
    const u = sessionUser(c);
    const orgs = await sessionMemberships(db(), u.userId);
    return c.json({ data: { user_id: u.userId, email: u.email, two_factor: u.hasTotp, csrf_token: csrfTokenFor(id.authSecret, u.tokenHash), memberships: orgs } });
  });

  app.post('/v1/auth/logout', docs.logoutDoc, signedIn, async (c) => {
    const u = sessionUser(c);
    await logout(db(), deps, u, requestActor(c, u.userId));
    c.header('set-cookie', clearedSessionCookie());
    return c.json({ status: 'signed_out' });
  });

  app.post('/v1/auth/logout-all', docs.logoutAllDoc, signedIn, async (c) => {
    const u = sessionUser(c);
    const n = await logoutAll(db(), deps, u, requestActor(c, u.userId));
    c.header('set-cookie', clearedSessionCookie());
    return c.json({ status: 'signed_out', sessions_revoked: n });
  });

  /**
   * Answers before looking the email up: the lookup, the token and the mail run after the answer
   * (identity/after-response.ts), so neither the answer nor its timing shows whether an account exists.
   */
  app.post('/v1/auth/password/forgot', docs.forgotDoc(forgotBody), limit, async (c) => {
    unwrapAuth(await ipThrottle(db(), deps, 'reset', c.get('clientIp'), RESETS_PER_IP_HOUR));
    const body = await parseBody(c, forgotBody);
    await recordAttempt(db(), id.personalData, { action: 'reset', account: body.email, ip: c.get('clientIp'), success: true, now: deps.now() });
    const actor = requestActor(c);
    id.afterResponse.enqueue(c.get('logger'), 'password.reset_requested', () => requestPasswordReset(db(), deps, body.email, actor));
    return c.json({ status: 'reset_sent' }, 202);
  });

  app.post('/v1/auth/password/reset', docs.resetDoc(resetBody), limit, async (c) => {
    const body = await parseBody(c, resetBody);
    unwrapAuth(await resetPassword(db(), deps, { token: body.token, password: body.password }, requestActor(c)));
    return c.json({ status: 'password_reset' });
  });

  app.post('/v1/auth/password/change', docs.changeDoc(changeBody), signedIn, limit, async (c) => {
    const u = sessionUser(c);
    const body = await parseBody(c, changeBody);
    const session = unwrapAuth(await changePassword(db(), deps, u, { currentPassword: body.current_password, newPassword: body.new_password }, requestActor(c, u.userId)));
    setSessionCookie(c, session);
    return c.json({ status: 'password_changed', csrf_token: session.csrfToken });
  });

  app.post('/v1/auth/reauthenticate', docs.reauthDoc(reauthBody), signedIn, limit, async (c) => {
    const u = sessionUser(c);
    const body = await parseBody(c, reauthBody);
    const done = unwrapAuth(await reauthenticate(db(), deps, u, { password: body.password, otp: body.otp, recoveryCode: body.recovery_code }, requestActor(c, u.userId)));
    return c.json({ status: 'reauthenticated', valid_until: done.validUntil.toISOString() });
  });

  // --- 2FA ---------------------------------------------------------------------------------

  app.post('/v1/auth/2fa/setup', docs.twoFactorSetupDoc, signedIn, async (c) => {
    const u = sessionUser(c);
    await recentlyReauthenticated(u.sessionId);
    const e = unwrapAuth(await setupTwoFactor(db(), deps, u, requestActor(c, u.userId)));
    return c.json({ data: { secret: e.secret, otpauth_uri: e.otpauthUri, qr_image: e.qrImage } });
  });

  app.post('/v1/auth/2fa/confirm', docs.twoFactorConfirmDoc(confirmBody), signedIn, limit, async (c) => {
    const u = sessionUser(c);
    const reauthenticatedAt = await recentlyReauthenticated(u.sessionId);
    unwrapAuth(await totpThrottle(db(), deps, u.userId));
    const body = await parseBody(c, confirmBody);
    const done = unwrapAuth(await confirmTwoFactor(db(), deps, { userId: u.userId, reauthenticatedAt }, body.code, requestActor(c, u.userId)));
    setSessionCookie(c, done.session);
    return c.json({ data: { recovery_codes: done.recoveryCodes, csrf_token: done.session.csrfToken } });
  });

  app.post('/v1/auth/2fa/disable', docs.twoFactorDisableDoc(disableBody), signedIn, limit, async (c) => {
    const u = sessionUser(c);
    unwrapAuth(await totpThrottle(db(), deps, u.userId));
    const body = await parseBody(c, disableBody);
    const session = unwrapAuth(await disableTwoFactor(db(), deps, u, { password: body.password, otp: body.otp, recoveryCode: body.recovery_code }, requestActor(c, u.userId)));
    setSessionCookie(c, session);
    return c.json({ status: 'disabled', csrf_token: session.csrfToken });
  });

  return app;
}
