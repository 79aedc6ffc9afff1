/**
 * The edge keys its cache on exactly what it forwards (issue 11, items 1–4 and 7; DESIGN.md's
 * first invariant). A differential test over real HTTP: a Node edge in front of a real origin on
 * a real database holding published content with unpublished changes, draft-only content and a
 * public asset. Many spellings of every cacheable read — parameter order, repeats, case,
 * percent-encoding, `//`, `/./`, missing trailing slashes, unknown parameters, preview and
 * ButterCMS's `test` in every form, HEAD before GET — are sent in a shuffled order with every
 * key kind, each through the edge and straight to the origin (raw request targets, so nothing is
 * normalised on the way). It asserts:
 * - whatever the edge answers (served by the origin or from its cache) is what the origin answers
 *   to that very request with that key (status and body; a HEAD gets the GET's status and no
 *   body) — so no request can leave an object in the cache that another request is then wrongly
 *   served (an empty HEAD body, a 404 over a page, drafts for a read key);
 * - any two requests the edge stored or served under one cache key get byte-identical answers
 *   from the origin;
 * - nothing unpublished ever reaches a read key, a key whose scopes lack content.preview, or a
 *   request without a key.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { pageTypes, pages } from '../../origin/db/schema/index.js';
import { renderPage } from '../../origin/content/pages/pages.js';
import type { RunningEdge } from '../../edge/node/server.js';
import { prng } from '../helpers/fuzz.js';
import { addPage } from '../helpers/pages.js';
import { startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const DRAFT = 'UNPUBLISHEDMARK';
let origin: OriginUnderTest;
let edge: RunningEdge;
let keys: Record<KeyName, string | null>;
let itemIds: { live: number; draft: number };
let assetPath: string;

type KeyName = 'none' | 'read' | 'preview' | 'write' | 'previewReadOnly';
const KEY_NAMES: KeyName[] = ['none', 'read', 'preview', 'write', 'previewReadOnly'];
/** Who may see unpublished content: preview and write keys (with preview=1). */
const MAY_PREVIEW: ReadonlySet<KeyName> = new Set(['preview', 'write']);

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the target sent exactly as given (no client-side URL normalisation). */
function raw(base: string, method: string, target: string, headers: Record<string, string>): Promise<Raw> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The answer without what differs per request (the request id in error bodies). */
function answerOf(r: Raw): string {
  let body = r.body;
  if (body.startsWith('{"detail"')) body = body.replace(/"request_id":"[^"]*"/, '"request_id":"-"');
  return `${r.status} ${body}`;
}

interface Base {
  path: string;
  params: [string, string][];
  /** Content (keyed) or a public asset (no key). */
  keyed: boolean;
}

/** Spellings of one read: each a raw path and query string (without a credential). */
function variants(base: Base, rand: () => number): string[] {
  const q = (params: [string, string][]) => (params.length ? `?${params.map(([k, v]) => `${k}=${v}`).join('&')}` : '');
  const segs = base.path.split('/').filter(Boolean);
  const join = (s: string[], trailing = true) => `/${s.join('/')}${trailing ? '/' : ''}`;
  const out = new Set<string>();
  const p = base.params;
  const add = (path: string, params: [string, string][]) => out.add(path + q(params));
  const canonicalPath = base.keyed ? join(segs) : join(segs, false);

  add(canonicalPath, p);
  add(join(segs, !base.keyed), p); // trailing slash toggled
  add(canonicalPath, [...p].reverse());
  add(canonicalPath.replace('/', '//'), p);
  add(join(segs).replace(/\/$/, '//'), p);
  const mid = 1 + Math.floor(rand() * (segs.length - 1));
  add(join([...segs.slice(0, mid), '', ...segs.slice(mid)], base.keyed), p); // an empty segment inside
  add(join([...segs.slice(0, mid), '.', ...segs.slice(mid)], base.keyed), p); // a dot segment
  add(join([...segs.slice(0, mid), 'x', '..', ...segs.slice(mid)], base.keyed), p);
  // Percent-encode one letter of a non-leading segment.
  const last = segs.length - 1;
  const letter = segs[last]!.search(/[a-z]/);
  if (letter >= 0) {
    const s = [...segs];
    s[last] = s[last]!.slice(0, letter) + `%${s[last]!.charCodeAt(letter).toString(16)}` + s[last]!.slice(letter + 1);
    add(join(s, base.keyed), p);
  }
  add(canonicalPath, [...p, ['utm_source', 'x'], ['z', '']]);
  add(canonicalPath, [['Preview', '1'], ...p]);
  add(canonicalPath, [...p, ['PREVIEW', 'true']]);
  for (const flag of ['preview=1', 'preview=true', 'preview=0', 'preview=', 'preview=yes', 'pr%65view=1', 'test=1', 'test=true', 'preview=x&preview=1', 'preview=1&preview=1', 'preview=0&preview=1', 'test=1&test=1', 'preview=0&test=1']) {
    const extra = flag.split('&').map((kv) => kv.split('=') as [string, string]);
    add(canonicalPath, [...p, ...extra]);
    add(canonicalPath, [...extra, ...[...p].reverse()]);
  }
  if (p.length > 0) add(canonicalPath, [...p, p[0]!]); // a route parameter repeated
  add(canonicalPath, [...p, ['locale', 'en']]);
  add(canonicalPath, [...p, ['locale', 'en'], ['locale', 'en']]);
  return [...out];
}

