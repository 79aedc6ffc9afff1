import { sealUser } from '../../origin/identity/people.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { and, arrayContains, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/api-key.js';
import { INTROSPECT_PATH, INTROSPECT_PURPOSE, signInternal } from '../../shared/internal-auth.js';
import { newApp, type AppContext } from '../../origin/app.js';
import { loadOriginConfig, type OriginConfig } from '../../origin/config.js';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import type { Db } from '../../origin/db/client.js';
import { apiKeys, auditEvents, memberships, organizations, purgeOutbox, spaces, users } from '../../origin/db/schema/index.js';
import { seedDemo, type DemoSeed } from '../../origin/db/seed.js';
import { KeyRevoker } from '../../origin/identity/keys/key-revoker.js';
import { createLogger } from '../../origin/logger.js';
import { listen, type RunningServer } from '../../origin/server.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { identityFromConfig } from '../../origin/identity/context.js';
import { KeyUsageRecorder } from '../../origin/identity/keys/key-usage.js';
import { createSession, csrfTokenFor, hashSessionToken, SESSION_COOKIE } from '../../origin/identity/sessions/sessions.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import type { ApiKeyView } from '../../origin/identity/keys/api-keys.js';

type Role = 'owner' | 'admin' | 'viewer' | 'author';
type KeyData = ApiKeyView & { token?: string };

let database: TestDatabase;
let server: RunningServer;
let seed: DemoSeed;
let config: OriginConfig;
let ctx: AppContext;
let recorder: KeyUsageRecorder;
let statements = 0;
let purgeKicks = 0;
/** The origin's clock (ms); tests move it forward to end grace periods. */
let clock = Date.now();
const secret = randomBytes(32).toString('hex');
const logger = createLogger('silent');

let other: { organizationId: string; spaceId: string; adminKey: string; ownerId: string };
let ownerId: string;
let viewerId: string;
/** Organization admin whose role in the demo space is overridden to author. */
let spaceAuthorId: string;

const url = (path: string) => `${server.url}${path}`;
const keysPath = (orgId = seed.organizationId, rest = '') => `/v1/orgs/${orgId}/api-keys${rest}`;
const asKey = (token: string) => ({ authorization: `Token ${token}` });

async function asUser(userId: string): Promise<Record<string, string>> {
  const s = await createSession(database.db, { userId, ip: null, userAgent: 'vitest', now: new Date(clock), policy: ctx.identity.sessionPolicy, personalData: ctx.identity.personalData });
  return { cookie: `${SESSION_COOKIE}=${s.token}`, 'x-csrf-token': csrfTokenFor(ctx.identity.authSecret, hashSessionToken(s.token)) };
}

function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
  const h: Record<string, string> = { ...headers };
  let payload: string | undefined;
  if (body !== undefined) {
    h['content-type'] ??= 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  return fetch(url(path), { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) });
}

async function create(headers: Record<string, string>, body: unknown, orgId = seed.organizationId): Promise<KeyData & { token: string }> {
  const res = await call('POST', keysPath(orgId), headers, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { data: KeyData & { token: string } }).data;
}

async function row(id: string) {
  const [r] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return r!;
}

async function purgeRows(keyId: string) {
  return database.db.select().from(purgeOutbox).where(arrayContains(purgeOutbox.keys, [`key:${keyId}`]));
}

async function auditRows(action: string, targetId: string) {
  return database.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, targetId)));
}

const readHome = (token: string) => fetch(url(`/v2/pages/*/home/?auth_token=${token}`));

async function keyIdOf(token: string): Promise<string> {
  const [r] = await database.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.tokenHash, hashApiKey(token)));
  return r!.id;
}

async function addUser(organizationId: string, role: Role, spaceOverride?: { spaceId: string; role: Role }): Promise<string> {
  const [u] = await database.db
    .insert(users)
    .values({ ...sealUser(ctx.identity.personalData, { email: `${role}-${randomUUID()}@example.test`, name: `Test ${role}` }), emailVerifiedAt: new Date() })
    .returning({ id: users.id });
  await database.db.insert(memberships).values({ userId: u!.id, organizationId, role });
  if (spaceOverride) await database.db.insert(memberships).values({ userId: u!.id, organizationId, spaceId: spaceOverride.spaceId, role: spaceOverride.role });
  return u!.id;
}

