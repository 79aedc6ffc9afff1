/**
 * The alert outbox against a local PagerDuty Events v2 stand-in (test/helpers/pagerduty.ts, which
 * validates every event as PagerDuty does) and a local webhook receiver: repeats of one event fold
 * into one PagerDuty incident (dedup_key), the resolve closes it, a receiver that is down gets the
 * alert later (retries with backoff; nothing dropped), a refusal backs off longer, the webhook is
 * signed like content webhooks, mail reaches the security contacts, and the routing key is sent
 * to PagerDuty only — never stored or logged.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { PagerDutyStandIn } from '../../../test/helpers/pagerduty.js';
import { LogSink } from '../../../test/helpers/stack.js';
import { alertOutbox } from '../../db/schema/index.js';
import { MemoryTransport } from '../../identity/mail.js';
import { createLogger } from '../../logger.js';
import { verifyWebhookSignature } from '../../outbox/index.js';
import { AlertWorker } from './alert-worker.js';
import { enqueueAlerts, type AlertEvent } from './alerts.js';

const ROUTING_KEY = 'abcdef0123456789abcdef0123456789';
const WEBHOOK_SECRET = 'w'.repeat(48);
let database: TestDatabase;
let pd: PagerDutyStandIn;
let receiver: Server;
let receiverUrl: string;
const received: { body: string; signature: string | undefined }[] = [];
let receiverDown = false;
const mail = new MemoryTransport();
const logs = new LogSink();
let clock = Date.now();

const worker = (channels: Partial<ConstructorParameters<typeof AlertWorker>[0]['channels']> = {}) =>
  new AlertWorker({
    db: database.db,
    logger: createLogger('debug', logs),
    now: () => new Date(clock),
    random: () => 0.5,
    baseDelayMs: 1000,
    channels: { pagerDuty: { url: pd.url, routingKey: ROUTING_KEY }, webhook: { url: `${receiverUrl}/hook`, secret: WEBHOOK_SECRET, allowLoopback: true }, mail, ...channels },
  });

function event(over: Partial<AlertEvent> = {}): AlertEvent {
  return {
    id: randomUUID(),
    rule: 'login_failures_ip',
    severity: 'high',
    organizationId: null,
    subject: { type: 'ip', id: '203.0.113.5' },
    dedupKey: `ghee:login_failures_ip:global:ip:203.0.113.5:${randomUUID()}`,
    count: 20,
    evidence: { reason: 'bad_password' },
    at: new Date(clock),
    description: 'failed sign-ins from one address',
    ...over,
  };
}

const targets = (contacts: string[] = []) => ({ pagerDuty: { minSeverity: 'medium' as const }, webhook: true, contacts, source: 'ghee-test' });
const pending = () => database.db.select().from(alertOutbox).where(isNull(alertOutbox.deliveredAt));
/** Queues like the engine does, due at the test's clock (rows default to the database's now()). */
async function enqueue(...args: Parameters<typeof enqueueAlerts>): Promise<void> {
  await enqueueAlerts(...args);
  await database.db.update(alertOutbox).set({ nextAttemptAt: new Date(clock) }).where(and(isNull(alertOutbox.deliveredAt), eq(alertOutbox.attempts, 0)));
}

beforeAll(async () => {
  database = await createTestDatabase();
  pd = await new PagerDutyStandIn(ROUTING_KEY).start();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (receiverDown) {
        res.writeHead(503).end();
        return;
      }
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-ghee-signature'] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await pd.stop();
  await new Promise((r) => receiver.close(r));
  await database.dispose();
});
beforeEach(async () => {
  await database.db.delete(alertOutbox);
});

