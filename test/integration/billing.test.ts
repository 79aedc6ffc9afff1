/**
 * Billing (issue 17) against stripe-mock: the outgoing requests' shapes (validated by stripe-mock
 * against Stripe's OpenAPI spec, recorded by the helper's proxy: parameters and Idempotency-Key),
 * who may reach the billing routes, the plan limits enforced inside each write's transaction (50
 * concurrent creates at a limit: exactly the limit's worth commit), monthly write requests, and
 * billing off (the self-hosted default: no limits). Real HTTP, real Postgres, a real stripe-mock
 * process (test/helpers/stripe-mock.ts).
 */
import { and, count, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBilling } from '../../origin/cli/billing.js';
import { apiKeys, auditEvents, billingAccounts, billingUsage, pages } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { MemoryTransport } from '../../origin/identity/mail.js';
import { PLANS } from '../../origin/billing/index.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, SessionClient } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';
import { startStripeMock, type StripeMock } from '../helpers/stripe-mock.js';

const PRICE_TEAM = 'price_teamTest123';
const billingEnv = (mock: StripeMock): Record<string, string> => ({
  BILLING: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_ghee123',
  STRIPE_WEBHOOK_SECRET: 'whsec_testSecretForGhee',
  STRIPE_API_BASE: mock.url,
  STRIPE_PRICE_TEAM: PRICE_TEAM,
  BILLING_SUCCESS_URL: 'https://app.example.test/billing/done',
  BILLING_CANCEL_URL: 'https://app.example.test/billing/cancelled',
});

let mock: StripeMock;
let origin: OriginUnderTest;
let org: string;
const clients: Record<string, SessionClient> = {};

async function signedIn(orgId: string, role: 'owner' | 'billing' | 'admin' | 'publisher' | 'author' | 'viewer'): Promise<SessionClient> {
  const u = await createUser(origin, orgId, role);
  const c = new SessionClient(origin.server.url);
  await c.login(u.email, u.password);
  return c;
}

const asKey = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${origin.server.url}${path}`, { method, headers: { authorization: `Token ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

beforeAll(async () => {
  mock = await startStripeMock();
  origin = await startTestOrigin({ BCRYPT_COST: '10', ...billingEnv(mock) }, { mail: new MemoryTransport() });
  org = origin.seed.organizationId;
  for (const role of ['owner', 'billing', 'admin', 'publisher', 'author', 'viewer'] as const) clients[role] = await signedIn(org, role);
}, 60_000);

afterAll(async () => {
  await origin?.stop();
  await mock?.stop();
});