beforeAll(async () => {
  config = loadOriginConfig({
    ORIGIN_PORT: '0',
    LOG_LEVEL: 'silent',
    EDGE_SHARED_SECRET: secret,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    HIBP_URL: 'off',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ORIGIN_RATE_LIMIT: 'false',
  });
  database = await createTestDatabase();
  seed = (await seedDemo(database.db))!;
  // Counts the statements the usage recorder sends (it writes through `execute` only).
  const counting = new Proxy(database.db, {
    get(target, prop, receiver) {
      if (prop === 'execute') {
        return (...args: Parameters<Db['execute']>) => {
          statements++;
          return target.execute(...args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  recorder = new KeyUsageRecorder({ db: counting, logger, flushIntervalMs: 3_600_000 });
  // `keyUsage` rides along in the deps (AppContext.keyUsage) for the content routes' middleware.
  const deps = {
    config,
    database,
    logger,
    envelope: devEnvelope(),
    now: () => clock / 1000,
    onPurgeQueued: () => {
      purgeKicks++;
    },
    keyUsage: recorder,
  };
  const app = newApp(deps);
  ctx = { ...deps, identity: identityFromConfig(config, { send: async () => {} } as unknown as Parameters<typeof identityFromConfig>[1]) } as AppContext;
  server = await listen(app, config, logger);

  const [owner] = await database.db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.organizationId, seed.organizationId));
  ownerId = owner!.userId;
  viewerId = await addUser(seed.organizationId, 'viewer');
  spaceAuthorId = await addUser(seed.organizationId, 'admin', { spaceId: seed.spaceId, role: 'author' });
  const [org] = await database.db.insert(organizations).values({ slug: 'other', name: 'Other' }).returning();
  const [space] = await database.db.insert(spaces).values({ organizationId: org!.id, slug: 'x', name: 'X' }).returning();
  other = {
    organizationId: org!.id,
    spaceId: space!.id,
    adminKey: (await issueApiKey(database.db, { organizationId: org!.id, spaceId: null, kind: 'admin', name: 'other admin' })).token,
    ownerId: await addUser(org!.id, 'owner'),
  };
});

afterAll(async () => {
  await recorder?.stop();
  await server?.close();
  await database?.dispose();
});

describe('create and list', () => {
  it('shows the token once, stores only its SHA-256, lists prefix and last four', async () => {
    const admin = asKey(seed.keys.admin);
    const key = await create(admin, { name: 'Website', kind: 'read', space_id: seed.spaceId });
    expect(key.token).toMatch(/^ghee_read_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}$/);
    expect(key).toMatchObject({ name: 'Website', kind: 'read', space_id: seed.spaceId, prefix: 'ghee_read_', last_four: key.token.slice(-4), scopes: ['content.read'] });
    expect(key).toMatchObject({ expires_at: null, last_used_at: null, revoked_at: null, rotated_from_id: null });
    const stored = await row(key.id);
    expect(stored.tokenHash).toBe(hashApiKey(key.token));
    expect(stored.createdBy).toBeNull(); // created by an admin key, not a user

    const list = await call('GET', keysPath(), admin);
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(key.token);
    expect(text).not.toContain(stored.tokenHash);
    const listed = (JSON.parse(text) as { data: KeyData[] }).data;
    const mine = listed.find((k) => k.id === key.id)!;
    expect(Object.keys(mine).sort()).toEqual(
      ['created_at', 'expires_at', 'id', 'kind', 'last_four', 'last_used_at', 'name', 'prefix', 'revoked_at', 'rotated_from_id', 'scopes', 'space_id'].sort(),
    );
    expect(listed.every((k) => k.token === undefined)).toBe(true);

    expect((await readHome(key.token)).status).toBe(200);
    const audits = await auditRows('key.create', key.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ result: 'success', organizationId: seed.organizationId, actorKeyId: await keyIdOf(seed.keys.admin), targetType: 'api_key' });
    expect(JSON.stringify(audits[0]!.metadata)).not.toContain(key.token);
  });

  it('a user session creates keys (CSRF token sent) and is recorded as the creator', async () => {
    const key = await create(await asUser(ownerId), { name: 'Org admin', kind: 'admin' });
    expect(key.space_id).toBeNull();
    expect((await row(key.id)).createdBy).toBe(ownerId);
    const [audit] = await auditRows('key.create', key.id);
    expect(audit).toMatchObject({ actorUserId: ownerId, actorKeyId: null });
  });

  it('introspection returns kind, space, scopes and expiry', async () => {
    const expires = new Date(clock + 7 * 24 * 3_600_000);
    const key = await create(asKey(seed.keys.admin), { name: 'Preview', kind: 'preview', space_id: seed.spaceId, scopes: ['content.read'], expires_at: expires.toISOString() });
    expect(key.expires_at).toBe(expires.toISOString());
    const hash = hashApiKey(key.token);
    const res = await fetch(url(`${INTROSPECT_PATH}?token_hash=${hash}`), { headers: signInternal(secret, INTROSPECT_PURPOSE, hash, clock / 1000) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown }).data).toEqual({
      valid: true,
      id: key.id,
      kind: 'preview',
      space_id: seed.spaceId,
      organization_id: seed.organizationId,
      scopes: ['content.read'],
      expires_at: expires.toISOString(),
    });
  });
});

describe('scopes never exceed the creator', () => {
  it('refuses a user scopes beyond their role in the space (403), and limits the defaults', async () => {
    const headers = await asUser(spaceAuthorId);
    await expectErrorShape(await call('POST', keysPath(), headers, { name: 'w', kind: 'write', space_id: seed.spaceId, scopes: ['content.write', 'content.publish'] }), 403, 'forbidden');
    const [failure] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'key.create'), eq(auditEvents.result, 'failure'), eq(auditEvents.actorUserId, spaceAuthorId)));
    expect(failure).toBeDefined();
    const key = await create(headers, { name: 'w', kind: 'write', space_id: seed.spaceId });
    expect(key.scopes.sort()).toEqual(['assets.write', 'content.preview', 'content.read', 'content.write']);
    // The same user is an organization admin: an admin key may carry what that role allows.
    const adminKey = await create(headers, { name: 'a', kind: 'admin', scopes: ['content.publish', 'keys.read'] });
    expect(adminKey.scopes).toEqual(['content.publish', 'keys.read']);
  });

  it('refuses scopes beyond the kind (403)', async () => {
    await expectErrorShape(await call('POST', keysPath(), asKey(seed.keys.admin), { name: 'r', kind: 'read', space_id: seed.spaceId, scopes: ['content.write'] }), 403, 'forbidden');
    await expectErrorShape(await call('POST', keysPath(), await asUser(ownerId), { name: 'a', kind: 'admin', scopes: ['members.manage'] }), 403, 'forbidden');
  });

  it('a key created by an admin key never exceeds that key', async () => {
    const limited = await create(asKey(seed.keys.admin), { name: 'limited admin', kind: 'admin', scopes: ['keys.manage', 'keys.read', 'content.read'] });
    const write = await create(asKey(limited.token), { name: 'from limited', kind: 'write', space_id: seed.spaceId });
    expect(write.scopes).toEqual(['content.read']);
    await expectErrorShape(
      await call('POST', keysPath(), asKey(limited.token), { name: 'x', kind: 'write', space_id: seed.spaceId, scopes: ['content.publish'] }),
      403,
      'forbidden',
    );
    // Nor may it rotate a key carrying more than it may grant.
    const full = await create(asKey(seed.keys.admin), { name: 'full write', kind: 'write', space_id: seed.spaceId });
    await expectErrorShape(await call('POST', keysPath(seed.organizationId, `/${full.id}/rotate`), asKey(limited.token), { grace_seconds: 60 }), 403, 'forbidden');
    expect((await row(full.id)).expiresAt).toBeNull();
  });

  it('a viewer may not create (or list) keys: 403', async () => {
    const headers = await asUser(viewerId);
    await expectErrorShape(await call('POST', keysPath(), headers, { name: 'r', kind: 'read', space_id: seed.spaceId }), 403, 'forbidden');
    await expectErrorShape(await call('GET', keysPath(), headers), 403, 'forbidden');
  });

  it('space keys cannot manage keys (404 on the organization, as for any other tenant)', async () => {
    await expectErrorShape(await call('GET', keysPath(), asKey(seed.keys.write)), 404, 'not_found');
  });
});

