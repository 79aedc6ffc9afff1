import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/api-key.js';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { apiKeys, pageRevisions, pages, purgeOutbox, webhookDeliveries } from '../../origin/db/schema/index.js';
import { createWebhook } from '../../origin/outbox/webhooks.js';
import { unwrap } from '../../origin/http/result.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, SessionClient } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const api = (path: string) => `${origin.server.url}${path}`;
const write = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(api(path), {
    method,
    headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const read = (slug: string, key = origin.seed.keys.read, extra = '') => fetch(api(`/v2/pages/*/${slug}/?auth_token=${key}${extra}`));
const etagOf = async (slug: string) => (await fetch(api(`/v2/manage/pages/*/${slug}/`), { headers: { authorization: `Token ${origin.seed.keys.write}` } })).headers.get('etag');
/** The revision rows of a page (live or deleted), oldest first. */
const revisionsOf = async (slug: string) => {
  const [row] = await origin.database.db.select({ id: pages.id }).from(pages).where(eq(pages.slug, slug));
  return origin.database.db.select().from(pageRevisions).where(eq(pageRevisions.pageId, row!.id)).orderBy(asc(pageRevisions.version));
};

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
});
afterAll(async () => origin?.stop());

describe('create', () => {
  it('creates a draft by default: hidden from read keys, visible in preview', async () => {
    const res = await write('POST', '/v2/pages/', { title: 'About', slug: 'about', page_type: '*', fields: { headline: 'About us' } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'pending' });
    await expectErrorShape(await read('about'), 404, 'not_found');
    const preview = await read('about', origin.seed.keys.preview, '&preview=1');
    expect(preview.status).toBe(200);
    expect(await preview.json()).toMatchObject({ data: { slug: 'about', name: 'About', fields: { headline: 'About us' }, published: null } });
  });

  it('publishes with status=published, committed before the 202, with a revision and a queued purge', async () => {
    const before = (await origin.database.db.select({ n: sql<number>`count(*)::int` }).from(purgeOutbox))[0]!.n;
    const res = await write('POST', '/v2/pages/', { title: 'Pricing', slug: 'pricing', 'page-type': '*', status: 'published', fields: { plans: [{ name: 'Free' }] } });
    expect(res.status).toBe(202);
    const page = await read('pricing');
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ data: { slug: 'pricing', fields: { plans: [{ name: 'Free' }] } } });
    const [row] = await origin.database.db.select().from(pages).where(eq(pages.slug, 'pricing'));
    const revisions = await origin.database.db.select().from(pageRevisions).where(eq(pageRevisions.pageId, row!.id));
    expect(revisions.map((r) => r.version)).toEqual([1]);
    const outbox = await origin.database.db.select().from(purgeOutbox);
    expect(outbox.length).toBe(before + 1);
    expect(outbox.at(-1)!.keys).toEqual(expect.arrayContaining([`page:${row!.id}`, `slug:${origin.seed.spaceId}:pricing`]));
  });

  it('refuses a duplicate slug, unknown fields, bad values, non-JSON and oversized bodies — changing nothing', async () => {
    const count = async () => (await origin.database.db.select({ n: sql<number>`count(*)::int` }).from(pages))[0]!.n;
    const n = await count();
    await expectErrorShape(await write('POST', '/v2/pages/', { title: 'x', slug: 'pricing', page_type: '*', fields: {} }), 400, 'bad_request');
    const unknown = await expectErrorShape(await write('POST', '/v2/pages/', { title: 'x', slug: 'x1', page_type: '*', fields: {}, owner: 'me' }), 400, 'bad_request');
    expect(String(unknown.detail)).toContain('owner');
    const bad = await expectErrorShape(await write('POST', '/v2/pages/', { title: 'x', slug: 'bad slug', page_type: '*', status: 'live', fields: {} }), 400, 'bad_request');
    expect(String(bad.detail)).toMatch(/slug/);
    expect(String(bad.detail)).toMatch(/status/);
    await expectErrorShape(await write('POST', '/v2/pages/', '{not json'), 400, 'bad_request');
    await expectErrorShape(await write('POST', '/v2/pages/', { title: 'x', slug: 'x2', page_type: '*', fields: { a: 'x'.repeat(1_100_000) } }), 413, 'payload_too_large');
    await expectErrorShape(await fetch(api('/v2/pages/'), { method: 'POST', headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'text/plain' }, body: '{}' }), 415, 'unsupported_media_type');
    expect(await count()).toBe(n);
  });

  it('refuses read and preview keys (403) and missing keys (401)', async () => {
    for (const key of [origin.seed.keys.read, origin.seed.keys.preview]) {
      const res = await fetch(api('/v2/pages/'), { method: 'POST', headers: { authorization: `Token ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x', slug: 'nope', page_type: '*', fields: {} }) });
      await expectErrorShape(res, 403, 'forbidden');
    }
    await expectErrorShape(await fetch(api('/v2/pages/'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 401, 'unauthenticated');
  });
});

describe('update', () => {
  it('merges partial updates, publishes, and writes a revision per save', async () => {
    await write('POST', '/v2/pages/', { title: 'Team', slug: 'team', page_type: '*', fields: { a: 1, b: 1 } });
    expect((await write('PATCH', '/v2/pages/*/team/', { fields: { b: 2 } })).status).toBe(202);
    expect((await write('PUT', '/v2/pages/*/team/', { status: 'published', fields: { c: 3 } })).status).toBe(202);
    const page = await read('team');
    expect(await page.json()).toMatchObject({ data: { fields: { a: 1, b: 2, c: 3 } } });
    const [row] = await origin.database.db.select().from(pages).where(eq(pages.slug, 'team'));
    const revisions = await origin.database.db.select().from(pageRevisions).where(eq(pageRevisions.pageId, row!.id));
    expect(revisions.map((r) => r.version).sort()).toEqual([1, 2, 3]);
  });

  it('a draft save keeps the published version live', async () => {
    await write('PATCH', '/v2/pages/*/team/', { status: 'draft', fields: { c: 'draft' } });
    expect(await (await read('team')).json()).toMatchObject({ data: { fields: { c: 3 } } });
    expect(await (await read('team', origin.seed.keys.preview, '&preview=1')).json()).toMatchObject({ data: { fields: { c: 'draft' } } });
  });

  it('If-Match: the current ETag wins, a stale one gets 412 and changes nothing', async () => {
    const etag = await etagOf('team');
    expect(etag).toMatch(/^"v\d+"$/);
    const ok = await write('PATCH', '/v2/pages/*/team/', { fields: { d: 1 } }, { 'if-match': etag! });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('etag')).not.toBe(etag);
    await expectErrorShape(await write('PATCH', '/v2/pages/*/team/', { fields: { d: 2 } }, { 'if-match': etag! }), 412, 'precondition_failed');
    await expectErrorShape(await write('PATCH', '/v2/pages/*/team/', { fields: { d: 2 } }, { 'if-match': 'v1' }), 400, 'bad_request');
    const preview = (await (await read('team', origin.seed.keys.preview, '&preview=1')).json()) as { data: { fields: { d: number } } };
    expect(preview.data.fields.d).toBe(1);
  });

  it('100 concurrent PATCHes with the same If-Match: exactly one wins', async () => {
    const etag = (await etagOf('team'))!;
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => write('PATCH', '/v2/pages/*/team/', { fields: { winner: i } }, { 'if-match': etag })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(99);
  });

  it('concurrent PATCHes without If-Match lose no field', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => write('PATCH', '/v2/pages/*/team/', { fields: { [`f${i}`]: i } })));
    const preview = (await (await read('team', origin.seed.keys.preview, '&preview=1')).json()) as { data: { fields: Record<string, number> } };
    for (let i = 0; i < 30; i++) expect(preview.data.fields[`f${i}`]).toBe(i);
  });

  it('404 for a missing page, unknown fields refused', async () => {
    await expectErrorShape(await write('PATCH', '/v2/pages/*/nowhere/', { fields: {} }), 404, 'not_found');
    await expectErrorShape(await write('PATCH', '/v2/pages/*/team/', { fields: {}, slug: 'renamed' }), 400, 'bad_request');
  });
});

describe('delete', () => {
  it('soft-deletes (reads 404), and re-creating revives the page', async () => {
    await write('POST', '/v2/pages/', { title: 'Old', slug: 'old', page_type: '*', status: 'published', fields: { v: 1 } });
    expect((await read('old')).status).toBe(200);
    expect((await write('DELETE', '/v2/pages/*/old/')).status).toBe(204);
    await expectErrorShape(await read('old'), 404, 'not_found');
    await expectErrorShape(await write('DELETE', '/v2/pages/*/old/'), 404, 'not_found');
    expect((await write('POST', '/v2/pages/', { title: 'Old', slug: 'old', page_type: '*', status: 'published', fields: { v: 2 } })).status).toBe(202);
    expect(await (await read('old')).json()).toMatchObject({ data: { fields: { v: 2 } } });
    // The delete and the revival are revisions too: one per version, no gap.
    expect((await revisionsOf('old')).map((r) => [r.version, r.status, r.fields])).toEqual([
      [1, 'published', { v: 1 }],
      [2, 'deleted', { v: 1 }],
      [3, 'published', { v: 2 }],
    ]);
  });
});

describe('webhooks', () => {
  it('queues ButterCMS-shaped page events in the same transaction as the change', async () => {
    const hook = unwrap(await createWebhook(
      origin.database.db,
      { spaceId: origin.seed.spaceId, url: 'https://hooks.example.com/butter', events: ['page.all'], allowLoopback: false, lookup: async () => ['93.184.216.34'] },
      devEnvelope(),
    ));
    await write('POST', '/v2/pages/', { title: 'Hooked', slug: 'hooked', page_type: '*', status: 'published', fields: {} });
    await write('PATCH', '/v2/pages/*/hooked/', { status: 'draft', fields: { x: 1 } });
    await write('DELETE', '/v2/pages/*/hooked/');
    // A refused write queues nothing.
    await write('PATCH', '/v2/pages/*/hooked/', { fields: { x: 2 } });
    const rows = await origin.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id)).orderBy(webhookDeliveries.createdAt);
    expect(rows.map((r) => r.event)).toEqual(['page.published', 'page.draft', 'page.delete']);
    expect(rows[0]!.payload).toMatchObject({
      data: { id: 'hooked', page_type: '*', name: 'Hooked', status: 'published', locale: 'en' },
      webhook: { event: 'page.published', target: 'https://hooks.example.com/butter' },
    });
  });
});

describe('revisions: history, rollback and restore', () => {
  const manage = (path: string, init: RequestInit = {}) =>
    fetch(api(`/v2/manage/pages/*/${path}`), { ...init, headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });

  it('lists revisions and rolls back to any of them as a new revision', async () => {
    await write('POST', '/v2/pages/', { title: 'Roll v1', slug: 'roll', page_type: '*', status: 'published', fields: { a: 1 } });
    await write('PATCH', '/v2/pages/*/roll/', { title: 'Roll v2', fields: { a: 2, b: 2 } });
    const history = (await (await manage('roll/revisions/')).json()) as { data: { version: number; name: string }[] };
    expect(history.data.map((r) => r.version)).toEqual([2, 1]);
    const res = await manage('roll/rollback/', { method: 'POST', body: JSON.stringify({ version: 1 }) });
    expect(res.status).toBe(202);
    expect(res.headers.get('etag')).toBe('"v3"');
    // Replaced, not merged: b (added after v1) is gone; the title is v1's.
    expect(await (await read('roll')).json()).toMatchObject({ data: { name: 'Roll v1', fields: { a: 1 } } });
    expect(((await (await read('roll')).json()) as { data: { fields: Record<string, unknown> } }).data.fields).not.toHaveProperty('b');
    const after = (await (await manage('roll/revisions/')).json()) as { data: { version: number }[] };
    expect(after.data.map((r) => r.version)).toEqual([3, 2, 1]);
  });

  it('refuses an unknown revision, a stale If-Match and read keys', async () => {
    await expectErrorShape(await manage('roll/rollback/', { method: 'POST', body: JSON.stringify({ version: 99 }) }), 404, 'not_found');
    await expectErrorShape(await manage('roll/rollback/', { method: 'POST', body: JSON.stringify({ version: 1 }), headers: { 'if-match': '"v1"' } }), 412, 'precondition_failed');
    await expectErrorShape(await manage('roll/rollback/', { method: 'POST', body: JSON.stringify({ version: 0 }) }), 400, 'bad_request');
    const asRead = await fetch(api('/v2/manage/pages/*/roll/rollback/'), { method: 'POST', headers: { authorization: `Token ${origin.seed.keys.read}`, 'content-type': 'application/json' }, body: JSON.stringify({ version: 1 }) });
    await expectErrorShape(asRead, 403, 'forbidden');
  });

  it('restores a deleted page with its published form', async () => {
    expect((await write('DELETE', '/v2/pages/*/roll/')).status).toBe(204);
    await expectErrorShape(await read('roll'), 404, 'not_found');
    expect((await manage('roll/restore/', { method: 'POST' })).status).toBe(202);
    expect(await (await read('roll')).json()).toMatchObject({ data: { name: 'Roll v1' } });
    await expectErrorShape(await manage('roll/restore/', { method: 'POST' }), 404, 'not_found');
  });
});

describe('revisions: delete and restore are revisions too', () => {
  interface HistoryEntry {
    version: number;
    name: string;
    status: string;
    created_by_key: string | null;
    created_by_user: string | null;
  }
  const manage = (path: string, init: RequestInit = {}) =>
    fetch(api(`/v2/manage/pages/*/${path}`), { ...init, headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  const history = async (slug: string) => {
    const res = await manage(`${slug}/revisions/`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: HistoryEntry[] }).data;
  };
  /** The history names every version from 1 to the page's current one exactly once, newest first. */
  const expectNoGaps = async (slug: string) => {
    const entries = await history(slug);
    const version = Number((await etagOf(slug))!.slice(2, -1));
    expect(entries.map((e) => e.version)).toEqual(Array.from({ length: version }, (_, i) => version - i));
    return entries;
  };
  let writeKeyId: string;
  let member: { id: string; send: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response> };

  beforeAll(async () => {
    const [key] = await origin.database.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.tokenHash, hashApiKey(origin.seed.keys.write)));
    writeKeyId = key!.id;
    const user = await createUser(origin, origin.seed.organizationId, 'publisher');
    const client = new SessionClient(origin.server.url);
    await client.login(user.email, user.password);
    member = { id: user.id, send: (method, path, body, headers = {}) => client.request(method, path, body, { 'x-ghee-space': origin.seed.spaceId, ...headers }) };
  });

  it('create → update → delete (a key) → restore (a member): one revision per version, the delete `deleted`, each with its author', async () => {
    expect((await write('POST', '/v2/pages/', { title: 'Gone v1', slug: 'gone', page_type: '*', status: 'published', fields: { a: 1 } })).status).toBe(202);
    expect((await write('PATCH', '/v2/pages/*/gone/', { title: 'Gone v2', fields: { b: 2 } })).status).toBe(202);
    expect((await write('DELETE', '/v2/pages/*/gone/', undefined, { 'if-match': '"v2"' })).status).toBe(204);
    // Deleted: no history endpoint, but the delete's revision is there, as the page was, by the key.
    await expectErrorShape(await manage('gone/revisions/'), 404, 'not_found');
    expect((await revisionsOf('gone')).at(-1)).toMatchObject({ version: 3, status: 'deleted', name: 'Gone v2', fields: { a: 1, b: 2 }, createdByKey: writeKeyId, createdByUser: null });
    const restored = await member.send('POST', '/v2/manage/pages/*/gone/restore/');
    expect(restored.status).toBe(202);
    expect(restored.headers.get('etag')).toBe('"v4"');
    expect(await (await read('gone')).json()).toMatchObject({ data: { name: 'Gone v2', fields: { a: 1, b: 2 } } });
    const entries = await expectNoGaps('gone');
    expect(entries.map((e) => [e.version, e.name, e.status, e.created_by_key, e.created_by_user])).toEqual([
      [4, 'Gone v2', 'published', null, member.id],
      [3, 'Gone v2', 'deleted', writeKeyId, null],
      [2, 'Gone v2', 'published', writeKeyId, null],
      [1, 'Gone v1', 'published', writeKeyId, null],
    ]);
    expect((await revisionsOf('gone')).at(-1)!.fields).toEqual({ a: 1, b: 2 });
  });

  it("a member's delete and a key's restore: the delete records the member, the restore the key; a draft is restored as a draft", async () => {
    expect((await member.send('POST', '/v2/pages/', { title: 'Memo', slug: 'memo', page_type: '*', fields: { m: 1 } })).status).toBe(202);
    expect((await member.send('DELETE', '/v2/pages/*/memo/')).status).toBe(204);
    expect((await manage('memo/restore/', { method: 'POST' })).status).toBe(202);
    const entries = await expectNoGaps('memo');
    expect(entries.map((e) => [e.version, e.status, e.created_by_key, e.created_by_user])).toEqual([
      [3, 'draft', writeKeyId, null],
      [2, 'deleted', null, member.id],
      [1, 'draft', null, member.id],
    ]);
  });

  it('a rollback to the delete\'s revision brings its content back as a draft, as for posts and items: a new save, not a delete', async () => {
    expect((await write('PATCH', '/v2/pages/*/gone/', { title: 'Gone v5', fields: { c: 3 } })).status).toBe(202);
    const res = await manage('gone/rollback/', { method: 'POST', body: JSON.stringify({ version: 3 }) });
    expect(res.status).toBe(202);
    expect(res.headers.get('etag')).toBe('"v6"');
    const view = (await (await manage('gone/')).json()) as { data: { status: string; name: string; fields: Record<string, unknown>; version: number } };
    expect(view.data).toMatchObject({ status: 'draft', name: 'Gone v2', fields: { a: 1, b: 2 }, version: 6 });
    expect(view.data.fields).not.toHaveProperty('c');
    // Still there: the published form stays live, as with any draft save.
    expect((await read('gone')).status).toBe(200);
    // An explicit status wins, as for any rollback.
    expect((await manage('gone/rollback/', { method: 'POST', body: JSON.stringify({ version: 3, status: 'published' }) })).status).toBe(202);
    expect(await (await read('gone')).json()).toMatchObject({ data: { name: 'Gone v2', fields: { a: 1, b: 2 } } });
    expect((await expectNoGaps('gone')).slice(0, 2).map((e) => [e.version, e.status])).toEqual([
      [7, 'published'],
      [6, 'draft'],
    ]);
  });

  it('a refused delete or restore (stale If-Match, missing page, live page) writes no revision and changes nothing', async () => {
    const total = async () => (await origin.database.db.select({ n: sql<number>`count(*)::int` }).from(pageRevisions))[0]!.n;
    const before = { total: await total(), etag: await etagOf('gone') };
    await expectErrorShape(await write('DELETE', '/v2/pages/*/gone/', undefined, { 'if-match': '"v2"' }), 412, 'precondition_failed');
    await expectErrorShape(await member.send('DELETE', '/v2/pages/*/gone/', undefined, { 'if-match': '"v6"' }), 412, 'precondition_failed');
    await expectErrorShape(await write('DELETE', '/v2/pages/*/nowhere/'), 404, 'not_found');
    await expectErrorShape(await write('DELETE', '/v2/pages/*/nowhere/', undefined, { 'if-match': '"v1"' }), 412, 'precondition_failed');
    await expectErrorShape(await manage('gone/restore/', { method: 'POST' }), 404, 'not_found');
    expect(await total()).toBe(before.total);
    expect(await etagOf('gone')).toBe(before.etag);
    expect((await read('gone')).status).toBe(200);
    await expectNoGaps('gone');
    // With the current ETag the delete goes through, as revision current + 1.
    expect((await write('DELETE', '/v2/pages/*/gone/', undefined, { 'if-match': before.etag! })).status).toBe(204);
    expect(await total()).toBe(before.total + 1);
    expect((await revisionsOf('gone')).at(-1)).toMatchObject({ version: Number(before.etag!.slice(2, -1)) + 1, status: 'deleted' });
  });
});
