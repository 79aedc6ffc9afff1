/**
 * SSO with OpenID Connect, end to end over real HTTP: an owner configures a connection and a
 * domain (verified through a real DNS responder), a user signs in through oidc-provider's own
 * login and consent pages, and ghee answers the same session cookie as a password login.
 * The attacks a correct OP never produces come from a crafted OP (jose): wrong state, nonce,
 * audience, issuer, expired, alg none, HS256 signed with the public key, tampered signature,
 * unverified email, an email outside the verified domains — each refused and audited.
 */
import { openUserEmail } from '../../origin/identity/people.js';
import { and, eq, sql } from 'drizzle-orm';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, memberships, sessions, ssoConnections, users } from '../../origin/db/schema/index.js';
import { verifyAuditChain } from '../../origin/audit/audit.js';
import { createUser, SessionClient, uniqueEmail, userWithEmail, personalDataOf } from '../helpers/identity.js';
import { Browser, freePort, signRs256, startCraftedOp, startDnsServer, startOidcProvider, type CraftedOp, type DnsServer, type RunningOp } from '../helpers/sso.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let base: string;
let dns: DnsServer;
let op: RunningOp;
let crafted: CraftedOp;
let owner: SessionClient;
let org: string;
let connectionId: string;
let craftedId: string;
let ownerId: string;

const SESSION = '__Host-ghee_session';

async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

/** Claims a domain for a connection and verifies it through the DNS responder. */
async function verifiedDomain(domain: string, connection: string): Promise<string> {
  const { data } = await json<{ data: { id: string; txt_record: string } }>(await owner.request('POST', `/v1/orgs/${org}/sso/domains`, { domain, connection_id: connection }), 201);
  dns.setTxt(domain, ['v=spf1 -all', data.txt_record]);
  const verified = await json<{ data: { verified: boolean } }>(await owner.request('POST', `/v1/orgs/${org}/sso/domains/${data.id}/verify`), 200);
  expect(verified.data.verified).toBe(true);
  return data.id;
}

/** Signs in at oidc-provider as `account` through its login and consent pages; the answer of ghee's callback. */
async function oidcLogin(b: Browser, account: string, returnTo = '/admin'): Promise<Response> {
  const start = await b.request(`${base}/v1/auth/sso/login/${connectionId}?return_to=${encodeURIComponent(returnTo)}`);
  expect(start.status).toBe(302);
  const isCallback = (u: URL) => u.href.startsWith(`${base}/v1/auth/sso/oidc/callback`);
  let step = await b.follow(start.headers.get('location')!, { stopAt: isCallback });
  for (let i = 0; i < 4 && !isCallback(new URL(step.url)); i++) {
    const html = await step.res.text();
    step = await b.submitForm(step.url, html, html.includes('name="login"') ? { login: account, password: 'any' } : {}, { stopAt: isCallback });
  }
  expect(isCallback(new URL(step.url)), step.url).toBe(true);
  return b.request(step.url);
}

/** One sign-in through the crafted OP (no pages: it answers the authorize request at once). */
async function craftedLogin(b: Browser = new Browser()): Promise<Response> {
  const start = await b.request(`${base}/v1/auth/sso/login/${craftedId}`);
  expect(start.status).toBe(302);
  const step = await b.follow(start.headers.get('location')!, { stopAt: (u) => u.href.startsWith(`${base}/`) });
  return b.request(step.url);
}

const failures = (reason: string) =>
  origin.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'sso.login'), eq(auditEvents.result, 'failure')))
    .then((rows) => rows.filter((r) => (r.metadata as { reason?: string }).reason === reason));

