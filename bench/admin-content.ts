/**
 * The content screens' speed bars (issue 20), in real Chromium on localhost, embedded defaults
 * (PGlite in memory, one process): the pages list and the editor's first load — JavaScript + CSS
 * on the wire (compressed, Resource Timing), largest contentful paint (p50/p95) over cold
 * contexts — and the editor's save → confirmation (click "Save draft" until the "Saved draft"
 * status is on screen: the htmx POST, the API's conditional PATCH, its commit and audit row, and
 * the small fragment swapped in — screens/content/save.tsx), p50/p95; then the server's share of
 * a save, from Node without a browser: the htmx save against the plain no-JS one (POST → 303 →
 * the editor's GET). The space holds BENCH_PAGES pages of a type with every field type.
 *   npx tsx bench/admin-content.ts        (BENCH_LOADS=20, BENCH_SAVES=40, BENCH_PAGES=60)
 * It fails fast instead of hanging: every browser step has a timeout, each phase is logged with
 * the time it started, and a watchdog exits with status 2 after BENCH_TIMEOUT_S (default 300).
 * bench/admin-load.ts (the sign-in and account screens) is the foundation's; this file is separate.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser } from '@playwright/test';
import { adminStack, CHROMIUM, type State } from './admin-stack.js';

const LOADS = Number(process.env.BENCH_LOADS ?? 20);
const SAVES = Number(process.env.BENCH_SAVES ?? 40);
const PAGES = Number(process.env.BENCH_PAGES ?? 60);
const STEP_MS = 15_000;

// Watchdog: a stuck launch, navigation or database step ends the run with a message (a hang ran 10 minutes once).
const started = performance.now();
let phase = 'start';
const phaseAt = (name: string) => {
  phase = name;
  console.error(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${name}`);
};
setTimeout(() => {
  console.error(`bench/admin-content: timed out after ${process.env.BENCH_TIMEOUT_S ?? 300} s in phase "${phase}"`);
  process.exit(2);
}, Number(process.env.BENCH_TIMEOUT_S ?? 300) * 1000).unref();

phaseAt('origin (PGlite) and seed');

// One browser saving back to back from one address: the bench measures the save, not the throttle (a member's page view is several in-process API calls).
const stack = await adminStack({ email: 'bench-editor@example.test', name: 'Bench Editor' }, { ORIGIN_RATE_LIMIT_MANAGE_IP_RPS: '1000', ORIGIN_RATE_LIMIT_WRITE_IP_RPS: '1000' });
const { seed, base, signedInState } = stack;

const call = async (path: string, key: string, body: unknown) => {
  const res = await fetch(`${base}${path}`, { method: 'POST', signal: AbortSignal.timeout(STEP_MS), headers: { authorization: `Token ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
};
phaseAt(`page type and ${PAGES} pages`);
await call(`/v2/manage/spaces/${seed.spaceId}/page_types/`, seed.keys.admin, {
  slug: 'landing',
  name: 'Landing page',
  fields: [
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
  ],
});
for (let i = 0; i < PAGES; i++) {
  await call('/v2/pages/?locale=en', seed.keys.write, {
    title: `Landing ${i}`,
    slug: `landing-${i}`,
    page_type: 'landing',
    fields: { headline: `Headline ${i}`, summary: 'A summary.\nTwo lines.', body: '<p>Body <strong>text</strong></p>'.repeat(20), rating: i, launch: '2026-03-21', featured: i % 2 === 0, hero: '', related: [], faq: [{ question: 'Q?', answer: '<p>A.</p>' }], seo: { title: 'SEO', noindex: false } },
  });
}


const LCP = `new Promise((resolve) => {
  new PerformanceObserver((list) => { const e = list.getEntries(); resolve(e[e.length - 1].startTime); }).observe({ type: 'largest-contentful-paint', buffered: true });
  setTimeout(() => resolve(-1), 3000);
})`;
const BYTES = `(() => {
  const r = performance.getEntriesByType('resource');
  const sum = (re) => r.filter((e) => re.test(e.name)).reduce((n, e) => n + e.transferSize, 0);
  const nav = performance.getEntriesByType('navigation')[0];
  return { js: sum(/\\.js$/), css: sum(/\\.css$/), html: nav ? nav.transferSize : 0 };
})()`;

const space = `/admin/o/${seed.organizationId}/s/${seed.spaceId}`;
const SCREENS = [
  { name: 'pages list', path: `${space}/pages` },
  { name: 'editor', path: `${space}/pages/landing/landing-1?locale=en` },
];

async function load(browser: Browser, path: string, state: State) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, storageState: state });
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  await page.goto(`${base}${path}`, { waitUntil: 'load', timeout: STEP_MS });
  if (!page.url().endsWith(path)) throw new Error(`landed on ${page.url()}`);
  const lcp = (await page.evaluate(LCP)) as number;
  const bytes = (await page.evaluate(BYTES)) as { js: number; css: number; html: number };
  await context.close();
  return { lcp, ...bytes };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

phaseAt(`chromium (${CHROMIUM})`);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30_000 });
try {
  phaseAt('sign-in');
  const state = await signedInState(browser);
  phaseAt('first loads');
  console.log(`content screens — Chromium, localhost, PGlite in memory, ${PAGES} pages; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores\n`);
  console.log(['screen'.padEnd(12), 'JS+CSS (wire)'.padStart(14), 'HTML'.padStart(9), 'LCP p50'.padStart(9), 'LCP p95'.padStart(9)].join(' '));
  for (const s of SCREENS) {
    await load(browser, s.path, state);
    const runs = [];
    for (let i = 0; i < LOADS; i++) runs.push(await load(browser, s.path, state));
    const lcps = runs.map((r) => r.lcp);
    console.log([s.name.padEnd(12), kb(Math.max(...runs.map((r) => r.js + r.css))).padStart(14), kb(Math.max(...runs.map((r) => r.html))).padStart(9), `${pct(lcps, 50).toFixed(0)} ms`.padStart(9), `${pct(lcps, 95).toFixed(0)} ms`.padStart(9)].join(' '));
  }

  // The server's share: the editor page and the list rendered (HTTP from Node, the same cookie), no browser.
  phaseAt('server renders');
  const cookie = state.cookies.map((ck) => `${ck.name}=${ck.value}`).join('; ');
  for (const s of SCREENS) {
    const ts: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const t0 = performance.now();
      const res = await fetch(`${base}${s.path}`, { headers: { cookie }, signal: AbortSignal.timeout(STEP_MS) });
      await res.text();
      ts.push(performance.now() - t0);
    }
    console.log(`server render of the ${s.name} (no browser): p50 ${pct(ts, 50).toFixed(0)} ms, p95 ${pct(ts, 95).toFixed(0)} ms`);
  }

  // Save → confirmation, in one signed-in tab (as an editor works).
  phaseAt('saves in the browser');
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, storageState: state });
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  await page.goto(`${base}${SCREENS[1]!.path}`, { timeout: STEP_MS });
  if ((await page.locator('#f-headline').count()) === 0) throw new Error(`editor did not open: ${page.url()} ${(await page.locator('main').textContent())?.slice(0, 300)}`);
  const times: number[] = [];
  for (let i = 0; i < SAVES + 3; i++) {
    await page.locator('#f-headline').fill(`Headline edit ${i}`);
    const t0 = performance.now();
    await page.locator('#save').click();
    await page.locator('.flash-success', { hasText: `version ${i + 2})` }).waitFor({ timeout: 5000 }).catch(async (e: unknown) => {
      throw new Error(`save ${i}: ${(await page.locator('main').textContent())?.slice(0, 400)}`, { cause: e });
    });
    if (i >= 3) times.push(performance.now() - t0);
  }
  // The form as the browser posts it (field names and values, the CSRF token), for the server-only runs.
  const posted = (await page.evaluate("new URLSearchParams(new FormData(document.getElementById('editor'))).toString()")) as string;
  await context.close();
  console.log(`\neditor save → "Saved draft" on screen (${SAVES} saves): p50 ${pct(times, 50).toFixed(0)} ms, p95 ${pct(times, 95).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);

  // The server's share of one save (Node → origin, no browser): the htmx save (one POST answered by
  // a fragment) against the no-JS save (POST → 303, then the editor's GET), alternated (A/B in one run).
  phaseAt('server share of a save');
  let version = SAVES + 3 + 1;
  const form = new URLSearchParams(posted);
  const post = async (htmx: boolean) => {
    form.set('_version', String(version));
    form.set('_action', 'save');
    const headers: Record<string, string> = { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' };
    if (htmx) Object.assign(headers, { 'hx-request': 'true', 'hx-target': 'save-status', 'hx-trigger': 'save' });
    const t0 = performance.now();
    const res = await fetch(`${base}${SCREENS[1]!.path}`, { method: 'POST', headers, body: form.toString(), redirect: 'manual', signal: AbortSignal.timeout(STEP_MS) });
    const body = await res.text();
    let bytes = body.length;
    if (!htmx) {
      if (res.status !== 303) throw new Error(`plain save: ${res.status} ${body.slice(0, 300)}`);
      const next = await fetch(new URL(res.headers.get('location')!, base), { headers: { cookie }, signal: AbortSignal.timeout(STEP_MS) });
      bytes = (await next.text()).length;
    } else if (res.status !== 200 || !body.includes('Saved draft')) throw new Error(`htmx save: ${res.status} ${body.slice(0, 300)}`);
    version++;
    return { ms: performance.now() - t0, bytes };
  };
  // CPU per save (this process runs the origin and the client; the browser is idle): load-independent, unlike the times.
  const ab: Record<'htmx' | 'plain', { ms: number[]; cpu: number[]; bytes: number }> = { htmx: { ms: [], cpu: [], bytes: 0 }, plain: { ms: [], cpu: [], bytes: 0 } };
  for (let i = 0; i < SAVES + 2; i++) {
    for (const kind of i % 2 ? (['htmx', 'plain'] as const) : (['plain', 'htmx'] as const)) {
      const c0 = process.cpuUsage();
      const r = await post(kind === 'htmx');
      const c1 = process.cpuUsage(c0);
      if (i >= 2) {
        ab[kind].ms.push(r.ms);
        ab[kind].cpu.push((c1.user + c1.system) / 1000);
      }
      ab[kind].bytes = r.bytes;
    }
  }
  for (const kind of ['htmx', 'plain'] as const) {
    const what = kind === 'htmx' ? 'htmx save (fragment)    ' : 'plain save (303 + GET)  ';
    console.log(
      `server share, ${what}: p50 ${pct(ab[kind].ms, 50).toFixed(1)} ms, p95 ${pct(ab[kind].ms, 95).toFixed(1)} ms, CPU p50 ${pct(ab[kind].cpu, 50).toFixed(1)} ms, answer ${kb(ab[kind].bytes)} (uncompressed)`,
    );
  }
  console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  phaseAt('closing');
  await browser.close();
  await stack.close();
}
// Nothing may keep the process alive after the report (the watchdog is unref'd; a stray handle would hang here).
process.exit(0);
