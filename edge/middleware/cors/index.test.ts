import { describe, it, expect } from 'vitest';
import { Hono } from 'hono';
import { REQUEST_ID_HEADER } from '../../../shared/request-id.js';
import { SECURE_HEADERS } from '../../../shared/secure-headers.js';
import { edgeConfigSchema } from '../../config.js';
import type { EdgeEnv } from '../../env.js';
import { errorResponse } from '../../errors.js';
import { createNodePlatform } from '../../platform/memory/platform.js';
import { requestId } from '../request-id/index.js';
import { secureHeaders } from '../secure-headers/index.js';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, allowOrigin, compileCorsPolicy, corsConfigSchema, isOrigin } from './config.js';
import { cors, corsHeaders } from './index.js';

const SHARED = 'https://shared.example';
const SITE_A = 'https://a.example';
const SITE_B = 'https://b.example:8443';
const STRANGER = 'https://evil.example';

const DEFAULT_CORS = { any: [SHARED], spaces: { 'space-a': [SITE_A], 'space-b': [SITE_B] }, max_age: 900 };

interface TestApp {
  app: Hono<EdgeEnv>;
  /** How many requests reached the routes (past cors). */
  hits: () => number;
}

/**
 * cors() wrapped the way the edge wraps it (secure headers, request id, config outside it).
 * The request's key is set by a fake api-key middleware *inside* cors, from `x-test-space`,
 * as the real api-key middleware does after cors has called next().
 */
function newApp(corsConfig: unknown = DEFAULT_CORS, opts: { withConfig?: boolean } = {}): TestApp {
  const platform = createNodePlatform({ originUrl: 'http://127.0.0.1:9', log: () => {} });
  const config = edgeConfigSchema.parse({ edge_shared_secret: 'x'.repeat(32), https_only: 'true', cors: JSON.stringify(corsConfig) });
  let hits = 0;
  const app = new Hono<EdgeEnv>();
  app.use('*', secureHeaders());
  app.use('*', requestId());
  app.use('*', async function testContext(c, next) {
    c.set('platform', platform);
    if (opts.withConfig !== false) c.set('config', config);
    await next();
  });
  app.use('*', cors());
  app.use('*', async function fakeApiKey(c, next) {
    hits++;
    const space = c.req.header('x-test-space');
    if (space) c.set('key', { id: 'key-1', kind: 'read', spaceId: space, scopes: [] });
    await next();
  });
  app.get('/v2/ok', (c) => c.json({ ok: true }));
  app.get('/v2/boom', () => {
    throw new Error('kaboom');
  });
  app.get('/v2/unauthorized', (c) => errorResponse('invalid_token', 'Invalid token', c.get('requestId')));
  app.get('/v2/immutable', () => {
    const res = Response.redirect('https://edge.test/v2/ok', 302);
    expect(() => res.headers.set('x-probe', '1')).toThrow(TypeError);
    return res;
  });
  app.get('/v2/vary', (c) => c.text('v', 200, { vary: c.req.query('vary') ?? '' }));
  app.get('/v2/upstream-cors', (c) =>
    c.text('u', 200, {
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, PUT, DELETE',
      'access-control-expose-headers': 'set-cookie',
      'access-control-max-age': '86400',
    }),
  );
  app.options('/v2/ok', (c) => c.text('plain options', 200));
  app.notFound((c) => errorResponse('not_found', 'Not found.', c.get('requestId')));
  app.onError((_err, c) => errorResponse('internal_error', 'Internal server error.', c.get('requestId')));
  return { app, hits: () => hits };
}

function preflight(app: Hono<EdgeEnv>, origin: string | null, method = 'GET', headers?: string, extra: Record<string, string> = {}): Promise<Response> {
  const h: Record<string, string> = { 'access-control-request-method': method, ...extra };
  if (origin !== null) h.origin = origin;
  if (headers !== undefined) h['access-control-request-headers'] = headers;
  return Promise.resolve(app.request('https://edge.test/v2/ok', { method: 'OPTIONS', headers: h }));
}

