import { desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { collectionItemRevisions, collectionItems, locales, organizations, purgeOutbox, spaces, webhookDeliveries } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { createWebhook } from '../../origin/outbox/webhooks.js';
import { unwrap } from '../../origin/http/result.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let otherAdmin: string;
let otherSpaceId: string;
let otherWrite: string;
const api = (path: string) => `${origin.server.url}${path}`;
const call = (method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(api(path), {
    method,
    headers: { authorization: `Token ${key}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const admin = (method: string, path: string, body?: unknown) => call(method, `/v2/manage/spaces/${origin.seed.spaceId}/collections${path}`, origin.seed.keys.admin, body);
const write = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => call(method, path, origin.seed.keys.write, body, headers);
const read = (path: string, key = origin.seed.keys.read) => fetch(api(path), { headers: { authorization: `Token ${key}` } });
const json = async <T = Record<string, unknown>>(res: Response): Promise<T> => (await res.json()) as T;
const itemsOf = async (key: string) =>
  origin.database.db
    .select()
    .from(collectionItems)
    .where(sql`${collectionItems.collectionId} = (select id from collections where key = ${key} and space_id = ${origin.seed.spaceId})`)
    .orderBy(collectionItems.itemId);
const outboxCount = async () => (await origin.database.db.select({ n: sql<number>`count(*)::int` }).from(purgeOutbox))[0]!.n;
const etagOf = async (key: string, id: number) => (await write('GET', `/v2/manage/content/${key}/${id}/`)).headers.get('etag');

beforeAll(async () => {
  origin = await startTestOrigin();
  const db = origin.database.db;
  const [org] = await db.insert(organizations).values({ slug: 'other', name: 'Other' }).returning();
  const [space] = await db.insert(spaces).values({ organizationId: org!.id, slug: 'other', name: 'Other' }).returning();
  otherSpaceId = space!.id;
  otherAdmin = (await issueApiKey(db, { organizationId: org!.id, spaceId: null, kind: 'admin', name: 'other admin' })).token;
  otherWrite = (await issueApiKey(db, { organizationId: org!.id, spaceId: otherSpaceId, kind: 'write', name: 'other write' })).token;
  await db.insert(locales).values({ spaceId: origin.seed.spaceId, code: 'es', name: 'Spanish' });
});
afterAll(async () => origin?.stop());

describe('management', () => {
  it('creates, lists and reads collections with an admin key', async () => {
    const res = await admin('POST', '/', { key: 'genres', name: 'Genres', fields: [{ name: 'name', type: 'short_text' }] });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ data: { key: 'genres', name: 'Genres', fields: [{ name: 'name', type: 'short_text' }] } });
    const artists = await admin('POST', '/', {
      key: 'artists',
      name: 'Artists',
      fields: [
        { name: 'name', type: 'short_text' },
        { name: 'formed', type: 'number' },
        { name: 'active', type: 'checkbox' },
        { name: 'genre', type: 'reference', collection: 'genres' },
        { name: 'related', type: 'reference', collection: 'artists', many: true },
      ],
    });
    expect(artists.status).toBe(201);
    const list = await json<{ data: { key: string }[] }>(await admin('GET', '/'));
    expect(list.data.map((c) => c.key)).toEqual(['artists', 'genres']);
    expect(await json(await admin('GET', '/genres/'))).toMatchObject({ data: { key: 'genres' } });
    await expectErrorShape(await admin('GET', '/nope/'), 404, 'not_found');
  });

  it('refuses duplicates, bad definitions and unknown body fields', async () => {
    await expectErrorShape(await admin('POST', '/', { key: 'genres', name: 'x', fields: [] }), 400, 'bad_request');
    const bad = await expectErrorShape(await admin('POST', '/', { key: 'Bad Key', name: 'x', fields: [{ name: 'a', type: 'colour' }], owner: 1 }), 400, 'bad_request');
    expect(String(bad.detail)).toMatch(/key/);
    expect(String(bad.detail)).toMatch(/fields\.0\.type/);
    expect(String(bad.detail)).toMatch(/owner/);
    const ref = await expectErrorShape(await admin('POST', '/', { key: 'x', name: 'x', fields: [{ name: 'r', type: 'reference', collection: 'missing' }] }), 400, 'bad_request');
    expect(String(ref.detail)).toContain('missing');
    await expectErrorShape(await admin('POST', '/', { key: 'x', name: 'x', fields: [{ name: 'a', type: 'number' }, { name: 'a', type: 'number' }] }), 400, 'bad_request');
  });

  it('other organizations get 404, space keys 403, no key 401', async () => {
    for (const path of ['/', '/genres/']) {
      await expectErrorShape(await call('GET', `/v2/manage/spaces/${origin.seed.spaceId}/collections${path}`, otherAdmin), 404, 'not_found');
    }
    await expectErrorShape(await call('POST', `/v2/manage/spaces/${origin.seed.spaceId}/collections/`, otherAdmin, { key: 'z', name: 'z', fields: [] }), 404, 'not_found');
    await expectErrorShape(await call('PUT', `/v2/manage/spaces/${origin.seed.spaceId}/collections/genres/`, otherAdmin, { name: 'z' }), 404, 'not_found');
    await expectErrorShape(await call('GET', `/v2/manage/spaces/${otherSpaceId}/collections/`, origin.seed.keys.admin), 404, 'not_found');
    // Space keys that may preview content may read the schemas their writes must follow; never change them.
    await expectErrorShape(await call('GET', `/v2/manage/spaces/${origin.seed.spaceId}/collections/`, origin.seed.keys.read), 403, 'forbidden');
    for (const key of [origin.seed.keys.preview, origin.seed.keys.write]) {
      expect((await call('GET', `/v2/manage/spaces/${origin.seed.spaceId}/collections/`, key)).status).toBe(200);
      await expectErrorShape(await call('POST', `/v2/manage/spaces/${origin.seed.spaceId}/collections/`, key, { key: 'z', name: 'z', fields: [] }), 403, 'forbidden');
    }
    await expectErrorShape(await fetch(api(`/v2/manage/spaces/${origin.seed.spaceId}/collections/`)), 401, 'unauthenticated');
  });
});

describe('writes', () => {
  it('creates items (202 after commit) with a purge and a webhook event in the same transaction', async () => {
    const hook = unwrap(await createWebhook(
      origin.database.db,
      { spaceId: origin.seed.spaceId, url: 'https://hooks.example.com/butter', events: ['collectionitem.all'], allowLoopback: false, lookup: async () => ['93.184.216.34'] },
      devEnvelope(),
    ));
    const before = await outboxCount();
    const res = await write('POST', '/v2/content/', { key: 'genres', status: 'published', fields: [{ name: 'Rock' }, { name: 'Jazz' }] });
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ status: 'pending' });
    const rows = await itemsOf('genres');
    expect(rows.map((r) => [r.status, r.version, r.fields])).toEqual([
      ['published', 1, { name: 'Rock' }],
      ['published', 1, { name: 'Jazz' }],
    ]);
    expect(rows[0]!.published).toEqual({ meta: { id: rows[0]!.itemId }, name: 'Rock' });
    const outbox = await origin.database.db.select().from(purgeOutbox).orderBy(desc(purgeOutbox.id)).limit(2);
    expect(await outboxCount()).toBe(before + 2);
    expect(outbox.map((o) => o.keys).flat()).toEqual(expect.arrayContaining([`collection:${origin.seed.spaceId}:genres`, `item:${rows[0]!.id}`, `item:${rows[1]!.id}`]));
    const deliveries = await origin.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(deliveries.map((d) => d.event)).toEqual(['collectionitem.published', 'collectionitem.published']);
    expect(deliveries[0]!.payload).toMatchObject({
      data: { id: 'genres', itemid: `/v2/content/?keys=genres[_id=${rows[0]!.itemId}]`, label: 'Rock', editor: 'API', locale: 'en', status: 'published' },
      webhook: { event: 'collectionitem.published', target: 'https://hooks.example.com/butter' },
    });
  });

  it('refused writes change and queue nothing', async () => {
    const outbox = await outboxCount();
    const deliveries = (await origin.database.db.select({ n: sql<number>`count(*)::int` }).from(webhookDeliveries))[0]!.n;
    const items = (await itemsOf('genres')).length;
    const unknown = await expectErrorShape(await write('POST', '/v2/content/', { key: 'genres', fields: [{ name: 'Pop', colour: 'red' }] }), 400, 'bad_request');
    expect(String(unknown.detail)).toContain('colour');
    const typed = await expectErrorShape(await write('POST', '/v2/content/', { key: 'artists', fields: [{ name: 'A', formed: 'nineteen' }] }), 400, 'bad_request');
    expect(String(typed.detail)).toContain('fields.formed');
    const ref = await expectErrorShape(await write('POST', '/v2/content/', { key: 'artists', fields: [{ name: 'A', genre: 999999 }] }), 400, 'bad_request');
    expect(String(ref.detail)).toContain('999999');
    // All or nothing: the second item is bad, so the first is not created either.
    await expectErrorShape(await write('POST', '/v2/content/', { key: 'genres', fields: [{ name: 'Ok' }, { name: 5 }] }), 400, 'bad_request');
    const body = await expectErrorShape(await write('POST', '/v2/content/', { key: 'genres', fields: [{ name: 'x' }], owner: 'me' }), 400, 'bad_request');
    expect(String(body.detail)).toContain('owner');
    await expectErrorShape(await write('POST', '/v2/content/', { key: 'genres', status: 'live', fields: [{}] }), 400, 'bad_request');
    await expectErrorShape(await write('POST', '/v2/content/', { key: 'nope', fields: [{}] }), 404, 'not_found');
    await expectErrorShape(await write('POST', '/v2/content/', '{not json'), 400, 'bad_request');
    await expectErrorShape(await write('POST', '/v2/content/', { key: 'genres', fields: [{ name: 'x'.repeat(1_100_000) }] }), 413, 'payload_too_large');
    await expectErrorShape(await fetch(api('/v2/content/'), { method: 'POST', headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'text/plain' }, body: '{}' }), 415, 'unsupported_media_type');
    for (const key of [origin.seed.keys.read, origin.seed.keys.preview, origin.seed.keys.admin]) {
      await expectErrorShape(await call('POST', '/v2/content/', key, { key: 'genres', fields: [{ name: 'x' }] }), 403, 'forbidden');
    }
    expect(await outboxCount()).toBe(outbox);
    expect((await origin.database.db.select({ n: sql<number>`count(*)::int` }).from(webhookDeliveries))[0]!.n).toBe(deliveries);
    expect((await itemsOf('genres')).length).toBe(items);
  });

  it('PATCH merges, PUT replaces, status publishes and unpublishes, each save bumps the version', async () => {
    const [rock] = await itemsOf('genres');
    expect((await write('POST', '/v2/content/', { key: 'artists', status: 'published', fields: [{ name: 'Beatles', formed: 1960, active: false, genre: rock!.itemId }] })).status).toBe(202);
    const [beatles] = await itemsOf('artists');
    const id = beatles!.itemId;
    expect((await write('PATCH', `/v2/content/artists/${id}/`, { fields: { active: true } })).status).toBe(202);
    let [row] = await itemsOf('artists');
    expect(row).toMatchObject({ version: 2, status: 'published', fields: { name: 'Beatles', formed: 1960, active: true, genre: rock!.itemId, related: null } });
    expect(row!.published).toMatchObject({ active: true });
    expect((await write('PATCH', `/v2/content/artists/${id}/`, { status: 'draft' })).status).toBe(202);
    [row] = await itemsOf('artists');
    expect(row).toMatchObject({ version: 3, status: 'draft', published: null });
    expect((await write('PUT', `/v2/content/artists/${id}/`, { status: 'published', fields: [{ name: 'The Beatles', formed: 1960, genre: rock!.itemId }] })).status).toBe(202);
    [row] = await itemsOf('artists');
    expect(row).toMatchObject({ version: 4, status: 'published', fields: { name: 'The Beatles', formed: 1960, active: null, genre: rock!.itemId, related: null } });
    await expectErrorShape(await write('PATCH', `/v2/content/artists/${id}/`, { fields: { nope: 1 } }), 400, 'bad_request');
    await expectErrorShape(await write('PATCH', `/v2/content/artists/${id}/`, { fields: {}, key: 'genres' }), 400, 'bad_request');
    await expectErrorShape(await write('PATCH', '/v2/content/artists/999999/', { fields: {} }), 404, 'not_found');
    await expectErrorShape(await write('PATCH', '/v2/content/artists/abc/', { fields: {} }), 404, 'not_found');
    await expectErrorShape(await call('PATCH', `/v2/content/artists/${id}/`, origin.seed.keys.read, { fields: {} }), 403, 'forbidden');
    expect((await itemsOf('artists'))[0]!.version).toBe(4);
  });

  it('If-Match: the current ETag wins, a stale one gets 412 and changes nothing', async () => {
    const [beatles] = await itemsOf('artists');
    const id = beatles!.itemId;
    const etag = await etagOf('artists', id);
    expect(etag).toBe('"v4"');
    const ok = await write('PATCH', `/v2/content/artists/${id}/`, { fields: { formed: 1961 } }, { 'if-match': etag! });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('etag')).toBe('"v5"');
    const outbox = await outboxCount();
    await expectErrorShape(await write('PATCH', `/v2/content/artists/${id}/`, { fields: { formed: 1962 } }, { 'if-match': etag! }), 412, 'precondition_failed');
    await expectErrorShape(await write('DELETE', `/v2/content/artists/${id}/`, undefined, { 'if-match': etag! }), 412, 'precondition_failed');
    await expectErrorShape(await write('PATCH', `/v2/content/artists/${id}/`, { fields: {} }, { 'if-match': 'v5' }), 400, 'bad_request');
    expect(await outboxCount()).toBe(outbox);
    expect((await itemsOf('artists'))[0]).toMatchObject({ version: 5, fields: { formed: 1961 } });
  });

  it('concurrent PATCHes with the same If-Match: exactly one wins', async () => {
    const id = (await itemsOf('artists'))[0]!.itemId;
    const etag = (await etagOf('artists', id))!;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => write('PATCH', `/v2/content/artists/${id}/`, { fields: { formed: 2000 + i } }, { 'if-match': etag })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
  });

  it('soft-deletes: reads 404, a second delete 404, purge and delete event queued', async () => {
    expect((await write('POST', '/v2/content/', { key: 'genres', status: 'published', fields: [{ name: 'Polka' }] })).status).toBe(202);
    const polka = (await itemsOf('genres')).find((r) => (r.fields as { name: string }).name === 'Polka')!;
    expect((await read(`/v2/content/genres/${polka.itemId}/`)).status).toBe(200);
    const before = await outboxCount();
    expect((await write('DELETE', `/v2/content/genres/${polka.itemId}/`)).status).toBe(204);
    expect(await outboxCount()).toBe(before + 1);
    const [last] = await origin.database.db.select().from(purgeOutbox).orderBy(desc(purgeOutbox.id)).limit(1);
    expect(last!.keys).toEqual([`collection:${origin.seed.spaceId}:genres`, `item:${polka.id}`]);
    const [event] = await origin.database.db.select().from(webhookDeliveries).orderBy(desc(webhookDeliveries.createdAt)).limit(1);
    expect(event).toMatchObject({ event: 'collectionitem.delete', payload: { data: { id: 'genres', status: 'deleted', label: 'Polka' } } });
    await expectErrorShape(await read(`/v2/content/genres/${polka.itemId}/`), 404, 'not_found');
    await expectErrorShape(await write('DELETE', `/v2/content/genres/${polka.itemId}/`), 404, 'not_found');
    const row = (await itemsOf('genres')).find((r) => r.id === polka.id)!;
    expect(row.deletedAt).not.toBeNull();
    await expectErrorShape(await call('DELETE', `/v2/content/genres/${polka.itemId}/`, origin.seed.keys.read), 403, 'forbidden');
  });
});

describe('reads', () => {
  let rockId: number;
  let jazzId: number;
  let beatlesId: number;
  beforeAll(async () => {
    const genres = await itemsOf('genres');
    rockId = genres[0]!.itemId;
    jazzId = genres[1]!.itemId;
    beatlesId = (await itemsOf('artists'))[0]!.itemId;
    await write('PUT', `/v2/content/artists/${beatlesId}/`, { status: 'published', fields: { name: 'Beatles', formed: 1960, active: false, genre: rockId } });
    await write('POST', '/v2/content/', {
      key: 'artists',
      status: 'published',
      fields: [
        { name: 'Stones', formed: 1962, active: true, genre: rockId, related: [beatlesId] },
        { name: 'Coltrane', formed: 1955, active: false, genre: jazzId },
      ],
    });
    await write('POST', '/v2/content/', { key: 'artists', status: 'draft', fields: [{ name: 'Secret', formed: 2030 }] });
  });

  it('GET /v2/content/{key}/ has the exact ButterCMS shape, references expanded (levels=2 default)', async () => {
    const res = await read('/v2/content/genres/');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      meta: { count: 2, next_page: null, previous_page: null },
      data: {
        genres: [
          { meta: { id: rockId }, name: 'Rock' },
          { meta: { id: jazzId }, name: 'Jazz' },
        ],
      },
    });
    const artists = await json<{ data: { artists: Record<string, unknown>[] } }>(await read('/v2/content/artists/'));
    expect(artists.data.artists.map((a) => a.name)).toEqual(['Beatles', 'Stones', 'Coltrane']);
    expect(artists.data.artists[1]).toEqual({
      meta: { id: artists.data.artists[1]!.meta && (artists.data.artists[1]!.meta as { id: number }).id },
      name: 'Stones',
      formed: 1962,
      active: true,
      genre: { meta: { id: rockId }, name: 'Rock' },
      related: [{ meta: { id: beatlesId }, name: 'Beatles', formed: 1960, active: false, genre: `/v2/content/?keys=genres[_id=${rockId}]`, related: null }],
    });
  });

  it('sends surrogate keys for the space, the collection, each item and each referenced item', async () => {
    const res = await read('/v2/content/artists/?levels=2');
    const keys = (res.headers.get('surrogate-key') ?? '').split(' ');
    const rows = await itemsOf('artists');
    const rock = (await itemsOf('genres'))[0]!;
    expect(keys).toEqual(expect.arrayContaining([`space:${origin.seed.spaceId}`, `collection:${origin.seed.spaceId}:artists`, `item:${rock.id}`, ...rows.filter((r) => r.published).map((r) => `item:${r.id}`)]));
    expect(keys).not.toContain(`item:${rows.find((r) => !r.published)!.id}`);
    expect(res.headers.get('surrogate-control')).toMatch(/max-age=\d+/);
    expect(res.headers.get('cache-control')).toBe('max-age=60');
  });

  it('levels=1 leaves references as API paths; levels outside 1–5 are 400', async () => {
    const body = await json<{ data: { artists: Record<string, unknown>[] } }>(await read('/v2/content/artists/?levels=1'));
    expect(body.data.artists[0]!.genre).toBe(`/v2/content/?keys=genres[_id=${rockId}]`);
    for (const bad of ['0', '6', 'x', '-1']) await expectErrorShape(await read(`/v2/content/artists/?levels=${bad}`), 400, 'bad_request');
  });

  it('paginates with page/page_size (≤ 100) and meta', async () => {
    const p1 = await json(await read('/v2/content/artists/?page_size=2'));
    expect(p1.meta).toEqual({ count: 3, next_page: 2, previous_page: null });
    const p2 = await json<{ meta: unknown; data: { artists: unknown[] } }>(await read('/v2/content/artists/?page_size=2&page=2'));
    expect(p2.meta).toEqual({ count: 3, next_page: null, previous_page: 1 });
    expect(p2.data.artists).toHaveLength(1);
    const p9 = await json<{ meta: unknown; data: { artists: unknown[] } }>(await read('/v2/content/artists/?page_size=2&page=9'));
    expect(p9).toEqual({ meta: { count: 3, next_page: null, previous_page: 8 }, data: { artists: [] } });
    expect((await read('/v2/content/artists/?page_size=100')).status).toBe(200);
    for (const q of ['page_size=101', 'page_size=0', 'page=0', 'page=abc', 'page_size=1.5']) await expectErrorShape(await read(`/v2/content/artists/?${q}`), 400, 'bad_request');
  });

  it('filters with fields.<name>= and orders by fields or dates', async () => {
    const f = await json<{ meta: { count: number }; data: { artists: { name: string }[] } }>(await read(`/v2/content/artists/?fields.genre=${rockId}`));
    expect(f.data.artists.map((a) => a.name)).toEqual(['Beatles', 'Stones']);
    expect(f.meta.count).toBe(2);
    const b = await json<{ data: { artists: { name: string }[] } }>(await read('/v2/content/artists/?fields.active=true&fields.name=Stones'));
    expect(b.data.artists.map((a) => a.name)).toEqual(['Stones']);
    const many = await json<{ data: { artists: { name: string }[] } }>(await read(`/v2/content/artists/?fields.related=${beatlesId}`));
    expect(many.data.artists.map((a) => a.name)).toEqual(['Stones']);
    const o = await json<{ data: { artists: { name: string }[] } }>(await read('/v2/content/artists/?order=-formed'));
    expect(o.data.artists.map((a) => a.name)).toEqual(['Stones', 'Beatles', 'Coltrane']);
    const o2 = await json<{ data: { artists: { name: string }[] } }>(await read('/v2/content/artists/?order=formed'));
    expect(o2.data.artists.map((a) => a.name)).toEqual(['Coltrane', 'Beatles', 'Stones']);
    expect((await read('/v2/content/artists/?order=-updated')).status).toBe(200);
    await expectErrorShape(await read('/v2/content/artists/?order=colour'), 400, 'bad_request');
    await expectErrorShape(await read('/v2/content/artists/?fields.colour=red'), 400, 'bad_request');
  });

  it('locale: invalid or unknown → 400; items are per locale', async () => {
    await expectErrorShape(await read('/v2/content/artists/?locale=EN_us!'), 400, 'bad_request');
    await expectErrorShape(await read('/v2/content/artists/?locale=fr'), 400, 'bad_request');
    expect(await json(await read('/v2/content/artists/?locale=es'))).toEqual({ meta: { count: 0, next_page: null, previous_page: null }, data: { artists: [] } });
    expect((await write('POST', '/v2/content/', { key: 'genres', status: 'published', fields: [{ en: { name: 'Folk' }, es: { name: 'Folclore' } }] })).status).toBe(202);
    const es = await json<{ data: { genres: { name: string }[] } }>(await read('/v2/content/genres/?locale=es'));
    expect(es.data.genres.map((g) => g.name)).toEqual(['Folclore']);
    const en = await json<{ data: { genres: { name: string }[] } }>(await read('/v2/content/genres/?locale=en'));
    expect(en.data.genres.map((g) => g.name)).toEqual(['Rock', 'Jazz', 'Folk']);
  });

  it('preview: drafts only with preview=1, which a read key may not use', async () => {
    const pub = await json<{ data: { artists: { name: string }[] } }>(await read('/v2/content/artists/', origin.seed.keys.preview));
    expect(pub.data.artists.map((a) => a.name)).not.toContain('Secret');
    for (const key of [origin.seed.keys.preview, origin.seed.keys.write]) {
      const pre = await json<{ data: { artists: { name: string }[] } }>(await read('/v2/content/artists/?preview=1', key));
      expect(pre.data.artists.map((a) => a.name)).toContain('Secret');
    }
    await expectErrorShape(await read('/v2/content/artists/?preview=1'), 403, 'forbidden');
    await expectErrorShape(await read('/v2/content/?keys=artists,genres&test=1'), 403, 'forbidden');
    const secret = (await itemsOf('artists')).find((r) => r.status === 'draft')!;
    await expectErrorShape(await read(`/v2/content/artists/${secret.itemId}/`), 404, 'not_found');
    expect((await read(`/v2/content/artists/${secret.itemId}/?preview=1`, origin.seed.keys.preview)).status).toBe(200);
    await expectErrorShape(await read('/v2/content/artists/', origin.seed.keys.admin), 403, 'forbidden');
    await expectErrorShape(await fetch(api('/v2/content/artists/')), 401, 'unauthenticated');
  });

  it('item detail: { data: { <key>: [item] } }, 404 for unknown ids and keys', async () => {
    const res = await read(`/v2/content/genres/${rockId}/`);
    expect(await res.json()).toEqual({ data: { genres: [{ meta: { id: rockId }, name: 'Rock' }] } });
    expect(res.headers.get('surrogate-key')).toContain(`collection:${origin.seed.spaceId}:genres`);
    await expectErrorShape(await read('/v2/content/genres/99999999/'), 404, 'not_found');
    await expectErrorShape(await read(`/v2/content/artists/${rockId}/`), 404, 'not_found');
    const missing = await read('/v2/content/nothing/');
    expect(missing.headers.get('surrogate-key')).toContain(`collection:${origin.seed.spaceId}:nothing`);
    await expectErrorShape(missing, 404, 'not_found');
  });

  it('legacy ?keys=a,b: several collections, no meta, unknown keys left out (404 when none exist)', async () => {
    const res = await read('/v2/content/?keys=genres,artists,nothing');
    const body = await json<{ data: Record<string, unknown[]>; meta?: unknown }>(res);
    expect(Object.keys(body)).toEqual(['data']);
    expect(Object.keys(body.data).sort()).toEqual(['artists', 'genres']);
    expect(body.data.genres).toHaveLength(3);
    expect(res.headers.get('surrogate-key')).toContain(`collection:${origin.seed.spaceId}:nothing`);
    const sdk = await json<{ data: Record<string, unknown[]> }>(await read('/v2/content/genres,artists/'));
    expect(Object.keys(sdk.data).sort()).toEqual(['artists', 'genres']);
    const single = await json(await read('/v2/content/?keys=genres&page_size=1'));
    expect(single).toMatchObject({ meta: { count: 3, next_page: 2, previous_page: null }, data: { genres: [{ name: 'Rock' }] } });
    await expectErrorShape(await read('/v2/content/?keys=nothing,nada'), 404, 'not_found');
    await expectErrorShape(await read('/v2/content/'), 400, 'bad_request');
    await expectErrorShape(await read('/v2/content/?keys=BAD KEY,x'), 400, 'bad_request');
  });
});

describe('changing a collection', () => {
  it('adds a field (published forms re-rendered with null) and refuses a change existing items fail, naming item and field', async () => {
    const [rock] = await itemsOf('genres');
    const ok = await admin('PUT', '/genres/', { fields: [{ name: 'name', type: 'short_text' }, { name: 'rank', type: 'number' }] });
    expect(ok.status).toBe(200);
    const detail = await json<{ data: { genres: Record<string, unknown>[] } }>(await read(`/v2/content/genres/${rock!.itemId}/`));
    expect(detail.data.genres[0]).toEqual({ meta: { id: rock!.itemId }, name: 'Rock', rank: null });
    const outbox = await outboxCount();
    const bad = await expectErrorShape(await admin('PUT', '/genres/', { fields: [{ name: 'name', type: 'number' }] }), 400, 'bad_request');
    expect(String(bad.detail)).toContain(`Item ${rock!.itemId}`);
    expect(String(bad.detail)).toContain('fields.name');
    const dropped = await expectErrorShape(await admin('PUT', '/genres/', { fields: [{ name: 'title', type: 'short_text' }] }), 400, 'bad_request');
    expect(String(dropped.detail)).toContain('fields.name');
    expect(await outboxCount()).toBe(outbox);
    expect(await json(await admin('GET', '/genres/'))).toMatchObject({ data: { fields: [{ name: 'name' }, { name: 'rank' }] } });
    // Removing a field no item uses is fine.
    expect((await admin('PUT', '/genres/', { name: 'Music genres', fields: [{ name: 'name', type: 'short_text' }] })).status).toBe(200);
    const queued = await origin.database.db.select().from(purgeOutbox).orderBy(desc(purgeOutbox.id)).limit(2);
    expect(await outboxCount()).toBe(outbox + 2);
    expect(queued.map((q) => q.keys).flat()).toEqual(expect.arrayContaining([`collection:${origin.seed.spaceId}:genres`, `item:${rock!.id}`]));
    await expectErrorShape(await admin('PUT', '/genres/', {}), 400, 'bad_request');
    await expectErrorShape(await admin('PUT', '/nope/', { name: 'x' }), 404, 'not_found');
  });
});

describe('revisions: history, rollback and restore', () => {
  let songId: number;
  const manage = (path: string, init: { method?: string; body?: unknown; key?: string; headers?: Record<string, string> } = {}) =>
    call(init.method ?? 'GET', `/v2/manage/content/songs/${path}`, init.key ?? origin.seed.keys.write, init.body, init.headers);
  const revisionsOf = async (uuid: string) =>
    origin.database.db.select().from(collectionItemRevisions).where(eq(collectionItemRevisions.collectionItemId, uuid)).orderBy(collectionItemRevisions.version);
  const song = async () => (await itemsOf('songs')).find((r) => r.itemId === songId)!;

  beforeAll(async () => {
    const created = await admin('POST', '/', {
      key: 'songs',
      name: 'Songs',
      fields: [
        { name: 'title', type: 'short_text' },
        { name: 'length', type: 'number' },
        { name: 'notes', type: 'json' },
      ],
    });
    expect(created.status).toBe(201);
  });

  it('writes one revision per save and lists them newest first', async () => {
    expect((await write('POST', '/v2/content/', { key: 'songs', status: 'published', fields: [{ title: 'One', length: 100 }] })).status).toBe(202);
    songId = (await itemsOf('songs'))[0]!.itemId;
    expect((await write('PATCH', `/v2/content/songs/${songId}/`, { fields: { length: 200, notes: { take: [1, 2] } } })).status).toBe(202);
    expect((await write('PUT', `/v2/content/songs/${songId}/`, { status: 'draft', fields: { title: 'One (demo)' } })).status).toBe(202);
    const res = await manage(`${songId}/revisions/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const history = await json<{ data: { version: number; label: string; status: string; created: string }[] }>(res);
    expect(history.data.map((r) => [r.version, r.status, r.label])).toEqual([
      [3, 'draft', 'One (demo)'],
      [2, 'published', 'One'],
      [1, 'published', 'One'],
    ]);
    expect(Number.isNaN(Date.parse(history.data[0]!.created))).toBe(false);
    const rows = await revisionsOf((await song()).id);
    expect(rows.map((r) => r.fields)).toEqual([
      { title: 'One', length: 100, notes: null },
      { title: 'One', length: 200, notes: { take: [1, 2] } },
      { title: 'One (demo)', length: null, notes: null },
    ]);
    // The revision names the key that saved.
    expect(rows.every((r) => r.createdByKey !== null)).toBe(true);
  });

  it('rolls back to any revision as a new save: fields restored exactly, published again, purged and webhooked', async () => {
    const outbox = await outboxCount();
    const res = await manage(`${songId}/rollback/`, { method: 'POST', body: { version: 2 } });
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ status: 'pending' });
    expect(res.headers.get('etag')).toBe('"v4"');
    const row = await song();
    const rows = await revisionsOf(row.id);
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);
    expect(row).toMatchObject({ version: 4, status: 'published', fields: rows[1]!.fields });
    expect(rows[3]).toMatchObject({ status: 'published', fields: rows[1]!.fields });
    expect(await json(await read(`/v2/content/songs/${songId}/`))).toEqual({ data: { songs: [{ meta: { id: songId }, title: 'One', length: 200, notes: { take: [1, 2] } }] } });
    expect(await outboxCount()).toBe(outbox + 1);
    const [last] = await origin.database.db.select().from(purgeOutbox).orderBy(desc(purgeOutbox.id)).limit(1);
    expect(last!.keys).toEqual([`collection:${origin.seed.spaceId}:songs`, `item:${row.id}`]);
    const [event] = await origin.database.db.select().from(webhookDeliveries).orderBy(desc(webhookDeliveries.createdAt)).limit(1);
    expect(event).toMatchObject({ event: 'collectionitem.published', payload: { data: { id: 'songs', label: 'One', status: 'published' } } });
    // An explicit status wins over the revision's; replaced, not merged (v1 had no notes).
    expect((await manage(`${songId}/rollback/`, { method: 'POST', body: { version: 1, status: 'draft' } })).status).toBe(202);
    expect(await song()).toMatchObject({ version: 5, status: 'draft', published: null, fields: { title: 'One', length: 100, notes: null } });
    await expectErrorShape(await read(`/v2/content/songs/${songId}/`), 404, 'not_found');
  });

  it('refuses unknown revisions (404), bad bodies (400), stale If-Match (412) and changes nothing', async () => {
    const before = (await revisionsOf((await song()).id)).length;
    const outbox = await outboxCount();
    await expectErrorShape(await manage(`${songId}/rollback/`, { method: 'POST', body: { version: 99 } }), 404, 'not_found', 'Revision 99 not found.');
    await expectErrorShape(await manage('99999999/rollback/', { method: 'POST', body: { version: 1 } }), 404, 'not_found');
    await expectErrorShape(await manage('99999999/revisions/'), 404, 'not_found');
    await expectErrorShape(await manage('abc/revisions/'), 404, 'not_found');
    await expectErrorShape(await call('GET', `/v2/manage/content/nope/${songId}/revisions/`, origin.seed.keys.write), 404, 'not_found');
    for (const body of [{ version: 0 }, { version: 1.5 }, { version: '1' }, {}, { version: 1, status: 'scheduled' }]) {
      await expectErrorShape(await manage(`${songId}/rollback/`, { method: 'POST', body }), 400, 'bad_request');
    }
    const unknown = await expectErrorShape(await manage(`${songId}/rollback/`, { method: 'POST', body: { version: 1, fields: {} } }), 400, 'bad_request');
    expect(String(unknown.detail)).toContain('unknown field(s) fields');
    await expectErrorShape(await manage(`${songId}/rollback/`, { method: 'POST', body: '{nope' }), 400, 'bad_request');
    await expectErrorShape(await manage(`${songId}/rollback/`, { method: 'POST', body: { version: 1 }, headers: { 'if-match': '"v1"' } }), 412, 'precondition_failed');
    await expectErrorShape(await manage(`${songId}/rollback/`, { method: 'POST', body: { version: 1 }, headers: { 'if-match': 'v5' } }), 400, 'bad_request');
    expect((await revisionsOf((await song()).id)).length).toBe(before);
    expect(await outboxCount()).toBe(outbox);
    const etag = await etagOf('songs', songId);
    expect(etag).toBe('"v5"');
    const ok = await manage(`${songId}/rollback/`, { method: 'POST', body: { version: 2 }, headers: { 'if-match': etag! } });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('etag')).toBe('"v6"');
  });

  it('refuses a revision that no longer fits the collection', async () => {
    expect((await admin('PUT', '/songs/', { fields: [{ name: 'title', type: 'short_text' }, { name: 'length', type: 'number' }, { name: 'notes', type: 'json' }, { name: 'rank', type: 'number' }] })).status).toBe(200);
    expect((await write('PATCH', `/v2/content/songs/${songId}/`, { fields: { notes: null, rank: 1 } })).status).toBe(202);
    // Dropping `notes` is allowed now (no live item uses it), but revision 2 has notes.
    expect((await admin('PUT', '/songs/', { fields: [{ name: 'title', type: 'short_text' }, { name: 'length', type: 'number' }, { name: 'rank', type: 'number' }] })).status).toBe(200);
    const bad = await expectErrorShape(await manage(`${songId}/rollback/`, { method: 'POST', body: { version: 2 } }), 400, 'bad_request');
    expect(String(bad.detail)).toContain('revision 2 no longer fits the collection');
    expect(String(bad.detail)).toContain('fields.notes');
    // Revision 1 (notes null) still applies; rank becomes null, as it was unset then.
    expect((await manage(`${songId}/rollback/`, { method: 'POST', body: { version: 1 } })).status).toBe(202);
    expect((await song()).fields).toEqual({ title: 'One', length: 100, rank: null });
  });

  it('delete and restore are revisions too; restore brings the published item back with its purge and webhook', async () => {
    expect((await write('PATCH', `/v2/content/songs/${songId}/`, { status: 'published' })).status).toBe(202);
    const { id, version } = await song();
    expect((await write('DELETE', `/v2/content/songs/${songId}/`)).status).toBe(204);
    await expectErrorShape(await read(`/v2/content/songs/${songId}/`), 404, 'not_found');
    let rows = await revisionsOf(id);
    expect(rows.at(-1)).toMatchObject({ version: version + 1, status: 'deleted', fields: { title: 'One', length: 100, rank: null } });
    await expectErrorShape(await manage(`${songId}/revisions/`), 404, 'not_found');
    const outbox = await outboxCount();
    const res = await manage(`${songId}/restore/`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(res.headers.get('etag')).toBe(`"v${version + 2}"`);
    expect(await json(await read(`/v2/content/songs/${songId}/`))).toEqual({ data: { songs: [{ meta: { id: songId }, title: 'One', length: 100, rank: null }] } });
    rows = await revisionsOf(id);
    expect(rows.at(-1)).toMatchObject({ version: version + 2, status: 'published' });
    expect(await outboxCount()).toBe(outbox + 1);
    const [event] = await origin.database.db.select().from(webhookDeliveries).orderBy(desc(webhookDeliveries.createdAt)).limit(1);
    expect(event).toMatchObject({ event: 'collectionitem.published', payload: { data: { id: 'songs', status: 'published' } } });
    await expectErrorShape(await manage(`${songId}/restore/`, { method: 'POST' }), 404, 'not_found');
    await expectErrorShape(await manage('99999999/restore/', { method: 'POST' }), 404, 'not_found');
  });

  it("read and admin keys (and preview keys on changes) get 403, another space's write key 404, no key 401 — and nothing changes", async () => {
    const { id, version } = await song();
    expect((await write('DELETE', `/v2/content/songs/${songId}/`)).status).toBe(204);
    const count = (await revisionsOf(id)).length;
    const outbox = await outboxCount();
    const attempts = [
      { method: 'GET', path: `${songId}/revisions/`, body: undefined },
      { method: 'POST', path: `${songId}/rollback/`, body: { version: 1 } },
      { method: 'POST', path: `${songId}/restore/`, body: undefined },
      { method: 'GET', path: `${songId}/`, body: undefined },
    ];
    for (const a of attempts) {
      // A preview key may read drafts and their history (content.preview), never change them.
      const refused = a.method === 'GET' ? [origin.seed.keys.read, origin.seed.keys.admin, otherAdmin] : [origin.seed.keys.read, origin.seed.keys.preview, origin.seed.keys.admin, otherAdmin];
      for (const key of refused) {
        await expectErrorShape(await manage(a.path, { method: a.method, body: a.body, key }), 403, 'forbidden');
      }
      if (a.method === 'GET') expect((await manage(a.path, { method: a.method, body: a.body, key: origin.seed.keys.preview })).status).not.toBe(403);
      await expectErrorShape(await manage(a.path, { method: a.method, body: a.body, key: otherWrite }), 404, 'not_found');
      await expectErrorShape(await fetch(api(`/v2/manage/content/songs/${a.path}`), { method: a.method, headers: { 'content-type': 'application/json' } }), 401, 'unauthenticated');
    }
    expect((await revisionsOf(id)).length).toBe(count);
    expect(await outboxCount()).toBe(outbox);
    expect(await song()).toMatchObject({ version: version + 1 });
    expect((await song()).deletedAt).not.toBeNull();
    expect((await manage(`${songId}/restore/`, { method: 'POST' })).status).toBe(202);
  });
});

