/**
 * The editors' management reads of collection items and blog posts (issue 20; the web app's items
 * and posts screens), with signed-in members over real HTTP:
 *   GET /v2/manage/spaces/{space}/collections/{key}/items/  and  GET /v2/manage/content/{key}/{id}/revisions/{v}/
 *   GET /v2/manage/spaces/{space}/posts/                    and  GET /v2/manage/posts/{slug}/revisions/{v}/
 * Each filter, paging bounds (refused, not clamped), deleted ones only with status=deleted, wrong
 * tenant (404), wrong role (403), keys, and drafts never on the live Content API. The writes the
 * screens make on items and posts (If-Match saves and 412, publish, rollback, delete) are the
 * existing write routes, driven end to end in test/e2e/content-items and content-posts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, SessionClient } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let space: string;
let otherSpace: string;
let owner: SessionClient;
let author: SessionClient;
let authorId: string;
let outsider: SessionClient;

interface ItemEntry {
  meta: { id: number };
  label: string;
  locale: string;
  status: string;
  version: number;
  updated: string;
  last_saved_by_user: string | null;
  last_saved_by_key: string | null;
}
interface PostEntry {
  slug: string;
  title: string;
  status: string;
  version: number;
  author_slug: string | null;
  last_saved_by_user: string | null;
  last_saved_by_key: string | null;
}
interface List<T> {
  meta: { count: number; next_page: number | null; previous_page: number | null };
  data: T[];
}

const inSpace = (s = space) => ({ 'x-ghee-space': s });
const soon = () => new Date(Date.now() + 3_600_000).toISOString();

async function signIn(role: 'owner' | 'author' | 'viewer' | 'billing', organizationId = origin.seed.organizationId): Promise<{ client: SessionClient; id: string }> {
  const u = await createUser(origin, organizationId, role);
  const client = new SessionClient(origin.server.url);
  await client.login(u.email, u.password);
  return { client, id: u.id };
}

async function ok(res: Response | Promise<Response>, status = 202): Promise<Response> {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(status);
  return r;
}

const itemsPath = (q = '', s = space, key = 'faq') => `/v2/manage/spaces/${s}/collections/${key}/items/${q ? `?${q}` : ''}`;
const postsPath = (q = '', s = space) => `/v2/manage/spaces/${s}/posts/${q ? `?${q}` : ''}`;
async function items(q = '', who: SessionClient = owner): Promise<List<ItemEntry>> {
  return (await (await ok(who.request('GET', itemsPath(q)), 200)).json()) as List<ItemEntry>;
}
async function postList(q = '', who: SessionClient = owner): Promise<List<PostEntry>> {
  return (await (await ok(who.request('GET', postsPath(q)), 200)).json()) as List<PostEntry>;
}
const labels = (l: List<ItemEntry>) => l.data.map((e) => e.label).sort();
const slugs = (l: List<PostEntry>) => l.data.map((e) => e.slug).sort();
const withKey = (path: string, key: string) => fetch(`${origin.server.url}${path}`, { headers: { authorization: `Token ${key}` } });

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
  space = origin.seed.spaceId;
  owner = (await signIn('owner')).client;
  ({ client: author, id: authorId } = await signIn('author'));
  const other = await createOrganization(origin, 'manage-lists-other');
  otherSpace = other.spaceId;
  outsider = (await signIn('owner', other.organizationId)).client;

  // Collections: a FAQ in two locales; an author's draft, published ones, a deleted one.
  await ok(owner.request('POST', `/v2/manage/spaces/${space}/locales/`, { code: 'fr' }), 201);
  const faq = { key: 'faq', name: 'FAQ', fields: [{ name: 'question', type: 'short_text' }, { name: 'answer', type: 'long_text' }] };
  await ok(owner.request('POST', `/v2/manage/spaces/${space}/collections/`, faq), 201);
  await ok(outsider.request('POST', `/v2/manage/spaces/${otherSpace}/collections/`, faq), 201);
  await ok(author.request('POST', '/v2/content/', { key: 'faq', fields: [{ question: 'Draft: how do I sign in?', answer: 'With a 100% strong password' }] }, inSpace()));
  await ok(owner.request('POST', '/v2/content/', { key: 'faq', status: 'published', fields: [{ question: 'Where are invoices?', answer: 'Billing' }, { question: 'Who am I?', answer: 'An editor' }] }, inSpace()));
  await ok(owner.request('POST', '/v2/content/?locale=fr', { key: 'faq', status: 'published', fields: [{ question: 'Où sont les factures ?', answer: 'Facturation' }] }, inSpace()));
  await ok(owner.request('POST', '/v2/content/', { key: 'faq', fields: [{ question: 'Deleted one', answer: 'gone' }] }, inSpace()));
  const deleted = (await items('query=Deleted')).data[0]!;
  await ok(owner.request('DELETE', `/v2/content/faq/${deleted.meta.id}/`, undefined, inSpace()), 204);
  await ok(outsider.request('POST', '/v2/content/', { key: 'faq', fields: [{ question: 'Outsider draft', answer: 'theirs' }] }, inSpace(otherSpace)));

  // Posts: an author's draft, a published post with a blog author, category and tag, a deleted one.
  await ok(owner.request('POST', `/v2/manage/spaces/${space}/authors/`, { slug: 'jane-doe', first_name: 'Jane' }), 201);
  await ok(author.request('POST', '/v2/posts/', { title: 'Draft thoughts', slug: 'draft-thoughts', body: '<p>secret draft</p>' }, inSpace()));
  await ok(owner.request('POST', '/v2/posts/', { title: 'Hello world', slug: 'hello-world', status: 'published', author: { slug: 'jane-doe' }, categories: ['Recipes'], tags: ['Butter'] }, inSpace()));
  await ok(owner.request('POST', '/v2/posts/', { title: 'Later', slug: 'later', status: 'scheduled', scheduled: soon(), tags: ['Butter'] }, inSpace()));
  await ok(owner.request('POST', '/v2/posts/', { title: 'Removed', slug: 'removed' }, inSpace()));
  await ok(owner.request('DELETE', '/v2/posts/removed/', undefined, inSpace()), 204);
  await ok(outsider.request('POST', '/v2/posts/', { title: 'Outsider post', slug: 'outsider-post' }, inSpace(otherSpace)));
});

afterAll(async () => {
  await origin?.stop();
});

describe('GET /v2/manage/spaces/{space}/collections/{key}/items/', () => {
  it('lists every working copy but deleted ones, newest change first, with its label and last editor', async () => {
    const list = await items();
    expect(labels(list)).toEqual(['Draft: how do I sign in?', 'Où sont les factures ?', 'Where are invoices?', 'Who am I?']);
    expect(list.meta).toEqual({ count: 4, next_page: null, previous_page: null });
    const draft = list.data.find((e) => e.label.startsWith('Draft'))!;
    expect(draft).toMatchObject({ status: 'draft', locale: 'en', version: 1, last_saved_by_user: authorId, last_saved_by_key: null });
    // Newest change first: a save moves an item to the top.
    const older = list.data.find((e) => e.label === 'Who am I?')!;
    expect(list.data[0]!.label).not.toBe('Who am I?');
    await ok(owner.request('PATCH', `/v2/content/faq/${older.meta.id}/?locale=${older.locale}`, { fields: { answer: 'touched' } }, inSpace()));
    const after = await items();
    expect(after.data[0]).toMatchObject({ meta: older.meta, locale: older.locale, version: older.version + 1 });
    expect(after.data.map((e) => e.updated)).toEqual([...after.data.map((e) => e.updated)].sort().reverse());
  });

  it('filters by status (deleted ones only with status=deleted), locale, author and text', async () => {
    expect(labels(await items('status=draft'))).toEqual(['Draft: how do I sign in?']);
    expect(labels(await items('status=published'))).toEqual(['Où sont les factures ?', 'Where are invoices?', 'Who am I?']);
    expect(await items('status=scheduled')).toMatchObject({ meta: { count: 0 }, data: [] });
    const deleted = await items('status=deleted');
    expect(deleted.data).toMatchObject([{ label: 'Deleted one', status: 'deleted' }]);
    expect(labels(await items('locale=fr'))).toEqual(['Où sont les factures ?']);
    expect(labels(await items(`author=${authorId}`))).toEqual(['Draft: how do I sign in?']);
    // Text anywhere in the item's values, case-insensitive; LIKE wildcards are literal.
    expect(labels(await items('query=FACTUR'))).toEqual(['Où sont les factures ?']);
    expect(labels(await items(`query=${encodeURIComponent('100%')}`))).toEqual(['Draft: how do I sign in?']);
    expect((await items(`query=${encodeURIComponent('%')}`)).data.map((e) => e.label)).toEqual(['Draft: how do I sign in?']);
    expect(await items('query=nowhere')).toMatchObject({ meta: { count: 0 } });
    expect(labels(await items('status=published&locale=en&query=invoices'))).toEqual(['Where are invoices?']);
  });

  it('pages with page and page_size, refusing sizes outside 1–100 instead of clamping them', async () => {
    const first = await items('page_size=3');
    expect(first.meta).toEqual({ count: 4, next_page: 2, previous_page: null });
    const second = await items('page_size=3&page=2');
    expect(second.meta).toEqual({ count: 4, next_page: null, previous_page: 1 });
    expect([...first.data, ...second.data].map((e) => `${e.meta.id}/${e.locale}`)).toHaveLength(new Set([...first.data, ...second.data].map((e) => `${e.meta.id}/${e.locale}`)).size);
    expect((await items('page_size=100')).data).toHaveLength(4);
    expect((await items('page=9')).data).toEqual([]);
    for (const q of ['page_size=0', 'page_size=101', 'page_size=ten', 'page=0', 'page=-1', 'page=10000001', 'status=archived', 'locale=EN_us', 'author=jane', 'query=', `query=${'x'.repeat(201)}`, 'query=%0A']) {
      await expectErrorShape(await owner.request('GET', itemsPath(q)), 400, 'bad_request');
    }
    await expectErrorShape(await owner.request('GET', itemsPath('', space, 'nope')), 404, 'not_found');
    await expectErrorShape(await owner.request('GET', itemsPath('', space, 'Bad Key!')), 404, 'not_found');
  });

  it('answers 404 for another organization\'s space, 403 to a role without content.preview, and serves write/preview keys only', async () => {
    await expectErrorShape(await owner.request('GET', itemsPath('', otherSpace)), 404, 'not_found');
    await expectErrorShape(await outsider.request('GET', itemsPath()), 404, 'not_found');
    expect((await (await ok(outsider.request('GET', itemsPath('', otherSpace)), 200)).json()) as List<ItemEntry>).toMatchObject({ meta: { count: 1 }, data: [{ label: 'Outsider draft' }] });
    const viewer = (await signIn('viewer')).client;
    expect((await items('', viewer)).meta.count).toBe(4);
    await expectErrorShape(await (await signIn('billing')).client.request('GET', itemsPath()), 403, 'forbidden');
    await expectErrorShape(await fetch(`${origin.server.url}${itemsPath()}`), 401, 'unauthenticated');
    expect((await withKey(itemsPath(), origin.seed.keys.preview)).status).toBe(200);
    expect((await withKey(itemsPath(), origin.seed.keys.write)).status).toBe(200);
    await expectErrorShape(await withKey(itemsPath(), origin.seed.keys.read), 403, 'forbidden');
  });

  it('keeps drafts off the live Content API while the management list shows them', async () => {
    const live = (await (await withKey('/v2/content/faq/?page_size=100', origin.seed.keys.read)).json()) as { data: { faq: { question: string }[] } };
    expect(live.data.faq.map((i) => i.question).sort()).toEqual(['Where are invoices?', 'Who am I?']);
    const draft = (await items('status=draft')).data[0]!;
    expect((await withKey(`/v2/content/faq/${draft.meta.id}/`, origin.seed.keys.read)).status).toBe(404);
  });
});

describe('GET /v2/manage/content/{key}/{id}/revisions/{version}/', () => {
  it('answers one revision with its fields, per locale, for a field-level diff', async () => {
    const draft = (await items('status=draft')).data[0]!;
    await ok(author.request('PATCH', `/v2/content/faq/${draft.meta.id}/`, { fields: { answer: 'A passkey' } }, inSpace()));
    const path = (v: number | string, q = '') => `/v2/manage/content/faq/${draft.meta.id}/revisions/${v}/${q}`;
    const one = (await (await ok(author.request('GET', path(1), undefined, inSpace()), 200)).json()) as { data: Record<string, unknown> };
    expect(one.data).toMatchObject({ version: 1, label: 'Draft: how do I sign in?', status: 'draft', fields: { question: 'Draft: how do I sign in?', answer: 'With a 100% strong password' }, created_by_user: authorId, created_by_key: null });
    const two = (await (await ok(author.request('GET', path(2), undefined, inSpace()), 200)).json()) as { data: { fields: Record<string, unknown> } };
    expect(two.data.fields).toMatchObject({ answer: 'A passkey' });
    await expectErrorShape(await author.request('GET', path(3), undefined, inSpace()), 404, 'not_found');
    await expectErrorShape(await author.request('GET', path(0), undefined, inSpace()), 404, 'not_found');
    await expectErrorShape(await author.request('GET', path(1, '?locale=fr'), undefined, inSpace()), 404, 'not_found');
    await expectErrorShape(await author.request('GET', path(1, '?locale=F%20R'), undefined, inSpace()), 400, 'bad_request');
    const fr = (await items('locale=fr')).data[0]!;
    expect((await owner.request('GET', `/v2/manage/content/faq/${fr.meta.id}/revisions/1/?locale=fr`, undefined, inSpace())).status).toBe(200);
    // Another tenant's space named in the header: as if it did not exist; no space named: 400.
    await expectErrorShape(await owner.request('GET', path(1), undefined, inSpace(otherSpace)), 404, 'not_found');
    await expectErrorShape(await outsider.request('GET', path(1), undefined, inSpace(otherSpace)), 404, 'not_found');
    await expectErrorShape(await owner.request('GET', path(1)), 400, 'bad_request');
    await expectErrorShape(await (await signIn('billing')).client.request('GET', path(1), undefined, inSpace()), 403, 'forbidden');
    expect((await withKey(path(1), origin.seed.keys.preview)).status).toBe(200);
  });
});

describe('GET /v2/manage/spaces/{space}/posts/', () => {
  it('lists every post but deleted ones, newest change first, with its blog author (the owner\'s by default) and last editor', async () => {
    const list = await postList();
    expect(slugs(list)).toEqual(['draft-thoughts', 'hello-world', 'later']);
    expect(list.data.map((p) => p.slug)).toEqual(['later', 'hello-world', 'draft-thoughts']);
    expect(list.data.find((p) => p.slug === 'draft-thoughts')).toMatchObject({ title: 'Draft thoughts', status: 'draft', version: 1, author_slug: 'demo-admin', last_saved_by_user: authorId, last_saved_by_key: null });
    expect(list.data.find((p) => p.slug === 'hello-world')).toMatchObject({ status: 'published', author_slug: 'jane-doe' });
  });

  it('filters by status (deleted only with status=deleted), member, blog author, category, tag and text', async () => {
    expect(slugs(await postList('status=draft'))).toEqual(['draft-thoughts']);
    expect(slugs(await postList('status=published'))).toEqual(['hello-world']);
    expect(slugs(await postList('status=scheduled'))).toEqual(['later']);
    expect((await postList('status=deleted')).data).toMatchObject([{ slug: 'removed', status: 'deleted' }]);
    expect(slugs(await postList(`author=${authorId}`))).toEqual(['draft-thoughts']);
    expect(slugs(await postList('author_slug=jane-doe'))).toEqual(['hello-world']);
    expect(slugs(await postList('category_slug=recipes'))).toEqual(['hello-world']);
    expect(slugs(await postList('tag_slug=butter'))).toEqual(['hello-world', 'later']);
    expect(slugs(await postList('tag_slug=butter&status=scheduled'))).toEqual(['later']);
    expect(slugs(await postList('query=THOUGHTS'))).toEqual(['draft-thoughts']);
    expect(slugs(await postList('query=hello-w'))).toEqual(['hello-world']);
    expect((await postList('query=_')).meta.count).toBe(0);
  });

  it('pages with page and page_size and refuses bad input with 400', async () => {
    expect((await postList('page_size=2')).meta).toEqual({ count: 3, next_page: 2, previous_page: null });
    expect((await postList('page_size=2&page=2')).meta).toEqual({ count: 3, next_page: null, previous_page: 1 });
    expect((await postList('page_size=100')).data).toHaveLength(3);
    for (const q of ['page_size=0', 'page_size=101', 'page=0', 'page=1.5', 'status=live', 'author=x', 'author_slug=a%20b', 'category_slug=-', 'tag_slug=', 'query=', `query=${'y'.repeat(201)}`]) {
      await expectErrorShape(await owner.request('GET', postsPath(q)), 400, 'bad_request');
    }
  });

  it('answers 404 for another organization\'s space, 403 to a role without content.preview; keys as for items', async () => {
    await expectErrorShape(await owner.request('GET', postsPath('', otherSpace)), 404, 'not_found');
    await expectErrorShape(await outsider.request('GET', postsPath()), 404, 'not_found');
    expect(slugs((await (await ok(outsider.request('GET', postsPath('', otherSpace)), 200)).json()) as List<PostEntry>)).toEqual(['outsider-post']);
    await expectErrorShape(await (await signIn('billing')).client.request('GET', postsPath()), 403, 'forbidden');
    expect((await withKey(postsPath(), origin.seed.keys.write)).status).toBe(200);
    await expectErrorShape(await withKey(postsPath(), origin.seed.keys.read), 403, 'forbidden');
  });

  it('keeps drafts and scheduled posts off the live Content API', async () => {
    const live = (await (await withKey('/v2/posts/', origin.seed.keys.read)).json()) as { data: { slug: string }[] };
    expect(live.data.map((p) => p.slug)).toEqual(['hello-world']);
    expect((await withKey('/v2/posts/draft-thoughts/', origin.seed.keys.read)).status).toBe(404);
  });
});

describe('GET /v2/manage/posts/{slug}/revisions/{version}/', () => {
  it('answers one revision with its content', async () => {
    await ok(author.request('PATCH', '/v2/posts/draft-thoughts/', { body: '<p>second thoughts</p>', title: 'Second thoughts' }, inSpace()));
    const get = (v: number | string, who = author, s = space) => who.request('GET', `/v2/manage/posts/draft-thoughts/revisions/${v}/`, undefined, inSpace(s));
    const one = (await (await ok(get(1), 200)).json()) as { data: { fields: Record<string, unknown> } };
    expect(one.data).toMatchObject({ version: 1, title: 'Draft thoughts', status: 'draft', created_by_user: authorId, created_by_key: null });
    expect(one.data.fields).toMatchObject({ body: '<p>secret draft</p>' });
    const two = (await (await ok(get(2), 200)).json()) as { data: { title: string; fields: Record<string, unknown> } };
    expect(two.data).toMatchObject({ title: 'Second thoughts', fields: { body: '<p>second thoughts</p>' } });
    await expectErrorShape(await get(3), 404, 'not_found');
    await expectErrorShape(await get('x'), 404, 'not_found');
    await expectErrorShape(await get(1, owner, otherSpace), 404, 'not_found');
    await expectErrorShape(await get(1, outsider, otherSpace), 404, 'not_found');
    await expectErrorShape(await get(1, (await signIn('billing')).client), 403, 'forbidden');
    await expectErrorShape(await author.request('GET', '/v2/manage/posts/removed/revisions/1/', undefined, inSpace()), 404, 'not_found');
    expect((await withKey('/v2/manage/posts/draft-thoughts/revisions/1/', origin.seed.keys.preview)).status).toBe(200);
  });
});
