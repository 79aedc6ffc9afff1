/**
 * Stripe's webhooks (issue 17): events signed with stripe.webhooks.generateTestHeaderString and
 * delivered over real HTTP; every subscription state is re-fetched from stripe-mock (through the
 * helper's proxy, which answers the state the test scripts — what Stripe would answer after the
 * events sent). Proves: checkout → active plan; a duplicate delivery is a no-op; out-of-order
 * deliveries (deleted before updated) end canceled; a forged signature, a tampered body, a stale
 * timestamp and a missing header are 400 and change nothing; unknown types are acknowledged and
 * ignored; payment failure → grace → read-only (published content still served, deletions
 * allowed) → recovery; a downgrade deletes nothing; audit rows and mail to owners and billing
 * members; and, after all of it, no card data in any table or in the logs.
 */
import { randomBytes } from 'node:crypto';
import { and, count, eq, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, billingAccounts, billingEvents, pages } from '../../origin/db/schema/index.js';
import { MemoryTransport } from '../../origin/identity/mail.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, SessionClient, type TestUser } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';
import { startStripeMock, type StripeMock } from '../helpers/stripe-mock.js';

const SECRET = 'whsec_testSecretForGheeWebhooks';
const PRICE_TEAM = 'price_teamWebhook1';
const PRICE_BUSINESS = 'price_businessWebhook1';
const GRACE_DAYS = 3;
const mail = new MemoryTransport();
const signer = new Stripe('sk_test_signer');

let mock: StripeMock;
let origin: OriginUnderTest;
let org: string;
let customer: string;
let owner: TestUser;
let billing: TestUser;
let admin: TestUser;
let ownerClient: SessionClient;

const evtId = () => `evt_test${randomBytes(8).toString('hex')}`;
function event(type: string, object: Record<string, unknown>, id = evtId()): Record<string, unknown> {
  return { id, object: 'event', api_version: '2026-11-18.endive', created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } };
}

async function deliver(ev: Record<string, unknown> | string, opts: { secret?: string; timestamp?: number; header?: string | null; signedPayload?: string } = {}): Promise<Response> {
  const payload = typeof ev === 'string' ? ev : JSON.stringify(ev);
  const header =
    opts.header === undefined ? signer.webhooks.generateTestHeaderString({ payload: opts.signedPayload ?? payload, secret: opts.secret ?? SECRET, ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}) }) : opts.header;
  return fetch(`${origin.server.url}/v1/billing/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...(header !== null ? { 'stripe-signature': header } : {}) }, body: payload });
}

async function delivered(ev: Record<string, unknown>): Promise<{ received: boolean; handled: boolean; duplicate: boolean }> {
  const res = await deliver(ev);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { received: boolean; handled: boolean; duplicate: boolean };
}

async function account() {
  const [row] = await origin.database.db.select().from(billingAccounts).where(eq(billingAccounts.organizationId, org));
  return row!;
}

async function view(): Promise<{ plan: string; status: string; read_only: string | null; current_period_end: string | null; grace_ends_at: string | null; entitlements: string[] }> {
  const res = await ownerClient.request('GET', `/v1/orgs/${org}/billing`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: never }).data;
}

const billingRows = async (action: string) =>
  origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, org), eq(auditEvents.action, action)));

async function mailTo(to: string, subject: RegExp): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const m = mail.messages.find((x) => x.to === to && subject.test(x.subject));
    if (m) return m.text;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no mail to ${to} matching ${subject}`);
}

const writePage = (slug: string) =>
  fetch(`${origin.server.url}/v2/pages/`, { method: 'POST', headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: slug, slug, page_type: '*', fields: {} }) });
const readHome = () => fetch(`${origin.server.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`);

/** Everything a snapshot of billing state holds, to prove a refused delivery changed nothing. */
async function snapshot() {
  const [events] = await origin.database.db.select({ n: count() }).from(billingEvents);
  const [rows] = await origin.database.db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.organizationId, org));
  return { account: await account(), events: events!.n, audit: rows!.n };
}

