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
import { httpsOnly, type HttpsOnlyOptions } from './index.js';

interface TestApp {
  app: Hono<EdgeEnv>;
  /** How many requests reached a route. */
  hits: () => number;
}

function newApp(opts: { httpsOnly?: 'true' | 'false'; options?: HttpsOnlyOptions } = {}): TestApp {
  const platform = createNodePlatform({ originUrl: 'http://127.0.0.1:9', log: () => {} });
  const config = edgeConfigSchema.parse({ edge_shared_secret: 'x'.repeat(32), https_only: opts.httpsOnly ?? 'true' });
  let hits = 0;
  const app = new Hono<EdgeEnv>();
  app.use('*', secureHeaders());
  app.use('*', requestId());
  app.use('*', async function testContext(c, next) {
    c.set('platform', platform);
    c.set('config', config);
    await next();
  });
  app.use('*', httpsOnly(opts.options));
  app.use('*', async function countHits(_c, next) {
    hits++;
    await next();
  });
  app.get('/.edge/health', (c) => c.json({ status: 'ok' }));
  app.get('/status', (c) => c.json({ status: 'ok' }));
  app.all('/v2/*', (c) => c.json({ method: c.req.method, path: new URL(c.req.url).pathname }));
  app.notFound((c) => errorResponse('not_found', 'Not found.', c.get('requestId')));
  app.onError((_err, c) => errorResponse('internal_error', 'Internal server error.', c.get('requestId')));
  return { app, hits: () => hits };
}

describe('httpsOnly middleware: redirects plain-HTTP reads', () => {
  it('301s a GET to the same host, path and query over https', async () => {
    const { app, hits } = newApp();
    const res = await app.request('http://edge.test/v2/pages/*/home/?auth_token=abc&locale=en&preview=1');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://edge.test/v2/pages/*/home/?auth_token=abc&locale=en&preview=1');
    expect(await res.text()).toBe('');
    expect(hits()).toBe(0);
  });

  it('preserves an encoded path and query exactly', async () => {
    const { app } = newApp();
    const res = await app.request('http://edge.test/v2/posts/caf%C3%A9%20au%20lait/?q=a%26b%3Dc&fields.tags=x+y&empty=');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://edge.test/v2/posts/caf%C3%A9%20au%20lait/?q=a%26b%3Dc&fields.tags=x+y&empty=');
  });

  it('redirects the bare root', async () => {
    const res = await newApp().app.request('http://edge.test/');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://edge.test/');
  });

  it('redirects HEAD like GET', async () => {
    const { app, hits } = newApp();
    const res = await app.request('http://edge.test/v2/posts/?page=2', { method: 'HEAD' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://edge.test/v2/posts/?page=2');
    expect(hits()).toBe(0);
  });

  it('drops a plain-HTTP port (the https default port is used)', async () => {
    const { app } = newApp();
    for (const url of ['http://edge.test:80/v2/posts/', 'http://edge.test:8080/v2/posts/']) {
      const res = await app.request(url);
      expect(res.status, url).toBe(301);
      expect(res.headers.get('location'), url).toBe('https://edge.test/v2/posts/');
    }
  });

  it('the redirect carries the secure headers and the request id', async () => {
    const res = await newApp().app.request('http://edge.test/v2/posts/', { headers: { [REQUEST_ID_HEADER]: 'trace-redirect-1' } });
    expect(res.status).toBe(301);
    for (const [name, value] of Object.entries(SECURE_HEADERS)) expect(res.headers.get(name), name).toBe(value);
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('trace-redirect-1');
  });
});

describe('httpsOnly middleware: refuses plain-HTTP writes', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('answers %s over http with 403 https_required in the error shape', async (method) => {
    const { app, hits } = newApp();
    const res = await app.request('http://edge.test/v2/pages/', {
      method,
      headers: { [REQUEST_ID_HEADER]: 'trace-https-403' },
      ...(method === 'POST' || method === 'PUT' || method === 'PATCH' ? { body: '{"secret":"sent in clear"}' } : {}),
    });
    expect(res.status).toBe(403);
    expect(res.headers.has('location')).toBe(false);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'request_id']);
    expect(body).toEqual({ detail: 'HTTPS is required.', code: 'https_required', request_id: 'trace-https-403' });
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('trace-https-403');
    expect(hits()).toBe(0);
  });

  it('a minted request id in the 403 body matches the header', async () => {
    const res = await newApp().app.request('http://edge.test/v2/pages/', { method: 'POST', body: 'x' });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { request_id: string };
    expect(body.request_id).toBe(res.headers.get(REQUEST_ID_HEADER));
  });
});