describe('rotation', () => {
  it('keeps the old key valid for the grace period, then the revoker revokes and purges it', async () => {
    const started = clock;
    try {
      const old = await create(asKey(seed.keys.admin), { name: 'Rotating', kind: 'read', space_id: seed.spaceId });
      const res = await call('POST', keysPath(seed.organizationId, `/${old.id}/rotate`), asKey(seed.keys.admin), { grace_seconds: 3600 });
      expect(res.status).toBe(201);
      const fresh = ((await res.json()) as { data: KeyData & { token: string } }).data;
      expect(fresh).toMatchObject({ name: 'Rotating', kind: 'read', space_id: seed.spaceId, scopes: ['content.read'], rotated_from_id: old.id, revoked_at: null });
      expect(fresh.token).not.toBe(old.token);
      expect((await row(old.id)).expiresAt?.getTime()).toBe(clock + 3_600_000);
      expect(await purgeRows(old.id)).toHaveLength(1); // the edge re-reads the record (and its new expiry)
      expect(await auditRows('key.rotate', old.id)).toHaveLength(1);
      expect((await readHome(old.token)).status).toBe(200);
      expect((await readHome(fresh.token)).status).toBe(200);
      // Rotating it again (while in grace) is refused: rotate the successor instead.
      await expectErrorShape(await call('POST', keysPath(seed.organizationId, `/${old.id}/rotate`), asKey(seed.keys.admin), {}), 409, 'conflict');

      clock += 3_600_000 + 1000;
      await expectErrorShape(await readHome(old.token), 401, 'invalid_token');
      const kicks = purgeKicks;
      // No wiring: the revoker's commits kick the workers the app registered for this database.
      const revoker = new KeyRevoker({ db: database.db, logger, now: () => new Date(clock) });
      expect(await revoker.runOnce()).toBeGreaterThanOrEqual(1);
      expect(purgeKicks).toBeGreaterThan(kicks);
      expect((await row(old.id)).revokedAt?.getTime()).toBe(clock);
      expect((await row(fresh.id)).revokedAt).toBeNull();
      expect(await purgeRows(old.id)).toHaveLength(2);
      const [revoked] = await auditRows('key.revoke', old.id);
      expect(revoked).toMatchObject({ result: 'success', metadata: { reason: 'rotation_grace_ended' } });
      expect(await revoker.runOnce()).toBe(0);
      expect((await readHome(fresh.token)).status).toBe(200);
    } finally {
      clock = started;
    }
  });

  it('uses the configured grace by default (24 h) and a bare POST is enough', async () => {
    const old = await create(asKey(seed.keys.admin), { name: 'Default grace', kind: 'preview', space_id: seed.spaceId });
    const res = await fetch(url(keysPath(seed.organizationId, `/${old.id}/rotate`)), { method: 'POST', headers: asKey(seed.keys.admin) });
    expect(res.status).toBe(201);
    expect((await row(old.id)).expiresAt?.getTime()).toBe(clock + 24 * 3_600_000);
  });

  it('gives a key with a lifetime the same lifetime again, and never extends the old one', async () => {
    const created = await create(asKey(seed.keys.admin), { name: 'Short', kind: 'read', space_id: seed.spaceId, expires_at: new Date(clock + 600_000).toISOString() });
    const res = await call('POST', keysPath(seed.organizationId, `/${created.id}/rotate`), asKey(seed.keys.admin), { grace_seconds: 86_400 });
    const fresh = ((await res.json()) as { data: KeyData }).data;
    expect((await row(created.id)).expiresAt?.toISOString()).toBe(created.expires_at); // min(existing, now + grace)
    expect(fresh.expires_at).not.toBeNull();
  });

  it('with grace 0 the old key is refused at once, revoked and purged', async () => {
    const old = await create(await asUser(ownerId), { name: 'Leaked', kind: 'read', space_id: seed.spaceId });
    expect((await readHome(old.token)).status).toBe(200);
    const kicks = purgeKicks;
    const res = await call('POST', keysPath(seed.organizationId, `/${old.id}/rotate`), await asUser(ownerId), { grace_seconds: 0 });
    expect(res.status).toBe(201);
    const fresh = ((await res.json()) as { data: KeyData & { token: string } }).data;
    expect(purgeKicks).toBe(kicks + 1);
    await expectErrorShape(await readHome(old.token), 401, 'invalid_token');
    expect((await readHome(fresh.token)).status).toBe(200);
    expect((await row(old.id)).revokedAt).not.toBeNull();
    expect(await purgeRows(old.id)).toHaveLength(1);
    expect(await auditRows('key.rotate', old.id)).toHaveLength(1);
    expect(await auditRows('key.revoke', old.id)).toHaveLength(1);
    // A revoked key cannot be rotated.
    await expectErrorShape(await call('POST', keysPath(seed.organizationId, `/${old.id}/rotate`), asKey(seed.keys.admin), { grace_seconds: 0 }), 409, 'conflict');
  });
});

