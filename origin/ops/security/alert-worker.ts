/**
 * Drains the alert outbox (alert_outbox) like the purge worker drains purges: a run claims due
 * rows in a short transaction (FOR UPDATE SKIP LOCKED, then leases them by pushing
 * next_attempt_at forward), sends them with no transaction open, and records each outcome —
 * delivered, or attempts + 1 with a credential-free last_error and an exponential, jittered next
 * attempt (a refusal — PagerDuty's 400, a webhook 4xx — waits 16× longer: it needs a human).
 * Nothing is given up on or deleted: a receiver that is down gets the alert when it is back.
 *
 * Channels: PagerDuty Events API v2 (`POST {PAGERDUTY_URL}/v2/enqueue`, the routing key added
 * here from the secret, never stored or logged), the security webhook (signed as content
 * webhooks are: `x-ghee-signature: t=…,v1=HMAC-SHA-256(secret, "t.body")`, the target vetted by
 * the SSRF guard), and mail (the app's MailTransport).
 */
import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { alertOutbox } from '../../db/schema/index.js';
import type { MailTransport } from '../../identity/index.js';
import type { Logger } from '../../logger.js';
import { logRunFailure } from '../../jobs/periodic.js';
import { guardedFetch } from '../../net/guarded-fetch.js';
import { signWebhook, SIGNATURE_HEADER } from '../../outbox/index.js';
import { countAlertDelivery } from '../metrics/registry.js';

export interface AlertChannels {
  pagerDuty?: { url: string; routingKey: string };
  webhook?: { url: string; secret: string; allowLoopback: boolean };
  mail?: MailTransport;
}

export interface AlertWorkerOptions {
  db: Db;
  logger: Logger;
  channels: AlertChannels;
  now?: () => Date;
  batchSize?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  leaseMs?: number;
  random?: () => number;
  timeoutMs?: number;
}

class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

type Row = { id: number; channel: string; body: Record<string, unknown>; attempts: number };

export class AlertWorker {
  readonly #o: Required<Omit<AlertWorkerOptions, 'channels'>> & { channels: AlertChannels };
  #running = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #current: Promise<unknown> | null = null;
  #kicked = false;
  #interval = 1000;

