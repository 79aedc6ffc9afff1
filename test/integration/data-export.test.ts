/**
 * Exports (issue 16): an organization's archive round-trips (decrypt with the key shown once,
 * parse, compare with the database), holds no secret, is downloaded once through a signed URL
 * that expires; only signed-in owners and admins of that organization with a recent sign-in may
 * ask; a user exports their own personal data and nobody else's.
 */
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataExports, sessions } from '../../origin/db/schema/index.js';
import { createLogger } from '../../origin/logger.js';
import { decryptArchive, LifecycleJobs } from '../../origin/governance/index.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, SessionClient, type TestUser } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let org: string;
let jobs: LifecycleJobs;

type Line = { type: string; row?: Record<string, unknown>; counts?: Record<string, number> };

async function signedIn(u: TestUser): Promise<SessionClient> {
  const c = new SessionClient(origin.server.url);
  await c.login(u.email, u.password);
  return c;
}

async function q<T = Record<string, unknown>>(s: ReturnType<typeof sql>): Promise<T[]> {
  const r = await origin.database.db.execute(s);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as T[];
}

/** Polls the export until it is ready (the jobs build it after the 202). */
async function ready(c: SessionClient, path: string): Promise<{ download_url: string; progress: Record<string, number>; status: string }> {
  for (let i = 0; i < 100; i++) {
    const res = await c.request('GET', path);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { status: string; download_url: string; progress: Record<string, number> } };
    if (data.status === 'ready') return data;
    expect(['pending', 'running']).toContain(data.status);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('export never became ready');
}

const local = (url: string) => {
  const u = new URL(url);
  return `${origin.server.url}${u.pathname}${u.search}`;
};

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10', AUTH_SECRET: randomBytes(32).toString('hex') });
  org = origin.seed.organizationId;
  jobs = new LifecycleJobs({
    db: origin.database.db,
    config: origin.config,
    envelope: origin.envelope,
    authSecret: origin.config.AUTH_SECRET!,
    publicAppUrl: origin.config.PUBLIC_APP_URL,
    logger: createLogger('silent'),
  });
  // Content with an asset and a webhook (whose secret must not leave).
  await q(sql`insert into assets (space_id, filename, content_type, size, sha256, data) values (${origin.seed.spaceId}, 'logo.png', 'image/png', 3, 'x', '\\x010203'::bytea)`);
  await q(sql`insert into webhooks (space_id, url, events, secret_encrypted) values (${origin.seed.spaceId}, 'https://hooks.example/x', array['*'], ${origin.envelope.encrypt('whsec-very-secret')})`);
});

afterAll(async () => {
  await jobs?.stop();
  await origin?.stop();
});

