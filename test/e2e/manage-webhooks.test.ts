/**
 * The webhooks screen in Chromium: a refused URL shown as the API said it → add a webhook (the
 * signing secret shown once, copied, and it is the one ghee signs with) → the delivery log →
 * retry a delivery that gave up (queued again in the database) → delete; each role sees and can
 * do exactly its row (webhooks.manage), a forged add or retry by a lower role gets the API's 403
 * with nothing changed.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { webhookDeliveries, webhooks } from '../../origin/db/schema/index.js';
import { webhookSecretAad } from '../../origin/outbox/webhooks.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { expectAccessible, expectClean, memberPage, screen, shot, useBrowser } from './browser.js';

const t = useBrowser({ WEBHOOK_ALLOW_LOOPBACK: 'true' });
const HOOK_URL = 'http://127.0.0.1:9/hook';

async function hooksOf(url: string) {
  return t().origin.database.db.select({ id: webhooks.id, secret: webhooks.secretEncrypted }).from(webhooks).where(and(eq(webhooks.spaceId, t().origin.seed.spaceId), eq(webhooks.url, url)));
}

async function failedDelivery(webhookId: string): Promise<string> {
  const [row] = await t()
    .origin.database.db.insert(webhookDeliveries)
    .values({ webhookId, event: 'page.published', payload: { event: 'page.published' }, status: 'failed', attempts: 8, lastStatusCode: 500, lastError: 'answered HTTP 500' })
    .returning({ id: webhookDeliveries.id });
  return row!.id;
}

async function deliveryStatus(id: string): Promise<string | undefined> {
  const [row] = await t().origin.database.db.select({ status: webhookDeliveries.status }).from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  return row?.status;
}

describe('webhooks screen', () => {
  it('adds a webhook (secret shown once), shows its delivery log, retries a failed delivery and deletes it', async () => {
    const { page, context } = await memberPage(t(), 'admin');
    page.setDefaultTimeout(10_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t().base });
    await page.goto(screen(t(), 'webhooks'));
    await expectAccessible(page, 'webhooks');

    // The API refuses a URL it will not call: shown as it said it, the URL kept.
    await page.getByLabel('URL', { exact: true }).fill('ftp://files.example.org/hook');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('bad_request');
    expect(await page.locator('#error-summary').textContent()).toContain('webhook URL refused');
    expect(await page.getByLabel('URL', { exact: true }).inputValue()).toBe('ftp://files.example.org/hook');

    await page.getByLabel('URL', { exact: true }).fill(HOOK_URL);
    await page.getByLabel('post.all').check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Webhook added' }).count()).toBe(1);
    const secret = await page.locator('#hook-secret').inputValue();
    await expectAccessible(page, 'webhooks-created');
    await shot(page, 'webhooks-created');
    await page.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    const [hook] = await hooksOf(HOOK_URL);
    // The secret shown is the one ghee signs with (stored sealed, never in the clear).
    expect(hook!.secret).not.toContain(secret);
    expect(t().origin.envelope.decrypt(hook!.secret, webhookSecretAad(hook!.id))).toBe(secret);

    await page.getByRole('link', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(secret);
    await shot(page, 'webhooks');
    const deliveryId = await failedDelivery(hook!.id);
    await page.getByRole('link', { name: HOOK_URL }).click();
    await expect.poll(() => page.locator(`#deliveries tr[data-delivery-id="${deliveryId}"]`).count()).toBe(1);
    await expectAccessible(page, 'webhooks-deliveries');
    await shot(page, 'webhooks-deliveries');
    await page.getByRole('button', { name: 'Retry the page.published delivery' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('queued again');
    expect(['pending', 'delivered', 'failed']).toContain(await deliveryStatus(deliveryId));
    expect(await deliveryStatus(deliveryId)).not.toBe(undefined);
    // Retrying it again while it is no longer failed: the API's 404, shown as it said it.
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    if ((await deliveryStatus(deliveryId)) === 'pending') {
      const again = await page.request.post(`${screen(t(), 'webhooks')}/${hook!.id}/deliveries/${deliveryId}/retry`, { form: { _csrf: csrf } });
      expect(again.status()).toBe(404);
      expect(await again.text()).toContain('No failed delivery with that id.');
    }

    await page.goto(screen(t(), 'webhooks'));
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: `Delete the webhook to ${HOOK_URL}` }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('deleted');
    expect(await hooksOf(HOOK_URL)).toEqual([]);
    expectClean(page);
    await context.close();
  }, 90_000);

  it.each(ROLES)('%s sees and can do exactly its row; a forged add or retry by a lower role gets the API 403', async (role) => {
    const url = screen(t(), 'webhooks');
    const target = `http://127.0.0.1:9/${role}`;
    const seeded = await t()
      .origin.database.db.insert(webhooks)
      .values({ spaceId: t().origin.seed.spaceId, url: `http://127.0.0.1:9/seeded-${role}`, events: ['*'], secretEncrypted: t().origin.envelope.encrypt('whsec_x', 'x') })
      .returning({ id: webhooks.id });
    const deliveryId = await failedDelivery(seeded[0]!.id);
    const { page, context } = await memberPage(t(), role);
    const may = roleAllows(role, 'webhooks.manage');
    const answer = await page.goto(url);
    expect(answer!.status()).toBe(may ? 200 : 403);
    if (!may) await page.goto(screen(t(), 'keys', 'org').replace(/\/keys$/, ''));
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).count()).toBe(may ? 1 : 0);
    if (!may) {
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const add = await page.request.post(url, { form: { _csrf: csrf, url: target, events: '*' } });
      expect(add.status()).toBe(403);
      expect(await add.text()).toContain('data-code="forbidden"');
      expect(await hooksOf(target)).toEqual([]);
      const retry = await page.request.post(`${url}/${seeded[0]!.id}/deliveries/${deliveryId}/retry`, { form: { _csrf: csrf } });
      expect(retry.status()).toBe(403);
      expect(await deliveryStatus(deliveryId)).toBe('failed');
    } else {
      expect(await page.getByRole('button', { name: 'Add webhook' }).count()).toBe(1);
    }
    expectClean(page);
    await context.close();
  }, 60_000);
});
