/**
 * The API keys screen in Chromium: create (the secret shown once, copied with the button) → the
 * key works on the API → revoke → the API refuses it; rotate (new secret works, the old one is
 * refused with no grace); a key name holding markup renders inert; each role sees and can do
 * exactly its row of shared/permissions.ts (keys.read / keys.manage), and a forged POST by a
 * lower role with a valid CSRF token gets the API's 403 with the database unchanged.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { expectAccessible, expectClean, memberPage, screen, shot, useBrowser } from './browser.js';

const t = useBrowser();

const XSS = `ci <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

async function liveKeys(name: string): Promise<{ id: string; revokedAt: Date | null }[]> {
  return t()
    .origin.database.db.select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, t().origin.seed.organizationId), eq(apiKeys.name, name)));
}

async function apiStatus(token: string): Promise<number> {
  const res = await fetch(`${t().base}/v2/posts`, { headers: { authorization: `Token ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

describe('API keys screen', () => {
  it('creates a key shown once with a copy button, the API takes it, revoking it makes the API refuse it; a marked-up name is inert', async () => {
    const { page, context, user } = await memberPage(t(), 'owner');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t().base });
    await page.goto(screen(t(), 'keys', 'org'));
    await expect.poll(() => page.getByRole('heading', { name: 'API keys', level: 1 }).count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).getAttribute('aria-current')).toBe('page');
    await expectAccessible(page, 'keys-list');
    await shot(page, 'keys-list');

    // A wrong password: the API's refusal, the inputs kept, nothing created.
    await page.getByLabel('Name', { exact: true }).fill(XSS);
    await page.getByLabel('Kind').selectOption('read');
    await page.getByLabel('Your password').fill('not my password');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('invalid_credentials');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(XSS);
    expect(await liveKeys(XSS)).toEqual([]);

    await page.getByLabel('Your password').fill(user.password);
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Key created' }).count()).toBe(1);
    const token = await page.locator('#new-key').inputValue();
    expect(token.length).toBeGreaterThan(20);
    await expectAccessible(page, 'keys-created');
    await shot(page, 'keys-created');
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.locator('[data-copy="#new-key"]').textContent()).toBe('Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    expect(await apiStatus(token)).toBe(200);

    // The list never shows it again; the name is text, not markup.
    await page.getByRole('link', { name: 'Done' }).click();
    await page.waitForURL(/\/keys$/);
    expect(await page.content()).not.toContain(token);
    const row = page.locator('tr', { hasText: 'ci <img' });
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').first().textContent()).toBe(XSS);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();

    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: /Revoke/ }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('revoked');
    expect(await page.locator('tr', { hasText: 'ci <img' }).getByText('Revoked').count()).toBe(1);
    const [stored] = await liveKeys(XSS);
    expect(stored!.revokedAt).not.toBeNull();
    expect(await apiStatus(token)).toBe(401);
    await shot(page, 'keys-revoked');
    expectClean(page);
    await context.close();
  });

  it('rotates a key: the new secret works, the old one is refused when no grace is given', async () => {
    const { page, context, user } = await memberPage(t(), 'admin');
    await page.goto(screen(t(), 'keys', 'org'));
    await page.getByLabel('Name', { exact: true }).fill('rotate me');
    await page.getByLabel('Kind').selectOption('read');
    await page.getByLabel('Your password').fill(user.password);
    await page.getByRole('button', { name: 'Create key' }).click();
    const first = await page.locator('#new-key').inputValue();
    await page.getByRole('link', { name: 'Done' }).click();
    await page.locator('tr', { hasText: 'rotate me' }).getByRole('link', { name: /Rotate/ }).click();
    await expect.poll(() => page.getByRole('heading', { name: /Rotate/, level: 1 }).count()).toBe(1);
    await expectAccessible(page, 'keys-rotate');
    await shot(page, 'keys-rotate');
    await page.getByLabel('Old key keeps working for').selectOption('0');
    await page.getByLabel('Your password').fill(user.password);
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Key rotated' }).count()).toBe(1);
    const second = await page.locator('#new-key').inputValue();
    expect(second).not.toBe(first);
    expect(await apiStatus(second)).toBe(200);
    expect(await apiStatus(first)).toBe(401);
    expectClean(page);
    await context.close();
  });

  it.each(ROLES)('%s sees and can do exactly its row; a forged revoke or create by a lower role gets the API 403 and changes nothing', async (role) => {
    const [demoRead] = await t()
      .origin.database.db.select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.organizationId, t().origin.seed.organizationId), eq(apiKeys.name, 'Demo read key'), isNull(apiKeys.revokedAt)));
    const url = screen(t(), 'keys', 'org');
    {
      const { page, context, user } = await memberPage(t(), role);
      const mayRead = roleAllows(role, 'keys.read');
      const mayManage = roleAllows(role, 'keys.manage');
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'API keys' }).count(), `${role} menu`).toBe(mayRead ? 1 : 0);
      const answer = await page.goto(url);
      expect(answer!.status(), `${role} GET keys`).toBe(mayRead ? 200 : 403);
      expect(await page.getByRole('button', { name: 'Create key' }).count(), `${role} create form`).toBe(mayManage ? 1 : 0);
      expect(await page.getByRole('button', { name: /Revoke/ }).count() > 0, `${role} revoke buttons`).toBe(mayManage);
      if (!mayRead) {
        expect(await page.locator('#error-summary').getAttribute('data-code')).toBe('forbidden');
        if (role === 'viewer') {
          await expectAccessible(page, 'keys-forbidden');
          await shot(page, 'keys-forbidden');
        }
      }
      if (!mayManage) {
        const csrf = await page.locator('input[name=_csrf]').first().inputValue();
        const revoke = await page.request.post(`${url}/${demoRead!.id}/revoke`, { form: { _csrf: csrf } });
        expect(revoke.status(), `${role} forged revoke`).toBe(403);
        expect(await revoke.text()).toContain('data-code="forbidden"');
        const create = await page.request.post(url, { form: { _csrf: csrf, name: `forged by ${role}`, kind: 'admin', password: user.password } });
        expect(create.status(), `${role} forged create`).toBe(403);
        expect(await liveKeys(`forged by ${role}`)).toEqual([]);
        const [still] = await liveKeys('Demo read key');
        expect(still!.revokedAt, `${role} left the key alone`).toBeNull();
      }
      expectClean(page);
      await context.close();
    }
  }, 60_000);
});