describe('organization export', () => {
  it('round-trips: the archive decrypts with the key shown once and matches the database, without secrets; downloadable once', async () => {
    const owner = await createUser(origin, org, 'owner');
    const c = await signedIn(owner);
    const res = await c.request('POST', `/v1/orgs/${org}/exports`);
    expect(res.status, await res.clone().text()).toBe(202);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { data: created } = (await res.json()) as { data: { id: string; key: string; status: string } };
    expect(created.status).toBe('pending');
    expect(Buffer.from(created.key, 'base64url')).toHaveLength(32);
    // The key is not kept once the archive exists, and never shown again.
    const view = await ready(c, `/v1/orgs/${org}/exports/${created.id}`);
    expect(view).not.toHaveProperty('key');
    expect(view.progress.tables_done).toBe(view.progress.tables_total);
    const [row] = await origin.database.db.select().from(dataExports).where(eq(dataExports.id, created.id));
    expect(row!.keyEncrypted).toBeNull();

    const dl = await fetch(local(view.download_url));
    expect(dl.status).toBe(200);
    expect(dl.headers.get('cache-control')).toBe('no-store');
    const archive = Buffer.from(await dl.arrayBuffer());
    expect(createHash('sha256').update(archive).digest('hex')).toBe(row!.archiveSha256);
    // Wrong key or wrong export id: refused by GCM.
    expect(() => decryptArchive(archive, randomBytes(32), created.id)).toThrow();
    expect(() => decryptArchive(archive, Buffer.from(created.key, 'base64url'), crypto.randomUUID())).toThrow();
    const lines = decryptArchive(archive, Buffer.from(created.key, 'base64url'), created.id) as Line[];
    expect(lines[0]).toMatchObject({ type: 'manifest', kind: 'organization', subject_id: org });
    expect(lines.at(-1)!.type).toBe('end');
    const of = (type: string) => lines.filter((l) => l.type === type).map((l) => l.row!);

    // Compare with the database: the same pages, spaces, members, keys, assets, audit rows.
    const ids = async (s: ReturnType<typeof sql>) => (await q<{ id: string }>(s)).map((r) => r.id).sort();
    expect(of('pages').map((r) => r.id).sort()).toEqual(await ids(sql`select id from pages where space_id in (select id from spaces where organization_id = ${org})`));
    expect(of('spaces').map((r) => r.id).sort()).toEqual(await ids(sql`select id from spaces where organization_id = ${org}`));
    expect(of('memberships').map((r) => r.id).sort()).toEqual(await ids(sql`select id from memberships where organization_id = ${org}`));
    expect(of('api_keys').map((r) => r.id).sort()).toEqual(await ids(sql`select id from api_keys where organization_id = ${org}`));
    expect(of('audit_events').map((r) => r.id).sort()).toEqual(await ids(sql`select id from audit_events where organization_id = ${org} and action <> 'export.download'`));
    expect(of('users').find((r) => r.id === owner.id)).toMatchObject({ email: owner.email });
    const [page] = await q<{ id: string; fields: unknown }>(sql`select id, fields from pages where slug = 'home' and space_id = ${origin.seed.spaceId}`);
    expect(of('pages').find((r) => r.id === page!.id)!.fields).toEqual(page!.fields);
    const asset = of('assets')[0]!;
    expect(Buffer.from(asset.data_base64 as string, 'base64')).toEqual(Buffer.from([1, 2, 3]));
    expect(lines.at(-1)!.counts!.pages).toBe(of('pages').length);

    // No secret: no hash or encrypted column, and none of the stored secret values anywhere.
    const text = JSON.stringify(lines);
    for (const column of ['password_hash', 'key_hash', 'token_hash', 'secret_encrypted', 'secret_enc', 'code_hash']) expect(text).not.toContain(`"${column}"`);
    const secrets = [
      ...(
        await q<{ v: string | null }>(
          sql`select token_hash as v from api_keys union all select password_hash from users union all select secret_encrypted from webhooks union all select token_hash from sessions`,
        )
      ).map((r) => r.v),
      ...Object.values(origin.seed.keys),
      'whsec-very-secret',
    ].filter((v): v is string => typeof v === 'string' && v.length > 0);
    expect(secrets.length).toBeGreaterThan(5);
    for (const s of secrets) expect(text).not.toContain(s);

    // Once: a second download is refused, and the archive is gone from the database.
    await expectErrorShape(await fetch(local(view.download_url)), 404, 'not_found');
    const [after] = await origin.database.db.select().from(dataExports).where(eq(dataExports.id, created.id));
    expect(after).toMatchObject({ status: 'downloaded', archive: null });
    // Requested and downloaded: both in the organization's audit chain.
    const actions = (await q<{ action: string }>(sql`select action from audit_events where target_id = ${created.id} order by seq`)).map((r) => r.action);
    expect(actions).toEqual(['export.request', 'export.download']);
  });

  it('refuses a tampered or expired link', async () => {
    const admin = await createUser(origin, org, 'admin');
    const c = await signedIn(admin);
    const res = await c.request('POST', `/v1/orgs/${org}/exports`);
    expect(res.status).toBe(202);
    const { data } = (await res.json()) as { data: { id: string } };
    const view = await ready(c, `/v1/orgs/${org}/exports/${data.id}`);
    const url = new URL(local(view.download_url));
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    await expectErrorShape(await fetch(later), 404, 'not_found');
    const forged = new URL(url);
    forged.searchParams.set('signature', 'a'.repeat(64));
    await expectErrorShape(await fetch(forged), 404, 'not_found');
    // Past its 24 h the archive is refused even with the link's own signature.
    await origin.database.db.update(dataExports).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(dataExports.id, data.id));
    await expectErrorShape(await fetch(url), 404, 'not_found');
    const { data: shown } = (await (await c.request('GET', `/v1/orgs/${org}/exports/${data.id}`)).json()) as { data: Record<string, unknown> };
    expect(shown).toMatchObject({ status: 'expired' });
    expect(shown).not.toHaveProperty('download_url');
  });

  it('is refused to other roles, another organization, API keys and a stale sign-in', async () => {
    const publisher = await signedIn(await createUser(origin, org, 'publisher'));
    await expectErrorShape(await publisher.request('POST', `/v1/orgs/${org}/exports`), 403, 'forbidden');
    await expectErrorShape(await publisher.request('GET', `/v1/orgs/${org}/exports`), 403, 'forbidden');
    const other = await createOrganization(origin, `exp-other-${randomBytes(3).toString('hex')}`);
    const stranger = await signedIn(await createUser(origin, other.organizationId, 'owner'));
    // Another tenant's organization is not found (ghee's rule for other tenants' objects).
    await expectErrorShape(await stranger.request('POST', `/v1/orgs/${org}/exports`), 404, 'not_found');
    const [mine] = await origin.database.db.select({ id: dataExports.id }).from(dataExports).where(eq(dataExports.organizationId, org)).limit(1);
    await expectErrorShape(await stranger.request('GET', `/v1/orgs/${other.organizationId}/exports/${mine!.id}`), 404, 'not_found');
    const byKey = await fetch(`${origin.server.url}/v1/orgs/${org}/exports`, { method: 'POST', headers: { authorization: `Token ${origin.seed.keys.admin}` } });
    expect([403, 404]).toContain(byKey.status);
    // A session without a recent sign-in.
    const owner = await createUser(origin, org, 'owner');
    const c = await signedIn(owner);
    const token = c.cookie!.split('=')[1]!;
    await origin.database.db.update(sessions).set({ reauthenticatedAt: new Date(Date.now() - 11 * 60_000) }).where(eq(sessions.tokenHash, createHash('sha256').update(token).digest('hex')));
    await expectErrorShape(await c.request('POST', `/v1/orgs/${org}/exports`), 403, 'reauthentication_required');
    await expectErrorShape(await c.request('POST', '/v1/auth/me/exports'), 403, 'reauthentication_required');
  });
});

