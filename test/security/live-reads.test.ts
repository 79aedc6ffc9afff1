/**
 * Class test: live reads touch only published data (issue 11 item 11). For pages, posts and
 * collection items, a draft-only change — a title, slug, fields, body or tags that exist only in
 * a working copy — must not be findable or visible through any live read, list, search or feed
 * endpoint with a read key (nor with a preview or write key without preview=1), and must be
 * visible with preview=1 and a preview key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const SECRET = 'zqxsecretdraftword';
const api = (path: string) => `${origin.server.url}${path}`;

async function write(method: string, path: string, body: unknown, key = origin.seed.keys.write): Promise<void> {
  const res = await fetch(api(path), { method, headers: { authorization: `Token ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

async function get(path: string, key: string): Promise<string> {
  const res = await fetch(api(path), { headers: { authorization: `Token ${key}` } });
  return `${res.status} ${await res.text()}`;
}

/** Every live endpoint of the three resources that could show the draft-only change. */
const LIVE_ENDPOINTS = [
  '/v2/pages/*/lr-page/',
  '/v2/pages/lr/lr-typed/',
  '/v2/pages/lr/',
  '/v2/pages/lr/?order=-updated',
  `/v2/pages/search/?query=${SECRET}`,
  `/v2/pages/search/?query=${SECRET}&page_type=lr`,
  '/v2/posts/lr-post/',
  '/v2/posts/',
  `/v2/posts/search/?query=${SECRET}`,
  `/v2/posts/?tag_slug=${SECRET}`,
  `/v2/posts/?category_slug=${SECRET}`,
  `/v2/posts/${SECRET}/`,
  '/v2/tags/',
  `/v2/tags/${SECRET}/`,
  '/v2/categories/',
  `/v2/categories/${SECRET}/`,
  '/v2/tags/?include=recent_posts',
  '/v2/authors/?include=recent_posts',
  '/v2/feeds/rss/',
  '/v2/feeds/atom/',
  '/v2/feeds/sitemap/',
  '/v2/content/lr/',
  '/v2/content/?keys=lr',
  `/v2/content/lr/?fields.name=${SECRET}`,
];

/** Where preview=1 with a preview key must show the draft-only change. */
const PREVIEW_ENDPOINTS = ['/v2/pages/*/lr-page/', '/v2/pages/lr/lr-typed/', `/v2/pages/search/?query=${SECRET}`, '/v2/posts/lr-post/', `/v2/posts/search/?query=${SECRET}`, `/v2/posts/${SECRET}/`, '/v2/content/lr/'];

const withPreview = (path: string) => `${path}${path.includes('?') ? '&' : '?'}preview=1`;

beforeAll(async () => {
  origin = await startTestOrigin();
  const admin = origin.seed.keys.admin;
  const space = origin.seed.spaceId;
  await write('POST', `/v2/manage/spaces/${space}/page_types/`, { slug: 'lr', name: 'LR', fields: [{ name: 'body', type: 'rich_text' }, { name: 'headline', type: 'short_text' }] }, admin);
  await write('POST', `/v2/manage/spaces/${space}/collections/`, { key: 'lr', name: 'LR', fields: [{ name: 'name', type: 'short_text' }] }, admin);
  await write('POST', `/v2/manage/spaces/${space}/authors/`, { slug: 'writer', first_name: 'W' }, admin);

  // Published versions, then draft-only changes carrying SECRET (saved as drafts by a publisher's write key).
  await write('POST', '/v2/pages/', { title: 'Public page', slug: 'lr-page', page_type: '*', status: 'published', fields: { body: 'public' } });
  await write('PATCH', '/v2/pages/*/lr-page/', { status: 'draft', title: `Draft ${SECRET}`, fields: { body: `draft ${SECRET}` } });
  await write('POST', '/v2/pages/', { title: 'Public typed', slug: 'lr-typed', page_type: 'lr', status: 'published', fields: { body: '<p>public</p>', headline: 'public' } });
  await write('POST', '/v2/pages/', { title: 'Other typed', slug: 'lr-other', page_type: 'lr', status: 'published', fields: { body: '<p>other</p>', headline: 'other' } });
  await write('PATCH', '/v2/pages/lr/lr-typed/', { status: 'draft', title: `Draft ${SECRET}`, fields: { headline: SECRET, body: `<p>${SECRET}</p>` } });

  await write('POST', '/v2/posts/', { title: 'Public post', slug: 'lr-post', status: 'published', body: '<p>public</p>', author: { slug: 'writer' }, tags: ['public'], categories: ['public'] });
  await write('PATCH', '/v2/posts/lr-post/', { status: 'draft', title: `Draft ${SECRET}`, body: `<p>${SECRET}</p>`, summary: SECRET, tags: [SECRET], categories: [SECRET] });
  await write('POST', '/v2/posts/', { title: `Never published ${SECRET}`, slug: SECRET, status: 'draft', body: `<p>${SECRET}</p>`, tags: [SECRET] });

  await write('POST', '/v2/content/', { key: 'lr', status: 'published', fields: [{ name: 'public' }] });
  await write('POST', '/v2/content/', { key: 'lr', status: 'draft', fields: [{ name: SECRET }] });
});
afterAll(async () => origin?.stop());

describe('draft-only changes stay out of live reads', () => {
  it.each(LIVE_ENDPOINTS)('%s: not with a read key, nor a preview or write key without preview=1', async (path) => {
    for (const key of [origin.seed.keys.read, origin.seed.keys.preview, origin.seed.keys.write]) {
      const answer = await get(path, key);
      expect(answer.slice(0, 3), answer).toMatch(/^(200|404)$/);
      expect(answer.toLowerCase(), `${path}`).not.toContain(SECRET);
    }
  });

  it.each(PREVIEW_ENDPOINTS)('%s: visible with preview=1 and a preview key', async (path) => {
    const answer = await get(withPreview(path), origin.seed.keys.preview);
    expect(answer.slice(0, 3), answer).toBe('200');
    expect(answer).toContain(SECRET);
  });

  it('the published versions are still served', async () => {
    expect(await get('/v2/pages/*/lr-page/', origin.seed.keys.read)).toContain('Public page');
    expect(await get('/v2/posts/lr-post/', origin.seed.keys.read)).toContain('Public post');
    expect(await get('/v2/tags/', origin.seed.keys.read)).toContain('"public"');
  });
});