beforeAll(async () => {
  dns = await startDnsServer();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  op = await startOidcProvider(`${base}/v1/auth/sso/oidc/callback`);
  crafted = await startCraftedOp();
  origin = await startTestOrigin({ ORIGIN_PORT: String(port), PUBLIC_APP_URL: base, SSO_DNS_SERVERS: dns.address, SSO_ALLOW_LOOPBACK: 'true' });
  org = origin.seed.organizationId;
  const o = await createUser(origin, org, 'owner');
  ownerId = o.id;
  owner = new SessionClient(base);
  await owner.login(o.email, o.password);
  const created = await json<{ data: { id: string; service_provider: { redirect_uri: string }; has_secret: boolean; settings: Record<string, unknown> } }>(
    await owner.request('POST', `/v1/orgs/${org}/sso/connections`, {
      protocol: 'oidc',
      name: 'Test OP',
      issuer: op.issuer,
      client_id: op.clientId,
      client_secret: op.clientSecret,
      scopes: ['groups'],
      default_role: 'author',
      mapping_rules: [{ claim: 'groups', value: 'cms-admins', role: 'admin' }],
    }),
    201,
  );
  connectionId = created.data.id;
  expect(created.data.service_provider.redirect_uri).toBe(`${base}/v1/auth/sso/oidc/callback`);
  expect(created.data.has_secret).toBe(true);
  expect(JSON.stringify(created.data)).not.toContain(op.clientSecret);
  await verifiedDomain('example.test', connectionId);
  const c2 = await json<{ data: { id: string } }>(
    await owner.request('POST', `/v1/orgs/${org}/sso/connections`, { protocol: 'oidc', name: 'Crafted', issuer: crafted.issuer, client_id: crafted.clientId, client_secret: crafted.clientSecret }),
    201,
  );
  craftedId = c2.data.id;
  await verifiedDomain('crafted.test', craftedId);
}, 60_000);

afterAll(async () => {
  await origin?.stop();
  await op?.close();
  await crafted?.close();
  await dns?.close();
});

