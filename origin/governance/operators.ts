/**
 * Operators: the platform's support staff, an identity apart from organization members — their
 * own table, their own sessions and cookie (`__Host-ghee_operator`, never the members'), and a
 * TOTP factor from creation on that every sign-in needs (password + code, both or nothing).
 * Passwords are hashed exactly as members' are (origin/identity: bcrypt over a peppered
 * pre-hash); TOTP secrets are envelope-encrypted (aad `operator-totp:<id>`) and a code is
 * accepted once (its step must be after the last used one: conditional update). Their email and
 * name are personal data, sealed like members' (origin/crypto/personal-data.ts: envelope tokens
 * bound to the row and column, `personalAad('operators', …)`); sign-in and `disable` find the
 * address through its keyed blind index (`email_bidx`, unique: one operator per address).
 *
 * An operator has no access to any organization by being one: only a support grant of that
 * organization lets an operator session act there (support-access.ts).
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Envelope } from '../crypto/envelope.js';
import { personalAad, type PersonalData } from '../crypto/personal-data.js';
import type { Db } from '../db/client.js';
import { auditEvents, operators, operatorSessions } from '../db/schema/index.js';
import type { Result } from '../http/result.js';
import { commitAccountWrite, type WriteActor } from '../outbox/index.js';
import { generateTotpSecret, hashNewPassword, hashSessionToken, otpauthUri, verifyTotp, verifyUserPassword, type IdentityContext } from '../identity/index.js';

export const OPERATOR_COOKIE = '__Host-ghee_operator';
/** An operator session lasts 8 hours at most, and ends after 30 idle minutes. */
export const OPERATOR_SESSION_ABSOLUTE_MS = 8 * 3_600_000;
export const OPERATOR_SESSION_IDLE_MS = 30 * 60_000;
const TOUCH_EVERY_MS = 60_000;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
/** An operator's sign-ins stop after this many failures within the window (audited failures counted). */
export const LOCK_AFTER = 10;
const LOCK_WINDOW_MS = 15 * 60_000;
const EMAIL_RE = /^[^\s@<>(),;:"]{1,64}@[^\s@<>(),;:"]{1,190}$/;

export interface OperatorView {
  id: string;
  email: string;
  name: string;
  disabledAt: Date | null;
  createdAt: Date;
}

const aad = (id: string) => `operator-totp:${id}`;

/** The stored columns of an operator's email and name (sealed to row `id`) and the email's blind index. */
export function sealOperator(pd: PersonalData, id: string, input: { email: string; name: string }): { emailEnc: string; emailBidx: string; nameEnc: string } {
  return {
    emailEnc: pd.seal(input.email, personalAad('operators', 'email', id)),
    emailBidx: pd.blindIndex('email', input.email),
    nameEnc: pd.seal(input.name, personalAad('operators', 'name', id)),
  };
}

/** `operators` rows whose address is `email` (case-insensitive), through the blind index under every key version. */
export function operatorEmailIs(pd: PersonalData, email: string): SQL {
  return inArray(operators.emailBidx, pd.blindIndexes('email', email));
}

/** An operator row as shown: email and name opened (EnvelopeError for a tampered or moved token). */
function openOperator(pd: PersonalData, row: { id: string; emailEnc: string; nameEnc: string; disabledAt: Date | null; createdAt: Date }): OperatorView {
  return {
    id: row.id,
    email: pd.open(row.emailEnc, personalAad('operators', 'email', row.id)),
    name: pd.open(row.nameEnc, personalAad('operators', 'name', row.id)),
    disabledAt: row.disabledAt,
    createdAt: row.createdAt,
  };
}

/** The CLI's actor for operator administration (the platform's own, in the global chain). */
const CLI: WriteActor = { userId: null, keyId: null, system: 'operator' };

