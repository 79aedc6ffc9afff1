/**
 * The API reference page (GET /reference) in a real browser: Debian's Chromium, driven through
 * Playwright, loads the page from a real origin under the page's own Content Security Policy and
 * renders every operation of the document — with ZERO CSP violations (reported by the page's
 * `securitypolicyviolation` events and by Chromium's console), no script error, no failed request
 * and no request to any other host. An operation opened shows its parameters and responses; the
 * filter finds operations by tag. Screenshots: /tmp/reference-*.png.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let origin: OriginUnderTest;
let browser: Browser;
let operationCount: number;
/** The document's operations per (first) tag, as swagger-ui groups them. */
let operationsByTag: Record<string, number>;

interface Watch {
  csp: string[];
  errors: string[];
  failed: string[];
  foreign: string[];
}

async function open(path: string): Promise<{ page: Page; watch: Watch }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watch: Watch = { csp: [], errors: [], failed: [], foreign: [] };
  await page.exposeFunction('__cspViolation', (v: string) => watch.csp.push(v));
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation(e.violatedDirective + ' ' + e.blockedURI));" });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) watch.csp.push(m.text());
    else if (m.type() === 'error') watch.errors.push(m.text());
  });
  page.on('pageerror', (e) => watch.errors.push(e.message));
  page.on('requestfailed', (r) => watch.failed.push(`${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(origin.server.url.replace(/\/$/, ''))) watch.foreign.push(r.url());
  });
  await page.goto(`${origin.server.url.replace(/\/$/, '')}${path}`);
  return { page, watch };
}

function expectClean(watch: Watch): void {
  expect(watch.csp, 'CSP violations').toEqual([]);
  expect(watch.errors, 'script and console errors').toEqual([]);
  expect(watch.failed, 'failed requests').toEqual([]);
  expect(watch.foreign, 'requests to other hosts').toEqual([]);
}

beforeAll(async () => {
  [origin, browser] = await Promise.all([startTestOrigin(), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
  const doc = (await (await fetch(`${origin.server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
  const ops = Object.values(doc.paths).flatMap((item) => ['get', 'put', 'post', 'delete', 'patch'].flatMap((m) => (item[m] ? [item[m]] : [])));
  operationCount = ops.length;
  operationsByTag = {};
  for (const op of ops) for (const tag of op.tags ?? []) operationsByTag[tag] = (operationsByTag[tag] ?? 0) + 1;
});
afterAll(async () => {
  await browser?.close();
  await origin?.stop();
});

// A browser on two shared cores: each case may take a while.
describe('the API reference in Chromium', { timeout: 120_000 }, () => {
  it('renders every operation of the document, tag by tag, with zero CSP violations', async () => {
    const { page, watch } = await open('/reference');
    const tags = page.locator('.opblock-tag');
    await tags.first().waitFor({ timeout: 60_000 });
    expect(await page.locator('.info .title').innerText()).toContain('ghee API');
    expect(await tags.count()).toBe(Object.keys(operationsByTag).length);
    let rendered = 0;
    for (let i = 0; i < (await tags.count()); i++) {
      const tag = tags.nth(i);
      const name = (await tag.getAttribute('data-tag'))!;
      await tag.click();
      await expect.poll(() => page.locator('.opblock').count(), { timeout: 30_000 }).toBe(operationsByTag[name]);
      if (name === 'Content API') {
        expect(await page.locator('.opblock-summary-description', { hasText: 'Read a page' }).count()).toBe(1);
        await page.screenshot({ path: '/tmp/reference-list.png' });
      }
      rendered += await page.locator('.opblock').count();
      await tag.click();
      await expect.poll(() => page.locator('.opblock').count()).toBe(0);
    }
    expect(rendered).toBe(operationCount);
    expectClean(watch);
    await page.context().close();
  });

  it('opens an operation with its parameters and responses, still without a violation', async () => {
    const { page, watch } = await open('/reference#/Content%20API/getPage');
    const op = page.locator('#operations-Content_API-getPage');
    await op.waitFor({ timeout: 60_000 });
    await expect.poll(() => op.locator('.parameters-container').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const text = await op.innerText();
    for (const name of ['pageType', 'slug', 'locale', 'levels', '200', '404']) expect(text).toContain(name);
    // "Try it out" is off: the page documents, it sends nothing.
    expect(await op.locator('.try-out__btn').count()).toBe(0);
    await op.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/reference-operation.png' });
    expectClean(watch);
    await page.context().close();
  });

  it('filters operations by tag', async () => {
    const { page, watch } = await open('/reference');
    await page.locator('.opblock-tag').first().waitFor({ timeout: 60_000 });
    await page.locator('.operation-filter-input').fill('SCIM');
    await expect.poll(() => page.locator('.opblock-tag-section').count()).toBe(1);
    await page.locator('.opblock-tag').first().click();
    await expect.poll(() => page.locator('.opblock').count()).toBe(operationsByTag.SCIM);
    expectClean(watch);
    await page.context().close();
  });
});
