/**
 * Accounts and sessions against a real origin and database: sign-up, verification, login,
 * sessions (cookie attributes, CSRF, idle/absolute expiry, revocation), password reset and
 * change, TOTP 2FA with replay and recovery codes, the captcha gate without lockout, audit rows.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAuditPersonal } from '../../origin/audit/audit.js';
import { auditEvents, authAttempts, authTokens, recoveryCodes, sessions, users } from '../../origin/db/schema/index.js';
import { solveChallengeForTests, type CaptchaChallenge } from '../../origin/identity/accounts/captcha.js';
import { MemoryTransport } from '../../origin/identity/mail.js';
import { hashPassword } from '../../origin/identity/passwords/passwords.js';
import { totpCode } from '../../origin/identity/totp/totp.js';
import { identityFromConfig } from '../../origin/identity/context.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, GOOD_PASSWORD, personalDataOf, SessionClient, uniqueEmail, userIdByEmail, userWithEmail } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const mail = new MemoryTransport();
let origin: OriginUnderTest;
let hibp: Server;
const BREACHED = 'Breached-Password-1!x';

function linkToken(text: string): string {
  const m = /token=([A-Za-z0-9_-]+)/.exec(text);
  if (!m) throw new Error(`no token link in: ${text}`);
  return m[1]!;
}

/**
 * The newest mail to `to` among those after the first `since` messages, once it arrives: sign-up
 * and reset requests answer first and send after (in order, one at a time).
 */
async function mailAfter(to: string, since: number) {
  for (let i = 0; i < 500; i++) {
    const found = mail.messages.slice(since).filter((m) => m.to === to);
    if (found.length > 0) return found[found.length - 1]!;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no mail to ${to}`);
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${origin.server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function auditRows(action: string, targetId?: string) {
  return origin.database.db
    .select()
    .from(auditEvents)
    .where(targetId ? and(eq(auditEvents.action, action), eq(auditEvents.targetId, targetId)) : eq(auditEvents.action, action));
}

beforeAll(async () => {
  // A local server speaking the HIBP range protocol (with padding lines, count 0).
  const sha = createHash('sha1').update(BREACHED).digest('hex').toUpperCase();
  hibp = createServer((req, res) => {
    const prefix = (req.url ?? '').split('/').pop() ?? '';
    const lines = [`${'0'.repeat(35)}:0`];
    if (prefix === sha.slice(0, 5)) lines.push(`${sha.slice(5)}:4242`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
  });
  await new Promise<void>((r) => hibp.listen(0, '127.0.0.1', r));
  origin = await startTestOrigin({ HIBP_URL: `http://127.0.0.1:${(hibp.address() as AddressInfo).port}`, BCRYPT_COST: '10' }, { mail });
});

afterAll(async () => {
  await origin?.stop();
  await new Promise((r) => hibp?.close(r));
});

beforeEach(async () => {
  // Attempt counters are per IP and every request here comes from 127.0.0.1.
  await origin.database.db.delete(authAttempts);
});

