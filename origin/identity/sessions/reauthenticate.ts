/**
 * Re-authentication (POST /v1/auth/reauthenticate): the password (and, with 2FA, a current code
 * or a recovery code) proves the session's holder is the account's owner; THIS session then
 * counts as recently signed in for REAUTH_MAX_AGE_MINUTES (what 2FA enrolment and key creation
 * ask for). Brute-force limited like login (`passwordProofThrottle`: the guesses count as failed
 * logins of the account).
 *
 * Writes: a success spends the second factor, marks the session, counts a successful login
 * attempt and writes one `auth.reauthenticate` row naming the session (`commitAccountWrite`).
 * Each failure (bad password, bad or replayed code) is evidence: `refuseProof` commits its
 * attempt counter with its `auth.reauthenticate` failure row (auth-attempts.ts says why
 * together). A missing code writes nothing.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import { commitAccountWrite } from '../../outbox/index.js';
import { passwordProofThrottle, recordAttempt, refuseProof } from '../accounts/auth-attempts.js';
import { verifyUserPassword } from '../context.js';
import { checkSecondFactor, consumeSecondFactor, findTotpFactor, NO_SECOND_FACTOR, secondFactorKind } from '../totp/second-factor.js';
import { ok, refuse, type AuthDeps, type AuthRefusal, type AuthResult, type RequestActor } from '../auth-result.js';
import { markReauthenticated } from './sessions.js';

export interface ReauthInput {
  password: string;
  otp?: string | undefined;
  recoveryCode?: string | undefined;
}

/** Returns until when this session counts as recently signed in. */
export async function reauthenticate(
  db: Db,
  deps: AuthDeps,
  u: { userId: string; email: string; sessionId: string },
  input: ReauthInput,
  actor: RequestActor,
): Promise<AuthResult<{ validUntil: Date }>> {
  const account = u.email.toLowerCase();
  const throttled = await passwordProofThrottle(db, deps, account, actor.ip);
  if (throttled) return throttled;
  const t = deps.now();
  const failed = async (reason: string, detail: string): Promise<AuthRefusal> => {
    await refuseProof(
      db,
      deps.identity.personalData,
      { ...actor, userId: u.userId },
      { action: 'login', account, ip: actor.ip, success: false, now: deps.now() },
      { action: 'auth.reauthenticate', target: { type: 'user', id: u.userId }, metadata: { reason } },
    );
    return refuse('invalid_credentials', detail);
  };
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, u.userId)).limit(1);
  const pw = await verifyUserPassword(deps.identity, input.password, user?.passwordHash ?? null);
  if (!pw.ok) return failed('bad_password', 'The password is wrong.');
  const factor = await findTotpFactor(db, u.userId);
  let second = NO_SECOND_FACTOR;
  if (factor?.confirmedAt) {
    const checked = await checkSecondFactor(db, deps, factor, { otp: input.otp, recoveryCode: input.recoveryCode }, t.getTime());
    if (!checked.ok) {
      if (checked.reason === 'missing') return refuse('otp_required', 'A two-factor code is required.');
      return failed(checked.reason, checked.reason === 'bad_otp' ? 'The two-factor code is wrong.' : 'The recovery code is wrong.');
    }
    second = checked.factor;
  }
  const done = await commitAccountWrite(db, { ...actor, userId: u.userId }, async (w): Promise<{ ok: boolean }> => {
    // A code is single use across logins and re-authentications (conditional updates, as at login).
    if (!(await consumeSecondFactor(w.t, u.userId, second, t))) return { ok: false };
    await markReauthenticated(w.t, u.sessionId, t);
    await recordAttempt(w.t, deps.identity.personalData, { action: 'login', account, ip: actor.ip, success: true, now: t });
    w.audit({ action: 'auth.reauthenticate', target: { type: 'session', id: u.sessionId }, metadata: { second_factor: secondFactorKind(second) } });
    return { ok: true };
  });
  if (!done.ok) return failed('replayed_code', 'The two-factor code is wrong.');
  return ok({ validUntil: new Date(t.getTime() + deps.identity.reauthMaxAgeMs) });
}