  constructor(opts: AlertWorkerOptions) {
    this.#o = {
      now: () => new Date(),
      batchSize: 50,
      baseDelayMs: 1000,
      maxDelayMs: 300_000,
      leaseMs: 60_000,
      random: Math.random,
      timeoutMs: 10_000,
      ...opts,
    };
  }

  /** One run: claim due rows, send each, record the outcomes. */
  async drainOnce(): Promise<{ delivered: number; failed: number }> {
    const now = this.#o.now();
    const rows = await this.#o.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: alertOutbox.id, channel: alertOutbox.channel, body: alertOutbox.body, attempts: alertOutbox.attempts })
        .from(alertOutbox)
        .where(and(isNull(alertOutbox.deliveredAt), lte(alertOutbox.nextAttemptAt, now)))
        .orderBy(asc(alertOutbox.id))
        .limit(this.#o.batchSize)
        .for('update', { skipLocked: true });
      if (due.length > 0) {
        await tx
          .update(alertOutbox)
          .set({ nextAttemptAt: new Date(now.getTime() + this.#o.leaseMs) })
          .where(
            inArray(
              alertOutbox.id,
              due.map((r) => r.id),
            ),
          );
      }
      return due as Row[];
    });
    let delivered = 0;
    let failed = 0;
    for (const row of rows) {
      try {
        await this.#send(row);
        await this.#o.db.update(alertOutbox).set({ deliveredAt: this.#o.now(), lastError: null }).where(eq(alertOutbox.id, row.id));
        countAlertDelivery(row.channel, 'delivered');
        delivered++;
      } catch (err) {
        const e = err instanceof SendError ? err : new SendError(err instanceof Error ? err.message : String(err), true);
        const delay = this.retryDelayMs(row.attempts, e.retryable);
        await this.#o.db
          .update(alertOutbox)
          .set({ attempts: sql`${alertOutbox.attempts} + 1`, lastError: e.message.slice(0, 500), nextAttemptAt: new Date(this.#o.now().getTime() + delay) })
          .where(eq(alertOutbox.id, row.id));
        countAlertDelivery(row.channel, row.attempts === 0 ? 'failed' : 'retried');
        this.#o.logger.warn({ channel: row.channel, alert_id: row.id, attempts: row.attempts + 1, error: e.message.slice(0, 200), retry_in_ms: delay }, 'alert delivery failed; will retry');
        failed++;
      }
    }
    return { delivered, failed };
  }

  /** min(max, base · 2^attempts) · (0.5 + random/2); refusals start 16× further along. */
  retryDelayMs(attempts: number, retryable: boolean): number {
    const exponent = Math.min(Math.max(0, attempts) + (retryable ? 0 : 4), 40);
    const capped = Math.min(this.#o.maxDelayMs, this.#o.baseDelayMs * 2 ** exponent);
    return Math.round(capped * (0.5 + Math.min(Math.max(this.#o.random(), 0), 1) / 2));
  }

  async #send(row: Row): Promise<void> {
    const { channels, timeoutMs } = this.#o;
    switch (row.channel) {
      case 'pagerduty': {
        if (!channels.pagerDuty) throw new SendError('PagerDuty is not configured (PAGERDUTY_ROUTING_KEY)', false);
        const res = await fetchOrThrow(`${channels.pagerDuty.url.replace(/\/+$/, '')}/v2/enqueue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ routing_key: channels.pagerDuty.routingKey, ...row.body }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.status === 202 || res.status === 200) return;
        throw new SendError(`PagerDuty answered ${res.status}`, res.status === 429 || res.status >= 500);
      }
      case 'webhook': {
        if (!channels.webhook) throw new SendError('the security webhook is not configured (SECURITY_WEBHOOK_URL)', false);
        const body = JSON.stringify(row.body);
        const send = guardedFetch({ allowLoopback: channels.webhook.allowLoopback, timeoutMs });
        let res: Response;
        try {
          res = await send(channels.webhook.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(channels.webhook.secret, Date.now() / 1000, body) },
            body,
          });
        } catch (err) {
          throw new SendError(`security webhook: ${err instanceof Error ? err.message : 'request failed'}`, true);
        }
        if (res.ok) return;
        throw new SendError(`security webhook answered ${res.status}`, res.status === 429 || res.status >= 500);
      }
      case 'email': {
        if (!channels.mail) throw new SendError('no mail transport', false);
        const b = row.body as { to: string; subject: string; text: string };
        await channels.mail.send({ to: b.to, subject: b.subject, text: b.text });
        return;
      }
      default:
        throw new SendError(`unknown channel ${row.channel}`, false);
    }
  }

  /** Run now rather than at the next interval. */
  kick(): void {
    if (!this.#running) return;
    if (this.#current) {
      this.#kicked = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#schedule(0);
  }

  start(intervalMs: number): void {
    if (this.#running) return;
    this.#running = true;
    this.#interval = intervalMs;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#current;
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => void this.#tick(), delay);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    this.#timer = null;
    if (!this.#running) return;
    let full = false;
    this.#current = this.drainOnce().then(
      (r) => {
        full = r.failed === 0 && r.delivered >= this.#o.batchSize;
      },
      (err: unknown) => logRunFailure(this.#o.logger, err, 'alert worker run failed'),
    );
    await this.#current;
    this.#current = null;
    const again = full || this.#kicked;
    this.#kicked = false;
    if (this.#running) this.#schedule(again ? 0 : this.#interval);
  }
}

async function fetchOrThrow(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    // The message names no key: the routing key is in the body, never in the URL.
    throw new SendError(`PagerDuty unreachable: ${err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'connection failed'}`, true);
  }
}