describe('billing view, Checkout and the Customer Portal', () => {
  it('GET …/billing: the free plan, its status and usage against every limit', async () => {
    const res = await clients.billing!.request('GET', `/v1/orgs/${org}/billing`);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { billing: string; plan: string; status: string; read_only: null; usage: Record<string, { used: number; limit: number | null }> } };
    expect(data.billing).toBe('stripe');
    expect(data.plan).toBe('free');
    expect(data.status).toBe('none');
    expect(data.read_only).toBeNull();
    expect(Object.keys(data.usage).sort()).toEqual(['api_keys', 'asset_storage_bytes', 'content_items', 'locales', 'members', 'monthly_write_requests', 'spaces', 'webhooks']);
    expect(data.usage.spaces).toEqual({ used: 1, limit: PLANS.free.limits.spaces });
    expect(data.usage.members!.used).toBeGreaterThanOrEqual(6);
    expect(data.usage.content_items!.used).toBeGreaterThanOrEqual(1);
  });

  it('POST …/billing/checkout: one customer per organization, a subscription-mode session, Idempotency-Keys from the operation', async () => {
    const before = mock.requests.length;
    const res = await clients.owner!.request('POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'team' }, { 'idempotency-key': 'click-1' });
    expect(res.status, await res.clone().text()).toBe(201);
    const { data } = (await res.json()) as { data: { id: string; url: string | null } };
    expect(data.id).toMatch(/^cs_/);
    const sent = mock.requests.slice(before);
    // Every request was accepted by stripe-mock (its OpenAPI validation answers 400 otherwise).
    expect(sent.map((r) => r.status)).toEqual(sent.map(() => 200));
    const customer = sent.find((r) => r.method === 'POST' && r.path === '/v1/customers')!;
    expect(customer.body.get('metadata[ghee_organization]')).toBe(org);
    expect(customer.idempotencyKey).toMatch(/^ghee-customer-[0-9a-f]{40}$/);
    // No personal data sent from ghee: Checkout collects what Stripe needs.
    expect([...customer.body.keys()].filter((k) => !k.startsWith('metadata['))).toEqual([]);
    const session = sent.find((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions')!;
    expect(session.body.get('mode')).toBe('subscription');
    expect(session.body.get('client_reference_id')).toBe(org);
    expect(session.body.get('line_items[0][price]')).toBe(PRICE_TEAM);
    expect(session.body.get('line_items[0][quantity]')).toBe('1');
    expect(session.body.get('success_url')).toBe('https://app.example.test/billing/done');
    expect(session.body.get('cancel_url')).toBe('https://app.example.test/billing/cancelled');
    expect(session.body.get('subscription_data[metadata][ghee_organization]')).toBe(org);
    expect(session.idempotencyKey).toMatch(/^ghee-checkout-[0-9a-f]{40}$/);
    expect(session.body.get('customer')).toMatch(/^cus_test/);
    const [row] = await origin.database.db.select().from(billingAccounts).where(eq(billingAccounts.organizationId, org));
    expect(row!.stripeCustomerId).toBe(session.body.get('customer'));
    const rows = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, org), eq(auditEvents.action, 'billing.checkout')));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.metadata).toMatchObject({ plan: 'team', checkout_session: data.id });

    // The same operation retried: the same key; a new one (the billing role may too): another key, the same customer, no new customer.
    const again = mock.requests.length;
    expect((await clients.owner!.request('POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'team' }, { 'idempotency-key': 'click-1' })).status).toBe(201);
    expect((await clients.billing!.request('POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'team' }, { 'idempotency-key': 'click-2' })).status).toBe(201);
    const later = mock.requests.slice(again);
    expect(later.filter((r) => r.path === '/v1/customers')).toEqual([]);
    const keys = later.filter((r) => r.path === '/v1/checkout/sessions').map((r) => r.idempotencyKey);
    expect(keys[0]).toBe(session.idempotencyKey);
    expect(keys[1]).not.toBe(session.idempotencyKey);
    expect(later.every((r) => r.body.get('customer') === row!.stripeCustomerId || r.method === 'GET')).toBe(true);
  });

  it('POST …/billing/portal: a Customer Portal session for the customer; 409 before any checkout', async () => {
    const before = mock.requests.length;
    const res = await clients.billing!.request('POST', `/v1/orgs/${org}/billing/portal`, {});
    expect(res.status, await res.clone().text()).toBe(201);
    expect(((await res.json()) as { data: { url: string } }).data.url).toMatch(/^https:\/\//);
    const [portal] = mock.requests.slice(before).filter((r) => r.path === '/v1/billing_portal/sessions');
    expect(portal!.status).toBe(200);
    expect(portal!.body.get('customer')).toMatch(/^cus_test/);
    expect(portal!.body.get('return_url')).toBe(`${origin.config.PUBLIC_APP_URL}/billing`);
    expect(portal!.idempotencyKey).toMatch(/^ghee-portal-[0-9a-f]{40}$/);

    const fresh = await createOrganization(origin, 'billing-fresh');
    const owner = await signedIn(fresh.organizationId, 'owner');
    await expectErrorShape(await owner.request('POST', `/v1/orgs/${fresh.organizationId}/billing/portal`, {}), 409, 'conflict');
  });

  it('only owners and the billing role reach billing routes; keys never; other tenants 404', async () => {
    for (const role of ['admin', 'publisher', 'author', 'viewer']) {
      await expectErrorShape(await clients[role]!.request('GET', `/v1/orgs/${org}/billing`), 403, 'forbidden');
      await expectErrorShape(await clients[role]!.request('POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'team' }), 403, 'forbidden');
      await expectErrorShape(await clients[role]!.request('POST', `/v1/orgs/${org}/billing/portal`, {}), 403, 'forbidden');
    }
    await expectErrorShape(await asKey(origin.seed.keys.admin, 'GET', `/v1/orgs/${org}/billing`), 403, 'forbidden');
    await expectErrorShape(await asKey(origin.seed.keys.admin, 'POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'team' }), 403, 'forbidden');
    const other = await createOrganization(origin, 'billing-other');
    await expectErrorShape(await clients.owner!.request('GET', `/v1/orgs/${other.organizationId}/billing`), 404, 'not_found');
    await expectErrorShape(await clients.billing!.request('POST', `/v1/orgs/${other.organizationId}/billing/checkout`, { plan: 'team' }), 404, 'not_found');
  });

  it('refuses bad input with a 400 and a plan without a Stripe Price with a 409, sending nothing', async () => {
    const before = mock.requests.length;
    await expectErrorShape(await clients.owner!.request('POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'free' }), 400, 'bad_request');
    await expectErrorShape(await clients.owner!.request('POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'team', card: '4242' }), 400, 'bad_request');
    expect(mock.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
    // business has no configured Price: looked up by lookup_key (stripe-mock's list has none with it) → 409.
    await expectErrorShape(await clients.owner!.request('POST', `/v1/orgs/${org}/billing/checkout`, { plan: 'business' }), 409, 'conflict');
    const lookup = mock.requests.slice(before).find((r) => r.path === '/v1/prices');
    expect([...lookup!.query.entries()].filter(([k]) => k.startsWith('lookup_keys')).map(([, v]) => v)).toEqual(['ghee_business_monthly']);
  });
});

describe('plan limits, inside the write transaction', () => {
  it('50 concurrent API-key creations at the free plan limit: exactly the limit exists after', async () => {
    const t = await createOrganization(origin, 'billing-keys');
    const admin = await issueApiKey(origin.database.db, { organizationId: t.organizationId, spaceId: null, kind: 'admin', name: 'admin' });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => asKey(admin.token, 'POST', `/v1/orgs/${t.organizationId}/api-keys`, { name: `k${i}`, kind: 'read', space_id: t.spaceId })),
    );
    const statuses = results.map((r) => r.status);
    const limit = PLANS.free.limits.api_keys!;
    expect(statuses.filter((s) => s === 201)).toHaveLength(limit - 1); // the admin key is one of them
    expect(statuses.filter((s) => s === 402)).toHaveLength(50 - (limit - 1));
    const refused = await expectErrorShape(results.find((r) => r.status === 402)!, 402, 'plan_limit');
    expect(refused.detail).toMatch(/Free plan allows 5 api keys/);
    const [live] = await origin.database.db.select({ n: count() }).from(apiKeys).where(and(eq(apiKeys.organizationId, t.organizationId), isNull(apiKeys.revokedAt)));
    expect(live!.n).toBe(limit);
    // A refused create wrote no audit row.
    const rows = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, t.organizationId), eq(auditEvents.action, 'key.create')));
    expect(rows).toHaveLength(limit - 1);
  });

  it('50 concurrent page creations at the content-items limit: exactly the limit exists after', async () => {
    const t = await createOrganization(origin, 'billing-pages');
    const write = await issueApiKey(origin.database.db, { organizationId: t.organizationId, spaceId: t.spaceId, kind: 'write', name: 'w' });
    const limit = PLANS.free.limits.content_items!;
    await origin.database.db.insert(pages).values(Array.from({ length: limit - 7 }, (_, i) => ({ spaceId: t.spaceId, pageType: '*', slug: `pre-${i}`, locale: 'en', name: `P${i}`, status: 'draft' as const, fields: {} })));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => asKey(write.token, 'POST', '/v2/pages/', { title: `New ${i}`, slug: `new-${i}`, page_type: '*', fields: {} })),
    );
    expect(results.filter((r) => r.status === 202)).toHaveLength(7);
    expect(results.filter((r) => r.status === 402)).toHaveLength(43);
    const body = await expectErrorShape(results.find((r) => r.status === 402)!, 402, 'plan_limit');
    expect(body.detail).toMatch(/content items/);
    const [n] = await origin.database.db.select({ n: count() }).from(pages).where(and(eq(pages.spaceId, t.spaceId), isNull(pages.deletedAt)));
    expect(n!.n).toBe(limit);
    // At the limit: deleting is allowed (and makes room), editing is allowed (not over), creating is not.
    expect((await asKey(write.token, 'DELETE', '/v2/pages/*/pre-0/')).status).toBe(204);
    expect((await asKey(write.token, 'POST', '/v2/pages/', { title: 'Room', slug: 'room', page_type: '*', fields: {} })).status).toBe(202);
    await expectErrorShape(await asKey(write.token, 'POST', '/v2/pages/', { title: 'Full', slug: 'full', page_type: '*', fields: {} }), 402, 'plan_limit');
  });

  it('members (pending invitations count) and spaces: concurrent invitations stop at the members limit; a second space is refused', async () => {
    const t = await createOrganization(origin, 'billing-members');
    const owner = await signedIn(t.organizationId, 'owner');
    const limit = PLANS.free.limits.members!;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => owner.request('POST', `/v1/orgs/${t.organizationId}/invitations`, { email: `invitee${i}@example.test`, role: 'viewer' })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(limit - 1); // the owner is one member
    const refused = await expectErrorShape(results.find((r) => r.status === 402)!, 402, 'plan_limit');
    expect(refused.detail).toMatch(/Free plan allows 3 members/);
    const space = await expectErrorShape(await owner.request('POST', `/v1/orgs/${t.organizationId}/spaces`, { name: 'Second site' }), 402, 'plan_limit');
    expect(space.detail).toMatch(/Free plan allows 1 space \(/);
  });

  it('counts monthly write requests and refuses writes past the month’s limit', async () => {
    const t = await createOrganization(origin, 'billing-writes');
    const write = await issueApiKey(origin.database.db, { organizationId: t.organizationId, spaceId: t.spaceId, kind: 'write', name: 'w' });
    for (let i = 0; i < 3; i++) expect((await asKey(write.token, 'POST', '/v2/pages/', { title: `W${i}`, slug: `w-${i}`, page_type: '*', fields: {} })).status).toBe(202);
    expect((await asKey(write.token, 'PATCH', '/v2/pages/*/w-0/', { fields: { a: 1 } })).status).toBe(202);
    const [u] = await origin.database.db.select().from(billingUsage).where(eq(billingUsage.organizationId, t.organizationId));
    expect(u!.writeRequests).toBe(4);
    await origin.database.db.update(billingUsage).set({ writeRequests: PLANS.free.limits.monthly_write_requests! }).where(eq(billingUsage.organizationId, t.organizationId));
    const refused = await expectErrorShape(await asKey(write.token, 'PATCH', '/v2/pages/*/w-1/', { fields: { a: 2 } }), 402, 'plan_limit');
    expect(refused.detail).toMatch(/monthly write requests/);
    expect(refused.detail).toMatch(/Free/);
    const [after] = await origin.database.db.select().from(billingUsage).where(eq(billingUsage.organizationId, t.organizationId));
    expect(after!.writeRequests).toBe(PLANS.free.limits.monthly_write_requests); // the refused write is not counted
  });
});

describe('Stripe down', () => {
  it('answers 503 with Retry-After, in the one shape, and changes nothing', async () => {
    const down = await startTestOrigin({ BCRYPT_COST: '10', ...billingEnv(mock), STRIPE_API_BASE: 'http://127.0.0.1:9' });
    try {
      const u = await createUser(down, down.seed.organizationId, 'owner');
      const c = new SessionClient(down.server.url);
      await c.login(u.email, u.password);
      const res = await c.request('POST', `/v1/orgs/${down.seed.organizationId}/billing/checkout`, { plan: 'team' });
      await expectErrorShape(res, 503, 'unavailable');
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await down.database.db.select().from(billingAccounts)).toEqual([]);
    } finally {
      await down.stop();
    }
  }, 60_000);
});

describe('billing off (self-hosted default)', () => {
  it('has no plans and no limits; checkout is refused; the webhook does not exist', async () => {
    const off = await startTestOrigin({ BCRYPT_COST: '10' });
    try {
      const t = await createOrganization(off, 'nolimits');
      const admin = await issueApiKey(off.database.db, { organizationId: t.organizationId, spaceId: null, kind: 'admin', name: 'admin' });
      const post = (i: number) => fetch(`${off.server.url}/v1/orgs/${t.organizationId}/api-keys`, { method: 'POST', headers: { authorization: `Token ${admin.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `k${i}`, kind: 'read', space_id: t.spaceId }) });
      const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => post(i).then((r) => r.status)));
      expect(statuses).toEqual(Array.from({ length: 12 }, () => 201));
      const u = await createUser(off, t.organizationId, 'owner');
      const c = new SessionClient(off.server.url);
      await c.login(u.email, u.password);
      const view = (await (await c.request('GET', `/v1/orgs/${t.organizationId}/billing`)).json()) as { data: { billing: string; plan: null; usage: { api_keys: { used: number; limit: null } } } };
      expect(view.data.billing).toBe('off');
      expect(view.data.plan).toBeNull();
      expect(view.data.usage.api_keys).toEqual({ used: 13, limit: null });
      await expectErrorShape(await c.request('POST', `/v1/orgs/${t.organizationId}/billing/checkout`, { plan: 'team' }), 409, 'conflict');
      await expectErrorShape(await fetch(`${off.server.url}/v1/billing/stripe/webhook`, { method: 'POST', body: '{}' }), 404, 'not_found');
      expect(await off.database.db.select().from(billingUsage)).toEqual([]);
    } finally {
      await off.stop();
    }
  }, 60_000);
});

describe('npm run billing -- sync-plans', () => {
  it('creates each paid plan’s Product and monthly Price with lookup keys and operation-derived Idempotency-Keys (the same on a re-run)', async () => {
    const run = async () => {
      const out: string[] = [];
      const before = mock.requests.length;
      const code = await runBilling(['sync-plans'], { out: (t) => out.push(t), err: (t) => out.push(t) }, () => Promise.reject(new Error('no database')), { STRIPE_SECRET_KEY: 'sk_test_ghee123', STRIPE_API_BASE: mock.url });
      return { code, out: out.join(''), sent: mock.requests.slice(before) };
    };
    const first = await run();
    expect(first.code, first.out).toBe(0);
    expect(first.sent.every((r) => r.status === 200)).toBe(true);
    const prices = first.sent.filter((r) => r.method === 'POST' && r.path === '/v1/prices');
    expect(prices.map((p) => p.body.get('lookup_key'))).toEqual(['ghee_team_monthly', 'ghee_business_monthly', 'ghee_enterprise_monthly']);
    expect(prices.map((p) => Number(p.body.get('unit_amount')))).toEqual([PLANS.team.monthlyCents, PLANS.business.monthlyCents, PLANS.enterprise.monthlyCents]);
    for (const p of prices) {
      expect(p.body.get('recurring[interval]')).toBe('month');
      expect(p.body.get('currency')).toBe('usd');
      expect(p.idempotencyKey).toMatch(/^ghee-price-/);
    }
    const products = first.sent.filter((r) => r.method === 'POST' && r.path === '/v1/products');
    expect(products.map((p) => p.body.get('metadata[ghee_plan]'))).toEqual(['team', 'business', 'enterprise']);
    expect(first.out).toMatch(/STRIPE_PRICE_TEAM=price_/);
    const second = await run();
    const keys = (r: typeof first) => r.sent.filter((x) => x.method === 'POST').map((x) => x.idempotencyKey);
    expect(keys(second)).toEqual(keys(first));
    const usage = await runBilling(['frobnicate'], { out: () => {}, err: () => {} }, () => Promise.reject(new Error('unused')), {});
    expect(usage).toBe(2);
  });
});