describe('personal-data export', () => {
  it('holds the user\'s own data and no one else\'s', async () => {
    const me = await createUser(origin, org, 'author');
    const someone = await createUser(origin, org, 'viewer');
    const c = await signedIn(me);
    const res = await c.request('POST', '/v1/auth/me/exports');
    expect(res.status).toBe(202);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { data } = (await res.json()) as { data: { id: string; key: string } };
    // Another user cannot see it.
    const them = await signedIn(someone);
    await expectErrorShape(await them.request('GET', `/v1/auth/me/exports/${data.id}`), 404, 'not_found');
    const view = await ready(c, `/v1/auth/me/exports/${data.id}`);
    const archive = Buffer.from(await (await fetch(local(view.download_url))).arrayBuffer());
    const lines = decryptArchive(archive, Buffer.from(data.key, 'base64url'), data.id) as Line[];
    const text = JSON.stringify(lines);
    // Their account, with the sealed address and name opened and no blind index.
    expect(lines.filter((l) => l.type === 'users').map((l) => l.row!.id)).toEqual([me.id]);
    expect(lines.find((l) => l.type === 'users')!.row).toMatchObject({ email: me.email, name: 'Test author' });
    expect(text).not.toContain('"email_bidx"');
    expect(text).not.toContain('"email_enc"');
    expect(text).toContain(me.email);
    expect(text).not.toContain(someone.email);
    expect(lines.filter((l) => l.type === 'sessions').length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.type === 'memberships').map((l) => l.row!.user_id)).toEqual([me.id]);
    expect(text).not.toContain('"token_hash"');
    expect(text).not.toContain('"password_hash"');
    // Their sign-in appears in the audit rows they acted in.
    expect(lines.some((l) => l.type === 'audit_events' && l.row!.action === 'auth.login')).toBe(true);
    // Their address and user agent there are opened (sealed at rest since migration 0020), never the tokens.
    const signIn = lines.find((l) => l.type === 'audit_events' && l.row!.action === 'auth.login')!.row!;
    expect(signIn).toMatchObject({ ip: '127.0.0.1', user_agent: expect.any(String) });
    expect(String(signIn.user_agent)).not.toMatch(/^env1\./);
    expect(text).not.toContain('"ip_enc"');
    expect(text).not.toContain('"user_agent_enc"');
    // The request and the download: one row each in the global chain, naming the user.
    const rows = await q<{ action: string; chain: string; actor_user_id: string }>(sql`select action, chain, actor_user_id from audit_events where target_id = ${data.id} order by seq`);
    expect(rows).toEqual([
      { action: 'export.request', chain: 'global', actor_user_id: me.id },
      { action: 'export.download', chain: 'global', actor_user_id: me.id },
    ]);
  });
});