beforeAll(async () => {
  mock = await startStripeMock();
  origin = await startTestOrigin(
    { BCRYPT_COST: '10', BILLING: 'stripe', STRIPE_SECRET_KEY: 'sk_test_ghee123', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_BASE: mock.url, STRIPE_PRICE_TEAM: PRICE_TEAM, STRIPE_PRICE_BUSINESS: PRICE_BUSINESS, BILLING_GRACE_DAYS: String(GRACE_DAYS) },
    { mail },
  );
  org = origin.seed.organizationId;
  owner = await createUser(origin, org, 'owner');
  billing = await createUser(origin, org, 'billing');
  admin = await createUser(origin, org, 'admin');
  ownerClient = new SessionClient(origin.server.url);
  await ownerClient.login(owner.email, owner.password);
  // The organization's Stripe customer, made by its first checkout.
  const res = await ownerClient.request('POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'team' });
  expect(res.status).toBe(201);
  customer = (await account()).stripeCustomerId!;
  expect(customer).toMatch(/^cus_/);
}, 60_000);

afterAll(async () => {
  await origin?.stop();
  await mock?.stop();
});

describe('Stripe webhooks', () => {
  const completed = event('checkout.session.completed', { id: 'cs_test_a1', object: 'checkout.session', mode: 'subscription', client_reference_id: '', customer: '', subscription: 'sub_flowA' });

  it('checkout.session.completed → the subscription is re-fetched and its plan applies; audited and mailed to owners and billing members', async () => {
    (completed.data as { object: Record<string, unknown> }).object.client_reference_id = org;
    (completed.data as { object: Record<string, unknown> }).object.customer = customer;
    const periodEnd = Math.floor(Date.now() / 1000) + 30 * 86_400;
    mock.subscriptions.set('sub_flowA', { status: 'active', price: PRICE_TEAM, customer, currentPeriodEnd: periodEnd });
    const before = mock.requests.length;
    expect(await delivered(completed)).toEqual({ received: true, handled: true, duplicate: false });
    expect(mock.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/subscriptions/sub_flowA']);
    const v = await view();
    expect(v.plan).toBe('team');
    expect(v.status).toBe('active');
    expect(v.current_period_end).toBe(new Date(periodEnd * 1000).toISOString());
    const rows = await billingRows('billing.plan_change');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.metadata).toMatchObject({ event_id: completed.id, plan_before: 'free', plan_after: 'team', actor: 'operator', via: 'stripe_webhook' });
    expect(await mailTo(owner.email, /Team plan/)).toMatch(/moved from the Free plan to the Team plan/);
    await mailTo(billing.email, /Team plan/);
    expect(mail.messages.filter((m) => m.to === admin.email)).toEqual([]);
    // Subscribed: a second Checkout (a second subscription, billed twice) is refused; plan changes go through the portal.
    const again = mock.requests.length;
    await expectErrorShape(await ownerClient.request('POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'business' }), 409, 'conflict');
    expect(mock.requests.slice(again)).toEqual([]);
    expect((await ownerClient.request('POST', `/v1/orgs/${org}/billing/portal`, {})).status).toBe(201);
  });

  it('a duplicate delivery is a no-op (the event id is recorded with its effect)', async () => {
    const s = await snapshot();
    expect(await delivered(completed)).toEqual({ received: true, handled: true, duplicate: true });
    expect(await snapshot()).toEqual(s);
  });

  it('concurrent deliveries of one event apply it once', async () => {
    mock.subscriptions.set('sub_flowA', { status: 'active', price: PRICE_TEAM, customer });
    const ev = event('customer.subscription.updated', { id: 'sub_flowA', object: 'subscription', customer, status: 'active' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => delivered(ev)));
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    const rows = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, org), sql`${auditEvents.metadata}->>'event_id' = ${ev.id as string}`));
    expect(rows).toHaveLength(1);
  });

  it('refuses an oversized body (413) before reading it as an event', async () => {
    const s = await snapshot();
    const big = JSON.stringify({ ...event('customer.subscription.updated', { id: 'sub_flowA', object: 'subscription', customer }), pad: 'x'.repeat(1024 * 1024) });
    await expectErrorShape(await deliver(big), 413, 'payload_too_large');
    expect(await snapshot()).toEqual(s);
  });

  it('refuses a forged signature, a tampered body, a stale timestamp and a missing header with 400, changing nothing', async () => {
    mock.subscriptions.set('sub_forged', { status: 'active', price: PRICE_BUSINESS, customer });
    const forged = event('customer.subscription.updated', { id: 'sub_forged', object: 'subscription', customer, status: 'active' });
    const s = await snapshot();
    await expectErrorShape(await deliver(forged, { secret: 'whsec_notTheRightSecretAtAll' }), 400, 'bad_request', 'Webhook signature verification failed.');
    const other = JSON.stringify(event('customer.subscription.updated', { id: 'sub_flowA', object: 'subscription', customer }));
    await expectErrorShape(await deliver(forged, { signedPayload: other }), 400, 'bad_request', 'Webhook signature verification failed.');
    await expectErrorShape(await deliver(forged, { timestamp: Math.floor(Date.now() / 1000) - 301 }), 400, 'bad_request', 'Webhook signature verification failed.');
    await expectErrorShape(await deliver(forged, { header: null }), 400, 'bad_request', 'Missing Stripe-Signature header.');
    await expectErrorShape(await deliver(forged, { header: 't=1,v1=00' }), 400, 'bad_request');
    expect(await snapshot()).toEqual(s);
    expect((await view()).plan).toBe('team');
    // The same event, signed within the tolerance (299 s old), is accepted.
    const fresh = await deliver({ ...forged, id: evtId() }, { timestamp: Math.floor(Date.now() / 1000) - 299 });
    expect(fresh.status).toBe(200);
    expect(((await fresh.json()) as { handled: boolean }).handled).toBe(true);
  });

  it('acknowledges and ignores unknown event types', async () => {
    const s = await snapshot();
    expect(await delivered(event('customer.created', { id: customer, object: 'customer' }))).toEqual({ received: true, handled: false, duplicate: false });
    expect(await delivered(event('charge.refunded', { id: 'ch_1', object: 'charge', customer }))).toEqual({ received: true, handled: false, duplicate: false });
    expect(await snapshot()).toEqual(s);
  });

  it('payment failure → grace (writes allowed) → read-only (reads served, deletes allowed) → recovery', async () => {
    mock.subscriptions.set('sub_flowA', { status: 'past_due', price: PRICE_TEAM, customer });
    const failed = event('invoice.payment_failed', {
      id: 'in_fail1',
      object: 'invoice',
      customer,
      parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_flowA' } },
      // What Stripe may send about the attempt: ghee keeps none of it.
      last_finalization_error: null,
      payment_settings: { payment_method_types: ['card'] },
      customer_email: 'payer@example.test',
      charge: { id: 'ch_fail', payment_method_details: { card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030, number: '4242424242424242', cvc: '123' } } },
    });
    expect((await delivered(failed)).handled).toBe(true);
    let v = await view();
    expect(v.status).toBe('past_due');
    expect(v.read_only).toBeNull();
    expect(new Date(v.grace_ends_at!).getTime() - (await account()).pastDueSince!.getTime()).toBe(GRACE_DAYS * 86_400_000);
    expect(await billingRows('billing.payment_failed')).toHaveLength(1);
    expect(await mailTo(owner.email, /payment .* failed/)).toMatch(/read-only/);
    await mailTo(billing.email, /payment .* failed/);
    // In grace: writes go on.
    expect((await writePage('in-grace')).status).toBe(202);

    // The grace period passes (moved back in the row: the clock of record is the database's).
    await origin.database.db.update(billingAccounts).set({ pastDueSince: new Date(Date.now() - (GRACE_DAYS + 1) * 86_400_000) }).where(eq(billingAccounts.organizationId, org));
    v = await view();
    expect(v.read_only).toMatch(/past due/);
    const refused = await expectErrorShape(await writePage('after-grace'), 402, 'plan_limit');
    expect(refused.detail).toMatch(/read-only/);
    expect(refused.detail).toMatch(/Team/);
    // Published content keeps being served; nothing was deleted; deleting is allowed.
    expect((await readHome()).status).toBe(200);
    const del = await fetch(`${origin.server.url}/v2/pages/*/in-grace/`, { method: 'DELETE', headers: { authorization: `Token ${origin.seed.keys.write}` } });
    expect(del.status).toBe(204);

    // Recovery: the invoice is paid, the subscription active again.
    mock.subscriptions.set('sub_flowA', { status: 'active', price: PRICE_TEAM, customer });
    expect((await delivered(event('invoice.paid', { id: 'in_fail1', object: 'invoice', customer, parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_flowA' } } }))).handled).toBe(true);
    v = await view();
    expect(v.status).toBe('active');
    expect(v.read_only).toBeNull();
    expect((await account()).pastDueSince).toBeNull();
    expect(await billingRows('billing.payment_recovered')).toHaveLength(1);
    await mailTo(owner.email, /payment went through/);
    expect((await writePage('recovered')).status).toBe(202);
  });

  it('entitlement summaries are recorded (the local plan table still sets the limits)', async () => {
    const ev = event('entitlements.active_entitlement_summary.updated', {
      object: 'entitlements.active_entitlement_summary',
      customer,
      livemode: false,
      entitlements: { object: 'list', has_more: false, url: '/v1/entitlements/active_entitlements', data: [{ id: 'ent_1', object: 'entitlements.active_entitlement', feature: 'feat_1', livemode: false, lookup_key: 'priority_support' }] },
    });
    expect((await delivered(ev)).handled).toBe(true);
    const v = await view();
    expect(v.entitlements).toEqual(['priority_support']);
    expect(v.plan).toBe('team');
    expect(await billingRows('billing.entitlements_update')).toHaveLength(1);
  });

  it('out of order: deleted delivered before an older updated ends canceled (state re-fetched, never taken from the event)', async () => {
    mock.subscriptions.set('sub_flowA', { status: 'canceled', price: PRICE_TEAM, customer });
    const olderUpdated = event('customer.subscription.updated', { id: 'sub_flowA', object: 'subscription', customer, status: 'active', items: { data: [{ price: { id: PRICE_BUSINESS } }] } });
    const deleted = event('customer.subscription.deleted', { id: 'sub_flowA', object: 'subscription', customer, status: 'canceled' });
    expect((await delivered(deleted)).handled).toBe(true);
    expect((await delivered(olderUpdated)).handled).toBe(true);
    const v = await view();
    expect(v.status).toBe('canceled');
    expect(v.plan).toBe('free');
    const changes = (await billingRows('billing.plan_change')).map((r) => r.metadata as Record<string, unknown>);
    expect(changes.at(-1)).toMatchObject({ event_id: deleted.id, plan_before: 'team', plan_after: 'free' });
    // A stale event about an old subscription never overrides a live one: a new subscription, then the old one's deleted event again.
    mock.subscriptions.set('sub_flowB', { status: 'active', price: PRICE_BUSINESS, customer });
    expect((await delivered(event('customer.subscription.created', { id: 'sub_flowB', object: 'subscription', customer, status: 'active' }))).handled).toBe(true);
    expect((await view()).plan).toBe('business');
    expect((await delivered(event('customer.subscription.deleted', { id: 'sub_flowA', object: 'subscription', customer, status: 'canceled' }))).handled).toBe(true);
    expect((await view()).plan).toBe('business');
  });

  it('a downgrade below usage deletes nothing: over-limit → read-only writes (deletes allowed), reads served, back within the plan → writes', async () => {
    // Free allows 3 members; the organization has more (seeded owner + owner + billing + admin).
    mock.subscriptions.set('sub_flowB', { status: 'canceled', price: PRICE_BUSINESS, customer });
    expect((await delivered(event('customer.subscription.deleted', { id: 'sub_flowB', object: 'subscription', customer, status: 'canceled' }))).handled).toBe(true);
    expect((await view()).plan).toBe('free');
    const [before] = await origin.database.db.select({ n: count() }).from(pages).where(eq(pages.spaceId, origin.seed.spaceId));
    const refused = await expectErrorShape(await writePage('over-limit'), 402, 'plan_limit');
    expect(refused.detail).toMatch(/over its Free plan's limit of 3 members/);
    expect((await readHome()).status).toBe(200);
    const [after] = await origin.database.db.select({ n: count() }).from(pages).where(eq(pages.spaceId, origin.seed.spaceId));
    expect(after!.n).toBe(before!.n);
    // Back within the plan (members removed) → writes again.
    const members = (await (await ownerClient.request('GET', `/v1/orgs/${org}/members`)).json()) as { data: { user_id: string; role: string }[] };
    for (const m of members.data.filter((x) => x.role === 'admin')) expect((await ownerClient.request('DELETE', `/v1/orgs/${org}/members/${m.user_id}`)).status).toBe(204);
    const remaining = (await (await ownerClient.request('GET', `/v1/orgs/${org}/members`)).json()) as { data: { user_id: string }[] };
    for (const m of remaining.data.filter((x) => x.user_id !== owner.id && x.user_id !== billing.id).slice(0, Math.max(0, new Set(remaining.data.map((x) => x.user_id)).size - 3))) {
      expect((await ownerClient.request('DELETE', `/v1/orgs/${org}/members/${m.user_id}`)).status).toBe(204);
    }
    expect((await writePage('back-within')).status).toBe(202);
  });
});

describe('no card data on our servers', () => {
  /** Luhn check of a digit string. */
  function luhn(digits: string): boolean {
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return sum % 10 === 0;
  }
  /** Standalone 13–19 digit runs (optionally grouped by spaces or dashes) that pass Luhn. */
  function cardNumbers(text: string): string[] {
    const found: string[] = [];
    const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
    const isWord = (ch: string | undefined) => ch !== undefined && /[0-9A-Za-z]/.test(ch);
    let i = 0;
    while (i < text.length) {
      if (!isDigit(text[i]) || isWord(text[i - 1])) {
        i++;
        continue;
      }
      // A run of digits, single spaces or dashes only between digits.
      let j = i;
      let digits = '';
      while (j < text.length && (isDigit(text[j]) || ((text[j] === ' ' || text[j] === '-') && isDigit(text[j - 1]) && isDigit(text[j + 1])))) {
        if (isDigit(text[j])) digits += text[j];
        j++;
      }
      if (!isWord(text[j]) && digits.length >= 13 && digits.length <= 19 && luhn(digits)) found.push(digits);
      i = j + 1;
    }
    return found;
  }
  const CARD_FIELDS = /\b(card_?number|cvc|cvv|exp_month|exp_year|last4|payment_method_details|cardholder)\b/i;

  it('the detectors find what they look for (so this test can fail)', () => {
    expect(cardNumbers('x 4242424242424242 y')).toEqual(['4242424242424242']);
    expect(cardNumbers('4242-4242-4242-4242')).toEqual(['4242424242424242']);
    expect(cardNumbers('4242424242424241 and deadbeef4242424242424242cafe')).toEqual([]);
    expect(CARD_FIELDS.test('{"exp_month":12}')).toBe(true);
  });

  it('after every flow, no table and no log line holds a Luhn-valid card number or a card field', async () => {
    const db = origin.database.db;
    const columns = (await db.execute(sql`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')
      order by table_name, column_name`)) as unknown as { table_name: string; column_name: string }[];
    const rows = Array.isArray(columns) ? columns : (columns as unknown as { rows: { table_name: string; column_name: string }[] }).rows;
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.some((c) => c.table_name === 'billing_accounts')).toBe(true);
    const problems: string[] = [];
    let scanned = 0;
    for (const c of rows) {
      const result = await db.execute(sql`select ${sql.identifier(c.column_name)}::text as v from ${sql.identifier(c.table_name)} where ${sql.identifier(c.column_name)} is not null`);
      const values = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { v: string }[];
      for (const { v } of values) {
        scanned++;
        for (const n of cardNumbers(v)) problems.push(`${c.table_name}.${c.column_name}: a card number ending ${n.slice(-4)}`);
        if (CARD_FIELDS.test(v)) problems.push(`${c.table_name}.${c.column_name}: a card field (${CARD_FIELDS.exec(v)![0]})`);
      }
    }
    expect(scanned).toBeGreaterThan(100);
    const logs = origin.logs.text;
    expect(logs.length).toBeGreaterThan(0);
    for (const n of cardNumbers(logs)) problems.push(`logs: a card number ending ${n.slice(-4)}`);
    if (CARD_FIELDS.test(logs)) problems.push(`logs: a card field (${CARD_FIELDS.exec(logs)![0]})`);
    expect(problems).toEqual([]);
  });
});
