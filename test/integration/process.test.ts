import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { OriginEnv } from '../../origin/env.js';
import { createLogger } from '../../origin/logger.js';
import { listen } from '../../origin/server.js';
import { spawnTs } from '../helpers/process.js';

describe('origin process: configuration', () => {
  it('refuses to start on a bad value with one clear line naming the variable', async () => {
    const p = spawnTs('origin/main.ts', { ORIGIN_PORT: 'eighty' });
    expect(await p.exited).toBe(1);
    const lines = p.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^origin config: ORIGIN_PORT /);
  });

  it('refuses production without its required secrets, naming the first one', async () => {
    const p = spawnTs('origin/main.ts', { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db', ALLOW_PLAIN_HTTP: 'true' });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/EDGE_SHARED_SECRET is required in production/);
    expect(p.stderr()).not.toContain('u:p@');
  });
});

describe('origin process: graceful shutdown', () => {
  it('on SIGTERM stops accepting, closes the database and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ghee-proc-'));
    const p = spawnTs('origin/main.ts', { ORIGIN_PORT: '0', PGLITE_DIR: join(dir, 'pglite'), LOG_LEVEL: 'info' });
    const [, url] = await p.waitFor(/"url":"(http:\/\/[^"]+)"/);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toContain('shutting down');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('lets in-flight requests finish before closing, and refuses new connections meanwhile', async () => {
    const app = new Hono<OriginEnv>();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    app.get('/slow', async (c) => {
      await gate;
      return c.text('done');
    });
    const server = await listen(app, { ORIGIN_HOST: '127.0.0.1', ORIGIN_PORT: 0, SHUTDOWN_TIMEOUT_MS: 5000 }, createLogger('silent'));
    const inflight = fetch(`${server.url}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const closed = server.close();
    await expect(fetch(`${server.url}/slow`, { headers: { connection: 'close' } })).rejects.toThrow();
    release();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('done');
    // Closed as soon as the last response is out, well before the 5 s shutdown timeout.
    const t0 = Date.now();
    await closed;
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
