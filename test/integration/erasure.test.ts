/**
 * Erasure (issue 16): a user's erasure leaves their email and name — and the blind indexes of
 * them — in no column of any table (every text, json and array column searched) while every audit chain still verifies; an
 * organization's deletion needs an owner, a recent sign-in and a 2FA code, waits out its grace
 * period (cancellable), then leaves no row with its organization_id anywhere, queues its keys,
 * spaces and assets for purging at the edge and keeps a signed certificate.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../origin/audit/audit.js';
import { personalAad, personalDataFromConfig } from '../../origin/crypto/personal-data.js';
import { endOrganizationSubscription, stripeClient, SubscriptionStillActive, type SubscriptionEnd } from '../../origin/billing/index.js';
import { certificateValid, eraseDueOrganizations, type SweepContext } from '../../origin/governance/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { totpCode } from '../../origin/identity/totp/totp.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, SessionClient, type TestUser } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';
import { startStripeMock, type StripeMock } from '../helpers/stripe-mock.js';

let origin: OriginUnderTest;
const DAY = 86_400_000;

async function q<T = Record<string, unknown>>(s: ReturnType<typeof sql>): Promise<T[]> {
  const r = await origin.database.db.execute(s);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as T[];
}

async function signedIn(u: TestUser): Promise<SessionClient> {
  const c = new SessionClient(origin.server.url);
  await c.login(u.email, u.password);
  return c;
}

/** Every (table, column) of a textual kind: text, varchar, json, jsonb, arrays, inet. */
async function textColumns(): Promise<{ table_name: string; column_name: string }[]> {
  return q(sql`select c.table_name, c.column_name from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
               where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'inet', 'USER-DEFINED')`);
}

/** Where `needle` occurs (case-insensitively) in any textual column of any table. */
async function findEverywhere(needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const c of await textColumns()) {
    const [r] = await q<{ n: number }>(
      sql`select count(*)::int as n from ${sql.identifier(c.table_name)} where position(lower(${needle}) in lower(${sql.identifier(c.column_name)}::text)) > 0`,
    );
    if (Number(r!.n) > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}

async function tablesWithOrganizationId(): Promise<string[]> {
  return (
    await q<{ table_name: string }>(
      sql`select c.table_name from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
          where c.table_schema = 'public' and c.column_name = 'organization_id' and t.table_type = 'BASE TABLE'`,
    )
  ).map((r) => r.table_name);
}

async function enrolTotp(c: SessionClient): Promise<string> {
  const setup = (await (await c.request('POST', '/v1/auth/2fa/setup')).json()) as { data: { secret: string } };
  const confirm = await c.request('POST', '/v1/auth/2fa/confirm', { code: totpCode(setup.data.secret, Date.now()) });
  expect(confirm.status).toBe(200);
  c.csrf = ((await confirm.json()) as { data: { csrf_token: string } }).data.csrf_token;
  return setup.data.secret;
}

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10', AUTH_SECRET: randomBytes(32).toString('hex') });
});
afterAll(async () => {
  await origin?.stop();
});