describe('sign-up and email verification', () => {
  it('creates an organization and its owner, mails a single-use verification link, and refuses login until verified', async () => {
    const email = uniqueEmail('signup');
    const since = mail.messages.length;
    const res = await post('/v1/auth/signup', { email, password: GOOD_PASSWORD, name: 'Ada Lovelace', organization_name: 'Analytical Engines' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { status: string; password_strength: { score: number } };
    expect(body.status).toBe('verification_sent');
    expect(body.password_strength.score).toBeGreaterThanOrEqual(3);
    const verificationMail = await mailAfter(email, since);
    const [user] = await origin.database.db.select().from(users).where(userWithEmail(origin, email));
    expect(user!.passwordHash).toMatch(/^v1\$\$2[aby]\$10\$/);
    expect(user!.passwordHash).not.toContain(GOOD_PASSWORD);

    await expectErrorShape(await post('/v1/auth/login', { email, password: GOOD_PASSWORD }), 403, 'email_unverified');

    const token = linkToken(verificationMail.text);
    const [stored] = await origin.database.db.select().from(authTokens).where(eq(authTokens.userId, user!.id));
    expect(stored!.tokenHash).not.toBe(token);
    expect((await post('/v1/auth/verify-email', { token })).status).toBe(200);
    await expectErrorShape(await post('/v1/auth/verify-email', { token }), 400, 'bad_request');

    const client = new SessionClient(origin.server.url);
    await client.login(email, GOOD_PASSWORD);
    const me = await client.request('GET', '/v1/auth/session');
    const session = (await me.json()) as { data: { email: string; memberships: { role: string }[] } };
    expect(session.data.email).toBe(email);
    expect(session.data.memberships).toEqual([expect.objectContaining({ role: 'owner' })]);
    expect(await auditRows('account.signup', user!.id)).toHaveLength(1);
    // Sign-up creates an organization: its row is in that organization's chain (the commit step, organization-level).
    const orgId = (session.data.memberships[0] as unknown as { organization_id: string }).organization_id;
    expect(await auditRows('account.signup', user!.id)).toEqual([expect.objectContaining({ result: 'success', organizationId: orgId, actorUserId: user!.id, metadata: { actor: 'member', space_id: null } })]);
  });

  it('answers a sign-up for an existing email exactly like a new one, creating nothing and warning the owner', async () => {
    const existing = await createUser(origin, origin.seed.organizationId, 'viewer');
    const before = mail.messages.length;
    const res = await post('/v1/auth/signup', { email: existing.email.toUpperCase(), password: GOOD_PASSWORD, name: 'Eve', organization_name: 'Evil Corp' });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { status: string }).status).toBe('verification_sent');
    expect((await mailAfter(existing.email, before)).subject).toMatch(/tried to sign up/);
    expect(mail.messages.length).toBe(before + 1);
    expect(await origin.database.db.select().from(users).where(userWithEmail(origin, existing.email))).toHaveLength(1);
  });

  it.each([
    ['too short', 'Ab1!xyz'],
    ['no symbol', 'Abcdefgh12345'],
    ['a common password', 'Password1!'],
    ['the organization name', 'Analytical-Engines-9'],
    ['the product name', 'Ghee-Lover-2024!'],
    ['breached (local HIBP stand-in)', BREACHED],
    ['longer than 256 characters', `Aa1!${'x'.repeat(253)}`],
  ])('refuses a password that is %s, creating nothing', async (_label, password) => {
    const email = uniqueEmail('weak');
    const res = await post('/v1/auth/signup', { email, password, name: 'Someone', organization_name: 'Analytical Engines' });
    await expectErrorShape(res, 400, 'bad_request');
    expect(await userIdByEmail(origin, email)).toBeNull();
  });

  it('refuses unknown fields (no mass assignment of role or organization)', async () => {
    const res = await post('/v1/auth/signup', { email: uniqueEmail(), password: GOOD_PASSWORD, name: 'X', organization_name: 'Y', role: 'owner', organization_id: origin.seed.organizationId });
    const body = await expectErrorShape(res, 400, 'bad_request');
    expect(body.detail).toMatch(/unknown field/);
  });
});

