import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The audit trail: one row per auth or access-control event, written in the same
 * transaction as the change it records. Actor and target are plain ids (no foreign keys),
 * so rows outlive what they describe.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id'),
    actorUserId: uuid('actor_user_id'),
    actorKeyId: uuid('actor_key_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    result: text('result', { enum: ['success', 'failure'] }).notNull(),
    metadata: jsonb('metadata').notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_events_org_idx').on(t.organizationId, t.createdAt), index('audit_events_actor_idx').on(t.actorUserId, t.createdAt)],
);
