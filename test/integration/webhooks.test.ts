import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEnvelope, parseMasterKeys } from '../../origin/crypto/envelope.js';
import type { Db } from '../../origin/db/client.js';
import { organizations, spaces, webhookDeliveries, webhooks } from '../../origin/db/schema/index.js';
import { backoffDelayMs, WebhookWorker, type WebhookFetch, type WebhookWorkerOptions } from '../../origin/outbox/webhook-worker.js';
import { createLogger } from '../../origin/logger.js';
import type { HostLookup } from '../../origin/net/ssrf.js';
import {
  WEBHOOK_EVENTS,
  butterTimestamp,
  collectionItemWebhookData,
  createWebhook,
  enqueueWebhookEvent,
  listDeliveries,
  pageWebhookData,
  postWebhookData,
  signWebhook,
  verifyWebhookSignature,
  webhookSecretAad,
  type WebhookEvent,
} from '../../origin/outbox/webhooks.js';
import { unwrap } from '../../origin/http/result.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';
import { LogSink } from '../helpers/stack.js';
import { selfSignedCert } from '../helpers/tls.js';

// ---------------------------------------------------------------------------------------------
// Signature (pure)

describe('webhook signature', () => {
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const body = JSON.stringify({ data: { id: 'home' }, webhook: { event: 'page.published', target: 'https://example.com/' } });
  const t = 1_700_000_000;

  it('has the documented shape and round-trips', () => {
    const header = signWebhook(secret, t, body);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, header, body, t)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, t + 299)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, t - 299)).toBe(true);
  });

  it('refuses a tampered body or timestamp', () => {
    const header = signWebhook(secret, t, body);
    expect(verifyWebhookSignature(secret, header, body.replace('home', 'hom3'), t)).toBe(false);
    expect(verifyWebhookSignature(secret, header, `${body} `, t)).toBe(false);
    expect(verifyWebhookSignature(secret, header.replace(`t=${t}`, `t=${t + 1}`), body, t)).toBe(false);
    const v1 = header.split('v1=')[1]!;
    const flipped = `${v1.slice(0, 10)}${v1[10] === '0' ? '1' : '0'}${v1.slice(11)}`;
    expect(verifyWebhookSignature(secret, `t=${t},v1=${flipped}`, body, t)).toBe(false);
  });

  it('refuses an old (replayed) or far-future timestamp', () => {
    const header = signWebhook(secret, t, body);
    expect(verifyWebhookSignature(secret, header, body, t + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, t - 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, t + 3600, 3600)).toBe(true);
  });

  it('refuses the wrong secret', () => {
    expect(verifyWebhookSignature(`${secret}x`, signWebhook(secret, t, body), body, t)).toBe(false);
    expect(verifyWebhookSignature(secret, signWebhook('another', t, body), body, t)).toBe(false);
  });

  it('refuses malformed headers and accepts any of several v1 values (secret roll-over)', () => {
    const good = signWebhook(secret, t, body);
    const sig = good.split('v1=')[1]!;
    for (const bad of [null, undefined, '', 'garbage', `v1=${sig}`, `t=${t}`, `t=abc,v1=${sig}`, `t=${t},t=${t},v1=${sig}`, `t=${t},v1=${sig.toUpperCase()}`, `t=-${t},v1=${sig}`, `t=${t},v1=${sig}`.repeat(200)]) {
      expect(verifyWebhookSignature(secret, bad, body, t), String(bad)).toBe(false);
    }
    const other = signWebhook('old-secret', t, body).split('v1=')[1]!;
    expect(verifyWebhookSignature(secret, `t=${t},v1=${other},v1=${sig}`, body, t)).toBe(true);
    expect(verifyWebhookSignature(secret, `t=${t}, v1=${sig}, v0=ignored`, body, t)).toBe(true);
  });
});

