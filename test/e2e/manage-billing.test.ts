/**
 * The billing screen in Chromium against stripe-mock: the plan and the usage against each limit;
 * Checkout and the Customer Portal answer a "Continue to Stripe" link to the https URL the API
 * returned (the session created at Stripe: recorded by the mock); each role sees and can do
 * exactly its row (billing.read / billing.manage), a forged Checkout by a lower role gets the
 * API's 403 and reaches no Stripe endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { startStripeMock, type StripeMock } from '../helpers/stripe-mock.js';
import { expectAccessible, expectClean, memberPage, screen, shot, useBrowser } from './browser.js';

let mock: StripeMock;
const env: Record<string, string> = {};
beforeAll(async () => {
  mock = await startStripeMock();
  Object.assign(env, {
    BILLING: 'stripe',
    STRIPE_SECRET_KEY: 'sk_test_ghee123',
    STRIPE_WEBHOOK_SECRET: 'whsec_testSecretForGhee',
    STRIPE_API_BASE: mock.url,
    STRIPE_PRICE_TEAM: 'price_teamTest123',
    BILLING_SUCCESS_URL: 'https://app.example.test/billing/done',
    BILLING_CANCEL_URL: 'https://app.example.test/billing/cancelled',
  });
});
afterAll(async () => {
  await mock?.stop();
});
// Registered after the mock's hook: its start reads `env` once the mock's URL is in it.
const t = useBrowser(env);

const checkouts = () => mock.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions');

describe('billing screen', () => {
  it('shows the plan and usage; Checkout and the Portal lead to the Stripe URL the API answered', async () => {
    const { page, context } = await memberPage(t(), 'owner');
    page.setDefaultTimeout(10_000);
    await page.goto(screen(t(), 'billing', 'org'));
    expect(await page.locator('#usage tr[data-limit="members"]').count()).toBe(1);
    expect(await page.locator('#usage tr[data-limit="members"] td').nth(1).textContent()).toMatch(/^\d+$/);
    await expectAccessible(page, 'billing');
    await shot(page, 'billing');
    const before = checkouts().length;
    await page.getByRole('button', { name: 'Choose Team' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Checkout is ready' }).count()).toBe(1);
    expect(checkouts().length).toBe(before + 1);
    expect(await page.locator('#to-stripe').getAttribute('href')).toMatch(/^https:\/\//);
    await expectAccessible(page, 'billing-checkout');
    await page.goBack();
    await page.getByRole('button', { name: 'Invoices and payment method' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Billing portal is ready' }).count()).toBe(1);
    expect(await page.locator('#to-stripe').getAttribute('href')).toMatch(/^https:\/\//);
    expectClean(page);
    await context.close();
  }, 60_000);

  it.each(ROLES)('%s sees and can do exactly its row; a forged Checkout by a lower role gets the API 403', async (role) => {
    const { page, context } = await memberPage(t(), role);
    const url = screen(t(), 'billing', 'org');
    const mayRead = roleAllows(role, 'billing.read');
    const mayManage = roleAllows(role, 'billing.manage');
    const answer = await page.goto(url);
    expect(answer!.status()).toBe(mayRead ? 200 : 403);
    if (!mayRead) await page.goto(screen(t(), 'members', 'org'));
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).count()).toBe(mayRead ? 1 : 0);
    expect(await page.getByRole('button', { name: 'Choose Team' }).count()).toBe(mayManage && mayRead ? 1 : 0);
    if (!mayManage) {
      const before = checkouts().length;
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const res = await page.request.post(`${url}/checkout`, { form: { _csrf: csrf, plan: 'team' } });
      expect(res.status()).toBe(403);
      expect(await res.text()).toContain('data-code="forbidden"');
      expect(checkouts().length).toBe(before);
    }
    expectClean(page);
    await context.close();
  }, 60_000);
});
