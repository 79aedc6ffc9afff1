import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizations, pageRevisions, pages, pageTypes, purgeOutbox, spaces } from '../../origin/db/schema/index.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let otherSpaceId: string;
const api = (path: string) => `${origin.server.url}${path}`;
const call = (method: string, path: string, body?: unknown, key = origin.seed.keys.admin) =>
  fetch(api(path), { method, headers: { authorization: `Token ${key}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const types = () => `/v2/manage/spaces/${origin.seed.spaceId}/page_types/`;
const write = (method: string, path: string, body: unknown) => call(method, path, body, origin.seed.keys.write);
const preview = async (slug: string) =>
  ((await (await fetch(api(`/v2/pages/product/${slug}/?preview=1&auth_token=${origin.seed.keys.preview}`))).json()) as { data: { fields: Record<string, unknown> } }).data.fields;

const productFields = [
  { name: 'title', type: 'short_text', required: true },
  { name: 'price', type: 'number' },
  { name: 'body', type: 'rich_text' },
];

beforeAll(async () => {
  origin = await startTestOrigin();
  const [org] = await origin.database.db.insert(organizations).values({ slug: 'other', name: 'Other' }).returning();
  const [space] = await origin.database.db.insert(spaces).values({ organizationId: org!.id, slug: 'o', name: 'O' }).returning();
  otherSpaceId = space!.id;
});
afterAll(async () => origin?.stop());

describe('page type management', () => {
  it('creates, lists and reads page types', async () => {
    const res = await call('POST', types(), { slug: 'product', name: 'Product', fields: productFields });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ data: { slug: 'product', name: 'Product', fields: productFields } });
    const list = (await (await call('GET', types())).json()) as { data: { slug: string }[] };
    expect(list.data.map((t) => t.slug)).toEqual(['product']);
    expect(await (await call('GET', `${types()}product/`)).json()).toMatchObject({ data: { slug: 'product', fields: productFields } });
    await expectErrorShape(await call('GET', `${types()}nope/`), 404, 'not_found');
    const purges = await origin.database.db.select().from(purgeOutbox);
    expect(purges.some((p) => p.keys.includes(`pages:${origin.seed.spaceId}:product`))).toBe(true);
  });

  it('refuses bad schemas, duplicates, reserved slugs and unknown body fields', async () => {
    const bad = await expectErrorShape(await call('POST', types(), { slug: 'x', name: 'X', fields: [{ name: 'a', type: 'blob' }] }), 400, 'bad_request');
    expect(String(bad.detail)).toMatch(/fields\.0/);
    await expectErrorShape(await call('POST', types(), { slug: 'product', name: 'Again', fields: [] }), 400, 'bad_request');
    await expectErrorShape(await call('POST', types(), { slug: 'search', name: 'S', fields: [] }), 400, 'bad_request');
    await expectErrorShape(await call('POST', types(), { slug: 'Bad Slug', name: 'S', fields: [] }), 400, 'bad_request');
    await expectErrorShape(await call('POST', types(), { slug: 'y', name: 'Y', fields: [], owner: 1 }), 400, 'bad_request');
    expect((await origin.database.db.select().from(pageTypes)).map((t) => t.slug)).toEqual(['product']);
  });

  it('a space of another organization is 404; space keys may read schemas (preview/write) but never change them (403); no key 401', async () => {
    await expectErrorShape(await call('GET', `/v2/manage/spaces/${otherSpaceId}/page_types/`), 404, 'not_found');
    await expectErrorShape(await call('POST', `/v2/manage/spaces/${otherSpaceId}/page_types/`, { slug: 'z', name: 'Z', fields: [] }), 404, 'not_found');
    await expectErrorShape(await call('GET', `/v2/manage/spaces/${otherSpaceId}/locales/`), 404, 'not_found');
    await expectErrorShape(await call('GET', '/v2/manage/spaces/not-a-uuid/page_types/'), 404, 'not_found');
    await expectErrorShape(await call('GET', types(), undefined, origin.seed.keys.read), 403, 'forbidden');
    for (const key of [origin.seed.keys.preview, origin.seed.keys.write]) expect((await call('GET', types(), undefined, key)).status).toBe(200);
    for (const key of [origin.seed.keys.read, origin.seed.keys.preview, origin.seed.keys.write]) {
      await expectErrorShape(await call('POST', types(), { slug: 'z', name: 'Z', fields: [] }, key), 403, 'forbidden');
      await expectErrorShape(await call('PUT', `${types()}product/`, { name: 'Z' }, key), 403, 'forbidden');
      await expectErrorShape(await call('POST', `/v2/manage/spaces/${origin.seed.spaceId}/locales/`, { code: 'de' }, key), 403, 'forbidden');
    }
    await expectErrorShape(await fetch(api(types())), 401, 'unauthenticated');
  });
});

describe('typed page writes', () => {
  it('creates a typed page, sanitising rich text', async () => {
    const res = await write('POST', '/v2/pages/', { title: 'Mug', slug: 'mug', page_type: 'product', fields: { title: 'Mug', price: 5, body: '<p>ok<script>alert(1)</script></p>' } });
    expect(res.status).toBe(202);
    expect(await preview('mug')).toEqual({ title: 'Mug', price: 5, body: '<p>ok</p>' });
  });

  it('refuses an unknown page type and invalid fields with field-level messages, changing nothing', async () => {
    const count = async () => (await origin.database.db.select({ n: sql<number>`count(*)::int` }).from(pages))[0]!.n;
    const n = await count();
    const unknown = await expectErrorShape(await write('POST', '/v2/pages/', { title: 'x', slug: 'x', page_type: 'gadget', fields: {} }), 400, 'bad_request');
    expect(String(unknown.detail)).toMatch(/unknown page type/i);
    const missing = await expectErrorShape(await write('POST', '/v2/pages/', { title: 'x', slug: 'x', page_type: 'product', fields: { price: 'free', colour: 'red' } }), 400, 'bad_request');
    expect(String(missing.detail)).toContain('fields.title: required');
    expect(String(missing.detail)).toContain('fields.price: must be a number');
    expect(String(missing.detail)).toContain('fields.colour: unknown field');
    expect(await count()).toBe(n);
  });

  it('validates PATCHes (partial, then the merged result) and changes nothing on refusal', async () => {
    const [row] = await origin.database.db.select().from(pages).where(eq(pages.slug, 'mug'));
    const revs = async () => (await origin.database.db.select().from(pageRevisions).where(eq(pageRevisions.pageId, row!.id))).length;
    const before = await revs();
    const bad = await expectErrorShape(await write('PATCH', '/v2/pages/product/mug/', { fields: { price: 'x' } }), 400, 'bad_request');
    expect(String(bad.detail)).toContain('fields.price: must be a number');
    await expectErrorShape(await write('PATCH', '/v2/pages/*/mug/', { fields: { title: null } }), 400, 'bad_request');
    await expectErrorShape(await write('PATCH', '/v2/pages/product/mug/', { fields: { extra: 1 } }), 400, 'bad_request');
    expect(await revs()).toBe(before);
    expect(await preview('mug')).toEqual({ title: 'Mug', price: 5, body: '<p>ok</p>' });
    expect((await write('PATCH', '/v2/pages/product/mug/', { status: 'published', fields: { price: 6, body: '<a href="javascript:x">l</a>' } })).status).toBe(202);
    expect(await preview('mug')).toEqual({ title: 'Mug', price: 6, body: '<a>l</a>' });
    expect(await revs()).toBe(before + 1);
  });
});

describe('schema changes', () => {
  it('refuses a change that existing content would break, naming the page and field', async () => {
    const r = await expectErrorShape(await call('PUT', `${types()}product/`, { fields: [{ name: 'title', type: 'short_text', required: true }, { name: 'price', type: 'short_text' }, { name: 'body', type: 'rich_text' }] }), 400, 'bad_request');
    expect(String(r.detail)).toContain('page "mug"');
    expect(String(r.detail)).toContain('fields.price: must be a string');
    const dropped = await expectErrorShape(await call('PUT', `${types()}product/`, { fields: [{ name: 'title', type: 'short_text', required: true }] }), 400, 'bad_request');
    expect(String(dropped.detail)).toMatch(/fields\.(price|body): unknown field/);
    const required = await expectErrorShape(await call('PUT', `${types()}product/`, { fields: [...productFields, { name: 'sku', type: 'short_text', required: true }] }), 400, 'bad_request');
    expect(String(required.detail)).toContain('fields.sku: required');
    expect(await (await call('GET', `${types()}product/`)).json()).toMatchObject({ data: { fields: productFields } });
  });

  it('accepts a compatible change (new optional field, renamed type) and new writes follow it', async () => {
    const next = [...productFields, { name: 'in_stock', type: 'boolean' }];
    const res = await call('PUT', `${types()}product/`, { name: 'Products', fields: next });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { name: 'Products', fields: next } });
    expect((await write('PATCH', '/v2/pages/product/mug/', { fields: { in_stock: true } })).status).toBe(202);
    await expectErrorShape(await call('PUT', `${types()}nope/`, { name: 'x' }), 404, 'not_found');
    await expectErrorShape(await call('PUT', `${types()}product/`, {}), 400, 'bad_request');
  });
});

describe('locales', () => {
  it('lists the default, adds locales, switches the default, refuses bad and duplicate codes', async () => {
    const base = `/v2/manage/spaces/${origin.seed.spaceId}/locales/`;
    expect(await (await call('GET', base)).json()).toEqual({ data: [{ code: 'en', name: 'en', default: true, enabled: true }] });
    expect((await call('POST', base, { code: 'en', name: 'English' })).status).toBe(201);
    expect((await call('POST', base, { code: 'fr-CA', name: 'Français' })).status).toBe(201);
    await expectErrorShape(await call('POST', base, { code: 'fr-CA' }), 400, 'bad_request');
    await expectErrorShape(await call('POST', base, { code: 'english!' }), 400, 'bad_request');
    const de = await call('POST', base, { code: 'de', default: true });
    expect(await de.json()).toEqual({ data: { code: 'de', name: 'de', default: true, enabled: true } });
    const list = (await (await call('GET', base)).json()) as { data: { code: string; default: boolean }[] };
    expect(list.data.map((l) => [l.code, l.default])).toEqual([
      ['de', true],
      ['en', false],
      ['fr-CA', false],
    ]);
    const [space] = await origin.database.db.select().from(spaces).where(eq(spaces.id, origin.seed.spaceId));
    expect(space!.defaultLocale).toBe('de');
  });
});
