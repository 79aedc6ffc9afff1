/**
 * Sign-up and email verification (POST /v1/auth/signup, /v1/auth/verify-email).
 *
 * Sign-up answers the same whether or not the email has an account: the password is checked
 * and hashed before the email is looked up (both answers take the same time), and the caller
 * sends the returned mail after answering — the verification link for a new account, a
 * "someone tried to sign up with your address" note for an existing one. A new account is a
 * user, an organization with its default space, and the user's owner membership, committed with
 * one `account.signup` row in the new organization's chain (`commitWrite`, organization-level).
 * Verification redeems the single-use token and commits one `account.email_verified` row
 * (`commitAccountWrite`).
 */
import { sealUser, userEmailIs } from '../people.js';
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { memberships, organizations, users } from '../../db/schema/index.js';
import { commitAccountWrite, commitWrite } from '../../outbox/index.js';
import type { MailMessage } from '../mail.js';
import type { PasswordStrength } from '../passwords/password-policy.js';
import { checkNewPassword, hashNewPassword } from '../context.js';
import { createSpace, DEFAULT_SPACE_SLUG } from '../orgs/spaces.js';
import { ok, type AuthDeps, type AuthResult, type RequestActor } from '../auth-result.js';
import { recordAttempt } from './auth-attempts.js';
import { issueEmailToken, pendingTokenUser, randomToken, redeemEmailToken, VERIFY_TTL_MS } from './email-tokens.js';

export interface SignupInput {
  email: string;
  password: string;
  name: string;
  organizationName: string;
}

export interface SignupOutcome {
  strength: PasswordStrength;
  /** The mail to send after answering, and its name in the after-response queue. */
  mail: { name: 'signup.existing_mail' | 'signup.verification_mail'; message: MailMessage };
}

function slugify(v: string): string {
  const base = v
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${base || 'org'}-${randomToken().slice(0, 6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
}

export async function signUp(db: Db, deps: AuthDeps, input: SignupInput, actor: RequestActor): Promise<AuthResult<SignupOutcome>> {
  const { identity } = deps;
  const strength = await checkNewPassword(identity, deps.logger, input.password, { email: input.email, name: input.name, organizationName: input.organizationName });
  if (!strength.ok) return { ok: false, error: 'invalid', detail: `Invalid request: ${strength.detail}` };
  await recordAttempt(db, identity.personalData, { action: 'signup', account: input.email, ip: actor.ip, success: true, now: deps.now() });
  // Hash before looking the email up, so both answers take the same time.
  const hash = await hashNewPassword(identity, input.password);
  const [existing] = await db.select({ id: users.id }).from(users).where(userEmailIs(identity.personalData, input.email)).limit(1);
  if (existing) {
    return ok({
      strength: strength.value,
      mail: {
        name: 'signup.existing_mail',
        message: {
          to: input.email,
          subject: 'Someone tried to sign up to ghee with your email',
          text: `Someone (maybe you) tried to create a ghee account with this address, which already has one. If it was you, sign in or reset your password at ${identity.publicAppUrl}/password/forgot. Otherwise ignore this message.`,
        },
      },
    });
  }
  // The ids are chosen here so the commit step knows the row's actor and organization up front.
  const userId = randomUUID();
  const organizationId = randomUUID();
  const created = await commitWrite(db, { ...actor, userId, organizationId }, null, async (w) => {
    const t = w.t;
    await t.insert(users).values({ ...sealUser(identity.personalData, { id: userId, email: input.email, name: input.name }), passwordHash: hash });
    await t.insert(organizations).values({ id: organizationId, slug: slugify(input.organizationName), name: input.organizationName });
    await createSpace(t, { organizationId, name: input.organizationName, slug: DEFAULT_SPACE_SLUG });
    await t.insert(memberships).values({ userId, organizationId, role: 'owner' });
    w.audit({ action: 'account.signup', target: { type: 'user', id: userId } });
    return ok(await issueEmailToken(t, userId, 'verify_email', VERIFY_TTL_MS, deps.now()));
  });
  return ok({
    strength: strength.value,
    mail: {
      name: 'signup.verification_mail',
      message: {
        to: input.email,
        subject: 'Verify your email for ghee',
        text: `Welcome to ghee. Verify your email within 24 hours: ${identity.publicAppUrl}/verify-email?token=${created.value}`,
      },
    },
  });
}

const INVALID_LINK = 'This link is invalid, used or expired.';

/** Redeems a verification token: the address is verified (once), one `account.email_verified` row. */
export async function verifyEmail(db: Db, deps: AuthDeps, token: string, actor: RequestActor): Promise<AuthResult<{ userId: string }>> {
  const pending = await pendingTokenUser(db, deps.identity.personalData, token, 'verify_email', deps.now());
  if (!pending) return { ok: false, error: 'invalid', detail: INVALID_LINK };
  const userId = pending.userId;
  return commitAccountWrite(db, { ...actor, userId }, async (w): Promise<AuthResult<{ userId: string }>> => {
    // Redeemed here, in the write: of two concurrent redemptions one wins.
    const uid = await redeemEmailToken(w.t, token, 'verify_email', deps.now());
    if (uid !== userId) return { ok: false, error: 'invalid', detail: INVALID_LINK };
    await w.t.update(users).set({ emailVerifiedAt: deps.now() }).where(and(eq(users.id, uid), isNull(users.emailVerifiedAt)));
    w.audit({ action: 'account.email_verified', target: { type: 'user', id: uid } });
    return ok({ userId: uid });
  });
}