describe('login and sessions', () => {
  it('sets a __Host- cookie that is Secure, HttpOnly and SameSite=Lax, stores only its hash, and audits the login', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'author');
    const res = await post('/v1/auth/login', { email: u.email, password: u.password });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-ghee_session=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Expires=/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const rows = await origin.database.db.select().from(sessions).where(eq(sessions.userId, u.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    const logins = await auditRows('auth.login', u.id);
    expect(logins).toEqual([expect.objectContaining({ result: 'success', ipEnc: expect.stringMatching(/^env1\./) })]);
    // The client address is stored sealed (origin/audit/audit.ts) and opens to the caller's.
    expect(openAuditPersonal(logins[0]!).ip).toBe('127.0.0.1');
  });

  it('gives the same generic answer for a wrong password and an unknown account, and audits the failure', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'author');
    const wrong = await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: 'Wrong-Password-42!' }), 401, 'invalid_credentials');
    const unknown = await expectErrorShape(await post('/v1/auth/login', { email: uniqueEmail('ghost'), password: 'Wrong-Password-42!' }), 401, 'invalid_credentials');
    expect(wrong.detail).toBe(unknown.detail);
    expect(await auditRows('auth.login', u.id)).toEqual([expect.objectContaining({ result: 'failure' })]);
    // The unknown account's row names no user, and its actor is an anonymous caller (not an operator).
    const [ghost] = await origin.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.login'), isNull(auditEvents.targetId)))
      .orderBy(desc(auditEvents.createdAt))
      .limit(1);
    expect(ghost).toMatchObject({ result: 'failure', actorUserId: null, metadata: { reason: 'unknown_account', actor: 'anonymous' } });
  });

  it('writes account events through the commit step: a failed proof commits its attempt counter with its one failure row, a success one row, both in the account chain', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'author');
    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: 'Wrong-Password-42!' }), 401, 'invalid_credentials');
    expect(await auditRows('auth.login', u.id)).toEqual([
      expect.objectContaining({ result: 'failure', chain: 'global', organizationId: null, actorUserId: u.id, metadata: { reason: 'bad_password', actor: 'member' } }),
    ]);
    expect(await origin.database.db.select().from(authAttempts).where(and(eq(authAttempts.account, personalDataOf(origin).blindIndex('account', u.email)), eq(authAttempts.success, false)))).toHaveLength(1);
    expect((await post('/v1/auth/login', { email: u.email, password: u.password })).status).toBe(200);
    const ok = (await auditRows('auth.login', u.id)).filter((r) => r.result === 'success');
    expect(ok).toEqual([expect.objectContaining({ chain: 'global', organizationId: null, actorUserId: u.id, metadata: { second_factor: 'none', actor: 'member' } })]);
  });

  it('issues a new token at every login (no fixation) and refuses cookie-authenticated writes without the CSRF token', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'author');
    const a = new SessionClient(origin.server.url);
    await a.login(u.email, u.password);
    const first = a.cookie;
    await a.login(u.email, u.password);
    expect(a.cookie).not.toBe(first);
    await expectErrorShape(await a.request('POST', '/v1/auth/logout', undefined, { 'x-csrf-token': 'f'.repeat(64) }), 403, 'csrf_failed');
    await expectErrorShape(await a.request('POST', '/v1/auth/logout', undefined, { 'x-csrf-token': '' }), 403, 'csrf_failed');
    expect((await a.request('POST', '/v1/auth/logout')).status).toBe(200);
    const stale = new SessionClient(origin.server.url);
    stale.cookie = first;
    // The first session is still valid (a new login does not end others)…
    expect((await stale.request('GET', '/v1/auth/session')).status).toBe(200);
    // …but the logged-out one is gone.
    a.cookie = a.cookie ?? null;
    const after = new SessionClient(origin.server.url);
    await expectErrorShape(await after.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
  });

  it('ends sessions after the idle timeout and at the absolute lifetime', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'viewer');
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    expect((await c.request('GET', '/v1/auth/session')).status).toBe(200);
    await origin.database.db.update(sessions).set({ lastSeenAt: new Date(Date.now() - 13 * 3_600_000) }).where(eq(sessions.userId, u.id));
    await expectErrorShape(await c.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
    await c.login(u.email, u.password);
    await origin.database.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, u.id));
    await expectErrorShape(await c.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
  });

  it('"log out everywhere" revokes every session of the user', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'viewer');
    const a = new SessionClient(origin.server.url);
    const b = new SessionClient(origin.server.url);
    await a.login(u.email, u.password);
    await b.login(u.email, u.password);
    const res = await a.request('POST', '/v1/auth/logout-all');
    expect(((await res.json()) as { sessions_revoked: number }).sessions_revoked).toBe(2);
    await expectErrorShape(await b.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
    expect(await auditRows('session.revoke_all', u.id)).toHaveLength(1);
  });

  it('refuses a disabled account with the generic answer and ends its sessions', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'viewer');
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    await origin.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, u.id));
    await expectErrorShape(await c.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: u.password }), 401, 'invalid_credentials');
  });

  it('accepts passwords up to 256 characters and ignores none of them (72+ bytes differing after byte 72)', async () => {
    const base = `Aa1!${'k'.repeat(80)}`;
    const u = await createUser(origin, origin.seed.organizationId, 'viewer', { password: `${base}X` });
    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: `${base}Y` }), 401, 'invalid_credentials');
    expect((await post('/v1/auth/login', { email: u.email, password: `${base}X` })).status).toBe(200);
  });
});

describe('rehash on login', () => {
  it('re-hashes a password stored at another cost (and keeps it verifying)', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'viewer');
    const identity = identityFromConfig(origin.config, new MemoryTransport());
    const atCost11 = await hashPassword(u.password, { pepper: identity.peppers.get(1)!, pepperVersion: 1, cost: 11 });
    await origin.database.db.update(users).set({ passwordHash: atCost11 }).where(eq(users.id, u.id));
    expect((await post('/v1/auth/login', { email: u.email, password: u.password })).status).toBe(200);
    const [after] = await origin.database.db.select().from(users).where(eq(users.id, u.id));
    expect(after!.passwordHash).toMatch(/^v1\$\$2[aby]\$10\$/);
    expect((await post('/v1/auth/login', { email: u.email, password: u.password })).status).toBe(200);
  });
});

