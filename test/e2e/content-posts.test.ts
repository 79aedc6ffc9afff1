/**
 * The blog post screens in Chromium (issue 20): the posts list (search, filters status / last saved
 * by / blog author / category / tag, pagination — the API's own parameters) and the post editor
 * (title, slug, body, summary, author, categories, tags, featured image and alt, SEO title, meta
 * description). Main journey: create a post in the editor → preview → publish → read it through
 * the Content API with a read key → edit → field-level diff → roll back → find it in the list.
 * Also: the If-Match conflict message; stored XSS payloads in every field inert in list, editor,
 * preview and diff; each role's row (buttons shown, forged posts refused with the API's 403 and the
 * database unchanged); pagination, delete and restore, the API's 400 for a bad filter.
 * Every page: axe 0 serious/critical, 0 CSP violations / console errors / failed requests.
 */
import { and, eq } from 'drizzle-orm';
import type { Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { posts, sessions } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { expectAccessible, expectClean, memberPage, screen, shot, useBrowser } from './browser.js';

const t = useBrowser();

const api = (path: string, init: RequestInit & { key?: 'admin' | 'write' | 'read' } = {}) =>
  fetch(`${t().base}${path}`, {
    ...init,
    headers: { authorization: `Token ${t().origin.seed.keys[init.key ?? 'admin']}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

let authorMade = false;
async function blogAuthor(): Promise<void> {
  if (authorMade) return;
  const res = await api(`/v2/manage/spaces/${t().origin.seed.spaceId}/authors/`, { method: 'POST', body: JSON.stringify({ slug: 'jane-doe', first_name: 'Jane', last_name: 'Doe' }) });
  expect(res.status, await res.clone().text()).toBe(201);
  authorMade = true;
}

async function apiPost(post: Record<string, unknown>): Promise<void> {
  const res = await api('/v2/posts/', { method: 'POST', key: 'write', body: JSON.stringify({ status: 'draft', ...post }) });
  expect(res.status, await res.clone().text()).toBe(202);
}

async function row(slug: string) {
  const [r] = await t()
    .origin.database.db.select()
    .from(posts)
    .where(and(eq(posts.spaceId, t().origin.seed.spaceId), eq(posts.slug, slug)));
  return r!;
}

let rolesPost: Promise<void> | null = null;
const flash = (page: Page) => page.locator('.flash-success').first().textContent();
const editor = (slug: string, rest = '') => screen(t(), `posts/${slug}${rest}`);

describe('content: blog posts', () => {
  it('main journey: create in the editor, preview, publish, read through the Content API, edit, diff, roll back, find in the list', async () => {
    await blogAuthor();
    const { page, context } = await memberPage(t(), 'owner');
    await page.goto(screen(t(), 'posts'), { timeout: 30_000 });
    await expectAccessible(page, 'posts-list');
    await page.getByRole('link', { name: 'New post' }).click();
    await page.getByLabel('Post title').fill('Butter season');
    await page.getByLabel('Slug', { exact: true }).fill('butter-season');
    await page.getByLabel('Body').fill('<p>Churn <strong>now</strong></p>');
    await page.getByLabel('Summary').fill('Why now');
    await page.getByLabel('Author (slug)').fill('jane-doe');
    await page.getByLabel('Categories (comma-separated)').fill('Recipes, Dairy news');
    await page.getByLabel('Tags (comma-separated)').fill('butter');
    // The media field offers the space's library (picker.js + the media-picker fragment, as the page editor's).
    const picker = page.getByText('Choose featured image from the media library');
    await expect.poll(() => picker.isVisible(), { timeout: 15_000 }).toBe(true);
    await picker.click();
    await expect.poll(async () => ((await page.locator('.picker-list').first().textContent()) ?? '').trim().length, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.getByLabel('Featured image', { exact: true }).fill('https://images.example.test/butter.jpg');
    await page.getByLabel('Featured image alt text').fill('A block of butter');
    await page.getByLabel('SEO title').fill('Butter season | Demo');
    await page.getByLabel('Meta description').fill('All about churning');
    await expectAccessible(page, 'post-new');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Created draft Butter season');
    expect(page.url()).toMatch(/\/posts\/butter-season$/);
    const created = await row('butter-season');
    expect(created).toMatchObject({
      status: 'draft',
      title: 'Butter season',
      body: '<p>Churn <strong>now</strong></p>',
      summary: 'Why now',
      featuredImage: 'https://images.example.test/butter.jpg',
      featuredImageAlt: 'A block of butter',
      seoTitle: 'Butter season | Demo',
      metaDescription: 'All about churning',
    });
    const managed = (await (await api('/v2/manage/posts/butter-season/', { key: 'write' })).json()) as { data: { author: { slug: string }; categories: { name: string }[]; tags: { name: string }[] } };
    expect(managed.data.author.slug).toBe('jane-doe');
    expect(managed.data.categories.map((c) => c.name).sort()).toEqual(['Dairy news', 'Recipes']);
    expect(managed.data.tags.map((c) => c.name)).toEqual(['butter']);
    expect(await page.getByLabel('Categories (comma-separated)').inputValue()).toMatch(/Recipes/);
    await expectAccessible(page, 'post-editor');
    await shot(page, 'post-editor');

    await page.getByRole('link', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('.rich strong').first().textContent(), { timeout: 15_000 }).toBe('now');
    await expectAccessible(page, 'post-preview');
    await page.getByRole('link', { name: 'Back to the editor' }).click();

    expect((await api('/v2/posts/butter-season/', { key: 'read' })).status).toBe(404);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Published');
    const live = await api('/v2/posts/butter-season/', { key: 'read' });
    expect(live.status).toBe(200);
    expect(((await live.json()) as { data: Record<string, unknown> }).data).toMatchObject({ title: 'Butter season', summary: 'Why now', author: { slug: 'jane-doe' }, tags: [{ name: 'butter' }] });

    await page.getByLabel('Post title').fill('Butter season is here');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toMatch(/Saved draft \(version \d+\)/);
    expect(await row('butter-season')).toMatchObject({ title: 'Butter season is here', status: 'draft' });
    // A draft over the published post: readers still get the published version.
    expect(((await (await api('/v2/posts/butter-season/', { key: 'read' })).json()) as { data: { title: string } }).data.title).toBe('Butter season');

    await page.getByRole('link', { name: 'History' }).click();
    await expectAccessible(page, 'post-history');
    await page.getByRole('link', { name: 'Version 1', exact: true }).click();
    await expect.poll(() => page.locator('tr.changed th').allTextContents(), { timeout: 15_000 }).toEqual(['Title']);
    await expectAccessible(page, 'post-diff');
    await shot(page, 'post-diff');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Rolled back to version 1');
    expect((await row('butter-season')).title).toBe('Butter season');

    await page.goto(`${screen(t(), 'posts')}?query=butter&tag_slug=butter&author_slug=jane-doe&category_slug=recipes`);
    expect(await page.locator('tbody td a').allTextContents()).toEqual(['Butter season']);
    await page.getByLabel('Status').selectOption('scheduled');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(0);
    await page.goto(screen(t(), 'posts'));
    await shot(page, 'posts-list');
    expectClean(page);
    await context.close();
  });

  it('someone else saved: the 412 becomes a clear message, the unsaved values stay, "save mine" works', async () => {
    await apiPost({ title: 'Conflict first', slug: 'conflict-post' });
    const { page, context } = await memberPage(t(), 'author');
    await page.goto(editor('conflict-post'), { timeout: 30_000 });
    const other = await api('/v2/posts/conflict-post/', { method: 'PATCH', key: 'write', body: JSON.stringify({ summary: 'Theirs' }) });
    expect(other.status).toBe(202);
    await page.getByLabel('Summary').fill('Mine');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 15_000 }), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(answer.status()).toBe(412);
    // The save is an htmx request answered by a fragment: the form (and what was typed) is never reloaded.
    expect(answer.request().headers()['hx-request']).toBe('true');
    await expect.poll(() => page.locator('#error-summary').getAttribute('data-code'), { timeout: 15_000 }).toBe('conflict');
    expect(await page.locator('#error-summary h2').textContent()).toBe('Someone else saved this post');
    expect(await page.getByLabel('Summary').inputValue()).toBe('Mine');
    expect((await row('conflict-post')).summary).toBe('Theirs');
    await expectAccessible(page, 'post-conflict');
    await page.getByRole('button', { name: 'Save mine over theirs' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Saved draft');
    expect((await row('conflict-post')).summary).toBe('Mine');
    // The next save is based on the version the last one made (#version-slot): no conflict.
    await page.getByLabel('Summary').fill('Mine again');
    const [again] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 15_000 }), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(again.status()).toBe(200);
    await expect.poll(() => page.locator('#save-status .flash-success').textContent(), { timeout: 15_000 }).toMatch(/Saved draft \(version \d+\)/);
    expect((await row('conflict-post')).summary).toBe('Mine again');
    expectClean(page);
    await context.close();
  });

  it('stored XSS payloads in every field stay inert in the list, the editor, the preview and the diff', async () => {
    const p = (n: string) => `<img src=x onerror="window.__xss='${n}'"><script>window.__xss='${n}'</script>"><svg onload=alert(1)>`;
    await apiPost({
      title: `${p('title')}Payload post`,
      slug: 'xss-post',
      body: `${p('body')}<a href="javascript:alert(1)">link</a><iframe src="javascript:alert(2)"></iframe>`,
      summary: p('summary'),
      seo_title: p('seo'),
      meta_description: p('meta'),
      featured_image_alt: p('alt'),
      categories: [p('cat')],
      tags: [p('tag')],
    });
    const patched = await api('/v2/posts/xss-post/', { method: 'PATCH', key: 'write', body: JSON.stringify({ summary: `${p('summary2')} changed` }) });
    expect(patched.status, await patched.clone().text()).toBe(202);
    const { page, context } = await memberPage(t(), 'owner');
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(`${screen(t(), 'posts')}?query=Payload`, { timeout: 30_000 });
    expect(await page.locator('tbody').textContent()).toContain(`${p('title')}Payload post`);
    await page.goto(editor('xss-post'));
    expect(await page.getByLabel('Post title').inputValue()).toBe(`${p('title')}Payload post`);
    expect(await page.getByLabel('SEO title').inputValue()).toBe(p('seo'));
    expect(await page.getByLabel('Tags (comma-separated)').inputValue()).toContain('<script>');
    await page.goto(editor('xss-post', '/preview'));
    expect(await page.locator('.rich a').first().getAttribute('href')).toBeNull();
    expect(await page.locator('.rich script, .rich iframe, [onerror], [onload]').count()).toBe(0);
    await page.goto(editor('xss-post', '/revisions/1'));
    expect(await page.locator('tr.changed th').allTextContents()).toEqual(['Summary']);
    await page.goto(editor('xss-post', '/revisions'));
    expect(await page.evaluate('window.__xss === undefined')).toBe(true);
    expect(dialogs).toBe(0);
    expectClean(page);
    await context.close();
  });

  // One test per role (each its own time budget: a sign-in, the editor and axe per role).
  it.each(ROLES)('%s sees and can do exactly its row; forged posts get the API\'s 403 and change nothing', async (role) => {
    rolesPost ??= apiPost({ title: 'Roles untouched', slug: 'roles-post' });
    await rolesPost;
    const { page, context } = await memberPage(t(), role);
    const answer = await page.goto(editor('roles-post'), { timeout: 30_000 });
    if (!roleAllows(role, 'content.preview')) {
      expect(answer?.status(), role).toBe(403);
      expect((await page.goto(screen(t(), 'posts')))?.status(), `${role} list`).toBe(403);
      await context.close();
      return;
    }
    expect(await page.getByRole('button', { name: 'Save draft' }).count(), `${role} save`).toBe(roleAllows(role, 'content.write') ? 1 : 0);
    expect(await page.getByRole('button', { name: 'Publish', exact: true }).count(), `${role} publish`).toBe(roleAllows(role, 'content.publish') ? 1 : 0);
    expect(await page.getByRole('button', { name: 'Delete post' }).count(), `${role} delete`).toBe(roleAllows(role, 'content.delete') ? 1 : 0);
    await expectAccessible(page, `post-editor-${role}`);
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    await page.goto(screen(t(), 'posts'));
    expect(await page.getByRole('link', { name: 'New post' }).count(), `${role} new`).toBe(roleAllows(role, 'content.write') ? 1 : 0);
    const before = await row('roles-post');
    const forge = async (action: string, path = '') => (await page.request.post(editor('roles-post', path), { form: { _csrf: csrf, _action: action, _version: String(before.version), _title: 'Forged' } })).status();
    if (!roleAllows(role, 'content.write')) {
      expect(await forge('save'), `${role} forged save`).toBe(403);
      const created = await page.request.post(screen(t(), 'posts/_new'), { form: { _csrf: csrf, _title: 'Forged new', _slug: `forged-${role}` } });
      expect(created.status(), `${role} forged create`).toBe(403);
      expect(await t().origin.database.db.select().from(posts).where(eq(posts.slug, `forged-${role}`))).toEqual([]);
    }
    if (!roleAllows(role, 'content.publish')) expect(await forge('publish'), `${role} forged publish`).toBe(403);
    if (!roleAllows(role, 'content.delete')) expect(await forge('delete', '/delete'), `${role} forged delete`).toBe(403);
    const after = await row('roles-post');
    expect({ v: after.version, t: after.title, d: after.deletedAt, s: after.status }, role).toEqual({ v: before.version, t: before.title, d: before.deletedAt, s: before.status });
    expectClean(page);
    await context.close();
  });

  it('the list pages through, filters by who saved last, deletes and restores, and shows the API\'s 400 for a bad filter', async () => {
    for (let i = 0; i < 23; i++) await apiPost({ title: `Paged ${String(i).padStart(2, '0')}`, slug: `paged-${i}` });
    const { page, context } = await memberPage(t(), 'owner');
    await page.goto(`${screen(t(), 'posts')}?query=Paged`, { timeout: 30_000 });
    expect(await page.getByRole('status').first().textContent()).toContain('23 posts');
    expect(await page.locator('tbody tr').count()).toBe(20);
    await page.getByRole('link', { name: 'Next page' }).click();
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(3);
    expect(await page.getByRole('link', { name: 'Previous page' }).count()).toBe(1);
    await page.goto(`${screen(t(), 'posts')}?query=Paged&author=me`);
    expect(await page.locator('tbody tr').count()).toBe(0);
    await page.goto(editor('paged-7'));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Saved draft');
    await page.goto(`${screen(t(), 'posts')}?query=Paged&author=me`);
    expect(await page.locator('tbody td a').allTextContents()).toEqual(['Paged 07']);

    await page.goto(editor('paged-7'));
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete post' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Deleted paged-7');
    expect((await row('paged-7')).deletedAt).not.toBeNull();
    await page.getByRole('button', { name: 'Restore Paged 07' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Restored paged-7');
    expect((await row('paged-7')).deletedAt).toBeNull();

    const bad = await page.goto(`${screen(t(), 'posts')}?tag_slug=${encodeURIComponent('a b')}`);
    expect(bad?.status()).toBe(400);
    expectClean(page);
    await context.close();
  });

  it('a session that expires mid-edit keeps the draft: sign-in returns to the editor with the unsaved values', async () => {
    await apiPost({ title: 'Expiry before', slug: 'expiry-post' });
    const { page, context, user } = await memberPage(t(), 'author');
    await page.goto(editor('expiry-post'), { timeout: 30_000 });
    await page.getByLabel('Summary').fill('Typed before expiry');
    await t().origin.database.db.delete(sessions).where(eq(sessions.userId, user.id));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/admin\/sign-in\?next=/, { timeout: 15_000 });
    expect((await row('expiry-post')).summary).toBe('');
    await page.getByLabel('Email address', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/posts\/expiry-post/, { timeout: 15_000 });
    await expect.poll(() => page.locator('#draft-restored').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByLabel('Summary').inputValue()).toBe('Typed before expiry');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Saved draft');
    expect((await row('expiry-post')).summary).toBe('Typed before expiry');
    expectClean(page);
    await context.close();
  });

  it('a publisher saves a draft over a published post (the published version stays live, the editor says so), schedules it, saves it still scheduled, unschedules and schedules again', async () => {
    await apiPost({ title: 'Schedule me', slug: 'schedule-post', status: 'published' });
    const { page, context } = await memberPage(t(), 'publisher');
    await page.goto(editor('schedule-post'), { timeout: 30_000 });
    expect(await page.getByRole('button', { name: 'Unpublish' }).count()).toBe(1);
    expect(await page.locator('#live-note').count()).toBe(0);
    await page.getByLabel('Post title').fill('Schedule me later');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Saved draft');
    expect((await row('schedule-post')).status).toBe('draft');
    const live = await api('/v2/posts/schedule-post/', { key: 'read' });
    expect(((await live.json()) as { data: { title: string } }).data.title).toBe('Schedule me');
    expect(await page.locator('#live-note').textContent()).toContain('A published version is live; Publish replaces it, Unpublish takes it down.');
    const at = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
    await page.getByLabel('Publish at (UTC)').fill(at);
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Scheduled');
    const scheduled = await row('schedule-post');
    expect(scheduled.status).toBe('scheduled');
    expect(scheduled.scheduledAt?.toISOString().slice(0, 16)).toBe(at);
    // Saving a scheduled post keeps its schedule (the scheduler will publish what was saved); Unschedule drops it.
    expect(await page.getByRole('button', { name: 'Save draft' }).count()).toBe(0);
    await page.getByLabel('Post title').fill('Schedule me even later');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Saved; still scheduled');
    const kept = await row('schedule-post');
    expect({ status: kept.status, at: kept.scheduledAt?.toISOString(), title: kept.title }).toEqual({ status: 'scheduled', at: scheduled.scheduledAt?.toISOString(), title: 'Schedule me even later' });
    await page.getByRole('button', { name: 'Unschedule' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Unscheduled');
    expect(await row('schedule-post')).toMatchObject({ status: 'draft', scheduledAt: null });
    await page.getByRole('button', { name: 'Schedule', exact: true }).waitFor({ timeout: 15_000 });
    await page.getByLabel('Publish at (UTC)').fill(at);
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Scheduled');
    await page.goto(`${screen(t(), 'posts')}?status=scheduled`);
    expect(await page.locator('tbody td a').allTextContents()).toEqual(['Schedule me even later']);
    await expectAccessible(page, 'posts-scheduled');
    expectClean(page);
    await context.close();
  });

  it('a publisher unpublishes a published post: read keys get 404, the working copy stays; an author sees no Unpublish', async () => {
    await apiPost({ title: 'Take me down', slug: 'unpublish-post', status: 'published' });
    expect((await api('/v2/posts/unpublish-post/', { key: 'read' })).status).toBe(200);
    const author = await memberPage(t(), 'author');
    await author.page.goto(editor('unpublish-post'), { timeout: 30_000 });
    expect(await author.page.getByRole('button', { name: 'Unpublish' }).count()).toBe(0);
    await author.context.close();
    const { page, context } = await memberPage(t(), 'publisher');
    await page.goto(editor('unpublish-post'), { timeout: 30_000 });
    await page.getByLabel('Post title').fill('Taken down');
    await page.getByRole('button', { name: 'Unpublish' }).click();
    await expect.poll(() => flash(page), { timeout: 15_000 }).toContain('Unpublished');
    await expect.poll(async () => (await api('/v2/posts/unpublish-post/', { key: 'read' })).status, { timeout: 15_000 }).toBe(404);
    const r = await row('unpublish-post');
    expect({ status: r.status, title: r.title, published: r.published }).toEqual({ status: 'draft', title: 'Taken down', published: null });
    expect(await page.getByRole('button', { name: 'Unpublish' }).count()).toBe(0);
    expect(await page.locator('#live-note').count()).toBe(0);
    await expectAccessible(page, 'post-unpublished');
    expectClean(page);
    await context.close();
  }, 120_000);

  it('a value the API refuses is named beside its field, the typed values kept, nothing saved', async () => {
    await apiPost({ title: 'Refused value', slug: 'refused-post' });
    const { page, context } = await memberPage(t(), 'author');
    await page.goto(editor('refused-post'), { timeout: 30_000 });
    await page.getByLabel('Summary').fill('Edited summary');
    await page.getByLabel('Featured image', { exact: true }).fill('javascript:alert(1)');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 15_000 }), page.getByRole('button', { name: 'Save draft' }).click()]);
    expect(answer.status()).toBe(400);
    await expect.poll(() => page.locator('#f-featured_image-error').textContent(), { timeout: 15_000 }).toMatch(/URL/);
    expect(await page.getByLabel('Featured image', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Summary').inputValue()).toBe('Edited summary');
    expect(await row('refused-post')).toMatchObject({ summary: '', featuredImage: '' });
    await expectAccessible(page, 'post-refused');
    expectClean(page);
    await context.close();
  });
});