describe('PagerDuty Events v2', () => {
  it('repeats of one event fold into one incident; the resolve closes it; every event is valid Events v2', async () => {
    const e = event();
    await enqueue(database.db, e, 'trigger', targets());
    await enqueue(database.db, { ...e, count: 25 }, 'trigger', targets());
    expect(await worker().drainOnce()).toEqual({ delivered: 4, failed: 0 });
    expect(pd.rejected).toEqual([]);
    expect(pd.incidents.get(e.dedupKey)).toMatchObject({ status: 'triggered', triggers: 2 });
    const trigger = pd.accepted.find((a) => a.dedup_key === e.dedupKey)!;
    expect(trigger.payload).toMatchObject({ source: 'ghee-test', severity: 'error', component: 'ghee-origin', group: 'platform', class: 'login_failures_ip', custom_details: { rule: 'login_failures_ip', count: 20 } });
    expect(String(trigger.payload!.summary)).toContain('login_failures_ip');
    await enqueue(database.db, e, 'resolve', targets());
    await worker().drainOnce();
    expect(pd.incidents.get(e.dedupKey)!.status).toBe('resolved');
    expect(await pending()).toEqual([]);
  });

  it('below PAGERDUTY_MIN_SEVERITY nothing is paged (the webhook still hears it)', async () => {
    const e = event({ severity: 'low' });
    await enqueue(database.db, e, 'trigger', targets());
    const rows = await pending();
    expect(rows.map((r) => r.channel)).toEqual(['webhook']);
  });

  it('an over-long summary is cut to 1024 characters and accepted', async () => {
    const e = event({ subject: { type: 'host', id: 'h'.repeat(3000) } });
    await enqueue(database.db, e, 'trigger', targets());
    await worker().drainOnce();
    expect(pd.rejected).toEqual([]);
    const sent = pd.accepted.find((a) => a.dedup_key === e.dedupKey)!;
    expect(String(sent.payload!.summary).length).toBe(1024);
    expect(sent.dedup_key!.length).toBeLessThanOrEqual(255);
  });

  it('receiver down: the alert stays queued with backoff and is delivered once PagerDuty is back', async () => {
    const e = event();
    await enqueue(database.db, e, 'trigger', { ...targets(), webhook: false });
    pd.down = true;
    const w = worker();
    expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 1 });
    let [row] = await pending();
    expect(row).toMatchObject({ attempts: 1, lastError: 'PagerDuty answered 503' });
    expect(row!.nextAttemptAt.getTime() - clock).toBe(750); // base 1000 · 2^0 · (0.5 + 0.5/2)
    // Not due yet: nothing is sent.
    expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 0 });
    // Still down (connection dropped this time): the second wait doubles.
    pd.down = false;
    pd.dropConnections = true;
    clock += 1000;
    expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 1 });
    [row] = await pending();
    expect(row).toMatchObject({ attempts: 2, lastError: 'PagerDuty unreachable: connection failed' });
    expect(row!.nextAttemptAt.getTime() - clock).toBe(1500);
    pd.dropConnections = false;
    clock += 2000;
    expect(await w.drainOnce()).toEqual({ delivered: 1, failed: 0 });
    expect(pd.incidents.get(e.dedupKey)).toMatchObject({ status: 'triggered', triggers: 1 });
    expect(await pending()).toEqual([]);
  });

  it('a refused event (400) waits 16× longer: it needs a human, not a hammer', async () => {
    await enqueue(database.db, event(), 'trigger', { ...targets(), webhook: false });
    const w = worker({ pagerDuty: { url: pd.url, routingKey: 'not-the-key-not-the-key-not-the-k' } });
    expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 1 });
    const [row] = await pending();
    expect(row!.lastError).toBe('PagerDuty answered 400');
    expect(row!.nextAttemptAt.getTime() - clock).toBe(12_000);
  });
});

describe('webhook and mail', () => {
  it('signs the webhook like content webhooks; retries while the receiver is down', async () => {
    const e = event({ organizationId: randomUUID() });
    await enqueue(database.db, e, 'trigger', { ...targets(), pagerDuty: null });
    receiverDown = true;
    const w = worker();
    expect(await w.drainOnce()).toEqual({ delivered: 0, failed: 1 });
    receiverDown = false;
    clock += 5000;
    expect(await w.drainOnce()).toEqual({ delivered: 1, failed: 0 });
    const got = received.at(-1)!;
    expect(verifyWebhookSignature(WEBHOOK_SECRET, got.signature, got.body, Date.now() / 1000)).toBe(true);
    expect(verifyWebhookSignature('x'.repeat(48), got.signature, got.body, Date.now() / 1000)).toBe(false);
    expect(JSON.parse(got.body)).toMatchObject({ type: 'security_event.raised', id: e.id, rule: e.rule, dedup_key: e.dedupKey });
  });

  it('mails the security contacts of an org-level event (and not of a platform one)', async () => {
    const org = randomUUID();
    await enqueue(database.db, event({ organizationId: org }), 'trigger', { ...targets(['sec@example.com', 'soc@example.com']), pagerDuty: null, webhook: false });
    await enqueue(database.db, event(), 'trigger', { ...targets(['nobody@example.com']), pagerDuty: null, webhook: false });
    await worker().drainOnce();
    expect(mail.messages.map((m) => m.to).sort()).toEqual(['sec@example.com', 'soc@example.com']);
    expect(mail.last('sec@example.com')!.text).toContain(`/v1/orgs/${org}/security-events`);
  });

  it('the routing key went to PagerDuty only: not in the outbox, not in a log line', async () => {
    expect(pd.raw.some((r) => r.includes(ROUTING_KEY))).toBe(true);
    await enqueue(database.db, event(), 'trigger', targets());
    await worker().drainOnce();
    const stored = JSON.stringify(await database.db.select().from(alertOutbox));
    expect(stored).not.toContain(ROUTING_KEY);
    expect(stored).not.toContain(WEBHOOK_SECRET);
    expect(logs.text.length).toBeGreaterThan(0);
    expect(logs.text).not.toContain(ROUTING_KEY);
    expect(logs.text).not.toContain(WEBHOOK_SECRET);
    expect((await database.db.select().from(alertOutbox).where(eq(alertOutbox.channel, 'pagerduty'))).every((r) => !('routing_key' in r.body))).toBe(true);
  });
});