describe('scheduled items: write validation', () => {
  const soon = () => new Date(Date.now() + 3_600_000).toISOString();

  it('creates and updates scheduled items (unpublished until due), shown in the management view', async () => {
    expect((await write('POST', '/v2/content/', { key: 'songs', status: 'scheduled', scheduled: soon(), fields: [{ title: 'Later' }] })).status).toBe(202);
    const later = (await itemsOf('songs')).find((r) => (r.fields as { title: string }).title === 'Later')!;
    expect(later).toMatchObject({ status: 'scheduled', published: null, version: 1 });
    expect(later.scheduledAt).not.toBeNull();
    await expectErrorShape(await read(`/v2/content/songs/${later.itemId}/`), 404, 'not_found');
    const when = soon();
    expect((await write('PATCH', `/v2/content/songs/${later.itemId}/`, { status: 'scheduled', scheduled: when })).status).toBe(202);
    const view = await json<{ data: { status: string; scheduled: string; version: number } }>(await write('GET', `/v2/manage/content/songs/${later.itemId}/`));
    expect(view.data).toMatchObject({ status: 'scheduled', scheduled: new Date(when).toISOString(), version: 2 });
    // A save without status keeps the schedule; a draft save drops it.
    expect((await write('PATCH', `/v2/content/songs/${later.itemId}/`, { fields: { length: 3 } })).status).toBe(202);
    expect((await itemsOf('songs')).find((r) => r.id === later.id)).toMatchObject({ status: 'scheduled', scheduledAt: new Date(when) });
    expect((await write('PATCH', `/v2/content/songs/${later.itemId}/`, { status: 'draft' })).status).toBe(202);
    expect((await itemsOf('songs')).find((r) => r.id === later.id)).toMatchObject({ status: 'draft', scheduledAt: null });
  });

  it('refuses a schedule in the past, without a time, a time without the status, or not a date — field-level 400', async () => {
    const id = (await itemsOf('songs'))[0]!.itemId;
    const outbox = await outboxCount();
    const past = await expectErrorShape(await write('PATCH', `/v2/content/songs/${id}/`, { status: 'scheduled', scheduled: '2001-01-01T00:00:00Z' }), 400, 'bad_request');
    expect(String(past.detail)).toContain('scheduled: must be in the future');
    const missing = await expectErrorShape(await write('PATCH', `/v2/content/songs/${id}/`, { status: 'scheduled' }), 400, 'bad_request');
    expect(String(missing.detail)).toContain('scheduled: is required with status scheduled');
    await expectErrorShape(await write('PATCH', `/v2/content/songs/${id}/`, { status: 'published', scheduled: soon() }), 400, 'bad_request');
    await expectErrorShape(await write('PATCH', `/v2/content/songs/${id}/`, { scheduled: soon() }), 400, 'bad_request');
    await expectErrorShape(await write('PATCH', `/v2/content/songs/${id}/`, { status: 'scheduled', scheduled: 'next tuesday' }), 400, 'bad_request');
    await expectErrorShape(await write('POST', '/v2/content/', { key: 'songs', status: 'scheduled', fields: [{ title: 'x' }] }), 400, 'bad_request');
    await expectErrorShape(await write('POST', '/v2/content/', { key: 'songs', scheduled: soon(), fields: [{ title: 'x' }] }), 400, 'bad_request');
    expect(await outboxCount()).toBe(outbox);
  });
});
