/**
 * api.ts's reads within one page request: asked once and shared (a screen and the layout asking
 * for the same list make one call), asked again after any state change or new session cookie,
 * never kept across requests, a failed call never kept. The "API" here is a real Hono app called
 * through the same in-process fetch the web app uses; it counts its calls and changes on POST.
 */
import { Hono, type Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { api, passCookies } from './api.js';
import type { AdminEnv } from './env.js';

function stack() {
  const calls: string[] = [];
  let version = 1;
  let failNext = false;
  const backend = new Hono();
  backend.use('*', async (c, next) => {
    calls.push(`${c.req.method} ${c.req.path}${c.req.header('x-ghee-space') ? ` space=${c.req.header('x-ghee-space')}` : ''}`);
    if (failNext) {
      failNext = false;
      throw new Error('socket hang up');
    }
    return next();
  });
  backend.get('/v1/things', (c) => c.json({ version }));
  backend.post('/v1/things', (c) => {
    version++;
    return c.json({ version });
  });
  backend.post('/v1/auth/login', (c) => c.json({ ok: true }, 200, { 'set-cookie': '__Host-ghee_session=new; Path=/; Secure; HttpOnly' }));
  backend.onError((err) => {
    throw err;
  });

  const admin = new Hono<AdminEnv>();
  admin.use('*', async (c, next) => {
    c.set('requestId', 'r1');
    c.set('csrfToken', 'csrf');
    c.set('apiFetch', (req) => backend.fetch(req));
    return next();
  });
  return {
    calls,
    failNextCall: () => (failNext = true),
    /** One page request whose handler is `page`; answers its JSON. */
    async request(page: (c: Context<AdminEnv>) => Promise<unknown>): Promise<unknown> {
      const app = new Hono<AdminEnv>().route('/', admin);
      app.get('/page', async (c) => c.json((await page(c)) ?? null));
      return (await app.request('http://local/page')).json();
    },
  };
}

const version = async (c: Context<AdminEnv>, headers?: Record<string, string>) => (await api(c).get<{ version: number }>('/v1/things', headers ? { headers } : undefined)).body.version;

describe('api(c): reads within one page request', () => {
  it('asks once for a read asked twice (also at the same time), and both get the answer', async () => {
    const s = stack();
    const seen = await s.request(async (c) => [await version(c), await version(c), ...(await Promise.all([version(c), version(c)]))]);
    expect(seen).toEqual([1, 1, 1, 1]);
    expect(s.calls).toEqual(['GET /v1/things']);
  });

  it('asks again after a state change: a read after a write sees the write', async () => {
    const s = stack();
    const seen = await s.request(async (c) => {
      const before = await version(c);
      await api(c).send('POST', '/v1/things', {});
      return [before, await version(c), await version(c)];
    });
    expect(seen).toEqual([1, 2, 2]);
    expect(s.calls).toEqual(['GET /v1/things', 'POST /v1/things', 'GET /v1/things']);
  });

  it('asks again after a new session cookie (passCookies), and for other extra headers', async () => {
    const s = stack();
    await s.request(async (c) => {
      await version(c);
      await version(c, { 'x-ghee-space': 'a' });
      await version(c, { 'x-ghee-space': 'a' });
      await version(c, { 'x-ghee-space': 'b' });
      passCookies(c, await api(c).send('POST', '/v1/auth/login', {}));
      await version(c);
    });
    expect(s.calls).toEqual(['GET /v1/things', 'GET /v1/things space=a', 'GET /v1/things space=b', 'POST /v1/auth/login', 'GET /v1/things']);
  });

  it('keeps nothing across page requests', async () => {
    const s = stack();
    await s.request(async (c) => version(c));
    await s.request(async (c) => version(c));
    expect(s.calls).toEqual(['GET /v1/things', 'GET /v1/things']);
  });

  it('does not keep a call that failed: the next read asks again', async () => {
    const s = stack();
    const seen = await s.request(async (c) => {
      s.failNextCall();
      const failed = await version(c).catch((err: unknown) => (err as Error).message);
      return [failed, await version(c)];
    });
    expect(seen).toEqual(['socket hang up', 1]);
    expect(s.calls).toEqual(['GET /v1/things', 'GET /v1/things']);
  });
});
