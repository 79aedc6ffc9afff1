/**
 * A local stand-in for the ButterCMS v2 read API, built from ButterCMS's published API reference
 * (buttercms.com/docs/api: pages, page types, collections, blog; "Request/response format";
 * "Fetching localized content"), serving one account from memory over real HTTP — what the
 * importer (origin/importer/) reads in tests instead of api.buttercms.com:
 *   GET /v2/pages/*\/?page=&page_size=&locale=&preview=1&levels=     single pages
 *   GET /v2/pages/{type}/?…                                          → { meta: { previous_page, next_page, count }, data: [page] }
 *   GET /v2/pages/{type|*}/{slug}/?locale=&preview=1&levels=          → { data: page }
 *   GET /v2/content/{key}/?page=&page_size=&locale=&preview=1&levels= → { meta, data: { <key>: [ { meta: { id }, …fields } ] } }
 *   GET /v2/posts/?page=&page_size=&exclude_body=&preview=1            → { meta: { count, next_page, previous_page }, data: [post] }
 *   GET /v2/posts/{slug}/                                             → { meta: { next_post, previous_post }, data: post }
 *   GET /v2/authors/, /v2/categories/, /v2/tags/                      → { data: [...] }
 *   GET /cdn/{file}                                                   media (the "CDN"), image/png
 * Auth: `auth_token` must be the read or the preview token; `preview=1` needs the preview token
 * (403 otherwise). A page is `{ slug, name, published, updated, page_type, fields }`; a
 * collection item `{ meta: { id }, …fields }` with one id across locales; references are API
 * paths at `levels=1` (`/v2/pages/<type>/<slug>/`, `/v2/content/?keys=<key>[_id=<id>]`) and the
 * referenced objects deeper (default levels 2); drafts appear only with preview. It also limits
 * itself: more than `maxPerSecond` requests in a second answer 429 (how the importer's own
 * rate limit is proven).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Locale = string;
/** A reference in the fixture: rendered as a path or the object, by `levels`. */
export type Ref = { $page: string } | { $item: string };
export interface StandinPage {
  slug: string;
  name: string;
  pageType: string;
  /** Published versions by locale (absent: never published); `draft` versions seen only with preview. */
  live?: Record<Locale, Record<string, unknown>>;
  draft?: Record<Locale, Record<string, unknown>>;
  published: string;
  updated: string;
}
export interface StandinItem {
  id: number;
  status: 'published' | 'draft';
  fields: Record<Locale, Record<string, unknown>>;
}
export interface StandinAuthor {
  slug: string;
  first_name: string;
  last_name: string;
  email: string;
  bio: string;
  title: string;
  linkedin_url: string;
  facebook_url: string;
  instagram_url: string;
  pinterest_url: string;
  twitter_handle: string;
  profile_image: string;
}
export interface StandinPost {
  slug: string;
  title: string;
  status: 'published' | 'draft';
  published: string | null;
  created: string;
  updated: string;
  body: string;
  summary: string;
  seo_title: string;
  meta_description: string;
  featured_image: string;
  featured_image_alt: string;
  author: string;
  categories: { name: string; slug: string }[];
  tags: { name: string; slug: string }[];
}
export interface StandinAccount {
  locales: Locale[];
  pages: StandinPage[];
  collections: Record<string, StandinItem[]>;
  posts: StandinPost[];
  authors: StandinAuthor[];
  media: Record<string, Buffer>;
}

export interface RunningStandin {
  url: string;
  /** Base of the API (`<url>/v2`): what --source-url takes. */
  api: string;
  readToken: string;
  previewToken: string;
  /** API requests answered (429s included; media downloads not counted), and the most in any one second. */
  stats: { requests: number; throttled: number; peakPerSecond: number };
  /**
   * The rate limit in force (requests a second; changeable, e.g. lifted for a test's own reads),
   * and the API calls left this month: at 0, ButterCMS's "API Calls limit reached." 429 with the
   * time to the monthly reset in Retry-After.
   */
  limit: { perSecond: number; callsLeft: number };
  close(): Promise<void>;
}

const PAGE_TYPE_NULL = '*';

function isRef(v: unknown): v is Ref {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && ('$page' in v || '$item' in v);
}

