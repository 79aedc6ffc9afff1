/**
 * ButterCMS Write API fidelity: request bodies taken from ButterCMS's documented examples
 * (Create Page via Write API, Update Page, Create Collection Item) are accepted as ButterCMS
 * accepts them, and read back through the Content API as ButterCMS would serve them:
 * - accounts with locales send every locale's fields in one body, keyed by locale slug;
 * - writers send every field of the page type, "" for the optional ones they leave empty;
 * refusals keep ghee's error shape and name the field and the locale, and change nothing.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, collectionItems, pageRevisions, pages } from '../../origin/db/schema/index.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const api = (path: string) => `${origin.server.url}${path}`;
const call = (method: string, path: string, body?: unknown, key = origin.seed.keys.write, headers: Record<string, string> = {}) =>
  fetch(api(path), { method, headers: { authorization: `Token ${key}`, 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const read = async (path: string, extra = '') => {
  const res = await fetch(api(`${path}${path.includes('?') ? '&' : '?'}auth_token=${origin.seed.keys.preview}&preview=1${extra}`));
  return { status: res.status, body: (await res.json()) as { data: Record<string, unknown> & { fields: Record<string, unknown> } } };
};
const pageCount = async () => (await origin.database.db.select({ n: sql<number>`count(*)::int` }).from(pages))[0]!.n;

// The FAQ page type of ButterCMS's example, with optional fields of every kind an empty "" may stand for.
const faqFields = [
  { name: 'headline', type: 'short_text', required: true },
  { name: 'intro', type: 'long_text' },
  { name: 'body', type: 'rich_text' },
  { name: 'hero_image', type: 'media' },
  { name: 'updated_on', type: 'date' },
  { name: 'order', type: 'number' },
  { name: 'featured', type: 'boolean' },
  { name: 'related', type: 'reference', page_type: 'faq', max: 3 },
  { name: 'faqs', type: 'repeater', fields: [{ name: 'question', type: 'short_text' }, { name: 'answer', type: 'long_text' }] },
];

beforeAll(async () => {
  origin = await startTestOrigin();
  const space = `/v2/manage/spaces/${origin.seed.spaceId}`;
  expect((await call('POST', `${space}/page_types/`, { slug: 'faq', name: 'FAQ', fields: faqFields }, origin.seed.keys.admin)).status).toBe(201);
  for (const code of ['fr', 'pt-br']) expect((await call('POST', `${space}/locales/`, { code }, origin.seed.keys.admin)).status).toBe(201);
  const collection = (key: string, fields: unknown[]) => call('POST', `${space}/collections/`, { key, name: key, fields }, origin.seed.keys.admin);
  expect((await collection('authors_list', [{ name: 'name', type: 'short_text' }])).status).toBe(201);
  expect(
    (await collection('testimonials', [
      { name: 'quote', type: 'long_text' },
      { name: 'photo', type: 'media' },
      { name: 'stars', type: 'number' },
      { name: 'verified', type: 'checkbox' },
      { name: 'author', type: 'reference', collection: 'authors_list' },
    ])).status,
  ).toBe(201);
});
afterAll(async () => origin?.stop());

describe('multi-locale page bodies', () => {
  it('creates every locale of a page from one body keyed by locale (ButterCMS "Create Page" example), one revision per locale, one audit row', async () => {
    const res = await call('POST', '/v2/pages/', {
      title: 'FAQ',
      slug: 'faq',
      page_type: 'faq',
      status: 'published',
      fields: {
        en: { headline: 'Frequently asked questions', faqs: [{ question: 'Why?', answer: 'Because.' }] },
        fr: { headline: 'Questions fréquentes', faqs: [{ question: 'Pourquoi ?', answer: 'Parce que.' }] },
      },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'pending' });
    const en = await read('/v2/pages/faq/faq/', '&locale=en');
    const fr = await read('/v2/pages/faq/faq/', '&locale=fr');
    expect(en.body.data.fields).toMatchObject({ headline: 'Frequently asked questions', faqs: [{ question: 'Why?', answer: 'Because.' }] });
    expect(fr.body.data.fields).toMatchObject({ headline: 'Questions fréquentes', faqs: [{ question: 'Pourquoi ?' }] });
    // The default locale answers without ?locale= too; the locale not written has no page.
    expect((await read('/v2/pages/faq/faq/')).body.data.fields.headline).toBe('Frequently asked questions');
    expect((await read('/v2/pages/faq/faq/', '&locale=pt-br')).status).toBe(404);

    const rows = await origin.database.db.select({ id: pages.id, locale: pages.locale }).from(pages).where(eq(pages.slug, 'faq'));
    expect(rows.map((r) => r.locale).sort()).toEqual(['en', 'fr']);
    for (const row of rows) expect((await origin.database.db.select().from(pageRevisions).where(eq(pageRevisions.pageId, row.id))).map((r) => r.version)).toEqual([1]);
    const audit = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'page.create'), sql`${auditEvents.metadata}->>'slug' = 'faq'`));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.metadata).toMatchObject({ locales: ['en', 'fr'] });
  });

  it('updates several locales in one PATCH, leaving the others and the fields not sent as they were', async () => {
    const res = await call('PATCH', '/v2/pages/faq/faq/', { fields: { fr: { headline: 'FAQ (fr)' }, en: { intro: 'Read this first.' } } });
    expect(res.status).toBe(202);
    const en = (await read('/v2/pages/faq/faq/', '&locale=en')).body.data.fields;
    const fr = (await read('/v2/pages/faq/faq/', '&locale=fr')).body.data.fields;
    expect(en).toMatchObject({ headline: 'Frequently asked questions', intro: 'Read this first.' });
    expect(fr).toMatchObject({ headline: 'FAQ (fr)', faqs: [{ question: 'Pourquoi ?' }] });
  });

  it('refuses a body whose one locale is invalid — naming the locale and the field — and saves no locale', async () => {
    const n = await pageCount();
    const res = await call('POST', '/v2/pages/', { title: 'Help', slug: 'help', page_type: 'faq', fields: { en: { headline: 'Help' }, fr: { intro: 'pas de titre', colour: 'bleu' } } });
    const error = await expectErrorShape(res, 400, 'bad_request');
    expect(String(error.detail)).toContain('fields.fr.headline: required');
    expect(String(error.detail)).toContain('fields.fr.colour: unknown field');
    expect(String(error.detail)).not.toContain('fields.en');
    expect(await pageCount()).toBe(n);

    const update = await expectErrorShape(await call('PATCH', '/v2/pages/faq/faq/', { fields: { en: { headline: 'changed' }, fr: { order: 'first' } } }), 400, 'bad_request');
    expect(String(update.detail)).toContain('fields.fr.order: must be a number');
    expect((await read('/v2/pages/faq/faq/', '&locale=en')).body.data.fields.headline).toBe('Frequently asked questions');
  });

  it('names a locale the space does not publish in, and refuses If-Match on a multi-locale update', async () => {
    const n = await pageCount();
    const unknown = await expectErrorShape(await call('POST', '/v2/pages/', { title: 'X', slug: 'x', page_type: 'faq', fields: { en: { headline: 'X' }, de: { headline: 'X' } } }), 400, 'bad_request');
    expect(String(unknown.detail)).toContain('fields.de: the space has no locale "de"');
    expect(await pageCount()).toBe(n);
    await expectErrorShape(await call('PATCH', '/v2/pages/faq/faq/', { fields: { en: { headline: 'x' }, fr: { headline: 'x' } } }, undefined, { 'if-match': '"v1"' }), 400, 'bad_request');
    expect((await read('/v2/pages/faq/faq/', '&locale=fr')).body.data.fields.headline).toBe('FAQ (fr)');
  });

  it('keeps the single-locale forms: a flat body with ?locale=, and a flat body for the default locale', async () => {
    expect((await call('POST', '/v2/pages/?locale=pt-br', { title: 'FAQ', slug: 'faq', page_type: 'faq', status: 'published', fields: { headline: 'Perguntas' } })).status).toBe(202);
    expect((await read('/v2/pages/faq/faq/', '&locale=pt-br')).body.data.fields.headline).toBe('Perguntas');
    expect((await call('POST', '/v2/pages/', { title: 'Flat', slug: 'flat', page_type: 'faq', fields: { headline: 'Flat' } })).status).toBe(202);
    expect((await read('/v2/pages/faq/flat/')).body.data.fields.headline).toBe('Flat');
  });
});

describe('"" for optional fields', () => {
  it('accepts every optional field as "" (ButterCMS asks writers to send them all) and stores it as empty', async () => {
    const res = await call('POST', '/v2/pages/', {
      title: 'Empty',
      slug: 'empty',
      page_type: 'faq',
      status: 'published',
      fields: { headline: 'Only the headline', intro: '', body: '', hero_image: '', updated_on: '', order: '', featured: '', related: '', faqs: '' },
    });
    expect(res.status).toBe(202);
    const fields = (await read('/v2/pages/faq/empty/')).body.data.fields;
    expect(fields).toMatchObject({ headline: 'Only the headline', intro: '', hero_image: '', updated_on: '', order: null, featured: null, faqs: null });
    // And on update: "" clears a field that had a value.
    expect((await call('PATCH', '/v2/pages/faq/empty/', { fields: { hero_image: 'https://example.com/a.png', order: 3 } })).status).toBe(202);
    expect((await read('/v2/pages/faq/empty/')).body.data.fields).toMatchObject({ hero_image: 'https://example.com/a.png', order: 3 });
    expect((await call('PATCH', '/v2/pages/faq/empty/', { fields: { hero_image: '', order: '' } })).status).toBe(202);
    expect((await read('/v2/pages/faq/empty/')).body.data.fields).toMatchObject({ hero_image: '', order: null });
  });

  it('still refuses "" for a required field that is not text, and a malformed non-empty value', async () => {
    const n = await pageCount();
    const res = await call('POST', '/v2/pages/', { title: 'Bad', slug: 'bad-empty', page_type: 'faq', fields: { headline: 'x', hero_image: 'javascript:alert(1)', order: 'three' } });
    const error = await expectErrorShape(res, 400, 'bad_request');
    expect(String(error.detail)).toMatch(/fields\.hero_image/);
    expect(String(error.detail)).toContain('fields.order: must be a number');
    expect(await pageCount()).toBe(n);
  });
});

describe('localized collection items', () => {
  const items = async (key: string, locale: string) => {
    const res = await fetch(api(`/v2/content/${key}/?auth_token=${origin.seed.keys.read}&locale=${locale}`));
    return ((await res.json()) as { data: Record<string, (Record<string, unknown> & { meta: { id: number } })[]> }).data[key]!;
  };

  it('keeps one item id across the locales of an item created in one body (ButterCMS "Create Collection Item" example)', async () => {
    expect((await call('POST', '/v2/content/', { key: 'authors_list', status: 'published', fields: [{ en: { name: 'Ann' }, fr: { name: 'Anne' } }] })).status).toBe(202);
    const res = await call('POST', '/v2/content/', {
      key: 'testimonials',
      status: 'published',
      fields: [
        { en: { quote: 'Great', photo: '', stars: 5, verified: true, author: '' }, fr: { quote: 'Super', photo: '', stars: '', verified: '', author: '' } },
        { en: { quote: 'Second', photo: '', stars: 4, verified: false, author: '' }, fr: { quote: 'Deuxième', photo: '', stars: 4, verified: false, author: '' } },
      ],
    });
    expect(res.status).toBe(202);
    const en = await items('testimonials', 'en');
    const fr = await items('testimonials', 'fr');
    expect(en.map((i) => i.quote)).toEqual(['Great', 'Second']);
    expect(fr.map((i) => i.quote)).toEqual(['Super', 'Deuxième']);
    expect(fr.map((i) => i.meta.id)).toEqual(en.map((i) => i.meta.id));
    expect(new Set(en.map((i) => i.meta.id)).size).toBe(2);
    // "" stored as empty: "" for the media URL, null for the number, checkbox and reference.
    expect(fr[0]).toMatchObject({ photo: '', stars: null, verified: null, author: null });
    // One item id, read in each locale; without ?locale= the default locale's version.
    const id = en[0]!.meta.id;
    const one = async (extra: string) => ((await (await fetch(api(`/v2/content/testimonials/${id}/?auth_token=${origin.seed.keys.read}${extra}`))).json()) as { data: { testimonials: { quote: string }[] } }).data.testimonials[0]!.quote;
    expect(await one('&locale=fr')).toBe('Super');
    expect(await one('&locale=en')).toBe('Great');
    expect(await one('')).toBe('Great');
    const rows = await origin.database.db.select({ locale: collectionItems.locale }).from(collectionItems).where(eq(collectionItems.itemId, id));
    expect(rows.map((r) => r.locale).sort()).toEqual(['en', 'fr']);
  });

  it('patches one locale with ?locale=, and several in one body, by the one id', async () => {
    const id = (await items('testimonials', 'en'))[0]!.meta.id;
    expect((await call('PATCH', `/v2/content/testimonials/${id}/?locale=fr`, { fields: { quote: 'Formidable' } })).status).toBe(202);
    expect((await items('testimonials', 'fr'))[0]!.quote).toBe('Formidable');
    expect((await items('testimonials', 'en'))[0]!.quote).toBe('Great');
    expect((await call('PATCH', `/v2/content/testimonials/${id}/`, { fields: { en: { stars: 4 }, fr: { stars: 3 } } })).status).toBe(202);
    expect((await items('testimonials', 'en'))[0]).toMatchObject({ quote: 'Great', stars: 4 });
    expect((await items('testimonials', 'fr'))[0]).toMatchObject({ quote: 'Formidable', stars: 3 });
    // A refusal in one locale changes neither, and names the locale.
    const bad = await expectErrorShape(await call('PATCH', `/v2/content/testimonials/${id}/`, { fields: { en: { stars: 1 }, fr: { stars: 'many' } } }), 400, 'bad_request');
    expect(String(bad.detail)).toContain('fields.fr.stars');
    expect((await items('testimonials', 'en'))[0]!.stars).toBe(4);
  });

  it('references resolve to the referenced item in the reader\'s locale', async () => {
    const ann = (await items('authors_list', 'en'))[0]!.meta.id;
    const id = (await items('testimonials', 'en'))[0]!.meta.id;
    expect((await call('PATCH', `/v2/content/testimonials/${id}/`, { fields: { en: { author: ann }, fr: { author: ann } } })).status).toBe(202);
    const author = async (locale: string) => ((await items('testimonials', locale))[0]!.author as { name: string }).name;
    expect(await author('en')).toBe('Ann');
    expect(await author('fr')).toBe('Anne');
  });

  it('deletes one locale\'s version with ?locale=, leaving the others', async () => {
    const id = (await items('testimonials', 'en'))[1]!.meta.id;
    expect((await call('DELETE', `/v2/content/testimonials/${id}/?locale=fr`)).status).toBe(204);
    expect((await items('testimonials', 'fr')).map((i) => i.meta.id)).not.toContain(id);
    expect((await items('testimonials', 'en')).map((i) => i.meta.id)).toContain(id);
  });
});

describe('posts without an author', () => {
  const post = async (slug: string) => {
    const res = await fetch(api(`/v2/posts/${slug}/?auth_token=${origin.seed.keys.preview}&preview=1`));
    return ((await res.json()) as { data: { author: Record<string, unknown> | null } }).data;
  };

  it("get the organization's owner as ButterCMS assigns them: the space's default author, made once for the owner", async () => {
    expect((await call('POST', '/v2/posts/', { title: 'Hello', slug: 'hello', status: 'published', body: '<p>Hi</p>' })).status).toBe(202);
    expect((await post('hello')).author).toMatchObject({ slug: 'demo-admin', first_name: 'Demo', last_name: 'Admin' });
    expect((await call('POST', '/v2/posts/', { title: 'Again', slug: 'again', body: '' })).status).toBe(202);
    expect((await post('again')).author).toMatchObject({ slug: 'demo-admin' });
    const authors = (await (await fetch(api(`/v2/authors/?auth_token=${origin.seed.keys.read}`))).json()) as { data: { slug: string; email: string }[] };
    expect(authors.data.map((a) => a.slug)).toEqual(['demo-admin']);
    // Author records are public: the owner's email is not copied into one.
    expect(authors.data[0]!.email).toBe('');
  });

  it('keep an author named in the body', async () => {
    expect((await call('POST', `/v2/manage/spaces/${origin.seed.spaceId}/authors/`, { slug: 'guest', first_name: 'Guest' }, origin.seed.keys.admin)).status).toBe(201);
    expect((await call('POST', '/v2/posts/', { title: 'Guest post', slug: 'guest-post', author: { slug: 'guest' }, body: '' })).status).toBe(202);
    expect((await post('guest-post')).author).toMatchObject({ slug: 'guest' });
  });
});

describe('page references to collection items in preview', () => {
  it('expand a referenced draft item as it is now, as ButterCMS does; live reads leave it out', async () => {
    const space = `/v2/manage/spaces/${origin.seed.spaceId}`;
    expect((await call('POST', `${space}/page_types/`, { slug: 'promo', name: 'Promo', fields: [{ name: 'title', type: 'short_text' }, { name: 'quote', type: 'reference', collection: 'testimonials' }] }, origin.seed.keys.admin)).status).toBe(201);
    expect((await call('POST', '/v2/content/', { key: 'testimonials', status: 'draft', fields: [{ quote: 'Not yet public' }] })).status).toBe(202);
    const draft = (await origin.database.db.select({ itemId: collectionItems.itemId, status: collectionItems.status }).from(collectionItems).where(eq(collectionItems.status, 'draft')))[0]!;
    expect((await call('POST', '/v2/pages/', { title: 'Promo', slug: 'promo', page_type: 'promo', status: 'published', fields: { title: 'Promo', quote: draft.itemId } })).status).toBe(202);
    const preview = await read('/v2/pages/promo/promo/');
    expect(preview.body.data.fields.quote).toMatchObject({ meta: { id: draft.itemId }, quote: 'Not yet public' });
    const live = (await (await fetch(api(`/v2/pages/promo/promo/?auth_token=${origin.seed.keys.read}`))).json()) as { data: { fields: Record<string, unknown> } };
    expect(JSON.stringify(live.data.fields.quote ?? null)).not.toContain('Not yet public');
  });
});
