/**
 * Management IP allowlists ("security groups", issue 16), over real HTTP on Postgres. The origin
 * runs behind a trusted proxy (TRUSTED_PROXIES = the test's loopback), so X-Forwarded-For plays
 * the client's address; a second app on the same database trusts no proxy and must ignore it.
 * IPv4 and IPv6 CIDRs, inside/outside, for API keys and sessions separately; no self-lockout;
 * owner break-glass; the edge's signed client address honoured; changes audited.
 */
import { createHash } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOf, openAuditPersonal, verifyAuditChain } from '../../origin/audit/audit.js';
import { newApp } from '../../origin/app.js';
import { loadOriginConfig } from '../../origin/config.js';
import { apiKeys, auditEvents, purgeOutbox, securityEvents } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { totpCode } from '../../origin/identity/totp/totp.js';
import { createLogger } from '../../origin/logger.js';
import { listen, type RunningServer } from '../../origin/server.js';
import { clientAddress, trustedProxies } from '../../origin/http/client-address.js';
import { ASSERTION_HEADERS, signAssertion } from '../../shared/edge-assertion.js';
import { INTROSPECT_PATH, INTROSPECT_PURPOSE, signInternal, type KeyIntrospection } from '../../shared/internal-auth.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, SessionClient } from '../helpers/identity.js';
import { startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let direct: RunningServer;
let org: string;
let space: string;
let owner: SessionClient;
let admin: SessionClient;
let adminKey: string;
let writeKey: string;
let previewKey: { id: string; token: string };

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const members = () => `/v1/orgs/${org}/members`;
const allowlist = () => `/v1/orgs/${org}/ip-allowlist`;

async function put(c: SessionClient, body: unknown, ip: string): Promise<Response> {
  return c.request('PUT', allowlist(), body, from(ip));
}

function keyed(token: string, method: string, path: string, ip: string, body?: unknown, base = origin.server.url): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Token ${token}`, ...from(ip), ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'x-ghee-space': space },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function securityEvent(rule: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const rows = await origin.database.db.select().from(securityEvents).where(and(eq(securityEvents.rule, rule), eq(securityEvents.organizationId, org)));
    if (rows.length > 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function head(): Promise<number> {
  const rows = await origin.database.db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.chain, chainOf(org)));
  return Math.max(0, ...rows.map((r) => r.seq ?? 0));
}

const LISTS = { api_key_cidrs: ['198.51.100.0/24', '2001:db8:aa::/48'], session_cidrs: ['203.0.113.0/24', '2001:db8::/32'], enforce_reads: false };

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10', TRUSTED_PROXIES: '127.0.0.1/32,::1/128' });
  org = origin.seed.organizationId;
  space = origin.seed.spaceId;
  const o = await createUser(origin, org, 'owner');
  owner = new SessionClient(origin.server.url);
  await owner.login(o.email, o.password);
  const a = await createUser(origin, org, 'admin');
  admin = new SessionClient(origin.server.url);
  await admin.login(a.email, a.password);
  adminKey = (await issueApiKey(origin.database.db, { organizationId: org, spaceId: null, kind: 'admin', name: 'allowlist admin' })).token;
  writeKey = (await issueApiKey(origin.database.db, { organizationId: org, spaceId: space, kind: 'write', name: 'allowlist write' })).token;
  const p = await issueApiKey(origin.database.db, { organizationId: org, spaceId: space, kind: 'preview', name: 'allowlist preview' });
  previewKey = { id: p.id, token: p.token };
  // The same database behind an app that trusts no proxy.
  const { TRUSTED_PROXIES: _trusted, ...bare } = origin.config;
  const logger = createLogger('silent');
  direct = await listen(newApp({ config: bare, database: origin.database, logger, envelope: origin.envelope }), bare, logger);
}, 60_000);

afterAll(async () => {
  await direct?.close();
  await origin?.stop();
});

describe('client address', () => {
  it('X-Forwarded-For is believed only from a trusted proxy, rightmost untrusted hop first', () => {
    const trusted = trustedProxies('10.0.0.0/8,::1');
    expect(clientAddress('127.0.0.1', '203.0.113.5', trusted)).toBe('127.0.0.1');
    expect(clientAddress('10.1.2.3', '203.0.113.5', trusted)).toBe('203.0.113.5');
    expect(clientAddress('10.1.2.3', '198.51.100.1, 203.0.113.5, 10.9.9.9', trusted)).toBe('203.0.113.5');
    expect(clientAddress('::1', '2001:db8::7', trusted)).toBe('2001:db8::7');
    expect(clientAddress('10.1.2.3', 'garbage', trusted)).toBe('10.1.2.3');
    expect(clientAddress('10.1.2.3', '203.0.113.5', [])).toBe('10.1.2.3');
    expect(loadOriginConfig.bind(null, { TRUSTED_PROXIES: 'not-a-cidr' })).toThrow(/TRUSTED_PROXIES/);
  });
});

describe('management IP allowlists', () => {
  it('validates input: CIDRs only, bounded, 4xx never 5xx', async () => {
    for (const bad of [{ ...LISTS, session_cidrs: ['not-a-cidr'] }, { ...LISTS, api_key_cidrs: ['10.0.0.0/33'] }, { ...LISTS, session_cidrs: '203.0.113.0/24' }, { ...LISTS, extra: 1 }, { ...LISTS, session_cidrs: Array(101).fill('203.0.113.0/24') }]) {
      const res = await put(owner, bad, '203.0.113.5');
      expect(res.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
    }
  });

  it('refuses a change that would lock the requester out, naming the address', async () => {
    const body = await expectErrorShape(await put(owner, { ...LISTS, session_cidrs: ['10.0.0.0/8'] }, '203.0.113.5'), 400, 'bad_request');
    expect(String(body.detail)).toContain('203.0.113.5');
    expect(String(body.detail)).toContain('lock you out');
  });

  it('applies per credential: sessions and keys each inside their own list (IPv4 and IPv6)', async () => {
    const before = await head();
    const res = await put(owner, LISTS, '203.0.113.5');
    expect(res.status, await res.clone().text()).toBe(200);
    const rows = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.chain, chainOf(org)), gt(auditEvents.seq, before)));
    expect(rows.map((r) => r.action)).toEqual(['ip_allowlist.update']);
    expect(rows[0]!.metadata).toMatchObject({ after: { session_cidrs: ['203.0.113.0/24', '2001:db8::/32'] } });

    // Sessions.
    expect((await admin.request('GET', members(), undefined, from('203.0.113.77'))).status).toBe(200);
    expect((await admin.request('GET', members(), undefined, from('2001:db8:1234::1'))).status).toBe(200);
    await expectErrorShape(await admin.request('GET', members(), undefined, from('192.0.2.1')), 403, 'ip_blocked');
    await expectErrorShape(await admin.request('GET', members(), undefined, from('2001:db9::1')), 403, 'ip_blocked');
    // The key list is not the session list.
    await expectErrorShape(await admin.request('GET', members(), undefined, from('198.51.100.7')), 403, 'ip_blocked');

    // API keys: management and writes.
    expect((await keyed(adminKey, 'GET', `/v1/orgs/${org}/api-keys`, '198.51.100.7')).status).toBe(200);
    expect((await keyed(adminKey, 'GET', `/v1/orgs/${org}/api-keys`, '2001:db8:aa::9')).status).toBe(200);
    await expectErrorShape(await keyed(adminKey, 'GET', `/v1/orgs/${org}/api-keys`, '203.0.113.5'), 403, 'ip_blocked');
    await expectErrorShape(await keyed(adminKey, 'GET', `/v1/orgs/${org}/api-keys`, '2001:db8::1'), 403, 'ip_blocked');
    const page = { page_type: '*', slug: `allow-${Date.now()}`, title: 'T', fields: { a: 'x' } };
    await expectErrorShape(await keyed(writeKey, 'POST', '/v2/pages', '192.0.2.9', page), 403, 'ip_blocked');
    expect((await keyed(writeKey, 'POST', '/v2/pages', '198.51.100.8', page)).status).toBe(202);
    // Reads by key are not affected unless enforce_reads (then at the edge).
    expect((await keyed(writeKey, 'GET', '/v2/posts/', '192.0.2.9')).status).toBe(200);
    expect(await securityEvent('ip_allowlist_denied')).toBe(true);
  });

  it('ignores X-Forwarded-For from anyone but a trusted proxy', async () => {
    // The app without TRUSTED_PROXIES sees the socket (127.0.0.1), outside both lists, whatever the header claims.
    const spoof = await fetch(`${direct.url}${members()}`, { headers: { cookie: admin.cookie!, ...from('203.0.113.5') } });
    await expectErrorShape(spoof, 403, 'ip_blocked');
    const detail = (await expectErrorShape(await keyed(adminKey, 'GET', `/v1/orgs/${org}/api-keys`, '198.51.100.7', undefined, direct.url), 403, 'ip_blocked')).detail;
    expect(String(detail)).toContain('127.0.0.1');
  });

  it("honours the client address in the edge's signed assertion (and nothing unsigned)", async () => {
    const path = `/v2/manage/spaces/${space}/page_types`;
    const at = Date.now() / 1000;
    const inside = signAssertion(origin.secret, { keyId: previewKey.id, spaceId: space, kind: 'preview', clientIp: '198.51.100.20' }, 'GET', path, at);
    const outside = signAssertion(origin.secret, { keyId: previewKey.id, spaceId: space, kind: 'preview', clientIp: '192.0.2.20' }, 'GET', path, at);
    // Sent from the app that trusts no proxy: only the signed address can put the request inside.
    expect((await fetch(`${direct.url}${path}`, { headers: inside })).status).toBe(200);
    await expectErrorShape(await fetch(`${direct.url}${path}`, { headers: outside }), 403, 'ip_blocked');
    // A tampered address breaks the signature.
    await expectErrorShape(await fetch(`${direct.url}${path}`, { headers: { ...outside, [ASSERTION_HEADERS.clientIp]: '198.51.100.20' } }), 401, 'invalid_token');
  });

  it('break-glass: an owner with 2FA and a recent sign-in lifts the lists from anywhere; audited and raised', async () => {
    // Admins may not, and an owner without 2FA may not.
    await expectErrorShape(await admin.request('POST', `${allowlist()}/break-glass`, { reason: 'locked out' }, from('192.0.2.50')), 403, 'forbidden');
    await expectErrorShape(await owner.request('POST', `${allowlist()}/break-glass`, { reason: 'locked out' }, from('192.0.2.50')), 403, 'mfa_enrollment_required');
    await expectErrorShape(await owner.request('POST', `${allowlist()}/break-glass`, {}, from('192.0.2.50')), 400, 'bad_request');
    // The owner enrolls 2FA (from inside the session list), then is "locked out" at 192.0.2.50.
    const setup = (await (await owner.request('POST', '/v1/auth/2fa/setup', undefined, from('203.0.113.5'))).json()) as { data: { secret: string } };
    const confirm = await owner.request('POST', '/v1/auth/2fa/confirm', { code: totpCode(setup.data.secret, Date.now()) }, from('203.0.113.5'));
    expect(confirm.status).toBe(200);
    owner.csrf = ((await confirm.json()) as { data: { csrf_token: string } }).data.csrf_token;
    await expectErrorShape(await owner.request('GET', allowlist(), undefined, from('192.0.2.50')), 403, 'ip_blocked');
    const before = await head();
    const res = await owner.request('POST', `${allowlist()}/break-glass`, { reason: 'office network changed' }, from('192.0.2.50'));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ api_key_cidrs: [], session_cidrs: [] });
    const rows = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.chain, chainOf(org)), gt(auditEvents.seq, before)));
    expect(rows.map((r) => r.action)).toEqual(['ip_allowlist.break_glass']);
    expect(openAuditPersonal(rows[0]!).ip).toBe('192.0.2.50');
    expect(await securityEvent('ip_allowlist_break_glass')).toBe(true);
    expect((await admin.request('GET', members(), undefined, from('192.0.2.1'))).status).toBe(200);
    expect((await verifyAuditChain(origin.database.db, { organizationId: org })).ok).toBe(true);
  });

  it('reads too: key introspection carries the key list to the edge, and every change purges the cached key records', async () => {
    const introspect = async (token: string) => {
      const hash = createHash('sha256').update(token).digest('hex');
      const res = await fetch(`${origin.server.url}${INTROSPECT_PATH}?token_hash=${hash}`, { headers: signInternal(origin.secret, INTROSPECT_PURPOSE, hash, Date.now() / 1000) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: KeyIntrospection }).data;
    };
    expect((await introspect(writeKey)).read_cidrs).toBeUndefined();
    const [before] = await origin.database.db.select({ id: sql<number>`coalesce(max(${purgeOutbox.id}), 0)` }).from(purgeOutbox);
    const res = await put(owner, { ...LISTS, enforce_reads: true }, '203.0.113.5');
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await introspect(writeKey)).read_cidrs).toEqual(LISTS.api_key_cidrs);
    const purged = (await origin.database.db.select().from(purgeOutbox).where(gt(purgeOutbox.id, Number(before!.id)))).flatMap((r) => r.keys);
    const [keyRow] = await origin.database.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.name, 'allowlist write'));
    expect(purged).toContain(`key:${keyRow!.id}`);
    // Off again: the field disappears.
    expect((await put(owner, LISTS, '203.0.113.5')).status).toBe(200);
    expect((await introspect(writeKey)).read_cidrs).toBeUndefined();
  });

  it('reads too, end to end: the edge refuses a key read from outside the list and serves it from inside', async () => {
    const edge = await startTestEdge(origin);
    try {
      const slug = `edge-read-${Date.now()}`;
      expect((await keyed(writeKey, 'POST', '/v2/pages', '198.51.100.8', { page_type: '*', slug, title: 'T', fields: { a: 'x' }, status: 'published' })).status).toBe(202);
      const read = async () => {
        const k = await issueApiKey(origin.database.db, { organizationId: org, spaceId: space, kind: 'read', name: `edge reader ${Date.now()}` });
        return fetch(`${edge.url}/v2/pages/*/${slug}/?auth_token=${k.token}`);
      };
      expect((await read()).status).toBe(200);
      // The edge sees the test's loopback address: a list without it refuses key reads (fresh keys: nothing cached).
      expect((await put(owner, { ...LISTS, api_key_cidrs: ['10.0.0.0/8'], enforce_reads: true }, '203.0.113.5')).status).toBe(200);
      await expectErrorShape(await read(), 403, 'ip_blocked');
      expect((await put(owner, { ...LISTS, api_key_cidrs: ['127.0.0.0/8', '::1/128'], enforce_reads: true }, '203.0.113.5')).status).toBe(200);
      const k = await issueApiKey(origin.database.db, { organizationId: org, spaceId: space, kind: 'read', name: 'edge reader again' });
      // Twice: the second answer comes from the hit fast path (the key record and the page cached), with the same rule.
      for (let i = 0; i < 2; i++) expect((await fetch(`${edge.url}/v2/pages/*/${slug}/?auth_token=${k.token}`)).status).toBe(200);
      expect((await put(owner, LISTS, '203.0.113.5')).status).toBe(200);
    } finally {
      await edge.close();
    }
  });

  it('is managed by sessions only (no key kind carries allowlist.manage)', async () => {
    await expectErrorShape(await keyed(adminKey, 'PUT', allowlist(), '198.51.100.7', LISTS), 403, 'forbidden');
  });
});