export async function startButterStandin(build: (base: string) => StandinAccount, opts: { maxPerSecond?: number } = {}): Promise<RunningStandin> {
  const readToken = 'standin-read-token-0123456789';
  const previewToken = 'standin-preview-token-0123456789';
  const limit = { perSecond: opts.maxPerSecond ?? 50, callsLeft: Number.POSITIVE_INFINITY };
  const stats = { requests: 0, throttled: 0, peakPerSecond: 0 };
  let second = 0;
  let inSecond = 0;
  const holder: { account?: StandinAccount } = {};
  const acct = () => holder.account!;

  const pageVersion = (p: StandinPage, locale: Locale, preview: boolean) => (preview ? (p.draft?.[locale] ?? p.live?.[locale]) : p.live?.[locale]);
  const itemFields = (key: string, id: number, locale: Locale, preview: boolean) => {
    const item = acct().collections[key]?.find((i) => i.id === id);
    if (!item || (!preview && item.status !== 'published')) return undefined;
    return item.fields[locale];
  };

  function render(v: unknown, locale: Locale, preview: boolean, levels: number): unknown {
    if (isRef(v)) {
      if ('$page' in v) {
        const [type, slug] = v.$page.split('/') as [string, string];
        if (levels <= 1) return `/v2/pages/${type}/${slug}/`;
        const p = acct().pages.find((x) => x.pageType === type && x.slug === slug);
        return p && pageVersion(p, locale, preview) ? renderPage(p, locale, preview, levels - 1) : undefined;
      }
      const [key, id] = v.$item.split('/') as [string, string];
      if (levels <= 1) return `/v2/content/?keys=${key}[_id=${id}]`;
      const f = itemFields(key, Number(id), locale, preview);
      return f ? { meta: { id: Number(id) }, ...(render(f, locale, preview, levels - 1) as object) } : `/v2/content/?keys=${key}[_id=${id}]`;
    }
    if (Array.isArray(v)) return v.map((x) => render(x, locale, preview, levels)).filter((x) => x !== undefined);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, render(x, locale, preview, levels)]));
    return v;
  }

  function renderPage(p: StandinPage, locale: Locale, preview: boolean, levels: number) {
    return {
      slug: p.slug,
      name: p.name,
      published: p.published,
      updated: p.updated,
      page_type: p.pageType === PAGE_TYPE_NULL ? null : p.pageType,
      fields: render(pageVersion(p, locale, preview), locale, preview, levels),
    };
  }

  const author = (slug: string) => {
    const a = acct().authors.find((x) => x.slug === slug)!;
    const { slug: s, ...rest } = a;
    return { ...rest, slug: s };
  };
  const renderPost = (p: StandinPost, excludeBody = false) => {
    const out: Record<string, unknown> = {
      url: `/blog/${p.slug}`,
      created: p.created,
      published: p.published,
      updated: p.updated,
      status: p.status,
      title: p.title,
      slug: p.slug,
      summary: p.summary,
      body: p.body,
      seo_title: p.seo_title,
      meta_description: p.meta_description,
      featured_image: p.featured_image === '' ? null : p.featured_image,
      featured_image_alt: p.featured_image_alt,
      author: author(p.author),
      categories: p.categories,
      tags: p.tags,
    };
    if (excludeBody) delete out.body;
    return out;
  };

  function paginate<T>(list: T[], q: URLSearchParams): { meta: { previous_page: number | null; next_page: number | null; count: number }; data: T[] } {
    const page = Number(q.get('page') ?? '1');
    const size = Number(q.get('page_size') ?? '10');
    const start = (page - 1) * size;
    return { meta: { previous_page: page > 1 ? page - 1 : null, next_page: start + size < list.length ? page + 1 : null, count: list.length }, data: list.slice(start, start + size) };
  }

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] === 'cdn') {
      const file = acct().media[parts[1] ?? ''];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/png' }).end(file);
      return;
    }
    stats.requests++;
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      inSecond = 0;
    }
    inSecond++;
    stats.peakPerSecond = Math.max(stats.peakPerSecond, inSecond);
    if (limit.callsLeft <= 0) {
      res.writeHead(429, { 'retry-after': '1209600', 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'API Calls limit reached.' }));
      return;
    }
    limit.callsLeft--;
    if (inSecond > limit.perSecond) {
      stats.throttled++;
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'Request was throttled.' }));
      return;
    }
    const q = url.searchParams;
    const token = q.get('auth_token');
    if (token !== readToken && token !== previewToken) return send(res, 401, { detail: 'Invalid token.' });
    const preview = q.get('preview') === '1';
    if (preview && token !== previewToken) return send(res, 403, { detail: 'This token cannot read drafts.' });
    const locale = q.get('locale') ?? acct().locales[0]!;
    if (!acct().locales.includes(locale)) return send(res, 400, { detail: `Locale ${locale} does not exist.` });
    const levels = Number(q.get('levels') ?? '2');
    if (parts[0] !== 'v2') return send(res, 404, { detail: 'Not found.' });
    const [, kind, a, b] = parts;
    if (kind === 'pages' && a && !b) {
      // Newest first (ButterCMS's default order, `-published`).
      const list = acct()
        .pages.filter((p) => p.pageType === a && pageVersion(p, locale, preview))
        .sort((x, y) => y.published.localeCompare(x.published));
      if (a !== PAGE_TYPE_NULL && list.length === 0 && !acct().pages.some((p) => p.pageType === a)) return send(res, 404, { detail: 'Page type not found.' });
      const pg = paginate(list, q);
      return send(res, 200, { meta: pg.meta, data: pg.data.map((p) => renderPage(p, locale, preview, levels)) });
    }
    if (kind === 'pages' && a && b) {
      const p = acct().pages.find((x) => (a === PAGE_TYPE_NULL || x.pageType === a) && x.slug === b && pageVersion(x, locale, preview));
      return p ? send(res, 200, { data: renderPage(p, locale, preview, levels) }) : send(res, 404, { detail: 'Not found.' });
    }
    if (kind === 'content' && a) {
      const items = acct().collections[a];
      if (!items) return send(res, 404, { detail: 'Collection not found.' });
      const visible = items.filter((i) => (preview || i.status === 'published') && i.fields[locale]);
      const pg = paginate(visible, q);
      return send(res, 200, { meta: pg.meta, data: { [a]: pg.data.map((i) => ({ meta: { id: i.id }, ...(render(i.fields[locale], locale, preview, levels) as object) })) } });
    }
    if (kind === 'posts' && !a) {
      const list = acct().posts.filter((p) => preview || p.status === 'published').sort((x, y) => (y.published ?? y.created).localeCompare(x.published ?? x.created));
      const pg = paginate(list, q);
      return send(res, 200, { meta: pg.meta, data: pg.data.map((p) => renderPost(p, q.get('exclude_body') === 'true')) });
    }
    if (kind === 'posts' && a) {
      const p = acct().posts.find((x) => x.slug === a && (preview || x.status === 'published'));
      return p ? send(res, 200, { meta: { next_post: null, previous_post: null }, data: renderPost(p) }) : send(res, 404, { detail: 'Not found.' });
    }
    if (kind === 'authors' && !a) return send(res, 200, { data: acct().authors.map((x) => author(x.slug)) });
    const terms = (pick: (p: StandinPost) => { name: string; slug: string }[]) => {
      const seen = new Map<string, { name: string; slug: string }>();
      for (const p of acct().posts) for (const t of pick(p)) seen.set(t.slug, t);
      return [...seen.values()].sort((x, y) => x.slug.localeCompare(y.slug));
    };
    if (kind === 'categories' && !a) return send(res, 200, { data: terms((p) => p.categories) });
    if (kind === 'tags' && !a) return send(res, 200, { data: terms((p) => p.tags) });
    return send(res, 404, { detail: 'Not found.' });
  }

  const server: Server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  holder.account = build(url);
  return {
    url,
    api: `${url}/v2`,
    readToken,
    previewToken,
    stats,
    limit,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const png = (name: string) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`standin:${name}`)]);

