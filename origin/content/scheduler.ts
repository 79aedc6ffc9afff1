/**
 * Publishes scheduled pages, collection items and blog posts when their time comes. Each
 * publication is an ordinary update (revision, rendered published form, purge outbox row,
 * `page.published` / `collectionitem.published` / `post.published` webhook) made only if the
 * resource is still scheduled and due — so two origin instances never publish anything twice,
 * and a resource rescheduled or edited meanwhile is left alone. Each goes through the commit step
 * (origin/outbox/commit.ts) with the scheduler as the audit row's actor (`page.publish`,
 * `item.publish`, `post.publish`).
 */
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { PeriodicRunner } from '../jobs/periodic.js';
import { duePosts } from './blog/read.js';
import { updatePost } from './blog/write.js';
import { onWritesCommitted, SCHEDULER } from '../outbox/index.js';
import { dueItems } from './collections/read.js';
import { updateItem } from './collections/write.js';
import { updatePage } from './pages/writes.js';
import { duePages } from './pages/lookups.js';

export interface SchedulerOptions {
  db: Db;
  logger: Logger;
  now?: () => Date;
  /**
   * Told after each publication committed (the purge worker drains at once): registered with the
   * commit step (origin/outbox/commit.ts) for `db`, which kicks it — as it kicks the app's.
   */
  onPurgeQueued?: () => void;
}

export class Scheduler {
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #unregisterKick: () => void;
  readonly #loop: PeriodicRunner;

  constructor(opts: SchedulerOptions) {
    this.#db = opts.db;
    this.#logger = opts.logger;
    this.#now = opts.now ?? (() => new Date());
    this.#unregisterKick = opts.onPurgeQueued ? onWritesCommitted(opts.db, opts.onPurgeQueued) : () => {};
    this.#loop = new PeriodicRunner('scheduler', this.#logger, () => this.runOnce());
  }

  /** Publishes every page, item and post due now; returns how many this run published. */
  async runOnce(): Promise<number> {
    const now = this.#now();
    let published = 0;
    for (const page of await duePages(this.#db, now)) {
      const result = await updatePage(this.#db, { ...page, status: 'published', keyId: null, userId: null, onlyIfDue: now, actor: SCHEDULER }, null);
      if (result.ok) {
        published++;
        this.#logger.info({ space_id: page.spaceId, slug: page.slug, locale: page.locale }, 'scheduled page published');
      }
    }
    for (const item of await dueItems(this.#db, now)) {
      const result = await updateItem(this.#db, { ...item, status: 'published', replace: false, keyId: null, userId: null, onlyIfDue: now, actor: SCHEDULER }, null);
      if (result.ok) {
        published++;
        this.#logger.info({ space_id: item.spaceId, collection: item.key, item_id: item.itemId }, 'scheduled collection item published');
      }
    }
    for (const post of await duePosts(this.#db, now)) {
      const result = await updatePost(this.#db, post.spaceId, post.slug, { status: 'published' }, null, { keyId: null, userId: null, onlyIfDue: now, actor: SCHEDULER });
      if (result.ok) {
        published++;
        this.#logger.info({ space_id: post.spaceId, slug: post.slug }, 'scheduled post published');
      }
    }
    return published;
  }

  start(intervalMs: number): void {
    this.#loop.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    this.#unregisterKick();
  }
}
