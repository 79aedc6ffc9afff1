/**
 * The organization settings screen in Chromium: rename (a marked-up name inert) and require 2FA
 * (stored), the IP allowlists (a list that would lock out this very address refused by the API
 * and shown as it said it, nothing stored; a list holding it saved; cleared again); each role sees
 * and can do exactly its row (org.manage / allowlist.manage), a forged change by a lower role gets
 * the API's 403 with nothing changed.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ipAllowlists, organizations } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { expectAccessible, expectClean, memberPage, screen, shot, useBrowser } from './browser.js';

const t = useBrowser();
const XSS = `Acme <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

async function org() {
  const [row] = await t().origin.database.db.select({ name: organizations.name, require2fa: organizations.require2fa }).from(organizations).where(eq(organizations.id, t().origin.seed.organizationId));
  return row!;
}
async function allowlist() {
  const [row] = await t().origin.database.db.select({ sessions: ipAllowlists.sessionCidrs }).from(ipAllowlists).where(eq(ipAllowlists.organizationId, t().origin.seed.organizationId));
  return row?.sessions ?? [];
}

describe('organization settings screen', () => {
  it.each(ROLES)('%s sees and can do exactly its row; a forged change by a lower role gets the API 403', async (role) => {
    const { page, context } = await memberPage(t(), role);
    const url = screen(t(), 'settings', 'org');
    const may = roleAllows(role, 'org.manage');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).count()).toBe(may ? 1 : 0);
    const answer = await page.goto(url);
    expect(answer!.status()).toBe(may ? 200 : 403);
    expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(may ? 1 : 0);
    expect(await page.getByRole('button', { name: 'Save allowlists' }).count()).toBe(roleAllows(role, 'allowlist.manage') ? 1 : 0);
    if (!may) {
      const before = await org();
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const res = await page.request.post(url, { form: { _csrf: csrf, name: 'Taken over', require_2fa: '1' } });
      expect(res.status()).toBe(403);
      expect(await res.text()).toContain('data-code="forbidden"');
      expect(await org()).toEqual(before);
    }
    expectClean(page);
    await context.close();
  }, 60_000);

  // Last: it changes the demo organization's settings (and puts them back).
  it('renames the organization, requires 2FA, refuses an allowlist that would lock this address out, saves one that holds it', async () => {
    const { page, context, user } = await memberPage(t(), 'owner');
    page.setDefaultTimeout(10_000);
    await page.goto(screen(t(), 'settings', 'org'));
    await expectAccessible(page, 'settings');
    await page.getByLabel('Name', { exact: true }).fill(XSS);
    await page.getByLabel('Every member must use two-factor authentication').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Settings saved');
    expect(await org()).toEqual({ name: XSS, require2fa: true });
    // The API now holds this owner (no 2FA yet) to it: the screen shows its refusal and the way to enrol.
    expect(await page.locator('#error-summary').getAttribute('data-code')).toBe('mfa_enrollment_required');
    await shot(page, 'settings-2fa-required');
    // The organization's name, shown in the switcher, is text.
    expect(await page.locator('#switch-to').textContent()).toContain(XSS);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    // Lifted behind the screen's back (the owner would have to enrol first), to go on.
    await t().origin.database.db.update(organizations).set({ require2fa: false }).where(eq(organizations.id, t().origin.seed.organizationId));
    await page.goto(screen(t(), 'settings', 'org'));
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(XSS);

    // A list without this browser's address (127.0.0.1): the API refuses it, nothing stored.
    await page.getByLabel('Signed-in members (one CIDR per line)').fill('203.0.113.0/24');
    await page.locator('#allow-password').fill(user.password);
    await page.getByRole('button', { name: 'Save allowlists' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('bad_request');
    expect(await page.getByLabel('Signed-in members (one CIDR per line)').inputValue()).toBe('203.0.113.0/24');
    await expectAccessible(page, 'settings-refused');
    await shot(page, 'settings-refused');
    expect(await allowlist()).toEqual([]);

    await page.getByLabel('Signed-in members (one CIDR per line)').fill('203.0.113.0/24\n127.0.0.1/32');
    await page.locator('#allow-password').fill(user.password);
    await page.getByRole('button', { name: 'Save allowlists' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('IP allowlists saved');
    expect(await allowlist()).toEqual(['203.0.113.0/24', '127.0.0.1/32']);
    await shot(page, 'settings');

    // Put them back.
    await page.getByLabel('Signed-in members (one CIDR per line)').fill('');
    await page.locator('#allow-password').fill(user.password);
    await page.getByRole('button', { name: 'Save allowlists' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('IP allowlists saved');
    await page.getByLabel('Name', { exact: true }).fill('Demo Organization');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Settings saved');
    expect(await org()).toEqual({ name: 'Demo Organization', require2fa: false });
    expectClean(page);
    await context.close();
  }, 90_000);
});