describe('password reset and change', () => {
  it('resets with a single-use, hashed, 1-hour token, ends all sessions, and answers the same for unknown emails', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'author');
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    const before = mail.messages.length;
    expect((await post('/v1/auth/password/forgot', { email: uniqueEmail('nobody') })).status).toBe(202);
    expect((await post('/v1/auth/password/forgot', { email: u.email })).status).toBe(202);
    const token = linkToken((await mailAfter(u.email, before)).text);
    // The unknown address's request, handled before (in order), sent nothing.
    expect(mail.messages.length).toBe(before + 1);
    const [row] = await origin.database.db.select().from(authTokens).where(and(eq(authTokens.userId, u.id), eq(authTokens.purpose, 'password_reset')));
    expect(row!.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(3_600_000);

    await expectErrorShape(await post('/v1/auth/password/reset', { token, password: 'short' }), 400, 'bad_request');
    const fresh = 'Another-Quiet-Harbor-88?';
    expect((await post('/v1/auth/password/reset', { token, password: fresh })).status).toBe(200);
    await expectErrorShape(await post('/v1/auth/password/reset', { token, password: fresh }), 400, 'bad_request');
    await expectErrorShape(await c.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: u.password }), 401, 'invalid_credentials');
    expect((await post('/v1/auth/login', { email: u.email, password: fresh })).status).toBe(200);
    expect(await auditRows('password.reset', u.id)).toHaveLength(1);
  });

  it('refuses an expired reset token', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'author');
    const before = mail.messages.length;
    await post('/v1/auth/password/forgot', { email: u.email });
    const token = linkToken((await mailAfter(u.email, before)).text);
    await origin.database.db.update(authTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(authTokens.userId, u.id));
    await expectErrorShape(await post('/v1/auth/password/reset', { token, password: 'Another-Quiet-Harbor-88?' }), 400, 'bad_request');
  });

  it('changes the password only with the current one, rotating the session and ending the others', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'author');
    const a = new SessionClient(origin.server.url);
    const b = new SessionClient(origin.server.url);
    await a.login(u.email, u.password);
    await b.login(u.email, u.password);
    await expectErrorShape(await a.request('POST', '/v1/auth/password/change', { current_password: 'nope-Nope-1!', new_password: 'Brand-New-Phrase-55#' }), 401, 'invalid_credentials');
    const old = a.cookie;
    const res = await a.request('POST', '/v1/auth/password/change', { current_password: u.password, new_password: 'Brand-New-Phrase-55#' });
    expect(res.status).toBe(200);
    a.csrf = ((await res.json()) as { csrf_token: string }).csrf_token;
    expect(a.cookie).not.toBe(old);
    expect((await a.request('GET', '/v1/auth/session')).status).toBe(200);
    await expectErrorShape(await b.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
  });
});

describe('two-factor authentication (TOTP)', () => {
  it('enrolls with a QR code, then requires a code at login, refuses its replay, and accepts each recovery code once', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'publisher');
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    const setup = (await (await c.request('POST', '/v1/auth/2fa/setup')).json()) as { data: { secret: string; otpauth_uri: string; qr_image: string } };
    expect(setup.data.otpauth_uri).toMatch(/^otpauth:\/\/totp\/ghee:/);
    expect(setup.data.qr_image).toMatch(/^data:image\/png;base64,/);
    await expectErrorShape(await c.request('POST', '/v1/auth/2fa/confirm', { code: '000000' === totpCode(setup.data.secret, Date.now()) ? '111111' : '000000' }), 400, 'bad_request');
    const confirm = await c.request('POST', '/v1/auth/2fa/confirm', { code: totpCode(setup.data.secret, Date.now()) });
    expect(confirm.status).toBe(200);
    const { recovery_codes: codes } = ((await confirm.json()) as { data: { recovery_codes: string[] } }).data;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    // Stored as a peppered HMAC: a leaked table alone cannot be brute-forced.
    const stored = await origin.database.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, u.id));
    expect(stored).toHaveLength(10);
    for (const row of stored) {
      expect(row.codeHash).toMatch(/^v1\$[0-9a-f]{64}$/);
      expect(codes.map((c) => createHash('sha256').update(c.toLowerCase().replace(/-/g, '')).digest('hex'))).not.toContain(row.codeHash.slice(3));
    }

    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: u.password }), 401, 'otp_required');
    // The code used to confirm cannot be used again (same 30 s step).
    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: u.password, otp: totpCode(setup.data.secret, Date.now()) }), 401, 'invalid_credentials');
    await origin.database.db.delete(authAttempts);
    const next = totpCode(setup.data.secret, Date.now() + 30_000);
    expect((await post('/v1/auth/login', { email: u.email, password: u.password, otp: next })).status).toBe(200);
    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: u.password, otp: next }), 401, 'invalid_credentials');

    expect((await post('/v1/auth/login', { email: u.email, password: u.password, recovery_code: codes[0] })).status).toBe(200);
    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: u.password, recovery_code: codes[0] }), 401, 'invalid_credentials');
    expect(await auditRows('2fa.enable', u.id)).toHaveLength(1);
    // Storing the pending secret is a write too: one 2fa.setup row, through the commit step, in the account chain.
    expect(await auditRows('2fa.setup', u.id)).toEqual([expect.objectContaining({ result: 'success', chain: 'global', organizationId: null, actorUserId: u.id })]);
  });

  it('disables only after re-authentication with password and a code', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'viewer');
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    const setup = (await (await c.request('POST', '/v1/auth/2fa/setup')).json()) as { data: { secret: string } };
    const confirm = await c.request('POST', '/v1/auth/2fa/confirm', { code: totpCode(setup.data.secret, Date.now()) });
    c.csrf = ((await confirm.json()) as { data: { csrf_token: string } }).data.csrf_token;
    const { recovery_codes } = ((await (await c.request('GET', '/v1/auth/session')).json()) as { data: { recovery_codes?: string[] } }).data;
    expect(recovery_codes).toBeUndefined();
    await expectErrorShape(await c.request('POST', '/v1/auth/2fa/disable', { password: 'Wrong-Password-42!', otp: totpCode(setup.data.secret, Date.now() + 30_000) }), 401, 'invalid_credentials');
    await expectErrorShape(await c.request('POST', '/v1/auth/2fa/disable', { password: u.password }), 401, 'invalid_credentials');
    const ok = await c.request('POST', '/v1/auth/2fa/disable', { password: u.password, otp: totpCode(setup.data.secret, Date.now() + 30_000) });
    expect(ok.status).toBe(200);
    expect((await post('/v1/auth/login', { email: u.email, password: u.password })).status).toBe(200);
  });
});