interface Exchange {
  target: string;
  key: KeyName;
  via: 'query' | 'header';
  method: 'GET' | 'HEAD';
}

beforeAll(async () => {
  origin = await startTestOrigin({ ORIGIN_RATE_LIMIT: 'false', ORIGIN_REQUIRE_EDGE: 'false' });
  edge = await startTestEdge(origin, { rate_limits: JSON.stringify({ enabled: false }) });
  const db = origin.database.db;
  const spaceId = origin.seed.spaceId;
  const scoped = await issueApiKey(db, { organizationId: origin.seed.organizationId, spaceId, kind: 'preview', name: 'published only', scopes: ['content.read'] });
  keys = { none: null, read: origin.seed.keys.read, preview: origin.seed.keys.preview, write: origin.seed.keys.write, previewReadOnly: scoped.token };

  // Pages: a published page whose working copy has unpublished changes, a draft-only page, a single page.
  await db.insert(pageTypes).values({ spaceId, slug: 'plain', name: 'Plain', fields: [{ name: 'title', type: 'short_text' }] });
  const now = new Date();
  await db.insert(pages).values({
    spaceId,
    pageType: 'plain',
    slug: 'live',
    locale: 'en',
    name: `${DRAFT} name`,
    status: 'published',
    fields: { title: `${DRAFT} title` },
    published: renderPage({ slug: 'live', name: 'Live page', pageType: 'plain', fields: { title: 'Live title' }, publishedAt: now, updatedAt: now }),
    publishedAt: now,
  });
  await addPage(db, spaceId, { slug: 'secret', pageType: 'plain', fields: { title: `${DRAFT} secret` }, status: 'draft' });
  await addPage(db, spaceId, { slug: 'about', fields: { body: 'About us' } });

  const call = async (method: string, path: string, key: string, body: unknown) => {
    const res = await fetch(`${origin.server.url}${path}`, { method, headers: { authorization: `Token ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
    return res;
  };
  // A collection with a published and a draft item.
  await call('POST', `/v2/manage/spaces/${spaceId}/collections/`, origin.seed.keys.admin, { key: 'faq', name: 'FAQ', fields: [{ name: 'question', type: 'short_text' }] });
  await call('POST', '/v2/content/', origin.seed.keys.write, { key: 'faq', status: 'published', fields: [{ question: 'Live question' }] });
  await call('POST', '/v2/content/', origin.seed.keys.write, { key: 'faq', status: 'draft', fields: [{ question: `${DRAFT} question` }] });
  const items = (await (await fetch(`${origin.server.url}/v2/content/faq/?preview=1&auth_token=${origin.seed.keys.preview}`)).json()) as { data: { faq: { meta: { id: number }; question: string }[] } };
  const ids = Object.fromEntries(items.data.faq.map((i) => [i.question.startsWith(DRAFT) ? 'draft' : 'live', i.meta.id]));
  itemIds = { live: ids.live!, draft: ids.draft! };
  // Posts: one published, one draft, with a tag and a category each.
  await call('POST', `/v2/manage/spaces/${spaceId}/authors/`, origin.seed.keys.admin, { slug: 'jane' });
  await call('POST', '/v2/posts/', origin.seed.keys.write, { title: 'Hello', slug: 'hello', status: 'published', author: { slug: 'jane' }, tags: ['news'], categories: ['general'], body: '<p>Hello</p>' });
  await call('POST', '/v2/posts/', origin.seed.keys.write, { title: `${DRAFT} post`, slug: 'unpublished-post', author: { slug: 'jane' }, tags: ['news'], categories: ['general'], body: `<p>${DRAFT}</p>` });
  // A public asset.
  const upload = await fetch(`${origin.server.url}/v2/assets/?filename=logo.png`, { method: 'POST', headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'image/png' }, body: new Uint8Array([137, 80, 78, 71, 1, 2, 3]) });
  expect(upload.status).toBeLessThan(300);
  const uploaded = (await upload.json()) as { data: { url: string } };
  assetPath = new URL(uploaded.data.url, 'https://x').pathname;
}, 120_000);

afterAll(async () => {
  await edge?.close();
  await origin?.stop();
});

describe('edge ≡ origin for every spelling of every read, in any order', () => {
  it('serves each request what the origin answers to it, shares cache keys only between equal answers, and never shows drafts to readers', async () => {
    const rand = prng(11); // seeded: the same variants and order on every run, so a failure reproduces
    const bases: Base[] = [
      { path: '/v2/pages/*/about/', params: [], keyed: true },
      { path: '/v2/pages/plain/live/', params: [['levels', '1']], keyed: true },
      { path: '/v2/pages/plain/secret/', params: [], keyed: true },
      { path: '/v2/pages/*/missing/', params: [], keyed: true },
      { path: '/v2/pages/plain/', params: [['page_size', '5'], ['order', '-published']], keyed: true },
      { path: '/v2/pages/search/', params: [['query', DRAFT]], keyed: true },
      { path: '/v2/content/faq/', params: [['page_size', '10']], keyed: true },
      { path: '/v2/content/', params: [['keys', 'faq']], keyed: true },
      { path: `/v2/content/faq/${itemIds.draft}/`, params: [], keyed: true },
      { path: `/v2/content/faq/${itemIds.live}/`, params: [], keyed: true },
      { path: '/v2/posts/', params: [['exclude_body', 'true']], keyed: true },
      { path: '/v2/posts/unpublished-post/', params: [], keyed: true },
      { path: '/v2/posts/search/', params: [['query', DRAFT]], keyed: true },
      { path: '/v2/authors/jane/', params: [['include', 'recent_posts']], keyed: true },
      { path: '/v2/tags/', params: [['include', 'recent_posts']], keyed: true },
      { path: '/v2/feeds/rss/', params: [], keyed: true },
      { path: assetPath, params: [], keyed: false },
    ];
    const exchanges: Exchange[] = [];
    for (const base of bases) {
      for (const target of variants(base, rand)) {
        for (const key of base.keyed ? KEY_NAMES : (['none'] as KeyName[])) {
          const via = rand() < 0.5 ? 'query' : 'header';
          exchanges.push({ target, key, via, method: 'GET' });
          if (rand() < 0.3) exchanges.push({ target, key, via, method: 'HEAD' });
        }
      }
    }
    // Shuffle, so a HEAD, a preview or an odd spelling may come first and fill the cache.
    for (let i = exchanges.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [exchanges[i], exchanges[j]] = [exchanges[j]!, exchanges[i]!];
    }
    expect(exchanges.length).toBeGreaterThan(2000);

    // The edge's cache keys used by each request (observed on the real cache, not computed here).
    const touched: string[] = [];
    const cache = edge.platform.cache;
    const transaction = cache.transaction.bind(cache);
    cache.transaction = (key: string) => {
      touched.push(key);
      return transaction(key);
    };
    const lookupFresh = cache.lookupFresh?.bind(cache);
    if (lookupFresh) {
      cache.lookupFresh = (key: string) => {
        touched.push(key);
        return lookupFresh(key);
      };
    }

    const originAnswers = new Map<string, string>();
    const byCacheKey = new Map<string, Map<string, string>>();
    const problems: string[] = [];
    for (const x of exchanges) {
      const token = keys[x.key];
      const headers: Record<string, string> = {};
      let target = x.target;
      if (token && x.via === 'header') headers.authorization = `Token ${token}`;
      else if (token) target += `${target.includes('?') ? '&' : '?'}auth_token=${token}`;
      touched.length = 0;
      const atEdge = await raw(edge.url, x.method, target, headers);
      const contentKeys = [...new Set(touched.filter((k) => k.startsWith('ghee-content:') || k.startsWith('ghee-asset:')))];
      const label = `${x.method} ${x.target} [${x.key} by ${x.via}]`;
      if (atEdge.status >= 500) problems.push(`${label}: edge answered ${atEdge.status}`);
      if (contentKeys.length > 1) problems.push(`${label}: used several cache keys ${contentKeys.join(', ')}`);
      if (atEdge.headers['x-waf-rule'] !== undefined) continue; // refused by the WAF before anything was read or stored

      const memo = `${target} ${JSON.stringify(headers)}`;
      let direct = originAnswers.get(memo);
      if (direct === undefined) {
        direct = answerOf(await raw(origin.server.url, 'GET', target, headers));
        originAnswers.set(memo, direct);
      }
      if (x.method === 'HEAD') {
        if (String(atEdge.status) !== direct.slice(0, 3) || atEdge.body !== '') problems.push(`${label}: HEAD answered ${atEdge.status} with ${atEdge.body.length} bytes; the origin's GET ${direct.slice(0, 3)}`);
      } else if (answerOf(atEdge) !== direct) {
        problems.push(`${label}: edge ${answerOf(atEdge).slice(0, 160)} (x-cache ${String(atEdge.headers['x-cache'])}) ≠ origin ${direct.slice(0, 160)}`);
      }
      if (!MAY_PREVIEW.has(x.key) && atEdge.body.includes(DRAFT)) problems.push(`${label}: unpublished content served`);
      for (const k of contentKeys) {
        let group = byCacheKey.get(k);
        if (!group) byCacheKey.set(k, (group = new Map()));
        group.set(label, direct);
      }
      if (problems.length > 20) break;
    }
    expect(problems).toEqual([]);

    // Any two requests under one cache key get the same answer from the origin.
    let shared = 0;
    for (const [k, group] of byCacheKey) {
      const answers = new Set(group.values());
      if (group.size > 1) shared++;
      expect(answers.size, `${k}: ${[...group.entries()].slice(0, 4).map(([l, a]) => `${l} → ${a.slice(0, 80)}`).join(' | ')}`).toBe(1);
    }
    // The spellings did collapse: many requests share each key (the cache still works).
    expect(shared).toBeGreaterThan(bases.length);
    // And the cache was used: hits were served.
  }, 300_000);
});

