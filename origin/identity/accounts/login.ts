/**
 * Login (POST /v1/auth/login): password, then the second factor when 2FA is on, then a new
 * session.
 *
 * Throttling first: an attacking address backs off exponentially (429 with Retry-After); an
 * account or address past the captcha threshold must solve a captcha, so the account's real
 * owner (right password + solved captcha) always gets in. Failures are generic ("Invalid email
 * or password.") and cost one bcrypt whether or not the account exists.
 *
 * Writes: a success commits the spent second factor, a rehash if the stored hash is outdated,
 * the attempt counter, the session and one `auth.login` row (`commitAccountWrite`). A failure
 * (unknown account, bad password, disabled, bad or replayed code) is evidence: `refuseProof`
 * commits its attempt counter and its `auth.login` failure row together (auth-attempts.ts says
 * why the counter goes with the row). An unverified address and a missing code write nothing.
 * A member of an organization that enforces SSO is refused after the password check (one
 * `auth.login` failure row, reason `sso_required`, no attempt counted: the password was right);
 * an exempt owner's login also writes `sso.break_glass_login` in each enforcing organization.
 */
import { eq } from 'drizzle-orm';
import { userEmailIs } from '../people.js';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import { commitAccountWrite, commitWrite } from '../../outbox/index.js';
import { passwordUse, SSO_REQUIRED_DETAIL } from '../sso/policy.js';
import { hashNewPassword, verifyingAuthSecrets, verifyUserPassword } from '../context.js';
import { openSession, type OpenedSession } from '../sessions/sessions.js';
import { checkSecondFactor, consumeSecondFactor, findTotpFactor, NO_SECOND_FACTOR, secondFactorKind } from '../totp/second-factor.js';
import { ok, refuse, type AuthDeps, type AuthRefusal, type AuthResult, type RequestActor } from '../auth-result.js';
import { BACKOFF_FACTOR, recentFailures, recordAttempt, refuseProof } from './auth-attempts.js';
import { verifyCaptchaSolution, type CaptchaReplayStore } from './captcha.js';
import { CAPTCHA_CHANNEL, LOGIN_REFUSED_CHANNEL, publish } from '../../http/signals.js';

const MAX_BACKOFF_S = 15 * 60;


export interface LoginInput {
  email: string;
  password: string;
  otp?: string | undefined;
  recoveryCode?: string | undefined;
  captcha?: string | undefined;
}

