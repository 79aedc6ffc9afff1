/**
 * Media import: remote media named by content (a media field, a post's `featured_image`, body
 * images on request) are downloaded into ghee's asset store and the content rewritten to the
 * asset's path — ButterCMS's "media is imported into the media library" behaviour.
 *
 * Design (the write never waits): a save queues the import in its own transaction
 * (media-queue.ts) and answers 202 at once; until the asset is there, readers see the original
 * URL. This worker then, in passes (kicked after every committed write, and every
 * `intervalMs`):
 *  1. claims due `media_imports` rows (`FOR UPDATE SKIP LOCKED`, a lease in `locked_until`: a
 *     worker that dies mid-fetch leaves the row to another after the lease);
 *  2. fetches each through the SSRF guard (media-fetch.ts: public addresses only, pinned
 *     connection, every redirect vetted again, ASSET_TYPES only, ≤ ASSET_MAX_BYTES, a timeout);
 *  3. stores it (store.ts: the same bytes in a space are one asset) and marks the row `done` —
 *     one commit step with one `asset.import` audit row;
 *  4. rewrites every resource that names the URL (media-rewrite.ts: a new revision through the
 *     resource's own write service, republished if it was published).
 * A failure that could pass (timeout, connection, 5xx, 408, 429) is retried with exponential
 * backoff and jitter (`retrying`, `last_error`), up to `maxAttempts`; one that cannot (a refused
 * target, a wrong type, too large, a 4xx) is `failed` at once. Failures are listed by
 * `GET /v2/manage/media-imports?status=failed` and can be retried by hand.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { assets, mediaImportRefs, mediaImports } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import type { Logger } from '../../logger.js';
import { logRunFailure } from '../../jobs/periodic.js';
import { commitWrite, onWritesCommitted } from '../../outbox/index.js';
import { fetchMedia, type MediaFetchOptions } from './media-fetch.js';
import type { MediaResourceType } from './media-queue.js';
import { MEDIA_IMPORTER, rewriteResource } from './media-rewrite.js';
import { assetPath, storeImportedAsset } from './store.js';

export interface MediaImportWorkerOptions {
  db: Db;
  logger: Logger;
  /** Media on loopback addresses may be fetched (tests and local development only). */
  allowLoopback: boolean;
  /** First retry delay; doubles per attempt (jittered ±20 %) up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Attempts before an import is `failed`. */
  maxAttempts?: number;
  /** Imports fetched at once per pass. */
  batchSize?: number;
  fetchTimeoutMs?: number;
  maxBytes?: number;
}

const MAX_ERROR_LENGTH = 300;

export class MediaImportWorker {
  private readonly db: Db;
  private readonly logger: Logger;
  private readonly fetchOptions: MediaFetchOptions;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxAttempts: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private unregister: (() => void) | null = null;

