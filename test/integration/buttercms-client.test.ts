/**
 * The official `buttercms` client (v3), unchanged, reading from ghee through the Node edge: its
 * hard-coded https://api.buttercms.com/v2 base URL is routed to the edge by wrapping fetch.
 */
import Butter from 'buttercms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEdge } from '../../edge/node/server.js';
import { startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let edge: RunningEdge;
const realFetch = globalThis.fetch;
const BUTTER = 'https://api.buttercms.com/v2';

async function call(method: string, path: string, key: string, body?: unknown): Promise<Response> {
  return realFetch(`${origin.server.url}${path}`, {
    method,
    headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

beforeAll(async () => {
  origin = await startTestOrigin();
  edge = await startTestEdge(origin);
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    return realFetch(url.startsWith(BUTTER) ? `${edge.url}/v2${url.slice(BUTTER.length)}` : url, init);
  }) as typeof fetch;
  // Content to read: a second page and a collection with two items.
  expect((await call('POST', '/v2/pages/', origin.seed.keys.write, { title: 'About', slug: 'about', page_type: '*', status: 'published', fields: { headline: 'About us' } })).status).toBe(202);
  expect((await call('POST', `/v2/manage/spaces/${origin.seed.spaceId}/collections/`, origin.seed.keys.admin, { key: 'faq', name: 'FAQ', fields: [{ name: 'question', type: 'short_text' }] })).status).toBe(201);
  expect((await call('POST', '/v2/content/', origin.seed.keys.write, { key: 'faq', status: 'published', fields: [{ question: 'Why?' }, { question: 'How?' }] })).status).toBe(202);
  // A blog: an author, two posts with a category and tags.
  expect((await call('POST', `/v2/manage/spaces/${origin.seed.spaceId}/authors/`, origin.seed.keys.admin, { slug: 'jane', first_name: 'Jane', last_name: 'Doe', email: 'jane@example.com' })).status).toBe(201);
  for (const [slug, title] of [['first', 'First post'], ['second', 'Second post']] as const) {
    const res = await call('POST', '/v2/posts/', origin.seed.keys.write, { title, slug, status: 'published', author: { slug: 'jane' }, categories: ['News'], tags: ['Butter'], body: `<p>${title}</p>` });
    expect(res.status).toBe(202);
  }
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await edge?.close();
  await origin?.stop();
});

describe('the buttercms client against ghee', () => {
  it('retrieves a single page', async () => {
    const butter = Butter(origin.seed.keys.read);
    const res = await butter.page.retrieve('*', 'home');
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ data: { slug: 'home', fields: { headline: 'Welcome to ghee' } } });
  });

  it('reports an unknown page as the 404 it is, and a bad token as 401', async () => {
    await expect(Butter(origin.seed.keys.read).page.retrieve('*', 'missing')).rejects.toThrow(/\(404\)/);
    // ghee's error body adds `code` and `request_id` to ButterCMS's `detail`, so the client's
    // message lists the keys; the detail is where ButterCMS has it, in the error's cause.
    const err = await Butter('ghee_read_not-a-real-token').page.retrieve('*', 'home').then(
      () => null,
      (e: Error & { cause?: { status: number; data: { detail: string } } }) => e,
    );
    expect(err?.message).toMatch(/\(401\)$/);
    expect(err?.cause?.status).toBe(401);
    expect(err?.cause?.data.detail).toBe('Invalid token');
  });

  it('retrieves collections by key', async () => {
    const res = await Butter(origin.seed.keys.read).content.retrieve(['faq']);
    expect(res.status).toBe(200);
    const data = (res.data as { data: { faq: { question: string; meta: { id: number } }[] } }).data;
    expect(data.faq.map((i) => i.question).sort()).toEqual(['How?', 'Why?']);
    expect(typeof data.faq[0]!.meta.id).toBe('number');
  });

  it('test mode (preview) needs a preview key: a read key is refused', async () => {
    await expect(Butter(origin.seed.keys.read, { testMode: true }).page.retrieve('*', 'about')).rejects.toThrow(/\(403\)/);
    const res = await Butter(origin.seed.keys.preview, { testMode: true }).page.retrieve('*', 'about');
    expect(res.data).toMatchObject({ data: { slug: 'about' } });
  });

  it('lists, retrieves and searches posts', async () => {
    const butter = Butter(origin.seed.keys.read);
    const list = (await butter.post.list({ page: 1, page_size: 10 })).data as { meta: { count: number }; data: { slug: string; author: { slug: string } }[] };
    expect(list.meta.count).toBe(2);
    expect(list.data.map((p) => p.slug).sort()).toEqual(['first', 'second']);
    expect(list.data[0]!.author.slug).toBe('jane');
    const one = (await butter.post.retrieve('first')).data as { data: { title: string }; meta: { next_post: unknown; previous_post: unknown } };
    expect(one.data.title).toBe('First post');
    expect(one.meta).toHaveProperty('next_post');
    const found = (await butter.post.search('second')).data as { data: { slug: string }[] };
    expect(found.data.map((p) => p.slug)).toEqual(['second']);
  });

  it('reads authors, categories and tags with their recent posts', async () => {
    const butter = Butter(origin.seed.keys.read);
    const author = (await butter.author.retrieve('jane', { include: 'recent_posts' })).data as { data: { slug: string; recent_posts: unknown[] } };
    expect(author.data.slug).toBe('jane');
    expect(author.data.recent_posts).toHaveLength(2);
    const categories = (await butter.category.list()).data as { data: { slug: string }[] };
    expect(categories.data.map((c) => c.slug)).toContain('news');
    const tag = (await butter.tag.retrieve('butter', { include: 'recent_posts' })).data as { data: { recent_posts: unknown[] } };
    expect(tag.data.recent_posts).toHaveLength(2);
  });

  it('reads the RSS, Atom and sitemap feeds', async () => {
    const butter = Butter(origin.seed.keys.read);
    for (const feed of ['rss', 'atom', 'sitemap'] as const) {
      const res = (await butter.feed.retrieve(feed)).data as unknown as { data: string };
      expect(res.data.startsWith('<?xml')).toBe(true);
      expect(res.data).toContain(feed === 'sitemap' ? 'first' : 'First post');
    }
  });
});