function get(app: Hono<EdgeEnv>, path: string, origin?: string, space?: string): Promise<Response> {
  const h: Record<string, string> = {};
  if (origin !== undefined) h.origin = origin;
  if (space !== undefined) h['x-test-space'] = space;
  return Promise.resolve(app.request(`https://edge.test${path}`, { headers: h }));
}

function expectNoCors(res: Response): void {
  for (const name of [
    'access-control-allow-origin',
    'access-control-allow-credentials',
    'access-control-allow-methods',
    'access-control-allow-headers',
    'access-control-expose-headers',
    'access-control-max-age',
  ]) {
    expect(res.headers.has(name), name).toBe(false);
  }
}

function expectAllowed(res: Response, acao: string): void {
  expect(res.headers.get('access-control-allow-origin')).toBe(acao);
  expect(res.headers.get('access-control-expose-headers')).toBe(CORS_EXPOSE_HEADERS.join(', '));
  expect(res.headers.get('vary')).toMatch(/(^|,\s*)Origin(\s*,|$)/);
  expect(res.headers.has('access-control-allow-credentials')).toBe(false);
}

async function expectForbidden(res: Response, requestIdHeader?: string): Promise<void> {
  expect(res.status).toBe(403);
  expect(res.headers.has('access-control-allow-origin')).toBe(false);
  expect(res.headers.has('access-control-allow-credentials')).toBe(false);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'request_id']);
  expect(body.code).toBe('cors_forbidden');
  expect(typeof body.detail).toBe('string');
  expect(body.request_id).toBe(requestIdHeader ?? res.headers.get(REQUEST_ID_HEADER));
}

