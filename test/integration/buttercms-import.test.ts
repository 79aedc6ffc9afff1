/**
 * `npm run import:buttercms` (origin/importer/) end to end: a ButterCMS stand-in
 * (test/helpers/buttercms-standin.ts — ButterCMS-shaped answers with pagination, two locales,
 * references, a repeater, drafts and media on its "CDN") imported into a fresh ghee (real
 * Postgres, the origin over real HTTP, its media import worker running). Then, for every
 * imported resource, the official `buttercms` client reading ghee returns what it returned from
 * the stand-in — media URLs aside (they now point at ghee's assets: checked to serve the same
 * bytes), ids mapped, timestamps aside (ghee stamps its own), HTML as ghee's sanitiser keeps it.
 * A second run writes nothing; a dry run writes nothing and shows the inferred schemas.
 */
import Butter from 'buttercms';
import { count } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaImportWorker, sanitizeRichText } from '../../origin/content/index.js';
import { assets, auditEvents, collectionItemRevisions, collectionItems, mediaImports, pageRevisions, pages, postRevisions, posts } from '../../origin/db/schema/index.js';
import { runImport, type ImportOptions, type ImportReport } from '../../origin/importer/index.js';
import { importButterCms } from '../../origin/cli/import-buttercms.js';
import { createLogger } from '../../origin/logger.js';
import { startButterStandin, standinAccount, type RunningStandin } from '../helpers/buttercms-standin.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let standin: RunningStandin;
let origin: OriginUnderTest;
let worker: MediaImportWorker;
let first: ImportReport;
const realFetch = globalThis.fetch;
const BUTTER = 'https://api.buttercms.com/v2';
/** Where the buttercms client's requests go: the stand-in or ghee. */
let readFrom = '';

const options = (): ImportOptions => ({
  source: { baseUrl: standin.api, readToken: standin.readToken, previewToken: standin.previewToken, rps: 25, pageSize: 2 },
  target: { url: origin.server.url, spaceId: origin.seed.spaceId, writeToken: origin.seed.keys.write, adminToken: origin.seed.keys.admin },
  pageTypes: ['landing'],
  collections: ['faq'],
  locales: ['en', 'fr'],
  mediaTimeoutMs: 30_000,
});

async function counts() {
  const db = origin.database.db;
  const n = async (t: PgTable) => (await db.select({ n: count() }).from(t))[0]!.n;
  return {
    pages: await n(pages),
    pageRevisions: await n(pageRevisions),
    items: await n(collectionItems),
    itemRevisions: await n(collectionItemRevisions),
    posts: await n(posts),
    postRevisions: await n(postRevisions),
    assets: await n(assets),
    mediaImports: await n(mediaImports),
    audit: await n(auditEvents),
  };
}

beforeAll(async () => {
  standin = await startButterStandin(standinAccount, { maxPerSecond: 30 });
  origin = await startTestOrigin({ MEDIA_IMPORT_ALLOW_LOOPBACK: 'true' });
  worker = new MediaImportWorker({ db: origin.database.db, logger: createLogger('silent'), allowLoopback: true });
  worker.start(100);
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    return realFetch(url.startsWith(BUTTER) ? `${readFrom}/v2${url.slice(BUTTER.length)}` : input, init);
  }) as typeof fetch;
}, 60_000);
afterAll(async () => {
  globalThis.fetch = realFetch;
  await worker?.stop();
  await origin?.stop();
  await standin?.close();
});

describe('import:buttercms --dry-run', () => {
  it('reads the account, shows the inferred schemas and writes nothing', async () => {
    const before = await counts();
    const out: string[] = [];
    const err: string[] = [];
    const env = { BUTTER_READ_TOKEN: standin.readToken, BUTTER_PREVIEW_TOKEN: standin.previewToken };
    const code = await importButterCms(['--source-url', standin.api, '--page-types', 'landing', '--locales', 'en,fr', '--rps', '25', '--dry-run'], { out: (t) => out.push(t), err: (t) => err.push(t) }, env, null);
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toContain('dry run (nothing written)');
    expect(text).toMatch(/found +5 pages, 4 collection items, 4 posts, 2 authors, 13 media files/);
    expect(text).toContain('page type landing: ');
    // faq was found through the pages' references (not given on the command line).
    expect(text).toContain('collection faq: ');
    expect(await counts()).toEqual(before);
    // Usage errors are 2, and name what is missing; tokens never come from the command line.
    const bad: string[] = [];
    expect(await importButterCms(['--page-types', 'landing'], { out: () => {}, err: (t) => bad.push(t) }, {}, null)).toBe(2);
    expect(bad.join('')).toContain('missing BUTTER_READ_TOKEN, --target-url, --space, GHEE_WRITE_TOKEN, GHEE_ADMIN_TOKEN');
    expect(await importButterCms(['--read-token', 'x'], { out: () => {}, err: () => {} }, env, null)).toBe(2);
  });

  it("stops with a clear message when the account's monthly API calls are used up (429 until the reset), and writes nothing", async () => {
    const before = await counts();
    standin.limit.callsLeft = 3;
    const err: string[] = [];
    const env = { BUTTER_READ_TOKEN: standin.readToken, GHEE_WRITE_TOKEN: origin.seed.keys.write, GHEE_ADMIN_TOKEN: origin.seed.keys.admin };
    const started = Date.now();
    const code = await importButterCms(['--source-url', standin.api, '--target-url', origin.server.url, '--space', origin.seed.spaceId, '--page-types', 'landing', '--rps', '25'], { out: () => {}, err: (t) => err.push(t) }, env, null);
    standin.limit.callsLeft = Number.POSITIVE_INFINITY;
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/API call limit is reached \(it resets in 336 h\)/);
    expect(err.join('')).not.toContain(standin.readToken);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await counts()).toEqual(before);
  });
});