describe('httpsOnly middleware: security', () => {
  it('ignores a forged X-Forwarded-Proto: https on a plain-HTTP GET', async () => {
    const { app, hits } = newApp();
    const res = await app.request('http://edge.test/v2/posts/?a=1', { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://edge.test/v2/posts/?a=1');
    expect(hits()).toBe(0);
  });

  it('ignores a forged X-Forwarded-Proto: https (and Forwarded, X-Forwarded-Ssl) on a plain-HTTP POST', async () => {
    const res = await newApp().app.request('http://edge.test/v2/pages/', {
      method: 'POST',
      body: '{}',
      headers: { 'x-forwarded-proto': 'https', forwarded: 'proto=https', 'x-forwarded-ssl': 'on', 'x-forwarded-scheme': 'https' },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'https_required' });
  });

  it('ignores X-Forwarded-Proto: http on an https request (no redirect loop)', async () => {
    const { app, hits } = newApp();
    const res = await app.request('https://edge.test/v2/posts/', { headers: { 'x-forwarded-proto': 'http' } });
    expect(res.status).toBe(200);
    expect(hits()).toBe(1);
  });

  it('the redirect carries no fragment', async () => {
    const res = await newApp().app.request('http://edge.test/v2/posts/#frag');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://edge.test/v2/posts/');
  });
});

describe('httpsOnly middleware: pass-through', () => {
  it.each(['GET', 'HEAD', 'POST', 'DELETE'])('lets %s over https through', async (method) => {
    const { app, hits } = newApp();
    const res = await app.request('https://edge.test/v2/pages/', { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    expect(res.status).toBe(200);
    expect(res.headers.has('location')).toBe(false);
    expect(hits()).toBe(1);
    if (method !== 'HEAD') expect(await res.json()).toEqual({ method, path: '/v2/pages/' });
  });

  it.each(['GET', 'HEAD', 'POST'])('lets %s over http through when https_only is off', async (method) => {
    const { app, hits } = newApp({ httpsOnly: 'false' });
    const res = await app.request('http://edge.test/v2/pages/', { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    expect(res.status).toBe(200);
    expect(hits()).toBe(1);
  });

  it('is on by default (config without https_only)', async () => {
    const platform = createNodePlatform({ originUrl: 'http://127.0.0.1:9', log: () => {} });
    const config = edgeConfigSchema.parse({ edge_shared_secret: 'x'.repeat(32) });
    expect(config.https_only).toBe(true);
    const app = new Hono<EdgeEnv>();
    app.use('*', requestId());
    app.use('*', async (c, next) => {
      c.set('platform', platform);
      c.set('config', config);
      await next();
    });
    app.use('*', httpsOnly());
    app.get('/x', (c) => c.text('x'));
    expect((await app.request('http://edge.test/x')).status).toBe(301);
  });
});

describe('httpsOnly middleware: health check exemption', () => {
  it.each(['GET', 'HEAD'])('answers %s /.edge/health over http (load-balancer probes)', async (method) => {
    const { app, hits } = newApp();
    const res = await app.request('http://edge.test/.edge/health', { method });
    expect(res.status).toBe(200);
    expect(hits()).toBe(1);
    if (method === 'GET') expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('still refuses a non-GET/HEAD to /.edge/health over http', async () => {
    const res = await newApp().app.request('http://edge.test/.edge/health', { method: 'POST', body: 'x' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'https_required' });
  });

  it.each(['/.edge/healthz', '/.edge/health/x', '/.edge/health/', '/v2/.edge/health', '/.EDGE/health'])('does not exempt look-alike path %s', async (path) => {
    const res = await newApp().app.request(`http://edge.test${path}`);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`https://edge.test${path}`);
  });

  it('takes its exempt list from the options (an empty list exempts nothing)', async () => {
    const none = newApp({ options: { exempt: [] } });
    expect((await none.app.request('http://edge.test/.edge/health')).status).toBe(301);
    const custom = newApp({ options: { exempt: ['/status'] } });
    expect((await custom.app.request('http://edge.test/status')).status).toBe(200);
    expect((await custom.app.request('http://edge.test/.edge/health')).status).toBe(301);
  });
});
