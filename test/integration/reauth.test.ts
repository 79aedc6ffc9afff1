/**
 * Recent re-authentication (issue 11 item 14): a session alone — a stolen cookie — cannot
 * enrol 2FA (and lock the owner out) or mint API-key secrets. Those need this session to
 * have proved the password within REAUTH_MAX_AGE_MINUTES (login, or POST
 * /v1/auth/reauthenticate); 2FA disable and password change prove it in the request itself.
 *
 * The class test classifies every state-changing route of /v1/auth and of API-key management
 * and checks each against a stale session, so a new sensitive route (email change, …) cannot
 * ship without a decision.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newApp } from '../../origin/app.js';
import { apiKeys, auditEvents, authAttempts, sessions } from '../../origin/db/schema/index.js';
import { personalDataFromConfig } from '../../origin/crypto/personal-data.js';
import { createLogger } from '../../origin/logger.js';
import { totpCode } from '../../origin/identity/totp/totp.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, SessionClient, type TestUser } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let orgA: string;
const MAX_AGE_MIN = 10;

async function signedIn(u: TestUser): Promise<SessionClient> {
  const c = new SessionClient(origin.server.url);
  await c.login(u.email, u.password);
  return c;
}

/** The session's last proof of the password, moved `minutes` into the past (null: never). */
async function ageSession(c: SessionClient, minutes: number | null): Promise<void> {
  const token = c.cookie!.split('=')[1]!;
  const hash = createHash('sha256').update(token).digest('hex');
  const at = minutes === null ? null : new Date(Date.now() - minutes * 60_000);
  const rows = await origin.database.db.update(sessions).set({ reauthenticatedAt: at }).where(eq(sessions.tokenHash, hash)).returning({ id: sessions.id });
  expect(rows).toHaveLength(1);
}

async function auditRows(action: string, userId: string) {
  return origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.actorUserId, userId)));
}

const newKey = (c: SessionClient) => c.request('POST', `/v1/orgs/${orgA}/api-keys`, { name: 'reauth test', kind: 'read', space_id: origin.seed.spaceId });

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
  orgA = origin.seed.organizationId;
});

afterAll(async () => {
  await origin?.stop();
});

beforeEach(async () => {
  // Attempt counters are per IP and every request here comes from 127.0.0.1.
  await origin.database.db.delete(authAttempts);
});