describe('OIDC sign-in (oidc-provider)', () => {
  it('JIT-provisions a verified-domain user with the mapped role and answers a working session', async () => {
    op.accounts.set('alice', { email: 'alice@example.test', email_verified: true, name: 'Alice', groups: ['cms-admins'] });
    const b = new Browser();
    const res = await oidcLogin(b, 'alice', '/admin/pages?x=1');
    expect(res.status, await res.clone().text()).toBe(302);
    expect(res.headers.get('location')).toBe('/admin/pages?x=1');
    const cookie = b.cookie(base, SESSION);
    expect(cookie).toBeTruthy();
    const me = await fetch(`${base}/v1/auth/session`, { headers: { cookie: `${SESSION}=${cookie}` } });
    const body = await json<{ data: { email: string } }>(me, 200);
    expect(body.data.email).toBe('alice@example.test');
    const [u] = await origin.database.db.select().from(users).where(userWithEmail(origin, 'alice@example.test'));
    expect(u!.passwordHash).toBeNull();
    const [m] = await origin.database.db.select().from(memberships).where(and(eq(memberships.userId, u!.id), eq(memberships.organizationId, org)));
    expect(m!.role).toBe('admin');
    const [s] = await origin.database.db.select().from(sessions).where(eq(sessions.userId, u!.id));
    expect(s).toMatchObject({ authMethod: 'sso', ssoConnectionId: connectionId });
    const [row] = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'sso.login'), eq(auditEvents.result, 'success')));
    expect(row!.metadata).toMatchObject({ user_created: true, role: 'admin', connection_id: connectionId });
    expect(JSON.stringify(row)).not.toMatch(/eyJ/); // never a token
    expect((await verifyAuditChain(origin.database.db, { organizationId: org })).ok).toBe(true);
  });

  it('without a matching group the connection default role applies; a second login keeps a hand-changed role (mapping at creation)', async () => {
    op.accounts.set('bob', { email: 'bob@example.test', email_verified: true });
    expect((await oidcLogin(new Browser(), 'bob')).status).toBe(302);
    const [u] = await origin.database.db.select().from(users).where(userWithEmail(origin, 'bob@example.test'));
    const where = and(eq(memberships.userId, u!.id), eq(memberships.organizationId, org));
    expect((await origin.database.db.select().from(memberships).where(where))[0]!.role).toBe('author');
    await origin.database.db.update(memberships).set({ role: 'publisher' }).where(where);
    op.accounts.set('bob', { email: 'bob@example.test', email_verified: true, groups: ['cms-admins'] });
    expect((await oidcLogin(new Browser(), 'bob')).status).toBe(302);
    expect((await origin.database.db.select().from(memberships).where(where))[0]!.role).toBe('publisher');
  });

  it('refuses an email the IdP did not verify, and an email outside the verified domains', async () => {
    op.accounts.set('carol', { email: 'carol@example.test', email_verified: false });
    expect((await oidcLogin(new Browser(), 'carol')).status).toBe(403);
    op.accounts.set('mallory', { email: 'victim@other.test', email_verified: true });
    expect((await oidcLogin(new Browser(), 'mallory')).status).toBe(403);
    const [victim] = await origin.database.db.select().from(users).where(userWithEmail(origin, 'victim@other.test'));
    expect(victim).toBeUndefined();
    expect(await failures('email_unverified')).toHaveLength(1);
    expect((await failures('domain_not_verified')).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a callback replayed (single-use state) and one completed in another browser', async () => {
    op.accounts.set('dave', { email: 'dave@example.test', email_verified: true });
    const b = new Browser();
    const start = await b.request(`${base}/v1/auth/sso/login/${connectionId}`);
    const isCallback = (u: URL) => u.href.startsWith(`${base}/v1/auth/sso/oidc/callback`);
    let step = await b.follow(start.headers.get('location')!, { stopAt: isCallback });
    for (let i = 0; i < 4 && !isCallback(new URL(step.url)); i++) {
      const html = await step.res.text();
      step = await b.submitForm(step.url, html, html.includes('name="login"') ? { login: 'dave', password: 'x' } : {}, { stopAt: isCallback });
    }
    // Another browser (no state cookie) presenting the callback URL.
    expect((await new Browser().request(step.url)).status).toBe(400);
    // The state was consumed by that attempt: the rightful browser cannot reuse it either.
    expect((await b.request(step.url)).status).toBe(400);
    expect(b.cookie(base, SESSION)).toBeUndefined();
  });

  it('only follows same-origin relative return paths', async () => {
    op.accounts.set('erin', { email: 'erin@example.test', email_verified: true });
    for (const evil of ['https://evil.test/', '//evil.test/x', '/\\evil.test', 'javascript:alert(1)']) {
      const res = await oidcLogin(new Browser(), 'erin', evil);
      expect(res.status).toBe(302);
      expect(res.headers.get('location'), evil).toBe('/');
    }
  });

  it('answers discover with the same shape for SSO and password domains', async () => {
    const sso = await json<{ data: { sso: boolean; login_url: string | null } }>(await fetch(`${base}/v1/auth/sso/discover`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'Someone@Example.test' }) }), 200);
    expect(sso.data).toEqual({ sso: true, login_url: `${base}/v1/auth/sso/login/${connectionId}` });
    const pw = await json<{ data: { sso: boolean; login_url: string | null } }>(await fetch(`${base}/v1/auth/sso/discover`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@unknown.test' }) }), 200);
    expect(Object.keys(pw.data)).toEqual(Object.keys(sso.data));
    expect(pw.data).toEqual({ sso: false, login_url: null });
    const bad = await fetch(`${base}/v1/auth/sso/discover`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"nope"}' });
    expect(bad.status).toBe(400);
  });
});

