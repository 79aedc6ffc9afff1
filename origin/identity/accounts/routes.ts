/**
 * Accounts and sessions (JSON under /v1/auth):
 *   POST /v1/auth/signup             organization + owner; verification mail (same answer if the email exists)
 *                                    — its mail is sent after the answer
 *   POST /v1/auth/verify-email       single-use token from the mail
 *   GET  /v1/auth/captcha            a proof-of-work challenge (required after repeated failures)
 *   POST /v1/auth/login              password (+ 2FA code) → session cookie + CSRF token
 *   GET  /v1/auth/session            who is signed in, CSRF token, memberships
 *   POST /v1/auth/logout             ends this session
 *   POST /v1/auth/logout-all         ends every session of the user
 *   POST /v1/auth/password/forgot    reset mail (same answer, same work before it, whether or not the account exists)
 *   POST /v1/auth/password/reset     single-use token (1 h) + new password; ends all sessions
 *   POST /v1/auth/password/change    current + new password; ends the other sessions, new token
 *   POST /v1/auth/reauthenticate     password (+ 2FA code): this session counts as recently signed in
 *   POST /v1/auth/2fa/setup|confirm  need a recent sign-in in this session (REAUTH_MAX_AGE_MINUTES)
 *   POST /v1/auth/2fa/disable        password + 2FA code in the request (its own re-authentication)
 * Failures are generic ("Invalid email or password.") and cost one bcrypt whether or not the
 * account exists. Every event writes an audit row in the transaction of its change.
 */
import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { sha256Hex } from '../../../shared/crypto.js';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { authTokens, memberships, organizations, recoveryCodes, spaces, totpFactors, users, type AuthTokenPurpose } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { parseBody } from '../../http/body.js';
import { createCaptchaChallenge, verifyCaptchaSolution } from './captcha.js';
import { MAX_PASSWORD_LENGTH } from '../passwords/password-policy.js';
import { generateRecoveryCodes, generateTotpSecret, otpauthQrDataUrl, otpauthUri, verifyTotp } from '../totp/totp.js';
import { authenticate } from '../../http/request-auth.js';
import { pgCaptchaStore, recentAttemptsFromIp, recentFailures, recordAttempt, type AttemptAction } from './auth-attempts.js';
import { audit, type AuditActor } from '../../audit/index.js';
import { assertAcceptablePassword, hashNewPassword, recoveryCodeHash, recoveryCodeLookups, sendMail, verifyUserPassword } from '../context.js';
import {
  clearedSessionCookie,
  createSession,
  csrfTokenFor,
  hashSessionToken,
  markReauthenticated,
  requireRecentReauthentication,
  revokeSession,
  revokeUserSessions,
  sessionCookie,
} from '../sessions/sessions.js';
import { createSpace, DEFAULT_SPACE_SLUG } from '../orgs/spaces.js';

const AUTH_BODY_LIMIT = 8 * 1024;
const VERIFY_TTL_MS = 24 * 3_600_000;
const RESET_TTL_MS = 3_600_000;
/** Per-IP ceilings per hour on actions that send mail or create accounts. */
const SIGNUPS_PER_IP_HOUR = 10;
const RESETS_PER_IP_HOUR = 10;
/** 2FA code failures per user in the failure window before refusing further tries. */
const TOTP_FAILURES = 5;
/** Per-IP login failures beyond this many times the captcha threshold get exponential backoff. */
const BACKOFF_FACTOR = 4;
const MAX_BACKOFF_S = 15 * 60;

const email = z
  .string()
  .trim()
  .max(254)
  .email({ message: 'must be an email address' })
  .transform((v) => v.toLowerCase());
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

function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

