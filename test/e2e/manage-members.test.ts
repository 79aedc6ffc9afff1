/**
 * The members screen in Chromium: an owner invites (the mail's link) → the invitee accepts with a
 * new account → appears in the list (a marked-up name inert) → the owner changes the role → removes
 * them; an invitation revoked; an admin cannot hand out the owner role (not offered, and a forged
 * POST gets the API's 403 with nothing written); each role sees and can do exactly its row of
 * shared/permissions.ts (members.read / members.manage), forged writes by lower roles refused.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { invitations, memberships } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { GOOD_PASSWORD, invitationWithEmail, uniqueEmail, userIdByEmail } from '../helpers/identity.js';
import { expectAccessible, expectClean, linkIn, memberPage, newPage, screen, shot, useBrowser } from './browser.js';

const t = useBrowser();

const XSS_NAME = `Eve <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

async function openInvitations(email: string) {
  return t().origin.database.db.select({ id: invitations.id }).from(invitations).where(and(invitationWithEmail(t().origin, email), isNull(invitations.revokedAt)));
}

async function rolesOf(userId: string) {
  return (await t().origin.database.db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.organizationId, t().origin.seed.organizationId)))).map((r) => r.role);
}

describe('members screen', () => {
  it('invites, the invitee joins through the mailed link, the owner changes the role and removes them; a marked-up name is inert', async () => {
    const { page, context } = await memberPage(t(), 'owner');
    page.setDefaultTimeout(10_000);
    await page.goto(screen(t(), 'members', 'org'));
    await expectAccessible(page, 'members');
    const email = uniqueEmail('invitee');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Role', { exact: true }).selectOption('author');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain(`Invitation sent to ${email}`);
    expect(await page.locator('#invitations tr', { hasText: email }).count()).toBe(1);
    await shot(page, 'members-invited');

    // The invitee: the link from the captured mail, a new account.
    const invitee = await newPage(t());
    await invitee.page.goto(linkIn((await t().mail.waitFor(email)).text, t().base));
    expect(new URL(invitee.page.url()).pathname).toBe('/admin/invitations/accept');
    await expectAccessible(invitee.page, 'invitation-accept');
    await shot(invitee.page, 'invitation-accept');
    await invitee.page.getByLabel('Your name').fill(XSS_NAME);
    await invitee.page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    await invitee.page.getByRole('button', { name: 'Accept the invitation' }).click();
    await invitee.page.waitForURL(/\/admin\/sign-in$/);
    expect(await invitee.page.getByRole('status').first().textContent()).toContain('You joined');
    expectClean(invitee.page);
    await invitee.context.close();
    const userId = (await userIdByEmail(t().origin, email))!;
    expect(await rolesOf(userId)).toEqual(['author']);

    await page.reload();
    const row = page.locator(`#members tr[data-user-id="${userId}"]`);
    expect(await row.locator('td').first().textContent()).toBe(XSS_NAME);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('#invitations tr', { hasText: email }).count()).toBe(0);

    await row.getByLabel(`Role of ${email}`, { exact: true }).selectOption('publisher');
    await row.getByRole('button', { name: `Save role of ${email}` }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Role changed to publisher');
    expect(await rolesOf(userId)).toEqual(['publisher']);
    await shot(page, 'members');

    page.once('dialog', (d) => void d.accept());
    await page.locator(`#members tr[data-user-id="${userId}"]`).getByRole('button', { name: `Remove ${email}` }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('removed');
    expect(await rolesOf(userId)).toEqual([]);
    expect(await page.locator(`#members tr[data-user-id="${userId}"]`).count()).toBe(0);
    expectClean(page);
    await context.close();
  }, 90_000);

  it('revokes an invitation; an admin is not offered the owner role and a forged owner invitation gets the API 403', async () => {
    const { page, context } = await memberPage(t(), 'admin');
    page.setDefaultTimeout(10_000);
    await page.goto(screen(t(), 'members', 'org'));
    const roles = await page.getByLabel('Role', { exact: true }).locator('option').allTextContents();
    expect(roles).not.toContain('owner');
    const email = uniqueEmail('revoked');
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(async () => (await openInvitations(email)).length).toBe(1);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: `Revoke the invitation of ${email}` }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('revoked');
    expect(await openInvitations(email)).toEqual([]);

    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const owner = uniqueEmail('would-be-owner');
    const forged = await page.request.post(`${screen(t(), 'members', 'org').replace(/members$/, 'invitations')}`, { form: { _csrf: csrf, email: owner, role: 'owner', space_id: '' } });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('Only owners grant');
    expect(await openInvitations(owner)).toEqual([]);
    // The refusal as the page shows it (a real form post with the owner role put back in).
    await page.goto(screen(t(), 'members', 'org'));
    await page.evaluate(`(() => { const s = document.getElementById('f-role'); const o = document.createElement('option'); o.value = 'owner'; o.textContent = 'owner'; s.append(o); s.value = 'owner'; })()`);
    await page.getByLabel('Email address').fill(owner);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('forbidden');
    expect(await page.getByLabel('Email address').inputValue()).toBe(owner);
    await expectAccessible(page, 'members-refused');
    await shot(page, 'members-refused');
    expect(await openInvitations(owner)).toEqual([]);
    expectClean(page);
    await context.close();
  }, 60_000);

  it.each(ROLES)('%s sees and can do exactly its row; forged invitations and role changes by lower roles get the API 403', async (role) => {
    const { page, context, user } = await memberPage(t(), role);
    const url = screen(t(), 'members', 'org');
    const mayRead = roleAllows(role, 'members.read');
    const mayManage = roleAllows(role, 'members.manage');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).count()).toBe(mayRead ? 1 : 0);
    const answer = await page.goto(url);
    expect(answer!.status()).toBe(mayRead ? 200 : 403);
    expect(await page.getByRole('button', { name: 'Send invitation' }).count()).toBe(mayManage ? 1 : 0);
    expect(await page.getByRole('button', { name: /^Save role/ }).count() > 0).toBe(mayManage);
    expect(await page.getByRole('button', { name: /^Remove/ }).count() > 0).toBe(mayManage);
    if (!mayManage) {
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const email = uniqueEmail(`forged-${role}`);
      const invite = await page.request.post(url.replace(/members$/, 'invitations'), { form: { _csrf: csrf, email, role: 'viewer', space_id: '' } });
      expect(invite.status()).toBe(403);
      expect(await invite.text()).toContain('data-code="forbidden"');
      expect(await openInvitations(email)).toEqual([]);
      const promote = await page.request.post(`${url}/${user.id}/role`, { form: { _csrf: csrf, role: 'owner' } });
      expect(promote.status()).toBe(403);
      expect(await rolesOf(user.id)).toEqual([role]);
    }
    expectClean(page);
    await context.close();
  }, 60_000);
});