describe('OIDC attacks (crafted OP)', () => {
  const reset = () => {
    crafted.claims = { email: 'eve@crafted.test', email_verified: true };
    crafted.craft = null;
  };

  it('accepts a correct token (the control)', async () => {
    reset();
    const res = await craftedLogin();
    expect(res.status, await res.clone().text()).toBe(302);
  });

  const attacks: [string, () => void][] = [
    ['wrong nonce', () => (crafted.claims.nonce = 'not-the-nonce')],
    ['wrong audience', () => (crafted.claims.aud = 'someone-else')],
    ['wrong issuer', () => (crafted.claims.iss = 'http://127.0.0.1:1/other')],
    ['expired', () => ((crafted.claims.exp = Math.floor(Date.now() / 1000) - 3600), (crafted.claims.iat = Math.floor(Date.now() / 1000) - 7200))],
    ['alg none', () => (crafted.craft = async (claims) => new jose.UnsecuredJWT(claims).encode())],
    [
      'HS256 signed with the public key',
      () =>
        (crafted.craft = async (claims, k) => {
          const secret = new TextEncoder().encode(JSON.stringify(k.publicJwk));
          return new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: k.publicJwk.kid! }).sign(secret);
        }),
    ],
    [
      'tampered signature',
      () =>
        (crafted.craft = async (claims, k) => {
          const good = await signRs256(claims, k);
          const [h, , sig] = good.split('.');
          const forged = Buffer.from(JSON.stringify({ ...claims, email: 'ceo@crafted.test' })).toString('base64url');
          return `${h}.${forged}.${sig}`;
        }),
    ],
    ['a string "true" for email_verified', () => (crafted.claims.email_verified = 'true')],
  ];

  for (const [name, arrange] of attacks) {
    it(`refuses: ${name}`, async () => {
      reset();
      arrange();
      const b = new Browser();
      const res = await craftedLogin(b);
      expect(res.status, name).toBeGreaterThanOrEqual(400);
      expect(res.status, name).toBeLessThan(500);
      expect(b.cookie(base, SESSION), name).toBeUndefined();
      const body = (await res.json()) as { detail: string };
      expect(body.detail).not.toMatch(/eyJ|at-123/);
    });
  }

  it('audits every refused crafted sign-in as a failure with a reason code', async () => {
    const rows = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'sso.login'), eq(auditEvents.result, 'failure')));
    const crafty = rows.filter((r) => (r.metadata as { connection_id?: string }).connection_id === craftedId);
    expect(crafty.length).toBeGreaterThanOrEqual(attacks.length);
    for (const r of crafty) expect(typeof (r.metadata as { reason?: unknown }).reason).toBe('string');
  });
});

describe('a changed connection takes effect on the next sign-in', () => {
  // Sign-ins cache the connection row per version (Postgres's xmin): each change here is made in
  // the database by hand, as another process or an operator would — no invalidation message, and
  // updated_at left as it was — and the very next sign-in follows it.
  it('role mapping, disabling and scopes changed in the database apply at once', async () => {
    const db = origin.database.db;
    crafted.claims = { email: 'gina@crafted.test', email_verified: true };
    crafted.craft = null;
    const role = async () => {
      const [u] = await db.select({ id: users.id }).from(users).where(userWithEmail(origin, 'gina@crafted.test'));
      const [m] = await db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.userId, u!.id), eq(memberships.organizationId, org)));
      return m!.role;
    };
    const updatedAt = async () => (await db.select({ at: ssoConnections.updatedAt }).from(ssoConnections).where(eq(ssoConnections.id, craftedId)))[0]!.at.getTime();
    const before = await updatedAt();
    expect((await craftedLogin()).status).toBe(302);
    expect((await craftedLogin()).status).toBe(302); // the row is cached by now
    expect(await role()).toBe('viewer');

    await db.execute(sql`update sso_connections set default_role = 'publisher', mapping_mode = 'every_login' where id = ${craftedId}`);
    expect((await craftedLogin()).status).toBe(302);
    expect(await role()).toBe('publisher');

    // A login started before the connection was disabled is refused at its callback, and no new one starts.
    const b = new Browser();
    const start = await b.request(`${base}/v1/auth/sso/login/${craftedId}`);
    expect(start.status).toBe(302);
    await db.execute(sql`update sso_connections set enabled = false where id = ${craftedId}`);
    const step = await b.follow(start.headers.get('location')!, { stopAt: (u) => u.href.startsWith(`${base}/`) });
    const refused = await b.request(step.url);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/disabled/);
    expect(b.cookie(base, SESSION)).toBeUndefined();
    expect((await new Browser().request(`${base}/v1/auth/sso/login/${craftedId}`)).status).toBe(404);
    await db.execute(sql`update sso_connections set enabled = true where id = ${craftedId}`);
    expect((await craftedLogin()).status).toBe(302);

    // The authorization request is built from the row as it is now.
    await db.execute(sql`update sso_connections set settings = jsonb_set(settings, '{scopes}', '["offline_access"]') where id = ${craftedId}`);
    const next = await new Browser().request(`${base}/v1/auth/sso/login/${craftedId}`);
    expect(next.status).toBe(302);
    expect(new URL(next.headers.get('location')!).searchParams.get('scope')).toBe('openid email profile offline_access');

    await db.execute(sql`update sso_connections set default_role = 'viewer', mapping_mode = 'creation', settings = jsonb_set(settings, '{scopes}', '[]') where id = ${craftedId}`);
    expect(await updatedAt()).toBe(before);
  });
});