describe('re-authentication', () => {
  it('a fresh login may enrol 2FA and create keys; the same session later may not, until it re-authenticates', async () => {
    expect(origin.config.REAUTH_MAX_AGE_MINUTES).toBe(MAX_AGE_MIN);
    const u = await createUser(origin, orgA, 'admin');
    const c = await signedIn(u);
    expect((await newKey(c)).status).toBe(201);
    expect((await c.request('POST', '/v1/auth/2fa/setup')).status).toBe(200);

    await ageSession(c, MAX_AGE_MIN + 1);
    const refused = await expectErrorShape(await c.request('POST', '/v1/auth/2fa/setup'), 403, 'reauthentication_required');
    expect(refused.detail).toMatch(/reauthenticate/);
    await expectErrorShape(await newKey(c), 403, 'reauthentication_required');
    // A session that never re-authenticated (created before the column existed) is stale too.
    await ageSession(c, null);
    await expectErrorShape(await newKey(c), 403, 'reauthentication_required');

    // A wrong password is refused, audited and counted; the session stays stale.
    await expectErrorShape(await c.request('POST', '/v1/auth/reauthenticate', { password: 'Wrong-Password-42!' }), 401, 'invalid_credentials');
    expect(await auditRows('auth.reauthenticate', u.id)).toEqual([expect.objectContaining({ result: 'failure', metadata: { reason: 'bad_password', actor: 'member' } })]);
    expect(await origin.database.db.select().from(authAttempts).where(and(inArray(authAttempts.account, personalDataFromConfig(origin.config.MASTER_KEYS).blindIndexes('account', u.email)), eq(authAttempts.success, false)))).toHaveLength(1);
    await expectErrorShape(await newKey(c), 403, 'reauthentication_required');

    const ok = await c.request('POST', '/v1/auth/reauthenticate', { password: u.password });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { status: string; valid_until: string };
    expect(body.status).toBe('reauthenticated');
    expect(Date.parse(body.valid_until) - Date.now()).toBeGreaterThan((MAX_AGE_MIN - 1) * 60_000);
    expect((await auditRows('auth.reauthenticate', u.id)).map((r) => r.result).sort()).toEqual(['failure', 'success']);
    expect((await newKey(c)).status).toBe(201);
    expect((await c.request('POST', '/v1/auth/2fa/setup')).status).toBe(200);
  });

  it("another session's re-authentication does not count", async () => {
    const u = await createUser(origin, orgA, 'owner');
    const a = await signedIn(u);
    const b = await signedIn(u);
    await ageSession(a, 60);
    await ageSession(b, 60);
    expect((await b.request('POST', '/v1/auth/reauthenticate', { password: u.password })).status).toBe(200);
    expect((await newKey(b)).status).toBe(201);
    await expectErrorShape(await newKey(a), 403, 'reauthentication_required');
    await expectErrorShape(await a.request('POST', '/v1/auth/2fa/setup'), 403, 'reauthentication_required');
  });

  it('with 2FA, re-authentication needs a current code too, used once', async () => {
    const u = await createUser(origin, orgA, 'admin');
    const c = await signedIn(u);
    const setup = (await (await c.request('POST', '/v1/auth/2fa/setup')).json()) as { data: { secret: string } };
    const confirm = await c.request('POST', '/v1/auth/2fa/confirm', { code: totpCode(setup.data.secret, Date.now()) });
    expect(confirm.status).toBe(200);
    c.csrf = ((await confirm.json()) as { data: { csrf_token: string } }).data.csrf_token;
    // The session that replaced the confirming one is no fresher than it was.
    expect((await newKey(c)).status).toBe(201);
    await ageSession(c, 30);
    await expectErrorShape(await c.request('POST', '/v1/auth/reauthenticate', { password: u.password }), 401, 'otp_required');
    await expectErrorShape(await c.request('POST', '/v1/auth/reauthenticate', { password: u.password, otp: '000000' === totpCode(setup.data.secret, Date.now() + 30_000) ? '111111' : '000000' }), 401, 'invalid_credentials');
    const code = totpCode(setup.data.secret, Date.now() + 30_000);
    expect((await c.request('POST', '/v1/auth/reauthenticate', { password: u.password, otp: code })).status).toBe(200);
    expect((await newKey(c)).status).toBe(201);
    await expectErrorShape(await c.request('POST', '/v1/auth/reauthenticate', { password: u.password, otp: code }), 401, 'invalid_credentials');
  });

  it('is brute-force limited like login: after the failure threshold even the right password waits (429)', async () => {
    const u = await createUser(origin, orgA, 'viewer');
    const c = await signedIn(u);
    for (let i = 0; i < origin.config.LOGIN_CAPTCHA_AFTER; i++) {
      await expectErrorShape(await c.request('POST', '/v1/auth/reauthenticate', { password: `Wrong-${i}-Password!` }), 401, 'invalid_credentials');
    }
    const res = await c.request('POST', '/v1/auth/reauthenticate', { password: u.password });
    await expectErrorShape(res, 429, 'rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Password change guesses share the same counter: no extra guesses through that door.
    await expectErrorShape(await c.request('POST', '/v1/auth/password/change', { current_password: u.password, new_password: 'Brand-New-Phrase-55#' }), 429, 'rate_limited');
  });

  it('admin keys creating keys are not sessions and need no re-authentication', async () => {
    const res = await fetch(`${origin.server.url}/v1/orgs/${orgA}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Token ${origin.seed.keys.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'by key', kind: 'read', space_id: origin.seed.spaceId }),
    });
    expect(res.status).toBe(201);
  });
});

describe('every sensitive session route requires a recent sign-in (class test)', () => {
  /**
   * Every state-changing route of /v1/auth and of API-key management:
   * - 'recent': refused to a stale session (403 reauthentication_required);
   * - 'proof': carries its own password proof (and is then allowed to a stale session);
   * - 'none': not sensitive (ends sessions, or is the sign-in itself).
   */
  const CLASSES: Record<string, 'recent' | 'proof' | 'none'> = {
    'POST /v1/auth/signup': 'none',
    'POST /v1/auth/verify-email': 'none',
    'POST /v1/auth/login': 'none',
    'POST /v1/auth/logout': 'none',
    'POST /v1/auth/logout-all': 'none',
    'DELETE /v1/auth/sessions/:id': 'none',
    'POST /v1/auth/password/forgot': 'none',
    'POST /v1/auth/password/reset': 'none',
    'POST /v1/auth/password/change': 'proof',
    'POST /v1/auth/reauthenticate': 'proof',
    'POST /v1/auth/sso/discover': 'none',
    'POST /v1/auth/sso/saml/:id/acs': 'none',
    'POST /v1/auth/2fa/setup': 'recent',
    'POST /v1/auth/2fa/confirm': 'recent',
    'POST /v1/auth/2fa/disable': 'proof',
    'POST /v1/auth/me/exports': 'recent',
    'POST /v1/auth/me/erase': 'recent',
    'POST /v1/orgs/:orgId/api-keys': 'recent',
    'POST /v1/orgs/:orgId/api-keys/:keyId/rotate': 'recent',
    'DELETE /v1/orgs/:orgId/api-keys/:keyId': 'none',
    'POST /v1/orgs/:orgId/sso/connections': 'recent',
    'PATCH /v1/orgs/:orgId/sso/connections/:id': 'recent',
    'DELETE /v1/orgs/:orgId/sso/connections/:id': 'recent',
    'POST /v1/orgs/:orgId/sso/connections/:id/idp-metadata': 'recent',
    'POST /v1/orgs/:orgId/sso/domains': 'recent',
    'PATCH /v1/orgs/:orgId/sso/domains/:id': 'recent',
    'POST /v1/orgs/:orgId/sso/domains/:id/verify': 'recent',
    'DELETE /v1/orgs/:orgId/sso/domains/:id': 'recent',
    'PUT /v1/orgs/:orgId/sso/policy': 'recent',
    'POST /v1/orgs/:orgId/scim/token': 'recent',
    'DELETE /v1/orgs/:orgId/scim/token': 'recent',
  };

  it('classifies every state-changing auth and key route', () => {
    const app = newApp({ config: origin.config, database: origin.database, logger: createLogger('silent'), envelope: origin.envelope });
    const routes = [
      ...new Set(
        app.routes
          .filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && (r.path.startsWith('/v1/auth/') || r.path.startsWith('/v1/orgs/:orgId/api-keys') || r.path.startsWith('/v1/orgs/:orgId/sso/') || r.path.startsWith('/v1/orgs/:orgId/scim/')))
          .map((r) => `${r.method} ${r.path}`),
      ),
    ];
    expect(routes.filter((r) => !(r in CLASSES))).toEqual([]);
    expect(Object.keys(CLASSES).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it("refuses each 'recent' route to a stale session, before doing anything", async () => {
    const u = await createUser(origin, orgA, 'owner');
    const c = await signedIn(u);
    const key = await issueApiKey(origin.database.db, { organizationId: orgA, spaceId: origin.seed.spaceId, kind: 'read', name: 'rotate target' });
    await ageSession(c, MAX_AGE_MIN + 1);
    const bodies: Record<string, unknown> = {
      'POST /v1/auth/2fa/setup': undefined,
      'POST /v1/auth/2fa/confirm': { code: '123456' },
      'POST /v1/orgs/:orgId/api-keys': { name: 'k', kind: 'read', space_id: origin.seed.spaceId },
      'POST /v1/orgs/:orgId/api-keys/:keyId/rotate': {},
    };
    for (const [route, cls] of Object.entries(CLASSES)) {
      if (cls !== 'recent') continue;
      const [method, path] = route.split(' ') as [string, string];
      const res = await c.request(method, path.replace(':orgId', orgA).replace(':keyId', key.id).replace(':id', '00000000-0000-4000-8000-000000000000'), bodies[route]);
      await expectErrorShape(res, 403, 'reauthentication_required');
    }
    const [k] = await origin.database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(k!.revokedAt).toBeNull();
    expect(k!.expiresAt).toBeNull();
  });
});