describe('user erasure', () => {
  it('leaves the email and name in no table, and every audit chain still verifies', async () => {
    const org = origin.seed.organizationId;
    const tag = randomBytes(5).toString('hex');
    const email = `erase-${tag}@example.test`;
    const name = `Erin Erasable ${tag}`;
    const u = await createUser(origin, org, 'author', { email });
    const pd = personalDataFromConfig(origin.config.MASTER_KEYS);
    await q(sql`update users set name_enc = ${pd.seal(name, personalAad('users', 'name', u.id))} where id = ${u.id}`);
    // What other rows may name them by: the blind indexes of their address (as an email and as an account) and of their id.
    const indexes = [...pd.blindIndexes('email', email), ...pd.blindIndexes('account', email), ...pd.blindIndexes('account', u.id)];
    // Traces: sessions, a failed and a good login (attempts and audit rows with address and user agent), a reauthentication.
    await expectErrorShape(await new SessionClient(origin.server.url).request('POST', '/v1/auth/login', { email, password: 'Wrong-Password-42!' }), 401, 'invalid_credentials');
    const c = await signedIn(u);
    expect((await c.request('POST', '/v1/auth/reauthenticate', { password: u.password })).status).toBe(200);
    // Plaintext copies the encryption does not cover: incident mail to them, a security contact.
    await q(sql`insert into alert_outbox (channel, body) values ('email', ${JSON.stringify({ to: email, subject: 'Incident' })}::jsonb)`);
    await q(sql`insert into security_settings (organization_id, security_contacts) values (${org}, ${JSON.stringify(['soc@example.test', email.toUpperCase()])}::jsonb)
                on conflict (organization_id) do update set security_contacts = excluded.security_contacts`);
    expect((await findEverywhere(email)).sort()).toEqual(['alert_outbox.body', 'security_settings.security_contacts']);
    await q(sql`delete from alert_outbox where body->>'to' = ${email}`);
    await q(sql`update security_settings set security_contacts = '[]'::jsonb where organization_id = ${org}`);
    expect(await findEverywhere(email)).toEqual([]); // sealed at rest (origin/crypto/personal-data.ts) …
    expect(await findEverywhere(pd.blindIndex('email', email))).toEqual(['users.email_bidx']); // … found by its blind index
    expect(await findEverywhere(pd.blindIndex('account', email))).toEqual(['auth_attempts.account']);
    const theirRows = await q<{ id: string; ip_enc: string | null; user_agent_enc: string | null }>(sql`select id, ip_enc, user_agent_enc from audit_events where actor_user_id = ${u.id} order by seq`);
    expect(theirRows.length).toBeGreaterThan(1);
    // Sealed at rest (migration 0020), bound to the row: opened, they are the client's.
    expect(theirRows.every((r) => r.ip_enc !== null && r.ip_enc.startsWith('env1.'))).toBe(true);
    expect(pd.open(theirRows[0]!.ip_enc!, personalAad('audit_events', 'ip', theirRows[0]!.id))).toBe('127.0.0.1');

    // The digest guards the personal data: an address sealed anew with another value breaks the chain (then restored).
    const [one, two] = theirRows;
    const restore = () => q(sql`update audit_events set ip_enc = ${one!.ip_enc}, user_agent_enc = ${one!.user_agent_enc} where id = ${one!.id}`);
    await q(sql`update audit_events set ip_enc = ${pd.seal('203.0.113.9', personalAad('audit_events', 'ip', one!.id))} where id = ${one!.id}`);
    expect((await verifyAuditChain(origin.database.db)).broken).toMatchObject({ id: one!.id, reason: 'hash' });
    // A token copied from another row, or one with a flipped character, does not open: refused as such, never shown.
    await q(sql`update audit_events set ip_enc = ${two!.ip_enc} where id = ${one!.id}`);
    expect((await verifyAuditChain(origin.database.db)).broken).toMatchObject({ id: one!.id, reason: 'sealed' });
    const ua = one!.user_agent_enc!;
    await restore();
    await q(sql`update audit_events set user_agent_enc = ${`${ua.slice(0, -3)}${ua.at(-3) === 'A' ? 'B' : 'A'}${ua.slice(-2)}`} where id = ${one!.id}`);
    expect((await verifyAuditChain(origin.database.db)).broken).toMatchObject({ id: one!.id, reason: 'sealed' });
    await restore();
    expect((await verifyAuditChain(origin.database.db)).ok).toBe(true);

    await q(sql`insert into alert_outbox (channel, body) values ('email', ${JSON.stringify({ to: email, subject: 'Incident' })}::jsonb)`);
    await q(sql`update security_settings set security_contacts = ${JSON.stringify(['soc@example.test', email.toUpperCase()])}::jsonb where organization_id = ${org}`);
    // Needs a recent sign-in and an explicit confirmation.
    await expectErrorShape(await c.request('POST', '/v1/auth/me/erase', {}), 400, 'bad_request');
    const res = await c.request('POST', '/v1/auth/me/erase', { confirm: true });
    expect(res.status, await res.clone().text()).toBe(200);
    const { data } = (await res.json()) as { data: { certificate_id: string } };

    expect(await findEverywhere(email)).toEqual([]);
    expect(await findEverywhere(name)).toEqual([]);
    expect((await q<{ c: string[] }>(sql`select security_contacts as c from security_settings where organization_id = ${org}`))[0]!.c).toEqual(['soc@example.test']);
    for (const index of indexes) expect(await findEverywhere(index)).toEqual([]);
    // And no sealed copy either: nothing left opens to their address or name.
    const sealedLeft = await q<{ n: number }>(sql`select count(*)::int as n from users where id = ${u.id}`);
    expect(sealedLeft[0]!.n).toBe(0);
    // The audit rows stay, pseudonymous: the actor id names nobody, address and agent are gone.
    const after = await q<{ ip_enc: string | null; user_agent_enc: string | null }>(sql`select ip_enc, user_agent_enc from audit_events where actor_user_id = ${u.id}`);
    expect(after.length).toBeGreaterThan(theirRows.length); // + the user.erased row
    expect(after.every((r) => r.ip_enc === null && r.user_agent_enc === null)).toBe(true);
    expect(await verifyAuditChain(origin.database.db)).toMatchObject({ ok: true });
    expect(await q(sql`select 1 from users where id = ${u.id}`)).toEqual([]);
    // The session died with the account.
    await expectErrorShape(await c.request('GET', '/v1/auth/session'), 401, 'unauthenticated');

    const [cert] = await q<{ subject_type: string; subject_id: string; requested_by: string; requested_at: Date; erased_at: Date; summary: Record<string, unknown>; signature: string }>(
      sql`select * from erasure_certificates where id = ${data.certificate_id}`,
    );
    expect(cert).toMatchObject({ subject_type: 'user', subject_id: u.id });
    const fields = { subjectType: 'user' as const, subjectId: cert!.subject_id, requestedBy: cert!.requested_by, requestedAt: new Date(cert!.requested_at), erasedAt: new Date(cert!.erased_at), summary: cert!.summary };
    expect(certificateValid(origin.config.AUTH_SECRET!, { ...fields, signature: cert!.signature })).toBe(true);
    expect(certificateValid(origin.config.AUTH_SECRET!, { ...fields, subjectId: crypto.randomUUID(), signature: cert!.signature })).toBe(false);
  });

  it('refuses the only owner of an organization, and a stale sign-in', async () => {
    const other = await createOrganization(origin, `erase-owner-${randomBytes(3).toString('hex')}`);
    const owner = await createUser(origin, other.organizationId, 'owner');
    const c = await signedIn(owner);
    await expectErrorShape(await c.request('POST', '/v1/auth/me/erase', { confirm: true }), 409, 'conflict');
    await q(sql`update sessions set reauthenticated_at = ${new Date(Date.now() - 11 * 60_000).toISOString()}::timestamptz where user_id = ${owner.id}`);
    await expectErrorShape(await c.request('POST', '/v1/auth/me/erase', { confirm: true }), 403, 'reauthentication_required');
    expect(await q(sql`select 1 from users where id = ${owner.id}`)).toHaveLength(1);
  });
});

