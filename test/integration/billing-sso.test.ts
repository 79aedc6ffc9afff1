/**
 * An SSO sign-in that provisions a member just in time counts against the plan's members limit
 * like an invitation does (issue 17 with issue 13): past the limit the sign-in is refused with
 * 402 plan_limit and nothing is provisioned; members who exist keep signing in. Real HTTP, real
 * Postgres, a real stripe-mock process, a local OpenID provider (the crafted OP).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personalDataFromConfig } from '../../origin/crypto/personal-data.js';
import { memberships, users } from '../../origin/db/schema/index.js';
import { userEmailIs } from '../../origin/identity/people.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, SessionClient } from '../helpers/identity.js';
import { Browser, freePort, startCraftedOp, startDnsServer, type CraftedOp, type DnsServer } from '../helpers/sso.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';
import { startStripeMock, type StripeMock } from '../helpers/stripe-mock.js';

let mock: StripeMock;
let dns: DnsServer;
let op: CraftedOp;
let origin: OriginUnderTest;
let base: string;
let connectionId: string;
let owner: SessionClient;

async function signIn(email: string): Promise<Response> {
  op.claims = { sub: email, email, email_verified: true };
  const b = new Browser();
  const start = await b.request(`${base}/v1/auth/sso/login/${connectionId}`);
  expect(start.status).toBe(302);
  const step = await b.follow(start.headers.get('location')!, { stopAt: (u) => u.href.startsWith(`${base}/`) });
  return b.request(step.url);
}

const membersOf = async (org: string) => (await origin.database.db.select().from(memberships).where(eq(memberships.organizationId, org))).length;

beforeAll(async () => {
  mock = await startStripeMock();
  dns = await startDnsServer();
  op = await startCraftedOp();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  origin = await startTestOrigin({
    ORIGIN_PORT: String(port),
    PUBLIC_APP_URL: base,
    SSO_DNS_SERVERS: dns.address,
    SSO_ALLOW_LOOPBACK: 'true',
    BILLING: 'stripe',
    STRIPE_SECRET_KEY: 'sk_test_ghee123',
    STRIPE_WEBHOOK_SECRET: 'whsec_testSecretForGhee',
    STRIPE_API_BASE: mock.url,
  });
  const org = origin.seed.organizationId;
  const o = await createUser(origin, org, 'owner');
  owner = new SessionClient(base);
  await owner.login(o.email, o.password);
  const created = await owner.request('POST', `/v1/orgs/${org}/sso/connections`, { protocol: 'oidc', name: 'Crafted', issuer: op.issuer, client_id: op.clientId, client_secret: op.clientSecret });
  expect(created.status).toBe(201);
  connectionId = ((await created.json()) as { data: { id: string } }).data.id;
  const domain = await owner.request('POST', `/v1/orgs/${org}/sso/domains`, { domain: 'crafted.test', connection_id: connectionId });
  const { data } = (await domain.json()) as { data: { id: string; txt_record: string } };
  dns.setTxt('crafted.test', [data.txt_record]);
  expect((await owner.request('POST', `/v1/orgs/${org}/sso/domains/${data.id}/verify`)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await origin?.stop();
  await op?.close();
  await dns?.close();
  await mock?.stop();
});

describe('SSO just-in-time members and the plan', () => {
  it('provisions up to the free plan\'s 3 members, then refuses the next new member (402 plan_limit) provisioning nothing; members who exist still sign in', async () => {
    const org = origin.seed.organizationId;
    expect(await membersOf(org)).toBe(2); // the demo owner and the owner made above
    expect((await signIn('first@crafted.test')).status).toBe(302);
    expect(await membersOf(org)).toBe(3);

    const refused = await signIn('second@crafted.test');
    const error = await expectErrorShape(refused, 402, 'plan_limit');
    expect(String(error.detail)).toMatch(/plan/);
    expect(await membersOf(org)).toBe(3);
    // Looked up by the email's blind index, as sign-in does.
    const second = await origin.database.db.select({ id: users.id }).from(users).where(userEmailIs(personalDataFromConfig(origin.config.MASTER_KEYS), 'second@crafted.test'));
    expect(second).toEqual([]);

    expect((await signIn('first@crafted.test')).status).toBe(302);
  });
});

describe('SCIM provisioning and the plan', () => {
  it('a SCIM create past the members limit is refused in SCIM\'s error shape (403, the plan named) and creates nothing', async () => {
    const org = origin.seed.organizationId;
    const created = await owner.request('POST', `/v1/orgs/${org}/scim/token`);
    expect(created.status).toBe(201);
    const token = ((await created.json()) as { data: { token: string } }).data.token;
    const before = await membersOf(org);
    const res = await fetch(`${base}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'third@crafted.test', active: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const body = (await res.json()) as { status: string; detail: string; schemas: string[] };
    expect(res.status, JSON.stringify(body)).toBe(403);
    expect(body).toMatchObject({ status: '403', schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
    expect(body.detail).toMatch(/plan/i);
    expect(await membersOf(org)).toBe(before);
  });
});
