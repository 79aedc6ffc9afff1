/**
 * Every write route writes exactly one audit row in its organization's hash chain when it
 * succeeds, and none when it is refused (400 validation, 403 role or scope, 404 another tenant,
 * 412 stale If-Match) — the promise of the commit step (origin/outbox/commit.ts), through which
 * content and model writes and the identity writes (keys, members, invitations, organization
 * settings and spaces) all go. Real HTTP against a real origin on Postgres.
 *
 * The write routes come from the app's own route table: a write route this table does not
 * classify fails the first test, so a new one cannot ship without its audit decision.
 * A refusal that is evidence (a non-owner's owner change, a scope escalation on a key) writes
 * exactly one row: the action's `failure` row, in the organization's chain, naming the actor;
 * every other refusal writes nothing.
 */
import { and, desc, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../../origin/app.js';
import { auditEvents, collectionItems, collections, invitations, mediaImports, memberships, webhookDeliveries } from '../../origin/db/schema/index.js';
import { Scheduler } from '../../origin/content/scheduler.js';
import { createLogger } from '../../origin/logger.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { chainOf, verifyAuditChain } from '../../origin/audit/audit.js';
import { createOrganization, createUser, SessionClient, uniqueEmail, invitationWithEmail } from '../helpers/identity.js';
import { startDnsServer, type DnsServer } from '../helpers/sso.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

type Who = 'write' | 'read' | 'admin' | 'otherAdmin' | 'otherWrite' | 'owner' | 'viewer' | 'ownerOtherSpace' | 'orgAdmin';
interface Call {
  method: string;
  path: string;
  who: Who;
  body?: unknown;
  raw?: { data: Uint8Array; type: string };
  ifMatch?: string;
}
type F = Record<string, string>;
interface Spec {
  action: string;
  target: string;
  /** Content and model writes (their rows name the space); identity writes are the organization's. */
  content: boolean;
  setup?: () => Promise<F>;
  call: (f: F) => Call;
  status: number;
  /** `evidence`: the refusal writes exactly one `failure` row of the action; the others write none. */
  refusals: { status: 400 | 403 | 404 | 409 | 412; call: (f: F) => Call; evidence?: true; setup?: () => Promise<F> }[];
}

let origin: OriginUnderTest;
let dns: DnsServer;
let org: string;
let space: string;
let other: { organizationId: string; spaceId: string };
let keys: Record<'write' | 'read' | 'admin' | 'otherAdmin' | 'otherWrite', string>;
/** 'orgAdmin': an organization admin who is only a viewer in the space (so cannot grant a write key's scopes there). */
const sessions = new Map<'owner' | 'viewer' | 'orgAdmin', SessionClient>();
let ownerId: string;
let routes: string[] = [];
let n = 0;
/** Kicks of the workers registered by a second app on the same database (the commit step kicks every registered one). */
let kicks = 0;
const uniq = (p: string) => `${p}-${++n}`;

async function send(c: Call): Promise<Response> {
  const headers: Record<string, string> = {};
  let body: NonNullable<RequestInit['body']> | undefined;
  if (c.raw) {
    headers['content-type'] = c.raw.type;
    body = c.raw.data;
  } else if (c.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(c.body);
  }
  if (c.ifMatch) headers['if-match'] = c.ifMatch;
  if (c.who === 'owner' || c.who === 'viewer' || c.who === 'ownerOtherSpace' || c.who === 'orgAdmin') {
    const s = sessions.get(c.who === 'ownerOtherSpace' ? 'owner' : c.who)!;
    headers.cookie = s.cookie!;
    headers['x-csrf-token'] = s.csrf!;
    headers['x-ghee-space'] = c.who === 'ownerOtherSpace' ? other.spaceId : space;
  } else {
    headers.authorization = `Token ${keys[c.who]}`;
  }
  return fetch(`${origin.server.url}${c.path}`, { method: c.method, headers, ...(body !== undefined ? { body } : {}) });
}

async function ok(c: Call, status = [200, 201, 202, 204]): Promise<Response> {
  const res = await send(c);
  expect(status, `${c.method} ${c.path}: ${await res.clone().text()}`).toContain(res.status);
  return res;
}

const CHAINS = () => [chainOf(org), chainOf(other.organizationId), chainOf(null)];
async function heads(): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (const chain of CHAINS()) {
    const [h] = await origin.database.db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.chain, chain)).orderBy(desc(auditEvents.seq)).limit(1);
    m.set(chain, h?.seq ?? 0);
  }
  return m;
}
async function rowsSince(before: Map<string, number>) {
  const out = [];
  for (const chain of CHAINS()) {
    out.push(...(await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.chain, chain), gt(auditEvents.seq, before.get(chain)!)))));
  }
  return out;
}