describe('revocation', () => {
  it('revokes now with a key:<id> purge in the same transaction, and answers 409 the second time', async () => {
    const key = await create(asKey(seed.keys.admin), { name: 'Doomed', kind: 'write', space_id: seed.spaceId });
    expect((await readHome(key.token)).status).toBe(200);
    const kicks = purgeKicks;
    const res = await call('DELETE', keysPath(seed.organizationId, `/${key.id}`), await asUser(ownerId));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: KeyData }).data.revoked_at).toBe(new Date(clock).toISOString());
    expect(purgeKicks).toBe(kicks + 1);
    const stored = await row(key.id);
    const purges = await purgeRows(key.id);
    expect(stored.revokedAt).not.toBeNull();
    expect(purges).toHaveLength(1);
    expect(purges[0]!.soft).toBe(false);
    const audits = await auditRows('key.revoke', key.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorUserId: ownerId, metadata: { reason: 'manual' } });
    await expectErrorShape(await readHome(key.token), 401, 'invalid_token');
    await expectErrorShape(await call('DELETE', keysPath(seed.organizationId, `/${key.id}`), asKey(seed.keys.admin)), 409, 'conflict');
    expect(await purgeRows(key.id)).toHaveLength(1);
  });

  it('the revoker also revokes keys created with an expiry, once even when two instances race', async () => {
    const expired = await issueApiKey(database.db, { organizationId: seed.organizationId, spaceId: seed.spaceId, kind: 'read', name: 'old', expiresAt: new Date(clock - 1000) });
    const a = new KeyRevoker({ db: database.db, logger, now: () => new Date(clock) });
    const b = new KeyRevoker({ db: database.db, logger, now: () => new Date(clock) });
    const [n1, n2] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(n1 + n2).toBeGreaterThanOrEqual(1);
    expect((await row(expired.id)).revokedAt).not.toBeNull();
    expect(await purgeRows(expired.id)).toHaveLength(1);
    const audits = await auditRows('key.revoke', expired.id);
    expect(audits).toHaveLength(1);
    // The commit step names the actor (the revoker, a system job) and the space (none: key records are the organization's).
    expect(audits[0]!.metadata).toEqual({ reason: 'expired', actor: 'key_revoker', space_id: null });
    expect(audits[0]).toMatchObject({ actorUserId: null, actorKeyId: null, organizationId: seed.organizationId, chain: seed.organizationId });
  });
});