  constructor(opts: MediaImportWorkerOptions) {
    this.db = opts.db;
    this.logger = opts.logger;
    this.fetchOptions = { allowLoopback: opts.allowLoopback, ...(opts.fetchTimeoutMs ? { timeoutMs: opts.fetchTimeoutMs } : {}), ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}) };
    this.retryBaseMs = opts.retryBaseMs ?? 2000;
    this.retryMaxMs = opts.retryMaxMs ?? 3_600_000;
    this.maxAttempts = opts.maxAttempts ?? 10;
    this.batchSize = opts.batchSize ?? 4;
    this.leaseMs = (opts.fetchTimeoutMs ?? 20_000) * 3 + 30_000;
  }

  /** Runs a pass every `intervalMs` and after every committed write, until `stop()`. */
  start(intervalMs: number): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unregister = onWritesCommitted(this.db, () => this.kick());
    const tick = () => {
      this.kick();
      if (!this.stopped) {
        this.timer = setTimeout(tick, intervalMs);
        this.timer.unref();
      }
    };
    tick();
  }

  /** Asks for a pass now (one more after the one running, if any). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.runOnce();
        } catch (err) {
          logRunFailure(this.logger, err, 'media import pass failed');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unregister?.();
    this.unregister = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: fetch what is due, then rewrite what is done. Returns how many imports it tried and resources it rewrote. */
  async runOnce(): Promise<{ fetched: number; rewritten: number }> {
    let fetched = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) break;
      fetched += claimed.length;
      await Promise.all(claimed.map((c) => this.attempt(c)));
      if (claimed.length < this.batchSize) break;
    }
    const rewritten = await this.rewriteDone();
    return { fetched, rewritten };
  }

  private async claim(): Promise<{ id: string; spaceId: string; url: string; attempts: number }[]> {
    return this.db.transaction(async (tx) => {
      const now = new Date();
      const due = await tx
        .select({ id: mediaImports.id, spaceId: mediaImports.spaceId, url: mediaImports.url, attempts: mediaImports.attempts })
        .from(mediaImports)
        .where(
          and(
            inArray(mediaImports.status, ['pending', 'retrying']),
            lte(mediaImports.nextAttemptAt, now),
            or(isNull(mediaImports.lockedUntil), lte(mediaImports.lockedUntil, now)),
          ),
        )
        .orderBy(asc(mediaImports.nextAttemptAt))
        .limit(this.batchSize)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      await tx
        .update(mediaImports)
        .set({ lockedUntil: new Date(now.getTime() + this.leaseMs), attempts: sql`${mediaImports.attempts} + 1`, updatedAt: now })
        .where(inArray(mediaImports.id, due.map((d) => d.id)));
      return due.map((d) => ({ ...d, attempts: d.attempts + 1 }));
    });
  }

  private async attempt(c: { id: string; spaceId: string; url: string; attempts: number }): Promise<void> {
    const got = await fetchMedia(c.url, this.fetchOptions);
    const now = new Date();
    if (!got.ok) {
      const giveUp = got.permanent || c.attempts >= this.maxAttempts;
      const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (c.attempts - 1)) * (0.8 + Math.random() * 0.4);
      await this.db
        .update(mediaImports)
        .set({
          status: giveUp ? 'failed' : 'retrying',
          lastError: got.reason.slice(0, MAX_ERROR_LENGTH),
          nextAttemptAt: giveUp ? now : new Date(now.getTime() + delay),
          lockedUntil: null,
          updatedAt: now,
        })
        .where(and(eq(mediaImports.id, c.id), eq(mediaImports.attempts, c.attempts)));
      this.logger.info({ media_import_id: c.id, attempts: c.attempts, gave_up: giveUp }, 'media import failed');
      return;
    }
    const m = got.media;
    const stored = await commitWrite(this.db, MEDIA_IMPORTER, c.spaceId, async (w): Promise<Result<null>> => {
      const stored = await storeImportedAsset(w.t, { spaceId: c.spaceId, filename: m.filename, contentType: m.contentType, data: m.bytes });
      await w.t
        .update(mediaImports)
        .set({ status: 'done', assetId: stored.id, sha256: stored.sha256, lastError: null, lockedUntil: null, updatedAt: now, completedAt: now })
        .where(eq(mediaImports.id, c.id));
      w.audit({
        action: 'asset.import',
        target: { type: 'asset', id: stored.id },
        metadata: { media_import_id: c.id, content_type: m.contentType, size: m.bytes.byteLength, sha256: stored.sha256, reused: stored.reused },
      });
      return { ok: true, value: null };
    });
    // A write guard (a plan's asset storage limit) may refuse the asset: that is this import's failure.
    if (!stored.ok) {
      await this.db
        .update(mediaImports)
        .set({ status: 'failed', lastError: `refused: ${stored.detail}`.slice(0, MAX_ERROR_LENGTH), lockedUntil: null, updatedAt: now })
        .where(eq(mediaImports.id, c.id));
    }
  }

  /** Rewrites the resources that name done imports (one save per resource, whatever it names). */
  private async rewriteDone(): Promise<number> {
    let rewritten = 0;
    for (;;) {
      const open = await this.db
        .select({ refId: mediaImportRefs.id, type: mediaImportRefs.resourceType, resourceId: mediaImportRefs.resourceId, url: mediaImports.url, spaceId: mediaImports.spaceId, assetId: assets.id, filename: assets.filename })
        .from(mediaImportRefs)
        .innerJoin(mediaImports, eq(mediaImports.id, mediaImportRefs.importId))
        .innerJoin(assets, eq(assets.id, mediaImports.assetId))
        .where(and(isNull(mediaImportRefs.rewrittenAt), eq(mediaImports.status, 'done'), isNotNull(mediaImports.assetId)))
        .limit(100);
      if (open.length === 0) return rewritten;
      const byResource = new Map<string, typeof open>();
      for (const r of open) {
        const k = `${r.type}:${r.resourceId}`;
        byResource.set(k, [...(byResource.get(k) ?? []), r]);
      }
      for (const refs of byResource.values()) {
        const first = refs[0]!;
        const replacements = new Map(refs.map((r) => [r.url, assetPath(r.spaceId, r.assetId, r.filename)]));
        const result = await rewriteResource(this.db, first.type as MediaResourceType, first.resourceId, replacements);
        if (result === 'rewritten') rewritten++;
        await this.db.update(mediaImportRefs).set({ rewrittenAt: new Date() }).where(inArray(mediaImportRefs.id, refs.map((r) => r.refId)));
      }
    }
  }
}
