/**
 * Two-factor authentication of an account (POST /v1/auth/2fa/setup|confirm|disable).
 *
 * - Setup stores a new, unconfirmed secret (encrypted under `totp:<user>`), replacing an
 *   unconfirmed one; refused (conflict) while 2FA is on. Through the commit step like every
 *   write, so it writes one `2fa.setup` row (new with the commit step: before it, the pending
 *   secret was stored without a row).
 * - Confirm checks a code against the pending secret; a wrong code counts a `totp` attempt
 *   (what the caller's throttle reads) and writes no audit row, as before. Success enables 2FA
 *   with 10 new recovery codes, ends every session and opens one as recently re-authenticated as
 *   the replaced one (no more), with one `2fa.enable` row.
 * - Disable needs the password and a current code (or a recovery code) in the request, its own
 *   re-authentication. A failed proof is evidence: `refuseProof` commits its `totp` attempt
 *   counter with its `2fa.disable` failure row (accounts/auth-attempts.ts says why together).
 *   Success removes the factor and the recovery codes, ends every session and opens a new one,
 *   with one `2fa.disable` row.
 * The signed-in guards (a session, a recent sign-in, the throttle) are the route's.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { recoveryCodes, totpFactors, users } from '../../db/schema/index.js';
import { commitAccountWrite } from '../../outbox/index.js';
import { recordAttempt, refuseProof } from '../accounts/auth-attempts.js';
import { recoveryCodeHash, recoveryCodeLookups, verifyUserPassword } from '../context.js';
import { openSession, revokeUserSessions, type OpenedSession } from '../sessions/sessions.js';
import { ok, refuse, type AuthDeps, type AuthResult, type RequestActor } from '../auth-result.js';
import { findRecoveryCode, findTotpFactor, totpMatches } from './second-factor.js';
import { generateRecoveryCodes, generateTotpSecret, otpauthQrDataUrl, otpauthUri, verifyTotp } from './totp.js';

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrImage: string;
}

export async function setupTwoFactor(db: Db, deps: AuthDeps, u: { userId: string; email: string }, actor: RequestActor): Promise<AuthResult<TotpEnrolment>> {
  const existing = await findTotpFactor(db, u.userId);
  if (existing?.confirmedAt) return { ok: false, error: 'conflict', detail: 'Two-factor authentication is already enabled; disable it first.' };
  const secret = generateTotpSecret();
  const encrypted = deps.envelope.encrypt(secret, `totp:${u.userId}`);
  await commitAccountWrite(db, { ...actor, userId: u.userId }, async (w) => {
    await w.t
      .insert(totpFactors)
      .values({ userId: u.userId, secretEncrypted: encrypted })
      .onConflictDoUpdate({ target: totpFactors.userId, set: { secretEncrypted: encrypted, lastUsedStep: null, createdAt: deps.now() } });
    w.audit({ action: '2fa.setup', target: { type: 'user', id: u.userId } });
    return ok(undefined);
  });
  const uri = otpauthUri({ issuer: 'ghee', account: u.email, secret });
  return ok({ secret, otpauthUri: uri, qrImage: await otpauthQrDataUrl(uri) });
}

export async function confirmTwoFactor(
  db: Db,
  deps: AuthDeps,
  u: { userId: string; reauthenticatedAt: Date },
  code: string,
  actor: RequestActor,
): Promise<AuthResult<{ recoveryCodes: string[]; session: OpenedSession }>> {
  const factor = await findTotpFactor(db, u.userId);
  if (!factor) return { ok: false, error: 'invalid', detail: 'Start with POST /v1/auth/2fa/setup.' };
  if (factor.confirmedAt) return { ok: false, error: 'conflict', detail: 'Two-factor authentication is already enabled.' };
  const r = verifyTotp(deps.envelope.decrypt(factor.secretEncrypted, `totp:${u.userId}`), code, deps.now().getTime());
  if (!r.ok) {
    await recordAttempt(db, deps.identity.personalData, { action: 'totp', account: u.userId, ip: actor.ip, success: false, now: deps.now() });
    return { ok: false, error: 'invalid', detail: 'Invalid request: code: does not match; check the device clock.' };
  }
  const codes = generateRecoveryCodes(10);
  return commitAccountWrite(db, { ...actor, userId: u.userId }, async (w) => {
    await w.t.update(totpFactors).set({ confirmedAt: deps.now(), lastUsedStep: r.step }).where(eq(totpFactors.userId, u.userId));
    await w.t.delete(recoveryCodes).where(eq(recoveryCodes.userId, u.userId));
    await w.t.insert(recoveryCodes).values(codes.map((c) => ({ userId: u.userId, codeHash: recoveryCodeHash(deps.identity, c) })));
    const revoked = await revokeUserSessions(w.t, u.userId, deps.now());
    w.audit({ action: '2fa.enable', target: { type: 'user', id: u.userId }, metadata: { sessions_revoked: revoked } });
    // The replacing session is as recently re-authenticated as this one, no more.
    const session = await openSession(w.t, {
      userId: u.userId,
      ip: actor.ip,
      userAgent: actor.userAgent ?? null,
      now: deps.now(),
      policy: deps.identity.sessionPolicy,
      secret: deps.identity.authSecret,
      reauthenticatedAt: u.reauthenticatedAt,
      personalData: deps.identity.personalData,
    });
    return ok({ recoveryCodes: codes, session });
  });
}

export async function disableTwoFactor(
  db: Db,
  deps: AuthDeps,
  u: { userId: string },
  input: { password: string; otp?: string | undefined; recoveryCode?: string | undefined },
  actor: RequestActor,
): Promise<AuthResult<OpenedSession>> {
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, u.userId)).limit(1);
  const factor = await findTotpFactor(db, u.userId);
  if (!factor?.confirmedAt) return { ok: false, error: 'invalid', detail: 'Two-factor authentication is not enabled.' };
  const pw = user?.passwordHash ? await verifyUserPassword(deps.identity, input.password, user.passwordHash) : { ok: false };
  let second = false;
  if (input.otp) second = totpMatches(deps.envelope, factor, input.otp, deps.now().getTime()).ok;
  else if (input.recoveryCode) second = (await findRecoveryCode(db, u.userId, recoveryCodeLookups(deps.identity, input.recoveryCode))) !== null;
  if (!pw.ok || !second) {
    await refuseProof(
      db,
      deps.identity.personalData,
      { ...actor, userId: u.userId },
      { action: 'totp', account: u.userId, ip: actor.ip, success: false, now: deps.now() },
      { action: '2fa.disable', target: { type: 'user', id: u.userId } },
    );
    return refuse('invalid_credentials', 'Re-authenticate with your password and a current code to disable two-factor authentication.');
  }
  return commitAccountWrite(db, { ...actor, userId: u.userId }, async (w) => {
    await w.t.delete(totpFactors).where(eq(totpFactors.userId, u.userId));
    await w.t.delete(recoveryCodes).where(eq(recoveryCodes.userId, u.userId));
    const revoked = await revokeUserSessions(w.t, u.userId, deps.now());
    w.audit({ action: '2fa.disable', target: { type: 'user', id: u.userId }, metadata: { sessions_revoked: revoked } });
    return ok(await openSession(w.t, { userId: u.userId, ip: actor.ip, userAgent: actor.userAgent ?? null, now: deps.now(), policy: deps.identity.sessionPolicy, secret: deps.identity.authSecret, personalData: deps.identity.personalData }));
  });
}
