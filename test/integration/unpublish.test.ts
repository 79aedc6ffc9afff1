/**
 * Unpublish of pages and posts (issue 20): POST /v2/manage/pages/{type}/{slug}/unpublish and
 * POST /v2/manage/posts/{slug}/unpublish take the published version down — public reads answer
 * 404, the edge purge of the resource's surrogate keys is queued in the same transaction, a new
 * version and revision, one `page.unpublish` / `post.unpublish` audit row — whereas a save with
 * `status: "draft"` keeps the published version live. Only content.publish holders may unpublish;
 * another organization gets 404; a stale If-Match 412; nothing published 409. Real HTTP, real Postgres.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, pageRevisions, pages, posts, purgeOutbox, webhookDeliveries } from '../../origin/db/schema/index.js';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { createWebhook } from '../../origin/outbox/webhooks.js';
import { unwrap } from '../../origin/http/result.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, SessionClient } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let author: SessionClient;
let publisher: SessionClient;
let outsider: SessionClient;
const url = (path: string) => `${origin.server.url}${path}`;
const write = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(url(path), {
    method,
    headers: { authorization: `Token ${origin.seed.keys.write}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const readPage = (slug: string) => fetch(url(`/v2/pages/*/${slug}/?auth_token=${origin.seed.keys.read}`));
const readPost = (slug: string) => fetch(url(`/v2/posts/${slug}/?auth_token=${origin.seed.keys.read}`));
const manage = async (path: string) => fetch(url(path), { headers: { authorization: `Token ${origin.seed.keys.write}` } });
const count = async (table: typeof purgeOutbox | typeof auditEvents) => (await origin.database.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
const auditRows = async (action: string, id: string) => origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, id)));

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
  const login = async (org: string, role: 'author' | 'publisher') => {
    const u = await createUser(origin, org, role);
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    return c;
  };
  author = await login(origin.seed.organizationId, 'author');
  publisher = await login(origin.seed.organizationId, 'publisher');
  const other = await createOrganization(origin, `unpublish-other-${process.pid}`);
  outsider = await login(other.organizationId, 'publisher');
});
afterAll(async () => origin?.stop());

describe('pages', () => {
  it('publish → read 200 → draft save keeps it live → unpublish → read 404, with purge, revision, audit row and webhook', async () => {
    unwrap(
      await createWebhook(
        origin.database.db,
        { spaceId: origin.seed.spaceId, url: 'https://hooks.example.com/butter', events: ['page.unpublished'], allowLoopback: false, lookup: async () => ['93.184.216.34'] },
        devEnvelope(),
      ),
    );
    expect((await write('POST', '/v2/pages/', { title: 'Live', slug: 'up-1', page_type: '*', status: 'published', fields: { body: 'one' } })).status).toBe(202);
    expect(((await (await readPage('up-1')).json()) as { data: { name: string } }).data.name).toBe('Live');
    // A draft over the published version: the live one stays.
    expect((await write('PATCH', '/v2/pages/*/up-1/', { title: 'Working', status: 'draft' })).status).toBe(202);
    expect(((await (await readPage('up-1')).json()) as { data: { name: string } }).data.name).toBe('Live');

    const [row] = await origin.database.db.select().from(pages).where(eq(pages.slug, 'up-1'));
    const purges = await count(purgeOutbox);
    const res = await publisher.request('POST', '/v2/manage/pages/*/up-1/unpublish', undefined, { 'x-ghee-space': origin.seed.spaceId, 'if-match': `"v${row!.version}"` });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(res.headers.get('etag')).toBe(`"v${row!.version + 1}"`);
    await expectErrorShape(await readPage('up-1'), 404, 'not_found');
    // The working copy stays, a draft; nothing is published.
    const m = (await (await manage('/v2/manage/pages/*/up-1/')).json()) as { data: { name: string; status: string; published: string | null; version: number } };
    expect(m.data).toMatchObject({ name: 'Working', status: 'draft', published: null, version: row!.version + 1 });
    const outbox = await origin.database.db.select().from(purgeOutbox).orderBy(desc(purgeOutbox.id)).limit(1);
    expect(await count(purgeOutbox)).toBe(purges + 1);
    expect(outbox[0]!.keys).toEqual(expect.arrayContaining([`page:${row!.id}`, `slug:${origin.seed.spaceId}:up-1`]));
    const revs = await origin.database.db.select().from(pageRevisions).where(eq(pageRevisions.pageId, row!.id)).orderBy(desc(pageRevisions.version));
    expect(revs[0]).toMatchObject({ version: row!.version + 1, status: 'draft' });
    const audit = await auditRows('page.unpublish', row!.id);
    expect(audit.length).toBe(1);
    const hooks = await origin.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.event, 'page.unpublished'));
    expect(hooks.length).toBe(1);
    // Publishing again brings it back (with the working copy).
    expect((await write('PATCH', '/v2/pages/*/up-1/', { status: 'published' })).status).toBe(202);
    expect(((await (await readPage('up-1')).json()) as { data: { name: string } }).data.name).toBe('Working');
  });

  it('an author is refused (403) and the page is unchanged; another organization gets 404; a stale If-Match 412', async () => {
    expect((await write('POST', '/v2/pages/', { title: 'Kept', slug: 'up-2', page_type: '*', status: 'published', fields: {} })).status).toBe(202);
    const before = await origin.database.db.select().from(pages).where(eq(pages.slug, 'up-2'));
    await expectErrorShape(await author.request('POST', '/v2/manage/pages/*/up-2/unpublish', undefined, { 'x-ghee-space': origin.seed.spaceId }), 403, 'forbidden');
    await expectErrorShape(await outsider.request('POST', '/v2/manage/pages/*/up-2/unpublish', undefined, { 'x-ghee-space': origin.seed.spaceId }), 404, 'not_found');
    await expectErrorShape(await fetch(url('/v2/manage/pages/*/up-2/unpublish'), { method: 'POST', headers: { authorization: `Token ${origin.seed.keys.read}` } }), 403, 'forbidden');
    await expectErrorShape(await write('POST', '/v2/manage/pages/*/up-2/unpublish', undefined, { 'if-match': `"v${before[0]!.version + 5}"` }), 412, 'precondition_failed');
    await expectErrorShape(await write('POST', '/v2/manage/pages/*/nope/unpublish'), 404, 'not_found');
    expect(await origin.database.db.select().from(pages).where(eq(pages.slug, 'up-2'))).toEqual(before);
    expect((await readPage('up-2')).status).toBe(200);
    expect(await auditRows('page.unpublish', before[0]!.id)).toEqual([]);
  });

  it('refuses (409) a page with nothing published, and a second unpublish', async () => {
    expect((await write('POST', '/v2/pages/', { title: 'Draft', slug: 'up-3', page_type: '*', fields: {} })).status).toBe(202);
    const v = (await origin.database.db.select({ v: pages.version }).from(pages).where(eq(pages.slug, 'up-3')))[0]!.v;
    await expectErrorShape(await write('POST', '/v2/manage/pages/*/up-3/unpublish'), 409, 'conflict');
    expect((await write('PATCH', '/v2/pages/*/up-3/', { status: 'published' })).status).toBe(202);
    expect((await write('POST', '/v2/manage/pages/*/up-3/unpublish')).status).toBe(202);
    await expectErrorShape(await write('POST', '/v2/manage/pages/*/up-3/unpublish'), 409, 'conflict');
    expect((await origin.database.db.select({ v: pages.version }).from(pages).where(eq(pages.slug, 'up-3')))[0]!.v).toBe(v + 2);
  });
});

describe('posts', () => {
  it('publish → read 200 → draft save keeps it live → unpublish → read 404, with purge and one audit row', async () => {
    expect((await write('POST', '/v2/posts/', { title: 'Live post', slug: 'pp-1', status: 'published' })).status).toBe(202);
    expect((await readPost('pp-1')).status).toBe(200);
    expect((await write('PATCH', '/v2/posts/pp-1/', { title: 'Working post', status: 'draft' })).status).toBe(202);
    expect(((await (await readPost('pp-1')).json()) as { data: { title: string } }).data.title).toBe('Live post');
    const [row] = await origin.database.db.select().from(posts).where(eq(posts.slug, 'pp-1'));
    const purges = await count(purgeOutbox);
    const res = await publisher.request('POST', '/v2/manage/posts/pp-1/unpublish', undefined, { 'x-ghee-space': origin.seed.spaceId, 'if-match': `"v${row!.version}"` });
    expect(res.status, await res.clone().text()).toBe(202);
    await expectErrorShape(await readPost('pp-1'), 404, 'not_found');
    const list = (await (await fetch(url(`/v2/posts/?auth_token=${origin.seed.keys.read}`))).json()) as { data: { slug: string }[] };
    expect(list.data.map((p) => p.slug)).not.toContain('pp-1');
    const m = (await (await manage('/v2/manage/posts/pp-1/')).json()) as { data: { title: string; status: string; published: string | null } };
    expect(m.data).toMatchObject({ title: 'Working post', status: 'draft', published: null });
    expect(await count(purgeOutbox)).toBe(purges + 1);
    const outbox = await origin.database.db.select().from(purgeOutbox).orderBy(desc(purgeOutbox.id)).limit(1);
    expect(outbox[0]!.keys.length).toBeGreaterThan(1);
    expect((await auditRows('post.unpublish', row!.id)).length).toBe(1);
  });

  it('author 403 (post unchanged), another organization 404, stale If-Match 412, nothing published 409', async () => {
    expect((await write('POST', '/v2/posts/', { title: 'Kept', slug: 'pp-2', status: 'published' })).status).toBe(202);
    const before = await origin.database.db.select().from(posts).where(eq(posts.slug, 'pp-2'));
    await expectErrorShape(await author.request('POST', '/v2/manage/posts/pp-2/unpublish', undefined, { 'x-ghee-space': origin.seed.spaceId }), 403, 'forbidden');
    await expectErrorShape(await outsider.request('POST', '/v2/manage/posts/pp-2/unpublish', undefined, { 'x-ghee-space': origin.seed.spaceId }), 404, 'not_found');
    await expectErrorShape(await write('POST', '/v2/manage/posts/pp-2/unpublish', undefined, { 'if-match': '"v99"' }), 412, 'precondition_failed');
    expect(await origin.database.db.select().from(posts).where(eq(posts.slug, 'pp-2'))).toEqual(before);
    expect((await readPost('pp-2')).status).toBe(200);
    expect((await write('POST', '/v2/posts/', { title: 'Draft', slug: 'pp-3' })).status).toBe(202);
    await expectErrorShape(await write('POST', '/v2/manage/posts/pp-3/unpublish'), 409, 'conflict');
  });
});