describe('backoff', () => {
  it('doubles per attempt with jitter in [d/2, d], capped', () => {
    expect(backoffDelayMs(1, 1000, 3_600_000, () => 0)).toBe(500);
    expect(backoffDelayMs(1, 1000, 3_600_000, () => 0.999999)).toBe(1000);
    expect(backoffDelayMs(2, 1000, 3_600_000, () => 0)).toBe(1000);
    expect(backoffDelayMs(4, 1000, 3_600_000, () => 0.5)).toBe(6000);
    expect(backoffDelayMs(30, 1000, 3_600_000, () => 0.999999)).toBeLessThanOrEqual(3_600_000);
    expect(backoffDelayMs(30, 1000, 3_600_000, () => 0)).toBe(1_800_000);
  });
});

describe('ButterCMS payload builders', () => {
  const now = new Date('2024-01-15T14:30:00.123Z');
  it('page data has the ButterCMS fields', () => {
    expect(
      pageWebhookData(
        { slug: 'product-launch', buttercmsId: 5678, pageType: 'landing', editor: 'Marketing Team', name: 'Launch', locale: null, status: 'published', updated: now, published: now },
        now,
      ),
    ).toEqual({
      id: 'product-launch',
      buttercms_id: 5678,
      page_type: 'landing',
      editor: 'Marketing Team',
      name: 'Launch',
      timestamp: '2024-01-15T14:30:00',
      locale: null,
      status: 'published',
      updated: '2024-01-15T14:30:00.123Z',
      published: '2024-01-15T14:30:00.123Z',
      scheduled: null,
    });
  });
  it('post and collection item data have the ButterCMS fields', () => {
    expect(postWebhookData({ slug: 'announcing-new-features', id: 5678 })).toEqual({ id: 'announcing-new-features', _id: 5678 });
    expect(collectionItemWebhookData({ collectionKey: 'products', itemId: 5678, label: 'Headphones', editor: 'PM', locale: 'en', status: 'published' }, now)).toEqual({
      id: 'products',
      itemid: '/v2/content/?keys=products[_id=5678]',
      label: 'Headphones',
      editor: 'PM',
      timestamp: butterTimestamp(now),
      locale: 'en',
      status: 'published',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Real database + real local receiver

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

class Receiver {
  readonly requests: Received[] = [];
  replies: Reply[] = [];
  fallback: Reply = { status: 200, body: 'ok' };
  private hanging: ServerResponse[] = [];
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const reply = this.replies.shift() ?? this.fallback;
        if (reply === 'hang') {
          this.hanging.push(res);
          return;
        }
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  reset(): void {
    this.requests.length = 0;
    this.replies = [];
    this.fallback = { status: 200, body: 'ok' };
    for (const res of this.hanging.splice(0)) res.destroy();
  }

  async stop(): Promise<void> {
    for (const res of this.hanging.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe(`webhooks end to end on ${usingPostgres ? 'Postgres (TEST_DATABASE_URL)' : 'PGlite'}`, () => {
  let database: TestDatabase;
  let db: Db;
  let spaceId: string;
  let otherSpaceId: string;
  const receiver = new Receiver();
  const envelope = createEnvelope(parseMasterKeys(`v1:${randomBytes(32).toString('base64')}`));
  const logs = new LogSink();
  const logger = createLogger('debug', logs);
  const secrets: string[] = [];
  let clock = 0;
  const now = () => clock;
  const loopbackOnly: HostLookup = async () => ['127.0.0.1'];

  const worker = (opts: Partial<WebhookWorkerOptions> = {}) =>
    new WebhookWorker({ db, envelope, logger, allowLoopback: true, now, random: () => 0.5, baseDelayMs: 1000, timeoutMs: 2000, ...opts });

  const hook = async (events: string[] = ['*'], url = receiver.url(), space = spaceId, lookup?: HostLookup) => {
    const created = unwrap(await createWebhook(db, { spaceId: space, url, events, allowLoopback: true, ...(lookup ? { lookup } : {}) }, envelope));
    secrets.push(created.secret);
    return created;
  };

  /** A creation the service refuses: `invalid`, with the detail the API answers (400). */
  const refused = async (events: string[], url = receiver.url(), space = spaceId) => {
    const r = await createWebhook(db, { spaceId: space, url, events, allowLoopback: true }, envelope);
    if (r.ok) throw new Error(`webhook ${url} ${events.join(',')} was accepted`);
    expect(r.error).toBe('invalid');
    return r.detail;
  };

  const publish = (event: WebhookEvent = 'page.published', slug = 'home', space = spaceId) =>
    db.transaction((tx) =>
      enqueueWebhookEvent(
        tx,
        space,
        event,
        pageWebhookData({ slug, buttercmsId: 1, pageType: '*', editor: 'Demo Admin', name: 'Home', locale: null, status: 'published', updated: new Date(), published: new Date() }),
      ),
    );

  const allDeliveries = () => db.select().from(webhookDeliveries);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const [org] = await db.insert(organizations).values({ slug: 'hooks', name: 'Hooks Inc' }).returning();
    const [space] = await db.insert(spaces).values({ organizationId: org!.id, slug: 'main', name: 'Main' }).returning();
    const [other] = await db.insert(spaces).values({ organizationId: org!.id, slug: 'other', name: 'Other' }).returning();
    spaceId = space!.id;
    otherSpaceId = other!.id;
    await receiver.start();
  });

  afterAll(async () => {
    await receiver.stop();
    await database?.dispose();
  });

  beforeEach(async () => {
    await db.delete(webhookDeliveries);
    await db.delete(webhooks);
    receiver.reset();
    // A little ahead of the database clock, so rows enqueued with now() are due.
    clock = Date.now() + 5_000;
  });

  afterEach(() => {
    // Whatever happened in the test, no signing secret reached a log line.
    for (const s of secrets) expect(logs.text).not.toContain(s);
  });

  describe('creating webhooks', () => {
    it('stores the secret encrypted, bound to the webhook id, and returns it once', async () => {
      const { id, secret } = await hook(['page.published']);
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
      expect(row!.secretEncrypted).not.toBe(secret);
      expect(row!.secretEncrypted).not.toContain(secret.slice(6));
      expect(row!.secretEncrypted).toMatch(/^env1\.v1\./);
      expect(envelope.decrypt(row!.secretEncrypted, webhookSecretAad(id))).toBe(secret);
      // Copied onto another webhook row, the ciphertext no longer decrypts.
      const other = await hook(['page.published']);
      expect(() => envelope.decrypt(row!.secretEncrypted, webhookSecretAad(other.id))).toThrow();
      expect(row!.events).toEqual(['page.published']);
      expect(row!.spaceId).toBe(spaceId);
    });

    it.each([
      ['https://10.0.0.1/hook', /private/],
      ['https://169.254.169.254/latest/meta-data/', /link-local/],
      ['http://169.254.169.254/latest/meta-data/', /link-local/],
      ['https://[::ffff:10.0.0.1]/', /private/],
      ['http://0xa9fea9fe/', /link-local/],
      ['ftp://127.0.0.1/', /https/],
      ['https://user:pw@127.0.0.1/', /credentials/],
    ])('refuses %s at creation (even with loopback allowed) and stores nothing', async (url, reason) => {
      const detail = await refused(['*'], url);
      expect(detail).toMatch(/^webhook URL refused: /);
      expect(detail).toMatch(reason);
      expect(await db.select().from(webhooks)).toHaveLength(0);
    });

    it('refuses loopback when loopback is not allowed, and http to a public name', async () => {
      const refusedLoopback = await createWebhook(db, { spaceId, url: receiver.url(), events: ['*'], allowLoopback: false }, envelope);
      expect(refusedLoopback).toMatchObject({ ok: false, error: 'invalid', detail: expect.stringMatching(/^webhook URL refused: /) });
      const publicDns: HostLookup = async () => ['93.184.215.14'];
      const refusedHttp = await createWebhook(db, { spaceId, url: 'http://hooks.example.com/', events: ['*'], allowLoopback: true, lookup: publicDns }, envelope);
      expect(refusedHttp).toMatchObject({ ok: false, error: 'invalid', detail: expect.stringMatching(/^webhook URL refused: .*https/) });
      const ok = unwrap(await createWebhook(db, { spaceId, url: 'https://hooks.example.com/x', events: ['*'], allowLoopback: false, lookup: publicDns }, envelope));
      secrets.push(ok.secret);
      expect(ok.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('accepts ButterCMS events, `<kind>.all` and `*`; refuses unknown events and an empty list', async () => {
      await hook([...WEBHOOK_EVENTS]);
      await hook(['page.all', 'post.all', 'collectionitem.all']);
      for (const events of [[], ['page.created'], ['media.videouploaded'], ['PAGE.PUBLISHED']]) {
        expect(await refused(events)).toMatch(events.length === 0 ? /^at least one event is required$/ : /^unknown event "/);
      }
    });

    it('refuses an unknown space', async () => {
      expect(await refused(['*'], receiver.url(), '00000000-0000-4000-8000-000000000000')).toBe('space not found');
      expect(await db.select().from(webhooks)).toHaveLength(0);
    });
  });

  describe('enqueueing', () => {
    it('queues one delivery per matching active webhook, in the ButterCMS payload shape', async () => {
      const all = await hook(['*']);
      const pages = await hook(['page.all']);
      const published = await hook(['page.published']);
      const posts = await hook(['post.published', 'post.delete']);
      const disabled = await hook(['*']);
      await db.update(webhooks).set({ active: false }).where(eq(webhooks.id, disabled.id));
      await hook(['*'], receiver.url(), otherSpaceId);

      expect(await publish('page.published')).toBe(3);
      expect(await publish('page.draft')).toBe(2);
      expect(await publish('post.delete')).toBe(2);
      expect(await publish('collectionitem.published')).toBe(1);

      const rows = await allDeliveries();
      const byHook = (id: string) => rows.filter((r) => r.webhookId === id).map((r) => r.event).sort();
      expect(byHook(all.id)).toEqual(['collectionitem.published', 'page.draft', 'page.published', 'post.delete']);
      expect(byHook(pages.id)).toEqual(['page.draft', 'page.published']);
      expect(byHook(published.id)).toEqual(['page.published']);
      expect(byHook(posts.id)).toEqual(['post.delete']);
      expect(byHook(disabled.id)).toEqual([]);
      const row = rows.find((r) => r.webhookId === published.id)!;
      expect(row.status).toBe('pending');
      expect(row.attempts).toBe(0);
      expect(row.payload).toMatchObject({
        data: { id: 'home', buttercms_id: 1, page_type: '*', editor: 'Demo Admin', name: 'Home', locale: null, status: 'published' },
        webhook: { event: 'page.published', target: receiver.url() },
      });
    });

    it('enqueues nothing when the transaction rolls back', async () => {
      await hook(['*']);
      const err = await db
        .transaction(async (tx) => {
          const n = await enqueueWebhookEvent(tx, spaceId, 'page.delete', { id: 'gone' });
          expect(n).toBe(1);
          throw new Error('content change failed');
        })
        .catch((e: unknown) => e);
      expect((err as Error).message).toBe('content change failed');
      expect(await allDeliveries()).toHaveLength(0);
      expect((await worker().drainOnce()).claimed).toBe(0);
      expect(receiver.requests).toHaveLength(0);
    });

    it('refuses an unknown event name at run time', async () => {
      await expect(enqueueWebhookEvent(db, spaceId, 'page.exploded' as WebhookEvent, {})).rejects.toThrow(/unknown webhook event/);
    });
  });

  describe('delivering', () => {
    it('POSTs the signed payload; the receiver verifies the signature', async () => {
      const { id, secret } = await hook(['page.published'], receiver.url('/hooks/butter?team=1'));
      expect(await publish('page.published', 'launch')).toBe(1);

      const result = await worker().drainOnce();
      expect(result).toEqual({ claimed: 1, delivered: 1, retried: 0, failed: 0 });
      expect(receiver.requests).toHaveLength(1);
      const got = receiver.requests[0]!;
      expect(got.path).toBe('/hooks/butter?team=1');
      expect(got.headers['content-type']).toBe('application/json');
      expect(got.headers['user-agent']).toBe('ghee-webhooks/1');
      expect(got.headers['x-ghee-event']).toBe('page.published');
      const [row] = await listDeliveries(db, id, 10);
      expect(got.headers['x-ghee-delivery']).toBe(row!.id);
      expect(verifyWebhookSignature(secret, got.headers['x-ghee-signature'] as string, got.body, Math.floor(clock / 1000))).toBe(true);
      expect(verifyWebhookSignature(secret, got.headers['x-ghee-signature'] as string, got.body, Math.floor(clock / 1000) + 600)).toBe(false);
      expect(JSON.parse(got.body)).toMatchObject({
        data: { id: 'launch', status: 'published' },
        webhook: { event: 'page.published', target: receiver.url('/hooks/butter?team=1') },
      });
      expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null });
      expect(row!.deliveredAt).toBeInstanceOf(Date);
      // Nothing left to do.
      expect((await worker().drainOnce()).claimed).toBe(0);
      expect(receiver.requests).toHaveLength(1);
    });

    it('retries 500s with exponential backoff (injected clock) and records attempts in the log', async () => {
      const { id, secret } = await hook(['page.published']);
      receiver.replies = [{ status: 500 }, { status: 503, body: 'x'.repeat(100_000) }, { status: 204 }];
      await publish();
      const w = worker();
      const start = clock;

      expect(await w.drainOnce()).toMatchObject({ delivered: 0, retried: 1 });
      let [entry] = await listDeliveries(db, id, 10);
      expect(entry).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });
      // random 0.5 → 3/4 of the nominal delay: 750 ms after attempt 1.
      expect(entry!.nextAttemptAt.getTime() - start).toBe(backoffDelayMs(1, 1000, 3_600_000, () => 0.5));
      expect(entry!.nextAttemptAt.getTime() - start).toBe(750);

      // Not due yet: nothing is sent.
      clock = start + 700;
      expect((await w.drainOnce()).claimed).toBe(0);
      expect(receiver.requests).toHaveLength(1);

      clock = start + 800;
      expect(await w.drainOnce()).toMatchObject({ retried: 1 });
      [entry] = await listDeliveries(db, id, 10);
      expect(entry).toMatchObject({ status: 'pending', attempts: 2, lastStatusCode: 503 });
      expect(entry!.nextAttemptAt.getTime() - clock).toBe(1500); // 2 s nominal, jittered

      clock += 1499;
      expect((await w.drainOnce()).claimed).toBe(0);
      clock += 1;
      expect(await w.drainOnce()).toMatchObject({ delivered: 1 });
      [entry] = await listDeliveries(db, id, 10);
      expect(entry).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 204, lastError: null });

      expect(receiver.requests).toHaveLength(3);
      // Same delivery id each time; each attempt freshly signed with the clock at send time.
      expect(new Set(receiver.requests.map((r) => r.headers['x-ghee-delivery'])).size).toBe(1);
      const last = receiver.requests[2]!;
      expect(verifyWebhookSignature(secret, last.headers['x-ghee-signature'] as string, last.body, Math.floor(clock / 1000))).toBe(true);
      expect(logs.text).toContain('will retry');
    });

    it("gives up after maxAttempts: status 'failed'", async () => {
      const { id } = await hook(['*']);
      receiver.fallback = { status: 500, body: 'nope' };
      await publish();
      const w = worker({ maxAttempts: 3 });
      const outcomes = [];
      for (let i = 0; i < 3; i++) {
        outcomes.push(await w.drainOnce());
        clock += 60_000;
      }
      expect(outcomes.map((o) => [o.retried, o.failed])).toEqual([
        [1, 0],
        [1, 0],
        [0, 1],
      ]);
      const [entry] = await listDeliveries(db, id, 10);
      expect(entry).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 500, lastError: 'HTTP 500' });
      clock += 10 * 3_600_000;
      expect((await w.drainOnce()).claimed).toBe(0);
      expect(receiver.requests).toHaveLength(3);
      expect(logs.text).toContain('giving up');
    });

    it('does not follow redirects', async () => {
      const { id } = await hook(['*']);
      receiver.replies = [{ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } }];
      await publish();
      await worker().drainOnce();
      const [entry] = await listDeliveries(db, id, 10);
      expect(entry).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 302 });
      expect(entry!.lastError).toMatch(/redirects are not followed/);
      expect(receiver.requests).toHaveLength(1);
    });

    it('times out a receiver that never answers', async () => {
      const { id } = await hook(['*']);
      receiver.replies = ['hang'];
      await publish();
      await worker({ timeoutMs: 300 }).drainOnce();
      const [entry] = await listDeliveries(db, id, 10);
      expect(entry).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
      expect(entry!.lastError).toMatch(/timed out/);
    });

    it('records connection errors', async () => {
      const closed = new Receiver();
      await closed.start();
      const url = closed.url();
      await closed.stop();
      const { id } = await hook(['*'], url);
      await publish();
      await worker().drainOnce();
      const [entry] = await listDeliveries(db, id, 10);
      expect(entry).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
      expect(entry!.lastError).toMatch(/ECONNREFUSED/);
    });

    it('delivers each queued event exactly once with two workers draining at the same time', async () => {
      await hook(['*']);
      for (let i = 0; i < 12; i++) await publish('page.published', `p${i}`);
      const a = worker({ batchSize: 5 });
      const b = worker({ batchSize: 5 });
      for (let round = 0; round < 4; round++) await Promise.all([a.drainOnce(), b.drainOnce()]);
      const ids = receiver.requests.map((r) => r.headers['x-ghee-delivery']);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
      expect((await allDeliveries()).every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    });

    it('start() drains on an interval and stop() waits for the pass in flight', async () => {
      await hook(['*']);
      await publish();
      const w = worker({ now: () => Date.now() + 5_000 });
      w.start(20);
      for (let i = 0; i < 100 && receiver.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await w.stop();
      expect(receiver.requests).toHaveLength(1);
      await publish();
      await new Promise((r) => setTimeout(r, 100));
      expect(receiver.requests).toHaveLength(1); // stopped: nothing more is sent
    });

    it('does not send for a webhook disabled after the event was queued', async () => {
      const { id } = await hook(['*']);
      await publish();
      await db.update(webhooks).set({ active: false }).where(eq(webhooks.id, id));
      expect(await worker().drainOnce()).toMatchObject({ failed: 1 });
      expect(receiver.requests).toHaveLength(0);
      const [entry] = await listDeliveries(db, id, 10);
      expect(entry).toMatchObject({ status: 'failed', lastError: 'webhook is disabled' });
    });

    it('lists the delivery log newest first, scoped to the space when asked', async () => {
      const { id } = await hook(['*']);
      await publish('page.draft');
      await publish('page.published');
      const log = await listDeliveries(db, id, 10);
      expect(log).toHaveLength(2);
      expect(log.map((e) => e.webhookId)).toEqual([id, id]);
      expect(await listDeliveries(db, id, 1)).toHaveLength(1);
      expect(await listDeliveries(db, id, 10, spaceId)).toHaveLength(2);
      expect(await listDeliveries(db, id, 10, otherSpaceId)).toHaveLength(0);
    });
  });

  describe('security at send time', () => {
    it('refuses (and does not send) when DNS later points the host at a private address', async () => {
      const port = receiver.port;
      const { id } = await hook(['*'], `http://receiver.test:${port}/hook`, spaceId, loopbackOnly);
      await publish();
      const rebound: HostLookup = async () => ['10.0.0.5'];
      const res = await worker({ lookup: rebound }).drainOnce();
      expect(res).toMatchObject({ claimed: 1, delivered: 0, retried: 1 });
      expect(receiver.requests).toHaveLength(0);
      const [entry] = await listDeliveries(db, id, 10);
      expect(entry).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
      expect(entry!.lastError).toMatch(/^target refused: .*private/);

      // Metadata address, and a mix of loopback + private: refused too.
      for (const answer of [['169.254.169.254'], ['127.0.0.1', '10.0.0.5']]) {
        clock += 3_600_000;
        await worker({ lookup: async () => answer }).drainOnce();
      }
      expect(receiver.requests).toHaveLength(0);
    });

    it('connects to the address it vetted, not to a second DNS answer', async () => {
      const { id, secret } = await hook(['*'], `http://receiver.test:${receiver.port}/hook`, spaceId, loopbackOnly);
      await publish();
      // receiver.test does not exist in real DNS: delivery works only because the connection uses
      // the vetted address from the send-time check.
      let lookups = 0;
      const counted: HostLookup = async () => {
        lookups += 1;
        return ['127.0.0.1'];
      };
      expect(await worker({ lookup: counted }).drainOnce()).toMatchObject({ delivered: 1 });
      expect(lookups).toBe(1);
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]!.headers.host).toBe(`receiver.test:${receiver.port}`);
      const got = receiver.requests[0]!;
      expect(verifyWebhookSignature(secret, got.headers['x-ghee-signature'] as string, got.body, Math.floor(clock / 1000))).toBe(true);
      expect((await listDeliveries(db, id, 1))[0]!.status).toBe('delivered');
    });

    it('hands the vetted addresses to the transport', async () => {
      await hook(['*'], `http://receiver.test:${receiver.port}/hook`, spaceId, loopbackOnly);
      await publish();
      const seen: string[][] = [];
      const fetchImpl: WebhookFetch = async (req) => {
        seen.push([...req.addresses]);
        return { status: 200 };
      };
      await worker({ lookup: async () => ['127.0.0.1', '::1'], fetchImpl }).drainOnce();
      expect(seen).toEqual([['127.0.0.1', '::1']]);
    });

    it('sends over https with certificate verification on (an untrusted certificate is a failed attempt)', async () => {
      const { certFile, keyFile } = selfSignedCert();
      let hits = 0;
      const tlsServer = createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (_req, res) => {
        hits += 1;
        res.end('ok');
      });
      await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
      try {
        const port = (tlsServer.address() as AddressInfo).port;
        const { id } = await hook(['*'], `https://localhost:${port}/hook`, spaceId, loopbackOnly);
        await publish();
        await worker({ lookup: loopbackOnly }).drainOnce();
        const [entry] = await listDeliveries(db, id, 1);
        expect(entry).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
        expect(entry!.lastError).toMatch(/certificate/i);
        expect(hits).toBe(0);
      } finally {
        tlsServer.closeAllConnections();
        await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
      }
    });

    it('refuses loopback at send time when the worker does not allow it', async () => {
      const { id } = await hook(['*']);
      await publish();
      await worker({ allowLoopback: false }).drainOnce();
      expect(receiver.requests).toHaveLength(0);
      expect((await listDeliveries(db, id, 1))[0]!.lastError).toMatch(/target refused/);
    });

    it('keeps the secret out of last_error and logs even when the transport error contains it', async () => {
      const { id, secret } = await hook(['*']);
      await publish();
      const leaky: WebhookFetch = async (req) => {
        throw new Error(`boom ${req.headers['x-ghee-signature']} ${secret}`);
      };
      await worker({ fetchImpl: leaky }).drainOnce();
      const [entry] = await listDeliveries(db, id, 1);
      expect(entry!.lastError).toContain('[REDACTED]');
      expect(entry!.lastError).not.toContain(secret);
      expect(logs.text).not.toContain(secret);
      const rows = await db.select().from(webhookDeliveries);
      expect(JSON.stringify(rows)).not.toContain(secret);
    });

    it('does not send when the secret cannot be decrypted (master key changed)', async () => {
      const { id } = await hook(['*']);
      await publish();
      const otherKeys = createEnvelope(parseMasterKeys(`v1:${randomBytes(32).toString('base64')}`));
      await worker({ envelope: otherKeys }).drainOnce();
      expect(receiver.requests).toHaveLength(0);
      expect((await listDeliveries(db, id, 1))[0]!.lastError).toMatch(/cannot be decrypted/);
    });

    it('a secret row moved to another webhook does not decrypt there', async () => {
      const a = await hook(['*']);
      const b = await hook(['*']);
      const [rowA] = await db.select().from(webhooks).where(eq(webhooks.id, a.id));
      await db.update(webhooks).set({ secretEncrypted: rowA!.secretEncrypted }).where(eq(webhooks.id, b.id));
      await publish();
      const res = await worker().drainOnce();
      expect(res).toMatchObject({ delivered: 1, retried: 1 });
      expect(receiver.requests).toHaveLength(1);
      const [entryB] = await listDeliveries(db, b.id, 1);
      expect(entryB!.lastError).toMatch(/cannot be decrypted/);
    });
  });
});