describe('domains and connections', () => {
  it('refuses verification without the TXT record, when the resolver fails, and for a domain another organization verified', async () => {
    const { data } = await json<{ data: { id: string; txt_record: string } }>(await owner.request('POST', `/v1/orgs/${org}/sso/domains`, { domain: 'pending.test' }), 201);
    expect((await owner.request('POST', `/v1/orgs/${org}/sso/domains/${data.id}/verify`)).status).toBe(409);
    dns.failing = true;
    const failing = await owner.request('POST', `/v1/orgs/${org}/sso/domains/${data.id}/verify`);
    dns.failing = false;
    expect(failing.status).toBe(409);
    // A domain claimed by the seeded org and verified; the same claim elsewhere stays pending.
    const { createOrganization } = await import('../helpers/identity.js');
    const other = await createOrganization(origin, `sso-other-${Date.now()}`);
    const otherOwner = await createUser(origin, other.organizationId, 'owner', { email: uniqueEmail('other-owner') });
    const oc = new SessionClient(base);
    await oc.login(otherOwner.email, otherOwner.password);
    const claim = await json<{ data: { id: string; txt_record: string } }>(await oc.request('POST', `/v1/orgs/${other.organizationId}/sso/domains`, { domain: 'example.test' }), 201);
    dns.setTxt('example.test', [claim.data.txt_record]);
    expect((await oc.request('POST', `/v1/orgs/${other.organizationId}/sso/domains/${claim.data.id}/verify`)).status).toBe(409);
    // Another tenant cannot see or touch this organization's connections.
    expect((await oc.request('GET', `/v1/orgs/${org}/sso/connections`)).status).toBe(404);
    expect((await oc.request('DELETE', `/v1/orgs/${other.organizationId}/sso/connections/${connectionId}`)).status).toBe(404);
  });

  it('refuses bad input with a 400 and no change', async () => {
    for (const body of [
      { protocol: 'oidc', name: 'x', issuer: 'ftp://idp.test', client_id: 'a', client_secret: 'b' },
      { protocol: 'oidc', name: 'x', issuer: 'https://idp.test', client_id: 'a', client_secret: 'b', default_role: 'owner' },
      { protocol: 'oidc', name: 'x', issuer: 'https://idp.test', client_id: 'a', client_secret: 'b', mapping_rules: [{ claim: 'g', value: 'v', role: 'owner' }] },
      { protocol: 'ldap', name: 'x' },
    ]) {
      expect((await owner.request('POST', `/v1/orgs/${org}/sso/connections`, body)).status, JSON.stringify(body)).toBe(400);
    }
    for (const domain of ['localhost', '10.0.0.1', 'exa mple.test', 'a@b.test', '']) {
      expect((await owner.request('POST', `/v1/orgs/${org}/sso/domains`, { domain })).status, domain).toBe(400);
    }
  });

  it('disabling a connection ends the sessions made through it', async () => {
    op.accounts.set('frank', { email: 'frank@example.test', email_verified: true });
    const b = new Browser();
    expect((await oidcLogin(b, 'frank')).status).toBe(302);
    const cookie = `${SESSION}=${b.cookie(base, SESSION)}`;
    expect((await fetch(`${base}/v1/auth/session`, { headers: { cookie } })).status).toBe(200);
    await json(await owner.request('PATCH', `/v1/orgs/${org}/sso/connections/${connectionId}`, { enabled: false }), 200);
    expect((await fetch(`${base}/v1/auth/session`, { headers: { cookie } })).status).toBe(401);
    expect((await new Browser().request(`${base}/v1/auth/sso/login/${connectionId}`)).status).toBe(404);
    await json(await owner.request('PATCH', `/v1/orgs/${org}/sso/connections/${connectionId}`, { enabled: true }), 200);
  });
});

