/**
 * The menu by role, in Chromium: each role of shared/permissions.ts sees exactly the screens its
 * row allows (read from the permission table here, not from the web app's own nav code), in the
 * organization and in the space; a member of one space only sees that space and no organization
 * screens. Hiding is a courtesy: the server refuses regardless (each screen's own suite forges the
 * request), e.g. a viewer's start page links to no management screen, and the organization page of
 * another organization is a 404, as the API answers it.
 */
import { describe, expect, it } from 'vitest';
import { ROLES, roleAllows, type Action, type Role } from '../../shared/permissions.js';
import { createOrganization, createUser } from '../helpers/identity.js';
import { expectAccessible, expectClean, memberPage, newPage, screen, shot, signIn, useBrowser } from './browser.js';

const t = useBrowser();

/** Each menu entry and the permission its screen needs (issue 20's screens). */
const MENU: [string, Action, 'space' | 'org'][] = [
  ['Pages', 'content.preview', 'space'],
  ['Collections', 'content.preview', 'space'],
  ['Blog posts', 'content.preview', 'space'],
  ['Media', 'content.preview', 'space'],
  ['Content model', 'schema.manage', 'space'],
  ['Webhooks', 'webhooks.manage', 'space'],
  ['Members', 'members.read', 'org'],
  ['API keys', 'keys.read', 'org'],
  ['Audit trail', 'audit.read', 'org'],
  ['Security events', 'audit.read', 'org'],
  ['Single sign-on', 'sso.manage', 'org'],
  ['Support access', 'support.manage', 'org'],
  ['Billing', 'billing.read', 'org'],
  ['Settings', 'org.manage', 'org'],
];

const expected = (role: Role) => MENU.filter(([, action]) => roleAllows(role, action)).map(([label]) => label);

describe('the menu by role', () => {
  it.each(ROLES.map((r) => [r]))('%s sees exactly the screens the permission table gives the role', async (role) => {
    const { page, context } = await memberPage(t(), role);
    await page.goto(screen(t(), '').replace(/\/$/, ''));
    const menu = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(menu).toEqual(expected(role));
    if (role === 'owner' || role === 'viewer' || role === 'billing') {
      await expectAccessible(page, `start-${role}`);
      await shot(page, `start-${role}`);
    }
    expectClean(page);
    await context.close();
  });

  it('a member of one space sees that space only, with no organization screens; another organization is not found', async () => {
    const { origin } = t();
    const user = await createUser(origin, origin.seed.organizationId, 'author', { spaceId: origin.seed.spaceId });
    const { page, context } = await newPage(t());
    await signIn(page, user);
    expect(new URL(page.url()).pathname).toBe(`/admin/o/${origin.seed.organizationId}/s/${origin.seed.spaceId}`);
    const menu = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(menu).toEqual(MENU.filter(([, a, scope]) => scope === 'space' && roleAllows('author', a)).map(([label]) => label));
    const switcher = await page.getByLabel('Organization / space').locator('option').allTextContents();
    expect(switcher.filter((o) => !o.includes('(organization)'))).toEqual(['Demo Site']);

    const other = await createOrganization(origin, `roles-other-${Date.now()}`);
    const res = await page.goto(`/admin/o/${other.organizationId}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('#error-summary').getAttribute('data-code')).toBe('not_found');
    expectClean(page);
    await context.close();
  });
});