describe('tenancy', () => {
  it("another organization's admin key or owner gets 404 for this organization's keys, whatever the id", async () => {
    const key = await create(asKey(seed.keys.admin), { name: 'Mine', kind: 'read', space_id: seed.spaceId });
    for (const headers of [asKey(other.adminKey), await asUser(other.ownerId)]) {
      await expectErrorShape(await call('GET', keysPath(), headers), 404, 'not_found');
      await expectErrorShape(await call('POST', keysPath(seed.organizationId, `/${key.id}/rotate`), headers, {}), 404, 'not_found');
      await expectErrorShape(await call('DELETE', keysPath(seed.organizationId, `/${key.id}`), headers), 404, 'not_found');
      // Through their own organization the id is simply unknown.
      await expectErrorShape(await call('POST', keysPath(other.organizationId, `/${key.id}/rotate`), headers, {}), 404, 'not_found');
      await expectErrorShape(await call('DELETE', keysPath(other.organizationId, `/${key.id}`), headers), 404, 'not_found');
      await expectErrorShape(await call('DELETE', keysPath(other.organizationId, `/${randomUUID()}`), headers), 404, 'not_found');
      await expectErrorShape(await call('DELETE', keysPath(other.organizationId, '/not-a-uuid'), headers), 404, 'not_found');
      const listed = await call('GET', keysPath(other.organizationId), headers);
      expect(listed.status).toBe(200);
      expect(await listed.text()).not.toContain(key.id);
    }
    expect((await row(key.id)).revokedAt).toBeNull();
    // A space of another organization is not found either.
    await expectErrorShape(await call('POST', keysPath(), asKey(seed.keys.admin), { name: 'x', kind: 'read', space_id: other.spaceId }), 404, 'not_found');
  });
});

