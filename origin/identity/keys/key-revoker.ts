/**
 * Revokes API keys whose expiry has passed: rotated keys at the end of their grace period
 * (`rotation_grace_ended`) and keys created with an expiry (`expired`). Each revocation is one
 * write through the commit step (origin/outbox/commit.ts, see `revokeExpiredKeys`): it sets
 * `revoked_at`, queues a `key:<id>` purge (so the edge drops its cached record) and writes a
 * `key.revoke` audit row in one transaction; the update is conditional on `revoked_at is null`,
 * so two origin instances never revoke (or audit) a key twice. The commit step kicks the purge
 * worker after each commit (the app registers it for the database handle), so the revoker
 * wires no side effect itself.
 */
import type { Db } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import { PeriodicRunner } from '../../jobs/periodic.js';
import { revokeExpiredKeys } from './api-keys.js';

export interface KeyRevokerOptions {
  db: Db;
  logger: Logger;
  now?: () => Date;
  /** Keys per transaction. */
  batchSize?: number;
}

export class KeyRevoker {
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #batchSize: number;
  readonly #loop: PeriodicRunner;

  constructor(opts: KeyRevokerOptions) {
    this.#db = opts.db;
    this.#logger = opts.logger;
    this.#now = opts.now ?? (() => new Date());
    this.#batchSize = opts.batchSize ?? 100;
    this.#loop = new PeriodicRunner('key revoker', this.#logger, () => this.runOnce());
  }

  /** Revokes every key expired now; returns how many this run revoked. */
  async runOnce(): Promise<number> {
    const now = this.#now();
    let total = 0;
    for (;;) {
      const revoked = await revokeExpiredKeys(this.#db, now, this.#batchSize);
      for (const r of revoked) this.#logger.info({ key_id: r.id, organization_id: r.organizationId, reason: r.reason }, 'api key revoked');
      total += revoked.length;
      if (revoked.length < this.#batchSize) break;
    }
    return total;
  }

  start(intervalMs: number): void {
    this.#loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
