import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Db } from '../origin/db/client.js';
import { seedDemo, type DemoSeed } from '../origin/db/seed.js';

/**
 * Seeds the demo on first start and records its keys (shown once, stored hashed) in a local,
 * git-ignored, owner-only file so later starts can print them again.
 */
export async function ensureDemo(db: Db, keysFile: string): Promise<{ demo: DemoSeed | null; seeded: boolean }> {
  const file = resolve(keysFile);
  const seeded = await seedDemo(db);
  if (seeded) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(seeded, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return { demo: seeded, seeded: true };
  }
  return { demo: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoSeed) : null, seeded: false };
}
