import { describe, expect, it } from 'vitest';
import { assetCacheKey, contentCacheKey } from './cache-key.js';
import { ROUTE_PARAMS, canonicalTarget, parseReadRequest, type ContentRequest, type ParsedRead } from './content-request.js';

const SPACE = 'space_1';
const TOKEN = 'ghee_read_0123456789ABCDEFGHIJabcdefghij_abc123';

const parse = (target: string): ParsedRead => {
  const url = new URL(`https://edge.example${target}`); // as servers build it: a target starting // is still a path
  return parseReadRequest(url.pathname, url.search);
};
const content = (target: string): ContentRequest => {
  const r = parse(target);
  if (!r.ok || r.request.kind !== 'content') throw new Error(`not a content read: ${target} ${JSON.stringify(r)}`);
  return r.request;
};
const key = (target: string) => contentCacheKey(SPACE, content(target));

describe('parseReadRequest: routes', () => {
  it.each([
    ['/v2/pages/*/home/', 'page'],
    ['/v2/pages/landing/', 'page-list'],
    ['/v2/pages/search/', 'page-search'],
    ['/v2/content/', 'collections'],
    ['/v2/content/faq/', 'collection'],
    ['/v2/content/faq/12/', 'collection-item'],
    ['/v2/posts/', 'posts'],
    ['/v2/posts/search/', 'post-search'],
    ['/v2/posts/hello/', 'post'],
    ['/v2/authors/', 'authors'],
    ['/v2/authors/jane/', 'author'],
    ['/v2/categories/', 'categories'],
    ['/v2/categories/news/', 'category'],
    ['/v2/tags/', 'tags'],
    ['/v2/tags/x/', 'tag'],
    ['/v2/feeds/rss/', 'feed'],
  ])('%s is %s', (path, route) => {
    expect(content(path).route).toBe(route);
  });

  it.each(['/v2/', '/v2/pages/', '/v2/pages/a/b/c/', '/v2/manage/pages/*/home/', '/v2/manage/content/faq/1/', '/v2/nope/', '/v2/feeds/', '/v2/posts/a/b/', '/x/'])(
    '%s is not a read the parser owns (404)',
    (path) => {
      const r = parse(path);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.refusal).toMatchObject({ status: 404, code: 'not_found' });
    },
  );

  it('reads asset paths (exactly space, asset, file) with no query', () => {
    const r = parse('/assets//s1/a1//logo.png?x=1');
    expect(r).toMatchObject({ ok: true, request: { kind: 'asset', path: '/assets/s1/a1/logo.png', query: '' } });
    expect(parse('/assets/s1/a1/').ok).toBe(false);
    expect(parse('/assets/s1/a1/x/y').ok).toBe(false);
  });
});

describe('parseReadRequest: the canonical request', () => {
  it('collapses empty segments and ends content paths with one slash', () => {
    for (const p of ['/v2/pages/*/home', '/v2/pages/*/home/', '/v2//pages///*/home//', '//v2/pages/*/home']) expect(content(p).path, p).toBe('/v2/pages/*/home/');
  });

  it('decodes each segment once and encodes it one way', () => {
    expect(content('/v2/pages/*/%61bout/').path).toBe('/v2/pages/*/about/');
    expect(content('/v2/pages/%2A/about/').path).toBe('/v2/pages/*/about/');
    expect(content('/v2/pages/*/a%2Fb/').path).toBe('/v2/pages/*/a%2Fb/'); // one segment holding a slash stays one segment
    expect(content('/v2/pages/*/a%252e/').path).toBe('/v2/pages/*/a%252e/'); // decoded once only
  });

  it('resolves dot segments (the URL parser does) before routing', () => {
    expect(content('/v2/pages/x/../*/./home/').path).toBe('/v2/pages/*/home/');
    expect(content('/v2/pages/x/%2e%2e/*/home/').path).toBe('/v2/pages/*/home/');
  });

  it('refuses a path that does not percent-decode', () => {
    for (const p of ['/v2/pages/*/%E0%A4%A/', '/v2/pages/*/%C0%AE/', '/v2/pages/*/%ZZ/']) {
      const r = parse(p);
      expect(r.ok, p).toBe(false);
      if (!r.ok) expect(r.refusal.status).toBe(400);
    }
  });

  it('refuses a query the one input rule refuses instead of decoding it leniently (malformed or non-UTF-8 %, NUL, controls)', () => {
    for (const t of ['/v2/pages/*/home/?locale=%E0%A4%A', '/v2/pages/*/home/?locale=%ED%A0%80', '/v2/pages/*/home/?utm=%C0%AE', '/v2/pages/*/home/?locale=a%00b', '/v2/pages/*/home/?x%01=1', '/v2/pages/*/a%00b/', '/assets/s/a/f%ZZ.png']) {
      const r = parse(t);
      expect(r, t).toMatchObject({ ok: false, refusal: { status: 400, code: 'bad_request' } });
    }
  });

  it('keeps only the parameters the route reads, sorted', () => {
    const r = content('/v2/pages/*/home/?utm_source=x&locale=en&levels=1&page=3&Preview=1');
    expect(r.query).toBe('levels=1&locale=en');
    expect(content('/v2/pages/landing/?z=1&order=-published&fields.colour=red&page_size=5&locale=en').query).toBe('fields.colour=red&locale=en&order=-published&page_size=5');
  });

  it('refuses any route parameter given twice, whatever the values', () => {
    for (const t of ['/v2/pages/*/home/?locale=en&locale=en', '/v2/pages/*/home/?locale=en&locale=de', '/v2/pages/landing/?fields.a=1&fields.a=2', '/v2/posts/?page=1&page=2']) {
      const r = parse(t);
      expect(r, t).toMatchObject({ ok: false, refusal: { status: 400, code: 'bad_request' } });
    }
  });

  it('refuses a repeated preview, test or auth_token, and a preview flag that is neither on nor off', () => {
    for (const t of [
      '/v2/pages/*/home/?preview=x&preview=1',
      '/v2/pages/*/home/?preview=1&preview=1',
      '/v2/content/faq/?test=1&test=0',
      `/v2/pages/*/home/?auth_token=${TOKEN}&auth_token=${TOKEN}`,
      '/v2/pages/*/home/?preview=yes',
      '/v2/content/faq/?test=2',
    ]) {
      expect(parse(t).ok, t).toBe(false);
    }
  });

  it('reads preview as one flag: preview (and test on collections) of 1 or true', () => {
    for (const t of ['/v2/pages/*/home/?preview=1', '/v2/pages/*/home/?preview=true', '/v2/content/faq/?test=1', '/v2/content/?keys=faq&test=true', '/v2/content/faq/1/?preview=0&test=1']) {
      const r = content(t);
      expect(r.preview, t).toBe(true);
      expect(r.query.split('&'), t).toContain('preview=1');
      expect(r.query, t).not.toContain('test=');
    }
    for (const t of ['/v2/pages/*/home/', '/v2/pages/*/home/?preview=0', '/v2/pages/*/home/?preview=false', '/v2/pages/*/home/?preview=', '/v2/pages/*/home/?test=1']) {
      const r = content(t);
      expect(r.preview, t).toBe(false);
      expect(r.query, t).not.toContain('preview');
    }
  });

  it('is idempotent: the canonical target parses to itself', () => {
    const targets = [
      '/v2/pages/*/home/?locale=en&levels=2&preview=true',
      '/v2/pages/landing/?fields.a%20b=c+d&order=title&page=2',
      '/v2/content/?keys=faq,team&test=1',
      '/v2/posts/search/?query=caf%C3%A9%20%26%20co&exclude_body=1',
      '/v2/pages/*/a%2Fb/?locale=en',
      '/v2//tags/%61x',
    ];
    for (const t of targets) {
      const first = content(t);
      const again = content(canonicalTarget(first));
      expect(canonicalTarget(again), t).toBe(canonicalTarget(first));
      expect(again.preview).toBe(first.preview);
    }
  });

  it('every route reads preview (no route spec lists it: it is the one flag)', () => {
    for (const [route, s] of Object.entries(ROUTE_PARAMS)) {
      expect(s.params.has('preview'), route).toBe(false);
      expect(s.params.has('test'), route).toBe(false);
      expect(s.params.has('auth_token'), route).toBe(false);
    }
  });
});

