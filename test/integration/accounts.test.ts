/**
 * Operator account controls (origin/identity/accounts/accounts.ts, `npm run accounts`) against a real
 * origin and database: disabling ends live sessions and refuses login, enabling lets the user
 * sign in again, one audit row per organization (with the reason) and none for a no-op,
 * unknown emails change nothing, `show` prints no secret — and the real CLI process's output
 * and exit codes.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE, runAccounts } from '../../origin/cli/accounts.js';
import type { Db } from '../../origin/db/client.js';
import { auditEvents, authAttempts, memberships, organizations, sessions, totpFactors, users } from '../../origin/db/schema/index.js';
import { describeAccount, disableAccount, enableAccount } from '../../origin/identity/accounts/accounts.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, personalDataOf, SessionClient, uniqueEmail } from '../helpers/identity.js';
import { sealUser, sealUserName } from '../../origin/identity/people.js';
import { captureIo, cliDatabase } from '../helpers/cli.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const pd = () => personalDataOf(origin);
let other: { organizationId: string; spaceId: string };

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
  other = await createOrganization(origin, `accounts-other-${process.pid}`);
});

afterAll(async () => {
  await origin?.stop();
});

beforeEach(async () => {
  // Attempt counters are per IP and every request here comes from 127.0.0.1.
  await origin.database.db.delete(authAttempts);
});

const db = (): Db => origin.database.db;

function login(email: string, password: string) {
  return fetch(`${origin.server.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
}

async function accountEvents(userId: string) {
  return db()
    .select()
    .from(auditEvents)
    .where(and(inArray(auditEvents.action, ['account.disabled', 'account.enabled']), eq(auditEvents.targetId, userId)));
}

/** A user with a role in the seed organization and in `other` (organization-wide and one space). */
async function memberOfTwo() {
  const u = await createUser(origin, origin.seed.organizationId, 'author');
  await db().insert(memberships).values([
    { userId: u.id, organizationId: other.organizationId, role: 'viewer' },
    { userId: u.id, organizationId: other.organizationId, spaceId: other.spaceId, role: 'publisher' },
  ]);
  return u;
}

const sharedDb = () => Promise.resolve({ db: db(), close: async () => {} });

describe('disable', () => {
  it('ends live sessions, refuses login with the generic answer, and audits once per organization with the reason', async () => {
    const u = await memberOfTwo();
    const a = new SessionClient(origin.server.url);
    const b = new SessionClient(origin.server.url);
    await a.login(u.email, u.password);
    await b.login(u.email, u.password);
    expect((await a.request('GET', '/v1/auth/session')).status).toBe(200);

    // Looked up as login looks emails up: case and surrounding spaces do not matter.
    const r = await disableAccount(db(), pd(), `  ${u.email.toUpperCase()} `, { reason: 'left the company' });
    expect(r).toMatchObject({ outcome: 'disabled', userId: u.id, email: u.email, sessionsRevoked: 2 });

    await expectErrorShape(await a.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
    await expectErrorShape(await b.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
    // Revoked, not merely hidden behind disabled_at: they stay ended after an enable.
    expect(await db().select().from(sessions).where(and(eq(sessions.userId, u.id), isNull(sessions.revokedAt)))).toHaveLength(0);
    await expectErrorShape(await login(u.email, u.password), 401, 'invalid_credentials', 'Invalid email or password.');

    const [row] = await db().select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, u.id));
    expect(row!.disabledAt).toBeInstanceOf(Date);

    const events = await accountEvents(u.id);
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.organizationId).sort()).toEqual([origin.seed.organizationId, other.organizationId].sort());
    for (const e of events) {
      expect(e).toMatchObject({ action: 'account.disabled', result: 'success', targetType: 'user', targetId: u.id, actorUserId: null, actorKeyId: null, ipEnc: null });
      expect(e.metadata).toEqual({ via: 'operator', reason: 'left the company', sessions_revoked: 2 });
    }
  });

  it('is a no-op on an account that is already disabled: no second audit row, disabled_at kept', async () => {
    const u = await memberOfTwo();
    const first = await disableAccount(db(), pd(), u.email, { now: new Date('2030-01-01T00:00:00Z') });
    expect(first.outcome).toBe('disabled');
    const again = await disableAccount(db(), pd(), u.email, { reason: 'again', now: new Date('2030-02-01T00:00:00Z') });
    expect(again).toEqual({ outcome: 'already_disabled', userId: u.id, email: u.email, disabledAt: new Date('2030-01-01T00:00:00Z') });
    const events = await accountEvents(u.id);
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.action === 'account.disabled' && !('reason' in (e.metadata as object)))).toBe(true);
  });

  it('audits a user without memberships once, without an organization', async () => {
    const u = await createUser(origin, null, null);
    expect(await disableAccount(db(), pd(), u.email)).toMatchObject({ outcome: 'disabled', organizationIds: [] });
    const events = await accountEvents(u.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ organizationId: null, metadata: { via: 'operator', sessions_revoked: 0 } });
  });

  it('refuses an empty or overlong reason before changing anything', async () => {
    const u = await createUser(origin, origin.seed.organizationId, 'viewer');
    await expect(disableAccount(db(), pd(), u.email, { reason: '   ' })).rejects.toThrow(RangeError);
    await expect(disableAccount(db(), pd(), u.email, { reason: 'x'.repeat(501) })).rejects.toThrow(RangeError);
    expect((await describeAccount(db(), pd(), u.email))!.disabledAt).toBeNull();
    expect(await accountEvents(u.id)).toHaveLength(0);
  });
});

