import { bigint, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Where `npm run keys -- rotate` is (origin/governance/keys.ts): per target MASTER_KEYS version
 * and column (`users.email_enc`, `webhooks.secret_encrypted`, …), the last row id re-encrypted,
 * so an interrupted rotation resumes where it stopped. `finished_at` once the column is done.
 */
export const keyRotationProgress = pgTable(
  'key_rotation_progress',
  {
    targetVersion: integer('target_version').notNull(),
    columnRef: text('column_ref').notNull(),
    lastId: text('last_id'),
    rowsDone: bigint('rows_done', { mode: 'number' }).notNull().default(0),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.targetVersion, t.columnRef] })],
);
