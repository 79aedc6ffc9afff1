/**
 * The web app's other ways in, in Chromium: forgot → the mailed reset link → a new password →
 * sign in with it (the old one refused); "continue with SSO" through domain discovery (with
 * JavaScript the browser is sent to the connection's login URL; without, the page links to it;
 * a domain without SSO is told so); and the captcha the API demands after repeated failures,
 * solved by the browser (admin.js), after which the right password signs in. The captcha case runs
 * last: its failures make every later sign-in from this address need one.
 */
import { describe, expect, it } from 'vitest';
import { ssoConnections, ssoDomains } from '../../origin/db/schema/index.js';
import { createUser } from '../helpers/identity.js';
import { expectAccessible, expectClean, linkIn, newPage, shot, signIn, useBrowser } from './browser.js';

const t = useBrowser({ LOGIN_CAPTCHA_AFTER: '3' });
const NEW_PASSWORD = 'Copper-Meadow-58-Whistle?';

describe('forgot and reset', () => {
  it('resets the password through the mailed link; the new one signs in, the old one no longer', async () => {
    const { base, mail } = t();
    const user = await createUser(t().origin, t().origin.seed.organizationId, 'author');
    const { page, context } = await newPage(t());
    await page.goto('/admin/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expectAccessible(page, 'forgot');
    await shot(page, 'forgot');
    await page.getByLabel('Email address').fill(user.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const link = linkIn((await mail.waitFor(user.email)).text, base);
    expect(link).toContain('/password/reset?token=');
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe('/admin/reset');
    await expectAccessible(page, 'reset');
    await shot(page, 'reset');
    // Too short first: the API's password policy, shown as it said it.
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('bad_request');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('password is changed');

    await page.getByLabel('Email address', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('invalid_credentials');
    await signIn(page, { email: user.email, password: NEW_PASSWORD });
    expectClean(page);
    await context.close();
  });
});

describe('single sign-on', () => {
  it('sends a domain with SSO to its login URL (JS: straight there; no JS: a link) and tells other domains', async () => {
    const { origin } = t();
    const [conn] = await origin.database.db
      .insert(ssoConnections)
      .values({ organizationId: origin.seed.organizationId, protocol: 'oidc', name: 'Corp IdP', enabled: true })
      .returning({ id: ssoConnections.id });
    await origin.database.db.insert(ssoDomains).values({ organizationId: origin.seed.organizationId, domain: 'corp-sso.example', verificationToken: 'tok', verifiedAt: new Date(), connectionId: conn!.id });

    const { page, context } = await newPage(t());
    const seen: string[] = [];
    // The IdP leg is the SSO suites' (sso-oidc, sso-saml): here, only where the web app sends the browser.
    await page.route('**/v1/auth/sso/login/**', async (route) => {
      seen.push(new URL(route.request().url()).pathname + new URL(route.request().url()).search);
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'identity provider' });
    });
    await page.goto('/admin/sign-in?next=%2Fadmin%2Faccount');
    await page.getByLabel('Work email address').fill('someone@corp-sso.example');
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    await expect.poll(() => seen).toEqual([`/v1/auth/sso/login/${conn!.id}?return_to=%2Fadmin%2Faccount`]);

    await page.unroute('**/v1/auth/sso/login/**');
    await page.goto('/admin/sign-in');
    await page.getByLabel('Work email address').fill('someone@no-sso.example');
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('sso_not_configured');
    await expectAccessible(page, 'sso-not-configured');
    expectClean(page);
    await context.close();

    const noJs = await newPage(t(), { javaScript: false });
    await noJs.page.goto('/admin/sign-in');
    await noJs.page.getByLabel('Work email address').fill('someone@corp-sso.example');
    await noJs.page.getByRole('button', { name: 'Continue with SSO' }).click();
    const href = await noJs.page.getByRole('link', { name: 'Continue to your identity provider' }).getAttribute('href');
    expect(href).toBe(`/v1/auth/sso/login/${conn!.id}?return_to=%2Fadmin`);
    await shot(noJs.page, 'sso-continue');
    await noJs.context.close();
  });
});

describe('captcha', () => {
  it('asks for the captcha after repeated failures; the browser solves it and the right password signs in', async () => {
    const user = await createUser(t().origin, t().origin.seed.organizationId, 'viewer');
    const { page, context } = await newPage(t());
    await page.goto('/admin/sign-in');
    // Wrong passwords until the API asks for a captcha (LOGIN_CAPTCHA_AFTER=3 failures, this address's earlier ones count too).
    const code = () => page.locator('#error-summary').getAttribute('data-code');
    // Each answer's request id differs: wait for the new page, not the previous one's summary.
    const requestId = () => page.locator('#error-summary .meta code').last().textContent({ timeout: 100 }).catch(() => null);
    let last: string | null = null;
    for (let i = 0; i < 4 && last !== 'captcha_required'; i++) {
      const before = await requestId();
      await page.getByLabel('Email address', { exact: true }).fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(`wrong password ${i}`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect.poll(requestId).not.toBe(before);
      last = await code();
      if (i === 0) expect(last).toBe('invalid_credentials');
    }
    expect(last).toBe('captcha_required');
    // Without a solved captcha even the right password is refused, and no session opens.
    const token = await page.locator('input[name=_csrf]').first().inputValue();
    const bare = await page.request.post(`${t().base}/admin/sign-in`, { form: { _csrf: token, email: user.email, password: user.password }, maxRedirects: 0 });
    expect(bare.status()).toBe(403);
    expect(await bare.text()).toContain('data-code="captcha_required"');
    await expect.poll(() => page.locator('.captcha-status').textContent(), { timeout: 60_000 }).toContain('Done');
    await shot(page, 'sign-in-captcha');
    await expectAccessible(page, 'sign-in-captcha');
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/admin\/o\//);
    expectClean(page);
    await context.close();
  }, 90_000);
});
