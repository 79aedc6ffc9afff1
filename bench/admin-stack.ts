/**
 * The web-app benches' stack (bench/admin-load.ts, bench/admin-content.ts): one origin process on
 * the embedded defaults (PGlite in memory, or DATABASE_URL), the demo seeded, and one verified
 * owner the browser signs in as. `env` adds settings (e.g. raised rate limits).
 * Nothing here waits without a bound: the sign-in's browser steps time out after STEP_MS, start-up
 * and close after a minute, and `benchWatchdog` ends a whole bench that stalls anyway.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from '@playwright/test';
import { newApp } from '../origin/app.js';
import { devEnvelope } from '../origin/crypto/envelope.js';
import { personalDataFromConfig } from '../origin/crypto/personal-data.js';
import { loadOriginConfig } from '../origin/config.js';
import { createDatabase } from '../origin/db/client.js';
import { memberships, users } from '../origin/db/schema/index.js';
import { seedDemo } from '../origin/db/seed.js';
import { hashNewPassword, identityFromConfig, sealUser } from '../origin/identity/index.js';
import { MemoryTransport } from '../origin/identity/mail.js';
import { createLogger } from '../origin/logger.js';
import { listen } from '../origin/server.js';

/** A browser context's saved state (the session cookie). */
export type State = Awaited<ReturnType<Awaited<ReturnType<Browser['newContext']>>['storageState']>>;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The longest one browser step (launch, navigation, click, evaluate) may take before the bench fails. */
export const STEP_MS = 30_000;

/** `promise`, or a rejection naming `what` after `ms` (for steps with no timeout of their own). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Ends the bench with status 2 and the phase it was in when it has run `BENCH_TIMEOUT_S` seconds
 * (default `seconds`): a stuck Chromium or server fails the run instead of hanging it. Returns
 * `phase(name)`, which logs each phase with the time it started (on stderr).
 */
export function benchWatchdog(bench: string, seconds: number): (name: string) => void {
  const limit = Number(process.env.BENCH_TIMEOUT_S ?? seconds);
  const started = performance.now();
  let current = 'start';
  setTimeout(() => {
    console.error(`${bench}: timed out after ${limit} s in phase "${current}"`);
    process.exit(2);
  }, limit * 1000).unref();
  return (name) => {
    current = name;
    console.error(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${name}`);
  };
}

export async function adminStack(owner: { email: string; name: string }, env: Record<string, string> = {}) {
  const config = loadOriginConfig({
    ...process.env,
    ORIGIN_PORT: '0',
    PGLITE_DIR: process.env.DATABASE_URL ? 'unused' : 'memory://',
    EDGE_SHARED_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '10',
    ...env,
  });
  const database = await within(createDatabase(config), 60_000, 'opening the database');
  await within(database.migrate(), 60_000, 'migrating the database');
  const seed = (await within(seedDemo(database.db, new Date(), personalDataFromConfig(config.MASTER_KEYS)), 60_000, 'seeding the demo'))!;
  const identity = identityFromConfig(config, new MemoryTransport());
  const password = 'Quiet-Harbor-73-Lantern!';
  const [row] = await database.db
    .insert(users)
    .values({ ...sealUser(identity.personalData, owner), passwordHash: await hashNewPassword(identity, password), emailVerifiedAt: new Date() })
    .returning({ id: users.id });
  await database.db.insert(memberships).values({ userId: row!.id, organizationId: seed.organizationId, role: 'owner' });
  const logger = createLogger('silent');
  const server = await listen(newApp({ config, database, logger, envelope: devEnvelope() }), config, logger);
  const base = server.url.replace(/\/$/, '');
  return {
    database,
    seed,
    email: owner.email,
    password,
    base,
    /** A signed-in browser state (cookies only): signed in once through the sign-in page. */
    async signedInState(browser: Browser): Promise<State> {
      const context = await within(browser.newContext(), STEP_MS, 'a browser context');
      context.setDefaultTimeout(STEP_MS);
      context.setDefaultNavigationTimeout(STEP_MS);
      const page = await context.newPage();
      await page.goto(`${base}/admin/sign-in`);
      await page.getByLabel('Email address', { exact: true }).fill(owner.email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(/\/admin\/o\//);
      const state = await context.storageState();
      await within(context.close(), STEP_MS, 'closing the sign-in context');
      return state;
    },
    /** Stops the server and the database; a minute at most (a stuck one fails the bench). */
    async close() {
      await within(server.close(), 60_000, 'stopping the origin');
      await within(database.close(), 60_000, 'closing the database');
    },
  };
}
