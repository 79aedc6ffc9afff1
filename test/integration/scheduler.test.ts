import { desc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionItemRevisions, collectionItems, pageRevisions, pages, postRevisions, posts, purgeOutbox, webhookDeliveries } from '../../origin/db/schema/index.js';
import { Scheduler } from '../../origin/content/scheduler.js';
import { createLogger } from '../../origin/logger.js';
import { createWebhook } from '../../origin/outbox/webhooks.js';
import { unwrap } from '../../origin/http/result.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const write = (method: string, path: string, body?: unknown) =>
  fetch(`${origin.server.url}${path}`, { method, headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const read = (slug: string) => fetch(`${origin.server.url}/v2/pages/*/${slug}/?auth_token=${origin.seed.keys.read}`);

beforeAll(async () => {
  origin = await startTestOrigin();
});
afterAll(async () => origin?.stop());

describe('scheduled publishing', () => {
  it('publishes a scheduled page when it is due, with its purge and webhook', async () => {
    const hook = unwrap(await createWebhook(
      origin.database.db,
      { spaceId: origin.seed.spaceId, url: 'https://hooks.example.com/x', events: ['page.published'], allowLoopback: false, lookup: async () => ['93.184.216.34'] },
      origin.envelope,
    ));
    expect((await write('POST', '/v2/pages/', { title: 'Launch', slug: 'launch', page_type: '*', fields: { headline: 'Soon' } })).status).toBe(202);
    const when = new Date(Date.now() + 60_000);
    expect((await write('PATCH', '/v2/pages/*/launch/', { status: 'scheduled', scheduled: when.toISOString() })).status).toBe(202);
    await expectErrorShape(await read('launch'), 404, 'not_found');

    let now = new Date();
    const scheduler = new Scheduler({ db: origin.database.db, logger: createLogger('silent'), now: () => now });
    expect(await scheduler.runOnce()).toBe(0); // not due yet
    await expectErrorShape(await read('launch'), 404, 'not_found');

    const [row] = await origin.database.db.select().from(pages).where(eq(pages.slug, 'launch'));
    const purgesBefore = (await origin.database.db.select().from(purgeOutbox)).length;
    now = new Date(when.getTime() + 1000);
    expect(await scheduler.runOnce()).toBe(1);
    expect(await (await read('launch')).json()).toMatchObject({ data: { slug: 'launch', fields: { headline: 'Soon' } } });
    const [after] = await origin.database.db.select().from(pages).where(eq(pages.slug, 'launch'));
    expect(after).toMatchObject({ status: 'published', scheduledAt: null, version: row!.version + 1 });
    expect((await origin.database.db.select().from(purgeOutbox)).length).toBe(purgesBefore + 1);
    const events = await origin.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(events.map((e) => e.event)).toEqual(['page.published']);
    // Running again publishes nothing twice.
    expect(await scheduler.runOnce()).toBe(0);
  });

  it('a page edited back to draft before its time is not published', async () => {
    await write('POST', '/v2/pages/', { title: 'Maybe', slug: 'maybe', page_type: '*', fields: {} });
    const when = new Date(Date.now() + 60_000);
    await write('PATCH', '/v2/pages/*/maybe/', { status: 'scheduled', scheduled: when.toISOString() });
    await write('PATCH', '/v2/pages/*/maybe/', { status: 'draft' });
    const scheduler = new Scheduler({ db: origin.database.db, logger: createLogger('silent'), now: () => new Date(when.getTime() + 1000) });
    expect(await scheduler.runOnce()).toBe(0);
    await expectErrorShape(await read('maybe'), 404, 'not_found');
  });

  it('refuses a schedule in the past, without a time, or a time without the status', async () => {
    await expectErrorShape(await write('PATCH', '/v2/pages/*/maybe/', { status: 'scheduled', scheduled: '2001-01-01T00:00:00Z' }), 400, 'bad_request');
    await expectErrorShape(await write('PATCH', '/v2/pages/*/maybe/', { status: 'scheduled' }), 400, 'bad_request');
    await expectErrorShape(await write('PATCH', '/v2/pages/*/maybe/', { scheduled: new Date(Date.now() + 60_000).toISOString() }), 400, 'bad_request');
    await expectErrorShape(await write('PATCH', '/v2/pages/*/maybe/', { status: 'scheduled', scheduled: 'next tuesday' }), 400, 'bad_request');
  });
});

describe('scheduled collection items and posts', () => {
  let hookId: string;
  const db = () => origin.database.db;
  const scheduler = (now: Date) => new Scheduler({ db: db(), logger: createLogger('silent'), now: () => now });
  const newestItem = async () => (await db().select().from(collectionItems).orderBy(desc(collectionItems.itemId)).limit(1))[0]!;
  const post = async (slug: string) => (await db().select().from(posts).where(eq(posts.slug, slug)))[0]!;
  const events = async () => db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hookId)).orderBy(webhookDeliveries.createdAt);
  const purges = async () => db().select().from(purgeOutbox).orderBy(purgeOutbox.id);
  const item = (id: number) => fetch(`${origin.server.url}/v2/content/events/${id}/?auth_token=${origin.seed.keys.read}`);
  const postRead = (slug: string) => fetch(`${origin.server.url}/v2/posts/${slug}/?auth_token=${origin.seed.keys.read}`);
  const scheduleItem = async (title: string, when: Date) => {
    expect((await write('POST', '/v2/content/', { key: 'events', fields: [{ title }] })).status).toBe(202);
    const row = await newestItem();
    expect((await write('PATCH', `/v2/content/events/${row.itemId}/`, { status: 'scheduled', scheduled: when.toISOString() })).status).toBe(202);
    return row;
  };
  const schedulePost = async (slug: string, when: Date) => {
    expect((await write('POST', '/v2/posts/', { title: slug, slug, status: 'scheduled', scheduled: when.toISOString() })).status).toBe(202);
    return post(slug);
  };

  beforeAll(async () => {
    const res = await fetch(`${origin.server.url}/v2/manage/spaces/${origin.seed.spaceId}/collections/`, {
      method: 'POST',
      headers: { authorization: `Token ${origin.seed.keys.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'events', name: 'Events', fields: [{ name: 'title', type: 'short_text' }] }),
    });
    expect(res.status).toBe(201);
    hookId = (
      unwrap(await createWebhook(
        db(),
        { spaceId: origin.seed.spaceId, url: 'https://hooks.example.com/y', events: ['page.published', 'collectionitem.published', 'post.published'], allowLoopback: false, lookup: async () => ['93.184.216.34'] },
        origin.envelope,
      ))
    ).id;
  });

  it('publishes a scheduled item when it is due: one revision, one purge, one webhook — once', async () => {
    const when = new Date(Date.now() + 60_000);
    const row = await scheduleItem('Gig', when);
    await expectErrorShape(await item(row.itemId), 404, 'not_found');
    expect(await scheduler(new Date()).runOnce()).toBe(0);
    const before = { purges: (await purges()).length, events: (await events()).length };
    expect(await scheduler(new Date(when.getTime() + 1000)).runOnce()).toBe(1);
    expect(await (await item(row.itemId)).json()).toEqual({ data: { events: [{ meta: { id: row.itemId }, title: 'Gig' }] } });
    const [after] = await db().select().from(collectionItems).where(eq(collectionItems.id, row.id));
    expect(after).toMatchObject({ status: 'published', scheduledAt: null, version: row.version + 2 });
    const revisions = await db().select().from(collectionItemRevisions).where(eq(collectionItemRevisions.collectionItemId, row.id)).orderBy(collectionItemRevisions.version);
    expect(revisions.map((r) => [r.version, r.status, r.createdByKey === null])).toEqual([
      [1, 'draft', false],
      [2, 'scheduled', false],
      [3, 'published', true],
    ]);
    const queued = await purges();
    expect(queued.length).toBe(before.purges + 1);
    expect(queued.at(-1)!.keys).toEqual([`collection:${origin.seed.spaceId}:events`, `item:${row.id}`]);
    const sent = await events();
    expect(sent.slice(before.events).map((e) => [e.event, (e.payload as { data: { label: string } }).data.label])).toEqual([['collectionitem.published', 'Gig']]);
    expect(await scheduler(new Date(when.getTime() + 2000)).runOnce()).toBe(0);
    expect((await events()).length).toBe(before.events + 1);
  });

  it('publishes a scheduled post when it is due: one revision, one purge, one webhook — once', async () => {
    const when = new Date(Date.now() + 60_000);
    const row = await schedulePost('launch-post', when);
    await expectErrorShape(await postRead('launch-post'), 404, 'not_found');
    expect(await scheduler(new Date()).runOnce()).toBe(0);
    const before = { purges: (await purges()).length, events: (await events()).length };
    expect(await scheduler(new Date(when.getTime() + 1000)).runOnce()).toBe(1);
    expect(await (await postRead('launch-post')).json()).toMatchObject({ data: { slug: 'launch-post', title: 'launch-post', status: 'published' } });
    expect(await post('launch-post')).toMatchObject({ status: 'published', scheduledAt: null, version: row.version + 1 });
    const revisions = await db().select().from(postRevisions).where(eq(postRevisions.postId, row.id)).orderBy(postRevisions.version);
    expect(revisions.map((r) => [r.version, r.status, r.createdByKey === null])).toEqual([
      [1, 'scheduled', false],
      [2, 'published', true],
    ]);
    const queued = await purges();
    expect(queued.length).toBe(before.purges + 1);
    expect(queued.at(-1)!.keys).toEqual(expect.arrayContaining([`post:${row.id}`, `posts:${origin.seed.spaceId}`, `feeds:${origin.seed.spaceId}`]));
    const sent = await events();
    expect(sent.slice(before.events).map((e) => [e.event, e.payload])).toEqual([['post.published', expect.objectContaining({ data: { id: 'launch-post', _id: row.id } })]]);
    expect(await scheduler(new Date(when.getTime() + 2000)).runOnce()).toBe(0);
  });

  it('an item or post edited back to draft, or deleted, before its time is not published', async () => {
    const when = new Date(Date.now() + 60_000);
    const drafted = await scheduleItem('Maybe', when);
    await write('PATCH', `/v2/content/events/${drafted.itemId}/`, { status: 'draft' });
    const deleted = await scheduleItem('Gone', when);
    expect((await write('DELETE', `/v2/content/events/${deleted.itemId}/`)).status).toBe(204);
    await schedulePost('maybe-post', when);
    await write('PATCH', '/v2/posts/maybe-post/', { status: 'draft' });
    await schedulePost('gone-post', when);
    expect((await write('DELETE', '/v2/posts/gone-post/')).status).toBe(204);
    const events0 = (await events()).length;
    expect(await scheduler(new Date(when.getTime() + 1000)).runOnce()).toBe(0);
    await expectErrorShape(await item(drafted.itemId), 404, 'not_found');
    await expectErrorShape(await postRead('maybe-post'), 404, 'not_found');
    expect((await events()).length).toBe(events0);
  });

  it('two schedulers racing publish every due page, item and post exactly once', async () => {
    const when = new Date(Date.now() + 60_000);
    const items = [await scheduleItem('R1', when), await scheduleItem('R2', when), await scheduleItem('R3', when)];
    const postRows = [await schedulePost('race-1', when), await schedulePost('race-2', when), await schedulePost('race-3', when)];
    for (const slug of ['race-page-1', 'race-page-2']) {
      await write('POST', '/v2/pages/', { title: slug, slug, page_type: '*', fields: {} });
      expect((await write('PATCH', `/v2/pages/*/${slug}/`, { status: 'scheduled', scheduled: when.toISOString() })).status).toBe(202);
    }
    const pageRows = await db().select().from(pages).where(inArray(pages.slug, ['race-page-1', 'race-page-2']));
    const before = { purges: (await purges()).length, events: (await events()).length };
    const now = new Date(when.getTime() + 1000);
    const [a, b] = await Promise.all([scheduler(now).runOnce(), scheduler(now).runOnce()]);
    expect(a + b).toBe(8);
    const sent = (await events()).slice(before.events);
    expect(sent.map((e) => e.event).sort()).toEqual([...Array(3).fill('collectionitem.published'), ...Array(2).fill('page.published'), ...Array(3).fill('post.published')]);
    // One event per resource: no resource published by both schedulers.
    const subjects = sent.map((e) => (e.payload as { data: { id: string; itemid?: string } }).data).map((d) => `${d.id} ${d.itemid ?? ''}`);
    expect(new Set(subjects).size).toBe(8);
    expect((await purges()).length).toBe(before.purges + 8);
    const itemRevisions = await db().select().from(collectionItemRevisions).where(inArray(collectionItemRevisions.collectionItemId, items.map((i) => i.id)));
    expect(itemRevisions.filter((r) => r.status === 'published')).toHaveLength(3);
    const postRevs = await db().select().from(postRevisions).where(inArray(postRevisions.postId, postRows.map((p) => p.id)));
    expect(postRevs.filter((r) => r.status === 'published')).toHaveLength(3);
    const pageRevs = await db().select().from(pageRevisions).where(inArray(pageRevisions.pageId, pageRows.map((p) => p.id)));
    expect(pageRevs.filter((r) => r.status === 'published')).toHaveLength(2);
    for (const p of postRows) expect(await post(p.slug)).toMatchObject({ status: 'published', version: p.version + 1 });
    expect(await scheduler(new Date(now.getTime() + 1000)).runOnce()).toBe(0);
  });
});