describe('enforced SSO', () => {
  it('refuses enforcement without a usable connection, and exemptions of non-owners', async () => {
    const { createOrganization } = await import('../helpers/identity.js');
    const lonely = await createOrganization(origin, `sso-lonely-${Date.now()}`);
    const lonelyOwner = await createUser(origin, lonely.organizationId, 'owner', { email: uniqueEmail('lonely') });
    const lc = new SessionClient(base);
    await lc.login(lonelyOwner.email, lonelyOwner.password);
    expect((await lc.request('PUT', `/v1/orgs/${lonely.organizationId}/sso/policy`, { enforced: true })).status).toBe(409);
    const viewer = await createUser(origin, org, 'viewer', { email: uniqueEmail('viewer') });
    expect((await owner.request('PUT', `/v1/orgs/${org}/sso/policy`, { exempt_user_ids: [viewer.id] })).status).toBe(400);
    expect((await owner.request('PUT', `/v1/orgs/${org}/sso/policy`, { session_max_minutes: 1 })).status).toBe(400);
  });

  it('ends password sessions, refuses password login, reset and change to members; exempt owners keep password + audit', async () => {
    const member = await createUser(origin, org, 'author', { email: 'pw-member@example.test' });
    const mc = new SessionClient(base);
    await mc.login(member.email, member.password);
    expect((await mc.request('GET', '/v1/auth/session')).status).toBe(200);
    // A reset link asked for before enforcement.
    const forgot = await fetch(`${base}/v1/auth/password/forgot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: member.email }) });
    const forgotStatus = forgot.status;

    const enforced = await json<{ data: { enforced: boolean } }>(await owner.request('PUT', `/v1/orgs/${org}/sso/policy`, { enforced: true, exempt_user_ids: [ownerId], session_max_minutes: 60 }), 200);
    expect(enforced.data.enforced).toBe(true);
    // The member's password session ended; the exempt owner's did not.
    expect((await mc.request('GET', '/v1/auth/session')).status).toBe(401);
    expect((await owner.request('GET', `/v1/orgs/${org}/sso/policy`)).status).toBe(200);

    const login = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: member.email, password: member.password }) });
    const body = await json<{ detail: string; code: string }>(login, 403);
    expect(body.detail).toMatch(/single sign-on/);
    expect(login.headers.getSetCookie().join()).not.toContain(SESSION);
    // A wrong password still answers the generic 401 (enforcement is told only to the right password).
    const wrong = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: member.email, password: 'not-the-password-123' }) });
    expect(wrong.status).toBe(401);
    expect(forgotStatus).toBe(forgot.status);

    // The exempt owner signs in with a password: allowed, and audited as break-glass in the org chain.
    const o2 = new SessionClient(base);
    const [ownerRow] = await origin.database.db.select({ id: users.id, emailEnc: users.emailEnc }).from(users).where(eq(users.id, ownerId));
    await o2.login(openUserEmail(personalDataOf(origin), ownerRow!), (await import('../helpers/identity.js')).GOOD_PASSWORD);
    const breakGlass = await origin.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'sso.break_glass_login'));
    expect(breakGlass).toHaveLength(1);
    expect(breakGlass[0]).toMatchObject({ organizationId: org, actorUserId: ownerId, result: 'success' });

    // SSO still signs members in, with the organization's session cap.
    op.accounts.set('grace', { email: 'grace@example.test', email_verified: true });
    const b = new Browser();
    expect((await oidcLogin(b, 'grace')).status).toBe(302);
    const [u] = await origin.database.db.select().from(users).where(userWithEmail(origin, 'grace@example.test'));
    const [s] = await origin.database.db.select().from(sessions).where(eq(sessions.userId, u!.id));
    expect(s!.expiresAt.getTime() - s!.createdAt.getTime()).toBeLessThanOrEqual(60 * 60_000 + 1000);

    await json(await owner.request('PUT', `/v1/orgs/${org}/sso/policy`, { enforced: false }), 200);
    await mc.login(member.email, member.password);
  });
});
