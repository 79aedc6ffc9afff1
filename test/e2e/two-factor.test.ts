/**
 * Two-factor authentication in the web app, in Chromium: enrolment (password → QR code and secret
 * → a code → the recovery codes, shown once), then sign-in with a TOTP code and with a recovery
 * code (spent: the same code is refused next time); the account screen's session list and
 * "sign out everywhere". Each page accessible (axe) and clean (no CSP violation); screenshots.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organizations, sessions, totpFactors } from '../../origin/db/schema/index.js';
import { createOrganization, createUser, SessionClient } from '../helpers/identity.js';
import { totpCode } from '../../origin/identity/totp/totp.js';
import { expectAccessible, expectClean, memberPage, newPage, shot, signIn, useBrowser } from './browser.js';

const t = useBrowser();

describe('two-factor authentication', () => {
  it('enrols with the QR code, then signs in with a TOTP code and with a recovery code (once)', async () => {
    const { page, context, user } = await memberPage(t(), 'owner');
    await page.goto('/admin/account');
    await expectAccessible(page, 'account');
    await shot(page, 'account');
    await page.getByRole('link', { name: 'Turn on two-factor authentication' }).click();
    await page.getByLabel('Your password').fill(user.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Scan the QR code' }).waitFor();
    const qr = page.getByRole('img', { name: /QR code/ });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect((await qr.boundingBox())?.width).toBeGreaterThan(100);
    const secret = await page.locator('#tfa-secret').inputValue();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expectAccessible(page, '2fa-scan');
    await shot(page, '2fa-scan');

    // A wrong code first: the API's refusal, the secret still on the page.
    const now = Date.now();
    await page.getByLabel('6-digit code').fill(totpCode(secret, now) === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('bad_request');
    expect(await page.locator('#tfa-secret').inputValue()).toBe(secret);
    await page.getByLabel('6-digit code').fill(totpCode(secret, now));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    const codes = await page.locator('#recovery-codes li').allTextContents();
    expect(codes.length).toBeGreaterThanOrEqual(8);
    await expectAccessible(page, '2fa-recovery-codes');
    await shot(page, '2fa-recovery-codes');
    // The confirmation replaced the session: the page's forms carry the new CSRF token, so this still works.
    await page.getByRole('link', { name: 'I have saved them' }).click();
    await expect.poll(() => page.getByText('Signing in asks for a code').count()).toBe(1);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/admin\/sign-in$/);

    // Password, then the TOTP code (the next step: the enrolment's code is spent).
    await page.getByLabel('Email address', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    // The password is not in the page in the clear (it travels sealed between the steps).
    expect(await page.content()).not.toContain(user.password);
    await expectAccessible(page, 'sign-in-code');
    await shot(page, 'sign-in-code');
    await page.getByLabel('Code from your authenticator app').fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/admin\/o\//);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/admin\/sign-in$/);

    // Password, then a recovery code; the same code a second time is refused.
    for (const attempt of ['first', 'again'] as const) {
      await page.getByLabel('Email address', { exact: true }).fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByLabel('Recovery code', { exact: true }).fill(codes[0]!);
      await page.getByRole('button', { name: 'Use recovery code' }).click();
      if (attempt === 'first') {
        await page.waitForURL(/\/admin\/o\//);
        await page.getByRole('button', { name: 'Sign out', exact: true }).click();
        await page.waitForURL(/\/admin\/sign-in$/);
      } else {
        await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('invalid_credentials');
        expect(await page.getByRole('heading', { name: 'Two-factor authentication' }).count()).toBe(1);
      }
    }
    expectClean(page);
    await context.close();
  });

  it('turns 2FA off with the password and a recovery code; a wrong password leaves it on', async () => {
    const { origin, base } = t();
    const user = await createUser(origin, origin.seed.organizationId, 'author');
    // Enrolled through the API (the enrolment screens are the first test's).
    const api = new SessionClient(base);
    await api.login(user.email, user.password);
    const setup = (await (await api.request('POST', '/v1/auth/2fa/setup')).json()) as { data: { secret: string } };
    const confirmed = await api.request('POST', '/v1/auth/2fa/confirm', { code: totpCode(setup.data.secret, Date.now()) });
    const codes = ((await confirmed.json()) as { data: { recovery_codes: string[] } }).data.recovery_codes;

    const { page, context } = await newPage(t());
    await page.goto('/admin/sign-in');
    await page.getByLabel('Email address', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Code from your authenticator app').fill(totpCode(setup.data.secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/admin\/o\//);
    await page.goto('/admin/account');
    await page.getByRole('link', { name: 'Turn off two-factor authentication' }).click();
    await page.getByLabel('Your password').fill('not my password');
    await page.getByLabel('Recovery code', { exact: true }).fill(codes[1]!);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('invalid_credentials');
    await expectAccessible(page, '2fa-disable');
    expect((await origin.database.db.select({ at: totpFactors.confirmedAt }).from(totpFactors).where(eq(totpFactors.userId, user.id)))[0]?.at).not.toBeNull();
    await page.getByLabel('Your password').fill(user.password);
    await page.getByLabel('Recovery code', { exact: true }).fill(codes[2]!);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Two-factor authentication is off');
    expect(await page.getByRole('link', { name: 'Turn on two-factor authentication' }).count()).toBe(1);
    expectClean(page);
    await context.close();
  });

  it('leads a member of an organization that requires 2FA from the refusal to the enrolment', async () => {
    const { origin } = t();
    const other = await createOrganization(origin, `requires-2fa-${Date.now()}`);
    await origin.database.db.update(organizations).set({ require2fa: true }).where(eq(organizations.id, other.organizationId));
    const user = await createUser(origin, other.organizationId, 'owner');
    const { page, context } = await newPage(t());
    await signIn(page, user);
    await page.goto(`/admin/o/${other.organizationId}`);
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('mfa_enrollment_required');
    // A refusal inside the member's organization keeps its menu (the error page is part of the app).
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).count()).toBe(1);
    await expectAccessible(page, 'mfa-required');
    await shot(page, 'mfa-required');
    await page.getByRole('link', { name: 'Turn on two-factor authentication' }).click();
    await page.getByLabel('Your password').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/account/2fa');
    expectClean(page);
    await context.close();
  });

  it('lists the sessions and signs out everywhere (every session of the user revoked)', async () => {
    const { origin } = t();
    const first = await memberPage(t(), 'author');
    const second = await t().browser.newContext({ baseURL: t().base });
    const other = await second.newPage();
    await other.goto('/admin/sign-in');
    await other.getByLabel('Email address', { exact: true }).fill(first.user.email);
    await other.getByLabel('Password', { exact: true }).fill(first.user.password);
    await other.getByRole('button', { name: 'Sign in', exact: true }).click();
    await other.waitForURL(/\/admin\/o\//);

    const { page } = first;
    await page.goto('/admin/account');
    const rows = page.getByRole('table', { name: 'Your sessions' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.getByText('This session').count()).toBe(1);
    await shot(page, 'sessions');
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL(/\/admin\/sign-in$/);
    const live = await origin.database.db.select({ revoked: sessions.revokedAt }).from(sessions).where(eq(sessions.userId, first.user.id));
    expect(live.length).toBe(2);
    expect(live.every((s) => s.revoked !== null)).toBe(true);
    // The other browser is signed out too: its next page asks it to sign in.
    await other.goto('/admin/account');
    await other.waitForURL(/\/admin\/sign-in\?next=%2Fadmin%2Faccount$/);
    expectClean(page);
    await first.context.close();
    await second.close();
  });
});