describe('enable', () => {
  it('lets the user sign in again, audits account.enabled per organization, and is a no-op when not disabled', async () => {
    const u = await memberOfTwo();
    const old = new SessionClient(origin.server.url);
    await old.login(u.email, u.password);
    await disableAccount(db(), pd(), u.email);
    await expectErrorShape(await login(u.email, u.password), 401, 'invalid_credentials');

    const r = await enableAccount(db(), pd(), u.email.toUpperCase(), { reason: 'came back' });
    expect(r).toMatchObject({ outcome: 'enabled', userId: u.id });
    expect((await describeAccount(db(), pd(), u.email))!.disabledAt).toBeNull();
    const fresh = new SessionClient(origin.server.url);
    await fresh.login(u.email, u.password);
    expect((await fresh.request('GET', '/v1/auth/session')).status).toBe(200);
    // The session ended by the disable stays ended.
    await expectErrorShape(await old.request('GET', '/v1/auth/session'), 401, 'unauthenticated');

    const enabled = (await accountEvents(u.id)).filter((e) => e.action === 'account.enabled');
    expect(enabled.map((e) => e.organizationId).sort()).toEqual([origin.seed.organizationId, other.organizationId].sort());
    for (const e of enabled) expect(e).toMatchObject({ actorUserId: null, actorKeyId: null, metadata: { via: 'operator', reason: 'came back' } });

    expect(await enableAccount(db(), pd(), u.email)).toEqual({ outcome: 'not_disabled', userId: u.id, email: u.email });
    expect(await accountEvents(u.id)).toHaveLength(4);
  });
});