describe('the probe’s reproductions (regressions)', () => {
  const get = (target: string, method = 'GET', headers: Record<string, string> = {}) => raw(edge.url, method, target, headers);

  it('a HEAD does not poison the cache: the next GET has the body (content, 404s and assets)', async () => {
    const read = `auth_token=${keys.read}`;
    for (const target of [`/v2/pages/*/about/?levels=2&${read}`, `/v2/pages/*/never-there/?${read}`, `${assetPath}?v=head`]) {
      const head = await get(target, 'HEAD');
      expect(head.body).toBe('');
      const after = await get(target);
      expect(after.body.length, target).toBeGreaterThan(0);
      expect(answerOf(after)).toBe(answerOf(await raw(origin.server.url, 'GET', target, {})));
    }
  });

  it('test=1 with a preview key does not leak draft items to a read key', async () => {
    const preview = await get(`/v2/content/faq/?test=1&auth_token=${keys.preview}`);
    expect(preview.body).toContain(DRAFT);
    const read = await get(`/v2/content/faq/?test=1&auth_token=${keys.read}`);
    expect(read.status).toBe(403);
    expect(read.body).not.toContain(DRAFT);
  });

  it('a repeated preview parameter is refused, not read two ways', async () => {
    for (const key of [keys.preview!, keys.read!]) {
      const res = await get(`/v2/pages/plain/live/?preview=x&preview=1&auth_token=${key}`);
      expect(res.status).toBe(400);
      expect(res.body).not.toContain(DRAFT);
    }
    const live = await get(`/v2/pages/plain/live/?auth_token=${keys.read}`);
    expect(live.body).toContain('Live title');
  });

  it('a double slash does not cache a 404 over a real page', async () => {
    const odd = await get(`/v2/pages/*/about//?utm=1&auth_token=${keys.read}`);
    const plain = await get(`/v2/pages/*/about/?auth_token=${keys.read}`);
    expect(plain.status).toBe(200);
    expect(odd.status).toBe(200);
    const asset = await get(assetPath.replace('/assets/', '/assets//'));
    expect([200, 404]).toContain(asset.status);
    expect((await get(assetPath)).status).toBe(200);
  });

  it('a preview key scoped to content.read reads published content but never drafts (edge and origin)', async () => {
    const target = `/v2/pages/plain/live/?preview=1&auth_token=${keys.previewReadOnly}`;
    for (const base of [edge.url, origin.server.url]) {
      const res = await raw(base, 'GET', target, {});
      expect(res.status, base).toBe(403);
      expect(res.body).not.toContain(DRAFT);
      expect((await raw(base, 'GET', `/v2/pages/plain/live/?auth_token=${keys.previewReadOnly}`, {})).status).toBe(200);
    }
  });

  it('a write key scoped without content.read cannot read at the edge or the origin', async () => {
    const { token } = await issueApiKey(origin.database.db, { organizationId: origin.seed.organizationId, spaceId: origin.seed.spaceId, kind: 'write', name: 'writes only', scopes: ['content.write'] });
    for (const base of [edge.url, origin.server.url]) {
      for (const target of [`/v2/pages/*/about/?auth_token=${token}`, `/v2/posts/?auth_token=${token}`, `/v2/content/faq/?auth_token=${token}`]) {
        expect((await raw(base, 'GET', target, {})).status, `${base}${target}`).toBe(403);
      }
    }
  });
});
