/**
 * Media import (origin/content/assets/media-import-worker.ts) against real servers: the origin on
 * real Postgres, and a real HTTP server on loopback serving the media (loopback is allowed only
 * for the worker built with `allowLoopback`, as MEDIA_IMPORT_ALLOW_LOOPBACK allows it in tests).
 * A write naming a remote media URL answers 202 at once with the URL as given; the worker fetches
 * it through the SSRF guard, stores it once, and rewrites the content to the asset's path in a
 * new revision. Refused targets, redirects to private addresses, oversized files and wrong types
 * fail visibly (GET /v2/manage/media-imports?status=failed); transient failures are retried.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, assets, mediaImports, pageRevisions, pages } from '../../origin/db/schema/index.js';
import { MediaImportWorker } from '../../origin/content/index.js';
import { createLogger } from '../../origin/logger.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let media: Server;
let mediaBase: string;
let worker: MediaImportWorker;
const hits = new Map<string, number>();
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('ghee-test-image-1')]);
const PNG2 = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('ghee-test-image-2')]);
const MAX_BYTES = 4096;

async function call(method: string, path: string, key: string, body?: unknown): Promise<Response> {
  return fetch(`${origin.server.url}${path}`, {
    method,
    headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
const write = (method: string, path: string, body?: unknown) => call(method, path, origin.seed.keys.write, body);
interface ImportView {
  id: string;
  url: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt: string | null;
  asset: { id: string; url: string } | null;
}
type Fields = Record<string, unknown> & { gallery?: { image: string; caption: string }[] };
type Answer = { data: { fields: Fields; featured_image: string; logos: Record<string, unknown>[] } & ImportView & ImportView[]; meta: { count: number } };
const json = async (res: Response) => (await res.json()) as Answer;
const importsOf = async (status?: string) => (await json(await write('GET', `/v2/manage/media-imports/${status ? `?status=${status}` : ''}`))).data as unknown as ImportView[];
/** An asset path of the test space, for `file`. */
const isAssetPath = (v: unknown, file: string) => typeof v === 'string' && v.startsWith(`/assets/${origin.seed.spaceId}/`) && v.endsWith(`/${file}`) && v.split('/').length === 5;

beforeAll(async () => {
  media = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/hero.png' || path === '/copy-of-hero.png' || path === '/post.png' || path === '/item.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    } else if (path === '/second.png' || path === '/inline.png') {
      res.writeHead(200, { 'content-type': 'image/png; charset=binary' }).end(PNG2);
    } else if (path === '/moved.png') {
      res.writeHead(301, { location: '/hero.png' }).end();
    } else if (path === '/to-private.png') {
      res.writeHead(302, { location: 'http://10.0.0.7/secret.png' }).end();
    } else if (path === '/to-metadata.png') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (path === '/huge.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(MAX_BYTES * 4, 1));
    } else if (path === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<script>alert(1)</script>');
    } else if (path === '/image.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg onload="alert(1)"/>');
    } else if (path === '/flaky.png') {
      // Fails the first time, then serves the file.
      if (hits.get(path) === 1) res.writeHead(503).end('try later');
      else res.writeHead(200, { 'content-type': 'image/png' }).end(PNG2);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', () => r()));
  mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  origin = await startTestOrigin({ MEDIA_IMPORT_ALLOW_LOOPBACK: 'true' });
  worker = new MediaImportWorker({ db: origin.database.db, logger: createLogger('silent'), allowLoopback: true, retryBaseMs: 50, maxBytes: MAX_BYTES, fetchTimeoutMs: 3000 });
  const space = `/v2/manage/spaces/${origin.seed.spaceId}`;
  const admin = origin.seed.keys.admin;
  const typeBody = {
    slug: 'landing',
    name: 'Landing',
    fields: [
      { name: 'headline', type: 'short_text' },
      { name: 'hero', type: 'media' },
      { name: 'body', type: 'rich_text' },
      { name: 'gallery', type: 'repeater', fields: [{ name: 'image', type: 'media' }, { name: 'caption', type: 'short_text' }] },
    ],
  };
  expect((await call('POST', `${space}/page_types/`, admin, typeBody)).status).toBe(201);
  expect((await call('POST', `${space}/collections/`, admin, { key: 'logos', name: 'Logos', fields: [{ name: 'name', type: 'short_text' }, { name: 'logo', type: 'media' }] })).status).toBe(201);
});
afterAll(async () => {
  await worker?.stop();
  await origin?.stop();
  await new Promise<void>((r) => media.close(() => r()));
});

