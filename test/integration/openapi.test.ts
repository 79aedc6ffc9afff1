/**
 * The OpenAPI 3.1 document the origin serves at GET /openapi.json (issue 18), generated from the
 * route definitions (origin/http/openapi.ts): it is valid OpenAPI 3.1 and lint-clean under
 * Redocly's strict ruleset (which also checks every example against its schema); every operation
 * has an operationId, a summary, a description, examples for its request body and success
 * responses, and the error responses in the one error shape; every route the app registers under
 * the described prefixes is in the document (so a new route without a description fails here);
 * and real answers of the running origin validate against the document's response schemas.
 * Over ~400 lines on purpose: one real-answer case per API area, all sharing one origin, one
 * fetched document and one validator (a file per area would start an origin and lint per file).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../../origin/app.js';
import { SESSION_COOKIE_NAME } from '../../origin/http/openapi-spec.js';
import { ANSWERED_BY } from '../../shared/openapi-edge.js';
import { lintOpenApi } from '../../scripts/openapi-lint.js';
import { SESSION_COOKIE } from '../../origin/identity/sessions/sessions.js';
import { createLogger } from '../../origin/logger.js';
import { createUser, SessionClient } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { example?: unknown; examples?: unknown }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { example?: unknown; schema?: unknown }> }>;
}
interface Spec {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: Json;
}

/**
 * Every route the app registers must be described, except any under these prefixes (none left:
 * a route may be listed here only while its description is being written). A new route fails
 * here until it has its description.
 */
const NOT_YET: RegExp[] = [];

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

let origin: OriginUnderTest;
let spec: Spec;
let routes: string[];
const api = (path: string) => `${origin.server.url}${path}`;

/** Hono's `/v2/pages/:pageType/:slug` as the document's `/v2/pages/{pageType}/{slug}`. */
const toOpenApiPath = (p: string) => p.split('/').map((seg) => (seg.startsWith(':') ? `{${seg.slice(1).split('{')[0]}}` : seg)).join('/');

beforeAll(async () => {
  origin = await startTestOrigin();
  const res = await fetch(api('/openapi.json'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  spec = (await res.json()) as Spec;
  const app = newApp({ config: origin.config, database: origin.database, logger: createLogger('silent'), envelope: origin.envelope });
  routes = [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
});
afterAll(async () => origin?.stop());

const operations = () =>
  Object.entries(spec.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m]! })));

