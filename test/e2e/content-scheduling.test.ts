/**
 * Scheduling from the editor in Chromium (issue 20): a publisher schedules a page a few seconds
 * ahead ("Publish at (UTC)"), the editor and the list show it scheduled with its time, the public
 * API does not serve it yet, the scheduler's real tick (origin/content/scheduler.ts started with a
 * short interval and the real clock, as origin/main.ts starts it) publishes it, and the public
 * API then serves it. Unscheduling: every role's forged "Unschedule" is refused with the API's
 * 403 unless it may publish (the page stays scheduled); a publisher's Unschedule returns it to a
 * draft, and the scheduler leaves it alone. axe 0 serious/critical, 0 CSP violations.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../origin/content/scheduler.js';
import { pages } from '../../origin/db/schema/index.js';
import { createLogger } from '../../origin/logger.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { expectAccessible, expectClean, memberPage, screen, shot, useBrowser } from './browser.js';

const t = useBrowser();
let scheduler: Scheduler | null = null;
afterAll(async () => scheduler?.stop());

const api = (path: string, init: RequestInit & { key?: 'admin' | 'write' } = {}) =>
  fetch(`${t().base}${path}`, { ...init, headers: { authorization: `Token ${t().origin.seed.keys[init.key ?? 'admin']}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
const publicRead = (slug: string) => fetch(`${t().base}/v2/pages/event/${slug}/?locale=en&auth_token=${t().origin.seed.keys.read}`);

async function row(slug: string) {
  const [r] = await t().origin.database.db.select().from(pages).where(and(eq(pages.spaceId, t().origin.seed.spaceId), eq(pages.slug, slug)));
  return r!;
}

let typeMade = false;
async function draft(slug: string, headline: string): Promise<void> {
  if (!typeMade) {
    const res = await api(`/v2/manage/spaces/${t().origin.seed.spaceId}/page_types/`, { method: 'POST', body: JSON.stringify({ slug: 'event', name: 'Event', fields: [{ name: 'headline', type: 'short_text' }] }) });
    expect(res.status).toBe(201);
    typeMade = true;
  }
  const res = await api('/v2/pages/?locale=en', { method: 'POST', key: 'write', body: JSON.stringify({ title: headline, slug, page_type: 'event', status: 'draft', fields: { headline } }) });
  expect(res.status).toBe(202);
}

/** A UTC time as the editor's datetime-local input takes it (seconds included). */
const local = (d: Date) => d.toISOString().slice(0, 19);
const editor = (slug: string) => `${screen(t(), `pages/event/${slug}`)}?locale=en`;

