/**
 * Webhook delivery worker: drains `webhook_deliveries` (written by enqueueWebhookEvent in the
 * content change's transaction) and POSTs each payload to its webhook.
 *
 * One pass (`drainOnce`):
 *  1. Claim up to `batchSize` due pending rows in a short transaction with
 *     `FOR UPDATE SKIP LOCKED` (several workers never claim the same row; PGlite, which has one
 *     connection, accepts the same SQL) and push their `next_attempt_at` forward by a lease, so
 *     the HTTP call happens outside any transaction and a crashed worker's rows become due again
 *     when the lease runs out.
 *  2. For each row: re-check the target with the SSRF guard (DNS may have changed since the
 *     webhook was created), decrypt the signing secret, sign, and POST — connecting only to the
 *     addresses the guard just vetted (`pinnedFetch` hands them to node:http(s) through a custom
 *     `lookup`, so the socket cannot follow a second DNS answer: DNS-rebinding defence). TLS still
 *     verifies the certificate against the URL's host name. Redirects are never followed
 *     (a 3xx is a failed attempt) and at most MAX_RESPONSE_BYTES of a response body are read.
 *  3. 2xx → `delivered`. Anything else (status, network error, timeout, refused target) →
 *     attempts + 1, `last_status_code` / `last_error`, next try after exponential backoff with
 *     jitter; after `maxAttempts` attempts → `failed`. The result is written only if the row is
 *     still the one claimed (same attempt count), so a stale worker cannot overwrite a newer one.
 *
 * Secrets never reach logs or `last_error`: errors are reduced to a short description and any
 * occurrence of the secret is masked defensively. Logs carry the target's origin, never its path
 * or query (receivers sometimes put tokens there).
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { webhookDeliveries, webhooks } from '../db/schema/index.js';
import type { Envelope } from '../crypto/envelope.js';
import type { Logger } from '../logger.js';
import { checkOutboundTarget, type HostLookup } from '../net/ssrf.js';
import { logRunFailure } from '../jobs/periodic.js';
import { SIGNATURE_HEADER, signWebhook, webhookSecretAad } from './webhooks.js';

export const WEBHOOK_USER_AGENT = 'ghee-webhooks/1';
export const MAX_RESPONSE_BYTES = 4096;
const MAX_ERROR_LENGTH = 300;

export interface WebhookRequest {
  url: URL;
  /** The addresses the SSRF guard vetted; the request must connect to one of these only. */
  addresses: readonly string[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface WebhookResponse {
  status: number;
}

/** Sends one signed delivery. The default, `pinnedFetch`, connects only to `req.addresses`. */
export type WebhookFetch = (req: WebhookRequest) => Promise<WebhookResponse>;

export interface WebhookWorkerOptions {
  db: Db;
  envelope: Envelope;
  logger: Logger;
  allowLoopback: boolean;
  /** Clock in epoch milliseconds (tests inject one). */
  now?: () => number;
  /** Uniform [0, 1) for backoff jitter (tests inject one). */
  random?: () => number;
  fetchImpl?: WebhookFetch;
  /** DNS override for the send-time SSRF check (tests); the system resolver otherwise. */
  lookup?: HostLookup;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  batchSize?: number;
  /**
   * Awaited after deliveries are claimed and before they are sent: with read replicas, the fence
   * that waits until they have replayed the claimed writes (origin/db/replicas.ts), so a receiver
   * that reads the changed content at once does not read the old version from a lagging replica.
   */
  beforeSend?: () => Promise<unknown>;
}

export interface DrainResult {
  claimed: number;
  delivered: number;
  retried: number;
  failed: number;
}

/** Attempts before a delivery is marked failed (see the constructor). */
export const DEFAULT_MAX_ATTEMPTS = 24;

/**
 * Delay before the next attempt after `attempt` failed attempts (1-based): exponential
 * `base · 2^(attempt-1)` capped at `max`, with "equal jitter" — a uniform value in [d/2, d) — so
 * retries of many deliveries spread out but never come back sooner than half the nominal delay.
 */
export function backoffDelayMs(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  const nominal = Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.max(1, Math.round(nominal / 2 + (r * nominal) / 2));
}

/** POST over node:http(s), connecting only to the vetted addresses. */
export const pinnedFetch: WebhookFetch = (req) =>
  new Promise<WebhookResponse>((resolve, reject) => {
    const pinned: LookupAddress[] = req.addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (pinned.length === 0) {
      reject(new Error('no vetted address to connect to'));
      return;
    }
    const lookup: LookupFunction = (_hostname, options, callback) => {
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
      const list = family === 4 || family === 6 ? pinned.filter((p) => p.family === family) : pinned;
      const first = list[0];
      if (!first) {
        callback(Object.assign(new Error('no vetted address of the requested family'), { code: 'ENOTFOUND' }), '', 0);
      } else if (options.all) {
        callback(null, list);
      } else {
        callback(null, first.address, first.family);
      }
    };
    const host = req.url.hostname.startsWith('[') ? req.url.hostname.slice(1, -1) : req.url.hostname;
    const options: https.RequestOptions = {
      protocol: req.url.protocol,
      hostname: host,
      port: req.url.port === '' ? undefined : Number(req.url.port),
      path: `${req.url.pathname}${req.url.search}`,
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body, 'utf8')) },
      agent: false,
      lookup,
    };
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const request = (req.url.protocol === 'https:' ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) {
          res.destroy();
          finish(() => resolve({ status }));
        }
      });
      res.on('end', () => finish(() => resolve({ status })));
      res.on('error', () => finish(() => resolve({ status })));
      res.on('close', () => finish(() => resolve({ status })));
    });
    const timer = setTimeout(() => {
      request.destroy(Object.assign(new Error(`timed out after ${req.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, req.timeoutMs);
    request.on('error', (err) => finish(() => reject(err)));
    request.end(req.body);
  });

/** A short, secret-free description of a send failure for `last_error`. */
function describeError(err: unknown, secret: string | null): string {
  let text = 'request failed';
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    text = code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  if (secret) text = text.split(secret).join('[REDACTED]');
  return text.slice(0, MAX_ERROR_LENGTH);
}

interface ClaimedDelivery {
  id: string;
  webhookId: string;
  event: string;
  payload: unknown;
  attempts: number;
}

type Outcome = { kind: 'delivered'; status: number } | { kind: 'error'; status: number | null; error: string };

export class WebhookWorker {
  private readonly db: Db;
  private readonly envelope: Envelope;
  private readonly logger: Logger;
  private readonly allowLoopback: boolean;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly fetchImpl: WebhookFetch;
  private readonly lookup: HostLookup | undefined;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly batchSize: number;
  private readonly beforeSend: (() => Promise<unknown>) | undefined;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(opts: WebhookWorkerOptions) {
    this.db = opts.db;
    this.envelope = opts.envelope;
    this.logger = opts.logger;
    this.allowLoopback = opts.allowLoopback;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.fetchImpl = opts.fetchImpl ?? pinnedFetch;
    this.lookup = opts.lookup;
    // 24 attempts from 1 s doubling to a 1 h cap: a receiver may be down 6.5–13 h and lose nothing
    // (8 attempts gave up after 64–127 s — a one-minute outage used them all).
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.baseDelayMs = Math.max(1, opts.baseDelayMs ?? 1000);
    this.maxDelayMs = Math.max(this.baseDelayMs, opts.maxDelayMs ?? 3_600_000);
    this.timeoutMs = Math.max(1, opts.timeoutMs ?? 10_000);
    this.batchSize = Math.max(1, opts.batchSize ?? 20);
    this.beforeSend = opts.beforeSend;
  }

  /** Claims the due deliveries and attempts each once. */
  async drainOnce(): Promise<DrainResult> {
    const result: DrainResult = { claimed: 0, delivered: 0, retried: 0, failed: 0 };
    const claimed = await this.claim();
    result.claimed = claimed.length;
    if (claimed.length === 0) return result;
    if (this.beforeSend) await this.beforeSend();
    const hooks = await this.db
      .select({ id: webhooks.id, url: webhooks.url, secretEncrypted: webhooks.secretEncrypted, active: webhooks.active })
      .from(webhooks)
      .where(inArray(webhooks.id, [...new Set(claimed.map((d) => d.webhookId))]));
    const byId = new Map(hooks.map((h) => [h.id, h]));
    const settled = await Promise.all(claimed.map((d) => this.attempt(d, byId.get(d.webhookId))));
    for (const s of settled) if (s) result[s] += 1;
    return result;
  }

  /** Drains every `intervalMs` (at once again while a full batch keeps coming) until `stop()`. */
  start(intervalMs: number): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      this.timer = null;
      let again = false;
      const pass = this.drainOnce().then(
        (r) => {
          again = r.claimed >= this.batchSize;
        },
        (err: unknown) => logRunFailure(this.logger, err, 'webhook worker pass failed'),
      );
      this.running = pass;
      await pass;
      this.running = null;
      if (!this.stopped) this.schedule(tick, again ? 0 : intervalMs);
    };
    this.schedule(tick, 0);
  }

  /** Stops scheduling and waits for a pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(fn: () => Promise<void>, ms: number): void {
    this.timer = setTimeout(() => void fn(), ms);
    this.timer.unref();
  }

  private async claim(): Promise<ClaimedDelivery[]> {
    const now = new Date(this.now());
    // Long enough for one send (timeout) plus slack; replaced by the real next time on completion.
    const leaseUntil = new Date(now.getTime() + this.timeoutMs * 2 + 30_000);
    return this.db.transaction(async (tx) => {
      const due = await tx
        .select({
          id: webhookDeliveries.id,
          webhookId: webhookDeliveries.webhookId,
          event: webhookDeliveries.event,
          payload: webhookDeliveries.payload,
          attempts: webhookDeliveries.attempts,
        })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(this.batchSize)
        .for('update', { skipLocked: true });
      if (due.length > 0) {
        await tx
          .update(webhookDeliveries)
          .set({ nextAttemptAt: leaseUntil })
          .where(
            inArray(
              webhookDeliveries.id,
              due.map((d) => d.id),
            ),
          );
      }
      return due;
    });
  }

  private async attempt(
    d: ClaimedDelivery,
    hook: { id: string; url: string; secretEncrypted: string; active: boolean } | undefined,
  ): Promise<keyof Omit<DrainResult, 'claimed'> | null> {
    if (!hook) return null; // webhook deleted meanwhile; its deliveries went with it (cascade)
    if (!hook.active) {
      await this.finish(d, { kind: 'error', status: null, error: 'webhook is disabled' }, true);
      return 'failed';
    }
    const outcome = await this.send(d, hook);
    const attempts = d.attempts + 1;
    const giveUp = outcome.kind === 'error' && attempts >= this.maxAttempts;
    await this.finish(d, outcome, giveUp);
    const log = { deliveryId: d.id, webhookId: d.webhookId, event: d.event, attempt: attempts, target: safeOrigin(hook.url) };
    if (outcome.kind === 'delivered') {
      this.logger.info({ ...log, statusCode: outcome.status }, 'webhook delivered');
      return 'delivered';
    }
    this.logger.warn({ ...log, statusCode: outcome.status, error: outcome.error }, giveUp ? 'webhook delivery failed; giving up' : 'webhook delivery failed; will retry');
    return giveUp ? 'failed' : 'retried';
  }

  private async send(d: ClaimedDelivery, hook: { id: string; url: string; secretEncrypted: string }): Promise<Outcome> {
    const check = await checkOutboundTarget(hook.url, { allowLoopback: this.allowLoopback, ...(this.lookup ? { lookup: this.lookup } : {}) });
    if (!check.ok) return { kind: 'error', status: null, error: `target refused: ${check.reason}` };
    let secret: string;
    try {
      secret = this.envelope.decrypt(hook.secretEncrypted, webhookSecretAad(hook.id));
    } catch {
      return { kind: 'error', status: null, error: 'signing secret cannot be decrypted (master key missing or changed)' };
    }
    const body = JSON.stringify(d.payload);
    const timestamp = Math.floor(this.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'x-ghee-event': d.event,
      'x-ghee-delivery': d.id,
      [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
    };
    try {
      const res = await this.fetchImpl({ url: check.url, addresses: check.addresses, headers, body, timeoutMs: this.timeoutMs });
      if (res.status >= 200 && res.status < 300) return { kind: 'delivered', status: res.status };
      const redirect = res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : '';
      return { kind: 'error', status: res.status, error: `HTTP ${res.status}${redirect}` };
    } catch (err) {
      return { kind: 'error', status: null, error: describeError(err, secret) };
    }
  }

  private async finish(d: ClaimedDelivery, outcome: Outcome, giveUp: boolean): Promise<void> {
    const now = new Date(this.now());
    const attempts = d.attempts + 1;
    const values =
      outcome.kind === 'delivered'
        ? { status: 'delivered', attempts, lastStatusCode: outcome.status, lastError: null, deliveredAt: now, nextAttemptAt: now }
        : {
            status: giveUp ? 'failed' : 'pending',
            attempts,
            lastStatusCode: outcome.status,
            lastError: outcome.error.slice(0, MAX_ERROR_LENGTH),
            nextAttemptAt: giveUp ? now : new Date(now.getTime() + backoffDelayMs(attempts, this.baseDelayMs, this.maxDelayMs, this.random)),
          };
    await this.db
      .update(webhookDeliveries)
      .set(values)
      .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.status, 'pending'), eq(webhookDeliveries.attempts, d.attempts)));
  }
}

/** `scheme://host[:port]` of a stored URL, for logs. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '[invalid url]';
  }
}