describe('cache keys from the canonical request', () => {
  it('never contain the token, its name or its value', () => {
    for (const t of [
      `/v2/pages/*/home/?auth_token=${TOKEN}`,
      `/v2/pages/*/home/?locale=en&auth_token=${TOKEN}&preview=1`,
      `/v2/pages/*/home/?auth%5Ftoken=${TOKEN}`,
      `/v2/pages/*/home/?auth_token=${encodeURIComponent(TOKEN)}`,
    ]) {
      const k = key(t);
      expect(k, t).not.toContain(TOKEN);
      expect(k, t).not.toContain('auth_token');
      expect(k, t).not.toContain('ghee_read_');
    }
  });

  it('are the same for every reading of the same request', () => {
    const same = [
      '/v2/pages/landing/?locale=en&page=2&page_size=10&fields.slug=x',
      '/v2/pages/landing/?page_size=10&fields.slug=x&page=2&locale=en&utm=1',
      `//v2/pages//landing?page_size=10&fields.slug=x&page=2&locale=en&auth_token=${TOKEN}`,
      '/v2/pages/%6Canding/?page_size=10&fields.slug=x&page=2&locale=en&preview=0',
    ];
    for (const t of same) expect(key(t), t).toBe(key(same[0]!));
  });

  it('differ across spaces, locales, paths, parameters and preview', () => {
    expect(contentCacheKey('s1', content('/v2/posts/'))).not.toBe(contentCacheKey('s2', content('/v2/posts/')));
    expect(key('/v2/pages/*/home/?locale=en')).not.toBe(key('/v2/pages/*/home/?locale=de'));
    expect(key('/v2/pages/*/home/?locale=en')).not.toBe(key('/v2/pages/*/home/'));
    expect(key('/v2/pages/*/a/')).not.toBe(key('/v2/pages/*/b/'));
    expect(key('/v2/posts/?page=1')).not.toBe(key('/v2/posts/?page=2'));
    expect(key('/v2/pages/*/home/?preview=1')).not.toBe(key('/v2/pages/*/home/'));
    expect(key('/v2/pages/*/home/?preview=1').endsWith('|preview')).toBe(true);
    expect(key('/v2/content/faq/?test=1')).toBe(key('/v2/content/faq/?preview=true'));
  });

  it('cannot be forged by a parameter value holding the separator', () => {
    expect(key('/v2/pages/*/home/?locale=a|live')).not.toBe(key('/v2/pages/*/home/?locale=a'));
  });

  it('asset keys come from the canonical asset path', () => {
    const a = (t: string) => {
      const r = parse(t);
      if (!r.ok || r.request.kind !== 'asset') throw new Error(t);
      return assetCacheKey(r.request);
    };
    expect(a('/assets/s/a/f.png')).toBe(a('/assets//s/a//f.png/'));
    expect(a('/assets/s/a/f.png')).toBe(a('/assets/s/a/%66.png?v=2'));
    expect(a('/assets/s/a/f.png')).not.toBe(a('/assets/s/a/g.png'));
  });
});
