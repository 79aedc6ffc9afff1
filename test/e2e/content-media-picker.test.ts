/**
 * The editor's media picker in Chromium (issue 20): images uploaded through the API are offered
 * under a media field (newest first, previews, "Show older files"), picked by keyboard, saved —
 * the page's field then holds the asset's URL as the API reads it; a typed URL still works; the
 * picker's fragment answers the API's refusal for a role without content.preview and 400 for a
 * bad target. axe 0 serious/critical, 0 CSP violations / console errors / failed requests.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { expectAccessible, expectClean, focusedId, memberPage, screen, shot, useBrowser } from './browser.js';

const t = useBrowser();

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const api = (path: string, init: RequestInit & { key?: 'admin' | 'write' } = {}) =>
  fetch(`${t().base}${path}`, { ...init, headers: { authorization: `Token ${t().origin.seed.keys[init.key ?? 'admin']}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

async function upload(name: string): Promise<string> {
  const res = await api(`/v2/assets/?filename=${name}`, { method: 'POST', key: 'write', body: PNG, headers: { 'content-type': 'image/png' } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { data: { url: string } }).data.url;
}

async function heroOf(slug: string): Promise<unknown> {
  const res = await api(`/v2/manage/pages/gallery/${slug}/?locale=en`, { key: 'write' });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: { fields: { hero: unknown } } }).data.fields.hero;
}

describe('content: the media picker', () => {
  it('picks an uploaded image by keyboard, saves it, and the page holds the asset URL; older files page in; a typed URL still works', async () => {
    const made = await api(`/v2/manage/spaces/${t().origin.seed.spaceId}/page_types/`, {
      method: 'POST',
      body: JSON.stringify({ slug: 'gallery', name: 'Gallery', fields: [{ name: 'title_text', type: 'short_text' }, { name: 'hero', type: 'media' }] }),
    });
    expect(made.status).toBe(201);
    const page0 = await api('/v2/pages/?locale=en', { method: 'POST', key: 'write', body: JSON.stringify({ title: 'Autumn', slug: 'autumn', page_type: 'gallery', status: 'draft', fields: { title_text: 'Autumn' } }) });
    expect(page0.status).toBe(202);
    // 13 files: the picker shows 12, then "Show older files" the first one uploaded.
    const urls: string[] = [];
    for (let i = 0; i < 13; i++) urls.push(await upload(`leaf-${String(i).padStart(2, '0')}.png`));
    const newest = urls[12]!;

    const { page, context } = await memberPage(t(), 'author');
    await page.goto(`${screen(t(), 'pages/gallery/autumn')}?locale=en`, { timeout: 30_000 });
    const summary = page.getByText('Choose hero from the media library');
    await expect.poll(() => summary.isVisible(), { timeout: 10_000 }).toBe(true);
    // Keyboard: focus the summary, Enter opens it and loads the library.
    await summary.focus();
    await page.keyboard.press('Enter');
    const picks = page.locator('button[data-pick-url]');
    await expect.poll(() => picks.count(), { timeout: 10_000 }).toBe(12);
    expect(await picks.first().getAttribute('data-pick-url')).toBe(newest);
    expect(await picks.first().textContent()).toBe('Choose leaf-12.png');
    // The previews load (same origin, img-src 'self').
    await expect.poll(() => page.evaluate("Array.from(document.querySelectorAll('.pick img')).every((i) => i.complete && i.naturalWidth === 1)"), { timeout: 10_000 }).toBe(true);
    await page.getByRole('button', { name: 'Show older files' }).click();
    await expect.poll(() => picks.count(), { timeout: 10_000 }).toBe(13);
    expect(await picks.last().getAttribute('data-pick-url')).toBe(urls[0]);
    // Focus moved to the first older file (the button that had it is gone).
    expect(await page.evaluate("document.activeElement && document.activeElement.getAttribute('data-pick-url')")).toBe(urls[0]);
    expect(await page.getByRole('button', { name: 'Show older files' }).count()).toBe(0);
    await expectAccessible(page, 'editor-media-picker');
    await shot(page, 'media-picker');

    // Tab to the newest file, Enter: its URL is in the field, focus is back on the field, the choice is announced.
    await picks.first().focus();
    await page.keyboard.press('Enter');
    expect(await page.getByLabel('Hero').inputValue()).toBe(newest);
    expect(await focusedId(page)).toBe('f-hero');
    expect(await page.locator('[data-picker-status="f-hero"]').textContent()).toBe('Chose leaf-12.png.');
    expect(await page.locator('details.picker').getAttribute('open')).toBeNull();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.locator('.flash-success').first().textContent(), { timeout: 10_000 }).toContain('Saved draft');
    expect(await heroOf('autumn')).toBe(newest);

    // Escape closes an open picker and returns to its summary.
    await summary.focus();
    await page.keyboard.press('Enter');
    await picks.nth(1).focus();
    await page.keyboard.press('Escape');
    expect(await page.locator('details.picker').getAttribute('open')).toBeNull();
    expect(await page.evaluate("document.activeElement && document.activeElement.tagName")).toBe('SUMMARY');

    // A URL can still be typed.
    await page.getByLabel('Hero').fill('https://images.example.test/typed.jpg');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => heroOf('autumn'), { timeout: 10_000 }).toBe('https://images.example.test/typed.jpg');
    expectClean(page);
    await context.close();
  });

  it('the picker fragment answers the API: 403 for a role without content.preview, 400 for a bad target, nothing of the library leaked', async () => {
    await upload('secret-plan.png');
    const url = (role: string) => `${screen(t(), 'media-picker')}?for=f-hero#${role}`;
    for (const role of ROLES) {
      const { page, context, user } = await memberPage(t(), role);
      const res = await page.request.get(url(role), { headers: { 'hx-request': 'true' } });
      const body = await res.text();
      if (roleAllows(role, 'content.preview')) {
        expect(res.status(), role).toBe(200);
        expect(body, role).toContain('secret-plan.png');
      } else {
        expect(res.status(), role).toBe(403);
        expect(body, role).not.toContain('secret-plan');
      }
      if (role === 'author') {
        // After the session expired, an opened picker sends the tab to sign-in and back to the editor, not to the fragment.
        await t().origin.database.db.delete(sessions).where(eq(sessions.userId, user.id));
        const editorUrl = `${t().base}${screen(t(), 'pages/gallery/autumn')}?locale=en`;
        const expired = await page.request.get(url(role), { headers: { 'hx-request': 'true', 'hx-current-url': editorUrl }, maxRedirects: 0 });
        expect(expired.status()).toBe(204);
        expect(decodeURIComponent(expired.headers()['hx-redirect'] ?? '')).toBe(`/admin/sign-in?next=${screen(t(), 'pages/gallery/autumn')}?locale=en`);
        const elsewhere = await page.request.get(url(role), { headers: { 'hx-request': 'true', 'hx-current-url': 'https://evil.example/admin/o/x' }, maxRedirects: 0 });
        expect(decodeURIComponent(elsewhere.headers()['hx-redirect'] ?? '')).toContain('/media-picker');
      }
      if (role === 'owner') {
        const bad = await page.request.get(`${screen(t(), 'media-picker')}?for=${encodeURIComponent('"><script>x</script>')}`);
        expect(bad.status()).toBe(400);
        expect(await bad.text()).not.toContain('<script>');
        const before = await page.request.get(`${screen(t(), 'media-picker')}?for=f-hero&before=tomorrow`);
        expect(before.status()).toBe(400);
      }
      await context.close();
    }
  });
});
