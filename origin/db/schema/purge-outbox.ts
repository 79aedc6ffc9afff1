import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Surrogate keys to purge, written in the same transaction as the content change that made
 * them stale, and drained by the purge worker (origin/outbox/purge-worker.ts). A row leaves the
 * queue only when the purge target acknowledged it: a purge is never lost while Fastly or the
 * edge is down.
 */
export const purgeOutbox = pgTable(
  'purge_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    spaceId: uuid('space_id'),
    keys: text('keys').array().notNull(),
    soft: boolean('soft').notNull().default(true),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [index('purge_outbox_pending_idx').on(t.nextAttemptAt, t.id).where(sql`${t.deliveredAt} is null`)],
);