describe('last-used time, batched', () => {
  it('100 requests write nothing until the flush, which is one statement', async () => {
    await recorder.flush();
    const key = await create(asKey(seed.keys.admin), { name: 'Busy', kind: 'read', space_id: seed.spaceId });
    const before = statements;
    for (let i = 0; i < 100; i++) expect((await readHome(key.token)).status).toBe(200);
    expect((await row(key.id)).lastUsedAt).toBeNull();
    expect(statements).toBe(before);
    expect(recorder.pendingCount).toBeGreaterThanOrEqual(1);
    expect(await recorder.flush()).toBe(1);
    expect(statements).toBe(before + 1);
    expect((await row(key.id)).lastUsedAt?.getTime()).toBe(clock);
    expect(recorder.pendingCount).toBe(0);
    expect(await recorder.flush()).toBe(0); // nothing pending, nothing sent
    expect(statements).toBe(before + 1);
    // Never moves backwards (another instance may flush an older time later).
    recorder.touch(key.id, new Date(clock - 60_000));
    await recorder.flush();
    expect((await row(key.id)).lastUsedAt?.getTime()).toBe(clock);
    const listed = ((await (await call('GET', keysPath(), asKey(seed.keys.admin))).json()) as { data: KeyData[] }).data;
    expect(listed.find((k) => k.id === key.id)!.last_used_at).toBe(new Date(clock).toISOString());
  });
});

describe('bad bodies', () => {
  it('answer 400 (415 for non-JSON) in the one error shape; unknown fields are refused', async () => {
    const admin = asKey(seed.keys.admin);
    const post = (body: unknown, headers: Record<string, string> = {}) => call('POST', keysPath(), { ...admin, ...headers }, body);
    await expectErrorShape(await post('{"name":'), 400, 'bad_request');
    await expectErrorShape(await post({ name: 'x', kind: 'read', space_id: seed.spaceId, token_hash: 'mine' }), 400, 'bad_request');
    await expectErrorShape(await post({ name: 'x', kind: 'root', space_id: seed.spaceId }), 400, 'bad_request');
    await expectErrorShape(await post({ name: '', kind: 'read', space_id: seed.spaceId }), 400, 'bad_request');
    await expectErrorShape(await post({ name: 'x', kind: 'read' }), 400, 'bad_request');
    await expectErrorShape(await post({ name: 'x', kind: 'admin', space_id: seed.spaceId }), 400, 'bad_request');
    await expectErrorShape(await post({ name: 'x', kind: 'read', space_id: 'nope' }), 400, 'bad_request');
    await expectErrorShape(await post({ name: 'x', kind: 'read', space_id: seed.spaceId, scopes: ['content.everything'] }), 400, 'bad_request');
    await expectErrorShape(await post({ name: 'x', kind: 'read', space_id: seed.spaceId, scopes: [] }), 400, 'bad_request');
    await expectErrorShape(await post({ name: 'x', kind: 'read', space_id: seed.spaceId, expires_at: new Date(clock - 1000).toISOString() }), 400, 'bad_request');
    await expectErrorShape(await post({ name: 'x', kind: 'read', space_id: seed.spaceId, expires_at: 'tomorrow' }), 400, 'bad_request');
    await expectErrorShape(await post({ name: 'x', kind: 'read', space_id: seed.spaceId }, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    const body = await expectErrorShape(await post({ name: 'x', kind: 'read', space_id: seed.spaceId, owner: 'me' }), 400, 'bad_request');
    expect(body.detail).toContain('unknown field');

    const key = await create(admin, { name: 'r', kind: 'read', space_id: seed.spaceId });
    const rotate = (b: unknown) => call('POST', keysPath(seed.organizationId, `/${key.id}/rotate`), admin, b);
    await expectErrorShape(await rotate({ grace_seconds: -1 }), 400, 'bad_request');
    await expectErrorShape(await rotate({ grace_seconds: 90 * 86_400 + 1 }), 400, 'bad_request');
    await expectErrorShape(await rotate({ grace_seconds: '60' }), 400, 'bad_request');
    await expectErrorShape(await rotate({ grace: 60 }), 400, 'bad_request');
    expect((await row(key.id)).expiresAt).toBeNull();
  });
});
