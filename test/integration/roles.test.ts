/**
 * Roles on the content write path, with signed-in members (session + CSRF + X-Ghee-Space):
 * authors write drafts but cannot publish or change live content, publishers can, viewers
 * only read drafts; per-space overrides apply to that space only.
 */
import { eq, and } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pages, pageRevisions } from '../../origin/db/schema/index.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, SessionClient } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let space: string;

async function member(role: 'author' | 'publisher' | 'viewer', spaceOverride?: { spaceId: string; role: 'publisher' }): Promise<SessionClient> {
  const u = await createUser(origin, origin.seed.organizationId, role);
  if (spaceOverride) {
    const { memberships } = await import('../../origin/db/schema/index.js');
    await origin.database.db.insert(memberships).values({ userId: u.id, organizationId: origin.seed.organizationId, spaceId: spaceOverride.spaceId, role: spaceOverride.role });
  }
  const c = new SessionClient(origin.server.url);
  await c.login(u.email, u.password);
  return c;
}

const inSpace = () => ({ 'x-ghee-space': space });

async function pageRow(slug: string) {
  const [row] = await origin.database.db.select().from(pages).where(and(eq(pages.spaceId, space), eq(pages.slug, slug)));
  return row;
}

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
  space = origin.seed.spaceId;
});

afterAll(async () => {
  await origin?.stop();
});

describe('content roles', () => {
  it('an author writes drafts (revision records no key), but cannot publish, schedule or change live content', async () => {
    const author = await member('author');
    expect((await author.request('POST', '/v2/pages/', { title: 'Draft', slug: 'by-author', page_type: '*', fields: { a: 1 } }, inSpace())).status).toBe(202);
    const row = await pageRow('by-author');
    expect(row).toMatchObject({ status: 'draft' });
    const revs = await origin.database.db.select().from(pageRevisions).where(eq(pageRevisions.pageId, row!.id));
    expect(revs).toHaveLength(1);
    expect(revs[0]!.createdByKey).toBeNull();

    await expectErrorShape(await author.request('POST', '/v2/pages/', { title: 'Live', slug: 'author-live', page_type: '*', status: 'published', fields: {} }, inSpace()), 403, 'forbidden');
    expect(await pageRow('author-live')).toBeUndefined();
    await expectErrorShape(await author.request('PATCH', '/v2/pages/*/by-author/', { status: 'published' }, inSpace()), 403, 'forbidden');
    await expectErrorShape(await author.request('PATCH', '/v2/pages/*/by-author/', { status: 'scheduled', scheduled: new Date(Date.now() + 3_600_000).toISOString() }, inSpace()), 403, 'forbidden');
    expect((await author.request('PATCH', '/v2/pages/*/by-author/', { fields: { a: 2 } }, inSpace())).status).toBe(202);
    // The seeded home page is published: an author may not change it.
    await expectErrorShape(await author.request('PATCH', '/v2/pages/*/home/', { fields: { headline: 'defaced' } }, inSpace()), 403, 'forbidden');
    await expectErrorShape(await author.request('DELETE', '/v2/pages/*/by-author/', undefined, inSpace()), 403, 'forbidden');
    expect((await pageRow('by-author'))!.deletedAt).toBeNull();
  });

  it('a publisher publishes what an author wrote', async () => {
    const publisher = await member('publisher');
    expect((await publisher.request('PATCH', '/v2/pages/*/by-author/', { status: 'published' }, inSpace())).status).toBe(202);
    expect(await pageRow('by-author')).toMatchObject({ status: 'published' });
  });

  it('a viewer reads drafts in the management view but writes nothing', async () => {
    const viewer = await member('viewer');
    expect((await viewer.request('GET', '/v2/manage/pages/*/by-author/', undefined, inSpace())).status).toBe(200);
    await expectErrorShape(await viewer.request('POST', '/v2/pages/', { title: 'x', slug: 'by-viewer', page_type: '*', fields: {} }, inSpace()), 403, 'forbidden');
    expect(await pageRow('by-viewer')).toBeUndefined();
  });

  it('a per-space override raises the role in that space only', async () => {
    const otherSpace = (await createOrganization(origin, 'roles-other')).spaceId;
    const author = await member('author', { spaceId: space, role: 'publisher' });
    expect((await author.request('POST', '/v2/pages/', { title: 'Live', slug: 'override-live', page_type: '*', status: 'published', fields: {} }, inSpace())).status).toBe(202);
    // A space of another organization stays invisible even with an override elsewhere.
    await expectErrorShape(await author.request('POST', '/v2/pages/', { title: 'x', slug: 'x', page_type: '*', fields: {} }, { 'x-ghee-space': otherSpace }), 404, 'not_found');
  });

  it('a session user must name the space, and the CSRF token is still required', async () => {
    const author = await member('author');
    await expectErrorShape(await author.request('POST', '/v2/pages/', { title: 'x', slug: 'no-space', page_type: '*', fields: {} }), 400, 'bad_request');
    await expectErrorShape(await author.request('POST', '/v2/pages/', { title: 'x', slug: 'no-csrf', page_type: '*', fields: {} }, { ...inSpace(), 'x-csrf-token': 'nope' }), 403, 'csrf_failed');
    expect(await pageRow('no-csrf')).toBeUndefined();
  });
});
