/**
 * Passwords: forgotten (a reset mail), reset (by the mail's token) and changed (by the signed-in
 * user, proving the current one).
 *
 * - Forgot: the caller answers first and runs `requestPasswordReset` after the answer, so
 *   neither the answer nor its timing shows whether the account exists; the token and its
 *   `password.reset_requested` row commit together, the mail goes after the commit.
 * - Reset: a live token, then the new password's policy, then one write: the token redeemed
 *   (once), the password, the address verified (the link proves the mailbox), every session
 *   ended, one `password.reset` row.
 * - Change: brute-force limited like login (`passwordProofThrottle`); a wrong current password
 *   is evidence — `refuseProof` commits its attempt counter with its `password.change` failure
 *   row (auth-attempts.ts says why together); a success ends every session, opens a new one for
 *   this browser and writes one `password.change` row.
 * Enforced SSO (identity/sso/policy.ts): no reset token (the mail says to use SSO), and reset
 * and change are refused (403) for members of an organization that requires its IdP.
 * Account writes: `commitAccountWrite` (the 'global' chain).
 */
import { openUserName, userEmailIs } from '../people.js';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import { commitAccountWrite } from '../../outbox/index.js';
import { checkNewPassword, hashNewPassword, sendMail, verifyUserPassword } from '../context.js';
import { openSession, revokeUserSessions, type OpenedSession } from '../sessions/sessions.js';
import { ok, refuse, type AuthDeps, type AuthResult, type RequestActor } from '../auth-result.js';
import { passwordProofThrottle, refuseProof } from './auth-attempts.js';
import { passwordUse, SSO_REQUIRED_DETAIL } from '../sso/policy.js';
import { issueEmailToken, pendingTokenUser, redeemEmailToken, RESET_TTL_MS } from './email-tokens.js';

/** Run after the answer: for an enabled account, a reset token (and its audit row), then its mail. */
export async function requestPasswordReset(db: Db, deps: AuthDeps, email: string, actor: RequestActor): Promise<void> {
  const [user] = await db.select({ id: users.id, disabled: users.disabledAt }).from(users).where(userEmailIs(deps.identity.personalData, email)).limit(1);
  if (!user || user.disabled) return;
  if (!(await passwordUse(db, user.id)).allowed) {
    // Enforced SSO: no reset token; the mail (sent after the same answer) says where to sign in.
    await sendMail(deps.identity, deps.logger, {
      to: email,
      subject: 'Your ghee account signs in with single sign-on',
      text: `Someone (maybe you) asked to reset your ghee password. Your organization requires single sign-on: sign in through your identity provider at ${deps.identity.publicAppUrl}/login. Your password cannot be reset.`,
    });
    return;
  }
  const issued = await commitAccountWrite(db, { ...actor, userId: user.id }, async (w) => {
    w.audit({ action: 'password.reset_requested', target: { type: 'user', id: user.id } });
    return ok(await issueEmailToken(w.t, user.id, 'password_reset', RESET_TTL_MS, deps.now()));
  });
  await sendMail(deps.identity, deps.logger, {
    to: email,
    subject: 'Reset your ghee password',
    text: `Reset your password within one hour: ${deps.identity.publicAppUrl}/password/reset?token=${issued.value}\nIf you did not ask for this, ignore this message.`,
  });
}

const INVALID_LINK = 'This link is invalid, used or expired.';

export async function resetPassword(db: Db, deps: AuthDeps, input: { token: string; password: string }, actor: RequestActor): Promise<AuthResult<{ userId: string }>> {
  const pending = await pendingTokenUser(db, deps.identity.personalData, input.token, 'password_reset', deps.now());
  if (!pending) return { ok: false, error: 'invalid', detail: INVALID_LINK };
  if (!(await passwordUse(db, pending.userId)).allowed) return { ok: false, error: 'forbidden', detail: SSO_REQUIRED_DETAIL };
  const policy = await checkNewPassword(deps.identity, deps.logger, input.password, { email: pending.email, name: pending.name });
  if (!policy.ok) return { ok: false, error: 'invalid', detail: `Invalid request: ${policy.detail}` };
  const hash = await hashNewPassword(deps.identity, input.password);
  const userId = pending.userId;
  return commitAccountWrite(db, { ...actor, userId }, async (w): Promise<AuthResult<{ userId: string }>> => {
    const uid = await redeemEmailToken(w.t, input.token, 'password_reset', deps.now());
    if (uid !== userId) return { ok: false, error: 'invalid', detail: INVALID_LINK };
    // The reset link proves the mailbox, so it also verifies the address.
    await w.t.update(users).set({ passwordHash: hash, emailVerifiedAt: deps.now() }).where(eq(users.id, uid));
    const revoked = await revokeUserSessions(w.t, uid, deps.now());
    w.audit({ action: 'password.reset', target: { type: 'user', id: uid }, metadata: { sessions_revoked: revoked } });
    return ok({ userId: uid });
  });
}

/** The signed-in user changing their password. */
export interface SessionHolder {
  userId: string;
  email: string;
}

export async function changePassword(
  db: Db,
  deps: AuthDeps,
  u: SessionHolder,
  input: { currentPassword: string; newPassword: string },
  actor: RequestActor,
): Promise<AuthResult<OpenedSession>> {
  const { identity } = deps;
  const account = u.email.toLowerCase();
  const throttled = await passwordProofThrottle(db, deps, account, actor.ip);
  if (throttled) return throttled;
  if (!(await passwordUse(db, u.userId)).allowed) return { ok: false, error: 'forbidden', detail: SSO_REQUIRED_DETAIL };
  const [row] = await db.select({ passwordHash: users.passwordHash, nameEnc: users.nameEnc }).from(users).where(eq(users.id, u.userId)).limit(1);
  const user = row ? { passwordHash: row.passwordHash, name: openUserName(identity.personalData, { id: u.userId, nameEnc: row.nameEnc }) } : undefined;
  const current = await verifyUserPassword(identity, input.currentPassword, user?.passwordHash ?? null);
  if (!current.ok) {
    await refuseProof(
      db,
      identity.personalData,
      { ...actor, userId: u.userId },
      { action: 'login', account, ip: actor.ip, success: false, now: deps.now() },
      { action: 'password.change', target: { type: 'user', id: u.userId }, metadata: { reason: 'bad_current_password' } },
    );
    return refuse('invalid_credentials', 'The current password is wrong.');
  }
  const policy = await checkNewPassword(identity, deps.logger, input.newPassword, { email: u.email, name: user?.name ?? null });
  if (!policy.ok) return { ok: false, error: 'invalid', detail: `Invalid request: ${policy.detail}` };
  const hash = await hashNewPassword(identity, input.newPassword);
  return commitAccountWrite(db, { ...actor, userId: u.userId }, async (w) => {
    await w.t.update(users).set({ passwordHash: hash }).where(eq(users.id, u.userId));
    const revoked = await revokeUserSessions(w.t, u.userId, deps.now());
    w.audit({ action: 'password.change', target: { type: 'user', id: u.userId }, metadata: { sessions_revoked: revoked } });
    return ok(await openSession(w.t, { userId: u.userId, ip: actor.ip, userAgent: actor.userAgent ?? null, now: deps.now(), policy: identity.sessionPolicy, secret: identity.authSecret, personalData: identity.personalData }));
  });
}
