/**
 * `GET /v2/pages/{type}/{slug}/`: a directly presented key and the page are read in one
 * prepared query (origin/content/pages/pages.ts). The same rules as the two-step path: revoked and
 * expired keys refused at once, other spaces invisible, preview needs a preview key, errors in
 * their usual precedence, references expanded to `levels`, the stored JSON otherwise sent as is.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../shared/api-key.js';
import { signAssertion } from '../../shared/edge-assertion.js';
import { parseSurrogateKeyHeader } from '../../shared/surrogate.js';
import { newApp } from '../../origin/app.js';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { apiKeys, pages, spaces } from '../../origin/db/schema/index.js';
import { createLogger } from '../../origin/logger.js';
import { listen, type RunningServer } from '../../origin/server.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { expectErrorShape, expectSecureHeaders } from '../helpers/assertions.js';
import { LogSink, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';
import { addPage as addPageTo, seedReadFixture, type TestPage } from '../helpers/pages.js';

let origin: OriginUnderTest;
/** A second server on the same database that records key usage. */
let counted: RunningServer;
const touched: string[] = [];
const url = (path: string) => `${origin.server.url}${path}`;
const read = (path: string, key: string = origin.seed.keys.read) => fetch(url(`${path}${path.includes('?') ? '&' : '?'}auth_token=${key}`));
const nowS = () => Date.now() / 1000;

const addPage = (p: TestPage) => addPageTo(origin.database.db, origin.seed.spaceId, p);

const newKey = (kind: 'read' | 'preview', extra: { expiresAt?: Date; spaceId?: string } = {}) =>
  issueApiKey(origin.database.db, { organizationId: origin.seed.organizationId, spaceId: extra.spaceId ?? origin.seed.spaceId, kind, name: kind, expiresAt: extra.expiresAt ?? null });

beforeAll(async () => {
  origin = await startTestOrigin();
  const db = origin.database.db;
  await seedReadFixture(db, origin.seed.spaceId);
  const logger = createLogger('silent', new LogSink());
  counted = await listen(
    newApp({ config: origin.config, database: origin.database, logger, envelope: devEnvelope(), keyUsage: { touch: (id) => touched.push(id) } }),
    origin.config,
    logger,
  );
});
afterAll(async () => {
  await counted?.close();
  await origin?.stop();
});