describe('unknown email', () => {
  it('answers not_found (CLI: exit 2, one line) and changes nothing', async () => {
    const bystander = await createUser(origin, origin.seed.organizationId, 'viewer');
    const ghost = uniqueEmail('ghost');
    const countEvents = async () => (await db().select({ id: auditEvents.id }).from(auditEvents)).length;
    const eventsBefore = await countEvents();
    const allUsers = () => db().select({ id: users.id, disabledAt: users.disabledAt }).from(users).orderBy(users.id);
    const usersBefore = await allUsers();

    expect(await disableAccount(db(), pd(), ghost, { reason: 'x' })).toEqual({ outcome: 'not_found' });
    expect(await enableAccount(db(), pd(), ghost)).toEqual({ outcome: 'not_found' });
    expect(await describeAccount(db(), pd(), ghost)).toBeNull();
    for (const command of ['disable', 'enable', 'show']) {
      const io = captureIo();
      expect(await runAccounts([command, ghost], io, sharedDb)).toBe(EXIT_USAGE);
      expect(io.stdout).toBe('');
      expect(io.stderr).toBe(`accounts: no account with email "${ghost}"\n`);
    }

    expect(await countEvents()).toBe(eventsBefore);
    expect(await allUsers()).toEqual(usersBefore);
    await new SessionClient(origin.server.url).login(bystander.email, bystander.password);
  });
});

describe('show', () => {
  it('prints id, email, dates, disabled state and memberships, and never a password hash, TOTP secret or token', async () => {
    const u = await memberOfTwo();
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    await db().insert(totpFactors).values({ userId: u.id, secretEncrypted: 'TOTP-SECRET-MARKER', confirmedAt: new Date() });
    const [stored] = await db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, u.id));
    const [session] = await db().select({ tokenHash: sessions.tokenHash }).from(sessions).where(eq(sessions.userId, u.id));
    const [org] = await db().select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, other.organizationId));

    const summary = await describeAccount(db(), pd(), u.email.toUpperCase());
    expect(Object.keys(summary!).sort()).toEqual(['createdAt', 'disabledAt', 'email', 'emailVerifiedAt', 'id', 'memberships', 'name', 'twoFactor']);
    expect(summary!.memberships).toHaveLength(3);

    const io = captureIo();
    expect(await runAccounts(['show', u.email.toUpperCase()], io, sharedDb)).toBe(EXIT_OK);
    expect(io.stderr).toBe('');
    expect(io.stdout).toContain(`id:          ${u.id}\n`);
    expect(io.stdout).toContain(`email:       ${u.email}\n`);
    expect(io.stdout).toMatch(/^created: +\d{4}-\d\d-\d\dT/m);
    expect(io.stdout).toMatch(/^verified: +\d{4}-\d\d-\d\dT/m);
    expect(io.stdout).toContain('disabled:    no\n');
    expect(io.stdout).toContain('two-factor:  enrolled\n');
    expect(io.stdout).toContain('memberships: 3\n');
    expect(io.stdout).toContain(`, ${other.organizationId}): viewer\n`);
    expect(io.stdout).toContain(`${org!.slug} (Org ${org!.slug}, ${other.organizationId}): publisher in space main\n`);
    expect(io.stdout).toContain(`, ${origin.seed.organizationId}): author\n`);
    for (const secret of [stored!.passwordHash!, stored!.passwordHash!.slice(-20), 'TOTP-SECRET-MARKER', session!.tokenHash, c.cookie!.split('=')[1]!]) {
      expect(io.stdout).not.toContain(secret);
    }
    expect(io.stdout).not.toMatch(/\$2[aby]\$|password|secret|token/i);

    await disableAccount(db(), pd(), u.email);
    const after = captureIo();
    await runAccounts(['show', u.email], after, sharedDb);
    expect(after.stdout).toMatch(/^disabled: +yes, since \d{4}-\d\d-\d\dT/m);
  });

  it('escapes control characters from user-supplied names', async () => {
    const u = await createUser(origin, null, null);
    await db().update(users).set(sealUserName(pd(), u.id, 'Eve\u001b[2J\nid: forged')).where(eq(users.id, u.id));
    const io = captureIo();
    await runAccounts(['show', u.email], io, sharedDb);
    expect(io.stdout).toContain('name:        Eve\\u001b[2J\\u000aid: forged\n');
    expect(io.stdout).not.toContain('\u001b');
    expect(io.stdout).toContain('memberships: none\n');
  });
});

