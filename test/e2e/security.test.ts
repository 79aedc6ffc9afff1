/**
 * The web app's protections, in Chromium and over plain HTTP: CSRF (a form post without the
 * token, with a wrong one, from another site — 403 and nothing changed; with it, it works), the
 * same for a sign-in form before there is a session; keyboard-only sign-in and the skip link; the
 * CSP (no unsafe-inline / unsafe-eval, frame-ancestors 'none') with zero violations reported by
 * the page; fingerprinted static files cached immutable.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../origin/db/schema/index.js';
import { createUser } from '../helpers/identity.js';
import { expectAccessible, expectClean, focusedId, memberPage, newPage, shot, useBrowser } from './browser.js';

const t = useBrowser();

const liveSessions = async (userId: string) =>
  (await t().origin.database.db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))).length;

describe('CSRF', () => {
  it('refuses a signed-in form post without the token, with a wrong one and from another site (403, nothing changed); accepts it with the token', async () => {
    const { page, context, user } = await memberPage(t(), 'author');
    await page.goto('/admin/account');
    const token = await page.locator('input[name=_csrf]').first().inputValue();
    const url = `${t().base}/admin/account/sign-out-everywhere`;
    expect(await liveSessions(user.id)).toBe(1);

    for (const form of [{} as Record<string, string>, { _csrf: 'not-the-token' }, { _csrf: token.slice(0, -1) + (token.endsWith('0') ? '1' : '0') }]) {
      const res = await page.request.post(url, { form, maxRedirects: 0 });
      expect(res.status()).toBe(403);
      expect(await res.text()).toContain('data-code="csrf_failed"');
      expect(await liveSessions(user.id)).toBe(1);
    }

    // A real cross-site form (an opaque origin) carrying the right token: refused, still signed in.
    const attacker = await context.newPage();
    await attacker.goto('about:blank');
    await attacker.setContent(`<form method="post" action="${url}"><input name="_csrf" value="${token}"><button>go</button></form>`);
    const [answer] = await Promise.all([attacker.waitForResponse(url), attacker.click('button')]);
    expect(answer.status()).toBe(403);
    expect(await liveSessions(user.id)).toBe(1);
    await attacker.close();

    // The same post with the token from the page itself: signed out everywhere.
    const ok = await page.request.post(url, { form: { _csrf: token }, maxRedirects: 0 });
    expect(ok.status()).toBe(303);
    expect(await liveSessions(user.id)).toBe(0);
    await context.close();
  });

  it('refuses a sign-in post without its form token (no session opened), accepts it with the token', async () => {
    const user = await createUser(t().origin, t().origin.seed.organizationId, 'viewer');
    const { page, context } = await newPage(t());
    await page.goto('/admin/sign-in');
    const res = await page.request.post(`${t().base}/admin/sign-in`, { form: { email: user.email, password: user.password }, maxRedirects: 0 });
    expect(res.status()).toBe(403);
    expect(await liveSessions(user.id)).toBe(0);
    const token = await page.locator('input[name=_csrf]').first().inputValue();
    const ok = await page.request.post(`${t().base}/admin/sign-in`, { form: { _csrf: token, email: user.email, password: user.password }, maxRedirects: 0 });
    expect(ok.status()).toBe(303);
    expect(await liveSessions(user.id)).toBe(1);
    await context.close();
  });
});

describe('keyboard, CSP and static files', () => {
  it('signs in with the keyboard only; the skip link is the first stop and moves focus to the content', async () => {
    const user = await createUser(t().origin, t().origin.seed.organizationId, 'publisher');
    const { page, context } = await newPage(t());
    await page.goto('/admin/sign-in');
    expect(await focusedId(page)).toBe('f-email');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('f-password');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/o\//);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.className')).toBe('skip-link');
    await shot(page, 'skip-link');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('main');
    // The publisher's menu: content, no organization management beyond members.
    const menu = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(menu).toContain('Pages');
    expect(menu).toContain('Members');
    expect(menu).not.toContain('API keys');
    expect(menu).not.toContain('Content model');
    expect(menu).not.toContain('Settings');
    await expectAccessible(page, 'start-publisher');
    await shot(page, 'start-publisher');
    expectClean(page);
    await context.close();
  });

  it('answers pages with a strict CSP and no-store, and static files fingerprinted and immutable', async () => {
    const { base } = t();
    const res = await fetch(`${base}/admin/sign-in`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle="/);
    const urls = [...html.matchAll(/(?:href|src)="(\/admin\/static\/[^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBe(3);
    for (const u of urls) {
      expect(u).toMatch(/\.[0-9a-f]{12}\.(css|js)$/);
      const a = await fetch(`${base}${u}`, { headers: { 'accept-encoding': 'br' } });
      expect(a.status).toBe(200);
      expect(a.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(a.headers.get('content-encoding')).toBe('br');
      const stale = await fetch(`${base}${u.replace(/\.[0-9a-f]{12}\./, '.000000000000.')}`);
      expect(stale.status).toBe(404);
    }
    // The API keeps its own stricter policy.
    expect((await fetch(`${base}/healthz`)).headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  });
});