describe('organization deletion', () => {
  it('needs an owner with a recent sign-in and a 2FA code, waits 7 days (cancellable), then erases every row of the organization', async () => {
    const t = await createOrganization(origin, `doomed-${randomBytes(3).toString('hex')}`);
    const org = t.organizationId;
    const owner = await createUser(origin, org, 'owner');
    const admin = await createUser(origin, org, 'admin');
    const key = await issueApiKey(origin.database.db, { organizationId: org, spaceId: t.spaceId, kind: 'read', name: 'doomed key' });
    const [asset] = await q<{ id: string }>(sql`insert into assets (space_id, filename, content_type, size, sha256, data) values (${t.spaceId}, 'a.png', 'image/png', 1, 'x', '\\x00'::bytea) returning id`);
    await q(sql`insert into pages (space_id, slug, locale, name) values (${t.spaceId}, 'doomed', 'en', 'Doomed')`);

    const oc = await signedIn(owner);
    // Without 2FA: refused (409, enable it first).
    await expectErrorShape(await oc.request('POST', `/v1/orgs/${org}/deletion`, {}), 409, 'conflict');
    const secret = await enrolTotp(oc);
    // An admin is refused; another organization's owner does not see it.
    await expectErrorShape(await (await signedIn(admin)).request('POST', `/v1/orgs/${org}/deletion`, {}), 403, 'forbidden');
    // A wrong or missing code: refused, and the refusal is evidence.
    await expectErrorShape(await oc.request('POST', `/v1/orgs/${org}/deletion`, {}), 401, 'invalid_credentials');
    const wrong = totpCode(secret, Date.now() + 30_000) === '000000' ? '111111' : '000000';
    await expectErrorShape(await oc.request('POST', `/v1/orgs/${org}/deletion`, { otp: wrong }), 401, 'invalid_credentials');
    expect(await q(sql`select 1 from audit_events where organization_id = ${org} and action = 'organization.deletion_request' and result = 'failure'`)).toHaveLength(2);

    const code = totpCode(secret, Date.now() + 30_000);
    const res = await oc.request('POST', `/v1/orgs/${org}/deletion`, { otp: code });
    expect(res.status, await res.clone().text()).toBe(202);
    const { data } = (await res.json()) as { data: { purge_after: string } };
    expect(Math.round((Date.parse(data.purge_after) - Date.now()) / DAY)).toBe(7);
    // The same code twice: refused (used once).
    await expectErrorShape(await oc.request('POST', `/v1/orgs/${org}/deletion`, { otp: code }), 401, 'invalid_credentials');

    // Cancelled within the grace period, then asked again.
    expect((await oc.request('DELETE', `/v1/orgs/${org}/deletion`)).status).toBe(204);
    await expectErrorShape(await oc.request('GET', `/v1/orgs/${org}/deletion`), 404, 'not_found');
    await q(sql`update totp_factors set last_used_step = null where user_id = ${owner.id}`);
    expect((await oc.request('POST', `/v1/orgs/${org}/deletion`, { otp: totpCode(secret, Date.now()) })).status).toBe(202);
    const actions = (await q<{ action: string }>(sql`select action from audit_events where organization_id = ${org} and result = 'success' and action like 'organization.%' order by seq`)).map((r) => r.action);
    expect(actions).toEqual(['organization.deletion_request', 'organization.deletion_cancel', 'organization.deletion_request']);

    // Billing off and nothing subscribed: nothing to end in Stripe (the Stripe cases are below).
    const ctx: SweepContext = { db: origin.database.db, envelope: origin.envelope, authSecret: origin.config.AUTH_SECRET!, graceDays: 7, endSubscription: (id) => endOrganizationSubscription(origin.database.db, null, id) };
    // Not before the grace period ends.
    expect(await eraseDueOrganizations(ctx, new Date(Date.now() + 6 * DAY))).toEqual([]);
    expect(await q(sql`select 1 from organizations where id = ${org}`)).toHaveLength(1);
    expect(await eraseDueOrganizations(ctx, new Date(Date.now() + 7 * DAY + 60_000))).toEqual([org]);

    // No row of the organization remains in any table with an organization_id.
    const left: string[] = [];
    for (const table of await tablesWithOrganizationId()) {
      const [r] = await q<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)} where organization_id = ${org}`);
      if (Number(r!.n) > 0) left.push(table);
    }
    expect(left).toEqual([]);
    expect(await q(sql`select 1 from organizations where id = ${org}`)).toEqual([]);
    expect(await q(sql`select 1 from spaces where id = ${t.spaceId}`)).toEqual([]);
    expect(await q(sql`select 1 from assets where id = ${asset!.id}`)).toEqual([]);
    expect(await q(sql`select 1 from audit_events where chain = ${org}`)).toEqual([]);
    // The edge forgets its key, space and assets.
    const queued = (await q<{ keys: string[] }>(sql`select keys from purge_outbox`)).flatMap((r) => r.keys);
    expect(queued).toEqual(expect.arrayContaining([`key:${key.id}`, `space:${t.spaceId}`, `asset:${asset!.id}`]));
    // The members' accounts stay (they are not the organization's), without the membership.
    expect(await q(sql`select 1 from users where id = ${owner.id}`)).toHaveLength(1);
    // A signed certificate, and one row in the global chain; every chain verifies.
    const [cert] = await q<{ id: string; summary: { rows: Record<string, number>; audit_chain: { last_seq: number } | null } }>(
      sql`select id, summary from erasure_certificates where subject_type = 'organization' and subject_id = ${org}`,
    );
    expect(cert!.summary.rows).toMatchObject({ memberships: 2, api_keys: 1, spaces: 1 });
    expect(cert!.summary.audit_chain!.last_seq).toBeGreaterThan(3);
    expect(await q(sql`select 1 from audit_events where chain = 'global' and action = 'organization.erased' and target_id = ${org}`)).toHaveLength(1);
    expect(await verifyAuditChain(origin.database.db)).toMatchObject({ ok: true });
  });
});

describe('organization deletion ends the Stripe subscription first', () => {
  let mock: StripeMock;
  beforeAll(async () => {
    mock = await startStripeMock();
  }, 60_000);
  afterAll(async () => {
    await mock?.stop();
  });

  const settings = (url: string) => ({ stripe: stripeClient('sk_test_gheeErasure123', url), webhookSecret: 'whsec_unused', prices: new Map() });
  /** An organization past its grace period with a recorded subscription in `status`. */
  async function dueWithSubscription(subscription: string, status: string): Promise<string> {
    const { organizationId } = await createOrganization(origin, `billed-${randomBytes(3).toString('hex')}`);
    const owner = await createUser(origin, organizationId, 'owner');
    await q(sql`insert into billing_accounts (organization_id, plan, status, stripe_customer_id, stripe_subscription_id) values (${organizationId}, 'team', ${status}, ${`cus_${randomBytes(6).toString('hex')}`}, ${subscription})`);
    await q(sql`insert into organization_deletions (organization_id, requested_by, requested_at, purge_after) values (${organizationId}, ${owner.id}, now() - interval '8 days', now() - interval '1 day')`);
    return organizationId;
  }
  const sweep = (endSubscription: SweepContext['endSubscription'], delayed: unknown[] = []) =>
    eraseDueOrganizations({ db: origin.database.db, envelope: origin.envelope, authSecret: origin.config.AUTH_SECRET!, graceDays: 7, endSubscription, onDelayed: (_id, err) => delayed.push(err) }, new Date());
  const exists = async (org: string) => (await q(sql`select 1 from organizations where id = ${org}`)).length === 1;
  const cancels = (sub: string) => mock.requests.filter((r) => r.method === 'DELETE' && r.path === `/v1/subscriptions/${sub}`);

  it('keeps an organization that still bills while Stripe fails or billing is off, cancels once Stripe answers, then erases', async () => {
    const sub = `sub_erase${randomBytes(4).toString('hex')}`;
    const org = await dueWithSubscription(sub, 'active');
    mock.subscriptions.set(sub, { status: 'active', price: 'price_teamTest123', customer: 'cus_x' });

    // Stripe unreachable: the organization and its deletion stay; the sweep says why.
    const delayed: unknown[] = [];
    const down = settings('http://127.0.0.1:9');
    expect(await sweep((id) => endOrganizationSubscription(origin.database.db, down, id), delayed)).toEqual([]);
    expect(delayed).toHaveLength(1);
    expect(await exists(org)).toBe(true);
    expect(await q(sql`select 1 from organization_deletions where organization_id = ${org}`)).toHaveLength(1);
    // Billing off with a live subscription recorded: never deleted either.
    const off: unknown[] = [];
    expect(await sweep((id) => endOrganizationSubscription(origin.database.db, null, id), off)).toEqual([]);
    expect(off[0]).toBeInstanceOf(SubscriptionStillActive);
    expect(await exists(org)).toBe(true);
    expect(cancels(sub)).toHaveLength(0);

    // Stripe back: the subscription is fetched, cancelled (once), then the organization goes.
    const up = settings(mock.url);
    const outcomes: SubscriptionEnd[] = [];
    const end = async (id: string) => {
      const r = await endOrganizationSubscription(origin.database.db, up, id);
      outcomes.push(r);
      return r;
    };
    const none: unknown[] = [];
    expect(await sweep(end, none)).toEqual([org]);
    expect(none).toEqual([]);
    expect(outcomes).toEqual(['cancelled']);
    expect(cancels(sub)).toHaveLength(1);
    const calls = mock.requests.filter((r) => r.path === `/v1/subscriptions/${sub}`).map((r) => `${r.method} ${r.status}`);
    expect(calls).toEqual(['GET 200', 'DELETE 200']);
    expect(await exists(org)).toBe(false);
    const [cert] = await q<{ summary: { stripe_subscription?: string } }>(sql`select summary from erasure_certificates where subject_type = 'organization' and subject_id = ${org}`);
    expect(cert!.summary.stripe_subscription).toBe('cancelled');
    expect(await q(sql`select 1 from audit_events where chain = 'global' and action = 'organization.erased' and target_id = ${org} and metadata->>'stripe_subscription' = 'cancelled'`)).toHaveLength(1);
    // A second sweep has nothing to do and cancels nothing again.
    expect(await sweep(end)).toEqual([]);
    expect(cancels(sub)).toHaveLength(1);
    expect(await verifyAuditChain(origin.database.db)).toMatchObject({ ok: true });
  });

  it('is idempotent: a subscription Stripe already ended, or no longer knows, is not cancelled again', async () => {
    const ended = `sub_ended${randomBytes(4).toString('hex')}`;
    const gone = `sub_gone${randomBytes(4).toString('hex')}`;
    const a = await dueWithSubscription(ended, 'active');
    const b = await dueWithSubscription(gone, 'past_due');
    mock.subscriptions.set(ended, { status: 'canceled', price: 'price_teamTest123', customer: 'cus_x' });
    // `gone` is not scripted: the proxy answers 404 resource_missing, as Stripe does for a deleted one.
    const up = settings(mock.url);
    const none: unknown[] = [];
    const erased = await sweep((id) => endOrganizationSubscription(origin.database.db, up, id), none);
    expect(none).toEqual([]);
    expect(erased.sort()).toEqual([a, b].sort());
    expect(cancels(ended)).toHaveLength(0);
    expect(cancels(gone)).toHaveLength(0);
    for (const org of [a, b]) {
      const [cert] = await q<{ summary: { stripe_subscription?: string } }>(sql`select summary from erasure_certificates where subject_type = 'organization' and subject_id = ${org}`);
      expect(cert!.summary.stripe_subscription).toBe('ended');
    }
  });
});
