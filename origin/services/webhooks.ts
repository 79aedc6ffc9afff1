/**
 * Outgoing webhooks: ButterCMS-compatible events and payloads, plus what ButterCMS lacks —
 * an HMAC-SHA-256 signature over timestamp and body, retries with backoff, a delivery log and an
 * SSRF guard (origin/net/ssrf.ts).
 *
 * Events and payloads follow the ButterCMS webhook reference: every request body is
 * `{ "data": { … }, "webhook": { "event": "<event>", "target": "<url>" } }` where `data` is
 *   pages:            { id: <slug>, buttercms_id, page_type, editor, name, timestamp, locale,
 *                       status, updated, published, scheduled }
 *   blog posts:       { id: <slug>, _id }
 *   collection items: { id: <collection key>, itemid: "/v2/content/?keys=<key>[_id=<n>]",
 *                       label, editor, timestamp, locale, status }
 * (`pageWebhookData`, `postWebhookData`, `collectionItemWebhookData` build them). A webhook
 * subscribes to event names, to ButterCMS's catch-alls `page.all` / `post.all` /
 * `collectionitem.all`, or to `*`; the delivered `webhook.event` is always the concrete event.
 *
 * Delivery rows are written by `enqueueWebhookEvent` in the caller's transaction, so an event
 * exists exactly when the change committed; origin/jobs/webhook-worker.ts sends them.
 *
 * Signature header `x-ghee-signature: t=<unix seconds>,v1=<hex HMAC-SHA-256(secret, "<t>.<body>")>`.
 * Receivers verify with `verifyWebhookSignature` (or the same three lines in their language) and
 * refuse timestamps outside a tolerance window, which stops replays.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, arrayOverlaps, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { spaces, webhookDeliveries, webhooks } from '../db/schema/index.js';
import type { Envelope } from '../crypto/envelope.js';
import { checkWebhookTarget, type HostLookup } from '../net/ssrf.js';

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

export const SIGNATURE_HEADER = 'x-ghee-signature';
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;
const MAX_SIGNATURE_HEADER_LENGTH = 4096;
const SECRET_PREFIX = 'whsec_';

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

/** A refused webhook definition; `code` tells the HTTP layer which 400 to answer. */
export class WebhookValidationError extends Error {
  constructor(
    readonly code: 'invalid_url' | 'invalid_events' | 'unknown_space',
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'WebhookValidationError';
  }
}

export interface CreateWebhookInput {
  spaceId: string;
  url: string;
  events: readonly string[];
  allowLoopback: boolean;
  /** DNS override for the SSRF check (tests); the system resolver otherwise. */
  lookup?: HostLookup;
}

/**
 * Creates a webhook after the SSRF guard accepted its URL. Returns the signing secret once; only
 * its envelope-encrypted form (bound to the webhook id) is stored. Throws WebhookValidationError
 * for a refused URL or event list.
 */
export async function createWebhook(db: Db, input: CreateWebhookInput, envelope: Envelope): Promise<{ id: string; secret: string }> {
  const events = [...new Set(input.events)];
  if (events.length === 0) throw new WebhookValidationError('invalid_events', 'at least one event is required');
  const unknown = events.find((e) => !isWebhookSubscription(e));
  if (unknown !== undefined) {
    throw new WebhookValidationError('invalid_events', `unknown event "${unknown.slice(0, 64)}"; expected one of ${WEBHOOK_SUBSCRIPTIONS.join(', ')}`);
  }
  const check = await checkWebhookTarget(input.url, { allowLoopback: input.allowLoopback, ...(input.lookup ? { lookup: input.lookup } : {}) });
  if (!check.ok) throw new WebhookValidationError('invalid_url', `webhook URL refused: ${check.reason}`);

  const space = await db.select({ id: spaces.id }).from(spaces).where(eq(spaces.id, input.spaceId)).limit(1);
  if (space.length === 0) throw new WebhookValidationError('unknown_space', 'space not found');

  const id = randomUUID();
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  await db.insert(webhooks).values({
    id,
    spaceId: input.spaceId,
    url: check.url.toString(),
    events,
    secretEncrypted: envelope.encrypt(secret, webhookSecretAad(id)),
  });
  return { id, secret };
}

/** The AAD that binds a webhook's encrypted secret to its row. */
export function webhookSecretAad(webhookId: string): string {
  return `webhooks.secret:${webhookId}`;
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

/** `t=<unix seconds>,v1=<hex HMAC-SHA-256(secret, "<t>.<body>")>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const t = Math.floor(timestamp);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

function hmacHex(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
}

const HEX_64 = /^[0-9a-f]{64}$/;
const DIGITS = /^\d{1,12}$/;

/**
 * Verifies a signature header against the raw request body. `now` is unix seconds; timestamps
 * further than `toleranceSeconds` from it (past or future) are refused. Several `v1=` entries are
 * accepted (any may match), so a receiver can roll secrets. Comparison is constant-time.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  now: number,
  toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_SIGNATURE_HEADER_LENGTH) return false;
  let t: number | null = null;
  const candidates: string[] = [];
  for (const item of header.split(',')) {
    const sep = item.indexOf('=');
    if (sep <= 0) return false;
    const k = item.slice(0, sep).trim();
    const v = item.slice(sep + 1).trim();
    if (k === 't') {
      if (t !== null || !DIGITS.test(v)) return false;
      t = Number(v);
    } else if (k === 'v1') {
      if (HEX_64.test(v)) candidates.push(v);
    }
  }
  if (t === null || candidates.length === 0) return false;
  if (!Number.isFinite(now) || Math.abs(Math.floor(now) - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  let match = false;
  for (const c of candidates) {
    // Every candidate is compared, so timing does not reveal which one matched.
    if (timingSafeEqual(expected, Buffer.from(c, 'hex'))) match = true;
  }
  return match;
}

export interface DeliveryLogEntry {
  id: string;
  webhookId: string;
  event: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  payload: unknown;
}

/**
 * The delivery log of one webhook, newest first (`limit` clamped to 1–200). Pass `spaceId` to
 * scope the read to a tenant: a webhook of another space then yields nothing.
 */
export async function listDeliveries(db: Db, webhookId: string, limit = 50, spaceId?: string): Promise<DeliveryLogEntry[]> {
  const n = Math.min(200, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 50)));
  const rows = await db
    .select({
      id: webhookDeliveries.id,
      webhookId: webhookDeliveries.webhookId,
      event: webhookDeliveries.event,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      createdAt: webhookDeliveries.createdAt,
      deliveredAt: webhookDeliveries.deliveredAt,
      payload: webhookDeliveries.payload,
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(eq(webhookDeliveries.webhookId, webhookId), spaceId === undefined ? undefined : eq(webhooks.spaceId, spaceId)))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(n);
  return rows;
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
