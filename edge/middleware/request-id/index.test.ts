import { describe, it, expect } from 'vitest';
import { Hono } from 'hono';
import { REQUEST_ID_HEADER, resolveRequestId } from '../../../shared/request-id.js';
import type { EdgeEnv } from '../../env.js';
import { errorResponse } from '../../errors.js';
import { requestId } from './index.js';

const MINTED = /^[0-9a-f]{32}$/;

function newApp(): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>();
  app.use('*', requestId());
  app.get('/ok', (c) => c.json({ requestId: c.get('requestId') }));
  app.get('/boom', () => {
    throw new Error('kaboom');
  });
  app.get('/redirect', () => Response.redirect('https://example.com/elsewhere', 302));
  app.get('/own-id', (c) => c.text('x', 200, { [REQUEST_ID_HEADER]: 'handler-chose-this' }));
  app.notFound((c) => errorResponse('not_found', 'Not found.', c.get('requestId')));
  app.onError((_err, c) => errorResponse('internal_error', 'Internal server error.', c.get('requestId')));
  return app;
}

async function get(path: string, id?: string): Promise<Response> {
  return newApp().request(path, { headers: id === undefined ? {} : { [REQUEST_ID_HEADER]: id } });
}

describe('requestId middleware', () => {
  it('mints an id when the caller sends none and exposes it to handlers', async () => {
    const res = await get('/ok');
    expect(res.status).toBe(200);
    const id = res.headers.get(REQUEST_ID_HEADER);
    expect(id).toMatch(MINTED);
    expect(await res.json()).toEqual({ requestId: id });
  });

  it('mints a different id per request', async () => {
    const app = newApp();
    const ids = new Set<string | null>();
    for (let i = 0; i < 20; i++) ids.add((await app.request('/ok')).headers.get(REQUEST_ID_HEADER));
    expect(ids.size).toBe(20);
  });

  it.each(['abcdefgh', 'trace-1234.5678:abcd_EF', 'A'.repeat(128), '0123456789abcdef0123456789abcdef'])('echoes a safe caller id %j', async (id) => {
    const res = await get('/ok', id);
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe(id);
    expect(await res.json()).toEqual({ requestId: id });
  });

  it.each([
    ['with spaces', 'has some spaces in it'],
    ['500 characters', 'a'.repeat(500)],
    ['129 characters', 'a'.repeat(129)],
    ['too short', 'abc'],
    ['with a slash', 'abc/defgh'],
    ['with quotes', '"abcdefgh"'],
    ['with a semicolon', 'abcdefgh;x=1'],
    ['with html', '<script>alert(1)</script>'],
    ['with a comma', 'abcdefgh,ijklmnop'],
  ])('replaces an unsafe caller id (%s)', async (_label, id) => {
    const res = await get('/ok', id);
    const out = res.headers.get(REQUEST_ID_HEADER);
    expect(out).not.toBe(id);
    expect(out).toMatch(MINTED);
    expect(await res.json()).toEqual({ requestId: out });
  });

  it('replaces ids with CR/LF or other control characters (header injection)', () => {
    // A Headers object refuses CR/LF inside a value, so check the resolver the middleware uses.
    for (const id of ['abcdefgh\r\nSet-Cookie: a=b', 'abcdefgh\nx', 'abcd\tefgh', 'abcdefgh\u0000', 'abcdéfgh']) {
      const out = resolveRequestId(id);
      expect(out, JSON.stringify(id)).toMatch(MINTED);
    }
    expect(resolveRequestId(null)).toMatch(MINTED);
    expect(resolveRequestId(undefined)).toMatch(MINTED);
    expect(resolveRequestId('')).toMatch(MINTED);
  });

  it('is present on a 404', async () => {
    const res = await get('/nowhere', 'trace-404-abcdef');
    expect(res.status).toBe(404);
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('trace-404-abcdef');
    expect(await res.json()).toMatchObject({ code: 'not_found', request_id: 'trace-404-abcdef' });
  });

  it('is present on a response produced by onError after a throw', async () => {
    const res = await get('/boom', 'trace-500-abcdef');
    expect(res.status).toBe(500);
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('trace-500-abcdef');
    expect(await res.json()).toMatchObject({ code: 'internal_error', request_id: 'trace-500-abcdef' });
  });

  it('a minted id on an error matches the body request_id', async () => {
    const res = await get('/boom');
    const id = res.headers.get(REQUEST_ID_HEADER);
    expect(id).toMatch(MINTED);
    expect(await res.json()).toMatchObject({ request_id: id });
  });

  it('is set on a response whose headers are immutable', async () => {
    const res = await get('/redirect', 'trace-redirect-1');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.com/elsewhere');
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('trace-redirect-1');
  });

  it('overrides an id a handler set itself', async () => {
    const res = await get('/own-id', 'trace-own-abcdef');
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('trace-own-abcdef');
    expect(await res.text()).toBe('x');
  });
});