/**
 * A small account with every shape the importer must carry: two locales, a page type with
 * numbers, booleans, dates, rich text (an inline image), media, page and collection references
 * and a repeater; a single page; a draft page and a draft-over-published page; a collection with
 * one id per item across locales (three items: two result pages at page_size 2) and a draft item;
 * posts with authors, categories, tags, a featured image and a draft.
 */
export function standinAccount(base: string): StandinAccount {
  const cdn = (f: string) => `${base}/cdn/${f}`;
  const landing = (slug: string, n: number, locale: string, extra: Record<string, unknown> = {}) => ({
    headline: `${locale === 'fr' ? 'Titre' : 'Headline'} ${slug}`,
    body: `<p>${locale === 'fr' ? 'Bonjour' : 'Hello'} ${slug}</p><p><img src="${cdn('inline.png')}" alt="inline"></p>`,
    rank: n,
    price: n + 0.5,
    featured: n % 2 === 0,
    launch: `2024-0${n}-01`,
    hero: cdn(`hero-${slug}.png`),
    related: [{ $page: `landing/${slug === 'spring' ? 'summer' : 'spring'}` }],
    // Published items only: ghee's preview does not yet expand a reference to a draft item (reported).
    faq: { $item: `faq/${100 + Math.min(n, 3)}` },
    sections: [
      { title: `${slug} one`, image: cdn('section.png') },
      { title: `${slug} two`, image: cdn(`hero-${slug}.png`) },
    ],
    ...extra,
  });
  const both = (slug: string, n: number) => ({ en: landing(slug, n, 'en'), fr: landing(slug, n, 'fr') });
  const faq = (id: number, q: string, status: 'published' | 'draft' = 'published'): StandinItem => ({
    id,
    status,
    fields: {
      en: { question: `${q}?`, answer: `<p>Because ${q}.</p>`, icon: cdn('icon.png'), weight: id - 100, active: true },
      fr: { question: `${q} (fr) ?`, answer: `<p>Parce que ${q}.</p>`, icon: cdn('icon.png'), weight: id - 100, active: id % 2 === 1 },
    },
  });
  const jane: StandinAuthor = {
    slug: 'jane-doe',
    first_name: 'Jane',
    last_name: 'Doe',
    email: 'jane@example.com',
    bio: 'Writes.',
    title: 'Editor',
    linkedin_url: '',
    facebook_url: '',
    instagram_url: '',
    pinterest_url: '',
    twitter_handle: 'jane',
    profile_image: cdn('jane.png'),
  };
  const joe: StandinAuthor = { ...jane, slug: 'joe-bloggs', first_name: 'Joe', last_name: 'Bloggs', email: 'joe@example.com', twitter_handle: '', profile_image: '' };
  const post = (slug: string, day: number, author: string, extra: Partial<StandinPost> = {}): StandinPost => ({
    slug,
    title: `Post ${slug}`,
    status: 'published',
    published: `2024-05-0${day}T10:00:00Z`,
    created: `2024-05-0${day}T09:00:00Z`,
    updated: `2024-05-0${day}T11:00:00Z`,
    body: `<p>Body of ${slug}</p><p><img src="${cdn('post-body.png')}"></p>`,
    summary: `Summary of ${slug}`,
    seo_title: `SEO ${slug}`,
    meta_description: `About ${slug}`,
    featured_image: cdn(`featured-${slug}.png`),
    featured_image_alt: `Picture for ${slug}`,
    author,
    categories: [{ name: 'News', slug: 'news' }],
    tags: [{ name: 'Butter', slug: 'butter' }],
    ...extra,
  });
  const files = ['inline.png', 'section.png', 'icon.png', 'jane.png', 'post-body.png', ...['spring', 'summer', 'autumn', 'winter'].map((s) => `hero-${s}.png`), ...['first', 'second', 'third', 'draft-post'].map((s) => `featured-${s}.png`)];
  const summerDraft = both('summer', 2);
  summerDraft.en.headline = 'Headline summer (draft)';
  return {
    locales: ['en', 'fr'],
    pages: [
      { slug: 'spring', name: 'Spring', pageType: 'landing', live: both('spring', 1), published: '2024-03-01T00:00:00Z', updated: '2024-03-02T00:00:00Z' },
      { slug: 'summer', name: 'Summer', pageType: 'landing', live: both('summer', 2), draft: summerDraft, published: '2024-06-01T00:00:00Z', updated: '2024-06-02T00:00:00Z' },
      { slug: 'autumn', name: 'Autumn', pageType: 'landing', live: both('autumn', 3), published: '2024-09-01T00:00:00Z', updated: '2024-09-02T00:00:00Z' },
      { slug: 'winter', name: 'Winter', pageType: 'landing', draft: both('winter', 4), published: '2024-12-01T00:00:00Z', updated: '2024-12-02T00:00:00Z' },
      {
        slug: 'about',
        name: 'About us',
        pageType: PAGE_TYPE_NULL,
        live: { en: { headline: 'About us', intro: '<p>We make things.</p>' }, fr: { headline: 'À propos', intro: '<p>Nous fabriquons.</p>' } },
        published: '2024-01-01T00:00:00Z',
        updated: '2024-01-02T00:00:00Z',
      },
    ],
    collections: { faq: [faq(101, 'Why'), faq(102, 'How'), faq(103, 'When'), faq(104, 'Who', 'draft')] },
    posts: [post('first', 1, 'jane-doe'), post('second', 2, 'joe-bloggs', { tags: [{ name: 'Butter', slug: 'butter' }, { name: 'Release', slug: 'release' }] }), post('third', 3, 'jane-doe', { categories: [] }), post('draft-post', 4, 'jane-doe', { status: 'draft', published: null })],
    authors: [jane, joe],
    media: Object.fromEntries(files.map((f) => [f, png(f)])),
  };
}
