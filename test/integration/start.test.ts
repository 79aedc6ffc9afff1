import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectErrorShape } from '../helpers/assertions.js';
import { spawnTs, type Spawned } from '../helpers/process.js';
import { Browser, freePort } from '../helpers/sso.js';

/** `npm start` as a newcomer runs it: zero setup, embedded PGlite, origin + Node edge. */
describe('npm start (scripts/start.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ghee-start-'));
  const env = { ORIGIN_PORT: '0', EDGE_PORT: '0', PGLITE_DIR: join(dir, 'pglite'), DEMO_KEYS_FILE: join(dir, 'demo-keys.json'), LOG_LEVEL: 'warn' };

  async function start(): Promise<{ p: Spawned; edge: string; origin: string; read: string }> {
    const p = spawnTs('scripts/start.ts', env);
    await p.waitFor(/curl "/);
    const edge = p.stdout().match(/edge:\s+(http:\/\/\S+)/)![1]!;
    const origin = p.stdout().match(/origin:\s+(http:\/\/\S+)/)![1]!;
    const read = p.stdout().match(/read:\s+(ghee_read_\S+)/)![1]!;
    return { p, edge, origin, read };
  }

  async function stop(p: Spawned): Promise<void> {
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }

  it('seeds on first start and serves the demo page through the edge, second read a HIT', async () => {
    const { p, edge, origin, read } = await start();
    try {
      expect(p.stdout()).toContain('demo seeded (first start)');
      expect(p.stdout()).toMatch(/preview:\s+ghee_preview_/);
      expect(p.stdout()).toMatch(/write:\s+ghee_write_/);
      expect(statSync(env.DEMO_KEYS_FILE).mode & 0o777).toBe(0o600);
      const first = await fetch(`${edge}/v2/pages/*/home/?auth_token=${read}`);
      expect(first.status).toBe(200);
      expect(first.headers.get('x-cache')).toBe('MISS');
      expect(await first.json()).toMatchObject({ data: { slug: 'home' } });
      const second = await fetch(`${edge}/v2/pages/*/home/?auth_token=${read}`);
      expect(second.headers.get('x-cache')).toBe('HIT');
      await expectErrorShape(await fetch(`${edge}/v2/pages/*/home/?auth_token=wrong`), 401, 'invalid_token', 'Invalid token');
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);
      // The web app's address is printed and serves its sign-in page.
      const webApp = p.stdout().match(/web app:\s+(http:\/\/\S+\/admin)\s/)![1]!;
      expect(webApp).toBe(`${origin}/admin`);
      const signInPage = await fetch(`${webApp}/sign-in`);
      expect(signInPage.status).toBe(200);
      expect(await signInPage.text()).toContain('Sign in to ghee');
      // The demo owner can sign in with the printed password.
      const [, email, password] = /sign in \(owner\): (\S+) \/ (\S+)/.exec(p.stdout())!;
      const login = await fetch(`${origin}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      expect(login.status).toBe(200);
      expect(login.headers.get('set-cookie')).toMatch(/^__Host-ghee_session=/);
      // A write through the origin reaches the edge: the outbox purge lands, the next read is new.
      const writeKey = p.stdout().match(/write:\s+(ghee_write_\S+)/)![1]!;
      const patch = await fetch(`${origin}/v2/pages/*/home/`, {
        method: 'PATCH',
        headers: { authorization: `Token ${writeKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'published', fields: { headline: 'Edited' } }),
      });
      expect(patch.status).toBe(202);
      await expect
        .poll(async () => ((await (await fetch(`${edge}/v2/pages/*/home/?auth_token=${read}`)).json()) as { data: { fields: { headline: string } } }).data.fields.headline, { timeout: 10_000 })
        .toBe('Edited');
    } finally {
      await stop(p);
    }
  }, 90_000);

  it('restarts on the same data without reseeding, and the same key still works', async () => {
    const { p, edge, read } = await start();
    try {
      expect(p.stdout()).not.toContain('demo seeded');
      expect(p.stdout()).toContain('demo keys (from');
      const res = await fetch(`${edge}/v2/pages/*/home/?auth_token=${read}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ data: { fields: { headline: 'Edited' } } });
    } finally {
      await stop(p);
    }
  }, 90_000);

  it('DEMO_SSO=true runs a local OpenID Provider: a newcomer signs in through SSO end to end (twice: restarts keep working)', async () => {
    const sso = mkdtempSync(join(tmpdir(), 'ghee-start-sso-'));
    for (let round = 0; round < 2; round++) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const p = spawnTs('scripts/start.ts', {
        ...env,
        PGLITE_DIR: join(sso, 'pglite'),
        DEMO_KEYS_FILE: join(sso, 'demo-keys.json'),
        ORIGIN_PORT: String(port),
        PUBLIC_APP_URL: base,
        DEMO_SSO: 'true',
        DEMO_SSO_PORT: String(await freePort()),
      });
      try {
        await p.waitFor(/sign in: (http:\/\/\S+)/);
        const loginUrl = /sign in: (http:\/\/\S+)/.exec(p.stdout())![1]!;
        const b = new Browser();
        const start = await b.request(loginUrl);
        expect(start.status).toBe(302);
        const isCallback = (u: URL) => u.href.startsWith(`${base}/v1/auth/sso/oidc/callback`);
        let step = await b.follow(start.headers.get('location')!, { stopAt: isCallback });
        for (let i = 0; i < 4 && !isCallback(new URL(step.url)); i++) {
          const html = await step.res.text();
          step = await b.submitForm(step.url, html, html.includes('name="login"') ? { login: 'ada', password: 'anything' } : {}, { stopAt: isCallback });
        }
        const done = await b.request(step.url);
        expect(done.status, await done.clone().text()).toBe(302);
        const session = await fetch(`${base}/v1/auth/session`, { headers: { cookie: `__Host-ghee_session=${b.cookie(base, '__Host-ghee_session')}` } });
        expect(((await session.json()) as { data: { email: string } }).data.email).toBe('ada@demo-sso.test');
      } finally {
        await stop(p);
      }
    }
  }, 120_000);

  it("the Node edge's WAF blocks reach the origin's security rules in one npm start process (waf_burst)", async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'ghee-start-waf-'));
    const metricsPort = await freePort();
    const token = 'm'.repeat(40);
    const p = spawnTs('scripts/start.ts', {
      ...env,
      PGLITE_DIR: join(dir2, 'pglite'),
      DEMO_KEYS_FILE: join(dir2, 'demo-keys.json'),
      METRICS_PORT: String(metricsPort),
      METRICS_TOKEN: token,
      SECURITY_THRESHOLDS: JSON.stringify({ waf_burst: { threshold: 3, windowMinutes: 5 } }),
    });
    try {
      await p.waitFor(/curl "/);
      const edge = p.stdout().match(/edge:\s+(http:\/\/\S+)/)![1]!;
      const read = p.stdout().match(/read:\s+(ghee_read_\S+)/)![1]!;
      const events = async () => {
        const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
        const m = /ghee_security_events_total\{rule="waf_burst"[^}]*\} (\d+)/.exec(await res.text());
        return m ? Number(m[1]) : 0;
      };
      for (let i = 0; i < 2; i++) expect((await fetch(`${edge}/v2/pages/*/home/?auth_token=${read}&q=1%27%20OR%201=1--`)).status).toBe(403);
      await new Promise((r) => setTimeout(r, 500));
      expect(await events()).toBe(0);
      expect((await fetch(`${edge}/v2/pages/*/home/?auth_token=${read}&q=1%27%20OR%201=1--`)).status).toBe(403);
      await expect.poll(events, { timeout: 5000 }).toBe(1);
    } finally {
      await stop(p);
    }
  }, 90_000);
});
