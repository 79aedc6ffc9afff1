import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

/**
 * Billing (origin/billing/): one row per organization that has a plan state — created lazily by
 * the first limited write or the first checkout. Stripe holds every payment detail; ghee keeps
 * only Stripe's ids, the plan it derives from the subscription, its status and period end — no
 * card number, no billing address, no name (the "no card data on our servers").
 * The row is also the lock that serializes an organization's limited creates (`select … for
 * update` in the commit step's guard), so parallel requests cannot pass a limit.
 */
export const billingAccounts = pgTable('billing_accounts', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  /** free | team | business | enterprise (origin/billing/plans.ts). */
  plan: text('plan').notNull().default('free'),
  /** none (never subscribed) or the Stripe subscription status as last fetched. */
  status: text('status').notNull().default('none'),
  stripeCustomerId: text('stripe_customer_id').unique(),
  stripeSubscriptionId: text('stripe_subscription_id'),
  currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
  /** When the subscription went past_due (start of the dunning grace); null when paid. */
  pastDueSince: timestamp('past_due_since', { withTimezone: true }),
  /** Active Stripe Entitlements feature lookup keys (informational: limits come from the plan table). */
  entitlements: jsonb('entitlements').$type<string[]>().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Write requests per organization and calendar month (UTC, `YYYY-MM`), counted in each write's transaction. */
export const billingUsage = pgTable(
  'billing_usage',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    writeRequests: integer('write_requests').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.period] })],
);

/** Every Stripe webhook event applied, by `event.id`, recorded in the transaction of its effect: a redelivery is a no-op. */
export const billingEvents = pgTable('billing_events', {
  eventId: text('event_id').primaryKey(),
  type: text('type').notNull(),
  organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'set null' }),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});
