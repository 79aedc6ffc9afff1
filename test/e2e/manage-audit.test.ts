/**
 * The audit trail and security events screens in Chromium: the trail lists the organization's
 * rows, "Verify the chain" says intact, and after a row is changed behind ghee's back it says
 * broken, naming the row; security events listed (a subject holding markup inert) and filtered;
 * each role sees the screens exactly as its row of shared/permissions.ts (audit.read).
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, securityEvents } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { expectAccessible, expectClean, memberPage, screen, shot, useBrowser } from './browser.js';

const t = useBrowser();
const XSS = `deploy <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

describe('audit trail and security events screens', () => {
  it('lists security events, filtered by severity', async () => {
    const org = t().origin.seed.organizationId;
    await t()
      .origin.database.db.insert(securityEvents)
      .values([
        { rule: 'login_failures_account', severity: 'high', organizationId: org, subjectType: 'user', subjectId: XSS, dedupKey: 'e2e-1', windowEndsAt: new Date(Date.now() + 60_000), count: 12 },
        { rule: 'password_spray', severity: 'low', organizationId: org, subjectType: 'user', subjectId: 'someone', dedupKey: 'e2e-2', windowEndsAt: new Date(Date.now() + 60_000) },
      ]);
    const { page, context } = await memberPage(t(), 'admin');
    await page.goto(screen(t(), 'security', 'org'));
    expect(await page.locator('#security-events tbody tr').count()).toBe(2);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await expectAccessible(page, 'security-events');
    await shot(page, 'security-events');
    await page.getByLabel('Severity').selectOption('high');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/severity=high/);
    expect(await page.locator('#security-events tbody tr').count()).toBe(1);
    expect(await page.locator('#security-events tbody tr').textContent()).toContain('login_failures_account');
    expectClean(page);
    await context.close();
  }, 60_000);

  it.each(ROLES)('%s sees the audit trail and security events exactly as its row allows', async (role) => {
    const { page, context } = await memberPage(t(), role);
    const may = roleAllows(role, 'audit.read');
    for (const [path, label] of [
      ['audit', 'Audit trail'],
      ['security', 'Security events'],
    ] as const) {
      const answer = await page.goto(screen(t(), path, 'org'));
      expect(answer!.status(), `${role} ${path}`).toBe(may ? 200 : 403);
      if (!may) {
        expect(await page.locator('#error-summary').getAttribute('data-code')).toBe('forbidden');
        await page.goto(screen(t(), 'keys', 'org').replace(/\/keys$/, ''));
      }
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).count()).toBe(may ? 1 : 0);
    }
    expectClean(page);
    await context.close();
  }, 60_000);

  // Last: it breaks the demo organization's chain on purpose.
  it('lists the trail, verifies the chain as intact, then reports a row changed behind its back', async () => {
    // A write through the API (its audit row is the one changed below).
    const created = await fetch(`${t().base}/v1/orgs/${t().origin.seed.organizationId}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Token ${t().origin.seed.keys.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: XSS, kind: 'read', space_id: t().origin.seed.spaceId }),
    });
    expect(created.status).toBe(201);
    const { page, context } = await memberPage(t(), 'owner');
    await page.goto(screen(t(), 'audit', 'org'));
    expect(await page.locator('#audit tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#audit').textContent()).toContain('key.create');
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await expect.poll(() => page.locator('#chain-result').getAttribute('data-valid')).toBe('true');
    await expectAccessible(page, 'audit');
    await shot(page, 'audit');

    const [row] = await t()
      .origin.database.db.select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, t().origin.seed.organizationId), eq(auditEvents.action, 'key.create')))
      .limit(1);
    await t().origin.database.db.update(auditEvents).set({ action: 'key.revoke' }).where(eq(auditEvents.id, row!.id));
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await expect.poll(() => page.locator('#chain-result').getAttribute('data-valid')).toBe('false');
    expect(await page.locator('#chain-result').textContent()).toContain('The chain is broken');
    await expectAccessible(page, 'audit-broken');
    await shot(page, 'audit-broken');
    expectClean(page);
    await context.close();
  }, 60_000);
});