describe('content: scheduling from the editor', () => {
  it('schedule a few seconds ahead → shown scheduled in the editor and the list → the scheduler\'s tick publishes it → the public API serves it', async () => {
    await draft('launch-party', 'Launch party');
    const { page, context } = await memberPage(t(), 'publisher');
    await page.goto(editor('launch-party'), { timeout: 30_000 });
    const at = new Date(Date.now() + 6_000);
    at.setUTCMilliseconds(0);
    await page.getByLabel('Publish at (UTC)').fill(local(at));
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await expect.poll(() => page.locator('.flash-success').first().textContent(), { timeout: 10_000 }).toMatch(/Scheduled \(version \d+\)/);
    expect(await page.locator('#page-state').textContent()).toContain('scheduled');
    expect(await page.locator('#page-state time').first().getAttribute('datetime')).toBe(at.toISOString());
    expect(await row('launch-party')).toMatchObject({ status: 'scheduled', scheduledAt: at });
    expect(await page.getByRole('button', { name: 'Unschedule' }).count()).toBe(1);
    await expectAccessible(page, 'editor-scheduled');
    await shot(page, 'editor-scheduled');

    await page.goto(`${screen(t(), 'pages')}?status=scheduled`, { timeout: 30_000 });
    const listed = page.locator('tbody tr', { hasText: 'launch-party' });
    expect(await listed.locator('.badge').textContent()).toBe('Scheduled');
    expect(await listed.locator('time').first().getAttribute('datetime')).toBe(at.toISOString());
    await expectAccessible(page, 'pages-list-scheduled');
    await shot(page, 'pages-list-scheduled');
    expect((await publicRead('launch-party')).status).toBe(404);

    // The scheduler as the origin runs it: the real clock, a short tick.
    scheduler = new Scheduler({ db: t().origin.database.db, logger: createLogger('silent') });
    scheduler.start(250);
    await expect.poll(async () => (await publicRead('launch-party')).status, { timeout: 30_000, interval: 500 }).toBe(200);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());
    const served = (await (await publicRead('launch-party')).json()) as { data: { fields: { headline: string } } };
    expect(served.data.fields.headline).toBe('Launch party');
    expect(await row('launch-party')).toMatchObject({ status: 'published', scheduledAt: null });

    await page.goto(`${screen(t(), 'pages')}?status=published`, { timeout: 30_000 });
    expect(await page.locator('tbody tr', { hasText: 'launch-party' }).locator('.badge').textContent()).toBe('Published');
    await page.goto(editor('launch-party'), { timeout: 30_000 });
    expect(await page.locator('#page-state').textContent()).toContain('published');
    expectClean(page);
    await context.close();
  });

  it('unschedule: refused with the API\'s 403 for every role that may not publish (still scheduled); a publisher\'s Unschedule makes it a draft the scheduler leaves alone', async () => {
    await draft('maybe-later', 'Maybe later');
    const later = new Date(Date.now() + 3_600_000);
    later.setUTCMilliseconds(0);
    const res = await api('/v2/pages/event/maybe-later/?locale=en', { method: 'PATCH', key: 'write', body: JSON.stringify({ status: 'scheduled', scheduled: later.toISOString() }) });
    expect(res.status).toBe(202);
    for (const role of ROLES) {
      if (roleAllows(role, 'content.publish')) continue;
      const { page, context } = await memberPage(t(), role);
      const answer = await page.goto(editor('maybe-later'), { timeout: 30_000 });
      if (!roleAllows(role, 'content.preview')) {
        expect(answer?.status(), role).toBe(403);
      } else {
        expect(await page.getByRole('button', { name: 'Unschedule' }).count(), role).toBe(0);
        expect(await page.getByRole('button', { name: 'Schedule', exact: true }).count(), role).toBe(0);
      }
      const before = await row('maybe-later');
      // The session's own CSRF token: the refusal is the role's, not a missing token's.
      const csrf = (await page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']")) as string;
      expect(csrf).toMatch(/^[0-9a-f]{32,}$/);
      const forged = await page.request.post(editor('maybe-later'), { form: { _csrf: csrf, _action: 'unpublish', _version: String(before.version), _title: before.name } });
      expect(forged.status(), `${role} forged unschedule`).toBe(403);
      expect(await forged.text(), role).toContain('<code>forbidden</code>');
      const after = await row('maybe-later');
      expect({ status: after.status, at: after.scheduledAt, v: after.version }, role).toEqual({ status: 'scheduled', at: later, v: before.version });
      await context.close();
    }

    const { page, context } = await memberPage(t(), 'publisher');
    await page.goto(editor('maybe-later'), { timeout: 30_000 });
    await page.getByRole('button', { name: 'Unschedule' }).click();
    await expect.poll(() => page.locator('.flash-success').first().textContent(), { timeout: 10_000 }).toMatch(/Unscheduled \(version \d+\)/);
    expect(await row('maybe-later')).toMatchObject({ status: 'draft', scheduledAt: null });
    // Even past its old time, the scheduler publishes nothing.
    const past = new Scheduler({ db: t().origin.database.db, logger: createLogger('silent'), now: () => new Date(later.getTime() + 1000) });
    expect(await past.runOnce()).toBe(0);
    expect((await publicRead('maybe-later')).status).toBe(404);
    expectClean(page);
    await context.close();
  });
});
