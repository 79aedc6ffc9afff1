/**
 * The web-app benches' stack (bench/admin-load.ts, bench/admin-content.ts): one origin process on
 * the embedded defaults (PGlite in memory, or DATABASE_URL), the demo seeded, and one verified
 * owner the browser signs in as. `env` adds settings (e.g. raised rate limits).
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
  const database = await createDatabase(config);
  await database.migrate();
  const seed = (await seedDemo(database.db, new Date(), personalDataFromConfig(config.MASTER_KEYS)))!;
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
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${base}/admin/sign-in`);
      await page.getByLabel('Email address', { exact: true }).fill(owner.email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(/\/admin\/o\//);
      const state = await context.storageState();
      await context.close();
      return state;
    },
    async close() {
      await server.close();
      await database.close();
    },
  };
}