describe('argument parsing', () => {
  it('answers bad usage with exit 2 and one line, without opening the database', async () => {
    const open = () => Promise.reject(new Error('must not open the database'));
    for (const argv of [[], ['frob', 'a@b.test'], ['disable'], ['disable', 'a@b.test', 'extra'], ['show', 'a@b.test', '--reason', 'x'], ['disable', 'a@b.test', '--force'], ['disable', 'a@b.test', '--reason', '']]) {
      const io = captureIo();
      expect(await runAccounts(argv, io, open), JSON.stringify(argv)).toBe(EXIT_USAGE);
      expect(io.stdout).toBe('');
      expect(io.stderr).toMatch(/^accounts: [^\n]+ \(usage: npm run accounts -- [^\n]+\)\n$/);
    }
    const help = captureIo();
    expect(await runAccounts(['--help'], help, open)).toBe(EXIT_OK);
    expect(help.stdout).toMatch(/^usage: /);
  });
});

describe('the npm run accounts process', () => {
  it('runs show / disable / enable with exit 0 and answers bad usage and unknown emails with exit 2', { timeout: 180_000 }, async () => {
    // Postgres: the CLI connects to this suite's database. PGlite: a data dir of its own.
    const cli = cliDatabase(origin.database, 'ghee-accounts');
    const open = () => cli.open();
    const run = (...args: string[]) => cli.run('origin/cli/accounts.ts', ...args);
    try {
      const email = uniqueEmail('cli');
      let d = await open();
      const [org] = await d.db.insert(organizations).values({ slug: `cli-${process.pid}-${Date.now()}`, name: 'CLI Org' }).returning();
      const [user] = await d.db.insert(users).values({ ...sealUser(pd(), { email, name: 'Cli User' }), passwordHash: 'v1$$2b$10$NOT-A-REAL-HASH-MARKER', emailVerifiedAt: new Date() }).returning();
      await d.db.insert(memberships).values({ userId: user!.id, organizationId: org!.id, role: 'admin' });
      await d.close();

      const show = await run('show', email.toUpperCase());
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toContain(`id:          ${user!.id}\n`);
      expect(show.stdout).toContain(`${org!.slug} (CLI Org, ${org!.id}): admin\n`);
      expect(show.stdout).not.toContain('NOT-A-REAL-HASH-MARKER');

      const disable = await run('disable', email, '--reason', 'compromised laptop');
      expect(disable.code, disable.stderr).toBe(0);
      expect(disable.stdout).toBe(`disabled ${email} (user ${user!.id}): ended 0 sessions, audited in 1 organization\n`);

      const again = await run('disable', email);
      expect(again.code).toBe(0);
      expect(again.stdout.startsWith(`${email} is already disabled (since `)).toBe(true);
      expect(again.stdout).toMatch(/ \(since \d{4}-\d\d-\d\dT[^)]+\); nothing changed\n$/);

      const enable = await run('enable', email);
      expect(enable.code, enable.stderr).toBe(0);
      expect(enable.stdout).toBe(`enabled ${email} (user ${user!.id}), audited in 1 organization\n`);

      const unknown = await run('disable', 'nobody-here@example.test');
      expect(unknown.code).toBe(2);
      expect(unknown.stdout).toBe('');
      expect(unknown.stderr).toBe('accounts: no account with email "nobody-here@example.test"\n');

      const bad = await run('frobnicate', email);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/^accounts: unknown command "frobnicate" \(usage: /);

      d = await open();
      const events = await d.db.select().from(auditEvents).where(eq(auditEvents.targetId, user!.id));
      await d.close();
      expect(events.map((e) => [e.action, e.organizationId, e.metadata])).toEqual(
        expect.arrayContaining([
          ['account.disabled', org!.id, { via: 'operator', reason: 'compromised laptop', sessions_revoked: 0 }],
          ['account.enabled', org!.id, { via: 'operator' }],
        ]),
      );
      expect(events).toHaveLength(2);
    } finally {
      cli.dispose();
    }
  });
});
