/**
 * `page_counts` (migration 0007): list counts kept by statement-level triggers on `pages`, read
 * as meta.count of unfiltered lists. After every kind of write — API writes, concurrent
 * creates, bulk SQL, moves between types and locales, soft and hard deletes, restores, a
 * deleted space, a truncate — the counters equal a count over the pages.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageCounts, pages, pageTypes, spaces } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const api = (path: string) => `${origin.server.url}${path}`;
const write = (method: string, path: string, body?: unknown) =>
  fetch(api(path), { method, headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const metaCount = async (query: string, key = origin.seed.keys.read) => {
  const res = await fetch(api(`/v2/pages/story/${query}${query.includes('?') ? '&' : '?'}auth_token=${key}`));
  expect(res.status).toBe(200);
  return ((await res.json()) as { meta: { count: number } }).meta.count;
};

type CountRow = { space_id: string; page_type: string; locale: string; published: number; live: number };
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as CountRow[];
const key = (r: CountRow) => `${r.space_id}/${r.page_type}/${r.locale}`;
const normalise = (rows: CountRow[]) =>
  rows
    .filter((r) => Number(r.published) !== 0 || Number(r.live) !== 0)
    .map((r) => ({ ...r, published: Number(r.published), live: Number(r.live) }))
    .sort((a, b) => key(a).localeCompare(key(b)));

/** The counters equal a count over the pages, for every list. */
async function expectCountersExact() {
  const db = origin.database.db;
  const truth = rowsOf(
    await db.execute(sql`
      select space_id::text as space_id, page_type, locale,
        (count(*) filter (where published is not null and deleted_at is null))::int as published,
        (count(*) filter (where deleted_at is null))::int as live
      from pages group by 1, 2, 3`),
  );
  const counters = rowsOf(await db.execute(sql`select space_id::text as space_id, page_type, locale, published, live from page_counts`));
  expect(normalise(counters)).toEqual(normalise(truth));
  expect(counters.every((r) => Number(r.published) >= 0 && Number(r.live) >= Number(r.published))).toBe(true);
}

beforeAll(async () => {
  origin = await startTestOrigin();
  await origin.database.db.insert(pageTypes).values({ spaceId: origin.seed.spaceId, slug: 'story', name: 'Story', fields: [{ name: 'title', type: 'short_text' }] });
});
afterAll(async () => origin?.stop());

describe('page_counts', () => {
  it('starts from the seeded pages (backfilled by the migration, then kept by the triggers)', async () => {
    await expectCountersExact();
    expect(await metaCount('')).toBe(0);
  });

  it('follows API creates, drafts, publishing, unpublishing and deletes', async () => {
    const create = (slug: string, status: string) => write('POST', '/v2/pages/', { title: slug, slug, page_type: 'story', status, fields: { title: slug } });
    for (const slug of ['s1', 's2', 's3']) expect((await create(slug, 'published')).status).toBe(202);
    expect((await create('d1', 'draft')).status).toBe(202);
    await expectCountersExact();
    expect(await metaCount('')).toBe(3);
    expect(await metaCount('?preview=1', origin.seed.keys.preview)).toBe(4);

    expect((await write('PATCH', '/v2/pages/story/d1/', { status: 'published' })).status).toBe(202);
    expect(await metaCount('')).toBe(4);
    expect((await write('PATCH', '/v2/pages/story/s1/', { fields: { title: 'again' } })).status).toBe(202);
    expect(await metaCount('')).toBe(4);
    expect((await write('DELETE', '/v2/pages/story/s2/')).status).toBe(204);
    await expectCountersExact();
    expect(await metaCount('')).toBe(3);
    expect(await metaCount('?preview=1', origin.seed.keys.preview)).toBe(3);
    // Unpublish (published JSON cleared) and restore (deleted_at cleared) by SQL.
    await origin.database.db.update(pages).set({ published: null, status: 'draft' }).where(eq(pages.slug, 's3'));
    await origin.database.db.update(pages).set({ deletedAt: null }).where(eq(pages.slug, 's2'));
    await expectCountersExact();
    expect(await metaCount('')).toBe(3);
    expect(await metaCount('?preview=1', origin.seed.keys.preview)).toBe(4);
  });

  it('counts every one of many concurrent creates', async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => write('POST', '/v2/pages/', { title: `c${i}`, slug: `c${i}`, page_type: 'story', status: 'published', fields: { title: `c${i}` } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(25).fill(202));
    await expectCountersExact();
    expect(await metaCount('')).toBe(28);
  });

  it('follows bulk inserts, moves between types and locales, and hard deletes', async () => {
    const db = origin.database.db;
    await db.execute(sql`
      insert into pages (space_id, page_type, slug, locale, name, status, fields, published, published_at, deleted_at)
      select ${origin.seed.spaceId}::uuid, 'story', 'bulk-' || i, case when i % 3 = 0 then 'fr' else 'en' end, 'Bulk ' || i, 'published', '{}'::jsonb,
        case when i % 4 = 0 then null else '{}'::jsonb end, now(), case when i % 5 = 0 then now() else null end
      from generate_series(1, 500) as i`);
    await expectCountersExact();
    await db.execute(sql`update pages set page_type = 'other' where slug like 'bulk-1%'`);
    await db.execute(sql`update pages set locale = 'de' where slug like 'bulk-2%' and locale = 'en'`);
    await expectCountersExact();
    await db.execute(sql`delete from pages where slug like 'bulk-3%'`);
    await db.execute(sql`update pages set deleted_at = now() where slug like 'bulk-4%'`);
    await expectCountersExact();
  });

  it('a deleted space takes its pages and counters with it', async () => {
    const db = origin.database.db;
    const [other] = await db.insert(spaces).values({ organizationId: origin.seed.organizationId, slug: 'doomed', name: 'Doomed' }).returning();
    await issueApiKey(db, { organizationId: origin.seed.organizationId, spaceId: other!.id, kind: 'read', name: 'k' });
    await db.insert(pages).values(Array.from({ length: 5 }, (_, i) => ({ spaceId: other!.id, slug: `p${i}`, locale: 'en', name: 'P', published: {}, status: 'published' as const })));
    expect((await db.select().from(pageCounts).where(eq(pageCounts.spaceId, other!.id)))[0]).toMatchObject({ published: 5, live: 5 });
    await db.delete(spaces).where(eq(spaces.id, other!.id));
    expect(await db.select().from(pageCounts).where(eq(pageCounts.spaceId, other!.id))).toEqual([]);
    await expectCountersExact();
  });

  it('a truncate empties the counters too', async () => {
    const db = origin.database.db;
    await db.execute(sql`truncate pages cascade`);
    expect(rowsOf(await db.execute(sql`select * from page_counts`))).toEqual([]);
    await db.insert(pages).values({ spaceId: origin.seed.spaceId, pageType: 'story', slug: 'after', locale: 'en', name: 'A', published: {}, status: 'published' });
    await expectCountersExact();
    expect(await metaCount('')).toBe(1);
  });
});
