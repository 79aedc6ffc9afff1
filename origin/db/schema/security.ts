import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

/**
 * Security operations (origin/ops/security): what the rules engine raised, per-organization
 * thresholds and security contacts, the networks each credential was seen from, the durable
 * alert outbox and incident records.
 */

export const SECURITY_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type SecuritySeverity = (typeof SECURITY_SEVERITIES)[number];

/**
 * One event per (rule, organization, subject) while its condition holds: `dedup_key` is unique
 * among open events, so repeats inside the window update `count`/`last_seen_at` instead of adding
 * rows; the resolver closes it once `window_ends_at` has passed. Evidence holds ids, counts,
 * networks and reasons — never secrets, raw tokens, passwords or email addresses.
 */
export const securityEvents = pgTable(
  'security_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    rule: text('rule').notNull(),
    severity: text('severity').notNull().$type<SecuritySeverity>(),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id'),
    actorKeyId: uuid('actor_key_id'),
    /** Personal data: an envelope token (`personalAad('security_events', 'actor_ip', id)`); an `ip` subject's id is one too. */
    actorIpEnc: text('actor_ip_enc'),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    dedupKey: text('dedup_key').notNull(),
    status: text('status').notNull().default('open').$type<'open' | 'resolved'>(),
    count: integer('count').notNull().default(1),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull().default({}),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    windowEndsAt: timestamp('window_ends_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('security_events_open_dedup_idx').on(t.dedupKey).where(sql`${t.status} = 'open'`),
    index('security_events_org_idx').on(t.organizationId, t.firstSeenAt),
    index('security_events_open_window_idx').on(t.windowEndsAt).where(sql`${t.status} = 'open'`),
    check('security_events_severity_check', sql`${t.severity} in ('info', 'low', 'medium', 'high', 'critical')`),
    check('security_events_status_check', sql`${t.status} in ('open', 'resolved')`),
  ],
);

/** Per-organization overrides of the deployment's thresholds, and who hears about org-level events. */
export const securitySettings = pgTable('security_settings', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  /** `{ "<rule>": { "threshold": n, "windowMinutes": m } }` — only the rules given override. */
  thresholds: jsonb('thresholds').$type<Record<string, { threshold?: number; windowMinutes?: number }>>().notNull().default({}),
  /** Addresses mailed for this organization's events and incidents. */
  securityContacts: jsonb('security_contacts').$type<string[]>().notNull().default([]),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The /24 (IPv4) or /48 (IPv6) networks a member or an API key has been used from. */
export const securityKnownNetworks = pgTable(
  'security_known_networks',
  {
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    network: text('network').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.subjectType, t.subjectId, t.network] })],
);

/**
 * Alerts to deliver (PagerDuty, the security webhook, email), written in the transaction that
 * raised or resolved the event, drained by the alert worker like the purge outbox: leased,
 * retried with backoff and jitter, never dropped.
 */
export const alertOutbox = pgTable(
  'alert_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').notNull().$type<'pagerduty' | 'webhook' | 'email'>(),
    /** What to send (the PagerDuty event without its routing key, the webhook body, the mail). */
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    eventId: uuid('event_id'),
    incidentId: uuid('incident_id'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    index('alert_outbox_pending_idx').on(t.nextAttemptAt, t.id).where(sql`${t.deliveredAt} is null`),
    check('alert_outbox_channel_check', sql`${t.channel} in ('pagerduty', 'webhook', 'email')`),
  ],
);

export interface IncidentTimelineEntry {
  at: string;
  kind: 'opened' | 'update' | 'status' | 'notification' | 'resolved';
  /** Who: an operator name, or 'ghee' for automatic entries. */
  by: string;
  text: string;
  status?: string;
  template?: string;
  recipients?: number;
  organizationId?: string;
}

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** An incident: opened from a critical alert or by an operator (npm run incident). */
export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    severity: text('severity').notNull().$type<SecuritySeverity>(),
    status: text('status').notNull().default('investigating').$type<IncidentStatus>(),
    organizationIds: jsonb('organization_ids').$type<string[]>().notNull().default([]),
    timeline: jsonb('timeline').$type<IncidentTimelineEntry[]>().notNull().default([]),
    sourceEventId: uuid('source_event_id'),
    summary: text('summary'),
    openedBy: text('opened_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    index('incidents_created_idx').on(t.createdAt),
    uniqueIndex('incidents_source_event_idx').on(t.sourceEventId),
    check('incidents_status_check', sql`${t.status} in ('investigating', 'identified', 'monitoring', 'resolved')`),
    check('incidents_severity_check', sql`${t.severity} in ('info', 'low', 'medium', 'high', 'critical')`),
  ],
);