/** Creates an operator: the TOTP secret and its otpauth URI are returned once (shown by the CLI, never stored in clear). */
export async function addOperator(
  db: Db,
  deps: { identity: IdentityContext; envelope: Envelope },
  input: { email: string; name: string; password: string },
): Promise<Result<{ operator: OperatorView; totpSecret: string; otpauthUri: string }>> {
  const email = input.email.trim();
  if (!EMAIL_RE.test(email)) return { ok: false, error: 'invalid', detail: 'email must be a plain address' };
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) return { ok: false, error: 'invalid', detail: 'name must be 1–200 characters' };
  if (input.password.length < 12 || input.password.length > 1024) return { ok: false, error: 'invalid', detail: 'password must be 12–1024 characters' };
  const pd = deps.identity.personalData;
  const [taken] = await db.select({ id: operators.id }).from(operators).where(operatorEmailIs(pd, email)).limit(1);
  if (taken) return { ok: false, error: 'conflict', detail: 'an operator with that email exists' };
  const passwordHash = await hashNewPassword(deps.identity, input.password);
  const secret = generateTotpSecret();
  return commitAccountWrite(db, CLI, async (w) => {
    const id = crypto.randomUUID();
    const [row] = await w.t
      .insert(operators)
      .values({ id, ...sealOperator(pd, id, { email, name }), passwordHash, totpSecretEncrypted: deps.envelope.encrypt(secret, aad(id)) })
      .returning({ createdAt: operators.createdAt });
    w.audit({ action: 'operator.create', target: { type: 'operator', id }, metadata: { via: 'cli' } });
    const operator = { id, email, name, disabledAt: null, createdAt: row!.createdAt };
    return { ok: true as const, value: { operator, totpSecret: secret, otpauthUri: otpauthUri({ issuer: 'ghee support', account: email, secret }) } };
  });
}

/** An operator whose sealed email or name does not open (tampered, moved from another row, or its key version is not in MASTER_KEYS). */
export class OperatorUnreadable extends Error {
  constructor(readonly operatorId: string) {
    super(`operator ${operatorId}: its email or name does not open under MASTER_KEYS (tampered, or its key version is missing; see npm run keys -- verify)`);
    this.name = 'OperatorUnreadable';
  }
}

/** Every operator, opened; throws OperatorUnreadable for a row that does not open (never shows a token). */
export async function listOperators(db: Db, pd: PersonalData): Promise<OperatorView[]> {
  const rows = await db
    .select({ id: operators.id, emailEnc: operators.emailEnc, nameEnc: operators.nameEnc, disabledAt: operators.disabledAt, createdAt: operators.createdAt })
    .from(operators)
    .orderBy(asc(operators.createdAt));
  return rows.map((r) => {
    try {
      return openOperator(pd, r);
    } catch {
      throw new OperatorUnreadable(r.id);
    }
  });
}

/** Disables an operator and ends every session of theirs at once; 'not_found' / 'already_disabled' change nothing. */
export async function disableOperator(db: Db, pd: PersonalData, email: string, now: Date): Promise<{ outcome: 'disabled'; id: string; sessions: number } | { outcome: 'not_found' | 'already_disabled' }> {
  const [op] = await db.select().from(operators).where(operatorEmailIs(pd, email)).limit(1);
  if (!op) return { outcome: 'not_found' };
  if (op.disabledAt) return { outcome: 'already_disabled' };
  return commitAccountWrite(db, CLI, async (w) => {
    await w.t.update(operators).set({ disabledAt: now }).where(eq(operators.id, op.id));
    const ended = await w.t
      .update(operatorSessions)
      .set({ revokedAt: now })
      .where(and(eq(operatorSessions.operatorId, op.id), isNull(operatorSessions.revokedAt)))
      .returning({ id: operatorSessions.id });
    w.audit({ action: 'operator.disable', target: { type: 'operator', id: op.id }, metadata: { via: 'cli', sessions_ended: ended.length } });
    return { ok: true as const, outcome: 'disabled' as const, id: op.id, sessions: ended.length };
  });
}

export interface OperatorLogin {
  operatorId: string;
  token: string;
  expiresAt: Date;
}

/**
 * Signs an operator in: password AND a current, unused TOTP code. Every failure answers the same
 * `invalid_credentials` (no hint which part failed) and writes one `operator.login` failure row
 * with the reason in the global chain; a success writes the session and one success row. After
 * LOCK_AFTER failures in 15 minutes the operator's sign-ins answer 429 (Retry-After) unchecked.
 */
