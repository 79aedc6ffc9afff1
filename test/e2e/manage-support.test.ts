/**
 * The support access screen in Chromium: a grant with no space refused as the API said it (the
 * reason kept, nothing stored) → a read-only grant for the demo space (its reason, holding markup,
 * rendered inert) → revoked (database) → the access log lists both; each role sees and can do
 * exactly its row (support.manage), a forged grant by a lower role gets the API's 403.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { supportGrants } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { expectAccessible, expectClean, memberPage, screen, shot, useBrowser } from './browser.js';

const t = useBrowser();
const XSS = `Ticket help <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

const grants = () => t().origin.database.db.select({ id: supportGrants.id, reason: supportGrants.reason, revokedAt: supportGrants.revokedAt }).from(supportGrants).where(eq(supportGrants.organizationId, t().origin.seed.organizationId));

describe('support access screen', () => {
  it('refuses a grant without a space, grants read-only access, revokes it; the access log lists both', async () => {
    const { page, context } = await memberPage(t(), 'owner');
    page.setDefaultTimeout(10_000);
    await page.goto(screen(t(), 'support', 'org'));
    await expectAccessible(page, 'support');
    await page.getByLabel('Reason').fill(XSS);
    await page.getByRole('button', { name: 'Grant access' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('bad_request');
    expect(await page.getByLabel('Reason').inputValue()).toBe(XSS);
    expect(await grants()).toEqual([]);
    await page.getByLabel('Demo Site').check();
    await page.getByRole('button', { name: 'Grant access' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Support access granted');
    const [g] = await grants();
    expect(g!.reason).toBe(XSS);
    const row = page.locator(`#grants tr[data-grant-id="${g!.id}"]`);
    expect(await row.locator('td').first().textContent()).toBe(XSS);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: /Revoke/ }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('revoked');
    expect((await grants())[0]!.revokedAt).not.toBeNull();
    expect(await page.locator('#access-log tbody tr').count()).toBeGreaterThanOrEqual(2);
    await shot(page, 'support');
    expectClean(page);
    await context.close();
  }, 60_000);

  it.each(ROLES)('%s sees and can do exactly its row; a forged grant by a lower role gets the API 403', async (role) => {
    const { page, context } = await memberPage(t(), role);
    const url = screen(t(), 'support', 'org');
    const may = roleAllows(role, 'support.manage');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support access' }).count()).toBe(may ? 1 : 0);
    const answer = await page.goto(url);
    expect(answer!.status()).toBe(may ? 200 : 403);
    if (!may) {
      const before = (await grants()).length;
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const res = await page.request.post(url, { form: { _csrf: csrf, reason: 'forged', scope: 'read_write', space_ids: t().origin.seed.spaceId, expires_in_hours: '72' } });
      expect(res.status()).toBe(403);
      expect(await res.text()).toContain('data-code="forbidden"');
      expect((await grants()).length).toBe(before);
    }
    expectClean(page);
    await context.close();
  }, 60_000);
});
