import { describe, it, expect, vi } from 'vitest';
import { Hono } from 'hono';
import { LEAKY_HEADERS, SECURE_HEADERS } from '../../../shared/secure-headers.js';
import { REQUEST_ID_HEADER } from '../../../shared/request-id.js';
import type { EdgeEnv } from '../../env.js';
import { errorResponse } from '../../errors.js';
import { requestId } from '../request-id/index.js';
import { secureHeaders } from './index.js';

function immutableResponse(): Response {
  // Response.redirect() (like a fetch() result) has immutable headers.
  const res = Response.redirect('https://example.com/moved', 301);
  expect(() => res.headers.set('x-probe', '1')).toThrow(TypeError);
  return res;
}

/** secureHeaders alone, so the immutable-response path is exercised by this middleware itself. */
function newApp(opts: { withRequestId?: boolean } = {}): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>();
  app.use('*', secureHeaders());
  if (opts.withRequestId) app.use('*', requestId());
  app.get('/ok', (c) => c.json({ ok: true }));
  app.get('/leaky', (c) => c.text('hi', 200, { server: 'nginx/1.25.3', 'x-powered-by': 'Express', 'x-custom': 'kept' }));
  app.get('/weak', (c) => c.text('hi', 200, { 'x-frame-options': 'ALLOWALL', 'content-security-policy': "default-src *" }));
  app.get('/boom', () => {
    throw new Error('kaboom');
  });
  app.get('/immutable', () => immutableResponse());
  app.notFound((c) => errorResponse('not_found', 'Not found.', c.get('requestId') ?? 'none'));
  app.onError((_err, c) => errorResponse('internal_error', 'Internal server error.', c.get('requestId') ?? 'none', { server: 'leaky/1.0' }));
  return app;
}

function expectSecure(res: Response): void {
  for (const [name, value] of Object.entries(SECURE_HEADERS)) expect(res.headers.get(name), name).toBe(value);
  for (const name of LEAKY_HEADERS) expect(res.headers.has(name), name).toBe(false);
}

describe('secureHeaders middleware', () => {
  it('defines the expected header set', () => {
    expect(SECURE_HEADERS['strict-transport-security']).toMatch(/max-age=\d{8,}/);
    expect(SECURE_HEADERS['x-content-type-options']).toBe('nosniff');
    expect(SECURE_HEADERS['x-frame-options']).toBe('DENY');
    expect(SECURE_HEADERS['content-security-policy']).toContain("default-src 'none'");
    expect(SECURE_HEADERS['referrer-policy']).toBe('no-referrer');
    expect([...LEAKY_HEADERS].sort()).toEqual(['server', 'x-powered-by']);
  });

  it('adds the secure headers on a 200', async () => {
    const res = await newApp().request('/ok');
    expect(res.status).toBe(200);
    expectSecure(res);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('adds the secure headers on a 404', async () => {
    const res = await newApp().request('/nowhere');
    expect(res.status).toBe(404);
    expectSecure(res);
    expect(await res.json()).toMatchObject({ code: 'not_found' });
  });

  it('adds the secure headers on an onError response (and strips its server header)', async () => {
    const res = await newApp().request('/boom');
    expect(res.status).toBe(500);
    expectSecure(res);
    expect(await res.json()).toMatchObject({ code: 'internal_error' });
  });

  it('adds the secure headers on a Hono default 404 and default error response', async () => {
    const app = new Hono<EdgeEnv>();
    app.use('*', secureHeaders());
    app.get('/boom', () => {
      throw new Error('kaboom');
    });
    const notFound = await app.request('/nowhere');
    expect(notFound.status).toBe(404);
    expectSecure(notFound);
    // Hono's default onError logs the error; keep the test output quiet.
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const error = await app.request('/boom');
      expect(error.status).toBe(500);
      expectSecure(error);
    } finally {
      log.mockRestore();
    }
  });

  it('adds the secure headers on a response with immutable headers', async () => {
    const res = await newApp().request('/immutable');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://example.com/moved');
    expectSecure(res);
  });

  it('works on immutable responses together with requestId', async () => {
    const res = await newApp({ withRequestId: true }).request('/immutable', { headers: { [REQUEST_ID_HEADER]: 'trace-immutable-1' } });
    expect(res.status).toBe(301);
    expectSecure(res);
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('trace-immutable-1');
  });

  it('removes server and x-powered-by but keeps other headers', async () => {
    const res = await newApp().request('/leaky');
    expectSecure(res);
    expect(res.headers.get('x-custom')).toBe('kept');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('hi');
  });

  it('overrides weaker values a handler set', async () => {
    const res = await newApp().request('/weak');
    expectSecure(res);
  });

  it('keeps the body and status of an error response intact', async () => {
    const res = await newApp({ withRequestId: true }).request('/boom', { headers: { [REQUEST_ID_HEADER]: 'trace-boom-12345' } });
    expect(res.status).toBe(500);
    expectSecure(res);
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('trace-boom-12345');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ detail: 'Internal server error.', code: 'internal_error', request_id: 'trace-boom-12345' });
  });

  it('applies to HEAD requests too', async () => {
    const res = await newApp().request('/ok', { method: 'HEAD' });
    expectSecure(res);
  });
});
