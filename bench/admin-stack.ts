/**
 * The web-app benches' stack (bench/admin-load.ts, bench/admin-content.ts): one origin process on
 * the embedded defaults (PGlite in memory, or DATABASE_URL), the demo seeded, and one verified
 * owner the browser signs in as. `env` adds settings (e.g. raised rate limits).
 */
import { randomBytes } from 'node:crypto';
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
  return {
    database,
    seed,
    email: owner.email,
    password,
    base: server.url.replace(/\/$/, ''),
    async close() {
      await server.close();
      await database.close();
    },
  };
}
