/**
 * Login sessions: opaque 256-bit tokens (base64url) in a `__Host-` cookie; only SHA-256 of
 * the token is stored. A session is valid until its absolute expiry, while used within the
 * idle timeout, and until revoked. `last_seen_at` is refreshed at most once a minute, so a
 * busy session does not write on every request.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import { hmacSha256Hex, sha256Hex, timingSafeEqual } from '../../../shared/crypto.js';
import { ApiError } from '../../../shared/errors.js';
import { personalAad, type PersonalData } from '../../crypto/personal-data.js';
import type { Db } from '../../db/client.js';
import { openUserEmail } from '../people.js';
import { sessions, totpFactors, users } from '../../db/schema/index.js';

export const SESSION_COOKIE = '__Host-ghee_session';
export const CSRF_HEADER = 'x-csrf-token';
const TOUCH_EVERY_MS = 60_000;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export interface NewSession {
  id: string;
  token: string;
  expiresAt: Date;
}

export function hashSessionToken(token: string): string {
  return sha256Hex(token);
}

/**
 * A new session. Every session starts at a proof of the password (login, password change, 2FA
 * disable), so it counts as re-authenticated at `now` unless `reauthenticatedAt` says otherwise
 * (2FA confirmation carries over the replaced session's time).
 */
export async function createSession(
  tx: Db,
  input: {
    userId: string;
    ip: string | null;
    userAgent: string | null;
    now: Date;
    policy: SessionPolicy;
    reauthenticatedAt?: Date | null;
    /** An SSO login: the connection it came through, and the organization's cap on its lifetime (ms). */
    sso?: { connectionId: string; maxAbsoluteMs: number | null };
    /** Encrypts the address and user agent (personal data) bound to the new row. */
    personalData: PersonalData;
  },
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const lifetime = Math.min(input.policy.absoluteMs, input.sso?.maxAbsoluteMs ?? Infinity);
  const expiresAt = new Date(input.now.getTime() + lifetime);
  const id = randomUUID();
  const pd = input.personalData;
  const [row] = await tx
    .insert(sessions)
    .values({
      id,
      userId: input.userId,
      tokenHash: hashSessionToken(token),
      ipEnc: pd.sealOrNull(input.ip, personalAad('sessions', 'ip', id)),
      userAgentEnc: pd.sealOrNull(input.userAgent?.slice(0, 512), personalAad('sessions', 'user_agent', id)),
      createdAt: input.now,
      lastSeenAt: input.now,
      expiresAt,
      reauthenticatedAt: input.reauthenticatedAt === undefined ? input.now : input.reauthenticatedAt,
      authMethod: input.sso ? 'sso' : 'password',
      ssoConnectionId: input.sso?.connectionId ?? null,
    })
    .returning({ id: sessions.id })
    // Named: a prepared statement per pooled connection, one round trip (an unnamed parameterized
    // statement is two: Parse/Describe, then Bind/Execute). Every sign-in runs it.
    .prepare('session_insert')
    .execute();
  return { id: row!.id, token, expiresAt };
}

export interface ActiveSession {
  sessionId: string;
  userId: string;
  email: string;
  tokenHash: string;
  hasTotp: boolean;
}

/** The live session for `token`, or null (unknown, revoked, expired, idle too long, user disabled). */
export async function findSession(db: Db, token: string, now: Date, policy: SessionPolicy, pd: PersonalData): Promise<ActiveSession | null> {
  if (!TOKEN_RE.test(token)) return null;
  const tokenHash = hashSessionToken(token);
  const [row] = await db
    .select({
      sessionId: sessions.id,
      userId: sessions.userId,
      lastSeenAt: sessions.lastSeenAt,
      emailEnc: users.emailEnc,
      disabledAt: users.disabledAt,
      totpConfirmedAt: totpFactors.confirmedAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(totpFactors, eq(totpFactors.userId, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .limit(1);
  if (!row || row.disabledAt) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > policy.idleMs) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.sessionId));
  }
  return { sessionId: row.sessionId, userId: row.userId, email: openUserEmail(pd, { id: row.userId, emailEnc: row.emailEnc }), tokenHash, hasTotp: row.totpConfirmedAt !== null };
}