// ---------------------------------------------------------------------------------- fixtures
const pagePath = (slug: string) => `/v2/pages/*/${slug}/`;
async function page(status: 'draft' | 'deleted' | 'published' = 'draft'): Promise<F> {
  const slug = uniq('p');
  await ok({ method: 'POST', path: '/v2/pages/', who: 'write', body: { page_type: '*', slug, title: 'T', fields: { a: 'x' }, ...(status === 'published' ? { status } : {}) } });
  if (status === 'deleted') await ok({ method: 'DELETE', path: pagePath(slug), who: 'write' });
  return { slug };
}
async function post(status: 'draft' | 'deleted' | 'published' = 'draft'): Promise<F> {
  const slug = uniq('post');
  await ok({ method: 'POST', path: '/v2/posts/', who: 'write', body: { title: 'T', slug, ...(status === 'published' ? { status } : {}) } });
  if (status === 'deleted') await ok({ method: 'DELETE', path: `/v2/posts/${slug}/`, who: 'write' });
  return { slug };
}
async function collection(): Promise<F> {
  const key = uniq('c').replace('-', '_');
  await ok({ method: 'POST', path: `/v2/manage/spaces/${space}/collections/`, who: 'admin', body: { key, name: 'C', fields: [{ name: 'title', type: 'short_text' }] } });
  return { key };
}
async function item(status: 'draft' | 'deleted' = 'draft'): Promise<F> {
  const { key } = await collection();
  await ok({ method: 'POST', path: '/v2/content/', who: 'write', body: { key, fields: [{ title: 'x' }] } });
  const [row] = await origin.database.db
    .select({ itemId: collectionItems.itemId })
    .from(collectionItems)
    .innerJoin(collections, eq(collections.id, collectionItems.collectionId))
    .where(and(eq(collections.key, key!), eq(collections.spaceId, space)));
  const id = String(row!.itemId);
  if (status === 'deleted') await ok({ method: 'DELETE', path: `/v2/content/${key}/${id}/`, who: 'write' });
  return { key: key!, id };
}
async function pageType(): Promise<F> {
  const slug = uniq('t');
  await ok({ method: 'POST', path: `/v2/manage/spaces/${space}/page_types/`, who: 'admin', body: { slug, name: 'T', fields: [] } });
  return { slug };
}
/** A media import that gave up (origin/content/assets/media-import-worker.ts), to be queued again. */
async function failedMediaImport(): Promise<F> {
  const [row] = await origin.database.db.insert(mediaImports).values({ spaceId: space, url: `https://example.com/${uniq('gone')}.png`, status: 'failed', attempts: 1, lastError: 'answered HTTP 404' }).returning({ id: mediaImports.id });
  return { id: row!.id };
}
async function webhook(): Promise<F> {
  const res = await ok({ method: 'POST', path: `/v2/manage/spaces/${space}/webhooks/`, who: 'admin', body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
  return { id: ((await res.json()) as { data: { id: string } }).data.id };
}
/** An uploaded asset (the demo write key), to be deleted. */
async function asset(): Promise<F> {
  const res = await ok({ method: 'POST', path: `/v2/assets/?filename=${uniq('del')}.png`, who: 'write', raw: PNG });
  return { id: ((await res.json()) as { data: { id: string } }).data.id };
}
/** A webhook delivery that gave up (origin/outbox/webhook-worker), to be queued again. */
async function failedDelivery(): Promise<F> {
  const id = (await webhook()).id!;
  const [row] = await origin.database.db.insert(webhookDeliveries).values({ webhookId: id, event: 'page.published', payload: { event: 'page.published' }, status: 'failed', attempts: 8, lastStatusCode: 500, lastError: 'answered HTTP 500' }).returning({ id: webhookDeliveries.id });
  return { id, deliveryId: row!.id };
}
async function member(): Promise<F> {
  return { userId: (await createUser(origin, org, 'viewer')).id };
}
async function invitation(): Promise<F> {
  const email = uniqueEmail('inv');
  await ok({ method: 'POST', path: `/v1/orgs/${org}/invitations/`, who: 'owner', body: { email, role: 'viewer' } });
  const [row] = await origin.database.db.select({ id: invitations.id }).from(invitations).where(invitationWithEmail(origin, email));
  return { id: row!.id };
}
async function ssoConnection(): Promise<F> {
  const res = await send({ method: 'POST', path: `/v1/orgs/${org}/sso/connections/`, who: 'owner', body: { protocol: 'oidc', name: uniq('c'), issuer: 'https://idp.example.com', client_id: 'c', client_secret: 's' } });
  expect(res.status).toBe(201);
  return { id: ((await res.json()) as { data: { id: string } }).data.id };
}
async function ssoDomain(): Promise<F> {
  const res = await send({ method: 'POST', path: `/v1/orgs/${org}/sso/domains/`, who: 'owner', body: { domain: `${uniq('d')}.example.com` } });
  expect(res.status).toBe(201);
  const { data } = (await res.json()) as { data: { id: string; domain: string; txt_record: string } };
  dns.setTxt(data.domain, [data.txt_record]);
  return { id: data.id };
}
const ssoCreate = (): Call => ({ method: 'POST', path: `/v1/orgs/${org}/sso/connections/`, who: 'owner', body: { protocol: 'oidc', name: uniq('c'), issuer: 'https://idp.example.com', client_id: 'c', client_secret: 's' } });
async function scimToken(): Promise<F> {
  expect((await send({ method: 'POST', path: `/v1/orgs/${org}/scim/token/`, who: 'owner' })).status).toBe(201);
  return {};
}
async function apiKey(): Promise<F> {
  return { keyId: (await issueApiKey(origin.database.db, { organizationId: org, spaceId: space, kind: 'write', name: uniq('k') })).id };
}
async function revokedApiKey(): Promise<F> {
  const f = await apiKey();
  await ok({ method: 'DELETE', path: `/v1/orgs/${org}/api-keys/${f.keyId}/`, who: 'owner' });
  return f;
}
const PNG = { data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), type: 'image/png' };

// -------------------------------------------------------- content writes (space from key/header)
const S = (p: string) => `/v2/manage/spaces/${space}${p}`;
const content = (action: string, target: string, setup: (() => Promise<F>) | undefined, call: (f: F) => Call, extra: Spec['refusals'] = [], status = 202): Spec => ({
  action,
  target,
  content: true,
  ...(setup ? { setup } : {}),
  call,
  status,
  refusals: [
    { status: 403, call: (f) => ({ ...call(f), who: 'read' }) },
    { status: 404, call: (f) => ({ ...call(f), who: 'ownerOtherSpace' }) },
    ...extra,
  ],
});
const stale = (call: (f: F) => Call): Spec['refusals'][number] => ({ status: 412, call: (f) => ({ ...call(f), ifMatch: '"v999"' }) });
const invalid = (call: (f: F) => Call, body: unknown): Spec['refusals'][number] => ({ status: 400, call: (f) => ({ ...call(f), body }) });
const model = (action: string, target: string, setup: (() => Promise<F>) | undefined, call: (f: F) => Call, bad: unknown, status = 201): Spec => ({
  action,
  target,
  content: true,
  ...(setup ? { setup } : {}),
  call,
  status,
  refusals: [
    { status: 403, call: (f) => ({ ...call(f), who: 'write' }) },
    // Another organization's admin key, on this space: 404, as if it did not exist.
    { status: 404, call: (f) => ({ ...call(f), who: 'otherAdmin' }) },
    ...(bad === undefined ? [] : [invalid(call, bad)]),
  ],
});
const identity = (action: string, target: string, setup: (() => Promise<F>) | undefined, call: (f: F) => Call, bad: unknown, status = 200, extra: Spec['refusals'] = []): Spec => ({
  action,
  target,
  content: false,
  ...(setup ? { setup } : {}),
  call,
  status,
  refusals: [
    { status: 403, call: (f) => ({ ...call(f), who: 'viewer' }) },
    { status: 404, call: (f) => ({ ...call(f), path: call(f).path.replace(org, other.organizationId) }) },
    ...(bad === undefined ? [] : [invalid(call, bad)]),
    ...extra,
  ],
});
/** A refusal that is evidence: `call` by `who` answers 403 and writes the action's one failure row. */
const evidence = (call: (f: F) => Call, change: (f: F) => Partial<Call>): Spec['refusals'][number] => ({ status: 403, evidence: true, call: (f) => ({ ...call(f), ...change(f) }) });
const memberPatch = (f: F): Call => ({ method: 'PATCH', path: `/v1/orgs/${org}/members/${f.userId}/`, who: 'owner', body: { role: 'author' } });
const memberDelete = (f: F): Call => ({ method: 'DELETE', path: `/v1/orgs/${org}/members/${f.userId}/`, who: 'owner' });
async function supportGrant(): Promise<F> {
  const res = await ok({ method: 'POST', path: `/v1/orgs/${org}/support-grants/`, who: 'owner', body: { scope: 'read_only', space_ids: [space], reason: 'write-audit', expires_in_hours: 1 } });
  return { id: ((await res.json()) as { id: string }).id };
}
const keyCreate = (): Call => ({ method: 'POST', path: `/v1/orgs/${org}/api-keys/`, who: 'owner', body: { name: 'k', kind: 'read', space_id: space } });
const keyRotate = (f: F): Call => ({ method: 'POST', path: `/v1/orgs/${org}/api-keys/${f.keyId}/rotate/`, who: 'owner', body: {} });

const pageUpdate = (m: string) => (f: F): Call => ({ method: m, path: pagePath(f.slug!), who: 'write', body: { title: 'New' } });
const itemUpdate = (m: string) => (f: F): Call => ({ method: m, path: `/v2/content/${f.key}/${f.id}/`, who: 'write', body: { fields: { title: 'y' } } });
const postUpdate = (m: string) => (f: F): Call => ({ method: m, path: `/v2/posts/${f.slug}/`, who: 'write', body: { title: 'New' } });
const pageRollback = (f: F): Call => ({ method: 'POST', path: `/v2/manage/pages/*/${f.slug}/rollback/`, who: 'write', body: { version: 1 } });
const itemRollback = (f: F): Call => ({ method: 'POST', path: `/v2/manage/content/${f.key}/${f.id}/rollback/`, who: 'write', body: { version: 1 } });
const postRollback = (f: F): Call => ({ method: 'POST', path: `/v2/manage/posts/${f.slug}/rollback/`, who: 'write', body: { version: 1 } });
const pageUnpublish = (f: F): Call => ({ method: 'POST', path: `/v2/manage/pages/*/${f.slug}/unpublish/`, who: 'write' });
const postUnpublish = (f: F): Call => ({ method: 'POST', path: `/v2/manage/posts/${f.slug}/unpublish/`, who: 'write' });

/** Every non-GET route of the origin: its audit decision. */
const WRITES: Record<string, Spec | { exempt: string }> = {
  'POST /v2/pages': content('page.create', 'page', undefined, () => ({ method: 'POST', path: '/v2/pages/', who: 'write', body: { page_type: '*', slug: uniq('new'), title: 'T', fields: {} } }), [
    invalid(() => ({ method: 'POST', path: '/v2/pages/', who: 'write' }), { slug: 'x' }),
  ]),
  'PATCH /v2/pages/:pageType/:slug': content('page.update', 'page', page, pageUpdate('PATCH'), [stale(pageUpdate('PATCH')), invalid(pageUpdate('PATCH'), { nope: 1 })]),
  'PUT /v2/pages/:pageType/:slug': content('page.update', 'page', page, pageUpdate('PUT'), [stale(pageUpdate('PUT')), invalid(pageUpdate('PUT'), { nope: 1 })]),
  'DELETE /v2/pages/:pageType/:slug': content('page.delete', 'page', page, (f) => ({ method: 'DELETE', path: pagePath(f.slug!), who: 'write' }), [stale((f) => ({ method: 'DELETE', path: pagePath(f.slug!), who: 'write' }))], 204),
  'POST /v2/manage/pages/:pageType/:slug/rollback': content('page.rollback', 'page', page, pageRollback, [stale(pageRollback), invalid(pageRollback, { version: 0 })]),
  'POST /v2/manage/pages/:pageType/:slug/restore': content('page.restore', 'page', () => page('deleted'), (f) => ({ method: 'POST', path: `/v2/manage/pages/*/${f.slug}/restore/`, who: 'write' })),
  'POST /v2/manage/pages/:pageType/:slug/unpublish': content('page.unpublish', 'page', () => page('published'), pageUnpublish, [stale(pageUnpublish)]),
  'POST /v2/content': content('item.create', 'collection_item', collection, (f) => ({ method: 'POST', path: '/v2/content/', who: 'write', body: { key: f.key, fields: [{ title: 'x' }] } }), [
    invalid((f) => ({ method: 'POST', path: '/v2/content/', who: 'write', body: { key: f.key } }), { fields: [] }),
  ]),
  'PATCH /v2/content/:key/:id': content('item.update', 'collection_item', item, itemUpdate('PATCH'), [stale(itemUpdate('PATCH')), invalid(itemUpdate('PATCH'), { fields: { nope: 1 } })]),
  'PUT /v2/content/:key/:id': content('item.update', 'collection_item', item, itemUpdate('PUT'), [stale(itemUpdate('PUT')), invalid(itemUpdate('PUT'), { fields: { nope: 1 } })]),
  'DELETE /v2/content/:key/:id': content('item.delete', 'collection_item', item, (f) => ({ method: 'DELETE', path: `/v2/content/${f.key}/${f.id}/`, who: 'write' }), [], 204),
  'POST /v2/manage/content/:key/:id/rollback': content('item.rollback', 'collection_item', item, itemRollback, [stale(itemRollback), invalid(itemRollback, { version: 'x' })]),
  'POST /v2/manage/content/:key/:id/restore': content('item.restore', 'collection_item', () => item('deleted'), (f) => ({ method: 'POST', path: `/v2/manage/content/${f.key}/${f.id}/restore/`, who: 'write' })),
  'POST /v2/posts': content('post.create', 'post', undefined, () => ({ method: 'POST', path: '/v2/posts/', who: 'write', body: { title: 'T', slug: uniq('np') } }), [invalid(() => ({ method: 'POST', path: '/v2/posts/', who: 'write' }), { title: 'T' })]),
  'PATCH /v2/posts/:slug': content('post.update', 'post', post, postUpdate('PATCH'), [stale(postUpdate('PATCH')), invalid(postUpdate('PATCH'), { nope: 1 })]),
  'PUT /v2/posts/:slug': content('post.update', 'post', post, postUpdate('PUT'), [stale(postUpdate('PUT')), invalid(postUpdate('PUT'), { nope: 1 })]),
  'DELETE /v2/posts/:slug': content('post.delete', 'post', post, (f) => ({ method: 'DELETE', path: `/v2/posts/${f.slug}/`, who: 'write' }), [stale((f) => ({ method: 'DELETE', path: `/v2/posts/${f.slug}/`, who: 'write' }))], 204),
  'POST /v2/manage/posts/:slug/rollback': content('post.rollback', 'post', post, postRollback, [stale(postRollback), invalid(postRollback, {})]),
  'POST /v2/manage/posts/:slug/restore': content('post.restore', 'post', () => post('deleted'), (f) => ({ method: 'POST', path: `/v2/manage/posts/${f.slug}/restore/`, who: 'write' })),
  'POST /v2/manage/posts/:slug/unpublish': content('post.unpublish', 'post', () => post('published'), postUnpublish, [stale(postUnpublish)]),
  'POST /v2/assets': content('asset.upload', 'asset', undefined, () => ({ method: 'POST', path: `/v2/assets/?filename=${uniq('a')}.png`, who: 'write', raw: PNG }), [
    { status: 400, call: () => ({ method: 'POST', path: '/v2/assets/?filename=../x.png', who: 'write', raw: PNG }) },
  ], 201),
  'POST /v2/manage/media-imports': content('media_import.queue', 'media_import', undefined, () => ({ method: 'POST', path: '/v2/manage/media-imports/', who: 'write', body: { urls: [`https://example.com/${uniq('m')}.png`] } }), [
    invalid(() => ({ method: 'POST', path: '/v2/manage/media-imports/', who: 'write' }), { urls: ['javascript:alert(1)'] }),
  ]),
  'POST /v2/manage/media-imports/:id/retry': content('media_import.retry', 'media_import', failedMediaImport, (f) => ({ method: 'POST', path: `/v2/manage/media-imports/${f.id}/retry/`, who: 'write' })),
  'POST /v2/manage/spaces/:spaceId/page_types': model('page_type.create', 'page_type', undefined, () => ({ method: 'POST', path: S('/page_types/'), who: 'admin', body: { slug: uniq('pt'), name: 'T', fields: [] } }), { slug: 'x' }),
  'PUT /v2/manage/spaces/:spaceId/page_types/:slug': model('page_type.update', 'page_type', pageType, (f) => ({ method: 'PUT', path: S(`/page_types/${f.slug}/`), who: 'admin', body: { name: 'New' } }), {}, 200),
  'POST /v2/manage/spaces/:spaceId/locales': model('locale.create', 'locale', undefined, () => ({ method: 'POST', path: S('/locales/'), who: 'admin', body: { code: `f${String.fromCharCode(97 + (n++ % 26))}` } }), { code: 'not a locale' }),
  'POST /v2/manage/spaces/:spaceId/collections': model('collection.create', 'collection', undefined, () => ({ method: 'POST', path: S('/collections/'), who: 'admin', body: { key: uniq('k').replace('-', '_'), name: 'C', fields: [] } }), { key: 'x' }),
  'PUT /v2/manage/spaces/:spaceId/collections/:key': model('collection.update', 'collection', collection, (f) => ({ method: 'PUT', path: S(`/collections/${f.key}/`), who: 'admin', body: { name: 'New' } }), {}, 200),
  'POST /v2/manage/spaces/:spaceId/authors': model('author.create', 'author', undefined, () => ({ method: 'POST', path: S('/authors/'), who: 'admin', body: { slug: uniq('au'), first_name: 'A', last_name: 'B', email: '', bio: '' } }), { slug: '' }),
  'POST /v2/manage/spaces/:spaceId/webhooks': model('webhook.create', 'webhook', undefined, () => ({ method: 'POST', path: S('/webhooks/'), who: 'admin', body: { url: 'http://127.0.0.1:9/hook', events: ['page.published'] } }), { url: 'http://127.0.0.1:9/x', events: ['nope'] }),
  'DELETE /v2/manage/spaces/:spaceId/assets/:assetId': {
    action: 'asset.delete',
    target: 'asset',
    content: true,
    setup: asset,
    call: (f) => ({ method: 'DELETE', path: S(`/assets/${f.id}/`), who: 'write' }),
    status: 204,
    refusals: [
      { status: 403, call: (f) => ({ method: 'DELETE', path: S(`/assets/${f.id}/`), who: 'read' }) },
      { status: 404, call: (f) => ({ method: 'DELETE', path: S(`/assets/${f.id}/`), who: 'otherAdmin' }) },
    ],
  },
  'POST /v2/manage/spaces/:spaceId/webhooks/:id/deliveries/:deliveryId/retry': model('webhook.delivery_retry', 'webhook', failedDelivery, (f) => ({ method: 'POST', path: S(`/webhooks/${f.id}/deliveries/${f.deliveryId}/retry/`), who: 'admin' }), undefined, 202),
  'DELETE /v2/manage/spaces/:spaceId/webhooks/:id': model('webhook.delete', 'webhook', webhook, (f) => ({ method: 'DELETE', path: S(`/webhooks/${f.id}/`), who: 'admin' }), undefined, 204),
  // Identity: audited by origin/identity/orgs/routes.ts and origin/identity/keys/routes.ts in their own transactions.
  'PATCH /v1/orgs/:orgId': identity('org.update', 'organization', undefined, () => ({ method: 'PATCH', path: `/v1/orgs/${org}/`, who: 'owner', body: { name: uniq('Org') } }), { nope: 1 }),
  'POST /v1/orgs/:orgId/spaces': identity('space.create', 'space', undefined, () => ({ method: 'POST', path: `/v1/orgs/${org}/spaces/`, who: 'owner', body: { name: 'S', slug: uniq('s') } }), { name: '' }, 201),
  'PATCH /v1/orgs/:orgId/members/:userId': identity('member.role_change', 'user', member, memberPatch, { role: 'nope' }, 200, [
    // An admin may change members, but only owners grant the owner role (or touch an owner).
    evidence(memberPatch, () => ({ who: 'orgAdmin', body: { role: 'owner' } })),
    evidence(memberPatch, () => ({ who: 'orgAdmin', path: `/v1/orgs/${org}/members/${ownerId}/` })),
  ]),
  'DELETE /v1/orgs/:orgId/members/:userId': identity('member.remove', 'user', member, memberDelete, undefined, 204, [
    evidence(memberDelete, () => ({ who: 'orgAdmin', path: `/v1/orgs/${org}/members/${ownerId}/` })),
  ]),
  'POST /v1/orgs/:orgId/invitations': identity('member.invite', 'invitation', undefined, () => ({ method: 'POST', path: `/v1/orgs/${org}/invitations/`, who: 'owner', body: { email: uniqueEmail('i'), role: 'viewer' } }), { email: 'x' }, 201),
  'DELETE /v1/orgs/:orgId/invitations/:id': identity('member.invite_revoke', 'invitation', invitation, (f) => ({ method: 'DELETE', path: `/v1/orgs/${org}/invitations/${f.id}/`, who: 'owner' }), undefined, 204),
  'POST /v1/orgs/:orgId/api-keys': identity('key.create', 'api_key', undefined, keyCreate, { kind: 'nope' }, 201, [
    // Scope escalations: beyond the kind, and beyond the creator's role in the space.
    evidence(keyCreate, () => ({ body: { name: 'k', kind: 'read', space_id: space, scopes: ['content.write'] } })),
    evidence(keyCreate, () => ({ who: 'orgAdmin', body: { name: 'k', kind: 'write', space_id: space, scopes: ['content.write'] } })),
  ]),
  'POST /v1/orgs/:orgId/api-keys/:keyId/rotate': identity('key.rotate', 'api_key', apiKey, keyRotate, { grace_seconds: -1 }, 201, [
    // A viewer in the key's space would hand out a write key's scopes by rotating it.
    evidence(keyRotate, () => ({ who: 'orgAdmin' })),
  ]),
  'DELETE /v1/orgs/:orgId/api-keys/:keyId': identity('key.revoke', 'api_key', apiKey, (f) => ({ method: 'DELETE', path: `/v1/orgs/${org}/api-keys/${f.keyId}/`, who: 'owner' }), undefined, 200, [
    // Revoked already: 409, nothing written (a state conflict, not evidence).
    { status: 409, setup: revokedApiKey, call: (f) => ({ method: 'DELETE', path: `/v1/orgs/${org}/api-keys/${f.keyId}/`, who: 'owner' }) },
  ]),
  // SSO management: origin/identity/sso/ through the commit step.
  'POST /v1/orgs/:orgId/sso/connections': identity('sso.connection_create', 'sso_connection', undefined, ssoCreate, { protocol: 'oidc', name: 'x' }, 201),
  'PATCH /v1/orgs/:orgId/sso/connections/:id': identity('sso.connection_update', 'sso_connection', ssoConnection, (f) => ({ method: 'PATCH', path: `/v1/orgs/${org}/sso/connections/${f.id}/`, who: 'owner', body: { name: uniq('n') } }), { default_role: 'owner' }),
  'DELETE /v1/orgs/:orgId/sso/connections/:id': identity('sso.connection_delete', 'sso_connection', ssoConnection, (f) => ({ method: 'DELETE', path: `/v1/orgs/${org}/sso/connections/${f.id}/`, who: 'owner' }), undefined, 204),
  'POST /v1/orgs/:orgId/sso/connections/:id/idp-metadata': { exempt: 'SAML only (needs an IdP): one sso.connection_idp_update row per success and none per refusal proved in test/integration/sso-saml.test.ts' },
  'POST /v1/orgs/:orgId/sso/domains': identity('sso.domain_add', 'sso_domain', undefined, () => ({ method: 'POST', path: `/v1/orgs/${org}/sso/domains/`, who: 'owner', body: { domain: `${uniq('a')}.example.com` } }), { domain: 'localhost' }, 201),
  'PATCH /v1/orgs/:orgId/sso/domains/:id': identity('sso.domain_assign', 'sso_domain', ssoDomain, (f) => ({ method: 'PATCH', path: `/v1/orgs/${org}/sso/domains/${f.id}/`, who: 'owner', body: { connection_id: null } }), { connection_id: 'x' }),
  'POST /v1/orgs/:orgId/sso/domains/:id/verify': identity('sso.domain_verify', 'sso_domain', ssoDomain, (f) => ({ method: 'POST', path: `/v1/orgs/${org}/sso/domains/${f.id}/verify/`, who: 'owner' }), undefined),
  'DELETE /v1/orgs/:orgId/sso/domains/:id': identity('sso.domain_remove', 'sso_domain', ssoDomain, (f) => ({ method: 'DELETE', path: `/v1/orgs/${org}/sso/domains/${f.id}/`, who: 'owner' }), undefined, 204),
  'PUT /v1/orgs/:orgId/sso/policy': identity('sso.policy_update', 'organization', undefined, () => ({ method: 'PUT', path: `/v1/orgs/${org}/sso/policy/`, who: 'owner', body: { session_max_minutes: 60 + (n++ % 100) } }), { enforced: 'yes' }),
  'PUT /v1/orgs/:orgId/security-settings': identity('security.settings_update', 'organization', undefined, () => ({ method: 'PUT', path: `/v1/orgs/${org}/security-settings/`, who: 'owner', body: { security_contacts: ['soc@example.test'] } }), { security_contacts: ['not an address'] }),
  // Support access and IP allowlists (origin/governance; test/integration/support-access.test.ts, ip-allowlist.test.ts).
  'POST /v1/orgs/:orgId/support-grants': identity('support.grant_create', 'support_grant', undefined, () => ({ method: 'POST', path: `/v1/orgs/${org}/support-grants/`, who: 'owner', body: { scope: 'read_only', space_ids: [space], reason: 'write-audit', expires_in_hours: 1 } }), { scope: 'everything' }, 201),
  'DELETE /v1/orgs/:orgId/support-grants/:grantId': identity('support.grant_revoke', 'support_grant', supportGrant, (f) => ({ method: 'DELETE', path: `/v1/orgs/${org}/support-grants/${f.id}/`, who: 'owner' }), undefined, 200),
  'PUT /v1/orgs/:orgId/ip-allowlist': identity('ip_allowlist.update', 'organization', undefined, () => ({ method: 'PUT', path: `/v1/orgs/${org}/ip-allowlist/`, who: 'owner', body: { api_key_cidrs: [], session_cidrs: [] } }), { session_cidrs: ['not a cidr'] }),
  'POST /v1/orgs/:orgId/ip-allowlist/break-glass': { exempt: 'owners with 2FA and a recent sign-in: one ip_allowlist.break_glass row per success proved in test/integration/ip-allowlist.test.ts' },
  'POST /v1/operator/login': { exempt: 'operator identity flow (operator.login success and failure rows in the global chain), test/integration/support-access.test.ts' },
  'POST /v1/operator/logout': { exempt: 'operator identity flow (operator.logout in the global chain), test/integration/support-access.test.ts' },
  'POST /v1/auth/sso/discover': { exempt: 'a lookup: answers where an email signs in, writes nothing' },
  // Data lifecycle (origin/governance).
  'PUT /v1/orgs/:orgId/retention': identity('retention.policy_update', 'organization', undefined, () => ({ method: 'PUT', path: `/v1/orgs/${org}/retention/`, who: 'owner', body: { soft_deleted_days: 40 } }), { soft_deleted_days: 0 }),
  'POST /v1/orgs/:orgId/exports': identity('export.request', 'export', undefined, () => ({ method: 'POST', path: `/v1/orgs/${org}/exports/`, who: 'owner' }), undefined, 202),
  'POST /v1/orgs/:orgId/deletion': { exempt: 'owners with 2FA and a recent sign-in: organization.deletion_request rows (success, and the failure of a wrong code) proved in test/integration/erasure.test.ts' },
  'DELETE /v1/orgs/:orgId/deletion': { exempt: 'cancels a scheduled deletion: one organization.deletion_cancel row proved in test/integration/erasure.test.ts' },
  'POST /v1/auth/me/exports': { exempt: "a user's own export: one export.request row in the global chain, proved in test/integration/data-export.test.ts" },
  'POST /v1/auth/me/erase': { exempt: 'erases the account: one user.erased row in the global chain, proved in test/integration/erasure.test.ts' },
  'POST /v1/orgs/:orgId/billing/checkout': { exempt: 'needs Stripe (stripe-mock): one billing.checkout row per success, none per refusal, proved in test/integration/billing.test.ts' },
  'POST /v1/orgs/:orgId/billing/portal': { exempt: 'needs Stripe (stripe-mock): one billing.portal row per success, none per refusal, proved in test/integration/billing.test.ts' },
  'POST /v1/billing/stripe/webhook': { exempt: "Stripe's signed events: one billing.* row per applied event, none for a duplicate, a bad signature or an ignored type (test/integration/billing-webhooks.test.ts)" },
  // SCIM: the token by owners and admins; the /scim/v2 writes are the SCIM token's (neither member nor key):
  // test/integration/scim.test.ts proves one scim.* row per write (plus key.revoke rows of a deprovisioning) and its failure rows.
  'POST /v1/orgs/:orgId/scim/token': identity('scim.token_rotate', 'scim_token', undefined, () => ({ method: 'POST', path: `/v1/orgs/${org}/scim/token/`, who: 'owner' }), undefined, 201),
  'DELETE /v1/orgs/:orgId/scim/token': identity('scim.token_disable', 'scim_token', scimToken, () => ({ method: 'DELETE', path: `/v1/orgs/${org}/scim/token/`, who: 'owner' }), undefined, 204),
  'POST /scim/v2/Users': { exempt: 'a SCIM write, audited per write by origin/identity/scim/ (test/integration/scim.test.ts)' },
  'PUT /scim/v2/Users/:id': { exempt: 'a SCIM write, audited per write by origin/identity/scim/ (test/integration/scim.test.ts)' },
  'PATCH /scim/v2/Users/:id': { exempt: 'a SCIM write, audited per write by origin/identity/scim/ (test/integration/scim.test.ts)' },
  'DELETE /scim/v2/Users/:id': { exempt: 'a SCIM write, audited per write by origin/identity/scim/ (test/integration/scim.test.ts)' },
  'POST /scim/v2/Groups': { exempt: 'a SCIM write, audited per write by origin/identity/scim/ (test/integration/scim.test.ts)' },
  'PUT /scim/v2/Groups/:id': { exempt: 'a SCIM write, audited per write by origin/identity/scim/ (test/integration/scim.test.ts)' },
  'PATCH /scim/v2/Groups/:id': { exempt: 'a SCIM write, audited per write by origin/identity/scim/ (test/integration/scim.test.ts)' },
  'DELETE /scim/v2/Groups/:id': { exempt: 'a SCIM write, audited per write by origin/identity/scim/ (test/integration/scim.test.ts)' },
  'POST /v1/auth/sso/saml/:id/acs': { exempt: 'identity flow (sso.login, success and every refusal with its reason), audited by origin/identity/sso/login.ts and saml-routes.ts (test/integration/sso-saml.test.ts)' },
  // Sign-up, login, sessions, passwords, 2FA and invitation acceptance act on a user, not on an
  // organization's content: origin/identity/accounts/routes.ts and orgs.ts audit them (test/integration/audit-chain,
  // auth and members tests).
  ...Object.fromEntries(
    ['signup', 'verify-email', 'login', 'logout', 'logout-all', 'password/forgot', 'password/reset', 'password/change', '2fa/setup', '2fa/confirm', '2fa/disable', 'reauthenticate'].map((p) => [
      `POST /v1/auth/${p}`,
      { exempt: 'identity flow, audited by origin/identity/accounts/routes.ts' },
    ]),
  ),
  'POST /v1/invitations/accept': { exempt: 'identity flow (member.join), audited by origin/identity/orgs/routes.ts' },
  'DELETE /v1/auth/sessions/:id': { exempt: "a user's own session: one session.revoke row per success, none per refusal (another user's session), proved in test/integration/session-list.test.ts" },
};

beforeAll(async () => {
  dns = await startDnsServer();
  origin = await startTestOrigin({ BCRYPT_COST: '10', WEBHOOK_ALLOW_LOOPBACK: 'true', SSO_DNS_SERVERS: dns.address });
  org = origin.seed.organizationId;
  space = origin.seed.spaceId;
  other = await createOrganization(origin, 'write-audit-other');
  const otherKey = (kind: 'admin' | 'write') => issueApiKey(origin.database.db, { organizationId: other.organizationId, spaceId: kind === 'admin' ? null : other.spaceId, kind, name: kind });
  keys = { write: origin.seed.keys.write, read: origin.seed.keys.read, admin: origin.seed.keys.admin, otherAdmin: (await otherKey('admin')).token, otherWrite: (await otherKey('write')).token };
  for (const role of ['owner', 'viewer', 'orgAdmin'] as const) {
    const u = await createUser(origin, org, role === 'orgAdmin' ? 'admin' : role);
    if (role === 'owner') ownerId = u.id;
    if (role === 'orgAdmin') await origin.database.db.insert(memberships).values({ userId: u.id, organizationId: org, spaceId: space, role: 'viewer' });
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    sessions.set(role, c);
  }
  const app = newApp({ config: origin.config, database: origin.database, logger: createLogger('silent'), envelope: origin.envelope, onPurgeQueued: () => kicks++ });
  routes = [...new Set(app.routes.filter((r) => r.method !== 'GET' && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
});

afterAll(async () => {
  await origin?.stop();
  await dns?.close();
});

describe('one audit row per write, none per refusal', () => {
  it('classifies every write route of the origin (a new write route needs its audit decision here)', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => !(r in WRITES))).toEqual([]);
    expect(Object.keys(WRITES).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('each success writes exactly one audit row for its action; each refusal writes none', async () => {
    const problems: string[] = [];
    let successes = 0;
    let refusals = 0;
    let evidenced = 0;
    for (const route of routes) {
      const spec = WRITES[route];
      if (!spec || 'exempt' in spec) continue;
      for (const r of spec.refusals) {
        const setup = r.setup ?? spec.setup;
        const f = setup ? await setup() : {};
        const before = await heads();
        const res = await send(r.call(f));
        const rows = await rowsSince(before);
        if (res.status !== r.status) problems.push(`${route} refusal: ${res.status} (want ${r.status}) ${await res.text()}`);
        if (r.evidence) {
          const [row] = rows;
          const m = row?.metadata as Record<string, unknown> | undefined;
          if (rows.length !== 1 || row!.action !== spec.action || row!.result !== 'failure' || row!.chain !== org || row!.targetType !== spec.target || row!.actorUserId === null || m?.actor !== 'member' || !m.reason) {
            problems.push(`${route} refused with ${r.status} as evidence but wrote ${JSON.stringify(rows.map((x) => ({ a: x.action, r: x.result, c: x.chain, t: x.targetType, u: x.actorUserId, m: x.metadata })))}, want one ${spec.action} failure row`);
          }
          evidenced += 1;
        } else if (rows.length) {
          problems.push(`${route} refused with ${r.status} but wrote ${rows.map((x) => `${x.action}/${x.result}`).join(', ')}`);
        }
        refusals += 1;
      }
      const f = spec.setup ? await spec.setup() : {};
      const before = await heads();
      const res = await send(spec.call(f));
      const rows = await rowsSince(before);
      if (res.status !== spec.status) problems.push(`${route}: ${res.status} (want ${spec.status}) ${await res.text()}`);
      if (rows.length !== 1) problems.push(`${route}: ${rows.length} audit rows (${rows.map((x) => x.action).join(', ')}), want exactly one`);
      const row = rows[0];
      if (row) {
        if (row.action !== spec.action || row.result !== 'success' || row.organizationId !== org || row.chain !== org || row.targetType !== spec.target || !row.targetId) {
          problems.push(`${route}: row ${row.action}/${row.result}/${row.targetType}:${row.targetId} in ${row.chain}, want ${spec.action}/success/${spec.target} in ${org}`);
        }
        const m = row.metadata as Record<string, unknown>;
        if (!('space_id' in m) || (spec.content && m.space_id !== space) || !['api_key', 'member'].includes(m.actor as string) || (row.actorKeyId === null && row.actorUserId === null)) {
          problems.push(`${route}: actor/space not recorded: ${JSON.stringify({ m, key: row.actorKeyId, user: row.actorUserId })}`);
        }
      }
      successes += 1;
    }
    expect(problems).toEqual([]);
    // Every write route that is not an identity flow was exercised, with its refusals.
    expect(successes).toBe(Object.values(WRITES).filter((s) => !('exempt' in s)).length);
    expect(refusals).toBeGreaterThanOrEqual(successes * 2);
    expect(evidenced).toBe(6);
    for (const organizationId of [org, other.organizationId]) {
      const v = await verifyAuditChain(origin.database.db, { organizationId });
      expect(v, organizationId).toMatchObject({ ok: true, broken: null });
    }
  }, 300_000);

  it('kicks the workers after a committed write, once, and not after a refusal', async () => {
    const slug = uniq('kick');
    let before = kicks;
    await ok({ method: 'POST', path: '/v2/pages/', who: 'write', body: { page_type: '*', slug, title: 'T', fields: {} } });
    expect(kicks).toBe(before + 1);
    before = kicks;
    expect((await send({ method: 'PATCH', path: pagePath(slug), who: 'write', body: { title: 'x' }, ifMatch: '"v999"' })).status).toBe(412);
    expect((await send({ method: 'PATCH', path: pagePath(slug), who: 'read', body: { title: 'x' } })).status).toBe(403);
    expect(kicks).toBe(before);
    // Identity writes too: a key revocation (its `key:<id>` purge queued) kicks once; a refused one does not.
    const revoke: Call = { method: 'DELETE', path: `/v1/orgs/${org}/api-keys/${(await apiKey()).keyId}/`, who: 'owner' };
    before = kicks;
    await ok(revoke);
    expect(kicks).toBe(before + 1);
    expect((await send(revoke)).status).toBe(409);
    expect(kicks).toBe(before + 1);
  });

  it('names the actor: a write key, a member (with the space header) and the scheduler', async () => {
    const before = await heads();
    const slug = uniq('actor');
    await ok({ method: 'POST', path: '/v2/pages/', who: 'write', body: { page_type: '*', slug, title: 'T', fields: {} } });
    await ok({ method: 'PATCH', path: pagePath(slug), who: 'owner', body: { status: 'scheduled', scheduled: new Date(Date.now() + 3_600_000).toISOString() } });
    const published = await new Scheduler({ db: origin.database.db, logger: createLogger('silent'), now: () => new Date(Date.now() + 7_200_000) }).runOnce();
    expect(published).toBeGreaterThanOrEqual(1);
    const rows = (await rowsSince(before)).filter((r) => r.chain === org).sort((a, b) => a.seq! - b.seq!);
    const [create, schedule, publish] = rows.filter((r) => r.targetId === rows[0]!.targetId);
    expect(create).toMatchObject({ action: 'page.create', actorKeyId: expect.any(String), actorUserId: null, metadata: expect.objectContaining({ actor: 'api_key', version_before: null, version_after: 1 }) });
    expect(schedule).toMatchObject({ action: 'page.update', actorUserId: ownerId, actorKeyId: null, metadata: expect.objectContaining({ actor: 'member', version_before: 1, version_after: 2, status: 'scheduled' }) });
    expect(publish).toMatchObject({ action: 'page.publish', actorUserId: null, actorKeyId: null, metadata: expect.objectContaining({ actor: 'scheduler', version_before: 2, version_after: 3 }) });
    expect(await verifyAuditChain(origin.database.db, { organizationId: org })).toMatchObject({ ok: true });
  });
});