describe('cors middleware: preflight', () => {
  it('answers a preflight from an origin allowed for every space at the edge', async () => {
    const { app, hits } = newApp();
    const res = await preflight(app, SHARED, 'GET', 'authorization');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe(SHARED);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe(CORS_ALLOW_HEADERS.join(', '));
    expect(res.headers.get('access-control-max-age')).toBe('900');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.has('access-control-allow-credentials')).toBe(false);
    expect(hits()).toBe(0);
  });

  it('allows a preflight from an origin of any one space (the space is unknown before the request)', async () => {
    const { app } = newApp();
    for (const origin of [SITE_A, SITE_B]) {
      const res = await preflight(app, origin);
      expect(res.status, origin).toBe(204);
      expect(res.headers.get('access-control-allow-origin'), origin).toBe(origin);
    }
  });

  it('carries the secure headers and the request id', async () => {
    const res = await preflight(newApp().app, SHARED, 'GET', undefined, { [REQUEST_ID_HEADER]: 'trace-preflight-1' });
    expect(res.status).toBe(204);
    for (const [name, value] of Object.entries(SECURE_HEADERS)) expect(res.headers.get(name), name).toBe(value);
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('trace-preflight-1');
  });

  it('uses the default max age when none is configured', async () => {
    const res = await preflight(newApp({ any: [SHARED] }).app, SHARED);
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });

  it('accepts HEAD as the requested method', async () => {
    expect((await preflight(newApp().app, SHARED, 'HEAD')).status).toBe(204);
  });

  it.each([
    ['one allowed header', 'authorization'],
    ['all allowed headers, mixed case and spacing', ' Authorization ,Content-Type,IF-NONE-MATCH,  x-request-id'],
    ['the ButterCMS JS SDK headers', 'content-type,x-butter-client'],
    ['an empty list', ''],
  ])('accepts %s in Access-Control-Request-Headers', async (_label, headers) => {
    const res = await preflight(newApp().app, SHARED, 'GET', headers);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toBe(CORS_ALLOW_HEADERS.join(', '));
  });

  it('refuses a preflight from an origin in no list with 403 cors_forbidden', async () => {
    const { app, hits } = newApp();
    const res = await preflight(app, STRANGER, 'GET', undefined, { [REQUEST_ID_HEADER]: 'trace-cors-403' });
    await expectForbidden(res, 'trace-cors-403');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(hits()).toBe(0);
  });

  it.each([
    ['null', 'null'],
    ['with a path', `${SITE_A}/`],
    ['upper case', 'https://A.example'],
    ['with the default port spelled out', 'https://a.example:443'],
    ['with another scheme', 'ftp://a.example'],
    ['two origins', `${SITE_A} ${SHARED}`],
    ['a suffix of an allowed origin', 'https://a.example.evil.example'],
    ['a prefix trick', 'https://evil-a.example'],
    ['garbage', 'not an origin'],
  ])('refuses a preflight from a malformed or look-alike origin (%s)', async (_label, origin) => {
    await expectForbidden(await preflight(newApp().app, origin));
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'get', 'CONNECT'])('refuses a preflight asking for method %s', async (method) => {
    await expectForbidden(await preflight(newApp().app, SHARED, method));
  });

  it.each(['x-evil', 'authorization, cookie', 'content-type, x-forwarded-for', 'x-http-method-override'])(
    'refuses a preflight asking for header(s) %j outside the allowlist',
    async (headers) => {
      const { app, hits } = newApp();
      await expectForbidden(await preflight(app, SHARED, 'GET', headers));
      expect(hits()).toBe(0);
    },
  );

  it('passes an OPTIONS without Access-Control-Request-Method on to the app (not a preflight)', async () => {
    const { app, hits } = newApp();
    const res = await app.request('https://edge.test/v2/ok', { method: 'OPTIONS', headers: { origin: STRANGER } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('plain options');
    expect(hits()).toBe(1);
    expect(res.headers.has('access-control-allow-origin')).toBe(false);
  });

  it('refuses every preflight when nothing is configured', async () => {
    await expectForbidden(await preflight(newApp({}).app, SHARED));
  });
});

describe('cors middleware: `*`', () => {
  it('answers a preflight with ACAO * (never an echo, never credentials) when `*` is configured', async () => {
    const res = await preflight(newApp({ any: ['*'] }).app, STRANGER);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.has('access-control-allow-credentials')).toBe(false);
  });

  it('a listed origin is still echoed when `*` is also configured', async () => {
    const res = await preflight(newApp({ any: ['*', SHARED] }).app, SHARED);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHARED);
  });

  it('answers an actual request with ACAO * and no credentials', async () => {
    const res = await get(newApp({ any: ['*'] }).app, '/v2/ok', STRANGER, 'space-a');
    expect(res.status).toBe(200);
    expectAllowed(res, '*');
  });

  it('does not allow a `null` or malformed origin even under `*`', async () => {
    const { app } = newApp({ any: ['*'] });
    await expectForbidden(await preflight(app, 'null'));
    await expectForbidden(await preflight(app, 'not an origin'));
    const res = await get(app, '/v2/ok', 'null');
    expect(res.status).toBe(200);
    expectNoCors(res);
  });

  it('a space-level `*` applies to that space only', async () => {
    const { app } = newApp({ spaces: { 'space-a': ['*'], 'space-b': [SITE_B] } });
    expect((await preflight(app, STRANGER)).headers.get('access-control-allow-origin')).toBe('*');
    expectAllowed(await get(app, '/v2/ok', STRANGER, 'space-a'), '*');
    expectNoCors(await get(app, '/v2/ok', STRANGER, 'space-b'));
    expectNoCors(await get(app, '/v2/ok', STRANGER));
    expectAllowed(await get(app, '/v2/ok', SITE_B, 'space-b'), SITE_B);
  });
});

