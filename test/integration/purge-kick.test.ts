import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../origin/logger.js';
import { PurgeWorker } from '../../origin/outbox/purge-worker.js';
import type { Purger } from '../../origin/outbox/purgers.js';
import { enqueuePurge } from '../../origin/outbox/purge-outbox.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.dispose());

it('kick() drains at once instead of waiting for the next interval', async () => {
  const received: string[][] = [];
  const purger: Purger = { name: 'recording', purge: async (keys) => void received.push(keys) };
  const worker = new PurgeWorker({ db: database.db, purger, logger: createLogger('silent') });
  worker.start(3_600_000); // the interval alone would not run again within this test
  try {
    await new Promise((r) => setTimeout(r, 500)); // the first (empty) run is over
    await enqueuePurge(database.db, ['page:kicked']);
    // Left alone, the worker would not look again for an hour.
    await new Promise((r) => setTimeout(r, 1000));
    expect(received.flat()).not.toContain('page:kicked');
    expect(await worker.pendingCount()).toBe(1);
    worker.kick();
    await expect.poll(() => received.flat(), { timeout: 5000 }).toContain('page:kicked');
    await expect.poll(() => worker.pendingCount()).toBe(0);
  } finally {
    await worker.stop();
  }
});
