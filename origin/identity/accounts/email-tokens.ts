/**
 * The single-use tokens sent by mail (email verification 24 h, password reset 1 h): only their
 * SHA-256 is stored; a new token supersedes the user's older unused ones of the same purpose;
 * redeeming is a conditional update, so of two concurrent redemptions one wins.
 */
import type { PersonalData } from '../../crypto/personal-data.js';
import { openUserEmail, openUserName } from '../people.js';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { sha256Hex } from '../../../shared/crypto.js';
import type { Db } from '../../db/client.js';
import { authTokens, users, type AuthTokenPurpose } from '../../db/schema/index.js';

export const VERIFY_TTL_MS = 24 * 3_600_000;
export const RESET_TTL_MS = 3_600_000;

/** 32 random bytes, base64url. */
export function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

/** Issues a token for `userId` (inside the caller's transaction); returns it (the mail's link). */
export async function issueEmailToken(t: Db, userId: string, purpose: AuthTokenPurpose, ttlMs: number, now: Date): Promise<string> {
  const token = randomToken();
  // A new token supersedes older unused ones of the same purpose.
  await t.update(authTokens).set({ usedAt: now }).where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, purpose), isNull(authTokens.usedAt)));
  await t.insert(authTokens).values({ userId, purpose, tokenHash: sha256Hex(token), createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) });
  return token;
}

/** Marks a token used (once: concurrent redemptions race on the conditional update); its user, or null. */
export async function redeemEmailToken(t: Db, token: string, purpose: AuthTokenPurpose, now: Date): Promise<string | null> {
  const [row] = await t
    .update(authTokens)
    .set({ usedAt: now })
    .where(and(eq(authTokens.tokenHash, sha256Hex(token)), eq(authTokens.purpose, purpose), isNull(authTokens.usedAt), gt(authTokens.expiresAt, now)))
    .returning({ userId: authTokens.userId });
  return row?.userId ?? null;
}

/** The user of a live (unused, unexpired) token, without redeeming it; null if none. */
export async function pendingTokenUser(db: Db, pd: PersonalData, token: string, purpose: AuthTokenPurpose, now: Date): Promise<{ userId: string; email: string; name: string } | null> {
  const [pending] = await db
    .select({ userId: authTokens.userId, emailEnc: users.emailEnc, nameEnc: users.nameEnc })
    .from(authTokens)
    .innerJoin(users, eq(users.id, authTokens.userId))
    .where(and(eq(authTokens.tokenHash, sha256Hex(token)), eq(authTokens.purpose, purpose), isNull(authTokens.usedAt), gt(authTokens.expiresAt, now)))
    .limit(1);
  if (!pending) return null;
  const row = { id: pending.userId, ...pending };
  return { userId: pending.userId, email: openUserEmail(pd, row), name: openUserName(pd, row) };
}
