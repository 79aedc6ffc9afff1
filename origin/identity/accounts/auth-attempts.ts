/**
 * Attempt counters for the rate-limited auth actions, kept in Postgres so they hold across
 * origin instances, and the single-use store for captcha solutions.
 */
import { and, count, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authAttempts, captchaUses } from '../../db/schema/index.js';
import type { CaptchaReplayStore } from './captcha.js';

export type AttemptAction = 'login' | 'signup' | 'reset' | 'totp' | 'verify';

export async function recordAttempt(db: Db, a: { action: AttemptAction; account: string | null; ip: string; success: boolean; now: Date }): Promise<void> {
  await db.insert(authAttempts).values({ action: a.action, account: a.account, ip: a.ip, success: a.success, createdAt: a.now });
}

/** Failed attempts since `since`, per account and per IP. */
export async function recentFailures(db: Db, q: { action: AttemptAction; account: string | null; ip: string; since: Date }): Promise<{ account: number; ip: number }> {
  // One round trip; each side still uses its own index.
  const failed = and(eq(authAttempts.action, q.action), eq(authAttempts.success, false), gte(authAttempts.createdAt, q.since));
  const [row] = await db
    .select({
      ip: sql<number>`(select count(*)::int from ${authAttempts} where ${and(failed, eq(authAttempts.ip, q.ip))})`,
      account: q.account === null ? sql<number>`0` : sql<number>`(select count(*)::int from ${authAttempts} where ${and(failed, eq(authAttempts.account, q.account))})`,
    })
    .from(sql`(select 1) as one`);
  return { account: Number(row?.account ?? 0), ip: Number(row?.ip ?? 0) };
}

/** All attempts (failed or not) from an IP since `since`: rate limits on sign-up and reset requests. */
export async function recentAttemptsFromIp(db: Db, action: AttemptAction, ip: string, since: Date): Promise<number> {
  const [row] = await db.select({ n: count() }).from(authAttempts).where(and(eq(authAttempts.action, action), eq(authAttempts.ip, ip), gte(authAttempts.createdAt, since)));
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
