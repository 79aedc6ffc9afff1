/**
 * The second factor of a proof of the account (login, re-authentication, disabling 2FA): a
 * current TOTP code or an unused recovery code. Checking reads only; `consumeSecondFactor`
 * spends it inside the write's transaction with conditional updates, so a code is single use
 * across logins and re-authentications (of two concurrent uses, one wins).
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Envelope } from '../../crypto/envelope.js';
import type { Db } from '../../db/client.js';
import { recoveryCodes, totpFactors } from '../../db/schema/index.js';
import { recoveryCodeLookups, type IdentityContext } from '../context.js';
import { verifyTotp } from './totp.js';

export type TotpFactor = typeof totpFactors.$inferSelect;

/** A checked second factor, to consume in the write. */
export interface SecondFactor {
  totpStep: number | null;
  recoveryId: string | null;
  /** The factor's last used step when checked (the conditional update's expectation). */
  lastUsedStep: number | null;
}

export const NO_SECOND_FACTOR: SecondFactor = { totpStep: null, recoveryId: null, lastUsedStep: null };

export async function findTotpFactor(db: Db, userId: string): Promise<TotpFactor | null> {
  const [factor] = await db.select().from(totpFactors).where(eq(totpFactors.userId, userId)).limit(1);
  return factor ?? null;
}

/** The id of an unused recovery code of the user stored as one of `hashes`, or null. */
export async function findRecoveryCode(db: Db, userId: string, hashes: string[]): Promise<string | null> {
  const [row] = await db
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), inArray(recoveryCodes.codeHash, hashes), isNull(recoveryCodes.usedAt)))
    .limit(1);
  return row?.id ?? null;
}

/** Whether `otp` is a current code of the factor not used before (replays of a step fail). */
export function totpMatches(envelope: Envelope, factor: TotpFactor, otp: string, nowMs: number): { ok: true; step: number } | { ok: false } {
  const r = verifyTotp(envelope.decrypt(factor.secretEncrypted, `totp:${factor.userId}`), otp, nowMs, factor.lastUsedStep ?? undefined);
  return r.ok ? { ok: true, step: r.step } : { ok: false };
}

/**
 * Checks the code given with a proof against a confirmed factor: the factor to consume, or why
 * not ('missing': none given, 'bad_otp', 'bad_recovery_code').
 */
export async function checkSecondFactor(
  db: Db,
  deps: { identity: IdentityContext; envelope: Envelope },
  factor: TotpFactor,
  given: { otp?: string | undefined; recoveryCode?: string | undefined },
  nowMs: number,
): Promise<{ ok: true; factor: SecondFactor } | { ok: false; reason: 'missing' | 'bad_otp' | 'bad_recovery_code' }> {
  if (!given.otp && !given.recoveryCode) return { ok: false, reason: 'missing' };
  if (given.otp) {
    const r = totpMatches(deps.envelope, factor, given.otp, nowMs);
    if (!r.ok) return { ok: false, reason: 'bad_otp' };
    return { ok: true, factor: { totpStep: r.step, recoveryId: null, lastUsedStep: factor.lastUsedStep } };
  }
  const recoveryId = await findRecoveryCode(db, factor.userId, recoveryCodeLookups(deps.identity, given.recoveryCode!));
  if (!recoveryId) return { ok: false, reason: 'bad_recovery_code' };
  return { ok: true, factor: { totpStep: null, recoveryId, lastUsedStep: factor.lastUsedStep } };
}

/** Spends a checked second factor inside the write's transaction; false when another use won the race. */
export async function consumeSecondFactor(t: Db, userId: string, f: SecondFactor, now: Date): Promise<boolean> {
  if (f.totpStep !== null) {
    // Conditional: a concurrent use of the same code loses the race and is refused.
    const moved = await t
      .update(totpFactors)
      .set({ lastUsedStep: f.totpStep })
      .where(and(eq(totpFactors.userId, userId), f.lastUsedStep === null ? isNull(totpFactors.lastUsedStep) : eq(totpFactors.lastUsedStep, f.lastUsedStep)))
      .returning({ userId: totpFactors.userId });
    if (moved.length === 0) return false;
  }
  if (f.recoveryId) {
    const used = await t.update(recoveryCodes).set({ usedAt: now }).where(and(eq(recoveryCodes.id, f.recoveryId), isNull(recoveryCodes.usedAt))).returning({ id: recoveryCodes.id });
    if (used.length === 0) return false;
  }
  return true;
}

/** How the proof's second factor is named in the audit metadata. */
export function secondFactorKind(f: SecondFactor): 'totp' | 'recovery_code' | 'none' {
  return f.totpStep !== null ? 'totp' : f.recoveryId ? 'recovery_code' : 'none';
}
