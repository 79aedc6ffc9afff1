/**
 * The web app's browser tests (test/e2e/*.test.ts): the real origin over real HTTP on the test
 * database, driven by Debian's Chromium through Playwright (its own browser download cannot be
 * reached here). One browser per file (`useBrowser()` in the file's top level), a fresh context
 * (cookies, storage) per `newPage()`; every page is watched for CSP violations, console errors
 * and failed requests (`expectClean`), checked by axe (`expectAccessible`: no serious or critical
 * violation) and photographed into /tmp/admin-shots/ (`shot`).
 */
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { MemoryTransport } from '../../origin/identity/mail.js';
import type { Role } from '../../shared/permissions.js';
import { createUser, type TestUser } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

export const SHOTS = '/tmp/admin-shots';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface AdminUnderTest {
  origin: OriginUnderTest;
  /** http://127.0.0.1:<port> (a secure context for Chromium, so `__Host-` cookies work over http). */
  base: string;
  mail: MemoryTransport;
  browser: Browser;
}

/** Starts the origin and Chromium before the file's tests and stops both after; the returned getter is valid inside tests. */
export function useBrowser(env: Record<string, string> = {}): () => AdminUnderTest {
  // A browser flow is many page loads, each with bcrypt and axe: room for a busy 2-core CI machine.
  vi.setConfig({ testTimeout: 120_000 });
  let state: AdminUnderTest | null = null;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const mail = new MemoryTransport();
    const [origin, browser] = await Promise.all([startTestOrigin({ BCRYPT_COST: '10', ...env }, { mail }), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
    state = { origin, base: origin.server.url.replace(/\/$/, ''), mail, browser };
  });
  afterAll(async () => {
    await state?.browser.close();
    await state?.origin.stop();
  });
  return () => {
    if (!state) throw new Error('useBrowser(): not started');
    return state;
  };
}

/** What a page reported that a clean page never does. */
export interface PageProblems {
  csp: string[];
  console: string[];
  failed: string[];
}

const watched = new WeakMap<Page, PageProblems>();

/** A new page in a fresh context, watched for CSP violations, console errors and failed requests. */
export async function newPage(t: AdminUnderTest, opts: { javaScript?: boolean } = {}): Promise<{ page: Page; context: BrowserContext; problems: PageProblems }> {
  const context = await t.browser.newContext({ baseURL: t.base, javaScriptEnabled: opts.javaScript ?? true, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const problems: PageProblems = { csp: [], console: [], failed: [] };
  watched.set(page, problems);
  // Reported by the page itself (securitypolicyviolation) and by Chromium's console.
  await page.exposeFunction('__gheeCsp', (v: string) => problems.csp.push(v));
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => window.__gheeCsp(e.violatedDirective + ' ' + e.blockedURI));" });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/Content Security Policy/i.test(m.text())) problems.csp.push(m.text());
    else problems.console.push(m.text());
  });
  page.on('requestfailed', (r) => problems.failed.push(`${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return { page, context, problems };
}

/** No CSP violation, no console error, no failed request so far (console errors for expected 4xx pages are passed in `allowConsole`). */
export function expectClean(page: Page, allowConsole: RegExp[] = []): void {
  const p = watched.get(page)!;
  expect(p.csp, 'CSP violations').toEqual([]);
  expect(
    p.console.filter((m) => !allowConsole.some((re) => re.test(m)) && !/Failed to load resource: the server responded with a status of (4\d\d)/.test(m)),
    'console errors',
  ).toEqual([]);
  expect(p.failed, 'failed requests').toEqual([]);
}

/** axe on the page as it is: no serious or critical violation (the rest are listed in the message). */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page: page as never }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe on ${name}`,
  ).toEqual([]);
}

/** The id of the focused element (page code as a string: the tests' TypeScript has no DOM types). */
export function focusedId(page: Page): Promise<string | null> {
  return page.evaluate('document.activeElement ? document.activeElement.id : null') as Promise<string | null>;
}

/** A full-page screenshot into /tmp/admin-shots/<name>.png (look at it before calling a screen done). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** The link a captured mail carries, pointed at the origin under test (mails use PUBLIC_APP_URL). */
export function linkIn(text: string, base: string): string {
  const m = /https?:\/\/\S+/.exec(text);
  if (!m) throw new Error(`no link in mail: ${text}`);
  const u = new URL(m[0]);
  return `${base}${u.pathname}${u.search}`;
}

/** Signs in through the sign-in page (password only) and waits to land on `expectPath` (default: any /admin/o/… page). */
export async function signIn(page: Page, user: Pick<TestUser, 'email' | 'password'>, expectPath: RegExp = /\/admin\/o\//): Promise<void> {
  await page.goto('/admin/sign-in');
  await page.getByLabel('Email address', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(expectPath);
}

/**
 * A signed-in page for a new member with `role` in the demo organization (or in one space with
 * `spaceId`): a fresh user, a fresh browser context, signed in through the real form.
 */
export async function memberPage(t: AdminUnderTest, role: Role, opts: { spaceId?: string } = {}): Promise<{ page: Page; context: BrowserContext; user: TestUser; problems: PageProblems }> {
  const user = await createUser(t.origin, t.origin.seed.organizationId, role, opts.spaceId ? { spaceId: opts.spaceId } : {});
  const { page, context, problems } = await newPage(t);
  await signIn(page, user);
  return { page, context, user, problems };
}

/** The demo organization's and space's screen URLs (org: /admin/o/<org>/<path>; space: …/s/<space>/<path>). */
export function screen(t: AdminUnderTest, path: string, scope: 'org' | 'space' = 'space'): string {
  const { organizationId, spaceId } = t.origin.seed;
  return scope === 'org' ? `/admin/o/${organizationId}/${path}` : `/admin/o/${organizationId}/s/${spaceId}/${path}`;
}
