import { eq, sql } from 'drizzle-orm';
import { Parser } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { categories, organizations, postRevisions, posts, purgeOutbox, spaces, webhookDeliveries } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { serializeXml, stripInvalid, xmlAttr, xmlText } from '../../origin/content/feeds/feeds.js';
import { createWebhook } from '../../origin/outbox/webhooks.js';
import { unwrap } from '../../origin/http/result.js';
import { expectErrorShape, expectSecureHeaders } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let hookId: string;
const api = (path: string) => `${origin.server.url}${path}`;
const send = (method: string, path: string, body?: unknown, key = origin.seed.keys.write, headers: Record<string, string> = {}) =>
  fetch(api(path), {
    method,
    headers: { authorization: `Token ${key}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const get = (path: string, key = origin.seed.keys.read) => fetch(api(path), { headers: { authorization: `Token ${key}` } });
const json = async <T = Record<string, unknown>>(res: Response): Promise<T> => {
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};
const outboxCount = async () => (await origin.database.db.select({ n: sql<number>`count(*)::int` }).from(purgeOutbox))[0]!.n;
const deliveries = async () => origin.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hookId)).orderBy(webhookDeliveries.createdAt);
const postRow = async (slug: string) => (await origin.database.db.select().from(posts).where(eq(posts.slug, slug)))[0]!;
const etagOf = async (slug: string) => (await get(`/v2/manage/posts/${slug}/`, origin.seed.keys.write)).headers.get('etag')!;
const revisionsOf = async (slug: string) =>
  origin.database.db.select().from(postRevisions).where(eq(postRevisions.postId, (await postRow(slug)).id)).orderBy(postRevisions.version);

interface Post {
  slug: string;
  title: string;
  body?: string;
  status: string;
  categories: { name: string; slug: string }[];
  tags: { name: string; slug: string }[];
  author: Record<string, string> | null;
  [k: string]: unknown;
}
interface List {
  meta: { count: number; next_page: number | null; previous_page: number | null };
  data: Post[];
}

const TRICKY = `Bread & Butter <Special> "quoted" 'single' ]]> end`;

beforeAll(async () => {
  origin = await startTestOrigin();
  hookId = (
    unwrap(await createWebhook(
      origin.database.db,
      { spaceId: origin.seed.spaceId, url: 'https://hooks.example.com/butter', events: ['post.all'], allowLoopback: false, lookup: async () => ['93.184.216.34'] },
      devEnvelope(),
    ))
  ).id;
  const author = await send(
    'POST',
    `/v2/manage/spaces/${origin.seed.spaceId}/authors/`,
    { slug: 'jane-doe', first_name: 'Jane', last_name: 'Doe', email: 'jane@example.com', bio: 'Writes.', title: 'Editor', twitter_handle: 'jane', profile_image: 'https://cdn.example.com/jane.png' },
    origin.seed.keys.admin,
  );
  expect(author.status).toBe(201);
  await send('POST', `/v2/manage/spaces/${origin.seed.spaceId}/authors/`, { slug: 'sam' }, origin.seed.keys.admin);
  // Oldest first, so "fourth" is the newest published post.
  const seed: unknown[] = [
    { title: 'First post', slug: 'first', status: 'published', author: { email: 'JANE@example.com' }, categories: ['Recipes'], tags: ['Butter', 'Really Good'], summary: 'The first summary', body: '<p>Hello world</p>', seo_title: 'SEO 1', meta_description: 'Meta 1', featured_image: 'https://cdn.example.com/1.png', featured_image_alt: 'one' },
    { title: TRICKY, slug: 'second', status: 'published', author: { slug: 'sam' }, categories: ['Meals', 'recipes'], tags: ['butter'], summary: 'Needle in the summary', body: '<p>plain</p>' },
    { title: 'Draft only', slug: 'draft-only', author: { slug: 'jane-doe' }, categories: ['Recipes'], body: '<p>secret draft</p>' },
    { title: 'Fourth post', slug: 'fourth', status: 'published', body: '<p>100% NEEDLE_x body</p>', tags: ['Other'] },
  ];
  for (const body of seed) expect((await send('POST', '/v2/posts/', body)).status).toBe(202);
});
afterAll(async () => origin?.stop());

describe('posts: list', () => {
  it('answers the exact ButterCMS shape, newest published first, drafts hidden, with cache headers', async () => {
    const res = await get('/v2/posts/');
    const body = await json<List>(res);
    expect(body.meta).toEqual({ count: 3, next_page: null, previous_page: null });
    expect(body.data.map((p) => p.slug)).toEqual(['fourth', 'second', 'first']);
    const first = body.data[2]!;
    expect(Object.keys(first).sort()).toEqual(
      ['author', 'body', 'categories', 'created', 'featured_image', 'featured_image_alt', 'meta_description', 'published', 'seo_title', 'slug', 'status', 'summary', 'tags', 'title', 'updated', 'url'].sort(),
    );
    expect(first).toMatchObject({
      url: '/blog/first',
      status: 'published',
      title: 'First post',
      slug: 'first',
      summary: 'The first summary',
      body: '<p>Hello world</p>',
      seo_title: 'SEO 1',
      meta_description: 'Meta 1',
      featured_image: 'https://cdn.example.com/1.png',
      featured_image_alt: 'one',
      author: {
        first_name: 'Jane',
        last_name: 'Doe',
        email: 'jane@example.com',
        slug: 'jane-doe',
        bio: 'Writes.',
        title: 'Editor',
        linkedin_url: '',
        facebook_url: '',
        instagram_url: '',
        pinterest_url: '',
        twitter_handle: 'jane',
        profile_image: 'https://cdn.example.com/jane.png',
      },
      categories: [{ name: 'Recipes', slug: 'recipes' }],
      tags: [
        { name: 'Butter', slug: 'butter' },
        { name: 'Really Good', slug: 'really-good' },
      ],
    });
    for (const k of ['created', 'published', 'updated'] as const) expect(new Date(String(first[k])).toISOString()).toBe(first[k]);
    // Written without an author: the organization's owner, as ButterCMS assigns (no email: author records are public).
    expect(body.data[0]!.author).toMatchObject({ slug: 'demo-admin', first_name: 'Demo', last_name: 'Admin', email: '' });
    expect(body.data[0]!.featured_image).toBeNull();
    // "recipes" matched the existing category by slug instead of creating a second one.
    expect(body.data[1]!.categories).toEqual([
      { name: 'Meals', slug: 'meals' },
      { name: 'Recipes', slug: 'recipes' },
    ]);
    const ids = await Promise.all(['fourth', 'second', 'first'].map(async (s) => (await postRow(s)).id));
    const keys = res.headers.get('surrogate-key')!.split(' ');
    expect(keys.slice(0, 2)).toEqual([`space:${origin.seed.spaceId}`, `posts:${origin.seed.spaceId}`]);
    for (const id of ids) expect(keys).toContain(`post:${id}`);
    expect(res.headers.get('surrogate-control')).toMatch(/^max-age=\d+/);
    expect(res.headers.get('cache-control')).toBe('max-age=60');
    expectSecureHeaders(res);
  });

  it('paginates with ButterCMS meta at the edges', async () => {
    const p1 = await json<List>(await get('/v2/posts/?page_size=2'));
    expect(p1.meta).toEqual({ count: 3, next_page: 2, previous_page: null });
    expect(p1.data.map((p) => p.slug)).toEqual(['fourth', 'second']);
    const p2 = await json<List>(await get('/v2/posts/?page_size=2&page=2'));
    expect(p2.meta).toEqual({ count: 3, next_page: null, previous_page: 1 });
    expect(p2.data.map((p) => p.slug)).toEqual(['first']);
    const p9 = await json<List>(await get('/v2/posts/?page_size=2&page=9'));
    expect(p9).toEqual({ meta: { count: 3, next_page: null, previous_page: 8 }, data: [] });
    expect((await json<List>(await get('/v2/posts/?page_size=100'))).data).toHaveLength(3);
    for (const bad of ['page_size=101', 'page_size=0', 'page=0', 'page=-1', 'page=abc', 'page_size=1.5', 'exclude_body=maybe', 'author_slug=%3Cx%3E']) {
      await expectErrorShape(await get(`/v2/posts/?${bad}`), 400, 'bad_request');
    }
  });

  it('exclude_body drops only the body', async () => {
    const body = await json<List>(await get('/v2/posts/?exclude_body=true'));
    for (const p of body.data) {
      expect(p).not.toHaveProperty('body');
      expect(p).toHaveProperty('summary');
    }
  });

  it('filters by author_slug, category_slug and tag_slug', async () => {
    const slugs = async (q: string) => (await json<List>(await get(`/v2/posts/?${q}`))).data.map((p) => p.slug);
    expect(await slugs('author_slug=jane-doe')).toEqual(['first']);
    expect(await slugs('author_slug=sam')).toEqual(['second']);
    expect(await slugs('category_slug=recipes')).toEqual(['second', 'first']);
    expect(await slugs('category_slug=meals')).toEqual(['second']);
    expect(await slugs('tag_slug=butter')).toEqual(['second', 'first']);
    expect(await slugs('tag_slug=butter&category_slug=meals')).toEqual(['second']);
    expect(await slugs('tag_slug=nope')).toEqual([]);
    expect((await json<List>(await get('/v2/posts/?tag_slug=nope'))).meta).toEqual({ count: 0, next_page: null, previous_page: null });
  });
});

describe('posts: detail, search, preview', () => {
  it('returns one post with next_post (newer) and previous_post (older)', async () => {
    const mid = await json<{ meta: unknown; data: Post }>(await get('/v2/posts/second/'));
    expect(mid.data.title).toBe(TRICKY);
    expect(mid.meta).toEqual({
      next_post: { slug: 'fourth', title: 'Fourth post', featured_image: null },
      previous_post: { slug: 'first', title: 'First post', featured_image: 'https://cdn.example.com/1.png' },
    });
    expect((await json<{ meta: unknown }>(await get('/v2/posts/fourth/'))).meta).toEqual({ next_post: null, previous_post: { slug: 'second', title: TRICKY, featured_image: null } });
  });

  it('newest post has no next_post, oldest no previous_post; unknown and draft slugs 404 (tagged for purge)', async () => {
    const newest = await json<{ meta: { next_post: unknown; previous_post: { slug: string } } }>(await get('/v2/posts/fourth/'));
    expect(newest.meta.next_post).toBeNull();
    expect(newest.meta.previous_post.slug).toBe('second');
    const oldest = await json<{ meta: { next_post: { slug: string }; previous_post: unknown } }>(await get('/v2/posts/first/'));
    expect(oldest.meta).toEqual({ next_post: expect.objectContaining({ slug: 'second' }), previous_post: null });
    const missing = await get('/v2/posts/nope/');
    expect(missing.headers.get('surrogate-key')).toBe(`space:${origin.seed.spaceId} posts:${origin.seed.spaceId}`);
    await expectErrorShape(missing, 404, 'not_found');
    await expectErrorShape(await get('/v2/posts/draft-only/'), 404, 'not_found');
    await expectErrorShape(await get('/v2/posts/bad%20slug/'), 404, 'not_found');
  });

  it('searches title, body and summary case-insensitively, with LIKE wildcards taken literally', async () => {
    const slugs = async (q: string) => (await json<List>(await get(`/v2/posts/search/?query=${encodeURIComponent(q)}`))).data.map((p) => p.slug);
    expect(await slugs('needle')).toEqual(['fourth', 'second']);
    expect(await slugs('FIRST POST')).toEqual(['first']);
    expect(await slugs('100%')).toEqual(['fourth']);
    expect(await slugs('%')).toEqual(['fourth']);
    expect(await slugs('needle_x')).toEqual(['fourth']);
    expect(await slugs('secret draft')).toEqual([]);
    const paged = await json<List>(await get('/v2/posts/search/?query=needle&page_size=1&page=2'));
    expect(paged.meta).toEqual({ count: 2, next_page: null, previous_page: 1 });
    await expectErrorShape(await get('/v2/posts/search/'), 400, 'bad_request');
    await expectErrorShape(await get(`/v2/posts/search/?query=${'x'.repeat(201)}`), 400, 'bad_request');
  });

  it('preview: read keys are refused, preview and write keys see drafts', async () => {
    await expectErrorShape(await get('/v2/posts/?preview=1'), 403, 'forbidden');
    await expectErrorShape(await get('/v2/posts/draft-only/?preview=1'), 403, 'forbidden');
    for (const key of [origin.seed.keys.preview, origin.seed.keys.write]) {
      const list = await json<List>(await get('/v2/posts/?preview=1', key));
      expect(list.meta.count).toBe(4);
      expect(list.data.map((p) => p.slug)).toContain('draft-only');
      const draft = await json<{ data: Post }>(await get('/v2/posts/draft-only/?preview=1', key));
      expect(draft.data).toMatchObject({ slug: 'draft-only', status: 'draft', published: null, author: { slug: 'jane-doe' }, categories: [{ name: 'Recipes', slug: 'recipes' }] });
      expect((await json<List>(await get('/v2/posts/?preview=1&author_slug=jane-doe', key))).data.map((p) => p.slug).sort()).toEqual(['draft-only', 'first']);
      expect((await json<List>(await get('/v2/posts/search/?preview=1&query=secret', key))).data.map((p) => p.slug)).toEqual(['draft-only']);
    }
    // Without preview, a preview key sees published content only.
    expect((await json<List>(await get('/v2/posts/', origin.seed.keys.preview))).meta.count).toBe(3);
  });

  it('needs a key', async () => {
    await expectErrorShape(await fetch(api('/v2/posts/')), 401, 'unauthenticated');
    await expectErrorShape(await get('/v2/posts/', 'ghee_read_nope'), 401, 'invalid_token');
  });
});

describe('authors, categories, tags', () => {
  it('lists and retrieves authors, with include=recent_posts', async () => {
    const list = await json<{ data: Record<string, unknown>[] }>(await get('/v2/authors/'));
    // demo-admin: the owner's author, made when "fourth" was written without one.
    expect(list.data.map((a) => a.slug)).toEqual(['demo-admin', 'jane-doe', 'sam']);
    expect(list.data[0]).not.toHaveProperty('recent_posts');
    const res = await get('/v2/authors/jane-doe/?include=recent_posts');
    const one = await json<{ data: { slug: string; recent_posts: Post[] } }>(res);
    expect(one.data.slug).toBe('jane-doe');
    expect(one.data.recent_posts.map((p) => p.slug)).toEqual(['first']);
    const firstId = (await postRow('first')).id;
    expect(res.headers.get('surrogate-key')!.split(' ')).toEqual(expect.arrayContaining([`space:${origin.seed.spaceId}`, `posts:${origin.seed.spaceId}`, `post:${firstId}`]));
    expect(res.headers.get('surrogate-key')).toMatch(/\bauthor:[0-9a-f-]{36}\b/);
    await expectErrorShape(await get('/v2/authors/nobody/'), 404, 'not_found');
    await expectErrorShape(await get('/v2/authors/?include=everything'), 400, 'bad_request');
  });

  it('lists and retrieves categories and tags, with include=recent_posts', async () => {
    expect(await json(await get('/v2/categories/'))).toEqual({
      data: [
        { name: 'Meals', slug: 'meals' },
        { name: 'Recipes', slug: 'recipes' },
      ],
    });
    const cat = await json<{ data: { name: string; slug: string; recent_posts: Post[] } }>(await get('/v2/categories/recipes/?include=recent_posts'));
    expect(cat.data.name).toBe('Recipes');
    expect(cat.data.recent_posts.map((p) => p.slug)).toEqual(['second', 'first']);
    const tagsList = await json<{ data: { slug: string; recent_posts: Post[] }[] }>(await get('/v2/tags/?include=recent_posts'));
    expect(tagsList.data.map((t) => [t.slug, t.recent_posts.map((p) => p.slug)])).toEqual([
      ['butter', ['second', 'first']],
      ['other', ['fourth']],
      ['really-good', ['first']],
    ]);
    const tag = await get('/v2/tags/other/');
    expect(await json(tag)).toEqual({ data: { name: 'Other', slug: 'other' } });
    const tagKeys = tag.headers.get('surrogate-key')!.split(' ');
    expect(tagKeys.slice(0, 2)).toEqual([`space:${origin.seed.spaceId}`, `tags:${origin.seed.spaceId}`]);
    expect(tagKeys.slice(2)).toEqual([expect.stringMatching(/^tag:[0-9a-f-]{36}$/)]);
    await expectErrorShape(await get('/v2/categories/none/'), 404, 'not_found');
    await expectErrorShape(await get('/v2/tags/none/'), 404, 'not_found');
    await expectErrorShape(await get('/v2/tags/?preview=1'), 403, 'forbidden');
  });
});

// --- feeds -------------------------------------------------------------------------------------

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** Parses with htmlparser2 in XML mode and refuses anything not well-formed (no implied closes). */
function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: { node: XmlNode; selfClosing: boolean }[] = [{ node: root, selfClosing: false }];
  let explicitCloses = 0;
  const parser: Parser = new Parser(
    {
      onopentag(name, attrs) {
        const node: XmlNode = { name, attrs, children: [], text: '' };
        stack.at(-1)!.node.children.push(node);
        const raw = xml.slice(parser.startIndex, parser.endIndex + 1);
        stack.push({ node, selfClosing: raw.endsWith('/>') });
      },
      ontext(text) {
        stack.at(-1)!.node.text += text;
      },
      onclosetag(name, isImplied) {
        const top = stack.pop();
        if (!top || top.node.name !== name) throw new Error(`mismatched </${name}>`);
        if (isImplied && !top.selfClosing) throw new Error(`<${name}> was never closed`);
        if (!isImplied) explicitCloses++;
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  if (stack.length !== 1) throw new Error('unclosed elements');
  if ((xml.match(/<\//g) ?? []).length !== explicitCloses) throw new Error('stray end tag');
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  expect(root.children).toHaveLength(1);
  return root.children[0]!;
}
const child = (n: XmlNode, name: string) => n.children.find((c) => c.name === name)!;
const childrenNamed = (n: XmlNode, name: string) => n.children.filter((c) => c.name === name);
const CLEAN_TRICKY = TRICKY;

describe('xml escaping', () => {
  it('escapes text and attributes and drops characters XML cannot carry', () => {
    expect(xmlText(`a & b < c > d "e" 'f'`)).toBe(`a &amp; b &lt; c &gt; d "e" 'f'`);
    expect(xmlAttr(`a & b < c > d "e" 'f'\n`)).toBe('a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;&#10;');
    expect(xmlText(']]>')).toBe(']]&gt;');
    expect(stripInvalid('a\u0000b\u0008c\td\ne\u000bf\uFFFEg\uD800h\uDC00i😀j')).toBe('abc\td\nefghi😀j');
    expect(serializeXml({ name: 'a', attrs: { href: '"><x>' }, children: ['<b>'] })).toBe('<a href="&quot;&gt;&lt;x&gt;">&lt;b&gt;</a>');
    expect(() => serializeXml({ name: 'a b' })).toThrow();
  });
});

describe('feeds', () => {
  it('rss: valid RSS 2.0 with escaped titles, newest first, cache headers', async () => {
    const res = await get('/v2/feeds/rss/');
    const body = await json<{ data: string }>(res);
    expect(Object.keys(body)).toEqual(['data']);
    expect(body.data).toContain('Bread &amp; Butter &lt;Special&gt; "quoted" \'single\' ]]&gt; end');
    expect(body.data).not.toContain('<Special>');
    const rss = parseXml(body.data);
    expect(rss.name).toBe('rss');
    expect(rss.attrs.version).toBe('2.0');
    const items = childrenNamed(child(rss, 'channel'), 'item');
    expect(items.map((i) => child(i, 'title').text)).toEqual(['Fourth post', CLEAN_TRICKY, 'First post']);
    const first = items[2]!;
    expect(child(first, 'link').text).toBe('/blog/first');
    expect(child(first, 'dc:creator').text).toBe('Jane Doe');
    expect(child(first, 'description').text).toBe('The first summary');
    expect(child(first, 'content:encoded').text).toBe('<p>Hello world</p>');
    expect(child(first, 'media:content').attrs.url).toBe('https://cdn.example.com/1.png');
    expect(child(first, 'pubDate').text).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(res.headers.get('surrogate-key')).toBe(`space:${origin.seed.spaceId} feeds:${origin.seed.spaceId}`);
    expect(res.headers.get('cache-control')).toBe('max-age=60');
  });

  it('rss and atom filter by category_slug and tag_slug', async () => {
    const titles = async (q: string) => childrenNamed(child(parseXml((await json<{ data: string }>(await get(`/v2/feeds/rss/?${q}`))).data), 'channel'), 'item').map((i) => child(i, 'link').text);
    expect(await titles('category_slug=meals')).toEqual(['/blog/second']);
    expect(await titles('tag_slug=other')).toEqual(['/blog/fourth']);
    expect(await titles('tag_slug=none')).toEqual([]);
    const atom = parseXml((await json<{ data: string }>(await get('/v2/feeds/atom/?tag_slug=butter'))).data);
    expect(childrenNamed(atom, 'entry').map((e) => child(e, 'link').attrs.href)).toEqual(['/blog/second', '/blog/first']);
    await expectErrorShape(await get('/v2/feeds/rss/?category_slug=%3Cx%3E'), 400, 'bad_request');
  });

  it('atom: valid Atom 1.0 with escaped titles', async () => {
    const body = await json<{ data: string }>(await get('/v2/feeds/atom/'));
    const feed = parseXml(body.data);
    expect(feed.name).toBe('feed');
    expect(feed.attrs.xmlns).toBe('http://www.w3.org/2005/Atom');
    expect(child(feed, 'id').text).toBe(`urn:uuid:${origin.seed.spaceId}`);
    const entries = childrenNamed(feed, 'entry');
    expect(entries.map((e) => child(e, 'title').text)).toEqual(['Fourth post', CLEAN_TRICKY, 'First post']);
    expect(child(entries[1]!, 'author').children[0]!.text).toBe('Unknown');
    expect(child(entries[2]!, 'author').children[0]!.text).toBe('Jane Doe');
    expect(child(entries[2]!, 'updated').text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(child(entries[2]!, 'content').text).toBe('<p>Hello world</p>');
  });

  it('sitemap: every published post, drafts excluded', async () => {
    const body = await json<{ data: string }>(await get('/v2/feeds/sitemap/'));
    const urlset = parseXml(body.data);
    expect(urlset.attrs.xmlns).toBe('http://www.sitemaps.org/schemas/sitemap/0.9');
    expect(childrenNamed(urlset, 'url').map((u) => child(u, 'loc').text)).toEqual(['/blog/fourth', '/blog/second', '/blog/first']);
    await expectErrorShape(await get('/v2/feeds/json/'), 404, 'not_found');
  });
});

// --- writes ------------------------------------------------------------------------------------

describe('writes', () => {
  it('create: commits the post, its purge keys and its webhook in one go; 202 pending', async () => {
    const outbox = await outboxCount();
    const hooks = (await deliveries()).length;
    const res = await send('POST', '/v2/posts/', { title: 'Fresh', slug: 'fresh', status: 'published', author: { slug: 'jane-doe' }, categories: ['New Cat'], tags: ['Butter'] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'pending' });
    expect((await json<{ data: Post }>(await get('/v2/posts/fresh/'))).data.categories).toEqual([{ name: 'New Cat', slug: 'new-cat' }]);
    const row = await postRow('fresh');
    const rows = await origin.database.db.select().from(purgeOutbox).orderBy(purgeOutbox.id);
    expect(rows.length).toBe(outbox + 1);
    const [cat] = await origin.database.db.select().from(categories).where(eq(categories.slug, 'new-cat'));
    const s = origin.seed.spaceId;
    expect(rows.at(-1)!.keys).toEqual(
      expect.arrayContaining([`post:${row.id}`, `posts:${s}`, `feeds:${s}`, `categories:${s}`, `category:${cat!.id}`, expect.stringMatching(/^author:/), expect.stringMatching(/^tag:/)]),
    );
    expect(rows.at(-1)!.spaceId).toBe(s);
    const d = await deliveries();
    expect(d.length).toBe(hooks + 1);
    expect(d.at(-1)!.payload).toEqual({ data: { id: 'fresh', _id: row.id }, webhook: { event: 'post.published', target: 'https://hooks.example.com/butter' } });
  });

  it('refused writes change and queue nothing', async () => {
    const outbox = await outboxCount();
    const hooks = (await deliveries()).length;
    const cats = (await origin.database.db.select().from(categories)).length;
    const unknownAuthor = await expectErrorShape(await send('POST', '/v2/posts/', { title: 'x', slug: 'x1', author: { email: 'ghost@example.com' }, categories: ['Never Created'] }), 400, 'bad_request');
    expect(String(unknownAuthor.detail)).toContain('author');
    const unknownField = await expectErrorShape(await send('POST', '/v2/posts/', { title: 'x', slug: 'x2', published: '2024-01-01' }), 400, 'bad_request');
    expect(String(unknownField.detail)).toContain('unknown field(s) published');
    const bad = await expectErrorShape(await send('POST', '/v2/posts/', { title: '', slug: 'bad slug', status: 'live', featured_image: 'javascript:alert(1)', categories: ['!!!'] }), 400, 'bad_request');
    for (const f of ['title', 'slug', 'status', 'featured_image']) expect(String(bad.detail)).toContain(f);
    await expectErrorShape(await send('POST', '/v2/posts/', { slug: 'no-title' }), 400, 'bad_request', 'Invalid request: title: is required.');
    await expectErrorShape(await send('POST', '/v2/posts/', { title: 'x', slug: 'x3', categories: ['!!!'] }), 400, 'bad_request');
    await expectErrorShape(await send('POST', '/v2/posts/', { title: 'x', slug: 'x4', author: {} }), 400, 'bad_request');
    await expectErrorShape(await send('POST', '/v2/posts/', { title: 'dup', slug: 'first' }), 400, 'bad_request');
    await expectErrorShape(await send('POST', '/v2/posts/', '{nope'), 400, 'bad_request');
    await expectErrorShape(await send('POST', '/v2/posts/', '[]'), 400, 'bad_request');
    await expectErrorShape(await send('POST', '/v2/posts/', { title: 'x', slug: 'x5', body: 'x'.repeat(1_100_000) }), 413, 'payload_too_large');
    await expectErrorShape(await fetch(api('/v2/posts/'), { method: 'POST', headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'text/plain' }, body: '{}' }), 415, 'unsupported_media_type');
    for (const key of [origin.seed.keys.read, origin.seed.keys.preview, origin.seed.keys.admin]) {
      await expectErrorShape(await send('POST', '/v2/posts/', { title: 'x', slug: 'x6' }, key), 403, 'forbidden');
      await expectErrorShape(await send('PATCH', '/v2/posts/first/', { title: 'x' }, key), 403, 'forbidden');
      await expectErrorShape(await send('DELETE', '/v2/posts/first/', undefined, key), 403, 'forbidden');
    }
    await expectErrorShape(await send('PATCH', '/v2/posts/nowhere/', { title: 'x' }), 404, 'not_found');
    await expectErrorShape(await send('PATCH', '/v2/posts/first/', { title: 'x', author: { slug: 'ghost' } }), 400, 'bad_request');
    await expectErrorShape(await send('PATCH', '/v2/posts/first/', { slug: 'second' }), 400, 'bad_request');
    expect(await outboxCount()).toBe(outbox);
    expect((await deliveries()).length).toBe(hooks);
    expect((await origin.database.db.select().from(categories)).length).toBe(cats);
    expect((await origin.database.db.select().from(posts).where(sql`${posts.slug} like 'x%'`)).length).toBe(0);
    expect((await postRow('first')).title).toBe('First post');
  });

  it('sanitises post bodies: no script, style, event handlers or javascript: URLs', async () => {
    const dirty =
      '<h2 onclick="steal()">Title</h2><script>alert(1)</script><style>body{}</style><p style="x" onmouseover="y">ok <a href="javascript:alert(1)">bad</a> <a href="https://example.com" target="_blank">good</a></p><img src="x.png" onerror="alert(1)" alt="i"><iframe src="https://evil.example"></iframe><a href="JaVaScRiPt:alert(1)">c</a><svg><script>1</script></svg>';
    expect((await send('POST', '/v2/posts/', { title: 'Dirty', slug: 'dirty', status: 'published', body: dirty })).status).toBe(202);
    const { body } = (await json<{ data: Post }>(await get('/v2/posts/dirty/'))).data;
    expect(body).toBe('<h2>Title</h2><p>ok <a>bad</a> <a href="https://example.com" target="_blank" rel="noopener noreferrer">good</a></p><img src="x.png" alt="i" /><a>c</a>');
    expect(body).not.toMatch(/script|onerror|onclick|javascript|style|iframe/i);
    // Updates are sanitised too.
    expect((await send('PATCH', '/v2/posts/dirty/', { body: '<p onclick="x">again</p><script>1</script>' })).status).toBe(202);
    expect((await json<{ data: Post }>(await get('/v2/posts/dirty/'))).data.body).toBe('<p>again</p>');
  });

  it('update: partial, moves categories, purges old and new keys; a draft save keeps the published version live', async () => {
    const before = await json<{ data: Post }>(await get('/v2/posts/fresh/'));
    const [oldCat] = await origin.database.db.select().from(categories).where(eq(categories.slug, 'new-cat'));
    const res = await send('PUT', '/v2/posts/fresh/', { categories: ['Meals'], summary: 'changed' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'pending' });
    expect(res.headers.get('etag')).toMatch(/^"v\d+"$/);
    const after = await json<{ data: Post }>(await get('/v2/posts/fresh/'));
    expect(after.data).toMatchObject({ title: 'Fresh', summary: 'changed', categories: [{ name: 'Meals', slug: 'meals' }], author: { slug: 'jane-doe' }, published: before.data.published });
    const [last] = await origin.database.db.select().from(purgeOutbox).orderBy(sql`${purgeOutbox.id} desc`).limit(1);
    const [meals] = await origin.database.db.select().from(categories).where(eq(categories.slug, 'meals'));
    expect(last!.keys).toEqual(expect.arrayContaining([`category:${oldCat!.id}`, `category:${meals!.id}`]));
    expect((await json<List>(await get('/v2/posts/?category_slug=new-cat'))).data).toEqual([]);

    expect((await send('PATCH', '/v2/posts/fresh/', { status: 'draft', title: 'Fresh (draft)' })).status).toBe(202);
    expect((await json<{ data: Post }>(await get('/v2/posts/fresh/'))).data.title).toBe('Fresh');
    expect((await json<{ data: Post }>(await get('/v2/posts/fresh/?preview=1', origin.seed.keys.preview))).data).toMatchObject({ title: 'Fresh (draft)', status: 'draft' });
    expect((await deliveries()).at(-1)!.event).toBe('post.draft');
    expect((await send('PATCH', '/v2/posts/fresh/', { status: 'published' })).status).toBe(202);
    expect((await json<{ data: Post }>(await get('/v2/posts/fresh/'))).data.title).toBe('Fresh (draft)');
  });

  it('If-Match: the current ETag wins, a stale one gets 412 and changes nothing', async () => {
    const manage = await get('/v2/manage/posts/fresh/', origin.seed.keys.write);
    const etag = manage.headers.get('etag')!;
    expect(etag).toMatch(/^"v\d+"$/);
    expect(manage.headers.get('cache-control')).toBe('no-store');
    expect(((await manage.json()) as { data: { version: number; slug: string } }).data).toMatchObject({ slug: 'fresh', version: Number(etag.slice(2, -1)) });
    await expectErrorShape(await get('/v2/manage/posts/fresh/'), 403, 'forbidden');
    const ok = await send('PATCH', '/v2/posts/fresh/', { summary: 'v-next' }, undefined, { 'if-match': etag });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('etag')).not.toBe(etag);
    const outbox = await outboxCount();
    await expectErrorShape(await send('PATCH', '/v2/posts/fresh/', { summary: 'stale' }, undefined, { 'if-match': etag }), 412, 'precondition_failed');
    await expectErrorShape(await send('DELETE', '/v2/posts/fresh/', undefined, undefined, { 'if-match': etag }), 412, 'precondition_failed');
    await expectErrorShape(await send('PATCH', '/v2/posts/fresh/', { summary: 'x' }, undefined, { 'if-match': 'v1' }), 400, 'bad_request');
    expect(await outboxCount()).toBe(outbox);
    expect((await json<{ data: Post }>(await get('/v2/posts/fresh/'))).data.summary).toBe('v-next');
  });

  it('concurrent PATCHes with one If-Match: exactly one wins', async () => {
    const etag = await etagOf('fresh');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send('PATCH', '/v2/posts/fresh/', { summary: `w${i}` }, undefined, { 'if-match': etag })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(9);
  });

  it('delete: soft delete (204), gone from reads and feeds, webhook queued; re-create revives', async () => {
    const res = await send('DELETE', '/v2/posts/fresh/');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    await expectErrorShape(await get('/v2/posts/fresh/'), 404, 'not_found');
    await expectErrorShape(await get('/v2/posts/fresh/?preview=1', origin.seed.keys.preview), 404, 'not_found');
    expect((await json<List>(await get('/v2/posts/'))).data.map((p) => p.slug)).not.toContain('fresh');
    expect((await json<{ data: string }>(await get('/v2/feeds/sitemap/'))).data).not.toContain('/blog/fresh');
    expect((await deliveries()).at(-1)).toMatchObject({ event: 'post.delete', payload: { data: { id: 'fresh' } } });
    expect((await postRow('fresh')).deletedAt).not.toBeNull();
    await expectErrorShape(await send('DELETE', '/v2/posts/fresh/'), 404, 'not_found');
    expect((await send('POST', '/v2/posts/', { title: 'Fresh again', slug: 'fresh', status: 'published' })).status).toBe(202);
    expect((await json<{ data: Post }>(await get('/v2/posts/fresh/'))).data).toMatchObject({ title: 'Fresh again', categories: [], author: { slug: 'demo-admin' } });
  });
});

describe('author management', () => {
  it('admin only, own organization only, strict bodies', async () => {
    const path = `/v2/manage/spaces/${origin.seed.spaceId}/authors/`;
    await expectErrorShape(await send('POST', path, { slug: 'jane-doe' }, origin.seed.keys.admin), 400, 'bad_request');
    await expectErrorShape(await send('POST', path, { slug: 'x', role: 'admin' }, origin.seed.keys.admin), 400, 'bad_request');
    await expectErrorShape(await send('POST', path, { slug: 'x', linkedin_url: 'javascript:alert(1)' }, origin.seed.keys.admin), 400, 'bad_request');
    await expectErrorShape(await send('POST', path, { slug: 'x', email: 'not-an-email' }, origin.seed.keys.admin), 400, 'bad_request');
    await expectErrorShape(await send('POST', path, { slug: 'x' }, origin.seed.keys.write), 403, 'forbidden');
    await expectErrorShape(await send('POST', '/v2/manage/spaces/00000000-0000-4000-8000-000000000000/authors/', { slug: 'x' }, origin.seed.keys.admin), 404, 'not_found');
    await expectErrorShape(await send('POST', '/v2/manage/spaces/not-a-uuid/authors/', { slug: 'x' }, origin.seed.keys.admin), 404, 'not_found');
    const res = await send('POST', path, { slug: 'new-author', first_name: 'New' }, origin.seed.keys.admin);
    expect(res.status).toBe(201);
    expect(((await res.json()) as { data: unknown }).data).toEqual({
      first_name: 'New',
      last_name: '',
      email: '',
      slug: 'new-author',
      bio: '',
      title: '',
      linkedin_url: '',
      facebook_url: '',
      instagram_url: '',
      pinterest_url: '',
      twitter_handle: '',
      profile_image: '',
    });
    const [last] = await origin.database.db.select().from(purgeOutbox).orderBy(sql`${purgeOutbox.id} desc`).limit(1);
    expect(last!.keys).toEqual(expect.arrayContaining([`authors:${origin.seed.spaceId}`, expect.stringMatching(/^author:/)]));
  });
});

// --- revisions, rollback, restore, scheduling ---------------------------------------------------

describe('post revisions: history, rollback and restore', () => {
  type Managed = Post & { version: number; scheduled: string | null };
  const manage = (path: string, init: { method?: string; body?: unknown; key?: string; headers?: Record<string, string> } = {}) =>
    send(init.method ?? 'GET', `/v2/manage/posts/${path}`, init.body, init.key ?? origin.seed.keys.write, init.headers);
  const view = async (slug: string) => (await json<{ data: Managed }>(await manage(`${slug}/`))).data;
  /** What a rollback must restore: everything but the version and the timestamps. */
  const content = ({ version: _v, updated: _u, created: _c, published: _p, status: _s, ...rest }: Managed) => rest;
  let v1: Managed;

  it('writes one revision per save and lists them newest first', async () => {
    const first = {
      title: 'Rev one',
      slug: 'rev',
      status: 'published',
      categories: ['Recipes'],
      tags: ['Butter'],
      summary: 's1',
      body: '<p>one</p>',
      seo_title: 'seo1',
      meta_description: 'meta1',
      featured_image: 'https://cdn.example.com/r1.png',
      featured_image_alt: 'alt1',
    };
    expect((await send('POST', '/v2/posts/', first)).status).toBe(202);
    v1 = await view('rev');
    expect(v1).toMatchObject({ version: 1, author: { slug: 'demo-admin' }, status: 'published', scheduled: null });
    expect((await send('PATCH', '/v2/posts/rev/', { title: 'Rev two', author: { slug: 'jane-doe' }, categories: ['Meals'], tags: [], body: '<p>two</p>', featured_image: '' })).status).toBe(202);
    expect((await send('PATCH', '/v2/posts/rev/', { status: 'draft', summary: 's3' })).status).toBe(202);
    const res = await manage('rev/revisions/');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const history = await json<{ data: { version: number; title: string; status: string; created: string }[] }>(res);
    expect(history.data.map((r) => [r.version, r.title, r.status])).toEqual([
      [3, 'Rev two', 'draft'],
      [2, 'Rev two', 'published'],
      [1, 'Rev one', 'published'],
    ]);
    const rows = await revisionsOf('rev');
    expect(rows[0]!.fields).toEqual({
      body: '<p>one</p>',
      summary: 's1',
      seo_title: 'seo1',
      meta_description: 'meta1',
      featured_image: 'https://cdn.example.com/r1.png',
      featured_image_alt: 'alt1',
      author: 'demo-admin',
      categories: ['Recipes'],
      tags: ['Butter'],
    });
    expect(rows[1]!.fields).toMatchObject({ author: 'jane-doe', categories: ['Meals'], tags: [], featured_image: '' });
    expect(rows.every((r) => r.createdByKey !== null)).toBe(true);
  });

  it('rolls back to any revision as a new save: the content restored exactly, published, purged and webhooked once', async () => {
    const outbox = await outboxCount();
    const hooks = (await deliveries()).length;
    const res = await manage('rev/rollback/', { method: 'POST', body: { version: 1 } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'pending' });
    expect(res.headers.get('etag')).toBe('"v4"');
    const after = await view('rev');
    expect(content(after)).toEqual(content(v1));
    expect(after).toMatchObject({ version: 4, status: 'published', author: { slug: 'demo-admin' } });
    expect((await json<{ data: Post }>(await get('/v2/posts/rev/'))).data).toMatchObject({ title: 'Rev one', body: '<p>one</p>', categories: [{ name: 'Recipes', slug: 'recipes' }], author: { slug: 'demo-admin' } });
    expect((await revisionsOf('rev')).map((r) => [r.version, r.status])).toEqual([
      [1, 'published'],
      [2, 'published'],
      [3, 'draft'],
      [4, 'published'],
    ]);
    expect(await outboxCount()).toBe(outbox + 1);
    const [last] = await origin.database.db.select().from(purgeOutbox).orderBy(sql`${purgeOutbox.id} desc`).limit(1);
    const [meals] = await origin.database.db.select().from(categories).where(eq(categories.slug, 'meals'));
    expect(last!.keys).toEqual(expect.arrayContaining([`post:${(await postRow('rev')).id}`, `posts:${origin.seed.spaceId}`, `category:${meals!.id}`]));
    const d = await deliveries();
    expect(d.length).toBe(hooks + 1);
    expect(d.at(-1)).toMatchObject({ event: 'post.published', payload: { data: { id: 'rev' } } });
    // An explicit status wins; rolling forward restores the author and the moved category.
    expect((await manage('rev/rollback/', { method: 'POST', body: { version: 2, status: 'draft' } })).status).toBe(202);
    expect(await view('rev')).toMatchObject({ version: 5, status: 'draft', title: 'Rev two', author: { slug: 'jane-doe' }, categories: [{ slug: 'meals' }], tags: [], featured_image: null });
  });

  it('refuses unknown revisions (404), bad bodies (400), stale If-Match (412) and changes nothing', async () => {
    const count = (await revisionsOf('rev')).length;
    const outbox = await outboxCount();
    await expectErrorShape(await manage('rev/rollback/', { method: 'POST', body: { version: 99 } }), 404, 'not_found', 'Revision 99 not found.');
    await expectErrorShape(await manage('nowhere/rollback/', { method: 'POST', body: { version: 1 } }), 404, 'not_found');
    await expectErrorShape(await manage('nowhere/revisions/'), 404, 'not_found');
    await expectErrorShape(await manage('bad%20slug/revisions/'), 404, 'not_found');
    for (const body of [{ version: 0 }, { version: -1 }, { version: 'one' }, {}, { version: 1, status: 'live' }]) {
      await expectErrorShape(await manage('rev/rollback/', { method: 'POST', body }), 400, 'bad_request');
    }
    const unknown = await expectErrorShape(await manage('rev/rollback/', { method: 'POST', body: { version: 1, title: 'x' } }), 400, 'bad_request');
    expect(String(unknown.detail)).toContain('unknown field(s) title');
    await expectErrorShape(await manage('rev/rollback/', { method: 'POST', body: '{nope' }), 400, 'bad_request');
    await expectErrorShape(await manage('rev/rollback/', { method: 'POST', body: { version: 1 }, headers: { 'if-match': '"v2"' } }), 412, 'precondition_failed');
    expect((await revisionsOf('rev')).length).toBe(count);
    expect(await outboxCount()).toBe(outbox);
    const etag = await etagOf('rev');
    const ok = await manage('rev/rollback/', { method: 'POST', body: { version: 1 }, headers: { 'if-match': etag } });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('etag')).toBe(`"v${Number(etag.slice(2, -1)) + 1}"`);
  });

  it('delete and restore are revisions too; restore brings the published post back with its purge and webhook', async () => {
    const { version } = await view('rev');
    expect((await send('DELETE', '/v2/posts/rev/')).status).toBe(204);
    await expectErrorShape(await get('/v2/posts/rev/'), 404, 'not_found');
    await expectErrorShape(await manage('rev/revisions/'), 404, 'not_found');
    expect((await revisionsOf('rev')).at(-1)).toMatchObject({ version: version + 1, status: 'deleted', title: 'Rev one' });
    const outbox = await outboxCount();
    const res = await manage('rev/restore/', { method: 'POST' });
    expect(res.status).toBe(202);
    expect(res.headers.get('etag')).toBe(`"v${version + 2}"`);
    expect((await json<{ data: Post }>(await get('/v2/posts/rev/'))).data).toMatchObject({ title: 'Rev one', body: '<p>one</p>' });
    expect((await revisionsOf('rev')).at(-1)).toMatchObject({ version: version + 2, status: 'published' });
    expect(await outboxCount()).toBe(outbox + 1);
    expect((await deliveries()).at(-1)).toMatchObject({ event: 'post.published', payload: { data: { id: 'rev' } } });
    await expectErrorShape(await manage('rev/restore/', { method: 'POST' }), 404, 'not_found');
    await expectErrorShape(await manage('nowhere/restore/', { method: 'POST' }), 404, 'not_found');
  });

  it("read and admin keys (and preview keys on changes) get 403, another organization's keys 403/404, no key 401 — and nothing changes", async () => {
    const db = origin.database.db;
    const [org] = await db.insert(organizations).values({ slug: 'blog-other', name: 'Other' }).returning();
    const [space] = await db.insert(spaces).values({ organizationId: org!.id, slug: 'blog-other', name: 'Other' }).returning();
    const otherAdmin = (await issueApiKey(db, { organizationId: org!.id, spaceId: null, kind: 'admin', name: 'other admin' })).token;
    const otherWrite = (await issueApiKey(db, { organizationId: org!.id, spaceId: space!.id, kind: 'write', name: 'other write' })).token;
    expect((await send('DELETE', '/v2/posts/rev/')).status).toBe(204);
    const count = (await revisionsOf('rev')).length;
    const outbox = await outboxCount();
    const attempts = [
      { method: 'GET', path: 'rev/revisions/', body: undefined },
      { method: 'POST', path: 'rev/rollback/', body: { version: 1 } },
      { method: 'POST', path: 'rev/restore/', body: undefined },
    ];
    for (const a of attempts) {
      // A preview key may read drafts and their history (content.preview), never change them.
      const refused = a.method === 'GET' ? [origin.seed.keys.read, origin.seed.keys.admin, otherAdmin] : [origin.seed.keys.read, origin.seed.keys.preview, origin.seed.keys.admin, otherAdmin];
      for (const key of refused) {
        await expectErrorShape(await manage(a.path, { method: a.method, body: a.body, key }), 403, 'forbidden');
      }
      if (a.method === 'GET') expect((await manage(a.path, { method: a.method, body: a.body, key: origin.seed.keys.preview })).status).not.toBe(403);
      await expectErrorShape(await manage(a.path, { method: a.method, body: a.body, key: otherWrite }), 404, 'not_found');
      await expectErrorShape(await fetch(api(`/v2/manage/posts/${a.path}`), { method: a.method, headers: { 'content-type': 'application/json' } }), 401, 'unauthenticated');
    }
    expect((await revisionsOf('rev')).length).toBe(count);
    expect(await outboxCount()).toBe(outbox);
    expect((await postRow('rev')).deletedAt).not.toBeNull();
    expect((await manage('rev/restore/', { method: 'POST' })).status).toBe(202);
  });
});

describe('scheduled posts: write validation', () => {
  const soon = () => new Date(Date.now() + 3_600_000).toISOString();

  it('creates and updates scheduled posts; a published version stays live until then', async () => {
    const when = soon();
    expect((await send('POST', '/v2/posts/', { title: 'Later', slug: 'later', status: 'scheduled', scheduled: when })).status).toBe(202);
    await expectErrorShape(await get('/v2/posts/later/'), 404, 'not_found');
    const view = (await json<{ data: { status: string; scheduled: string | null; version: number } }>(await get('/v2/manage/posts/later/', origin.seed.keys.write))).data;
    expect(view).toMatchObject({ status: 'scheduled', scheduled: new Date(when).toISOString(), version: 1 });
    expect((await revisionsOf('later')).map((r) => r.status)).toEqual(['scheduled']);
    // Scheduling an edit of a published post keeps the published version live.
    expect((await send('PATCH', '/v2/posts/rev/', { title: 'Rev scheduled', status: 'scheduled', scheduled: soon() })).status).toBe(202);
    expect((await json<{ data: Post }>(await get('/v2/posts/rev/'))).data.title).toBe('Rev one');
    // A save without status keeps the schedule; a draft save drops it.
    expect((await send('PATCH', '/v2/posts/later/', { summary: 'x' })).status).toBe(202);
    expect(await postRow('later')).toMatchObject({ status: 'scheduled', scheduledAt: new Date(when) });
    expect((await send('PATCH', '/v2/posts/later/', { status: 'draft' })).status).toBe(202);
    expect(await postRow('later')).toMatchObject({ status: 'draft', scheduledAt: null });
  });

  it('refuses a schedule in the past, without a time, a time without the status, or not a date — field-level 400', async () => {
    const outbox = await outboxCount();
    const past = await expectErrorShape(await send('PATCH', '/v2/posts/later/', { status: 'scheduled', scheduled: '2001-01-01T00:00:00Z' }), 400, 'bad_request');
    expect(String(past.detail)).toContain('scheduled: must be in the future');
    const missing = await expectErrorShape(await send('PATCH', '/v2/posts/later/', { status: 'scheduled' }), 400, 'bad_request');
    expect(String(missing.detail)).toContain('scheduled: is required with status scheduled');
    await expectErrorShape(await send('PATCH', '/v2/posts/later/', { status: 'draft', scheduled: soon() }), 400, 'bad_request');
    await expectErrorShape(await send('PATCH', '/v2/posts/later/', { scheduled: soon() }), 400, 'bad_request');
    await expectErrorShape(await send('PATCH', '/v2/posts/later/', { status: 'scheduled', scheduled: '2030-13-45' }), 400, 'bad_request');
    await expectErrorShape(await send('POST', '/v2/posts/', { title: 'x', slug: 'x-sched', status: 'scheduled' }), 400, 'bad_request');
    await expectErrorShape(await send('POST', '/v2/posts/', { title: 'x', slug: 'x-sched', scheduled: soon() }), 400, 'bad_request');
    expect(await outboxCount()).toBe(outbox);
  });
});
