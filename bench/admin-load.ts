/**
 * The web app's first load, in real Chromium on localhost (issue 20's speed bar): for each screen,
 * a cold browser context (empty cache) opens it N times; we report the JavaScript + CSS it
 * downloaded (compressed bytes on the wire, from the Resource Timing entries), the HTML, and the
 * largest contentful paint (median, p95); then one warm load (the fingerprinted files come from the
 * cache: 0 bytes). Baseline in the same run: the peers' admin bundles (Strapi's 6–9 MB, issue 20)
 * as the ratio against 6 MB; and the machine's floor right now (a one-heading data: URL page: no
 * server, CSS or JS), since LCP on a shared 2-core machine is mostly its load. Embedded defaults: PGlite in memory, one process.
 *   npx tsx bench/admin-load.ts            (BENCH_LOADS=20, CHROMIUM_PATH=/usr/bin/chromium)
 * The content screens' helper adds its list and save timings to SCREENS / below.
 * It fails instead of hanging: every browser step times out after STEP_MS (bench/admin-stack.ts),
 * each phase is logged on stderr with its start time, and a watchdog exits with status 2 after
 * BENCH_TIMEOUT_S (default 300).
 */
import { cpus, loadavg } from 'node:os';
import { chromium, type Browser } from '@playwright/test';
import { adminStack, benchWatchdog, CHROMIUM, STEP_MS, within, type State } from './admin-stack.js';

const LOADS = Number(process.env.BENCH_LOADS ?? 20);
const PEER_BUNDLE_BYTES = 6 * 1024 * 1024;

const phase = benchWatchdog('bench/admin-load', 300);
phase('origin (PGlite) and seed');
const stack = await adminStack({ email: 'bench-owner@example.test', name: 'Bench Owner' });
const { seed, base, signedInState } = stack;


interface Screen {
  name: string;
  path: string;
  signedIn: boolean;
}

const SCREENS: Screen[] = [
  { name: 'sign-in', path: '/admin/sign-in', signedIn: false },
  { name: 'start (space)', path: `/admin/o/${seed.organizationId}/s/${seed.spaceId}`, signedIn: true },
  { name: 'account', path: '/admin/account', signedIn: true },
];

const LCP = `new Promise((resolve) => {
  new PerformanceObserver((list) => { const e = list.getEntries(); resolve(e[e.length - 1].startTime); }).observe({ type: 'largest-contentful-paint', buffered: true });
  setTimeout(() => resolve(-1), 3000);
})`;
const BYTES = `(() => {
  const r = performance.getEntriesByType('resource');
  const sum = (re) => r.filter((e) => re.test(e.name)).reduce((n, e) => n + e.transferSize, 0);
  const nav = performance.getEntriesByType('navigation')[0];
  return { js: sum(/\\.js$/), css: sum(/\\.css$/), html: nav ? nav.transferSize : 0, ttfb: nav ? nav.responseStart : 0 };
})()`;

/** The floor on this machine right now: a one-heading page from a data: URL (no server, no CSS, no JS). */
const FLOOR: Screen = { name: 'floor (data: URL)', path: 'data:text/html,<!doctype html><title>x</title><h1>Sign in to ghee</h1><p>Email address</p>', signedIn: false };

async function load(browser: Browser, s: Screen, state: State | null, warm = false) {
  const context = await within(browser.newContext({ viewport: { width: 1280, height: 860 }, ...(state ? { storageState: state } : {}) }), STEP_MS, 'a browser context');
  context.setDefaultTimeout(STEP_MS);
  context.setDefaultNavigationTimeout(STEP_MS);
  const page = await within(context.newPage(), STEP_MS, 'a page');
  const url = s === FLOOR ? s.path : `${base}${s.path}`;
  if (warm) await page.goto(url, { waitUntil: 'load' });
  await page.goto(url, { waitUntil: 'load' });
  if (s !== FLOOR && !page.url().endsWith(s.path)) throw new Error(`${s.name}: landed on ${page.url()}`);
  // page.evaluate has no timeout of its own.
  const lcp = (await within(page.evaluate(LCP), STEP_MS, `${s.name}: LCP`)) as number;
  const bytes = (await within(page.evaluate(BYTES), STEP_MS, `${s.name}: resource timing`)) as { js: number; css: number; html: number; ttfb: number };
  await within(context.close(), STEP_MS, 'closing a browser context');
  return { lcp, ...bytes };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

phase(`chromium (${CHROMIUM})`);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: STEP_MS });
phase('sign-in');
const state = await signedInState(browser);
console.log(`web app first load — Chromium, localhost, ${LOADS} cold loads per screen (PGlite in memory); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores\n`);
console.log(['screen'.padEnd(16), 'JS+CSS (wire)'.padStart(14), 'HTML'.padStart(9), 'LCP p50'.padStart(9), 'LCP p95'.padStart(9), 'TTFB p50'.padStart(9), 'warm JS+CSS'.padStart(12), 'vs 6 MB'.padStart(9)].join(' '));
try {
  for (const s of [FLOOR, ...SCREENS]) {
    phase(s.name);
    const c = s.signedIn ? state : null;
    await load(browser, s, c); // one unmeasured load (JIT, connection set-up)
    const runs = [];
    for (let i = 0; i < LOADS; i++) runs.push(await load(browser, s, c));
    const warm = await load(browser, s, c, true);
    const assets = Math.max(...runs.map((r) => r.js + r.css));
    const lcps = runs.map((r) => r.lcp);
    console.log(
      [
        s.name.padEnd(16),
        kb(assets).padStart(14),
        kb(Math.max(...runs.map((r) => r.html))).padStart(9),
        `${pct(lcps, 50).toFixed(0)} ms`.padStart(9),
        `${pct(lcps, 95).toFixed(0)} ms`.padStart(9),
        `${pct(runs.map((r) => r.ttfb), 50).toFixed(0)} ms`.padStart(9),
        kb(warm.js + warm.css).padStart(12),
        (s === FLOOR ? '—' : `${Math.round(PEER_BUNDLE_BYTES / Math.max(1, assets))}×`).padStart(9),
      ].join(' '),
    );
  }
} finally {
  phase('close');
  await within(browser.close(), STEP_MS, 'closing chromium').catch((err: unknown) => console.error(String(err)));
  await stack.close();
}
// Everything is closed, yet a MessagePort (seen with process.getActiveResourcesInfo()) keeps Node running: end the run here.
process.exit(0);
