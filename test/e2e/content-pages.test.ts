/**
 * The content screens in Chromium (issue 20): the pages list and the editor generated from a
 * page type with every field type. Main journey: page type (API) → create a page in the editor →
 * preview → publish → read it through the Node edge with a read key → edit → field-level diff →
 * roll back. Also: the If-Match conflict message; stored XSS payloads in every field type inert in
 * list, editor and preview; each role's row (buttons shown, forged posts refused with the API's
 * 403 and nothing changed); keyboard-only save; a session expiring mid-edit keeps the draft.
 * Every page: axe 0 serious/critical, 0 CSP violations / console errors / failed requests.
 */
import { and, eq } from 'drizzle-orm';
import type { Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { pages, sessions } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { startTestEdge } from '../helpers/stack.js';
import { createUser } from '../helpers/identity.js';
import { expectAccessible, expectClean, focusedId, memberPage, newPage, screen, shot, signIn, useBrowser } from './browser.js';

const t = useBrowser();

const SCHEMA = [
  { name: 'headline', type: 'short_text', required: true },
  { name: 'summary', type: 'long_text' },
  { name: 'body', type: 'rich_text' },
  { name: 'rating', type: 'number' },
  { name: 'launch', type: 'date' },
  { name: 'featured', type: 'boolean' },
  { name: 'hero', type: 'media' },
  { name: 'related', type: 'reference', page_type: 'landing', max: 3 },
  { name: 'faq', type: 'repeater', fields: [{ name: 'question', type: 'short_text' }, { name: 'answer', type: 'rich_text' }] },
  { name: 'seo', type: 'component', fields: [{ name: 'title', type: 'short_text' }, { name: 'noindex', type: 'boolean' }] },
];

const api = (path: string, init: RequestInit & { key?: 'admin' | 'write' } = {}) =>
  fetch(`${t().base}${path}`, {
    ...init,
    headers: { authorization: `Token ${t().origin.seed.keys[init.key ?? 'admin']}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

let typeMade = false;
async function pageType(): Promise<void> {
  if (typeMade) return;
  const res = await api(`/v2/manage/spaces/${t().origin.seed.spaceId}/page_types/`, { method: 'POST', body: JSON.stringify({ slug: 'landing', name: 'Landing page', fields: SCHEMA }) });
  expect(res.status).toBe(201);
  typeMade = true;
}

async function apiPage(slug: string, fields: Record<string, unknown>, title = slug): Promise<void> {
  await pageType();
  const res = await api('/v2/pages/?locale=en', { method: 'POST', key: 'write', body: JSON.stringify({ title, slug, page_type: 'landing', status: 'draft', fields }) });
  expect(res.status, await res.clone().text()).toBe(202);
}

async function row(slug: string) {
  const [r] = await t().origin.database.db.select().from(pages).where(and(eq(pages.spaceId, t().origin.seed.spaceId), eq(pages.slug, slug)));
  return r!;
}

const flash = (page: Page) => page.locator('.flash-success').first().textContent();
const editor = (slug: string, rest = '') => `${screen(t(), `pages/landing/${slug}${rest}`)}?locale=en`;

describe('content: pages', () => {
  it('main journey: create in the editor, preview, publish, read through the edge, edit, diff, roll back', async () => {
    await pageType();
    await apiPage('other-landing', { headline: 'Another one' }, 'Another landing');
    const { page, context } = await memberPage(t(), 'owner');
    await page.goto(screen(t(), 'pages'));
    await expectAccessible(page, 'pages-list');
    await page.getByLabel('New page of type').selectOption('landing');
    await page.getByRole('button', { name: 'New page', exact: true }).click();
    await page.getByLabel('Page title').fill('Spring launch');
    await page.getByLabel('Slug').fill('spring-launch');
    await page.getByLabel('Headline').fill('Spring is here');
    await page.getByLabel('Summary').fill('Line one\nLine two');
    await page.getByLabel('Body').fill('<p>Hello <strong>spring</strong></p>');
    await page.getByLabel('Rating').fill('4.5');
    await page.getByLabel('Launch').fill('2026-03-21');
    await page.getByLabel('Featured').check();
    await page.getByLabel('Hero').fill('https://images.example.test/spring.jpg');
    await page.getByLabel('Related').selectOption(['other-landing']);
    await page.getByRole('button', { name: 'Add faq item' }).click();
    await page.getByLabel('Question').fill('When?');
    await page.getByLabel('Answer').fill('<p>Now.</p>');
    await page.locator('#f-seo-title').fill('Spring | Demo');
    await expectAccessible(page, 'editor-new');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await expect.poll(() => flash(page)).toContain('Created draft Spring launch');
    const created = await row('spring-launch');
    expect(created.status).toBe('draft');
    expect(created.fields).toMatchObject({ headline: 'Spring is here', summary: 'Line one\nLine two', rating: 4.5, launch: '2026-03-21', featured: true, related: ['other-landing'], faq: [{ question: 'When?', answer: '<p>Now.</p>' }], seo: { title: 'Spring | Demo', noindex: false } });
    await expectAccessible(page, 'editor-page');
    await shot(page, 'editor-page');

    await page.getByRole('link', { name: 'Preview' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Spring launch' }).count()).toBe(1);
    expect(await page.locator('.rich strong').first().textContent()).toBe('spring');
    await expectAccessible(page, 'preview');
    await shot(page, 'editor-preview');
    await page.getByRole('link', { name: 'Back to the editor' }).click();

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => flash(page)).toContain('Published');
    const edge = await startTestEdge(t().origin);
    try {
      const read = await fetch(`${edge.url}/v2/pages/landing/spring-launch/?auth_token=${t().origin.seed.keys.read}`);
      expect(read.status).toBe(200);
      expect(((await read.json()) as { data: { fields: { headline: string } } }).data.fields.headline).toBe('Spring is here');
    } finally {
      await edge.close();
    }

    await page.getByLabel('Headline').fill('Spring is really here');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page)).toMatch(/Saved draft \(version \d+\)/);
    expect((await row('spring-launch')).fields).toMatchObject({ headline: 'Spring is really here' });

    await page.getByRole('link', { name: 'History' }).click();
    await expectAccessible(page, 'history');
    await shot(page, 'editor-history');
    await page.getByRole('link', { name: 'Version 1', exact: true }).click();
    const changed = page.locator('tr.changed th');
    await expect.poll(() => changed.allTextContents()).toEqual(['Headline']);
    await expectAccessible(page, 'diff');
    await shot(page, 'editor-diff');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    await expect.poll(() => flash(page)).toContain('Rolled back to version 1');
    expect((await row('spring-launch')).fields).toMatchObject({ headline: 'Spring is here' });

    await page.goto(`${screen(t(), 'pages')}?query=spring&status=draft&page_type=landing&locale=en`);
    expect(await page.locator('tbody tr').count()).toBe(1);
    await shot(page, 'pages-list');
    expectClean(page);
    await context.close();
  });

  it('a published page: Save draft keeps the live version (the editor says so), Publish replaces it, an author saves drafts, Unpublish takes it down', async () => {
    await apiPage('live-page', { headline: 'Live' }, 'Live title');
    const live = async (base = t().base) => fetch(`${base}/v2/pages/landing/live-page/?locale=en&auth_token=${t().origin.seed.keys.read}`);
    const liveName = async () => ((await (await live()).json()) as { data: { name: string; fields: { headline: string } } }).data;
    const { page, context } = await memberPage(t(), 'publisher');
    await page.goto(editor('live-page'), { timeout: 30_000 });
    expect(await page.getByRole('button', { name: 'Unpublish' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Published');
    expect((await liveName()).name).toBe('Live title');
    expect(await page.locator('#live-note').count()).toBe(0);
    // Save draft on the published page: a draft over it; readers still get the published version.
    await page.getByLabel('Page title').fill('New title');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toMatch(/Saved draft \(version \d+\)/);
    expect((await row('live-page')).status).toBe('draft');
    expect((await liveName()).name).toBe('Live title');
    expect(await page.locator('#live-note').textContent()).toContain('A published version is live; Publish replaces it, Unpublish takes it down.');
    await expectAccessible(page, 'editor-live-note');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Published');
    expect((await liveName()).name).toBe('New title');

    // An author on the published page: Save draft is allowed (a draft over it), no Publish / Unpublish.
    const author = await memberPage(t(), 'author');
    await author.page.goto(editor('live-page'), { timeout: 30_000 });
    expect(await author.page.getByRole('button', { name: 'Unpublish' }).count()).toBe(0);
    expect(await author.page.getByRole('button', { name: 'Publish', exact: true }).count()).toBe(0);
    await author.page.getByLabel('Headline').fill('By the author');
    const [saved] = await Promise.all([author.page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 15_000 }), author.page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(saved.status()).toBeLessThan(400);
    await expect.poll(() => flash(author.page), { timeout: 15_000 }).toContain('Saved draft');
    expect((await row('live-page')).fields).toMatchObject({ headline: 'By the author' });
    expect(await liveName()).toMatchObject({ name: 'New title', fields: { headline: 'Live' } });
    expect(await author.page.locator('#live-note').count()).toBe(1);
    expectClean(author.page);
    await author.context.close();

    // Unpublish: readers get 404 (at the origin, and through an edge).
    await page.goto(editor('live-page'), { timeout: 30_000 });
    await page.getByRole('button', { name: 'Unpublish' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Unpublished');
    expect((await live()).status).toBe(404);
    const edge = await startTestEdge(t().origin);
    try {
      expect((await live(edge.url)).status).toBe(404);
    } finally {
      await edge.close();
    }
    expect(await page.getByRole('button', { name: 'Unpublish' }).count()).toBe(0);
    expect(await page.locator('#live-note').count()).toBe(0);
    expect((await row('live-page')).fields).toMatchObject({ headline: 'By the author' });
    await expectAccessible(page, 'editor-unpublished');
    expectClean(page);
    await context.close();
   }, 180_000);

  it('someone else saved: the 412 becomes a clear message, the unsaved values stay, "save mine" works', async () => {
    await apiPage('conflict-page', { headline: 'First' });
    const { page, context } = await memberPage(t(), 'author');
    await page.goto(editor('conflict-page'));
    // Someone else saves meanwhile (an API key).
    const other = await api(`/v2/pages/landing/conflict-page/?locale=en`, { method: 'PATCH', key: 'write', body: JSON.stringify({ fields: { headline: 'Theirs' } }) });
    expect(other.status).toBe(202);
    await page.getByLabel('Headline').fill('Mine');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(answer.status()).toBe(412);
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code')).toBe('conflict');
    expect(await page.locator('#error-summary h2').textContent()).toBe('Someone else saved this page');
    expect(await page.getByLabel('Headline').inputValue()).toBe('Mine');
    expect((await row('conflict-page')).fields).toMatchObject({ headline: 'Theirs' });
    await expectAccessible(page, 'editor-conflict');
    await shot(page, 'editor-conflict');
    await page.getByRole('button', { name: 'Save mine over theirs' }).click();
    await expect.poll(() => flash(page)).toContain('Saved draft');
    expect((await row('conflict-page')).fields).toMatchObject({ headline: 'Mine' });
    expectClean(page);
    await context.close();
  });

  it('a refused save shows each field\'s message beside it (htmx and plain POST), keeps the values, and a fixed save clears them', async () => {
    await apiPage('invalid-page', { headline: 'Valid', rating: 3 });
    const { page, context } = await memberPage(t(), 'author');
    await page.goto(editor('invalid-page'));
    // A number field holding text (a browser's number input cannot, an old browser or a script can).
    await page.evaluate("document.getElementById('f-rating').type = 'text'");
    await page.getByLabel('Rating').fill('lots');
    await page.getByLabel('Headline').fill('Kept while refused');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(answer.status()).toBe(400);
    expect(answer.headers()['content-type']).toContain('text/html');
    expect((await answer.text()).length, 'a fragment, not the whole editor').toBeLessThan(3000);
    await expect.poll(() => page.locator('#f-rating-error').textContent()).toBe('must be a number');
    expect(await page.getByLabel('Rating').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Rating').getAttribute('aria-describedby')).toContain('f-rating-error');
    expect(await page.locator('#save-status a[href="#f-rating"]').textContent()).toBe('Rating: must be a number');
    expect(await focusedId(page)).toBe('error-summary');
    expect(await page.getByLabel('Headline').inputValue()).toBe('Kept while refused');
    expect((await row('invalid-page')).fields).toMatchObject({ headline: 'Valid', rating: 3 });
    await expectAccessible(page, 'editor-field-errors');
    await shot(page, 'editor-field-errors');
    await page.getByLabel('Rating').fill('5');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page)).toContain('Saved draft');
    expect(await page.locator('.field-error').count()).toBe(0);
    expect(await page.getByLabel('Rating').getAttribute('aria-invalid')).toBeNull();
    expect((await row('invalid-page')).fields).toMatchObject({ headline: 'Kept while refused', rating: 5 });
    // A second save from the same form: the version moved on with the first, so no conflict.
    const before = (await row('invalid-page')).version;
    await page.getByLabel('Headline').fill('Saved twice');
    const [second] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(second.status()).toBe(200);
    await expect.poll(() => page.locator('#save-status .flash-success').textContent()).toContain(`version ${before + 1}`);
    expect((await row('invalid-page')).fields).toMatchObject({ headline: 'Saved twice' });
    expect(await page.locator('#page-version').textContent()).toBe(`version ${(await row('invalid-page')).version}`);
    expectClean(page);
    await context.close();

    // Without JavaScript: the plain POST → the whole editor with the same marks (400), then a save redirects with the confirmation.
    const nojs = await newPage(t(), { javaScript: false });
    const user = await createUser(t().origin, t().origin.seed.organizationId, 'author');
    await signIn(nojs.page, user);
    await nojs.page.goto(editor('invalid-page'));
    expect(await nojs.page.locator('#save').getAttribute('hx-post')).not.toBeNull();
    await nojs.page.locator('#f-rating').evaluate((el) => el.setAttribute('type', 'text'));
    await nojs.page.getByLabel('Rating').fill('many');
    await nojs.page.getByLabel('Headline').fill('Typed without JS');
    const [plain] = await Promise.all([nojs.page.waitForResponse((r) => r.request().method() === 'POST'), nojs.page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(plain.status()).toBe(400);
    expect(await nojs.page.locator('#f-rating-error').textContent()).toBe('must be a number');
    expect(await nojs.page.getByLabel('Headline').inputValue()).toBe('Typed without JS');
    expect(await nojs.page.getByLabel('Rating').getAttribute('aria-invalid')).toBe('true');
    await nojs.page.getByLabel('Rating').fill('6');
    await nojs.page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(nojs.page)).toMatch(/Saved draft \(version \d+\)/);
    expect((await row('invalid-page')).fields).toMatchObject({ headline: 'Typed without JS', rating: 6 });
    await nojs.context.close();
  });

  it('stored XSS payloads in every field type stay inert in the list, the editor and the preview', async () => {
    const p = (n: string) => `<img src=x onerror="window.__xss='${n}'"><script>window.__xss='${n}'</script>"><svg onload=alert(1)>`;
    await apiPage(
      'xss-page',
      {
        headline: p('short'),
        summary: p('long'),
        body: `${p('rich')}<a href="javascript:alert(1)">link</a><iframe src="javascript:alert(2)"></iframe>`,
        rating: 1,
        launch: '2026-01-01',
        featured: true,
        hero: '/assets/x/y/%22onerror=alert(1).png',
        related: [],
        faq: [{ question: p('rq'), answer: p('ra') }],
        seo: { title: p('ct'), noindex: true },
      },
      `<script>window.__xss='title'</script>Payload page`,
    );
    const { page, context } = await memberPage(t(), 'owner');
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(`${screen(t(), 'pages')}?query=Payload`);
    expect(await page.locator('tbody').textContent()).toContain("<script>window.__xss='title'</script>Payload page");
    await page.goto(editor('xss-page'));
    expect(await page.getByLabel('Headline').inputValue()).toBe(p('short'));
    await page.goto(editor('xss-page', '/preview'));
    expect(await page.locator('.rich a').first().getAttribute('href')).toBeNull();
    expect(await page.locator('.rich script, .rich iframe, [onerror], [onload]').count()).toBe(0);
    await shot(page, 'editor-xss-preview');
    await page.goto(editor('xss-page', '/revisions/1'));
    expect(await page.evaluate('window.__xss === undefined')).toBe(true);
    expect(dialogs).toBe(0);
    expectClean(page);
    await context.close();
  });

  it('each role sees and can do exactly its row; forged posts get the API\'s 403 and change nothing', async () => {
    await apiPage('roles-page', { headline: 'Untouched' });
    for (const role of ROLES) {
      const { page, context } = await memberPage(t(), role);
      const answer = await page.goto(editor('roles-page'));
      if (!roleAllows(role, 'content.preview')) {
        expect(answer?.status(), role).toBe(403);
        await context.close();
        continue;
      }
      expect(await page.getByRole('button', { name: 'Save draft' }).count(), `${role} save`).toBe(roleAllows(role, 'content.write') ? 1 : 0);
      expect(await page.getByRole('button', { name: 'Publish', exact: true }).count(), `${role} publish`).toBe(roleAllows(role, 'content.publish') ? 1 : 0);
      expect(await page.getByRole('button', { name: 'Delete page' }).count(), `${role} delete`).toBe(roleAllows(role, 'content.delete') ? 1 : 0);
      await expectAccessible(page, `editor-${role}`);
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const before = await row('roles-page');
      const forge = async (action: string, path = '') =>
        (await page.request.post(editor('roles-page', path), { form: { _csrf: csrf, _action: action, _version: String(before.version), _title: 'Forged', 'f:headline': 'Forged' } })).status();
      if (!roleAllows(role, 'content.write')) expect(await forge('save'), `${role} forged save`).toBe(403);
      if (!roleAllows(role, 'content.publish')) expect(await forge('publish'), `${role} forged publish`).toBe(403);
      if (!roleAllows(role, 'content.delete')) expect(await forge('delete', '/delete'), `${role} forged delete`).toBe(403);
      const after = await row('roles-page');
      expect({ v: after.version, f: after.fields, d: after.deletedAt }, role).toEqual({ v: before.version, f: before.fields, d: before.deletedAt });
      if (role === 'viewer') await shot(page, 'editor-viewer');
      expectClean(page);
      await context.close();
    }
  });

  it('the list pages through with the API\'s parameters, filters by author, and refuses bad filters with 400', async () => {
    for (let i = 0; i < 23; i++) await apiPage(`paged-${String(i).padStart(2, '0')}`, { headline: `Paged ${i}` }, `Paged ${i}`);
    const { page, context, user } = await memberPage(t(), 'author');
    await page.goto(`${screen(t(), 'pages')}?query=Paged`);
    expect(await page.getByRole('status').first().textContent()).toContain('23 pages');
    expect(await page.locator('tbody tr').count()).toBe(20);
    await page.getByRole('link', { name: 'Next page' }).click();
    expect(await page.locator('tbody tr').count()).toBe(3);
    await expect.poll(() => page.getByRole('link', { name: 'Previous page' }).count()).toBe(1);
    // Last saved by me: none yet; after a save in the editor, exactly that page.
    await page.goto(`${screen(t(), 'pages')}?query=Paged&author=me`);
    expect(await page.locator('tbody tr').count()).toBe(0);
    await page.goto(editor('paged-07'));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page)).toContain('Saved draft');
    await page.goto(`${screen(t(), 'pages')}?query=Paged&author=me`);
    expect(await page.locator('tbody td a').allTextContents()).toEqual(['Paged 7']);
    const list = (q: string) => api(`/v2/manage/spaces/${t().origin.seed.spaceId}/pages/?${q}`, { key: 'write' });
    const byMe = (await (await list(`author=${user.id}`)).json()) as { data: { slug: string; last_saved_by_user: string }[] };
    expect(byMe.data.map((d) => [d.slug, d.last_saved_by_user])).toEqual([['paged-07', user.id]]);
    for (const bad of ['status=gone', 'page_size=101', 'page=0', 'author=nobody', 'locale=%3Cx%3E', 'query=', 'page_type=Bad!']) {
      const res = await list(bad);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { code: string }).code, bad).toBe('bad_request');
    }
    expectClean(page);
    await context.close();
  });

  it('keyboard only: Tab to a field, type, Ctrl+S saves; the confirmation is announced', async () => {
    await apiPage('keyboard-page', { headline: 'Keys' });
    const { page, context } = await memberPage(t(), 'author');
    await page.goto(editor('keyboard-page'));
    await page.getByLabel('Headline').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Typed with keys');
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Saved draft');
    expect((await row('keyboard-page')).fields).toMatchObject({ headline: 'Typed with keys' });
    // And without the shortcut: Tab from the title field back to the Save button, Enter.
    await page.getByLabel('Page title').focus();
    await page.keyboard.press('Shift+Tab');
    for (let i = 0; i < 6 && (await page.evaluate('document.activeElement && document.activeElement.id')) !== 'save'; i++) await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('save');
    await page.keyboard.press('Enter');
    await expect.poll(() => flash(page)).toContain('Saved draft');
    expectClean(page);
    await context.close();
  });

  it('a session that expires mid-edit keeps the draft: sign-in returns to the editor with the unsaved values', async () => {
    await apiPage('expiry-page', { headline: 'Before' });
    const { page, context, user } = await memberPage(t(), 'author');
    await page.goto(editor('expiry-page'));
    await page.getByLabel('Headline').fill('Typed before expiry');
    await page.getByLabel('Summary').fill('Also unsaved');
    await t().origin.database.db.delete(sessions).where(eq(sessions.userId, user.id));
    // The htmx save: no 303 into the status box, but HX-Redirect (the whole tab goes to sign-in).
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(answer.status()).toBe(204);
    expect(answer.headers()['hx-redirect']).toMatch(/^\/admin\/sign-in\?next=/);
    await page.waitForURL(/\/admin\/sign-in\?next=/);
    expect((await row('expiry-page')).fields).toMatchObject({ headline: 'Before' });
    await page.getByLabel('Email address', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/pages\/landing\/expiry-page/);
    await expect.poll(() => page.locator('#draft-restored').count()).toBe(1);
    expect(await page.getByLabel('Headline').inputValue()).toBe('Typed before expiry');
    expect(await page.getByLabel('Summary').inputValue()).toBe('Also unsaved');
    // Field values only: no token or cookie value in the browser's storage.
    const stored = (await page.evaluate('JSON.stringify(Object.entries(sessionStorage)) + JSON.stringify(Object.entries(localStorage))')) as string;
    expect(stored).toContain('Typed before expiry');
    expect(stored).not.toMatch(/csrf|ghee_session|_version/i);
    await shot(page, 'editor-draft-restored');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page)).toContain('Saved draft');
    expect((await row('expiry-page')).fields).toMatchObject({ headline: 'Typed before expiry', summary: 'Also unsaved' });
    expect(await page.evaluate("Object.keys(sessionStorage).filter((k) => k.startsWith('ghee-draft:'))")).toEqual([]);
    expectClean(page);
    await context.close();
  });
});
