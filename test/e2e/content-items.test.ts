/**
 * The collection item screens in Chromium (issue 20): the collections, a collection's items list
 * (search, filters status / locale / last saved by, pagination — the API's own parameters) and the
 * item editor generated from the collection's field schema with every collection field type.
 * Main journey: collection (API) → create an item in the editor → preview → publish → read it
 * through the Content API with a read key → edit → field-level diff → roll back → find it in the
 * list. Also: the If-Match conflict message; stored XSS payloads in every field type inert in list,
 * editor, preview and diff; each role's row (buttons shown, forged posts refused with the API's 403
 * and the database unchanged); pagination and filters; bad filters answered with the API's 400.
 * A collection reference field: a picker of the referenced collection's items, chosen by keyboard.
 * Every page: axe 0 serious/critical, 0 CSP violations / console errors / failed requests.
 */
import { and, eq } from 'drizzle-orm';
import type { Locator, Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { collectionItems, collections, sessions } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { createUser } from '../helpers/identity.js';
import { expectAccessible, expectClean, memberPage, newPage, screen, shot, signIn, useBrowser } from './browser.js';

const t = useBrowser();
/** The values of a <select>'s chosen options (no DOM types in the test's program: read through the locator). */
async function chosen(select: Locator): Promise<(string | null)[]> {
  const options = select.locator('option:checked');
  const values: (string | null)[] = [];
  for (let i = 0; i < (await options.count()); i++) values.push(await options.nth(i).getAttribute('value'));
  return values;
}

const FIELDS = [
  { name: 'question', type: 'short_text' },
  { name: 'answer', type: 'wysiwyg' },
  { name: 'notes', type: 'long_text' },
  { name: 'body_html', type: 'html' },
  { name: 'category', type: 'dropdown' },
  { name: 'rank', type: 'number' },
  { name: 'released', type: 'date' },
  { name: 'featured', type: 'checkbox' },
  { name: 'image', type: 'media' },
  { name: 'related', type: 'reference', collection: 'faq', many: true },
  { name: 'extra', type: 'json' },
];

const api = (path: string, init: RequestInit & { key?: 'admin' | 'write' | 'read' } = {}) =>
  fetch(`${t().base}${path}`, {
    ...init,
    headers: { authorization: `Token ${t().origin.seed.keys[init.key ?? 'admin']}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

let made = false;
async function collection(): Promise<void> {
  if (made) return;
  const res = await api(`/v2/manage/spaces/${t().origin.seed.spaceId}/collections/`, { method: 'POST', body: JSON.stringify({ key: 'faq', name: 'FAQ', fields: FIELDS }) });
  expect(res.status, await res.clone().text()).toBe(201);
  made = true;
}

/** Items made through the API (write key), as drafts; answers the id of the first (by its question). */
async function apiItems(fields: Record<string, unknown>[]): Promise<number> {
  await collection();
  const res = await api('/v2/content/?locale=en', { method: 'POST', key: 'write', body: JSON.stringify({ key: 'faq', status: 'draft', fields }) });
  expect(res.status, await res.clone().text()).toBe(202);
  return idOf(String(fields[0]!.question));
}

async function idOf(question: string): Promise<number> {
  const res = await api(`/v2/manage/spaces/${t().origin.seed.spaceId}/collections/faq/items/?query=${encodeURIComponent(question)}&page_size=1`, { key: 'write' });
  const body = (await res.json()) as { data: { meta: { id: number } }[] };
  return body.data[0]!.meta.id;
}

async function row(id: number) {
  const [r] = await t()
    .origin.database.db.select({ item: collectionItems })
    .from(collectionItems)
    .innerJoin(collections, eq(collections.id, collectionItems.collectionId))
    .where(and(eq(collections.spaceId, t().origin.seed.spaceId), eq(collections.key, 'faq'), eq(collectionItems.itemId, id), eq(collectionItems.locale, 'en')));
  return r!.item;
}

let rolesItem: Promise<number> | null = null;
const flash = (page: Page) => page.locator('.flash-success').first().textContent();
const editor = (id: number, rest = '') => `${screen(t(), `items/faq/${id}${rest}`)}?locale=en`;

describe('content: collection items', () => {
  it('main journey: create in the editor, preview, publish, read through the Content API, edit, diff, roll back, find in the list', async () => {
    const other = await apiItems([{ question: 'Another question' }]);
    const { page, context } = await memberPage(t(), 'owner');
    await page.goto(screen(t(), 'items'), { timeout: 30_000 });
    await expectAccessible(page, 'collections');
    await page.getByRole('link', { name: 'FAQ' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('FAQ');
    await expectAccessible(page, 'items-list');
    await page.getByRole('link', { name: 'New item' }).click();
    await page.getByLabel('Question').fill('How do I sign in?');
    await page.getByLabel('Answer').fill('<p>With <strong>a passkey</strong></p>');
    await page.getByLabel('Notes').fill('Line one\nLine two');
    await page.getByLabel('Body html').fill('<em>html</em>');
    await page.getByLabel('Category').fill('accounts');
    await page.getByLabel('Rank').fill('2.5');
    await page.getByLabel('Released').fill('2026-03-21');
    await page.getByLabel('Featured').check();
    // The media field offers the space's library (picker.js + the media-picker fragment, as the page editor's).
    const picker = page.getByText('Choose image from the media library');
    await expect.poll(() => picker.isVisible(), { timeout: 15_000 }).toBe(true);
    await picker.click();
    await expect.poll(async () => ((await page.locator('.picker-list').first().textContent()) ?? '').trim().length, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.getByLabel('Image').fill('https://images.example.test/q.jpg');
    // A reference field is a picker of the referenced collection's items (here faq itself).
    await page.getByLabel('Related').selectOption(String(other));
    await page.getByLabel('Extra (JSON)').fill('{"level": 1, "tags": ["a"]}');
    await expectAccessible(page, 'item-new');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Created draft How do I sign in?');
    const id = Number(/\/items\/faq\/(\d+)/.exec(page.url())?.[1]);
    expect(id).toBeGreaterThan(0);
    const created = await row(id);
    expect(created.status).toBe('draft');
    expect(created.fields).toMatchObject({
      question: 'How do I sign in?',
      answer: '<p>With <strong>a passkey</strong></p>',
      notes: 'Line one\nLine two',
      body_html: '<em>html</em>',
      category: 'accounts',
      rank: 2.5,
      released: '2026-03-21',
      featured: true,
      image: 'https://images.example.test/q.jpg',
      related: [other],
      extra: { level: 1, tags: ['a'] },
    });
    await expectAccessible(page, 'item-editor');
    await shot(page, 'item-editor');

    // Invalid JSON is refused before any call, the typed values kept.
    await page.getByLabel('Extra (JSON)').fill('{not json');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.locator('.error-summary').textContent(), { timeout: 15_000 }).toContain('Extra: not valid JSON');
    expect(await page.getByLabel('Extra (JSON)').inputValue()).toBe('{not json');
    expect((await row(id)).version).toBe(created.version);
    // (The typed values are kept for this tab by editor.js until a save goes through: put the JSON right.)
    await page.getByLabel('Extra (JSON)').fill('{"level": 1, "tags": ["a"]}');

    await page.getByRole('link', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('.rich strong').first().textContent(), { timeout: 15_000 }).toBe('a passkey');
    await expectAccessible(page, 'item-preview');
    await page.getByRole('link', { name: 'Back to the editor' }).click();

    expect((await api(`/v2/content/faq/${id}/`, { key: 'read' })).status).toBe(404);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Published');
    const live = await api(`/v2/content/faq/${id}/`, { key: 'read' });
    expect(live.status).toBe(200);
    expect(((await live.json()) as { data: { faq: { question: string; rank: number }[] } }).data.faq[0]).toMatchObject({ question: 'How do I sign in?', rank: 2.5 });

    // A published item's save keeps it published (collections hold no draft over a live item): the change is live.
    expect(await page.getByRole('button', { name: 'Save draft' }).count()).toBe(0);
    await page.getByLabel('Question').fill('How do I sign in today?');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toMatch(/Saved \(version \d+\)/);
    expect((await row(id)).fields).toMatchObject({ question: 'How do I sign in today?' });
    expect(((await (await api(`/v2/content/faq/${id}/`, { key: 'read' })).json()) as { data: { faq: { question: string }[] } }).data.faq[0]!.question).toBe('How do I sign in today?');

    await page.getByRole('link', { name: 'History' }).click();
    await expectAccessible(page, 'item-history');
    await page.getByRole('link', { name: 'Version 1', exact: true }).click();
    await expect.poll(() => page.locator('tr.changed th').allTextContents(), { timeout: 15_000 }).toEqual(['Title', 'Question']);
    await expectAccessible(page, 'item-diff');
    await shot(page, 'item-diff');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Rolled back to version 1');
    expect((await row(id)).fields).toMatchObject({ question: 'How do I sign in?' });

    await page.goto(`${screen(t(), 'items/faq')}?query=sign&locale=en`);
    expect(await page.locator('tbody td a').allTextContents()).toEqual(['How do I sign in?']);
    await page.getByLabel('Status').selectOption('published');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(0);
    await page.goto(screen(t(), 'items/faq'));
    await shot(page, 'items-list');
    expectClean(page);
    await context.close();
  });

  it('someone else saved: the 412 becomes a clear message, the unsaved values stay, "save mine" works', async () => {
    const id = await apiItems([{ question: 'Conflict first' }]);
    const { page, context } = await memberPage(t(), 'author');
    await page.goto(editor(id), { timeout: 30_000 });
    const other = await api(`/v2/content/faq/${id}/?locale=en`, { method: 'PATCH', key: 'write', body: JSON.stringify({ fields: { question: 'Conflict theirs' } }) });
    expect(other.status).toBe(202);
    await page.getByLabel('Question').fill('Conflict mine');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 15_000 }), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(answer.status()).toBe(412);
    // The save is an htmx request answered by a fragment: the form (and what was typed) is never reloaded.
    expect(answer.request().headers()['hx-request']).toBe('true');
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code'), { timeout: 15_000 }).toBe('conflict');
    expect(await page.locator('#error-summary h2').textContent()).toBe('Someone else saved this item');
    expect(await page.getByLabel('Question').inputValue()).toBe('Conflict mine');
    expect((await row(id)).fields).toMatchObject({ question: 'Conflict theirs' });
    await expectAccessible(page, 'item-conflict');
    await page.getByRole('button', { name: 'Save mine over theirs' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Saved draft');
    expect((await row(id)).fields).toMatchObject({ question: 'Conflict mine' });
    // The next save is based on the version the last one made (#version-slot): no conflict.
    await page.getByLabel('Question').fill('Conflict mine again');
    const [again] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 15_000 }), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(again.status()).toBe(200);
    await expect.poll(() => page.locator('#save-status .flash-success').textContent(), { timeout: 15_000 }).toMatch(/Saved draft \(version \d+\)/);
    expect((await row(id)).fields).toMatchObject({ question: 'Conflict mine again' });
    expectClean(page);
    await context.close();
  });

  it('stored XSS payloads in every field type stay inert in the list, the editor, the preview and the diff', async () => {
    const p = (n: string) => `<img src=x onerror="window.__xss='${n}'"><script>window.__xss='${n}'</script>"><svg onload=alert(1)>`;
    const id = await apiItems([
      {
        question: `${p('short')}Payload item`,
        answer: `${p('rich')}<a href="javascript:alert(1)">link</a><iframe src="javascript:alert(2)"></iframe>`,
        notes: p('long'),
        body_html: `${p('html')}<a href="javascript:alert(3)">x</a>`,
        category: p('dropdown'),
        rank: 1,
        released: p('date'),
        featured: true,
        image: '/assets/x/y/%22onerror=alert(1).png',
        related: [],
        extra: { html: p('json'), nested: [p('json2')] },
      },
    ]);
    const { page, context } = await memberPage(t(), 'owner');
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(`${screen(t(), 'items/faq')}?query=Payload`, { timeout: 30_000 });
    expect(await page.locator('tbody').textContent()).toContain(`${p('short')}Payload item`);
    await page.goto(editor(id));
    expect(await page.getByLabel('Question').inputValue()).toBe(`${p('short')}Payload item`);
    expect(await page.getByLabel('Notes').inputValue()).toBe(p('long'));
    expect(await page.getByLabel('Category').inputValue()).toBe(p('dropdown'));
    await page.goto(editor(id, '/preview'));
    expect(await page.locator('.rich a').first().getAttribute('href')).toBeNull();
    expect(await page.locator('.rich script, .rich iframe, [onerror], [onload]').count()).toBe(0);
    await page.goto(editor(id, '/revisions/1'));
    await page.goto(editor(id, '/revisions'));
    expect(await page.evaluate('window.__xss === undefined')).toBe(true);
    expect(dialogs).toBe(0);
    expectClean(page);
    await context.close();
  });

  // One test per role (each its own time budget: a sign-in, the editor and axe per role).
  it.each(ROLES)('%s sees and can do exactly its row; forged posts get the API\'s 403 and change nothing', async (role) => {
    rolesItem ??= apiItems([{ question: 'Roles untouched' }]);
    const id = await rolesItem;
    const { page, context } = await memberPage(t(), role);
    const answer = await page.goto(editor(id), { timeout: 30_000 });
    if (!roleAllows(role, 'content.preview')) {
      expect(answer?.status(), role).toBe(403);
      expect((await page.goto(screen(t(), 'items/faq')))?.status(), `${role} list`).toBe(403);
      await context.close();
      return;
    }
    expect(await page.getByRole('button', { name: 'Save draft' }).count(), `${role} save`).toBe(roleAllows(role, 'content.write') ? 1 : 0);
    expect(await page.getByRole('button', { name: 'Publish', exact: true }).count(), `${role} publish`).toBe(roleAllows(role, 'content.publish') ? 1 : 0);
    expect(await page.getByRole('button', { name: 'Delete item' }).count(), `${role} delete`).toBe(roleAllows(role, 'content.delete') ? 1 : 0);
    await expectAccessible(page, `item-editor-${role}`);
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    await page.goto(screen(t(), 'items/faq'));
    expect(await page.getByRole('link', { name: 'New item' }).count(), `${role} new`).toBe(roleAllows(role, 'content.write') ? 1 : 0);
    const before = await row(id);
    const forge = async (action: string, path = '') =>
      (await page.request.post(editor(id, path), { form: { _csrf: csrf, _action: action, _version: String(before.version), 'f:question': 'Forged' } })).status();
    if (!roleAllows(role, 'content.write')) {
      expect(await forge('save'), `${role} forged save`).toBe(403);
      const created = await page.request.post(screen(t(), 'items/faq/new'), { form: { _csrf: csrf, _locale: 'en', 'f:question': 'Forged new' } });
      expect(created.status(), `${role} forged create`).toBe(403);
    }
    if (!roleAllows(role, 'content.publish')) expect(await forge('publish'), `${role} forged publish`).toBe(403);
    if (!roleAllows(role, 'content.delete')) expect(await forge('delete', '/delete'), `${role} forged delete`).toBe(403);
    const after = await row(id);
    expect({ v: after.version, f: after.fields, d: after.deletedAt, s: after.status }, role).toEqual({ v: before.version, f: before.fields, d: before.deletedAt, s: before.status });
    if (role === 'viewer') {
      await page.goto(editor(id));
      await shot(page, 'item-viewer');
    }
    expectClean(page);
    await context.close();
  });

  it('the list pages through, filters by who saved last and by status, deletes and restores, and shows the API\'s 400 for a bad filter', async () => {
    await apiItems(Array.from({ length: 23 }, (_, i) => ({ question: `Paged ${String(i).padStart(2, '0')}` })));
    const { page, context } = await memberPage(t(), 'owner');
    await page.goto(`${screen(t(), 'items/faq')}?query=Paged`, { timeout: 30_000 });
    expect(await page.getByRole('status').first().textContent()).toContain('23 items');
    expect(await page.locator('tbody tr').count()).toBe(20);
    await page.getByRole('link', { name: 'Next page' }).click();
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(3);
    expect(await page.getByRole('link', { name: 'Previous page' }).count()).toBe(1);
    await page.goto(`${screen(t(), 'items/faq')}?query=Paged&author=me`);
    expect(await page.locator('tbody tr').count()).toBe(0);
    const id = await idOf('Paged 07');
    await page.goto(editor(id));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Saved draft');
    await page.goto(`${screen(t(), 'items/faq')}?query=Paged&author=me`);
    expect(await page.locator('tbody td a').allTextContents()).toEqual(['Paged 07']);

    await page.goto(editor(id));
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete item' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain(`Deleted item ${id}`);
    expect((await row(id)).deletedAt).not.toBeNull();
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: 'Restore Paged 07' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain(`Restored item ${id}`);
    expect((await row(id)).deletedAt).toBeNull();

    const bad = await page.goto(`${screen(t(), 'items/faq')}?status=gone`);
    expect(bad?.status()).toBe(400);
    expect(await page.locator('body').textContent()).toContain('status must be one of');
    expectClean(page);
    await context.close();
  });

  it('a session that expires mid-edit keeps the draft: sign-in returns to the editor with the unsaved values', async () => {
    const id = await apiItems([{ question: 'Expiry before' }]);
    const { page, context, user } = await memberPage(t(), 'author');
    await page.goto(editor(id), { timeout: 30_000 });
    await page.getByLabel('Question').fill('Expiry typed');
    await page.getByLabel('Notes').fill('Also unsaved');
    await t().origin.database.db.delete(sessions).where(eq(sessions.userId, user.id));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/admin\/sign-in\?next=/, { timeout: 15_000 });
    expect((await row(id)).fields).toMatchObject({ question: 'Expiry before' });
    await page.getByLabel('Email address', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((u) => u.pathname.endsWith(`/items/faq/${id}`), { timeout: 15_000 });
    await expect.poll(() => page.locator('#draft-restored').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByLabel('Question').inputValue()).toBe('Expiry typed');
    const stored = (await page.evaluate('JSON.stringify(Object.entries(sessionStorage)) + JSON.stringify(Object.entries(localStorage))')) as string;
    expect(stored).not.toMatch(/csrf|ghee_session|_version/i);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Saved draft');
    expect((await row(id)).fields).toMatchObject({ question: 'Expiry typed', notes: 'Also unsaved' });
    expectClean(page);
    await context.close();
  });

  it('a publisher unpublishes a published item and schedules it; the list filters it as scheduled', async () => {
    const id = await apiItems([{ question: 'Schedule me' }]);
    expect((await api(`/v2/content/faq/${id}/?locale=en`, { method: 'PATCH', key: 'write', body: JSON.stringify({ status: 'published' }) })).status).toBe(202);
    const { page, context } = await memberPage(t(), 'publisher');
    await page.goto(editor(id), { timeout: 30_000 });
    await page.getByRole('button', { name: 'Unpublish' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Unpublished');
    expect((await row(id)).status).toBe('draft');
    expect((await api(`/v2/content/faq/${id}/`, { key: 'read' })).status).toBe(404);
    const at = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
    await page.getByLabel('Publish at (UTC)').fill(at);
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Scheduled');
    const scheduled = await row(id);
    expect(scheduled.status).toBe('scheduled');
    expect(scheduled.scheduledAt?.toISOString().slice(0, 16)).toBe(at);
    await page.goto(`${screen(t(), 'items/faq')}?status=scheduled`);
    expect(await page.locator('tbody td a').allTextContents()).toEqual(['Schedule me']);
    expectClean(page);
    await context.close();
  });

  it('a value the API refuses is named beside its field, the typed values kept, nothing saved', async () => {
    const id = await apiItems([{ question: 'Refused value' }]);
    const { page, context } = await memberPage(t(), 'author');
    await page.goto(editor(id), { timeout: 30_000 });
    await page.getByLabel('Question').fill('Refused value, edited');
    await page.getByLabel('Image').fill('javascript:alert(1)');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 15_000 }), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(answer.status()).toBe(400);
    await expect.poll(() => page.locator('#f-image-error').textContent(), { timeout: 15_000 }).toMatch(/URL/);
    expect(await page.getByLabel('Image').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#error-summary').getAttribute('data-code')).toBe('bad_request');
    expect(await page.getByLabel('Question').inputValue()).toBe('Refused value, edited');
    expect((await row(id)).fields).toMatchObject({ question: 'Refused value' });
    await expectAccessible(page, 'item-refused');
    expectClean(page);
    await context.close();
  });

  it('without JavaScript the editor still saves (a plain POST, redirect, confirmation) and names a refused field', async () => {
    const id = await apiItems([{ question: 'No script' }]);
    const user = await createUser(t().origin, t().origin.seed.organizationId, 'author');
    const { page, context } = await newPage(t(), { javaScript: false });
    await signIn(page, user);
    await page.goto(editor(id), { timeout: 30_000 });
    await page.getByLabel('Question').fill('No script, saved');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toMatch(/Saved draft \(version \d+\)/);
    expect((await row(id)).fields).toMatchObject({ question: 'No script, saved' });
    await page.getByLabel('Image').fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.locator('#f-image-error').textContent(), { timeout: 15_000 }).toMatch(/URL/);
    expect(await page.getByLabel('Image').getAttribute('aria-invalid')).toBe('true');
    expectClean(page);
    await context.close();
  });

  it('a reference to another collection is a picker of its items: chosen by keyboard, saved, read back through the API', async () => {
    const spaceId = t().origin.seed.spaceId;
    for (const body of [
      { key: 'topics', name: 'Topics', fields: [{ name: 'title', type: 'short_text' }] },
      { key: 'words', name: 'Words', fields: [{ name: 'word', type: 'short_text' }] },
      {
        key: 'guides',
        name: 'Guides',
        fields: [
          { name: 'heading', type: 'short_text' },
          { name: 'topics', type: 'reference', collection: 'topics', many: true },
          { name: 'word', type: 'reference', collection: 'words' },
        ],
      },
    ]) {
      const res = await api(`/v2/manage/spaces/${spaceId}/collections/`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const make = async (key: string, fields: Record<string, unknown>[]) => {
      const res = await api('/v2/content/?locale=en', { method: 'POST', key: 'write', body: JSON.stringify({ key, status: 'draft', fields }) });
      expect(res.status, await res.clone().text()).toBe(202);
      const list = await api(`/v2/manage/spaces/${spaceId}/collections/${key}/items/?page_size=100`, { key: 'write' });
      return new Map(((await list.json()) as { data: { meta: { id: number }; label: string }[] }).data.map((e) => [e.label, e.meta.id]));
    };
    const topics = await make('topics', [{ title: 'Billing' }, { title: 'Accounts' }]);
    const guide = (await make('guides', [{ heading: 'Guide one', topics: [] }])).get('Guide one')!;
    const billing = topics.get('Billing')!;
    await make('words', Array.from({ length: 100 }, (_, i) => ({ word: `w${i}` }))); // (a create takes at most 100)
    await make('words', [{ word: 'w100' }]);
    const { page, context } = await memberPage(t(), 'author');
    await page.goto(`${screen(t(), `items/guides/${guide}`)}?locale=en`, { timeout: 30_000 });
    const picker = page.getByLabel('Topics');
    expect(await picker.locator('option').allTextContents()).toEqual([`Accounts (#${topics.get('Accounts')!})`, `Billing (#${billing})`]);
    expect(await page.locator('fieldset legend', { hasText: 'Topics' }).count()).toBe(1);
    // A collection of more than 100 items keeps the typed ids, and says why.
    expect(await page.getByLabel('Word').evaluate((el) => el.tagName)).toBe('INPUT');
    expect((await page.getByLabel('Word').getAttribute('type')) ?? 'text').toBe('text');
    expect(await page.locator('#f-word-hint').textContent()).toContain('more than 100 items');
    // By keyboard: Tab from the heading into the list, arrow down to Billing.
    await page.getByLabel('Heading').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('f-topics');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await chosen(picker)).toEqual([String(billing)]);
    await expectAccessible(page, 'item-reference-picker');
    await shot(page, 'item-reference-picker');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 15_000 }), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(answer.status()).toBe(200);
    const read = await api(`/v2/content/guides/${guide}/?locale=en&preview=1`, { key: 'write' });
    expect(read.status).toBe(200);
    // The Content API answers the reference expanded: the chosen item, and only it.
    const item = ((await read.json()) as { data: { guides: { topics: unknown }[] } }).data.guides[0]!;
    expect(item.topics).toEqual([{ meta: { id: billing }, title: 'Billing' }]);
    // The editor shows the saved reference chosen again.
    await page.goto(`${screen(t(), `items/guides/${guide}`)}?locale=en`, { timeout: 30_000 });
    expect(await chosen(picker)).toEqual([String(billing)]);
    expectClean(page);
    await context.close();
  });
});