describe('published page by slug', () => {
  it('answers the stored JSON as is, with the surrogate and secure headers', async () => {
    const res = await read('/v2/pages/*/home/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const [row] = await origin.database.db.select({ id: pages.id, published: pages.published }).from(pages).where(eq(pages.slug, 'home'));
    expect(await res.json()).toEqual({ data: row!.published });
    const s = origin.seed.spaceId;
    expect(parseSurrogateKeyHeader(res.headers.get('surrogate-key')).sort()).toEqual([`space:${s}`, `page:${row!.id}`, `slug:${s}:home`].sort());
    expect(res.headers.get('surrogate-control')).toMatch(/max-age=\d+/);
    expect(res.headers.get('cache-control')).toBe('max-age=60');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expectSecureHeaders(res);
  });

  it('keeps non-ASCII text and typed pages intact; * finds a typed page, a wrong type does not', async () => {
    const body = (await (await read('/v2/pages/*/p1/')).json()) as { data: { fields: Record<string, unknown>; page_type: string } };
    expect(body.data).toMatchObject({ page_type: 'plain', fields: { title: 'Plain one', note: 'a "quoted" ünïcode → value' } });
    expect((await read('/v2/pages/plain/p1/')).status).toBe(200);
    await expectErrorShape(await read('/v2/pages/linked/p1/'), 404, 'not_found');
    await expectErrorShape(await read('/v2/pages/plain/home/'), 404, 'not_found');
  });

  it('picks the locale asked for, else the space default', async () => {
    const fr = (await (await read('/v2/pages/*/home/?locale=fr')).json()) as { data: { fields: { headline: string } } };
    expect(fr.data.fields.headline).toBe('Bienvenue');
    const en = (await (await read('/v2/pages/*/home/')).json()) as { data: { fields: { headline: string } } };
    expect(en.data.fields.headline).toBe('Welcome to ghee');
    await expectErrorShape(await read('/v2/pages/*/home/?locale=de'), 404, 'not_found');
  });

  it('404 (tagged with the slug) for drafts, deleted pages and unknown slugs', async () => {
    const missing = await read('/v2/pages/*/draft/');
    await expectErrorShape(missing, 404, 'not_found');
    expect(missing.headers.get('surrogate-key')).toContain(`slug:${origin.seed.spaceId}:draft`);
    const id = await addPage({ slug: 'gone', fields: {} });
    expect((await read('/v2/pages/*/gone/')).status).toBe(200);
    await origin.database.db.update(pages).set({ deletedAt: new Date() }).where(eq(pages.id, id));
    await expectErrorShape(await read('/v2/pages/*/gone/'), 404, 'not_found');
  });

  it('expands references (levels) when the page type declares them', async () => {
    const two = (await (await read('/v2/pages/linked/l1/')).json()) as { data: { fields: { parts: { ref: unknown }[] } } };
    expect(two.data.fields.parts[0]!.ref).toMatchObject({ slug: 'p1', fields: { title: 'Plain one' } });
    const res = await read('/v2/pages/*/l1/?levels=1');
    const one = (await res.json()) as { data: { fields: { parts: { ref: unknown }[] } } };
    expect(one.data.fields.parts[0]!.ref).toBe('/v2/pages/plain/p1/');
    const p1 = (await origin.database.db.select({ id: pages.id }).from(pages).where(eq(pages.slug, 'p1')))[0]!.id;
    const tagged = await read('/v2/pages/linked/l1/');
    expect(parseSurrogateKeyHeader(tagged.headers.get('surrogate-key'))).toContain(`page:${p1}`);
  });
});

describe('keys on the one-query path', () => {
  it('a key revoked after a read is refused on the very next read (no caching)', async () => {
    const k = await newKey('read');
    expect((await read('/v2/pages/*/home/', k.token)).status).toBe(200);
    await origin.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, k.id));
    await expectErrorShape(await read('/v2/pages/*/home/', k.token), 401, 'invalid_token');
  });

  it('an expired key is refused; one expiring later works', async () => {
    const expired = await newKey('read', { expiresAt: new Date(Date.now() - 1000) });
    await expectErrorShape(await read('/v2/pages/*/home/', expired.token), 401, 'invalid_token');
    const later = await newKey('read', { expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await read('/v2/pages/*/home/', later.token)).status).toBe(200);
  });

  it('a key of another space sees only its own pages', async () => {
    const [other] = await origin.database.db.insert(spaces).values({ organizationId: origin.seed.organizationId, slug: 'other', name: 'Other' }).returning();
    const k = await newKey('read', { spaceId: other!.id });
    const res = await read('/v2/pages/*/p1/', k.token);
    await expectErrorShape(res, 404, 'not_found');
    expect(res.headers.get('surrogate-key')).toContain(`space:${other!.id}`);
    await addPage({ slug: 'p1', fields: { title: 'Other space' }, spaceId: other!.id });
    const own = (await (await read('/v2/pages/*/p1/', k.token)).json()) as { data: { fields: { title: string } } };
    expect(own.data.fields.title).toBe('Other space');
  });

  it('an admin key (no space) is forbidden; unknown and malformed keys are refused', async () => {
    await expectErrorShape(await read('/v2/pages/*/home/', origin.seed.keys.admin), 403, 'forbidden');
    await expectErrorShape(await read('/v2/pages/*/home/', generateApiKey('read')), 401, 'invalid_token');
    const bad = origin.seed.keys.read.slice(0, -1) + (origin.seed.keys.read.endsWith('A') ? 'B' : 'A');
    await expectErrorShape(await read('/v2/pages/*/home/', bad), 401, 'invalid_token');
  });

  it('preview: a read key is forbidden, a preview key sees drafts', async () => {
    await expectErrorShape(await read('/v2/pages/*/draft/?preview=1'), 403, 'forbidden');
    await expectErrorShape(await read('/v2/pages/*/home/?preview=true'), 403, 'forbidden');
    const res = await read('/v2/pages/*/draft/?preview=1', origin.seed.keys.preview);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { fields: unknown } }).data.fields).toEqual({ title: 'Draft' });
    await expectErrorShape(await read('/v2/pages/*/draft/', origin.seed.keys.preview), 404, 'not_found');
  });

  it('credentials are checked before parameters, parameters before the page', async () => {
    const k = await newKey('read');
    await origin.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, k.id));
    await expectErrorShape(await read('/v2/pages/*/home/?locale=x1', k.token), 401, 'invalid_token');
    await expectErrorShape(await read('/v2/pages/BAD/home/', 'not-a-key'), 401, 'invalid_token');
    await expectErrorShape(await fetch(url('/v2/pages/*/home/?levels=9')), 401, 'unauthenticated');
    await expectErrorShape(await read('/v2/pages/*/home/?locale=x1'), 400, 'bad_request');
    await expectErrorShape(await read('/v2/pages/*/home/?levels=9'), 400, 'bad_request');
    await expectErrorShape(await read('/v2/pages/*/-bad-/'), 404, 'not_found');
  });

  it('records key usage on direct and edge-asserted reads', async () => {
    touched.length = 0;
    const k = await newKey('read');
    expect((await fetch(`${counted.url}/v2/pages/*/home/?auth_token=${k.token}`)).status).toBe(200);
    expect(touched).toEqual([k.id]);
    const path = '/v2/pages/*/p1/';
    const keyId = '00000000-0000-4000-8000-0000000000ee';
    const headers = signAssertion(origin.secret, { keyId, spaceId: origin.seed.spaceId, kind: 'read' }, 'GET', path, nowS());
    const res = await fetch(`${counted.url}${path}`, { headers });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { slug: string } }).data.slug).toBe('p1');
    expect(touched).toEqual([k.id, keyId]);
  });

  it('edge-asserted reads keep the preview and page rules', async () => {
    const assert = (path: string, kind: 'read' | 'preview') =>
      fetch(url(path), { headers: signAssertion(origin.secret, { keyId: '00000000-0000-4000-8000-0000000000ef', spaceId: origin.seed.spaceId, kind }, 'GET', path, nowS()) });
    await expectErrorShape(await assert('/v2/pages/*/draft/?preview=1', 'read'), 403, 'forbidden');
    expect((await assert('/v2/pages/*/draft/?preview=1', 'preview')).status).toBe(200);
    await expectErrorShape(await assert('/v2/pages/*/draft/', 'preview'), 404, 'not_found');
    const linked = (await (await assert('/v2/pages/linked/l1/', 'read')).json()) as { data: { fields: { parts: { ref: unknown }[] } } };
    expect(linked.data.fields.parts[0]!.ref).toMatchObject({ slug: 'p1' });
  });
});
