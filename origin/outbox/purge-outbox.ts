/**
 * The write side of the purge outbox: every content change calls `enqueuePurge` with its own
 * transaction, so the purge row commits (or rolls back) with the change it describes. The purge
 * worker (origin/outbox/purge-worker.ts) delivers it later; a write never waits on the CDN.
 */
import type { Db } from '../db/client.js';
import { purgeOutbox } from '../db/schema/index.js';

/** Fastly's surrogate-key syntax (and the edge's, edge/purge.ts): printable ASCII, no spaces. */
const SURROGATE_KEY = /^[\x21-\x7e]+$/;
export const MAX_SURROGATE_KEY_LENGTH = 1024;

export function isValidSurrogateKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_SURROGATE_KEY_LENGTH && SURROGATE_KEY.test(key);
}

export interface EnqueuePurgeOptions {
  /** Soft purge (mark stale, serve while revalidating). Default true. */
  soft?: boolean;
  spaceId?: string | null;
}

/**
 * Queues a purge of `keys` in the caller's transaction (pass the Drizzle transaction as `tx`).
 * Keys are de-duplicated; an invalid key throws, since keys are built by our own code and a bad
 * one is a programming error that must not commit silently. An empty list is a no-op.
 */
export async function enqueuePurge(tx: Db, keys: readonly string[], opts: EnqueuePurgeOptions = {}): Promise<void> {
  const unique = [...new Set(keys)];
  for (const key of unique) {
    if (typeof key !== 'string' || !isValidSurrogateKey(key)) {
      throw new Error(`enqueuePurge: invalid surrogate key ${JSON.stringify(String(key).slice(0, 80))} (printable ASCII without spaces, 1..${MAX_SURROGATE_KEY_LENGTH} chars)`);
    }
  }
  if (unique.length === 0) return;
  await tx.insert(purgeOutbox).values({ keys: unique, soft: opts.soft ?? true, spaceId: opts.spaceId ?? null });
}