export async function login(db: Db, deps: AuthDeps, captchaStore: CaptchaReplayStore, input: LoginInput, actor: RequestActor): Promise<AuthResult<OpenedSession>> {
  const { identity } = deps;
  const ip = actor.ip;
  const t = deps.now();
  const fails = await recentFailures(db, identity.personalData, { action: 'login', account: input.email, ip, since: new Date(t.getTime() - identity.failureWindowMs) });
  // An attacking address backs off exponentially; an account under attack only asks for a
  // captcha, so its real owner (right password + solved captcha) always gets in.
  const backoffFrom = identity.captchaAfter * BACKOFF_FACTOR;
  if (fails.ip >= backoffFrom) {
    const retry = Math.min(MAX_BACKOFF_S, 2 ** Math.min(20, fails.ip - backoffFrom));
    publish(LOGIN_REFUSED_CHANNEL, { reason: 'rate_limited', ip }); // a failed attempt the rules engine counts (origin/ops/security)
    return refuse('rate_limited', 'Too many failed sign-ins from this address; try again later.', retry);
  }
  if (fails.account >= identity.captchaAfter || fails.ip >= identity.captchaAfter) {
    if (!input.captcha) {
      publish(LOGIN_REFUSED_CHANNEL, { reason: 'captcha_required', ip });
      return refuse('captcha_required', 'Solve the captcha to continue (GET /v1/auth/captcha).');
    }
    let verdict = await verifyCaptchaSolution(input.captcha, { hmacKey: identity.authSecret, store: captchaStore });
    // During an AUTH_SECRET rotation a challenge signed with the previous secret still counts.
    for (const key of verifyingAuthSecrets(identity).slice(1)) {
      if (!verdict.ok && (verdict.reason === 'invalid_signature' || verdict.reason === 'invalid_solution')) verdict = await verifyCaptchaSolution(input.captcha, { hmacKey: key, store: captchaStore });
    }
    publish(CAPTCHA_CHANNEL, verdict.ok ? 'solved' : verdict.reason); // counted by origin/ops/metrics
    if (!verdict.ok) {
      publish(LOGIN_REFUSED_CHANNEL, { reason: 'captcha_failed', ip });
      return refuse('captcha_required', 'The captcha solution is invalid, expired or already used.');
    }
  }
  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash, verified: users.emailVerifiedAt, disabled: users.disabledAt })
    .from(users)
    .where(userEmailIs(identity.personalData, input.email))
    .limit(1);
  const fail = async (reason: string, userId: string | null): Promise<AuthRefusal> => {
    await refuseProof(
      db,
      identity.personalData,
      { ...actor, userId, ...(userId === null ? { anonymous: true } : {}) },
      { action: 'login', account: input.email, ip, success: false, now: t },
      { action: 'auth.login', target: { type: 'user', id: userId }, metadata: { reason } },
    );
    return refuse('invalid_credentials', 'Invalid email or password.');
  };
  if (!user || !user.passwordHash) {
    await verifyUserPassword(identity, input.password, null);
    return fail('unknown_account', null);
  }
  const verified = await verifyUserPassword(identity, input.password, user.passwordHash);
  if (!verified.ok) return fail('bad_password', user.id);
  if (user.disabled) return fail('disabled', user.id);
  if (!user.verified) return refuse('email_unverified', 'Verify your email address first: we sent you a link.');
  // Enforced SSO (identity/sso/policy.ts): the right password is not enough for a member of an
  // organization that requires its IdP — said only after the password proved the caller.
  const use = await passwordUse(db, user.id);
  if (!use.allowed) {
    await commitAccountWrite(db, { ...actor, userId: user.id }, async (w) => {
      w.refused({ action: 'auth.login', target: { type: 'user', id: user.id }, metadata: { reason: 'sso_required' } });
      return { ok: false as const };
    });
    return { ok: false, error: 'forbidden', detail: SSO_REQUIRED_DETAIL };
  }
  const factor = await findTotpFactor(db, user.id);
  let second = NO_SECOND_FACTOR;
  if (factor?.confirmedAt) {
    const checked = await checkSecondFactor(db, deps, factor, { otp: input.otp, recoveryCode: input.recoveryCode }, t.getTime());
    if (!checked.ok) {
      if (checked.reason === 'missing') return refuse('otp_required', 'A two-factor code is required.');
      return fail(checked.reason, user.id);
    }
    second = checked.factor;
  }
  const rehash = verified.needsRehash ? await hashNewPassword(identity, input.password) : null;
  const signedIn = await commitAccountWrite(db, { ...actor, userId: user.id }, async (w): Promise<{ ok: true; value: OpenedSession } | { ok: false }> => {
    if (!(await consumeSecondFactor(w.t, user.id, second, t))) return { ok: false };
    if (rehash) await w.t.update(users).set({ passwordHash: rehash }).where(eq(users.id, user.id));
    await recordAttempt(w.t, identity.personalData, { action: 'login', account: input.email, ip, success: true, now: t });
    w.audit({ action: 'auth.login', target: { type: 'user', id: user.id }, metadata: { second_factor: secondFactorKind(second) } });
    return ok(await openSession(w.t, { userId: user.id, ip, userAgent: actor.userAgent ?? null, now: deps.now(), policy: identity.sessionPolicy, secret: identity.authSecret, personalData: identity.personalData }));
  });
  if (!signedIn.ok) return fail('replayed_otp', user.id);
  // Break-glass: an exempt owner of an organization that enforces SSO signed in with a password;
  // each such organization gets the evidence in its own chain.
  for (const organizationId of use.breakGlass) {
    await commitWrite(db, { ...actor, userId: user.id, organizationId }, null, async (w) => {
      w.audit({ action: 'sso.break_glass_login', target: { type: 'user', id: user.id }, metadata: { second_factor: secondFactorKind(second) } });
      return { ok: true as const };
    });
  }
  return signedIn;
}
