/**
 * Spaces under an organization (issue 11 item 15): a self-signed-up organization learns its
 * space id (GET /v1/auth/session, GET /v1/orgs/{org}/spaces) and can create its keys; owners
 * and admins create spaces (everything a space needs, audited in the same transaction);
 * members see the spaces they can see; other tenants answer 404.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, spaces } from '../../origin/db/schema/index.js';
import { MemoryTransport } from '../../origin/identity/mail.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, GOOD_PASSWORD, SessionClient, uniqueEmail, type TestUser } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const mail = new MemoryTransport();
let origin: OriginUnderTest;
let orgA: string;

type SpaceJson = { id: string; slug: string; name: string; default_locale: string; created_at: string };

async function signedIn(u: TestUser): Promise<SessionClient> {
  const c = new SessionClient(origin.server.url);
  await c.login(u.email, u.password);
  return c;
}

async function listSpaces(c: SessionClient, orgId: string): Promise<SpaceJson[]> {
  const res = await c.request('GET', `/v1/orgs/${orgId}/spaces`);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: SpaceJson[] }).data;
}

async function waitForMail(to: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const m = mail.last(to);
    if (m) return m.text;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no mail to ${to}`);
}

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' }, { mail });
  orgA = origin.seed.organizationId;
});

afterAll(async () => {
  await origin?.stop();
});

describe('a self-signed-up organization', () => {
  it('learns its space id from the session and the space list, and creates a read key for it', async () => {
    const email = uniqueEmail('founder');
    const signup = await fetch(`${origin.server.url}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: GOOD_PASSWORD, name: 'Founder', organization_name: 'Fresh Startup' }),
    });
    expect(signup.status).toBe(201);
    const token = /token=([A-Za-z0-9_-]+)/.exec(await waitForMail(email))![1]!;
    expect((await fetch(`${origin.server.url}/v1/auth/verify-email`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })).status).toBe(200);
    const c = new SessionClient(origin.server.url);
    await c.login(email, GOOD_PASSWORD);

    const session = (await (await c.request('GET', '/v1/auth/session')).json()) as { data: { memberships: { organization_id: string; space_id: string | null; default_space_id: string | null }[] } };
    const [m] = session.data.memberships;
    expect(m!.space_id).toBeNull();
    expect(m!.default_space_id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = await listSpaces(c, m!.organization_id);
    expect(listed).toEqual([expect.objectContaining({ id: m!.default_space_id, slug: 'main', name: 'Fresh Startup', default_locale: 'en' })]);

    const key = await c.request('POST', `/v1/orgs/${m!.organization_id}/api-keys`, { name: 'site', kind: 'read', space_id: m!.default_space_id });
    expect(key.status, await key.clone().text()).toBe(201);
  });
});

describe('creating a space', () => {
  it('creates a working space (default locale, unique slug), audited in its transaction', async () => {
    const owner = await signedIn(await createUser(origin, orgA, 'owner'));
    const res = await owner.request('POST', `/v1/orgs/${orgA}/spaces`, { name: 'Marketing Site', default_locale: 'fr' });
    expect(res.status, await res.clone().text()).toBe(201);
    const space = ((await res.json()) as { data: SpaceJson }).data;
    expect(space).toMatchObject({ slug: 'marketing-site', name: 'Marketing Site', default_locale: 'fr' });
    const [row] = await origin.database.db.select().from(spaces).where(eq(spaces.id, space.id));
    expect(row).toMatchObject({ organizationId: orgA, slug: 'marketing-site', defaultLocale: 'fr' });
    expect(await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'space.create'), eq(auditEvents.targetId, space.id)))).toEqual([
      expect.objectContaining({ result: 'success', organizationId: orgA, metadata: expect.objectContaining({ slug: 'marketing-site' }) }),
    ]);
    expect((await listSpaces(owner, orgA)).map((s) => s.id)).toContain(space.id);
    // The new space works like the first: its locales list its default, keys can be made for it.
    const locales = await owner.request('GET', `/v2/manage/spaces/${space.id}/locales`);
    expect(locales.status).toBe(200);
    expect(JSON.stringify(await locales.json())).toContain('"fr"');
    expect((await owner.request('POST', `/v1/orgs/${orgA}/api-keys`, { name: 'marketing', kind: 'preview', space_id: space.id })).status).toBe(201);

    // A taken slug is a conflict (and writes nothing); a bad slug, locale or field is a 400.
    await expectErrorShape(await owner.request('POST', `/v1/orgs/${orgA}/spaces`, { name: 'Marketing Site' }), 409, 'conflict');
    expect(await origin.database.db.select().from(spaces).where(and(eq(spaces.organizationId, orgA), eq(spaces.slug, 'marketing-site')))).toHaveLength(1);
    for (const body of [{ name: 'x', slug: 'Bad Slug' }, { name: 'x', slug: '-edge' }, { name: 'x', default_locale: 'english' }, { name: '' }, { name: 'x', organization_id: randomUUID() }]) {
      await expectErrorShape(await owner.request('POST', `/v1/orgs/${orgA}/spaces`, body), 400, 'bad_request');
    }
  });

  it('is for owners and admins only; API keys list spaces but cannot create them; other tenants answer 404', async () => {
    const admin = await signedIn(await createUser(origin, orgA, 'admin'));
    expect((await admin.request('POST', `/v1/orgs/${orgA}/spaces`, { name: 'Admin Space', slug: `admin-${randomUUID().slice(0, 8)}` })).status).toBe(201);
    const publisher = await signedIn(await createUser(origin, orgA, 'publisher'));
    await expectErrorShape(await publisher.request('POST', `/v1/orgs/${orgA}/spaces`, { name: 'Nope' }), 403, 'forbidden');
    const other = await createOrganization(origin, `spaces-other-${randomUUID().slice(0, 8)}`);
    await expectErrorShape(await admin.request('POST', `/v1/orgs/${other.organizationId}/spaces`, { name: 'Theirs' }), 404, 'not_found');
    await expectErrorShape(await admin.request('GET', `/v1/orgs/${other.organizationId}/spaces`), 404, 'not_found');
    const adminKey = { authorization: `Token ${origin.seed.keys.admin}` };
    const listed = await fetch(`${origin.server.url}/v1/orgs/${orgA}/spaces`, { headers: adminKey });
    expect(listed.status).toBe(200);
    await expectErrorShape(
      await fetch(`${origin.server.url}/v1/orgs/${orgA}/spaces`, { method: 'POST', headers: { ...adminKey, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'By key' }) }),
      403,
      'forbidden',
    );
    await expectErrorShape(await fetch(`${origin.server.url}/v1/orgs/${orgA}/spaces`, { headers: { authorization: `Token ${origin.seed.keys.read}` } }), 404, 'not_found');
  });
});

describe('listing spaces', () => {
  it('shows organization-wide members every space and space-only members only theirs', async () => {
    const owner = await signedIn(await createUser(origin, orgA, 'owner'));
    const extra = ((await (await owner.request('POST', `/v1/orgs/${orgA}/spaces`, { name: 'Docs', slug: `docs-${randomUUID().slice(0, 8)}` })).json()) as { data: SpaceJson }).data;
    const all = (await listSpaces(owner, orgA)).map((s) => s.id);
    expect(all).toEqual(expect.arrayContaining([origin.seed.spaceId, extra.id]));
    const viewer = await signedIn(await createUser(origin, orgA, 'billing'));
    expect((await listSpaces(viewer, orgA)).map((s) => s.id)).toEqual(all);

    const spaceOnly = await signedIn(await createUser(origin, orgA, 'author', { spaceId: extra.id }));
    expect((await listSpaces(spaceOnly, orgA)).map((s) => s.id)).toEqual([extra.id]);
    const session = (await (await spaceOnly.request('GET', '/v1/auth/session')).json()) as { data: { memberships: { space_id: string; default_space_id: string }[] } };
    expect(session.data.memberships).toEqual([expect.objectContaining({ space_id: extra.id, default_space_id: extra.id })]);
    // Still no organization-wide view for them, and nothing of another organization.
    await expectErrorShape(await spaceOnly.request('GET', `/v1/orgs/${orgA}/members`), 404, 'not_found');
    const other = await createOrganization(origin, `spaces-list-${randomUUID().slice(0, 8)}`);
    await expectErrorShape(await spaceOnly.request('GET', `/v1/orgs/${other.organizationId}/spaces`), 404, 'not_found');
    const nobody = await signedIn(await createUser(origin, null, null));
    await expectErrorShape(await nobody.request('GET', `/v1/orgs/${orgA}/spaces`), 404, 'not_found');
    await expectErrorShape(await nobody.request('GET', `/v1/orgs/not-a-uuid/spaces`), 404, 'not_found');
  });
});
