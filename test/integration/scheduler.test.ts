import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pages, purgeOutbox, webhookDeliveries } from '../../origin/db/schema/index.js';
import { Scheduler } from '../../origin/jobs/scheduler.js';
import { createLogger } from '../../origin/logger.js';
import { createWebhook } from '../../origin/services/webhooks.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const write = (method: string, path: string, body: unknown) =>
  fetch(`${origin.server.url}${path}`, { method, headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const read = (slug: string) => fetch(`${origin.server.url}/v2/pages/*/${slug}/?auth_token=${origin.seed.keys.read}`);

beforeAll(async () => {
  origin = await startTestOrigin();
});
afterAll(async () => origin?.stop());

describe('scheduled publishing', () => {
  it('publishes a scheduled page when it is due, with its purge and webhook', async () => {
    const hook = await createWebhook(
      origin.database.db,
      { spaceId: origin.seed.spaceId, url: 'https://hooks.example.com/x', events: ['page.published'], allowLoopback: false, lookup: async () => ['93.184.216.34'] },
      origin.envelope,
    );
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
