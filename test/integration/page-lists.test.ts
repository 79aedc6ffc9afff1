import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pages, purgeOutbox } from '../../origin/db/schema/index.js';
import { buildListQuery } from '../../origin/content/pages/lists.js';
import { parseSurrogateKeyHeader } from '../../shared/surrogate.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

interface Page {
  slug: string;
  name: string;
  page_type: string;
  fields: Record<string, unknown>;
}
interface ListBody {
  meta: Record<string, number | null>;
  data: Page[];
}

let origin: OriginUnderTest;
const api = (path: string) => `${origin.server.url}${path}`;
const admin = (method: string, path: string, body: unknown) =>
  fetch(api(`/v2/manage/spaces/${origin.seed.spaceId}${path}`), { method, headers: { authorization: `Token ${origin.seed.keys.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const write = (method: string, path: string, body: unknown) =>
  fetch(api(path), { method, headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const create = async (type: string, slug: string, fields: Record<string, unknown>, status = 'published') => {
  const res = await write('POST', '/v2/pages/', { title: `Page ${slug}`, slug, page_type: type, status, fields });
  expect(res.status, slug).toBe(202);
};
const get = (path: string, key = origin.seed.keys.read) => fetch(api(`${path}${path.includes('?') ? '&' : '?'}auth_token=${key}`));
const list = async (query = '', key = origin.seed.keys.read): Promise<ListBody> => {
  const res = await get(`/v2/pages/article/${query}`, key);
  expect(res.status, query).toBe(200);
  return (await res.json()) as ListBody;
};
const slugs = (b: ListBody) => b.data.map((p) => p.slug);
const idOf = async (slug: string) => (await origin.database.db.select({ id: pages.id }).from(pages).where(eq(pages.slug, slug)))[0]!.id;

// a01 (oldest) … a12 (newest); rank = 12 - i, featured on even i; a13 is a draft.
const articleSlugs = Array.from({ length: 12 }, (_, i) => `a${String(i + 1).padStart(2, '0')}`);

beforeAll(async () => {
  origin = await startTestOrigin();
  expect(
    (
      await admin('POST', '/page_types/', {
        slug: 'article',
        name: 'Article',
        fields: [
          { name: 'title', type: 'short_text', required: true },
          { name: 'rank', type: 'number' },
          { name: 'featured', type: 'boolean' },
          { name: 'body', type: 'rich_text' },
          { name: 'see_also', type: 'reference', page_type: 'node', max: 3 },
        ],
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await admin('POST', '/page_types/', {
        slug: 'node',
        name: 'Node',
        fields: [
          { name: 'title', type: 'short_text' },
          { name: 'next', type: 'reference', page_type: 'node', max: 3 },
          { name: 'parts', type: 'repeater', fields: [{ name: 'ref', type: 'reference', page_type: 'node' }] },
        ],
      })
    ).status,
  ).toBe(201);
  for (const [i, slug] of articleSlugs.entries()) {
    await create('article', slug, { title: `Article ${i + 1}`, rank: 12 - i, featured: i % 2 === 0, body: i === 4 ? '<p>Find the NeedLe here</p>' : '<p>plain</p>' });
    await new Promise((r) => setTimeout(r, 3));
  }
  await create('article', 'a13', { title: 'Draft', rank: 0 }, 'draft');
  // A cycle: na → nb → na; nc references a page that is not published.
  await create('node', 'na', { title: 'A', next: ['nb'], parts: [{ ref: 'nb' }] });
  await create('node', 'nb', { title: 'B', next: ['na'] });
  await create('node', 'ghost', { title: 'G' }, 'draft');
  await create('node', 'nc', { title: 'C', next: ['ghost', 'na'] });
});
afterAll(async () => origin?.stop());

describe('pagination', () => {
  it('defaults to page 1 of 10, newest first, published only', async () => {
    const b = await list();
    expect(b.meta).toEqual({ count: 12, next_page: 2, previous_page: null });
    expect(slugs(b)).toEqual([...articleSlugs].reverse().slice(0, 10));
    expect(b.data[0]).toMatchObject({ slug: 'a12', name: 'Page a12', page_type: 'article', fields: { title: 'Article 12', rank: 1 } });
  });

  it('page 2, the page beyond the end, page_size edges', async () => {
    const p2 = await list('?page=2');
    expect(p2.meta).toEqual({ count: 12, next_page: null, previous_page: 1 });
    expect(slugs(p2)).toEqual(['a02', 'a01']);
    const beyond = await list('?page=9&page_size=5');
    expect(beyond).toEqual({ meta: { count: 12, next_page: null, previous_page: 3 }, data: [] });
    expect((await list('?page_size=100')).data).toHaveLength(12);
    const three = await list('?page=2&page_size=3');
    expect(three.meta).toEqual({ count: 12, next_page: 3, previous_page: 1 });
    expect(slugs(three)).toEqual(['a09', 'a08', 'a07']);
    for (const q of ['?page_size=101', '?page_size=0', '?page=0', '?page=-1', '?page=abc', '?page_size=1.5', '?limit=101', '?offset=-1', '?page=1&limit=2']) {
      await expectErrorShape(await get(`/v2/pages/article/${q}`), 400, 'bad_request');
    }
  });

  it('limit and offset', async () => {
    const b = await list('?limit=5&offset=10');
    expect(b.meta).toEqual({ count: 12, next_offset: null, previous_offset: 5 });
    expect(slugs(b)).toEqual(['a02', 'a01']);
    expect((await list('?limit=5')).meta).toEqual({ count: 12, next_offset: 5, previous_offset: null });
    expect((await list('?limit=4&offset=2')).meta).toEqual({ count: 12, next_offset: 6, previous_offset: 0 });
    expect(await list('?limit=5&offset=50')).toEqual({ meta: { count: 12, next_offset: null, previous_offset: 45 }, data: [] });
  });
});

describe('ordering and filters', () => {
  it('orders by published, updated and fields, either way', async () => {
    expect(slugs(await list('?order=published&page_size=3'))).toEqual(['a01', 'a02', 'a03']);
    expect(slugs(await list('?order=-updated&page_size=2'))).toEqual(['a12', 'a11']);
    expect(slugs(await list('?order=rank&page_size=3'))).toEqual(['a12', 'a11', 'a10']);
    expect(slugs(await list('?order=-rank&page_size=3'))).toEqual(['a01', 'a02', 'a03']);
    expect(slugs(await list('?order=-title&page_size=2'))).toEqual(['a09', 'a08']);
    for (const q of ['?order=bogus', '?order=see_also', '?order=--rank', '?order=body']) await expectErrorShape(await get(`/v2/pages/article/${q}`), 400, 'bad_request');
  });

  it('filters by exact top-level scalar values', async () => {
    const featured = await list('?fields.featured=true&page_size=100');
    expect(featured.meta.count).toBe(6);
    expect(slugs(featured).every((s) => Number(s.slice(1)) % 2 === 1)).toBe(true);
    expect(slugs(await list('?fields.rank=3'))).toEqual(['a10']);
    expect(slugs(await list('?fields.title=Article%207'))).toEqual(['a07']);
    expect(slugs(await list('?fields.rank=3&fields.featured=true'))).toEqual([]);
    for (const q of ['?fields.nope=1', '?fields.rank=abc', '?fields.featured=yes', '?fields.see_also=x', "?fields.title'=x"]) await expectErrorShape(await get(`/v2/pages/article/${q}`), 400, 'bad_request');
  });
});

describe('references (levels)', () => {
  const node = async (slug: string, levels: string) => {
    const b = (await (await get(`/v2/pages/node/?order=title&page_size=100${levels}`)).json()) as ListBody;
    return b.data.find((p) => p.slug === slug)!;
  };

  it('levels=1 leaves paths; the default (2) embeds one level', async () => {
    expect((await node('na', '&levels=1')).fields.next).toEqual(['/v2/pages/node/nb/']);
    const two = await node('na', '');
    expect(two.fields.next).toEqual([expect.objectContaining({ slug: 'nb', fields: { title: 'B', next: ['/v2/pages/node/na/'] } })]);
    expect(two.fields.parts).toEqual([{ ref: expect.objectContaining({ slug: 'nb' }) }]);
  });

  it('a cycle A→B→A terminates at any depth; unpublished targets are dropped', async () => {
    const five = await node('na', '&levels=5');
    expect(five.fields.next).toEqual([expect.objectContaining({ slug: 'nb', fields: { title: 'B', next: ['/v2/pages/node/na/'] } })]);
    const c = await node('nc', '&levels=3');
    expect(c.fields.next).toEqual([expect.objectContaining({ slug: 'na', fields: expect.objectContaining({ next: [expect.objectContaining({ slug: 'nb' })] }) })]);
  });

  it('refuses levels outside 1–5', async () => {
    for (const l of ['0', '6', 'x', '1.5', '']) await expectErrorShape(await get(`/v2/pages/node/?levels=${l}`), 400, 'bad_request');
    for (const l of ['0', '6', 'x']) await expectErrorShape(await get(`/v2/pages/node/na/?levels=${l}`), 400, 'bad_request');
  });

  it('expands references on single-page reads too, and tags the embedded pages', async () => {
    const one = (await (await get('/v2/pages/node/na/?levels=1')).json()) as { data: { fields: { next: unknown } } };
    expect(one.data.fields.next).toEqual(['/v2/pages/node/nb/']);
    const res = await get('/v2/pages/node/na/');
    const two = (await res.json()) as { data: { fields: { next: unknown } } };
    expect(two.data.fields.next).toEqual([expect.objectContaining({ slug: 'nb' })]);
    expect(parseSurrogateKeyHeader(res.headers.get('surrogate-key'))).toContain(`page:${await idOf('nb')}`);
  });

  it('tags lists with every listed and embedded page, so a change to an embedded page purges them', async () => {
    const res = await get('/v2/pages/node/?fields.title=C');
    expect(res.status).toBe(200);
    const keys = parseSurrogateKeyHeader(res.headers.get('surrogate-key'));
    const s = origin.seed.spaceId;
    expect(keys).toEqual(expect.arrayContaining([`space:${s}`, `pages:${s}:node`, `page:${await idOf('nc')}`, `page:${await idOf('na')}`, `slug:${s}:ghost`]));
    expect(keys).not.toContain(`page:${await idOf('nb')}`);
    expect(res.headers.get('surrogate-control')).toMatch(/max-age=\d+/);
    expect(res.headers.get('cache-control')).toBe('max-age=60');
    expect((await write('PATCH', '/v2/pages/node/na/', { fields: { title: 'A2' } })).status).toBe(202);
    const outbox = await origin.database.db.select().from(purgeOutbox);
    expect(outbox.at(-1)!.keys).toContain(`page:${await idOf('na')}`);
  });
});

describe('access, locale, preview and errors', () => {
  it('preview=1 needs a preview key and shows drafts', async () => {
    await expectErrorShape(await get('/v2/pages/article/?preview=1'), 403, 'forbidden');
    const b = await list('?preview=1&order=rank&page_size=2', origin.seed.keys.preview);
    expect(b.meta.count).toBe(13);
    expect(slugs(b)[0]).toBe('a13');
    await expectErrorShape(await fetch(api('/v2/pages/article/')), 401, 'unauthenticated');
    await expectErrorShape(await get('/v2/pages/article/', origin.seed.keys.admin), 403, 'forbidden');
  });

  it('locale must be a locale of the space', async () => {
    await expectErrorShape(await get('/v2/pages/article/?locale=fr'), 400, 'bad_request');
    await expectErrorShape(await get('/v2/pages/article/?locale=<x>'), 400, 'bad_request');
    expect((await admin('POST', '/locales/', { code: 'fr' })).status).toBe(201);
    expect(await list('?locale=fr')).toEqual({ meta: { count: 0, next_page: null, previous_page: null }, data: [] });
    expect((await list('?locale=en')).meta.count).toBe(12);
  });

  it('* cannot be listed, an unknown type is a tagged 404', async () => {
    await expectErrorShape(await get('/v2/pages/*/'), 400, 'bad_request');
    await expectErrorShape(await get('/v2/pages/Bad!/'), 400, 'bad_request');
    const res = await get('/v2/pages/gadget/');
    expect(res.headers.get('surrogate-key')).toContain(`pages:${origin.seed.spaceId}:gadget`);
    await expectErrorShape(res, 404, 'not_found');
  });

  it('single-page reads still belong to the content routes', async () => {
    const res = await get('/v2/pages/article/a01/');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { slug: 'a01', page_type: 'article' } });
  });

  it('the default order walks pages_list_published_idx, with no sort (a page costs the same at any size)', async () => {
    const q = buildListQuery(origin.database.db, {
      spaceId: origin.seed.spaceId,
      pageType: 'article',
      locale: 'en',
      preview: false,
      paging: { kind: 'page', page: 1, pageSize: 10 },
      order: { by: 'published' },
      descending: true,
      filters: [],
      levels: 1,
    });
    const plan = await origin.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const r = (await tx.execute(sql`explain ${q}`)) as unknown;
      const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string>[];
      return rows.map((row) => Object.values(row).join(' ')).join('\n');
    });
    expect(plan).toContain('pages_list_published_idx');
    expect(plan).not.toMatch(/Sort/);
  });
});

describe('search', () => {
  const search = async (q: string, key = origin.seed.keys.read) => {
    const res = await get(`/v2/pages/search/?${q}`, key);
    expect(res.status, q).toBe(200);
    return { body: (await res.json()) as ListBody, keys: parseSurrogateKeyHeader(res.headers.get('surrogate-key')) };
  };

  it('finds published pages by name and text fields, case-insensitively', async () => {
    const { body, keys } = await search('query=needle');
    expect(slugs(body)).toEqual(['a05']);
    expect(body.meta).toEqual({ count: 1, next_page: null, previous_page: null });
    expect(keys).toEqual(expect.arrayContaining([`space:${origin.seed.spaceId}`, `pages:${origin.seed.spaceId}:*`, `page:${await idOf('a05')}`]));
    expect((await search('query=PAGE%20A1&page_size=2')).body.meta).toEqual({ count: 3, next_page: 2, previous_page: null }); // a10, a11, a12
    expect(slugs((await search('query=welcome')).body)).toEqual(['home']);
    expect(slugs((await search('query=article&page_type=node')).body)).toEqual([]);
    expect((await search('query=article&page_type=article')).body.meta.count).toBe(12);
  });

  it('treats % and _ literally, hides drafts unless previewing', async () => {
    expect((await search('query=%25')).body.meta.count).toBe(0);
    expect((await search('query=_')).body.meta.count).toBe(0);
    expect(slugs((await search('query=Draft')).body)).toEqual([]);
    expect(slugs((await search('query=Draft&preview=1', origin.seed.keys.preview)).body)).toEqual(['a13']);
    await expectErrorShape(await get('/v2/pages/search/?query=x&preview=1'), 403, 'forbidden');
  });

  it('refuses a missing or oversized query and bad parameters', async () => {
    for (const q of ['', 'query=', `query=${'x'.repeat(201)}`, 'query=x&page_size=101', 'query=x&locale=zz', 'query=x&page_type=Bad!']) {
      await expectErrorShape(await get(`/v2/pages/search/?${q}`), 400, 'bad_request');
    }
  });
});