describe('media import: happy path', () => {
  it('answers 202 at once with the remote URL, then rewrites media fields (repeaters included) to the asset in a new revision', async () => {
    const hero = `${mediaBase}/hero.png`;
    const res = await write('POST', '/v2/pages/', {
      title: 'Spring',
      slug: 'spring',
      page_type: 'landing',
      status: 'published',
      fields: { headline: 'Spring', hero, body: '<p>hi</p>', gallery: [{ image: `${mediaBase}/second.png`, caption: 'two' }] },
    });
    expect(res.status).toBe(202);
    // Until the import is done, readers see the URL as written.
    const before = await json(await call('GET', '/v2/pages/landing/spring/', origin.seed.keys.read));
    expect(before.data.fields.hero).toBe(hero);
    expect((await importsOf('pending')).map((i) => i.url).sort()).toEqual([hero, `${mediaBase}/second.png`].sort());

    await worker.runOnce();
    const after = await json(await call('GET', '/v2/pages/landing/spring/', origin.seed.keys.read));
    expect(isAssetPath(after.data.fields.hero, 'hero.png'), String(after.data.fields.hero)).toBe(true);
    expect(isAssetPath(after.data.fields.gallery![0]!.image, 'second.png')).toBe(true);
    expect(after.data.fields.gallery![0]!.caption).toBe('two');
    // The asset serves the downloaded bytes, publicly.
    const asset = await fetch(`${origin.server.url}${String(after.data.fields.hero)}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await asset.arrayBuffer()).equals(PNG)).toBe(true);
    // A new revision by the import (an operator: no key, no member), and one audit row per stored asset.
    const [page] = await origin.database.db.select().from(pages).where(and(eq(pages.slug, 'spring'), eq(pages.spaceId, origin.seed.spaceId)));
    const revisions = await origin.database.db.select().from(pageRevisions).where(eq(pageRevisions.pageId, page!.id));
    expect(revisions.map((r) => r.version).sort()).toEqual([1, 2]);
    expect(revisions.find((r) => r.version === 2)).toMatchObject({ createdByKey: null, createdByUser: null, status: 'published' });
    const audits = await origin.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'asset.import'));
    expect(audits).toHaveLength(2);
    const done = await importsOf('done');
    expect(done.find((i) => i.url === hero)).toMatchObject({ status: 'done', attempts: 1, last_error: null, asset: { url: after.data.fields.hero } });
  });

  it('imports a post featured image and a collection item media field', async () => {
    const post = await write('POST', '/v2/posts/', { title: 'Hello', slug: 'hello', status: 'published', featured_image: `${mediaBase}/post.png`, body: '<p>x</p>' });
    expect(post.status).toBe(202);
    const item = await write('POST', '/v2/content/', { key: 'logos', status: 'published', fields: [{ name: 'Acme', logo: `${mediaBase}/item.png` }] });
    expect(item.status).toBe(202);
    await worker.runOnce();
    const p = await json(await call('GET', '/v2/posts/hello/', origin.seed.keys.read));
    // post.png and item.png hold hero.png's bytes: the space's one asset with them.
    const heroAsset = (await origin.database.db.select().from(mediaImports).where(eq(mediaImports.url, `${mediaBase}/hero.png`)))[0]!.assetId!;
    expect(p.data.featured_image).toBe(`/assets/${origin.seed.spaceId}/${heroAsset}/hero.png`);
    const items = await json(await call('GET', '/v2/content/logos/', origin.seed.keys.read));
    expect(items.data.logos[0]!.logo).toBe(p.data.featured_image);
    expect(items.data.logos[0]!.name).toBe('Acme');
  });
});

describe('media import: locales', () => {
  it('rewrites each locale of a page written in several locales at once, and a collection item in its own locale', async () => {
    expect((await call('POST', `/v2/manage/spaces/${origin.seed.spaceId}/locales/`, origin.seed.keys.admin, { code: 'fr' })).status).toBe(201);
    const res = await write('POST', '/v2/pages/', {
      title: 'Both',
      slug: 'both-locales',
      page_type: 'landing',
      status: 'published',
      fields: { en: { hero: `${mediaBase}/hero.png` }, fr: { hero: `${mediaBase}/second.png` } },
    });
    expect(res.status).toBe(202);
    expect((await write('POST', '/v2/content/?locale=fr', { key: 'logos', status: 'published', fields: [{ name: 'Acme FR', logo: `${mediaBase}/second.png` }] })).status).toBe(202);
    await worker.runOnce();
    const en = await json(await call('GET', '/v2/pages/landing/both-locales/?locale=en', origin.seed.keys.read));
    const fr = await json(await call('GET', '/v2/pages/landing/both-locales/?locale=fr', origin.seed.keys.read));
    expect(isAssetPath(en.data.fields.hero, 'hero.png'), String(en.data.fields.hero)).toBe(true);
    expect(isAssetPath(fr.data.fields.hero, 'second.png'), String(fr.data.fields.hero)).toBe(true);
    const items = await json(await call('GET', '/v2/content/logos/?locale=fr', origin.seed.keys.read));
    const acme = items.data.logos.find((i) => i.name === 'Acme FR')!;
    expect(isAssetPath(acme.logo, 'second.png'), String(acme.logo)).toBe(true);
  });
});

describe('media import: body images on request (upload_images_to_media_library)', () => {
  it("imports a post body's images only when the writer asks, and rewrites them in the body", async () => {
    const body = `<p>Look</p><p><img src="${mediaBase}/inline.png" alt="x" /></p>`;
    expect((await write('POST', '/v2/posts/', { title: 'With', slug: 'with-images', status: 'published', body, upload_images_to_media_library: true })).status).toBe(202);
    expect((await write('POST', '/v2/posts/', { title: 'Without', slug: 'without-images', status: 'published', body: body.replace('inline.png', 'second.png').replace('/second.png', '/never-asked.png') })).status).toBe(202);
    expect((await importsOf()).some((i) => i.url === `${mediaBase}/never-asked.png`)).toBe(false);
    await worker.runOnce();
    const withImages = await json(await call('GET', '/v2/posts/with-images/', origin.seed.keys.read));
    const src = /src="([^"]+)"/.exec((withImages.data as unknown as { body: string }).body)![1]!;
    // inline.png holds second.png's bytes: the one asset already stored under that name.
    expect(isAssetPath(src, 'second.png'), src).toBe(true);
    expect(Buffer.from(await (await fetch(`${origin.server.url}${src}`)).arrayBuffer()).equals(PNG2)).toBe(true);
    const without = await json(await call('GET', '/v2/posts/without-images/', origin.seed.keys.read));
    expect((without.data as unknown as { body: string }).body).toContain(`${mediaBase}/never-asked.png`);
  });
});

describe('media import: stored once', () => {
  it('the same URL named twice is fetched once, and the same bytes at another URL (or behind a redirect) are one asset', async () => {
    const assetsBefore = (await origin.database.db.select({ id: assets.id }).from(assets)).length;
    const hits0 = hits.get('/hero.png') ?? 0;
    for (const slug of ['again-1', 'again-2']) {
      expect((await write('POST', '/v2/pages/', { title: slug, slug, page_type: 'landing', status: 'draft', fields: { hero: `${mediaBase}/hero.png` } })).status).toBe(202);
    }
    expect((await write('POST', '/v2/pages/', { title: 'copy', slug: 'copy', page_type: 'landing', status: 'draft', fields: { hero: `${mediaBase}/copy-of-hero.png` } })).status).toBe(202);
    expect((await write('POST', '/v2/pages/', { title: 'moved', slug: 'moved', page_type: 'landing', status: 'draft', fields: { hero: `${mediaBase}/moved.png` } })).status).toBe(202);
    await worker.runOnce();
    // hero.png was already imported: not fetched again (the redirect target is fetched once for moved.png).
    expect((hits.get('/hero.png') ?? 0) - hits0).toBe(1);
    const rows = await origin.database.db.select().from(mediaImports).where(eq(mediaImports.url, `${mediaBase}/hero.png`));
    expect(rows).toHaveLength(1);
    // No new asset: copy-of-hero.png and moved.png have hero.png's bytes.
    expect((await origin.database.db.select({ id: assets.id }).from(assets)).length).toBe(assetsBefore);
    const heroAsset = rows[0]!.assetId;
    for (const slug of ['again-1', 'again-2', 'copy', 'moved']) {
      const page = await json(await call('GET', `/v2/pages/landing/${slug}/?preview=1`, origin.seed.keys.preview));
      expect(page.data.fields.hero, slug).toContain(`/${heroAsset}/`);
    }
  });
});

describe('media import: refusals are failures, visible and never fetched around the guard', () => {
  it('refuses a redirect to a private or metadata address, an oversized file and a wrong type, and keeps the URL as written', async () => {
    const cases = { 'to-private.png': /private/, 'to-metadata.png': /link-local/, 'huge.png': /larger than/, 'page.html': /text\/html is not an accepted media type/, 'image.svg': /image\/svg\+xml/, 'missing.png': /HTTP 404/ };
    for (const file of Object.keys(cases)) {
      expect((await write('POST', '/v2/pages/', { title: file, slug: file.replace('.', '-'), page_type: 'landing', status: 'published', fields: { hero: `${mediaBase}/${file}` } })).status).toBe(202);
    }
    await worker.runOnce();
    const failed = await importsOf('failed');
    for (const [file, reason] of Object.entries(cases)) {
      const row = failed.find((i) => i.url === `${mediaBase}/${file}`);
      expect(row, file).toMatchObject({ status: 'failed', attempts: 1, asset: null });
      expect(row!.last_error, file).toMatch(reason);
      const page = await json(await call('GET', `/v2/pages/landing/${file.replace('.', '-')}/`, origin.seed.keys.read));
      expect(page.data.fields.hero, file).toBe(`${mediaBase}/${file}`);
    }
    // The redirect targets were never contacted (they are not this server, and the guard refused them first).
    expect(hits.get('/secret.png')).toBeUndefined();
  });

  it('refuses loopback when loopback is not allowed (production), without connecting', async () => {
    const strict = new MediaImportWorker({ db: origin.database.db, logger: createLogger('silent'), allowLoopback: false });
    const n = hits.get('/strict.png') ?? 0;
    expect((await write('POST', '/v2/pages/', { title: 's', slug: 'strict', page_type: 'landing', status: 'draft', fields: { hero: `${mediaBase}/strict.png` } })).status).toBe(202);
    await strict.runOnce();
    expect(hits.get('/strict.png') ?? 0).toBe(n);
    const row = (await importsOf('failed')).find((i) => i.url === `${mediaBase}/strict.png`);
    expect(row!.last_error).toMatch(/Refused target/);
  });

  it('retries a transient failure with backoff, then imports; a failed import can be queued again by hand', async () => {
    expect((await write('POST', '/v2/pages/', { title: 'f', slug: 'flaky', page_type: 'landing', status: 'draft', fields: { hero: `${mediaBase}/flaky.png` } })).status).toBe(202);
    await worker.runOnce();
    const retrying = (await importsOf('retrying')).find((i) => i.url === `${mediaBase}/flaky.png`);
    expect(retrying).toMatchObject({ attempts: 1, last_error: 'answered HTTP 503' });
    expect(Date.parse(retrying!.next_attempt ?? '')).toBeGreaterThan(Date.now() - 1000);
    await new Promise((r) => setTimeout(r, 120));
    await worker.runOnce();
    const done = (await importsOf('done')).find((i) => i.url === `${mediaBase}/flaky.png`);
    expect(done).toMatchObject({ attempts: 2, last_error: null });
    const page = await json(await call('GET', '/v2/pages/landing/flaky/?preview=1', origin.seed.keys.preview));
    expect(page.data.fields.hero).toBe(done!.asset!.url);

    // By hand: the 404 is fixed on the other side, the import is queued again.
    const missing = (await importsOf('failed')).find((i) => i.url === `${mediaBase}/missing.png`)!;
    const again = await write('POST', `/v2/manage/media-imports/${missing.id}/retry/`);
    expect(again.status).toBe(202);
    expect((await json(again)).data).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await write('POST', `/v2/manage/media-imports/${missing.id}/retry/`)).status).toBe(404);
  });
});

describe('media import: the queue over HTTP', () => {
  it('queues URLs (once each) for a write key, refuses other keys and bad bodies in the one error shape', async () => {
    const urls = [`${mediaBase}/inline.png`, `${mediaBase}/inline.png`, `${mediaBase}/hero.png`];
    const res = await write('POST', '/v2/manage/media-imports/', { urls });
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(body.data.map((d) => d.url).sort()).toEqual([`${mediaBase}/hero.png`, `${mediaBase}/inline.png`]);
    expect(body.data.find((d) => d.url === `${mediaBase}/hero.png`)!.status).toBe('done');
    await worker.runOnce();
    const listed = await json(await write('GET', `/v2/manage/media-imports/?url=${encodeURIComponent(`${mediaBase}/inline.png`)}`));
    expect(listed.meta.count).toBe(1);
    expect(listed.data[0]).toMatchObject({ status: 'done' });

    for (const bad of [{ urls: ['javascript:alert(1)'] }, { urls: ['https://user:pw@example.com/x.png'] }, { urls: [] }, { urls: ['https://example.com/a.png'], extra: 1 }]) {
      const r = await write('POST', '/v2/manage/media-imports/', bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(await json(r)).toMatchObject({ code: 'bad_request' });
    }
    expect((await write('GET', '/v2/manage/media-imports/?status=nope')).status).toBe(400);
    expect((await call('GET', '/v2/manage/media-imports/', origin.seed.keys.read)).status).toBe(403);
    expect((await call('POST', '/v2/manage/media-imports/', origin.seed.keys.read, { urls: [`${mediaBase}/a.png`] })).status).toBe(403);
    expect((await call('GET', '/v2/manage/media-imports/', 'ghee_write_not-a-real-key')).status).toBe(401);
  });
});
