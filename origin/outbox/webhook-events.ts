/**
 * Webhook events: the event names a change emits, what a webhook may subscribe to, the
 * ButterCMS payload builders, and `enqueueWebhookEvent`, which queues the deliveries in the
 * caller's transaction (the commit step, origin/outbox/commit.ts, calls it). Split from
 * origin/outbox/webhooks.ts (management, signatures, the delivery log) so that the commit step can
 * use it while webhook management itself commits through the commit step, without a cycle.
 */
import { and, arrayOverlaps, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { webhookDeliveries, webhooks } from '../db/schema/index.js';

export const WEBHOOK_EVENTS = [
  'page.published',
  'page.draft',
  'page.unpublished',
  'page.delete',
  'post.published',
  'post.draft',
  'post.delete',
  'collectionitem.published',
  'collectionitem.draft',
  'collectionitem.unpublished',
  'collectionitem.delete',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What a webhook may subscribe to: an event, a ButterCMS `<kind>.all` catch-all, or `*`. */
export const WEBHOOK_SUBSCRIPTIONS = [...WEBHOOK_EVENTS, 'page.all', 'post.all', 'collectionitem.all', '*'] as const;
export type WebhookSubscription = (typeof WEBHOOK_SUBSCRIPTIONS)[number];

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

export function isWebhookSubscription(value: string): value is WebhookSubscription {
  return (WEBHOOK_SUBSCRIPTIONS as readonly string[]).includes(value);
}

/** The subscriptions that match one event: itself, its kind's `.all`, and `*`. */
export function subscriptionsFor(event: WebhookEvent): WebhookSubscription[] {
  const kind = event.slice(0, event.indexOf('.'));
  return [event, `${kind}.all` as WebhookSubscription, '*'];
}


/**
 * Queues one delivery per active webhook of the space subscribed to `event`, with the ButterCMS
 * payload `{ data, webhook: { event, target } }`. Call it with the transaction that makes the
 * change, so the deliveries commit (or roll back) with it. Returns how many were queued.
 */
export async function enqueueWebhookEvent(tx: Db, spaceId: string, event: WebhookEvent, data: Record<string, unknown>): Promise<number> {
  if (!isWebhookEvent(event)) throw new Error(`unknown webhook event "${String(event).slice(0, 64)}"`);
  const targets = await tx
    .select({ id: webhooks.id, url: webhooks.url })
    .from(webhooks)
    .where(and(eq(webhooks.spaceId, spaceId), eq(webhooks.active, true), arrayOverlaps(webhooks.events, subscriptionsFor(event))));
  if (targets.length === 0) return 0;
  await tx.insert(webhookDeliveries).values(
    targets.map((w) => ({
      webhookId: w.id,
      event,
      payload: { data, webhook: { event, target: w.url } },
    })),
  );
  return targets.length;
}

// ---------------------------------------------------------------------------------------------
// ButterCMS payload builders

/** ButterCMS's `timestamp` field: UTC, seconds precision, no zone suffix (`2024-01-15T14:30:00`). */
export function butterTimestamp(d: Date): string {
  return d.toISOString().slice(0, 19);
}

export interface PageWebhookSource {
  slug: string;
  /** ButterCMS's numeric page id; ghee passes its own stable id. */
  buttercmsId: number | string;
  /** `*` for a single page without a type. */
  pageType: string;
  editor: string;
  name: string;
  /** null for the space's default locale. */
  locale: string | null;
  status: 'draft' | 'published' | 'scheduled' | 'deleted';
  updated: Date;
  published: Date | null;
  scheduled?: Date | null;
}

export function pageWebhookData(p: PageWebhookSource, now: Date = new Date()): Record<string, unknown> {
  return {
    id: p.slug,
    buttercms_id: p.buttercmsId,
    page_type: p.pageType,
    editor: p.editor,
    name: p.name,
    timestamp: butterTimestamp(now),
    locale: p.locale,
    status: p.status,
    updated: p.updated.toISOString(),
    published: p.published ? p.published.toISOString() : null,
    scheduled: p.scheduled ? p.scheduled.toISOString() : null,
  };
}

export function postWebhookData(p: { slug: string; id: number | string }): Record<string, unknown> {
  return { id: p.slug, _id: p.id };
}

export function collectionItemWebhookData(
  c: { collectionKey: string; itemId: number | string; label: string; editor: string; locale: string | null; status: 'draft' | 'published' | 'deleted' },
  now: Date = new Date(),
): Record<string, unknown> {
  return {
    id: c.collectionKey,
    itemid: `/v2/content/?keys=${c.collectionKey}[_id=${c.itemId}]`,
    label: c.label,
    editor: c.editor,
    timestamp: butterTimestamp(now),
    locale: c.locale,
    status: c.status,
  };
}
