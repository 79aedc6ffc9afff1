/**
 * Attempt counters for the rate-limited auth actions, kept in Postgres so they hold across
 * origin instances, the throttles read from them, the single-use store for captcha solutions,
 * and `refuseProof`: a failed proof (password, 2FA code) records its attempt counter and its
 * `failure` audit row in ONE transaction — the counter is what the next throttle reads, so a
 * failure is never audited without being counted, nor counted without its evidence. That is why
 * it wraps the commit step (`w.refused`, whose row is written after the work's rollback) in a
 * transaction of its own that also holds the counter.
 *
 * The account (an email or a user id) and the address are personal data: rows keep their keyed
 * blind indexes (origin/crypto/personal-data.ts), never the values — equality is all a counter
 * needs. A lookup matches the index under every MASTER_KEYS version, so a rotation does not reset
 * the counters (rows under a removed version simply stop counting; they are minutes old).
 */
import { and, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { PersonalData } from '../../crypto/personal-data.js';
import type { Db } from '../../db/client.js';
import { authAttempts, captchaUses } from '../../db/schema/index.js';
import { commitAccountWrite, type WriteActor, type WriteAudit } from '../../outbox/index.js';
import { refuse, type AuthDeps, type AuthRefusal } from '../auth-result.js';
import type { CaptchaReplayStore } from './captcha.js';

export type AttemptAction = 'login' | 'signup' | 'reset' | 'totp' | 'verify';

export async function recordAttempt(db: Db, pd: PersonalData, a: { action: AttemptAction; account: string | null; ip: string; success: boolean; now: Date }): Promise<void> {
  await db.insert(authAttempts).values({ action: a.action, account: a.account === null ? null : pd.blindIndex('account', a.account), ip: pd.blindIndex('ip', a.ip), success: a.success, createdAt: a.now });
}

/** Failed attempts since `since`, per account and per IP. */
export async function recentFailures(db: Db, pd: PersonalData, q: { action: AttemptAction; account: string | null; ip: string; since: Date }): Promise<{ account: number; ip: number }> {
  // One round trip; each side still uses its own index.
  const failed = and(eq(authAttempts.action, q.action), eq(authAttempts.success, false), gte(authAttempts.createdAt, q.since));
  const [row] = await db
    .select({
      ip: sql<number>`(select count(*)::int from ${authAttempts} where ${and(failed, inArray(authAttempts.ip, pd.blindIndexes('ip', q.ip)))})`,
      account: q.account === null ? sql<number>`0` : sql<number>`(select count(*)::int from ${authAttempts} where ${and(failed, inArray(authAttempts.account, pd.blindIndexes('account', q.account)))})`,
    })
    .from(sql`(select 1) as one`);
  return { account: Number(row?.account ?? 0), ip: Number(row?.ip ?? 0) };
}

/** All attempts (failed or not) from an IP since `since`: rate limits on sign-up and reset requests. */
export async function recentAttemptsFromIp(db: Db, pd: PersonalData, action: AttemptAction, ip: string, since: Date): Promise<number> {
  const [row] = await db.select({ n: count() }).from(authAttempts).where(and(eq(authAttempts.action, action), inArray(authAttempts.ip, pd.blindIndexes('ip', ip)), gte(authAttempts.createdAt, since)));
  return row?.n ?? 0;
}

/** Deletes attempts older than `before` (the longest window) and expired captcha redemptions. */
export async function pruneAttempts(db: Db, before: Date, now: Date): Promise<void> {
  await db.delete(authAttempts).where(lt(authAttempts.createdAt, before));
  await db.delete(captchaUses).where(lt(captchaUses.expiresAt, now));
}

/** Captcha solutions are redeemed once, across instances: the first insert wins. */
export function pgCaptchaStore(db: Db): CaptchaReplayStore {
  return {
    async consume(signature: string, expiresAt: Date): Promise<boolean> {
      const rows = await db
        .insert(captchaUses)
        .values({ signature, expiresAt })
        .onConflictDoNothing()
        .returning({ signature: captchaUses.signature });
      return rows.length === 1;
    },
  };
}

/** An attempt to record. */
export type Attempt = { action: AttemptAction; account: string | null; ip: string; success: boolean; now: Date };

/**
 * A failed proof of the account: its attempt counter and its `failure` row (through the commit
 * step's `w.refused`, with the actor in the metadata) commit together.
 */
export async function refuseProof(db: Db, pd: PersonalData, actor: WriteActor, attempt: Attempt, failure: WriteAudit): Promise<void> {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await recordAttempt(t, pd, attempt);
    await commitAccountWrite(t, actor, async (w) => {
      w.refused(failure);
      return { ok: false } as const;
    });
  });
}

/** Per-IP ceilings per hour on actions that send mail or create accounts (sign-up, reset requests). */
export async function ipThrottle(db: Db, deps: AuthDeps, action: AttemptAction, ip: string, max: number): Promise<AuthRefusal | null> {
  const n = await recentAttemptsFromIp(db, deps.identity.personalData, action, ip, new Date(deps.now().getTime() - 3_600_000));
  return n >= max ? refuse('rate_limited', 'Too many requests from this address; try again later.', 3600) : null;
}

/** Per-IP login failures beyond this many times the captcha threshold get exponential backoff. */
export const BACKOFF_FACTOR = 4;

/**
 * Password guesses from a signed-in session (password change, re-authentication) count as
 * failed logins of the account, so a stolen session gets no more guesses than the login
 * form: at the login's captcha threshold (per account, or 4× per address) they stop (429).
 */
export async function passwordProofThrottle(db: Db, deps: AuthDeps, account: string, ip: string): Promise<AuthRefusal | null> {
  const { identity } = deps;
  const fails = await recentFailures(db, identity.personalData, { action: 'login', account, ip, since: new Date(deps.now().getTime() - identity.failureWindowMs) });
  if (fails.account >= identity.captchaAfter || fails.ip >= identity.captchaAfter * BACKOFF_FACTOR) {
    return refuse('rate_limited', 'Too many wrong passwords; try again later or sign in again.', Math.ceil(identity.failureWindowMs / 1000));
  }
  return null;
}

/** 2FA code failures per user in the failure window before refusing further tries. */
const TOTP_FAILURES = 5;

/** Wrong 2FA codes (confirmation, disabling) per user: at TOTP_FAILURES in the window they stop (429). */
export async function totpThrottle(db: Db, deps: AuthDeps, userId: string): Promise<AuthRefusal | null> {
  const f = await recentFailures(db, deps.identity.personalData, { action: 'totp', account: userId, ip: 'n/a', since: new Date(deps.now().getTime() - deps.identity.failureWindowMs) });
  return f.account >= TOTP_FAILURES ? refuse('rate_limited', 'Too many wrong codes; try again later.', Math.ceil(deps.identity.failureWindowMs / 1000)) : null;
}
