/**
 * Outgoing webhooks: ButterCMS-compatible events and payloads, plus what ButterCMS lacks —
 * an HMAC-SHA-256 signature over timestamp and body, retries with backoff, a delivery log and an
 * SSRF guard (origin/outbox/ssrf.ts).
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
 * exists exactly when the change committed; origin/outbox/webhook-worker.ts sends them.
 *
 * Signature header `x-ghee-signature: t=<unix seconds>,v1=<hex HMAC-SHA-256(secret, "<t>.<body>")>`.
 * Receivers verify with `verifyWebhookSignature` (or the same three lines in their language) and
 * refuse timestamps outside a tolerance window, which stops replays.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { spaces, webhookDeliveries, webhooks } from '../db/schema/index.js';
import type { Envelope } from '../crypto/envelope.js';
import type { Result } from '../http/result.js';
import { checkOutboundTarget, type HostLookup } from '../net/ssrf.js';
import { commitWrite, OPERATOR, type WriteActor } from './commit.js';
import { isWebhookSubscription, WEBHOOK_SUBSCRIPTIONS } from './webhook-events.js';

/** Events, subscriptions, payload builders and the enqueuer (origin/outbox/webhook-events.ts). */
export * from './webhook-events.js';

export const SIGNATURE_HEADER = 'x-ghee-signature';
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;
const MAX_SIGNATURE_HEADER_LENGTH = 4096;
const SECRET_PREFIX = 'whsec_';

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
 * its envelope-encrypted form (bound to the webhook id) is stored. A refused event list, URL or
 * space is returned as `invalid` (answered 400 with the detail, as before), nothing stored.
 */
export async function createWebhook(db: Db, input: CreateWebhookInput, envelope: Envelope, actor: WriteActor = OPERATOR): Promise<Result<{ id: string; secret: string }>> {
  const events = [...new Set(input.events)];
  if (events.length === 0) return invalid('at least one event is required');
  const unknown = events.find((e) => !isWebhookSubscription(e));
  if (unknown !== undefined) return invalid(`unknown event "${unknown.slice(0, 64)}"; expected one of ${WEBHOOK_SUBSCRIPTIONS.join(', ')}`);
  const check = await checkOutboundTarget(input.url, { allowLoopback: input.allowLoopback, ...(input.lookup ? { lookup: input.lookup } : {}) });
  if (!check.ok) return invalid(`webhook URL refused: ${check.reason}`);

  const space = await db.select({ id: spaces.id }).from(spaces).where(eq(spaces.id, input.spaceId)).limit(1);
  if (space.length === 0) return invalid('space not found');

  const id = randomUUID();
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  const url = check.url.toString();
  // The audit row names the target URL and events, never the secret.
  const saved = await commitWrite(db, actor, input.spaceId, async (w): Promise<Result<null>> => {
    await w.t.insert(webhooks).values({ id, spaceId: input.spaceId, url, events, secretEncrypted: envelope.encrypt(secret, webhookSecretAad(id)) });
    w.audit({ action: 'webhook.create', target: { type: 'webhook', id }, metadata: { url, events } });
    return { ok: true, value: null };
  });
  // A plan limit (origin/billing/) may refuse it inside its transaction.
  if (!saved.ok) return saved;
  return { ok: true, value: { id, secret } };
}

const invalid = (detail: string) => ({ ok: false, error: 'invalid', detail }) as const;

/** Deletes a webhook of the space (its delivery log goes with it); false when there is none. */
export async function deleteWebhook(db: Db, spaceId: string, id: string, actor: WriteActor): Promise<boolean> {
  const r = await commitWrite(db, actor, spaceId, async (w) => {
    const [deleted] = await w.t.delete(webhooks).where(and(eq(webhooks.id, id), eq(webhooks.spaceId, spaceId))).returning({ id: webhooks.id, url: webhooks.url });
    if (!deleted) return { ok: false };
    w.audit({ action: 'webhook.delete', target: { type: 'webhook', id }, metadata: { url: deleted.url } });
    return { ok: true };
  });
  return r.ok;
}

/** The AAD that binds a webhook's encrypted secret to its row. */
export function webhookSecretAad(webhookId: string): string {
  return `webhooks.secret:${webhookId}`;
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