export async function operatorLogin(
  db: Db,
  deps: { identity: IdentityContext; envelope: Envelope },
  input: { email: string; password: string; otp: string },
  actor: { ip: string; userAgent: string | null },
  now: Date,
): Promise<Result<OperatorLogin>> {
  // One HMAC per MASTER_KEYS version (the blind index), no decryption: the address is never opened at sign-in.
  const [op] = await db.select().from(operators).where(operatorEmailIs(deps.identity.personalData, input.email)).limit(1);
  // Staff accounts: after LOCK_AFTER failures within LOCK_WINDOW_MS, no more guesses (not even a bcrypt) until the window moves on.
  if (op) {
    const [failures] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'operator.login'), eq(auditEvents.result, 'failure'), eq(auditEvents.targetId, op.id), gt(auditEvents.createdAt, new Date(now.getTime() - LOCK_WINDOW_MS))));
    if (Number(failures?.n ?? 0) >= LOCK_AFTER) return { ok: false, error: 'rate_limited', detail: 'Too many failed sign-ins: try again later.', retryAfterS: LOCK_WINDOW_MS / 1000 };
  }
  const pw = await verifyUserPassword(deps.identity, input.password, op?.passwordHash ?? null);
  const who: WriteActor = { userId: null, keyId: null, anonymous: true, ip: actor.ip, userAgent: actor.userAgent };
  const fail = (reason: string) =>
    commitAccountWrite(db, who, async (w): Promise<Result<OperatorLogin>> => {
      w.refused({ action: 'operator.login', target: { type: 'operator', id: op?.id ?? null }, metadata: { reason } });
      return { ok: false, error: 'invalid_credentials', detail: 'Invalid email, password or code.' };
    });
  if (!op) return fail('unknown_account');
  if (!pw.ok) return fail('bad_password');
  if (op.disabledAt) return fail('disabled');
  let secret: string;
  try {
    secret = deps.envelope.decrypt(op.totpSecretEncrypted, aad(op.id));
  } catch {
    return fail('totp_unreadable');
  }
  const totp = verifyTotp(secret, input.otp, now.getTime(), op.totpLastUsedStep);
  if (!totp.ok) return fail('bad_otp');
  return commitAccountWrite(db, { ...who, anonymous: false, system: 'operator' }, async (w): Promise<Result<OperatorLogin>> => {
    // Spend the code: of two sign-ins with the same code, one wins.
    const spent = await w.t
      .update(operators)
      .set({ totpLastUsedStep: totp.step })
      .where(and(eq(operators.id, op.id), or(isNull(operators.totpLastUsedStep), sql`${operators.totpLastUsedStep} < ${totp.step}`)))
      .returning({ id: operators.id });
    if (spent.length === 0) {
      w.refused({ action: 'operator.login', target: { type: 'operator', id: op.id }, metadata: { reason: 'replayed_otp' } });
      return { ok: false, error: 'invalid_credentials', detail: 'Invalid email, password or code.' };
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + OPERATOR_SESSION_ABSOLUTE_MS);
    await w.t.insert(operatorSessions).values({ operatorId: op.id, tokenHash: hashSessionToken(token), createdAt: now, lastSeenAt: now, expiresAt });
    w.audit({ action: 'operator.login', target: { type: 'operator', id: op.id }, metadata: { second_factor: 'totp' } });
    return { ok: true, value: { operatorId: op.id, token, expiresAt } };
  });
}

export interface OperatorSession {
  sessionId: string;
  operatorId: string;
  tokenHash: string;
}

/** The live session of `token` (not revoked, not expired, used within the idle timeout, operator not disabled), or null. */
export async function findOperatorSession(db: Db, token: string, now: Date): Promise<OperatorSession | null> {
  if (!TOKEN_RE.test(token)) return null;
  const tokenHash = hashSessionToken(token);
  const [row] = await db
    .select({ sessionId: operatorSessions.id, operatorId: operators.id, lastSeenAt: operatorSessions.lastSeenAt })
    .from(operatorSessions)
    .innerJoin(operators, eq(operators.id, operatorSessions.operatorId))
    .where(
      and(
        eq(operatorSessions.tokenHash, tokenHash),
        isNull(operatorSessions.revokedAt),
        isNull(operators.disabledAt),
        gt(operatorSessions.expiresAt, now),
        gt(operatorSessions.lastSeenAt, new Date(now.getTime() - OPERATOR_SESSION_IDLE_MS)),
      ),
    )
    .limit(1);
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(operatorSessions).set({ lastSeenAt: now }).where(eq(operatorSessions.id, row.sessionId));
  }
  return { sessionId: row.sessionId, operatorId: row.operatorId, tokenHash };
}

export async function endOperatorSession(db: Db, s: OperatorSession, ip: string, now: Date): Promise<void> {
  await commitAccountWrite(db, { userId: null, keyId: null, system: 'operator', ip }, async (w) => {
    await w.t.update(operatorSessions).set({ revokedAt: now }).where(eq(operatorSessions.id, s.sessionId));
    w.audit({ action: 'operator.logout', target: { type: 'operator', id: s.operatorId } });
    return { ok: true };
  });
}

/** The operator session token from a Cookie header (the members' cookie is never read here). */
export function operatorTokenFromCookie(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === OPERATOR_COOKIE) return part.slice(at + 1).trim() || null;
  }
  return null;
}

export function operatorCookie(token: string, expiresAt: Date): string {
  return `${OPERATOR_COOKIE}=${token}; Path=/; Secure; HttpOnly; SameSite=Strict; Expires=${expiresAt.toUTCString()}`;
}

export function clearedOperatorCookie(): string {
  return `${OPERATOR_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;
}
