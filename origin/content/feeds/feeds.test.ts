import { describe, expect, it } from 'vitest';
import { renderRss, type FeedPost } from './feeds.js';

const info = (now: Date) => ({ spaceId: '00000000-0000-4000-8000-000000000001', title: 'Latest blog posts', link: '/blog/', now });

describe('renderRss', () => {
  it('renders an empty feed the same at any time (no build date from the clock), so unchanged content reads the same', () => {
    const a = renderRss(info(new Date('2026-12-06T10:00:00Z')), []);
    const b = renderRss(info(new Date('2026-12-06T10:00:07Z')), []);
    expect(a).toBe(b);
    expect(a).not.toContain('lastBuildDate');
    expect(a).toContain('<channel>');
  });

  it('dates a feed by its newest post', () => {
    const updated = new Date('2026-11-30T08:00:00Z');
    const post: FeedPost = { id: '00000000-0000-4000-8000-0000000000aa', slug: 'hello', title: 'Hello', url: '/blog/hello', summary: '', body: '<p>Hi</p>', published: updated, updated, authorName: '', featuredImage: null };
    const xml = renderRss(info(new Date()), [post]);
    expect(xml).toContain('<lastBuildDate>Mon, 30 Nov 2026 08:00:00 +0000</lastBuildDate>');
  });
});