describe('import:buttercms into a fresh ghee', () => {
  it('imports every page, item, post, author and media file, within the source rate limit', async () => {
    const requestsBefore = standin.stats.requests;
    first = await runImport(options());
    const r = first;
    expect(r.unmapped.filter((u) => !/^(authors|categories|tags)\b/.test(u.what))).toEqual([]);
    expect(r.found).toEqual({ pages: 5, items: 4, posts: 4, authors: 2, media: 13 });
    expect(r.pages).toEqual({ created: 5, updated: 0, unchanged: 0, failed: 0 });
    expect(r.items).toEqual({ created: 4, updated: 0, unchanged: 0, failed: 0 });
    expect(r.posts).toEqual({ created: 4, updated: 0, unchanged: 0, failed: 0 });
    expect(r.authors).toMatchObject({ created: 2, failed: 0 });
    expect(r.media).toEqual({ imported: 13, failed: [] });
    // Below the source's limit (the stand-in allows 30 a second): nothing throttled. The importer
    // paces its sends at 25 a second; arrivals jitter with the event loop on a loaded machine, so
    // a calendar second may count a request or two more than were sent in it — never 30.
    expect(standin.stats.throttled).toBe(0);
    expect(standin.stats.peakPerSecond).toBeLessThanOrEqual(29);
    expect(standin.stats.requests - requestsBefore).toBe(r.sourceRequests);
    // The inferred page type: numbers (integer or not), booleans, dates, rich text, media, references, a repeater.
    const landing = Object.fromEntries(r.schemas.pageTypes.landing!.map((f) => [f.name, f]));
    expect(landing).toMatchObject({
      headline: { type: 'short_text' },
      body: { type: 'rich_text' },
      rank: { type: 'number', integer: true },
      price: { type: 'number' },
      featured: { type: 'boolean' },
      launch: { type: 'date' },
      hero: { type: 'media' },
      related: { type: 'reference', page_type: 'landing', max: 100 },
      faq: { type: 'reference', collection: 'faq', max: 1 },
      sections: { type: 'repeater', fields: [{ name: 'title', type: 'short_text' }, { name: 'image', type: 'media' }] },
    });
    expect(landing.price).not.toHaveProperty('integer');
    expect(r.schemas.collections.faq).toEqual([
      { name: 'question', type: 'short_text' },
      { name: 'answer', type: 'wysiwyg' },
      { name: 'icon', type: 'media' },
      { name: 'weight', type: 'number' },
      { name: 'active', type: 'checkbox' },
    ]);
  }, 120_000);

  it('the buttercms client reads from ghee what it read from ButterCMS (media URLs aside, now ghee assets)', async () => {
    const ids = new Map(Object.entries(first.itemIds.faq ?? {}).map(([src, ghee]) => [ghee, Number(src)]));
    const assetsSeen = new Set<string>();
    /** One side's answer, comparable: timestamps out, media URLs as `<media>`, ghee item ids as the source's, HTML as ghee keeps it. */
    const norm = (v: unknown, side: 'source' | 'ghee'): unknown => {
      if (typeof v === 'string') {
        if (v.startsWith(`${standin.url}/cdn/`)) return '<media>';
        if (v.startsWith('/assets/')) {
          assetsSeen.add(v);
          return '<media>';
        }
        let s = v.replace(/\/v2\/content\/\?keys=faq\[_id=(\d+)\]/g, (_m, id: string) => `/v2/content/?keys=faq[_id=${side === 'ghee' ? ids.get(Number(id)) : id}]`);
        if (s.includes('<')) {
          s = sanitizeRichText(s).replace(/src="[^"]*"/g, (m) => (m.includes('/cdn/') || m.includes('/assets/') ? 'src="<media>"' : m));
        }
        return s === '' ? null : s;
      }
      if (Array.isArray(v)) return v.map((x) => norm(x, side));
      if (typeof v === 'object' && v !== null) {
        // Key order aside (ghee stores fields as jsonb, which orders keys its own way).
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) {
          if (['published', 'updated', 'created', 'scheduled'].includes(k)) continue;
          if (k === 'meta' && typeof x === 'object' && x !== null && 'id' in x && side === 'ghee') {
            out.meta = { ...x, id: ids.get((x as { id: number }).id) };
            continue;
          }
          out[k] = norm(x, side);
        }
        return out;
      }
      return v;
    };
    const bySlug = (list: unknown) => [...(list as { slug: string }[])].sort((a, b) => a.slug.localeCompare(b.slug));
    /** The client's calls this test makes (its own types are too deep for the checker here). */
    type Answer = Promise<{ data: unknown }>;
    interface Client {
      page: { list(type: string, p: object): Answer; retrieve(type: string, slug: string, p: object): Answer };
      content: { retrieve(keys: string[], p: object): Answer };
      post: { list(p: object): Answer; retrieve(slug: string): Answer };
      author: { list(): Answer };
      category: { list(): Answer };
      tag: { list(): Answer };
    }
    const client = (token: string) => Butter(token) as unknown as Client;
    type Read = (b: Client) => Promise<unknown>;
    const reads: [string, Read, boolean][] = [];
    for (const locale of ['en', 'fr']) {
      for (const preview of [false, true]) {
        const p = preview ? ({ preview: 1 } as const) : {};
        // In order: newest first in both (the importer writes each type's pages oldest first).
        reads.push([`landing list ${locale}${preview ? ' preview' : ''}`, async (b) => ((await b.page.list('landing', { locale, page_size: 10, ...p })).data as { data: unknown[] }).data, preview]);
        for (const slug of ['spring', 'summer', 'autumn', ...(preview ? ['winter'] : [])]) {
          reads.push([`landing ${slug} ${locale}${preview ? ' preview' : ''}`, async (b) => (await b.page.retrieve('landing', slug, { locale, levels: 2, ...p })).data, preview]);
          reads.push([`landing ${slug} ${locale} levels=1`, async (b) => (await b.page.retrieve('landing', slug, { locale, levels: 1, ...p })).data, preview]);
        }
        reads.push([`about ${locale}`, async (b) => (await b.page.retrieve('*', 'about', { locale, ...p })).data, preview]);
        reads.push([`faq ${locale}${preview ? ' preview' : ''}`, async (b) => (await b.content.retrieve(['faq'], { locale, page_size: 10, ...p })).data, preview]);
      }
    }
    reads.push(['posts', async (b) => ((await b.post.list({ page_size: 10 })).data as { data: unknown }).data, false]);
    for (const slug of ['first', 'second', 'third']) reads.push([`post ${slug}`, async (b) => ((await b.post.retrieve(slug)).data as { data: unknown }).data, false]);
    reads.push(['authors', async (b) => bySlug(((await b.author.list()).data as { data: unknown[] }).data), false]);
    reads.push(['categories', async (b) => ((await b.category.list()).data as { data: unknown }).data, false]);
    reads.push(['tags', async (b) => ((await b.tag.list()).data as { data: unknown }).data, false]);

    const differences: string[] = [];
    // The comparison's own reads are not the importer's: the stand-in's limit is lifted for them.
    standin.limit.perSecond = 10_000;
    for (const [name, read, preview] of reads) {
      readFrom = standin.url;
      const want = norm(await read(client(preview ? standin.previewToken : standin.readToken)), 'source');
      readFrom = origin.server.url;
      const got = norm(await read(client(preview ? origin.seed.keys.preview : origin.seed.keys.read)), 'ghee');
      if (JSON.stringify(got) !== JSON.stringify(want)) differences.push(`${name}:\n  ghee      ${JSON.stringify(got)}\n  ButterCMS ${JSON.stringify(want)}`);
    }
    expect(differences).toEqual([]);
    expect(reads.length).toBeGreaterThan(40);
    // Every media reference now points at a ghee asset that serves the file's bytes.
    expect(assetsSeen.size).toBeGreaterThan(0);
    for (const path of assetsSeen) {
      const file = path.split('/').pop()!;
      const mine = await realFetch(`${origin.server.url}${path}`);
      expect(mine.status, path).toBe(200);
      const theirs = await realFetch(`${standin.url}/cdn/${file}`);
      expect(Buffer.from(await mine.arrayBuffer()).equals(Buffer.from(await theirs.arrayBuffer())), path).toBe(true);
    }
  }, 120_000);

  it('a second run creates and writes nothing', async () => {
    standin.limit.perSecond = 30;
    const before = await counts();
    const again = await runImport(options());
    expect(again.pages).toEqual({ created: 0, updated: 0, unchanged: 5, failed: 0 });
    expect(again.items).toEqual({ created: 0, updated: 0, unchanged: 4, failed: 0 });
    expect(again.posts).toEqual({ created: 0, updated: 0, unchanged: 4, failed: 0 });
    expect(again.authors).toMatchObject({ created: 0, unchanged: 2 });
    expect(again.model).toMatchObject({ created: 0, updated: 0 });
    expect(again.itemIds).toEqual(first.itemIds);
    const after = await counts();
    // The media queue call is one audited write (the URLs were already imported: nothing new is stored).
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
    expect(after.audit - before.audit).toBe(1);
  }, 120_000);
});
