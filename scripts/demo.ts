import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Db } from '../origin/db/client.js';
import { users } from '../origin/db/schema/index.js';
import { seedDemo, type DemoSeed } from '../origin/db/seed.js';
import { hashNewPassword, type IdentityContext } from '../origin/identity/context.js';
import { userEmailIs } from '../origin/identity/people.js';

export type LocalDemo = DemoSeed & { adminPassword?: string };

/**
 * Seeds the demo on first start — with a random password for the demo owner, whose address
 * counts as verified — and records keys and password (stored only hashed in the database) in a
 * local, git-ignored, owner-only file so later starts can print them again.
 */
export async function ensureDemo(db: Db, keysFile: string, identity: IdentityContext): Promise<{ demo: LocalDemo | null; seeded: boolean }> {
  const file = resolve(keysFile);
  const seeded = await seedDemo(db, new Date(), identity.personalData);
  if (seeded) {
    // Letters, digits and a symbol, as the default password policy asks.
    const adminPassword = `demo-${randomBytes(15).toString('base64url')}-7`;
    await db.update(users).set({ passwordHash: await hashNewPassword(identity, adminPassword), emailVerifiedAt: new Date() }).where(userEmailIs(identity.personalData, seeded.adminEmail));
    const demo: LocalDemo = { ...seeded, adminPassword };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return { demo, seeded: true };
  }
  return { demo: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalDemo) : null, seeded: false };
}