describe('the document', () => {
  it('is valid OpenAPI 3.1 with no problem under Redocly\'s recommended-strict rules', async () => {
    expect(spec.openapi).toBe('3.1.0');
    // The project's rules (scripts/openapi-lint.ts: `npm run openapi:lint` applies the same).
    const shown = await lintOpenApi(spec);
    expect(shown).toEqual([]);
  });

  it('gives every operation an id, a summary, a description, security, and examples for its body and success responses', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(161);
    const missing: string[] = [];
    for (const { path, method, op } of ops) {
      const at = `${method.toUpperCase()} ${path}`;
      if (!op.operationId) missing.push(`${at}: operationId`);
      if (!op.summary) missing.push(`${at}: summary`);
      if (!op.description) missing.push(`${at}: description`);
      if (!op.security) missing.push(`${at}: security`);
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) if (media.example === undefined && media.examples === undefined) missing.push(`${at}: request ${type} example`);
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2') || s.startsWith('3'));
      if (success.length === 0) missing.push(`${at}: a 2xx or 3xx response`);
      for (const s of success) for (const [type, media] of Object.entries(op.responses[s]!.content ?? {})) if (media.example === undefined) missing.push(`${at}: ${s} ${type} example`);
      // The answers every route can give, in the one error shape.
      for (const s of ['429', '500', '503']) if (!['Error', 'ScimError'].some((e) => op.responses[s]?.$ref === `#/components/responses/${e}${s}`)) missing.push(`${at}: ${s}`);
    }
    expect(missing).toEqual([]);
  });

  it('describes the error shape once, and the security schemes the API accepts', () => {
    const schemas = spec.components.schemas as Record<string, Json>;
    expect(schemas.Error).toMatchObject({ type: 'object', required: ['detail', 'code', 'request_id'], additionalProperties: false });
    const schemes = spec.components.securitySchemes as Record<string, Json>;
    expect(schemes.token_header).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(schemes.auth_token).toMatchObject({ type: 'apiKey', in: 'query', name: 'auth_token' });
    expect(schemes.session_cookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
    expect(SESSION_COOKIE_NAME).toBe(SESSION_COOKIE);
    expect(schemes.csrf_header).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-csrf-token' });
    expect(schemes.edge_assertion).toMatchObject({ 'x-internal': true });
  });

  it('describes every route the app registers (but the prefixes not yet described)', () => {
    const described = new Set(operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`));
    const inScope = routes.filter((r) => !NOT_YET.some((re) => re.test(r.slice(r.indexOf(' ') + 1))));
    expect(inScope.length).toBeGreaterThanOrEqual(161);
    const undescribed = inScope.filter((r) => {
      const [method, path] = r.split(' ') as [string, string];
      return !described.has(`${method} ${toOpenApiPath(path)}`);
    });
    expect(undescribed).toEqual([]);
    // Nothing described that the app does not route (but the edge's own routes: test/integration/openapi-edge.test.ts).
    const routed = new Set(routes.map((r) => {
      const [method, path] = r.split(' ') as [string, string];
      return `${method} ${toOpenApiPath(path)}`;
    }));
    const edgeOnly = new Set(operations().filter(({ op }) => (op as unknown as Record<string, unknown>)[ANSWERED_BY] === 'edge').map(({ path, method }) => `${method.toUpperCase()} ${path}`));
    expect([...described].filter((d) => !routed.has(d) && !edgeOnly.has(d))).toEqual([]);
  });
});

describe('real answers match the document', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  let added = false;
  /** Validates a response's JSON body against the document's schema for its path, method and status. */
  async function conforms(res: Response, path: string, method: (typeof METHODS)[number]): Promise<Json> {
    if (!added) {
      ajv.addSchema(spec as unknown as Json, 'openapi');
      added = true;
    }
    const op = spec.paths[path]?.[method];
    expect(op, `${method} ${path}`).toBeDefined();
    const response = op!.responses[String(res.status)];
    expect(response, `${method} ${path} ${res.status}`).toBeDefined();
    // The media type the document gives this response (application/json, or application/scim+json under /scim/v2).
    const resolved = response!.$ref ? (spec.components.responses as Record<string, { content: Record<string, unknown> }>)[response!.$ref.split('/').pop()!]! : (response as { content: Record<string, unknown> });
    const media = Object.keys(resolved.content)[0]!;
    expect((res.headers.get('content-type') ?? '').split(';')[0]).toBe(media);
    const escaped = media.replaceAll('~', '~0').replaceAll('/', '~1');
    const pointer = response!.$ref
      ? `openapi${response!.$ref}/content/${escaped}/schema`
      : `openapi#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}/responses/${res.status}/content/${escaped}/schema`;
    const body = (await res.json()) as Json;
    const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
    expect(validate(body) ? [] : validate.errors).toEqual([]);
    return body;
  }
  const key = () => ({ authorization: `Token ${origin.seed.keys.write}` });
  const json = { 'content-type': 'application/json' };

  it('a page created, read, read for management, listed, its revisions, and an error', async () => {
    const created = await fetch(api('/v2/pages/'), { method: 'POST', headers: { ...key(), ...json }, body: JSON.stringify({ title: 'Spec', slug: 'spec-page', page_type: '*', status: 'published', fields: { headline: 'Hi' } }) });
    expect(created.status).toBe(202);
    await conforms(created, '/v2/pages', 'post');
    const read = await fetch(api(`/v2/pages/*/spec-page/?auth_token=${origin.seed.keys.read}`));
    expect(read.status).toBe(200);
    await conforms(read, '/v2/pages/{pageType}/{slug}', 'get');
    const manage = await fetch(api('/v2/manage/pages/*/spec-page/'), { headers: key() });
    expect(manage.status).toBe(200);
    expect(manage.headers.get('etag')).toBe('"v1"');
    await conforms(manage, '/v2/manage/pages/{pageType}/{slug}', 'get');
    await conforms(await fetch(api(`/v2/pages/search/?query=Spec&auth_token=${origin.seed.keys.read}`)), '/v2/pages/{pageType}', 'get');
    const revisions = await fetch(api('/v2/manage/pages/*/spec-page/revisions'), { headers: key() });
    await conforms(revisions, '/v2/manage/pages/{pageType}/{slug}/revisions', 'get');
    const stale = await fetch(api('/v2/pages/*/spec-page/'), { method: 'PATCH', headers: { ...key(), ...json, 'if-match': '"v9"' }, body: JSON.stringify({ title: 'Later' }) });
    expect(stale.status).toBe(412);
    await conforms(stale, '/v2/pages/{pageType}/{slug}', 'patch');
    const bad = await fetch(api('/v2/pages/'), { method: 'POST', headers: { ...key(), ...json }, body: JSON.stringify({ title: 'x', slug: 'y', page_type: '*', fields: {}, extra: 1 }) });
    expect(bad.status).toBe(400);
    await conforms(bad, '/v2/pages', 'post');
  });

  it('a collection defined, an item created, read, listed, read for management, and a 404', async () => {
    const space = origin.seed.spaceId;
    const admin = { authorization: `Token ${origin.seed.keys.admin}` };
    const defined = await fetch(api(`/v2/manage/spaces/${space}/collections/`), { method: 'POST', headers: { ...admin, ...json }, body: JSON.stringify({ key: 'spec_artists', name: 'Artists', fields: [{ name: 'name', type: 'short_text' }] }) });
    expect(defined.status).toBe(201);
    await conforms(defined, '/v2/manage/spaces/{spaceId}/collections', 'post');
    await conforms(await fetch(api(`/v2/manage/spaces/${space}/collections/`), { headers: admin }), '/v2/manage/spaces/{spaceId}/collections', 'get');
    const created = await fetch(api('/v2/content/'), { method: 'POST', headers: { ...key(), ...json }, body: JSON.stringify({ key: 'spec_artists', status: 'published', fields: [{ name: 'Nina Simone' }] }) });
    expect(created.status).toBe(202);
    await conforms(created, '/v2/content', 'post');
    const list = await fetch(api(`/v2/content/spec_artists/?auth_token=${origin.seed.keys.read}`));
    expect(list.status).toBe(200);
    const body = await conforms(list, '/v2/content/{key}', 'get');
    const id = ((body.data as Record<string, { meta: { id: number } }[]>).spec_artists![0]!).meta.id;
    await conforms(await fetch(api(`/v2/content/spec_artists/${id}/?auth_token=${origin.seed.keys.read}`)), '/v2/content/{key}/{id}', 'get');
    await conforms(await fetch(api(`/v2/content/?keys=spec_artists,none&auth_token=${origin.seed.keys.read}`)), '/v2/content', 'get');
    const manage = await fetch(api(`/v2/manage/content/spec_artists/${id}/`), { headers: key() });
    expect(manage.headers.get('etag')).toBe('"v1"');
    await conforms(manage, '/v2/manage/content/{key}/{id}', 'get');
    await conforms(await fetch(api(`/v2/manage/content/spec_artists/${id}/revisions/`), { headers: key() }), '/v2/manage/content/{key}/{id}/revisions', 'get');
    const missing = await fetch(api(`/v2/content/spec_artists/999999/?auth_token=${origin.seed.keys.read}`));
    expect(missing.status).toBe(404);
    await conforms(missing, '/v2/content/{key}/{id}', 'get');
  });

  it('a post created, read, listed, searched, its author, terms and feed, for management, and a 404', async () => {
    const admin = { authorization: `Token ${origin.seed.keys.admin}` };
    const author = await fetch(api(`/v2/manage/spaces/${origin.seed.spaceId}/authors/`), { method: 'POST', headers: { ...admin, ...json }, body: JSON.stringify({ slug: 'spec-ada', first_name: 'Ada' }) });
    expect(author.status).toBe(201);
    await conforms(author, '/v2/manage/spaces/{spaceId}/authors', 'post');
    const created = await fetch(api('/v2/posts/'), { method: 'POST', headers: { ...key(), ...json }, body: JSON.stringify({ title: 'Spec post', slug: 'spec-post', status: 'published', author: { slug: 'spec-ada' }, categories: ['News'], tags: ['Spec'], body: '<p>Hi</p>' }) });
    expect(created.status).toBe(202);
    await conforms(created, '/v2/posts', 'post');
    const read = (path: string) => fetch(api(`${path}${path.includes('?') ? '&' : '?'}auth_token=${origin.seed.keys.read}`));
    await conforms(await read('/v2/posts/spec-post/'), '/v2/posts/{slug}', 'get');
    await conforms(await read('/v2/posts/search/?query=spec'), '/v2/posts/{slug}', 'get');
    await conforms(await read('/v2/posts/?exclude_body=true'), '/v2/posts', 'get');
    await conforms(await read('/v2/authors/?include=recent_posts'), '/v2/authors', 'get');
    await conforms(await read('/v2/authors/spec-ada/'), '/v2/authors/{slug}', 'get');
    await conforms(await read('/v2/categories/'), '/v2/categories', 'get');
    await conforms(await read('/v2/tags/spec/?include=recent_posts'), '/v2/tags/{slug}', 'get');
    await conforms(await read('/v2/feeds/rss/'), '/v2/feeds/{feed}', 'get');
    const manage = await fetch(api('/v2/manage/posts/spec-post/'), { headers: key() });
    expect(manage.headers.get('etag')).toBe('"v1"');
    await conforms(manage, '/v2/manage/posts/{slug}', 'get');
    const gone = await read('/v2/posts/no-such-post/');
    expect(gone.status).toBe(404);
    await conforms(gone, '/v2/posts/{slug}', 'get');
  });

  it('page types, locales, webhooks and media imports', async () => {
    const space = origin.seed.spaceId;
    const admin = { authorization: `Token ${origin.seed.keys.admin}` };
    const m = (path: string) => api(`/v2/manage/spaces/${space}${path}`);
    const type = await fetch(m('/page_types/'), { method: 'POST', headers: { ...admin, ...json }, body: JSON.stringify({ slug: 'spec_landing', name: 'Landing', fields: [{ name: 'headline', type: 'short_text' }] }) });
    expect(type.status).toBe(201);
    await conforms(type, '/v2/manage/spaces/{spaceId}/page_types', 'post');
    await conforms(await fetch(m('/page_types/'), { headers: admin }), '/v2/manage/spaces/{spaceId}/page_types', 'get');
    await conforms(await fetch(m('/page_types/spec_landing/'), { method: 'PUT', headers: { ...admin, ...json }, body: JSON.stringify({ name: 'Landing page' }) }), '/v2/manage/spaces/{spaceId}/page_types/{slug}', 'put');
    const locale = await fetch(m('/locales/'), { method: 'POST', headers: { ...admin, ...json }, body: JSON.stringify({ code: 'fr', name: 'Français' }) });
    expect(locale.status).toBe(201);
    await conforms(locale, '/v2/manage/spaces/{spaceId}/locales', 'post');
    await conforms(await fetch(m('/locales/'), { headers: admin }), '/v2/manage/spaces/{spaceId}/locales', 'get');
    await conforms(await fetch(m('/webhooks/'), { headers: admin }), '/v2/manage/spaces/{spaceId}/webhooks', 'get');
    const noHook = await fetch(m('/webhooks/3c9d2e71-5b8a-4f0c-9e6d-1a2b3c4d5e6f/'), { method: 'DELETE', headers: admin });
    expect(noHook.status).toBe(404);
    await conforms(noHook, '/v2/manage/spaces/{spaceId}/webhooks/{id}', 'delete');
    const queued = await fetch(api('/v2/manage/media-imports/'), { method: 'POST', headers: { ...key(), ...json }, body: JSON.stringify({ urls: ['https://cdn.example.org/spec.jpg'] }) });
    expect(queued.status).toBe(202);
    await conforms(queued, '/v2/manage/media-imports', 'post');
    await conforms(await fetch(api('/v2/manage/media-imports/?page_size=5'), { headers: key() }), '/v2/manage/media-imports', 'get');
  });

  it('health, readiness, metrics without a token configured, and an unsigned introspection', async () => {
    await conforms(await fetch(api('/healthz')), '/healthz', 'get');
    await conforms(await fetch(api('/readyz')), '/readyz', 'get');
    const metrics = await fetch(api('/metrics'));
    expect(metrics.status).toBe(404);
    await conforms(metrics, '/metrics', 'get');
    const unsigned = await fetch(api(`/internal/v1/keys/introspect?token_hash=${'0'.repeat(64)}`));
    expect(unsigned.status).toBe(401);
    await conforms(unsigned, '/internal/v1/keys/introspect', 'get');
  });

  it('a captcha, a sign-in, the session, a refused change, a bad sign-in, and signing out', async () => {
    await conforms(await fetch(api('/v1/auth/captcha')), '/v1/auth/captcha', 'get');
    const user = await createUser(origin, origin.seed.organizationId, 'author');
    const login = await fetch(api('/v1/auth/login'), { method: 'POST', headers: json, body: JSON.stringify({ email: user.email, password: user.password }) });
    expect(login.status).toBe(200);
    await conforms(login, '/v1/auth/login', 'post');
    const client = new SessionClient(origin.server.url);
    await client.login(user.email, user.password);
    await conforms(await client.request('GET', '/v1/auth/session'), '/v1/auth/session', 'get');
    const noCsrf = await client.request('POST', '/v1/auth/password/change', { current_password: 'x', new_password: 'y' }, { 'x-csrf-token': 'wrong' });
    expect(noCsrf.status).toBe(403);
    await conforms(noCsrf, '/v1/auth/password/change', 'post');
    const bad = await fetch(api('/v1/auth/login'), { method: 'POST', headers: json, body: JSON.stringify({ email: user.email, password: 'not the password' }) });
    expect(bad.status).toBe(401);
    await conforms(bad, '/v1/auth/login', 'post');
    await conforms(await client.request('POST', '/v1/auth/logout'), '/v1/auth/logout', 'post');
  });

  it('an organization, its spaces, members, invitations and audit trail, and another organization\'s 404', async () => {
    const org = origin.seed.organizationId;
    const admin = { authorization: `Token ${origin.seed.keys.admin}` };
    const get = (path: string) => fetch(api(`/v1/orgs/${org}${path}`), { headers: admin });
    await conforms(await get(''), '/v1/orgs/{orgId}', 'get');
    await conforms(await get('/spaces'), '/v1/orgs/{orgId}/spaces', 'get');
    await conforms(await get('/members'), '/v1/orgs/{orgId}/members', 'get');
    const keyRefused = await fetch(api(`/v1/orgs/${org}/invitations`), { method: 'POST', headers: { ...admin, ...json }, body: JSON.stringify({ email: 'spec-invitee@example.org', role: 'author' }) });
    expect(keyRefused.status).toBe(403);
    await conforms(keyRefused, '/v1/orgs/{orgId}/invitations', 'post');
    const owner = await createUser(origin, org, 'owner');
    const session = new SessionClient(origin.server.url);
    await session.login(owner.email, owner.password);
    const invited = await session.request('POST', `/v1/orgs/${org}/invitations`, { email: 'spec-invitee@example.org', role: 'author' });
    expect(invited.status).toBe(201);
    await conforms(invited, '/v1/orgs/{orgId}/invitations', 'post');
    await conforms(await get('/invitations'), '/v1/orgs/{orgId}/invitations', 'get');
    await conforms(await get('/audit-events?limit=5'), '/v1/orgs/{orgId}/audit-events', 'get');
    await conforms(await get('/audit-events/verify'), '/v1/orgs/{orgId}/audit-events/verify', 'get');
    const other = await fetch(api('/v1/orgs/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'), { headers: admin });
    expect(other.status).toBe(404);
    await conforms(other, '/v1/orgs/{orgId}', 'get');
  });

  it('API keys listed, created, rotated and revoked, and a second revocation refused', async () => {
    const base = `/v1/orgs/${origin.seed.organizationId}/api-keys`;
    const admin = { authorization: `Token ${origin.seed.keys.admin}` };
    await conforms(await fetch(api(base), { headers: admin }), '/v1/orgs/{orgId}/api-keys', 'get');
    const created = await fetch(api(base), { method: 'POST', headers: { ...admin, ...json }, body: JSON.stringify({ name: 'spec', kind: 'read', space_id: origin.seed.spaceId }) });
    expect(created.status).toBe(201);
    const id = ((await conforms(created, '/v1/orgs/{orgId}/api-keys', 'post')).data as { id: string }).id;
    const rotated = await fetch(api(`${base}/${id}/rotate`), { method: 'POST', headers: { ...admin, ...json }, body: JSON.stringify({ grace_seconds: 0 }) });
    expect(rotated.status).toBe(201);
    const newId = ((await conforms(rotated, '/v1/orgs/{orgId}/api-keys/{keyId}/rotate', 'post')).data as { id: string }).id;
    await conforms(await fetch(api(`${base}/${newId}`), { method: 'DELETE', headers: admin }), '/v1/orgs/{orgId}/api-keys/{keyId}', 'delete');
    const again = await fetch(api(`${base}/${newId}`), { method: 'DELETE', headers: admin });
    expect(again.status).toBe(409);
    await conforms(again, '/v1/orgs/{orgId}/api-keys/{keyId}', 'delete');
  });

  it('SSO: discovery, an owner\'s connections, domains and policy, an admin key refused, an unknown connection\'s sign-in', async () => {
    await conforms(await fetch(api('/v1/auth/sso/discover'), { method: 'POST', headers: json, body: JSON.stringify({ email: 'someone@example.org' }) }), '/v1/auth/sso/discover', 'post');
    const org = origin.seed.organizationId;
    const owner = await createUser(origin, org, 'owner');
    const session = new SessionClient(origin.server.url);
    await session.login(owner.email, owner.password);
    await conforms(await session.request('GET', `/v1/orgs/${org}/sso/connections`), '/v1/orgs/{orgId}/sso/connections', 'get');
    await conforms(await session.request('GET', `/v1/orgs/${org}/sso/domains`), '/v1/orgs/{orgId}/sso/domains', 'get');
    await conforms(await session.request('GET', `/v1/orgs/${org}/sso/policy`), '/v1/orgs/{orgId}/sso/policy', 'get');
    const keyRefused = await fetch(api(`/v1/orgs/${org}/sso/policy`), { headers: { authorization: `Token ${origin.seed.keys.admin}` } });
    expect(keyRefused.status).toBe(403);
    await conforms(keyRefused, '/v1/orgs/{orgId}/sso/policy', 'get');
    const unknown = await fetch(api('/v1/auth/sso/login/0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f'), { redirect: 'manual' });
    expect(unknown.status).toBe(404);
    await conforms(unknown, '/v1/auth/sso/login/{id}', 'get');
  });

  it('billing off: an owner\'s billing view, checkout refused (409), the Stripe webhook 404, an admin key refused', async () => {
    const org = origin.seed.organizationId;
    const owner = await createUser(origin, org, 'owner');
    const session = new SessionClient(origin.server.url);
    await session.login(owner.email, owner.password);
    await conforms(await session.request('GET', `/v1/orgs/${org}/billing`), '/v1/orgs/{orgId}/billing', 'get');
    const checkout = await session.request('POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'team' });
    expect(checkout.status).toBe(409);
    await conforms(checkout, '/v1/orgs/{orgId}/billing/checkout', 'post');
    const hook = await fetch(api('/v1/billing/stripe/webhook'), { method: 'POST', headers: { ...json, 'stripe-signature': 't=1,v1=00' }, body: '{}' });
    expect(hook.status).toBe(404);
    await conforms(hook, '/v1/billing/stripe/webhook', 'post');
    const keyRefused = await fetch(api(`/v1/orgs/${org}/billing`), { headers: { authorization: `Token ${origin.seed.keys.admin}` } });
    expect(keyRefused.status).toBe(403);
    await conforms(keyRefused, '/v1/orgs/{orgId}/billing', 'get');
  });

  it('the SCIM token: none yet (404), and refused to an admin key (403)', async () => {
    const org = origin.seed.organizationId;
    const owner = await createUser(origin, org, 'owner');
    const session = new SessionClient(origin.server.url);
    await session.login(owner.email, owner.password);
    const none = await session.request('GET', `/v1/orgs/${org}/scim/token`);
    expect(none.status).toBe(404);
    await conforms(none, '/v1/orgs/{orgId}/scim/token', 'get');
    const keyRefused = await fetch(api(`/v1/orgs/${org}/scim/token`), { method: 'POST', headers: { authorization: `Token ${origin.seed.keys.admin}` } });
    expect(keyRefused.status).toBe(403);
    await conforms(keyRefused, '/v1/orgs/{orgId}/scim/token', 'post');
  });

  it('security events, incidents and settings', async () => {
    const base = `/v1/orgs/${origin.seed.organizationId}`;
    const admin = { authorization: `Token ${origin.seed.keys.admin}` };
    await conforms(await fetch(api(`${base}/security-events?limit=5`), { headers: admin }), '/v1/orgs/{orgId}/security-events', 'get');
    const badCursor = await fetch(api(`${base}/security-events?cursor=nope`), { headers: admin });
    expect(badCursor.status).toBe(400);
    await conforms(badCursor, '/v1/orgs/{orgId}/security-events', 'get');
    await conforms(await fetch(api(`${base}/incidents`), { headers: admin }), '/v1/orgs/{orgId}/incidents', 'get');
    await conforms(await fetch(api(`${base}/security-settings`), { headers: admin }), '/v1/orgs/{orgId}/security-settings', 'get');
  });

  it('SCIM 2.0: a token, discovery, lists, and SCIM-shaped refusals (unverified domain 400, unknown user 404, no token 401)', async () => {
    const org = origin.seed.organizationId;
    const owner = await createUser(origin, org, 'owner');
    const session = new SessionClient(origin.server.url);
    await session.login(owner.email, owner.password);
    expect((await session.request('POST', '/v1/auth/reauthenticate', { password: owner.password })).status).toBe(200);
    const minted = await session.request('POST', `/v1/orgs/${org}/scim/token`);
    expect(minted.status).toBe(201);
    const token = ((await conforms(minted, '/v1/orgs/{orgId}/scim/token', 'post')).data as { token: string }).token;
    await conforms(await session.request('GET', `/v1/orgs/${org}/scim/token`), '/v1/orgs/{orgId}/scim/token', 'get');
    const scimJson = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    const call = (method: string, path: string, body?: unknown) => fetch(api(`/scim/v2${path}`), { method, headers: scimJson, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    await conforms(await call('GET', '/ServiceProviderConfig'), '/scim/v2/ServiceProviderConfig', 'get');
    await conforms(await call('GET', '/Schemas'), '/scim/v2/Schemas', 'get');
    await conforms(await call('GET', '/ResourceTypes/User'), '/scim/v2/ResourceTypes/{id}', 'get');
    // Provisioning needs a verified SSO domain (DNS); without one the refusal comes in SCIM's shape.
    const refused = await call('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'spec-scim@example.org', active: true });
    expect(refused.status).toBe(400);
    expect(((await conforms(refused, '/scim/v2/Users', 'post')).schemas as string[])[0]).toBe('urn:ietf:params:scim:api:messages:2.0:Error');
    const missing = await call('GET', '/Users/8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a');
    expect(missing.status).toBe(404);
    await conforms(missing, '/scim/v2/Users/{id}', 'get');
    await conforms(await call('GET', `/Users?filter=${encodeURIComponent('userName eq "spec-scim@example.org"')}`), '/scim/v2/Users', 'get');
    await conforms(await call('GET', '/Groups?excludedAttributes=members'), '/scim/v2/Groups', 'get');
    const noToken = await fetch(api('/scim/v2/Users'));
    expect(noToken.status).toBe(401);
    await conforms(noToken, '/scim/v2/Users', 'get');
  });

  it('an asset uploaded and downloaded, a refused type, and a 404', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b1d9f80000000049454e44ae426082', 'hex');
    const up = await fetch(api('/v2/assets/?filename=spec.png'), { method: 'POST', headers: { ...key(), 'content-type': 'image/png' }, body: png });
    expect(up.status).toBe(201);
    const url = ((await conforms(up, '/v2/assets', 'post')).data as { url: string }).url;
    const down = await fetch(api(url));
    expect(down.status).toBe(200);
    expect(down.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await down.arrayBuffer()).equals(png)).toBe(true);
    const refused = await fetch(api('/v2/assets/?filename=spec.exe'), { method: 'POST', headers: { ...key(), 'content-type': 'application/x-msdownload' }, body: 'MZ' });
    expect(refused.status).toBe(415);
    await conforms(refused, '/v2/assets', 'post');
    const missing = await fetch(api(`/assets/${origin.seed.spaceId}/2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b/none.png`));
    expect(missing.status).toBe(404);
    await conforms(missing, '/assets/{spaceId}/{assetId}/{filename}', 'get');
  });

  it('governance: retention, exports, deletion, support grants and access, the IP allowlist, operators, a bad download link', async () => {
    const org = origin.seed.organizationId;
    const owner = await createUser(origin, org, 'owner');
    const session = new SessionClient(origin.server.url);
    await session.login(owner.email, owner.password);
    const get = (path: string) => session.request('GET', `/v1/orgs/${org}${path}`);
    await conforms(await get('/retention'), '/v1/orgs/{orgId}/retention', 'get');
    await conforms(await get('/exports'), '/v1/orgs/{orgId}/exports', 'get');
    const noDeletion = await get('/deletion');
    expect(noDeletion.status).toBe(404);
    await conforms(noDeletion, '/v1/orgs/{orgId}/deletion', 'get');
    await conforms(await get('/support-grants'), '/v1/orgs/{orgId}/support-grants', 'get');
    await conforms(await get('/support-access'), '/v1/orgs/{orgId}/support-access', 'get');
    await conforms(await get('/ip-allowlist'), '/v1/orgs/{orgId}/ip-allowlist', 'get');
    const badRetention = await session.request('PUT', `/v1/orgs/${org}/retention`, { audit_days: 1 });
    expect(badRetention.status).toBe(400);
    await conforms(badRetention, '/v1/orgs/{orgId}/retention', 'put');
    const noOperator = await fetch(api('/v1/operator/logout'), { method: 'POST' });
    expect(noOperator.status).toBe(401);
    await conforms(noOperator, '/v1/operator/logout', 'post');
    const badLink = await fetch(api('/v1/exports/4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e/download?expires=1&signature=x'));
    expect(badLink.status).toBeGreaterThanOrEqual(400);
    await conforms(badLink, '/v1/exports/{id}/download', 'get');
  });

  it('the document itself', async () => {
    await conforms(await fetch(api('/openapi.json')), '/openapi.json', 'get');
  });
});
