/**
 * The single sign-on screen in Chromium: an OIDC connection added (a marked-up name inert; a
 * wrong password refused first, the inputs but not the client secret kept, nothing stored) → the company domain added,
 * its TXT record shown → "Verify" before it is published refused by the API → published in the
 * test's DNS server → verified (database); the policy's session limit (1 minute refused, 120
 * saved); each role sees and can do exactly its row
 * (sso.manage), a forged connection by a lower role gets the API's 403 with nothing stored.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ssoConnections, ssoDomains, ssoPolicies } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { startDnsServer, type DnsServer } from '../helpers/sso.js';
import { expectAccessible, expectClean, memberPage, screen, shot, useBrowser } from './browser.js';

let dns: DnsServer;
const env: Record<string, string> = {};
beforeAll(async () => {
  dns = await startDnsServer();
  Object.assign(env, { SSO_DNS_SERVERS: dns.address });
});
afterAll(async () => {
  await dns?.close();
});
// Registered after the DNS server's hook: its start reads `env` once the address is in it.
const t = useBrowser(env);
const XSS = `Okta <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

const connections = () => t().origin.database.db.select({ id: ssoConnections.id, name: ssoConnections.name }).from(ssoConnections).where(eq(ssoConnections.organizationId, t().origin.seed.organizationId));
const domains = () => t().origin.database.db.select({ domain: ssoDomains.domain, verifiedAt: ssoDomains.verifiedAt }).from(ssoDomains).where(eq(ssoDomains.organizationId, t().origin.seed.organizationId));

async function policyRow() {
  const [row] = await t().origin.database.db.select({ enforced: ssoPolicies.enforced, sessionMaxMinutes: ssoPolicies.sessionMaxMinutes }).from(ssoPolicies).where(eq(ssoPolicies.organizationId, t().origin.seed.organizationId));
  return row ?? null;
}

describe('single sign-on screen', () => {
  it('adds an OIDC connection and a domain, shows its TXT record, verifies it once published', async () => {
    const { page, context, user } = await memberPage(t(), 'admin');
    page.setDefaultTimeout(10_000);
    await page.goto(screen(t(), 'sso', 'org'));
    await expectAccessible(page, 'sso');
    const oidc = page.getByRole('form', { name: 'Add an OpenID Connect provider' });
    await oidc.getByLabel('Name').fill(XSS);
    await oidc.getByLabel('Issuer URL').fill('https://login.example.org');
    await oidc.getByLabel('Client ID').fill('ghee-client');
    await oidc.getByLabel('Client secret').fill('s3cret-value');
    await oidc.getByLabel('Your password').fill('not my password');
    await oidc.getByRole('button', { name: 'Add OIDC provider' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('invalid_credentials');
    expect(await page.getByRole('form', { name: 'Add an OpenID Connect provider' }).getByLabel('Issuer URL').inputValue()).toBe('https://login.example.org');
    expect(await connections()).toEqual([]);
    expect(await page.content()).not.toContain('s3cret-value');
    await page.getByRole('form', { name: 'Add an OpenID Connect provider' }).getByLabel('Client secret').fill('s3cret-value');
    await page.getByRole('form', { name: 'Add an OpenID Connect provider' }).getByLabel('Your password').fill(user.password);
    await page.getByRole('button', { name: 'Add OIDC provider' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('is added');
    const [conn] = await connections();
    expect(conn!.name).toBe(XSS);
    expect(await page.locator(`#connections tr[data-connection-id="${conn!.id}"] td`).first().textContent()).toBe(XSS);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();

    const add = page.getByRole('form', { name: 'Add a domain' });
    await add.getByLabel('Email domain').fill('acme.test');
    await add.getByLabel('Signs in through').selectOption(conn!.id);
    await add.getByLabel('Your password').fill(user.password);
    await add.getByRole('button', { name: 'Add domain' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Publish the TXT record');
    const txt = await page.locator('#domains tr[data-domain="acme.test"] input[readonly]').inputValue();
    expect(txt).toMatch(/^ghee-verification=/);
    await shot(page, 'sso');

    // Not published yet: the API's refusal, shown as it said it.
    await page.getByLabel('Your password (to verify acme.test)').fill(user.password);
    await page.getByRole('button', { name: 'Verify acme.test' }).click();
    await expect.poll(() => page.locator('#error-summary').count()).toBe(1);
    expect(await page.locator('#error-summary').getAttribute('data-code')).not.toBe('internal_error');
    expect((await domains())[0]!.verifiedAt).toBeNull();
    await expectAccessible(page, 'sso-refused');

    dns.setTxt('acme.test', [txt]);
    await page.getByLabel('Your password (to verify acme.test)').fill(user.password);
    await page.getByRole('button', { name: 'Verify acme.test' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('acme.test is verified');
    expect((await domains())[0]!.verifiedAt).not.toBeNull();
    await shot(page, 'sso-verified');

    // The policy: a session limit under 5 minutes refused by the API (nothing stored), 120 saved.
    const policy = page.getByRole('form', { name: 'Single sign-on policy' });
    await policy.getByLabel('Session limit for SSO sign-ins (minutes)').fill('1');
    await policy.getByLabel('Your password').fill(user.password);
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('bad_request');
    expect(await page.getByRole('form', { name: 'Single sign-on policy' }).getByLabel('Session limit for SSO sign-ins (minutes)').inputValue()).toBe('1');
    expect(await policyRow()).toBeNull();
    await page.getByRole('form', { name: 'Single sign-on policy' }).getByLabel('Session limit for SSO sign-ins (minutes)').fill('120');
    await page.getByRole('form', { name: 'Single sign-on policy' }).getByLabel('Your password').fill(user.password);
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('policy is saved');
    expect(await policyRow()).toEqual({ enforced: false, sessionMaxMinutes: 120 });
    expectClean(page);
    await context.close();
  }, 90_000);

  it.each(ROLES)('%s sees and can do exactly its row; a forged connection by a lower role gets the API 403', async (role) => {
    const { page, context, user } = await memberPage(t(), role);
    const url = screen(t(), 'sso', 'org');
    const may = roleAllows(role, 'sso.manage');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Single sign-on' }).count()).toBe(may ? 1 : 0);
    const answer = await page.goto(url);
    expect(answer!.status()).toBe(may ? 200 : 403);
    if (!may) {
      const before = (await connections()).length;
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const res = await page.request.post(`${url}/connections`, { form: { _csrf: csrf, protocol: 'oidc', name: `forged ${role}`, issuer: 'https://evil.example', client_id: 'x', client_secret: 'y', password: user.password } });
      expect(res.status()).toBe(403);
      expect(await res.text()).toContain('data-code="forbidden"');
      expect((await connections()).length).toBe(before);
    }
    expectClean(page);
    await context.close();
  }, 60_000);
});