function slugify(v: string): string {
  const base = v
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${base || 'org'}-${randomToken().slice(0, 6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
}

export function requestActor(c: Context<OriginEnv>, userId: string | null = null): AuditActor {
  return { userId, keyId: c.get('principal')?.keyId ?? null, ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null };
}

export function authRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const id = ctx.identity;
  const db = () => ctx.database.db;
  const now = () => new Date(ctx.now() * 1000);
  const limit = bodyLimit({
    maxSize: AUTH_BODY_LIMIT,
    onError: () => {
      throw new ApiError('payload_too_large', `Bodies are limited to ${AUTH_BODY_LIMIT} bytes.`, { connection: 'close' });
    },
  });
  const signedIn = authenticate(ctx);
  const captchaStore = pgCaptchaStore(ctx.database.db);

  const ipLimit = async (action: AttemptAction, ip: string, max: number) => {
    const n = await recentAttemptsFromIp(db(), action, ip, new Date(now().getTime() - 3_600_000));
    if (n >= max) throw new ApiError('rate_limited', 'Too many requests from this address; try again later.', { 'retry-after': '3600' });
  };

  const issueEmailToken = async (tx: Db, userId: string, purpose: AuthTokenPurpose, ttlMs: number): Promise<string> => {
    const t = randomToken();
    const at = now();
    // A new token supersedes older unused ones of the same purpose.
    await tx.update(authTokens).set({ usedAt: at }).where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, purpose), isNull(authTokens.usedAt)));
    await tx.insert(authTokens).values({ userId, purpose, tokenHash: sha256Hex(t), createdAt: at, expiresAt: new Date(at.getTime() + ttlMs) });
    return t;
  };

  /** Marks a token used (once: concurrent redemptions race on the conditional update). */
  const redeemEmailToken = async (tx: Db, t: string, purpose: AuthTokenPurpose): Promise<string | null> => {
    const [row] = await tx
      .update(authTokens)
      .set({ usedAt: now() })
      .where(and(eq(authTokens.tokenHash, sha256Hex(t)), eq(authTokens.purpose, purpose), isNull(authTokens.usedAt), gt(authTokens.expiresAt, now())))
      .returning({ userId: authTokens.userId });
    return row?.userId ?? null;
  };

  /** A new session; it counts as re-authenticated now unless `reauthenticatedAt` is given. */
  const startSession = async (c: Context<OriginEnv>, tx: Db, userId: string, reauthenticatedAt?: Date) => {
    const s = await createSession(tx, {
      userId,
      ip: c.get('clientIp'),
      userAgent: c.req.header('user-agent') ?? null,
      now: now(),
      policy: id.sessionPolicy,
      ...(reauthenticatedAt ? { reauthenticatedAt } : {}),
    });
    c.header('set-cookie', sessionCookie(s.token, s.expiresAt), { append: true });
    return { sessionId: s.id, csrfToken: csrfTokenFor(id.authSecret, hashSessionToken(s.token)), expiresAt: s.expiresAt };
  };

  app.use('/v1/auth/*', async (c, next) => {
    c.header('cache-control', 'no-store');
    await next();
  });

  /**
   * Answers the same whether or not the email has an account, and never waits for the mail
   * (queued after the answer, identity/after-response.ts). The account is created before
   * answering, so a failure is the request's own 500; the hash is computed before the lookup.
   */
  app.post('/v1/auth/signup', limit, async (c) => {
    await ipLimit('signup', c.get('clientIp'), SIGNUPS_PER_IP_HOUR);
    const body = await parseBody(c, signupBody);
    const strength = await assertAcceptablePassword(id, ctx.logger, body.password, { email: body.email, name: body.name, organizationName: body.organization_name });
    await recordAttempt(db(), { action: 'signup', account: body.email, ip: c.get('clientIp'), success: true, now: now() });
    // Hash before looking the email up, so both answers take the same time.
    const hash = await hashNewPassword(id, body.password);
    const [existing] = await db().select({ id: users.id }).from(users).where(eq(users.email, body.email)).limit(1);
    if (existing) {
      id.afterResponse.enqueue(c.get('logger'), 'signup.existing_mail', () =>
        sendMail(id, ctx.logger, {
          to: body.email,
          subject: 'Someone tried to sign up to ghee with your email',
          text: `Someone (maybe you) tried to create a ghee account with this address, which already has one. If it was you, sign in or reset your password at ${id.publicAppUrl}/password/forgot. Otherwise ignore this message.`,
        }).then(() => undefined),
      );
    } else {
      const verifyToken = await ctx.database.db.transaction(async (tx) => {
        const [user] = await tx.insert(users).values({ email: body.email, name: body.name, passwordHash: hash }).returning({ id: users.id });
        const [org] = await tx.insert(organizations).values({ slug: slugify(body.organization_name), name: body.organization_name }).returning({ id: organizations.id });
        await createSpace(tx as unknown as Db, { organizationId: org!.id, name: body.organization_name, slug: DEFAULT_SPACE_SLUG });
        await tx.insert(memberships).values({ userId: user!.id, organizationId: org!.id, role: 'owner' });
        await audit(tx as unknown as Db, requestActor(c, user!.id), { action: 'account.signup', result: 'success', organizationId: org!.id, targetType: 'user', targetId: user!.id });
        return issueEmailToken(tx as unknown as Db, user!.id, 'verify_email', VERIFY_TTL_MS);
      });
      id.afterResponse.enqueue(c.get('logger'), 'signup.verification_mail', () =>
        sendMail(id, ctx.logger, {
          to: body.email,
          subject: 'Verify your email for ghee',
          text: `Welcome to ghee. Verify your email within 24 hours: ${id.publicAppUrl}/verify-email?token=${verifyToken}`,
        }).then(() => undefined),
      );
    }
    return c.json({ status: 'verification_sent', password_strength: strength }, 201);
  });

  app.post('/v1/auth/verify-email', limit, async (c) => {
    const body = await parseBody(c, tokenBody);
    const userId = await ctx.database.db.transaction(async (tx) => {
      const uid = await redeemEmailToken(tx as unknown as Db, body.token, 'verify_email');
      if (!uid) return null;
      await tx.update(users).set({ emailVerifiedAt: now() }).where(and(eq(users.id, uid), isNull(users.emailVerifiedAt)));
      await audit(tx as unknown as Db, requestActor(c, uid), { action: 'account.email_verified', result: 'success', targetType: 'user', targetId: uid });
      return uid;
    });
    if (!userId) throw new ApiError('bad_request', 'This link is invalid, used or expired.');
    return c.json({ status: 'verified' });
  });

  app.get('/v1/auth/captcha', async (c) => {
    return c.json(await createCaptchaChallenge({ hmacKey: id.authSecret, expiresInMs: 10 * 60_000 }));
  });

  app.post('/v1/auth/login', limit, async (c) => {
    const body = await parseBody(c, loginBody);
    const ip = c.get('clientIp');
    const t = now();
    const fails = await recentFailures(db(), { action: 'login', account: body.email, ip, since: new Date(t.getTime() - id.failureWindowMs) });
    // An attacking address backs off exponentially; an account under attack only asks for a
    // captcha, so its real owner (right password + solved captcha) always gets in.
    const backoffFrom = id.captchaAfter * BACKOFF_FACTOR;
    if (fails.ip >= backoffFrom) {
      const retry = Math.min(MAX_BACKOFF_S, 2 ** Math.min(20, fails.ip - backoffFrom));
      throw new ApiError('rate_limited', 'Too many failed sign-ins from this address; try again later.', { 'retry-after': String(retry) });
    }
    if (fails.account >= id.captchaAfter || fails.ip >= id.captchaAfter) {
      if (!body.captcha) throw new ApiError('captcha_required', 'Solve the captcha to continue (GET /v1/auth/captcha).');
      const verdict = await verifyCaptchaSolution(body.captcha, { hmacKey: id.authSecret, store: captchaStore });
      if (!verdict.ok) throw new ApiError('captcha_required', 'The captcha solution is invalid, expired or already used.');
    }
    const [user] = await db()
      .select({ id: users.id, passwordHash: users.passwordHash, verified: users.emailVerifiedAt, disabled: users.disabledAt })
      .from(users)
      .where(eq(users.email, body.email))
      .limit(1);
    const fail = async (reason: string, userId: string | null, code: 'invalid_credentials' | 'otp_required' = 'invalid_credentials'): Promise<never> => {
      await ctx.database.db.transaction(async (tx) => {
        await recordAttempt(tx as unknown as Db, { action: 'login', account: body.email, ip, success: false, now: t });
        await audit(tx as unknown as Db, requestActor(c, userId), { action: 'auth.login', result: 'failure', targetType: 'user', targetId: userId, metadata: { reason } });
      });
      throw new ApiError(code, code === 'otp_required' ? 'A two-factor code is required.' : 'Invalid email or password.');
    };
    if (!user || !user.passwordHash) {
      await verifyUserPassword(id, body.password, null);
      return fail('unknown_account', null);
    }
    const verified = await verifyUserPassword(id, body.password, user.passwordHash);
    if (!verified.ok) return fail('bad_password', user.id);
    if (user.disabled) return fail('disabled', user.id);
    if (!user.verified) throw new ApiError('email_unverified', 'Verify your email address first: we sent you a link.');
    const [factor] = await db().select().from(totpFactors).where(eq(totpFactors.userId, user.id)).limit(1);
    let totpStep: number | null = null;
    let recoveryId: string | null = null;
    if (factor?.confirmedAt) {
      if (!body.otp && !body.recovery_code) throw new ApiError('otp_required', 'A two-factor code is required.');
      if (body.otp) {
        const r = verifyTotp(ctx.envelope.decrypt(factor.secretEncrypted, `totp:${user.id}`), body.otp, t.getTime(), factor.lastUsedStep ?? undefined);
        if (!r.ok) return fail('bad_otp', user.id);
        totpStep = r.step;
      } else {
        recoveryId = await findRecoveryCode(db(), user.id, recoveryCodeLookups(id, body.recovery_code!));
        if (!recoveryId) return fail('bad_recovery_code', user.id);
      }
    }
    const rehash = verified.needsRehash
      ? await hashNewPassword(id, body.password)
      : null;
    const session = await ctx.database.db.transaction(async (tx) => {
      const dbx = tx as unknown as Db;
      if (totpStep !== null) {
        // Conditional: a concurrent login with the same code loses the race and is refused.
        const moved = await tx
          .update(totpFactors)
          .set({ lastUsedStep: totpStep })
          .where(and(eq(totpFactors.userId, user.id), factor!.lastUsedStep === null ? isNull(totpFactors.lastUsedStep) : eq(totpFactors.lastUsedStep, factor!.lastUsedStep)))
          .returning({ userId: totpFactors.userId });
        if (moved.length === 0) return null;
      }
      if (recoveryId) {
        const used = await tx.update(recoveryCodes).set({ usedAt: t }).where(and(eq(recoveryCodes.id, recoveryId), isNull(recoveryCodes.usedAt))).returning({ id: recoveryCodes.id });
        if (used.length === 0) return null;
      }
      if (rehash) await tx.update(users).set({ passwordHash: rehash }).where(eq(users.id, user.id));
      await recordAttempt(dbx, { action: 'login', account: body.email, ip, success: true, now: t });
      await audit(dbx, requestActor(c, user.id), { action: 'auth.login', result: 'success', targetType: 'user', targetId: user.id, metadata: { second_factor: totpStep !== null ? 'totp' : recoveryId ? 'recovery_code' : 'none' } });
      return startSession(c, dbx, user.id);
    });
    if (!session) return fail('replayed_otp', user.id);
    return c.json({ status: 'signed_in', csrf_token: session.csrfToken, expires_at: session.expiresAt.toISOString() });
  });

  app.get('/v1/auth/session', signedIn, async (c) => {
    const u = c.get('user');
    if (!u) throw new ApiError('forbidden', 'This endpoint is for signed-in users, not API keys.');
    // default_space_id: the membership's own space, else the organization's first space — what a
    // new organization needs to create its read / preview / write keys.
    const firstSpace = sql<string | null>`(select ${spaces.id} from ${spaces} where ${spaces.organizationId} = ${memberships.organizationId} order by ${spaces.createdAt}, ${spaces.id} limit 1)`;
    const orgs = await db()
      .select({
        organization_id: memberships.organizationId,
        space_id: memberships.spaceId,
        role: memberships.role,
        name: organizations.name,
        default_space_id: sql<string | null>`coalesce(${memberships.spaceId}, ${firstSpace})`,
      })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(eq(memberships.userId, u.userId));
    return c.json({ data: { user_id: u.userId, email: u.email, two_factor: u.hasTotp, csrf_token: csrfTokenFor(id.authSecret, u.tokenHash), memberships: orgs } });
  });

  const sessionUser = (c: Context<OriginEnv>) => {
    const u = c.get('user');
    if (!u) throw new ApiError('forbidden', 'This endpoint is for signed-in users, not API keys.');
    return u;
  };

  app.post('/v1/auth/logout', signedIn, async (c) => {
    const u = sessionUser(c);
    await ctx.database.db.transaction(async (tx) => {
      await revokeSession(tx as unknown as Db, u.sessionId, now());
      await audit(tx as unknown as Db, requestActor(c, u.userId), { action: 'session.revoke', result: 'success', targetType: 'session', targetId: u.sessionId });
    });
    c.header('set-cookie', clearedSessionCookie());
    return c.json({ status: 'signed_out' });
  });

  app.post('/v1/auth/logout-all', signedIn, async (c) => {
    const u = sessionUser(c);
    const n = await ctx.database.db.transaction(async (tx) => {
      const count = await revokeUserSessions(tx as unknown as Db, u.userId, now());
      await audit(tx as unknown as Db, requestActor(c, u.userId), { action: 'session.revoke_all', result: 'success', targetType: 'user', targetId: u.userId, metadata: { sessions: count } });
      return count;
    });
    c.header('set-cookie', clearedSessionCookie());
    return c.json({ status: 'signed_out', sessions_revoked: n });
  });

  /**
   * Answers before looking the email up: the lookup, the token and the mail run after the answer
   * (identity/after-response.ts), so neither the answer nor its timing shows whether an account exists.
   */
  app.post('/v1/auth/password/forgot', limit, async (c) => {
    await ipLimit('reset', c.get('clientIp'), RESETS_PER_IP_HOUR);
    const body = await parseBody(c, forgotBody);
    await recordAttempt(db(), { action: 'reset', account: body.email, ip: c.get('clientIp'), success: true, now: now() });
    const actor = requestActor(c);
    id.afterResponse.enqueue(c.get('logger'), 'password.reset_requested', async () => {
      const [user] = await db().select({ id: users.id, disabled: users.disabledAt }).from(users).where(eq(users.email, body.email)).limit(1);
      if (!user || user.disabled) return;
      const t = await ctx.database.db.transaction(async (tx) => {
        await audit(tx as unknown as Db, { ...actor, userId: user.id }, { action: 'password.reset_requested', result: 'success', targetType: 'user', targetId: user.id });
        return issueEmailToken(tx as unknown as Db, user.id, 'password_reset', RESET_TTL_MS);
      });
      await sendMail(id, ctx.logger, {
        to: body.email,
        subject: 'Reset your ghee password',
        text: `Reset your password within one hour: ${id.publicAppUrl}/password/reset?token=${t}\nIf you did not ask for this, ignore this message.`,
      });
    });
    return c.json({ status: 'reset_sent' }, 202);
  });

  app.post('/v1/auth/password/reset', limit, async (c) => {
    const body = await parseBody(c, resetBody);
    const tokenHash = sha256Hex(body.token);
    const [pending] = await db()
      .select({ userId: authTokens.userId, email: users.email, name: users.name })
      .from(authTokens)
      .innerJoin(users, eq(users.id, authTokens.userId))
      .where(and(eq(authTokens.tokenHash, tokenHash), eq(authTokens.purpose, 'password_reset'), isNull(authTokens.usedAt), gt(authTokens.expiresAt, now())))
      .limit(1);
    if (!pending) throw new ApiError('bad_request', 'This link is invalid, used or expired.');
    await assertAcceptablePassword(id, ctx.logger, body.password, { email: pending.email, name: pending.name });
    const hash = await hashNewPassword(id, body.password);
    const ok = await ctx.database.db.transaction(async (tx) => {
      const uid = await redeemEmailToken(tx as unknown as Db, body.token, 'password_reset');
      if (!uid) return false;
      // The reset link proves the mailbox, so it also verifies the address.
      await tx.update(users).set({ passwordHash: hash, emailVerifiedAt: now() }).where(eq(users.id, uid));
      const revoked = await revokeUserSessions(tx as unknown as Db, uid, now());
      await audit(tx as unknown as Db, requestActor(c, uid), { action: 'password.reset', result: 'success', targetType: 'user', targetId: uid, metadata: { sessions_revoked: revoked } });
      return true;
    });
    if (!ok) throw new ApiError('bad_request', 'This link is invalid, used or expired.');
    return c.json({ status: 'password_reset' });
  });

  /**
   * Password guesses from a signed-in session (password change, re-authentication) count as
   * failed logins of the account, so a stolen session gets no more guesses than the login
   * form: at the login's captcha threshold (per account, or 4× per address) they stop (429).
   */
  const passwordProofLimit = async (c: Context<OriginEnv>, account: string) => {
    const fails = await recentFailures(db(), { action: 'login', account, ip: c.get('clientIp'), since: new Date(now().getTime() - id.failureWindowMs) });
    if (fails.account >= id.captchaAfter || fails.ip >= id.captchaAfter * BACKOFF_FACTOR) {
      throw new ApiError('rate_limited', 'Too many wrong passwords; try again later or sign in again.', { 'retry-after': String(Math.ceil(id.failureWindowMs / 1000)) });
    }
  };

  const failedPasswordProof = async (c: Context<OriginEnv>, u: { userId: string; email: string }, action: string, reason: string) => {
    await ctx.database.db.transaction(async (tx) => {
      await recordAttempt(tx as unknown as Db, { action: 'login', account: u.email.toLowerCase(), ip: c.get('clientIp'), success: false, now: now() });
      await audit(tx as unknown as Db, requestActor(c, u.userId), { action, result: 'failure', targetType: 'user', targetId: u.userId, metadata: { reason } });
    });
  };

  /** 2FA enrolment and (in api-keys.ts) key creation need this session to have proved the password lately. */
  const recentlyReauthenticated = (sessionId: string): Promise<Date> => requireRecentReauthentication(db(), sessionId, now(), id.reauthMaxAgeMs);

  app.post('/v1/auth/password/change', signedIn, limit, async (c) => {
    const u = sessionUser(c);
    const body = await parseBody(c, changeBody);
    await passwordProofLimit(c, u.email.toLowerCase());
    const [user] = await db().select({ passwordHash: users.passwordHash, name: users.name }).from(users).where(eq(users.id, u.userId)).limit(1);
    const current = await verifyUserPassword(id, body.current_password, user?.passwordHash ?? null);
    if (!current.ok) {
      await failedPasswordProof(c, u, 'password.change', 'bad_current_password');
      throw new ApiError('invalid_credentials', 'The current password is wrong.');
    }
    await assertAcceptablePassword(id, ctx.logger, body.new_password, { email: u.email, name: user?.name ?? null });
    const hash = await hashNewPassword(id, body.new_password);
    const session = await ctx.database.db.transaction(async (tx) => {
      const dbx = tx as unknown as Db;
      await tx.update(users).set({ passwordHash: hash }).where(eq(users.id, u.userId));
      const revoked = await revokeUserSessions(dbx, u.userId, now());
      await audit(dbx, requestActor(c, u.userId), { action: 'password.change', result: 'success', targetType: 'user', targetId: u.userId, metadata: { sessions_revoked: revoked } });
      return startSession(c, dbx, u.userId);
    });
    return c.json({ status: 'password_changed', csrf_token: session.csrfToken });
  });

  /**
   * Re-authentication: the password (and, with 2FA, a current code or a recovery code) proves
   * the session's holder is the account's owner; THIS session then counts as recently signed in
   * for REAUTH_MAX_AGE_MINUTES. Brute-force limited like login; every outcome audited.
   */
  app.post('/v1/auth/reauthenticate', signedIn, limit, async (c) => {
    const u = sessionUser(c);
    const body = await parseBody(c, reauthBody);
    const account = u.email.toLowerCase();
    await passwordProofLimit(c, account);
    const t = now();
    const [user] = await db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, u.userId)).limit(1);
    const pw = await verifyUserPassword(id, body.password, user?.passwordHash ?? null);
    if (!pw.ok) {
      await failedPasswordProof(c, u, 'auth.reauthenticate', 'bad_password');
      throw new ApiError('invalid_credentials', 'The password is wrong.');
    }
    const [factor] = await db().select().from(totpFactors).where(eq(totpFactors.userId, u.userId)).limit(1);
    let totpStep: number | null = null;
    let recoveryId: string | null = null;
    if (factor?.confirmedAt) {
      if (!body.otp && !body.recovery_code) throw new ApiError('otp_required', 'A two-factor code is required.');
      if (body.otp) {
        const r = verifyTotp(ctx.envelope.decrypt(factor.secretEncrypted, `totp:${u.userId}`), body.otp, t.getTime(), factor.lastUsedStep ?? undefined);
        if (!r.ok) {
          await failedPasswordProof(c, u, 'auth.reauthenticate', 'bad_otp');
          throw new ApiError('invalid_credentials', 'The two-factor code is wrong.');
        }
        totpStep = r.step;
      } else {
        recoveryId = await findRecoveryCode(db(), u.userId, recoveryCodeLookups(id, body.recovery_code!));
        if (!recoveryId) {
          await failedPasswordProof(c, u, 'auth.reauthenticate', 'bad_recovery_code');
          throw new ApiError('invalid_credentials', 'The recovery code is wrong.');
        }
      }
    }
    const done = await ctx.database.db.transaction(async (tx) => {
      const dbx = tx as unknown as Db;
      // A code is single use across logins and re-authentications (conditional updates, as at login).
      if (totpStep !== null) {
        const moved = await tx
          .update(totpFactors)
          .set({ lastUsedStep: totpStep })
          .where(and(eq(totpFactors.userId, u.userId), factor!.lastUsedStep === null ? isNull(totpFactors.lastUsedStep) : eq(totpFactors.lastUsedStep, factor!.lastUsedStep)))
          .returning({ userId: totpFactors.userId });
        if (moved.length === 0) return false;
      }
      if (recoveryId) {
        const used = await tx.update(recoveryCodes).set({ usedAt: t }).where(and(eq(recoveryCodes.id, recoveryId), isNull(recoveryCodes.usedAt))).returning({ id: recoveryCodes.id });
        if (used.length === 0) return false;
      }
      await markReauthenticated(dbx, u.sessionId, t);
      await recordAttempt(dbx, { action: 'login', account, ip: c.get('clientIp'), success: true, now: t });
      await audit(dbx, requestActor(c, u.userId), {
        action: 'auth.reauthenticate',
        result: 'success',
        targetType: 'session',
        targetId: u.sessionId,
        metadata: { second_factor: totpStep !== null ? 'totp' : recoveryId ? 'recovery_code' : 'none' },
      });
      return true;
    });
    if (!done) {
      await failedPasswordProof(c, u, 'auth.reauthenticate', 'replayed_code');
      throw new ApiError('invalid_credentials', 'The two-factor code is wrong.');
    }
    return c.json({ status: 'reauthenticated', valid_until: new Date(t.getTime() + id.reauthMaxAgeMs).toISOString() });
  });

  // --- 2FA ---------------------------------------------------------------------------------

  const totpLimit = async (userId: string) => {
    const f = await recentFailures(db(), { action: 'totp', account: userId, ip: 'n/a', since: new Date(now().getTime() - id.failureWindowMs) });
    if (f.account >= TOTP_FAILURES) throw new ApiError('rate_limited', 'Too many wrong codes; try again later.', { 'retry-after': String(Math.ceil(id.failureWindowMs / 1000)) });
  };

  app.post('/v1/auth/2fa/setup', signedIn, async (c) => {
    const u = sessionUser(c);
    await recentlyReauthenticated(u.sessionId);
    const [existing] = await db().select({ confirmedAt: totpFactors.confirmedAt }).from(totpFactors).where(eq(totpFactors.userId, u.userId)).limit(1);
    if (existing?.confirmedAt) throw new ApiError('conflict', 'Two-factor authentication is already enabled; disable it first.');
    const secret = generateTotpSecret();
    const encrypted = ctx.envelope.encrypt(secret, `totp:${u.userId}`);
    await db()
      .insert(totpFactors)
      .values({ userId: u.userId, secretEncrypted: encrypted })
      .onConflictDoUpdate({ target: totpFactors.userId, set: { secretEncrypted: encrypted, lastUsedStep: null, createdAt: now() } });
    const uri = otpauthUri({ issuer: 'ghee', account: u.email, secret });
    return c.json({ data: { secret, otpauth_uri: uri, qr_image: await otpauthQrDataUrl(uri) } });
  });

  app.post('/v1/auth/2fa/confirm', signedIn, limit, async (c) => {
    const u = sessionUser(c);
    const reauthenticatedAt = await recentlyReauthenticated(u.sessionId);
    await totpLimit(u.userId);
    const body = await parseBody(c, confirmBody);
    const [factor] = await db().select().from(totpFactors).where(eq(totpFactors.userId, u.userId)).limit(1);
    if (!factor) throw new ApiError('bad_request', 'Start with POST /v1/auth/2fa/setup.');
    if (factor.confirmedAt) throw new ApiError('conflict', 'Two-factor authentication is already enabled.');
    const r = verifyTotp(ctx.envelope.decrypt(factor.secretEncrypted, `totp:${u.userId}`), body.code, now().getTime());
    if (!r.ok) {
      await recordAttempt(db(), { action: 'totp', account: u.userId, ip: c.get('clientIp'), success: false, now: now() });
      throw new ApiError('bad_request', 'Invalid request: code: does not match; check the device clock.');
    }
    const codes = generateRecoveryCodes(10);
    const session = await ctx.database.db.transaction(async (tx) => {
      const dbx = tx as unknown as Db;
      await tx.update(totpFactors).set({ confirmedAt: now(), lastUsedStep: r.step }).where(eq(totpFactors.userId, u.userId));
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, u.userId));
      await tx.insert(recoveryCodes).values(codes.map((code) => ({ userId: u.userId, codeHash: recoveryCodeHash(id, code) })));
      const revoked = await revokeUserSessions(dbx, u.userId, now());
      await audit(dbx, requestActor(c, u.userId), { action: '2fa.enable', result: 'success', targetType: 'user', targetId: u.userId, metadata: { sessions_revoked: revoked } });
      // The replacing session is as recently re-authenticated as this one, no more.
      return startSession(c, dbx, u.userId, reauthenticatedAt);
    });
    return c.json({ data: { recovery_codes: codes, csrf_token: session.csrfToken } });
  });

  app.post('/v1/auth/2fa/disable', signedIn, limit, async (c) => {
    const u = sessionUser(c);
    await totpLimit(u.userId);
    const body = await parseBody(c, disableBody);
    const [user] = await db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, u.userId)).limit(1);
    const [factor] = await db().select().from(totpFactors).where(eq(totpFactors.userId, u.userId)).limit(1);
    if (!factor?.confirmedAt) throw new ApiError('bad_request', 'Two-factor authentication is not enabled.');
    const pw = user?.passwordHash ? await verifyUserPassword(id, body.password, user.passwordHash) : { ok: false };
    let second = false;
    if (body.otp) second = verifyTotp(ctx.envelope.decrypt(factor.secretEncrypted, `totp:${u.userId}`), body.otp, now().getTime(), factor.lastUsedStep ?? undefined).ok;
    else if (body.recovery_code) second = (await findRecoveryCode(db(), u.userId, recoveryCodeLookups(id, body.recovery_code))) !== null;
    if (!pw.ok || !second) {
      await ctx.database.db.transaction(async (tx) => {
        await recordAttempt(tx as unknown as Db, { action: 'totp', account: u.userId, ip: c.get('clientIp'), success: false, now: now() });
        await audit(tx as unknown as Db, requestActor(c, u.userId), { action: '2fa.disable', result: 'failure', targetType: 'user', targetId: u.userId });
      });
      throw new ApiError('invalid_credentials', 'Re-authenticate with your password and a current code to disable two-factor authentication.');
    }
    const session = await ctx.database.db.transaction(async (tx) => {
      const dbx = tx as unknown as Db;
      await tx.delete(totpFactors).where(eq(totpFactors.userId, u.userId));
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, u.userId));
      const revoked = await revokeUserSessions(dbx, u.userId, now());
      await audit(dbx, requestActor(c, u.userId), { action: '2fa.disable', result: 'success', targetType: 'user', targetId: u.userId, metadata: { sessions_revoked: revoked } });
      return startSession(c, dbx, u.userId);
    });
    return c.json({ status: 'disabled', csrf_token: session.csrfToken });
  });

  return app;
}

/** The id of an unused recovery code of the user stored as one of `hashes`, or null. */
async function findRecoveryCode(db: Db, userId: string, hashes: string[]): Promise<string | null> {
  const [row] = await db
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), inArray(recoveryCodes.codeHash, hashes), isNull(recoveryCodes.usedAt)))
    .limit(1);
  return row?.id ?? null;
}