describe('brute-force protection', () => {
  it('asks for a captcha after 5 failures, yet the real user (right password + solved captcha) always gets in', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'author');
    for (let i = 0; i < 5; i++) await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: `Wrong-${i}-Password!` }), 401, 'invalid_credentials');
    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: u.password }), 403, 'captcha_required');
    const challenge = (await (await fetch(`${origin.server.url}/v1/auth/captcha`)).json()) as CaptchaChallenge;
    const captcha = await solveChallengeForTests(challenge);
    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: u.password, captcha: `${captcha.slice(0, -4)}AAAA` }), 403, 'captcha_required');
    expect((await post('/v1/auth/login', { email: u.email, password: u.password, captcha })).status).toBe(200);
    // A captcha solution is single use.
    await expectErrorShape(await post('/v1/auth/login', { email: u.email, password: u.password, captcha }), 403, 'captcha_required');
  });

  it('backs off an address that keeps failing (429 with Retry-After)', async () => {
    for (let i = 0; i < 20; i++) {
      await origin.database.db.insert(authAttempts).values({ action: 'login', account: personalDataOf(origin).blindIndex('account', `x${i}@example.test`), ip: personalDataOf(origin).blindIndex('ip', '127.0.0.1'), success: false });
      await origin.database.db.insert(authAttempts).values({ action: 'login', account: personalDataOf(origin).blindIndex('account', `x${i}@example.test`), ip: personalDataOf(origin).blindIndex('ip', '::ffff:127.0.0.1'), success: false });
    }
    const res = await post('/v1/auth/login', { email: uniqueEmail(), password: 'whatever-1A!' });
    await expectErrorShape(res, 429, 'rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('rate-limits sign-ups per address', async () => {
    for (let i = 0; i < 10; i++) await origin.database.db.insert(authAttempts).values({ action: 'signup', account: null, ip: personalDataOf(origin).blindIndex('ip', '127.0.0.1'), success: true });
    for (let i = 0; i < 10; i++) await origin.database.db.insert(authAttempts).values({ action: 'signup', account: null, ip: personalDataOf(origin).blindIndex('ip', '::ffff:127.0.0.1'), success: true });
    const email = uniqueEmail();
    await expectErrorShape(await post('/v1/auth/signup', { email, password: GOOD_PASSWORD, name: 'N', organization_name: 'O' }), 429, 'rate_limited');
    expect(await userIdByEmail(origin, email)).toBeNull();
  });
});

describe('secrets stay out of logs', () => {
  it('never logs passwords, session tokens or emailed tokens', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'author');
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    const before = mail.messages.length;
    await post('/v1/auth/password/forgot', { email: u.email });
    const token = linkToken((await mailAfter(u.email, before)).text);
    expect(origin.logs.text).not.toContain(u.password);
    expect(origin.logs.text).not.toContain(c.cookie!.split('=')[1]!);
    expect(origin.logs.text).not.toContain(token);
  });
});
