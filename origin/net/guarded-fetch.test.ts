/**
 * The guarded fetch against a real local server: it connects only where the SSRF guard allows,
 * follows no redirect, and gives up on oversized or slow answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch, GuardedFetchError } from './guarded-fetch.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/json') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-seen-method': req.method ?? '' });
        res.end(JSON.stringify({ ok: true, body }));
      });
    } else if (req.url === '/big') {
      res.writeHead(200);
      res.end('x'.repeat(64 * 1024));
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 2000);
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('guardedFetch', () => {
  it('fetches from an allowed target and answers a standard Response (method, body, headers)', async () => {
    const f = guardedFetch({ allowLoopback: true });
    const res = await f(`${base}/json`, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-seen-method')).toBe('POST');
    expect(await res.json()).toEqual({ ok: true, body: 'a=1' });
  });

  it('refuses loopback, private, link-local (cloud metadata) and credentialed targets unless loopback is allowed', async () => {
    const f = guardedFetch({ allowLoopback: false });
    for (const url of [`${base}/json`, 'https://127.0.0.1/', 'https://10.0.0.1/', 'https://169.254.169.254/latest/', 'https://[::1]/', 'https://user:pw@example.com/']) {
      await expect(f(url), url).rejects.toBeInstanceOf(GuardedFetchError);
    }
  });

  it('does not follow redirects (a redirect to the metadata address is just an answer)', async () => {
    const res = await guardedFetch({ allowLoopback: true })(`${base}/redirect`);
    expect(res.status).toBe(302);
  });

  it('gives up on an answer over the size limit, and on a slow one', async () => {
    await expect(guardedFetch({ allowLoopback: true, maxBytes: 1024 })(`${base}/big`)).rejects.toThrow(/larger than 1024 bytes/);
    await expect(guardedFetch({ allowLoopback: true, timeoutMs: 200 })(`${base}/slow`)).rejects.toThrow(/within 200 ms/);
  });

  it('stops when the caller aborts', async () => {
    const ac = new AbortController();
    const p = guardedFetch({ allowLoopback: true })(`${base}/slow`, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toThrow(/Aborted/);
  });
});
