/**
 * The web app's account screens in Chromium: sign up → verify (the captured mail's link) → sign
 * in; keyboard-only sign-in; a wrong password shown in the one error shape; the static files'
 * caching; every page clean (no CSP violation, console error or failed request) and accessible
 * (axe: no serious or critical violation); screenshots in /tmp/admin-shots/.
 */
import { describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, uniqueEmail } from '../helpers/identity.js';
import { expectAccessible, expectClean, focusedId, linkIn, newPage, shot, useBrowser } from './browser.js';

const t = useBrowser();

describe('sign-up, verification and sign-in', () => {
  it('signs up, verifies through the mailed link, signs in and lands in the new organization', async () => {
    const { base, mail } = t();
    const { page, context } = await newPage(t());
    const email = uniqueEmail('e2e');
    await page.goto('/admin/sign-up');
    await expectAccessible(page, 'sign-up');
    await shot(page, 'sign-up');
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    await page.getByLabel('Organization name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Check your email' }).count()).toBe(1);
    await shot(page, 'sign-up-done');

    // Not verified yet: sign-in refuses with the API's own answer.
    await page.goto('/admin/sign-in');
    await page.getByLabel('Email address', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('email_unverified');

    const link = linkIn((await mail.waitFor(email)).text, base);
    expect(link).toContain('/verify-email?token=');
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe('/admin/verify-email');
    await expectAccessible(page, 'verify-email');
    await shot(page, 'verify-email');
    await page.getByRole('button', { name: 'Verify my email' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('verified');

    await page.getByLabel('Email address', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/o\/[0-9a-f-]{36}\/s\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).getByRole('link').count()).toBeGreaterThan(5);
    await expectAccessible(page, 'start');
    await shot(page, 'start-owner');
    // The session cookie is the API's (__Host-, HttpOnly), nothing in browser storage.
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === '__Host-ghee_session');
    expect(session?.httpOnly).toBe(true);
    // Browser storage holds no token: at most htmx's current-path marker (its page-snapshot cache is off).
    const stored = (await page.evaluate('({ ...Object.fromEntries(Object.entries(localStorage)), ...Object.fromEntries(Object.entries(sessionStorage)) })')) as Record<string, string>;
    expect(Object.keys(stored).filter((k) => k !== 'htmx-current-path-for-history')).toEqual([]);
    expect(JSON.stringify(stored)).not.toContain(session!.value);
    expectClean(page);
    await context.close();
  });

  it('shows a wrong password as the API refused it, keeps the email, and is accessible', async () => {
    const { origin } = t();
    const { page, context } = await newPage(t());
    await page.goto('/admin/sign-in');
    await expectAccessible(page, 'sign-in');
    await shot(page, 'sign-in');
    await page.getByLabel('Email address', { exact: true }).fill(origin.seed.adminEmail);
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('invalid_credentials');
    expect(await page.locator('#error-summary').textContent()).toContain('Invalid email or password.');
    expect(await page.getByLabel('Email address', { exact: true }).inputValue()).toBe(origin.seed.adminEmail);
    // The error summary takes focus, so a screen reader hears it at once.
    expect(await focusedId(page)).toBe('error-summary');
    await expectAccessible(page, 'sign-in-error');
    await shot(page, 'sign-in-error');
    expectClean(page);
    await context.close();
  });
});