describe('cors middleware: actual requests', () => {
  it('echoes an origin allowed for every space, with Vary and the exposed headers', async () => {
    const { app } = newApp();
    for (const space of [undefined, 'space-a', 'space-b', 'space-unknown']) {
      const res = await get(app, '/v2/ok', SHARED, space);
      expect(res.status).toBe(200);
      expectAllowed(res, SHARED);
      expect(await res.json()).toEqual({ ok: true });
    }
  });

  it("echoes a space's own origin on that space's responses", async () => {
    const { app } = newApp();
    expectAllowed(await get(app, '/v2/ok', SITE_A, 'space-a'), SITE_A);
    expectAllowed(await get(app, '/v2/ok', SITE_B, 'space-b'), SITE_B);
  });

  it("does not allow space A's origin on space B's response", async () => {
    const { app } = newApp();
    const res = await get(app, '/v2/ok', SITE_A, 'space-b');
    expect(res.status).toBe(200);
    expectNoCors(res);
    expect(res.headers.get('vary')).toBe('Origin');
    expectNoCors(await get(app, '/v2/ok', SITE_B, 'space-a'));
  });

  it("does not allow a space's origin on a response without a key (assets, errors before auth)", async () => {
    const { app } = newApp();
    expectNoCors(await get(app, '/v2/ok', SITE_A));
    expectNoCors(await get(app, '/v2/unauthorized', SITE_A));
  });

  it('leaves a disallowed origin without ACAO but does not refuse the request', async () => {
    const { app, hits } = newApp();
    const res = await get(app, '/v2/ok', STRANGER, 'space-a');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expectNoCors(res);
    expect(hits()).toBe(1);
  });

  it.each(['null', `${SHARED}/`, 'https://SHARED.example', `${SHARED} ${SITE_A}`, `${SHARED}, ${SITE_A}`])('does not allow origin %j', async (origin) => {
    expectNoCors(await get(newApp().app, '/v2/ok', origin, 'space-a'));
  });

  it('adds Vary: Origin even without an Origin header (so caches never mix the variants)', async () => {
    const res = await get(newApp().app, '/v2/ok');
    expectNoCors(res);
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('appends Origin to an existing Vary', async () => {
    const res = await get(newApp().app, '/v2/vary?vary=Accept-Encoding', SHARED);
    expect(res.headers.get('vary')).toBe('Accept-Encoding, Origin');
  });

  it('does not repeat Origin in Vary, nor touch Vary: *', async () => {
    const { app } = newApp();
    expect((await get(app, '/v2/vary?vary=accept-encoding, origin', SHARED)).headers.get('vary')).toBe('accept-encoding, origin');
    expect((await get(app, '/v2/vary?vary=*', SHARED)).headers.get('vary')).toBe('*');
  });

  it('sets the headers on an onError response', async () => {
    const res = await get(newApp().app, '/v2/boom', SITE_A, 'space-a');
    expect(res.status).toBe(500);
    expectAllowed(res, SITE_A);
    expect(await res.json()).toMatchObject({ code: 'internal_error' });
  });

  it('sets the headers on an error response returned by a handler and on a 404', async () => {
    const { app } = newApp();
    const unauthorized = await get(app, '/v2/unauthorized', SHARED);
    expect(unauthorized.status).toBe(401);
    expectAllowed(unauthorized, SHARED);
    const missing = await get(app, '/v2/nowhere', SHARED);
    expect(missing.status).toBe(404);
    expectAllowed(missing, SHARED);
    expect(await missing.json()).toMatchObject({ code: 'not_found' });
  });

  it('sets the headers on a response with immutable headers', async () => {
    const res = await get(newApp().app, '/v2/immutable', SITE_A, 'space-a');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://edge.test/v2/ok');
    expectAllowed(res, SITE_A);
  });

  it('drops CORS headers set upstream (the origin never decides, credentials never pass)', async () => {
    const { app } = newApp();
    const stranger = await get(app, '/v2/upstream-cors', STRANGER);
    expectNoCors(stranger);
    const allowed = await get(app, '/v2/upstream-cors', SHARED);
    expectAllowed(allowed, SHARED);
    expect(allowed.headers.has('access-control-allow-methods')).toBe(false);
    expect(allowed.headers.has('access-control-max-age')).toBe(false);
  });

  it('never sends Access-Control-Allow-Credentials', async () => {
    for (const corsConfig of [DEFAULT_CORS, { any: ['*'] }, { spaces: { 'space-a': ['*', SITE_A] } }]) {
      const { app } = newApp(corsConfig);
      for (const origin of [SHARED, SITE_A, STRANGER]) {
        for (const res of [await preflight(app, origin), await get(app, '/v2/ok', origin, 'space-a'), await get(app, '/v2/boom', origin, 'space-a')]) {
          expect(res.headers.has('access-control-allow-credentials')).toBe(false);
        }
      }
    }
  });

  it('allows nothing (and answers no preflight) when the edge has no config', async () => {
    const { app, hits } = newApp(DEFAULT_CORS, { withConfig: false });
    const pre = await preflight(app, SHARED);
    expect(pre.status).toBe(200); // fell through to the app's own OPTIONS route
    expectNoCors(pre);
    expect(hits()).toBe(1);
    expectNoCors(await get(app, '/v2/ok', SHARED));
  });
});

describe('cors config', () => {
  it('accepts origins and `*`, and rejects anything else', () => {
    expect(corsConfigSchema.parse({})).toEqual({ any: [], spaces: {}, max_age: 600 });
    expect(() => corsConfigSchema.parse({ any: ['https://a.example/'] })).toThrow();
    expect(() => corsConfigSchema.parse({ any: ['null'] })).toThrow();
    expect(() => corsConfigSchema.parse({ spaces: { s: ['*.example.com'] } })).toThrow();
    expect(() => corsConfigSchema.parse({ any: [SHARED], credentials: true })).toThrow();
    expect(() => corsConfigSchema.parse({ max_age: 86_401 })).toThrow();
  });

  it('isOrigin accepts only serialised http(s) origins', () => {
    expect(isOrigin(SITE_A)).toBe(true);
    expect(isOrigin(SITE_B)).toBe(true);
    expect(isOrigin('http://localhost:3000')).toBe(true);
    for (const bad of ['null', '', '*', `${SITE_A}/`, 'https://a.example:443', 'HTTPS://a.example', 'file:///x', 'data:,x']) expect(isOrigin(bad), bad).toBe(false);
  });

  it('compiles the lists and answers echo, `*` or nothing', () => {
    const policy = compileCorsPolicy(corsConfigSchema.parse({ any: [SHARED], spaces: { a: [SITE_A, '*'], b: [SITE_B] } }));
    expect(allowOrigin(SHARED, policy.any)).toBe(SHARED);
    expect(allowOrigin(SITE_A, policy.any)).toBeNull();
    expect(allowOrigin(SITE_A, policy.any, policy.spaces.get('a'))).toBe(SITE_A);
    expect(allowOrigin(STRANGER, policy.any, policy.spaces.get('a'))).toBe('*');
    expect(allowOrigin(STRANGER, policy.any, policy.spaces.get('b'))).toBeNull();
    expect(allowOrigin(SITE_B, policy.preflight)).toBe(SITE_B);
    expect(allowOrigin(STRANGER, policy.preflight)).toBe('*');
    expect(allowOrigin(SHARED, policy.any, undefined)).toBe(SHARED);
  });

  it('corsHeaders appends Origin to Vary without clobbering', () => {
    const varyOf = (vary: string | null) => corsHeaders(null, vary).set.find(([name]) => name === 'vary')?.[1] ?? vary;
    expect(varyOf(null)).toBe('Origin');
    expect(varyOf('Origin')).toBe('Origin');
    expect(varyOf('Accept-Encoding')).toBe('Accept-Encoding, Origin');
    expect(varyOf('accept-encoding, origin')).toBe('accept-encoding, origin');
    expect(varyOf('*')).toBe('*');
  });

  it('corsHeaders drops every upstream CORS header and sets ACAO and the exposed headers only when allowed', () => {
    expect(corsHeaders(null, 'Origin')).toEqual({ drop: expect.arrayContaining(['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-max-age']), set: [] });
    expect(corsHeaders(SITE_A, null).set).toEqual([
      ['vary', 'Origin'],
      ['access-control-allow-origin', SITE_A],
      ['access-control-expose-headers', CORS_EXPOSE_HEADERS.join(', ')],
    ]);
  });
});