/** Records a fresh proof of the password in this session (POST /v1/auth/reauthenticate). */
export async function markReauthenticated(tx: Db, sessionId: string, now: Date): Promise<void> {
  await tx.update(sessions).set({ reauthenticatedAt: now }).where(eq(sessions.id, sessionId));
}

/**
 * Refuses (403 reauthentication_required) unless this session — not another session of the
 * user — proved the password within `maxAgeMs`; returns when it did. Guards the changes a
 * stolen session must not make on its own: 2FA enrolment, API-key creation and rotation.
 */
export async function requireRecentReauthentication(db: Db, sessionId: string, now: Date, maxAgeMs: number): Promise<Date> {
  const [row] = await db.select({ at: sessions.reauthenticatedAt }).from(sessions).where(eq(sessions.id, sessionId)).limit(1);
  const at = row?.at ?? null;
  if (!at || now.getTime() - at.getTime() > maxAgeMs) {
    throw new ApiError('reauthentication_required', `Confirm your password first (POST /v1/auth/reauthenticate): this needs a sign-in from the last ${Math.round(maxAgeMs / 60_000)} minutes.`);
  }
  return at;
}

export async function revokeSession(tx: Db, sessionId: string, now: Date): Promise<void> {
  await tx.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Revokes every live session of a user (optionally but one); returns how many. */
export async function revokeUserSessions(tx: Db, userId: string, now: Date, exceptSessionId?: string): Promise<number> {
  const where = exceptSessionId
    ? and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ne(sessions.id, exceptSessionId))
    : and(eq(sessions.userId, userId), isNull(sessions.revokedAt));
  const rows = await tx.update(sessions).set({ revokedAt: now }).where(where).returning({ id: sessions.id });
  return rows.length;
}

/** The CSRF token of a session: an HMAC of its token hash, so nothing extra is stored. */
export function csrfTokenFor(secret: string, tokenHash: string): string {
  return hmacSha256Hex(secret, `csrf:${tokenHash}`);
}

/** `secrets`: AUTH_SECRET, or every secret still accepted (identity's `verifyingAuthSecrets`, during a rotation). */
export function csrfTokenValid(secrets: string | readonly string[], tokenHash: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  let ok = false;
  // Every candidate is compared (no early exit), each in constant time.
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) ok = timingSafeEqual(presented, csrfTokenFor(secret, tokenHash)) || ok;
  return ok;
}

/** `Set-Cookie` for a new session: host-only, Secure, HttpOnly, SameSite=Lax, path /. */
export function sessionCookie(token: string, expiresAt: Date): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Secure; HttpOnly; SameSite=Lax; Expires=${expiresAt.toUTCString()}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** The session token from a Cookie header, if any. */
export function sessionTokenFromCookie(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eqAt = part.indexOf('=');
    if (eqAt < 0) continue;
    if (part.slice(0, eqAt).trim() === SESSION_COOKIE) return part.slice(eqAt + 1).trim();
  }
  return null;
}

export interface OpenedSession extends NewSession {
  /** The CSRF token the answer carries (the cookie carries `token`). */
  csrfToken: string;
}

/** A new session (inside the caller's write) and its CSRF token; the route sets its cookie. */
export async function openSession(
  tx: Db,
  input: { userId: string; ip: string | null; userAgent: string | null; now: Date; policy: SessionPolicy; secret: string; reauthenticatedAt?: Date; personalData: PersonalData },
): Promise<OpenedSession> {
  const s = await createSession(tx, {
    userId: input.userId,
    ip: input.ip,
    userAgent: input.userAgent,
    now: input.now,
    policy: input.policy,
    personalData: input.personalData,
    ...(input.reauthenticatedAt ? { reauthenticatedAt: input.reauthenticatedAt } : {}),
  });
  return { ...s, csrfToken: csrfTokenFor(input.secret, hashSessionToken(s.token)) };
}
