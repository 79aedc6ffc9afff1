/**
 * SSO sign-in admission over real HTTP (origin/identity/sso/admission.ts, wired in routes.ts):
 * with a low SSO_SIGN_IN_RATE a burst of OpenID Connect sign-ins all succeed, spread out at the
 * rate; a step that cannot be admitted within SSO_SIGN_IN_MAX_WAIT_MS is answered 503 in the one
 * error shape with Retry-After and does nothing (no session, no audit row, its state still
 * usable: the same callback succeeds once the surge is over); a connection's surge does not
 * hold another connection's sign-ins; unknown connections and garbage states still get their
 * 404 / 400. The identity providers are crafted OPs on loopback (test/helpers/sso.ts) whose token
 * endpoint the test can hold, so a connection's in-flight places stay taken as long as it needs.
 * The admission's metrics (ghee_sso_admission_*: waiting, admitted, refused by reason) move with
 * what the requests met — refusals write no audit row, so these are their only record.
 */
import { count, eq } from 'drizzle-orm';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, sessions, ssoDomains } from '../../origin/db/schema/index.js';
import { unwrap } from '../../origin/http/result.js';
import { createOidcConnection } from '../../origin/identity/sso/connections.js';
import { addDomain, verifyDomain, VERIFICATION_PREFIX } from '../../origin/identity/sso/domains.js';
import { START_COST } from '../../origin/identity/sso/admission.js';
import { SIGN_IN_CONCURRENCY } from '../../origin/identity/sso/routes.js';
import { originRegistry } from '../../origin/ops/metrics/registry.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { Browser, freePort, signRs256, startCraftedOp, type CraftedOp } from '../helpers/sso.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const RATE = 4; // sign-in units per second: one sign-in (start + callback) every 250 ms
const MAX_WAIT_MS = 2000; // so 8 units may wait per connection
const SESSION = '__Host-ghee_session';

let origin: OriginUnderTest;
let base: string;
let op: CraftedOp;
let otherOp: CraftedOp;
let connectionId: string;
let otherId: string;

async function connection(issuer: string, clientId: string, clientSecret: string, domain: string): Promise<string> {
  const db = origin.database.db;
  const actor = { userId: null, keyId: null, system: 'operator' as const, organizationId: origin.seed.organizationId };
  const row = unwrap(await createOidcConnection(db, origin.envelope, actor, { protocol: 'oidc', name: domain, issuer, client_id: clientId, client_secret: clientSecret }));
  const d = unwrap(await addDomain(db, actor, { domain, connectionId: row.id }));
  const [stored] = await db.select().from(ssoDomains).where(eq(ssoDomains.id, d.id));
  unwrap(await verifyDomain(db, actor, d.id, async () => [`${VERIFICATION_PREFIX}${stored!.verificationToken}`], new Date()));
  return row.id;
}

/** The process's sample of a metric family (summed over the samples whose labels match). */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const families = (await originRegistry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValue<string>>[];
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric family ${name}`);
  return family.values
    .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Starts a sign-in and follows the OP's redirect: the browser and the callback URL, not yet requested. */
async function upToCallback(id: string, b = new Browser()): Promise<{ b: Browser; callback: string }> {
  const start = await b.request(`${base}/v1/auth/sso/login/${id}`);
  expect(start.status, await start.clone().text()).toBe(302);
  const step = await b.follow(start.headers.get('location')!, { stopAt: (u) => u.href.startsWith(`${base}/`) });
  return { b, callback: step.url };
}

async function signIn(id: string): Promise<{ res: Response; b: Browser }> {
  const { b, callback } = await upToCallback(id);
  return { res: await b.request(callback), b };
}

/** What sign-ins through a connection wrote: its sessions and its sso.login audit rows (success or failure). */
const written = async (id: string) => ({
  sessions: (await origin.database.db.select({ n: count() }).from(sessions).where(eq(sessions.ssoConnectionId, id)))[0]!.n,
  audit: (await origin.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'sso.login'))).filter((r) => (r.metadata as { connection_id?: string }).connection_id === id).length,
});

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  op = await startCraftedOp();
  otherOp = await startCraftedOp();
  op.claims = { email: 'eve@surge.test', email_verified: true };
  otherOp.claims = { email: 'bob@calm.test', email_verified: true };
  origin = await startTestOrigin({
    ORIGIN_PORT: String(port),
    PUBLIC_APP_URL: base,
    SSO_ALLOW_LOOPBACK: 'true',
    SSO_SIGN_IN_RATE: String(RATE),
    SSO_SIGN_IN_MAX_WAIT_MS: String(MAX_WAIT_MS),
  });
  connectionId = await connection(op.issuer, op.clientId, op.clientSecret, 'surge.test');
  otherId = await connection(otherOp.issuer, otherOp.clientId, otherOp.clientSecret, 'calm.test');
  // The first sign-in of each reads the OP's discovery document; later ones use the cache.
  for (const id of [connectionId, otherId]) expect((await signIn(id)).res.status).toBe(302);
  // Let the bucket fill again.
  await new Promise((r) => setTimeout(r, 1000));
}, 60_000);

afterAll(async () => {
  await origin?.stop();
  await op?.close();
  await otherOp?.close();
});

describe('SSO sign-in admission', () => {
  it('a burst of sign-ins all succeed, spread out at SSO_SIGN_IN_RATE', async () => {
    const n = 6;
    const t0 = performance.now();
    const startsAt: number[] = [];
    const results = await Promise.all(
      Array.from({ length: n }, async () => {
        const b = new Browser();
        const start = await b.request(`${base}/v1/auth/sso/login/${connectionId}`);
        startsAt.push(performance.now() - t0);
        expect(start.status).toBe(302);
        const step = await b.follow(start.headers.get('location')!, { stopAt: (u) => u.href.startsWith(`${base}/`) });
        const res = await b.request(step.url);
        return { status: res.status, session: b.cookie(base, SESSION) };
      }),
    );
    const elapsed = performance.now() - t0;
    for (const r of results) {
      expect(r.status).toBe(302);
      expect(r.session).toBeTruthy();
    }
    // n sign-ins are n units; the bucket holds one: the rest come at RATE units per second.
    expect(elapsed).toBeGreaterThanOrEqual(((n - 1) / RATE) * 1000 - 50);
    // The starts were let in no faster than the rate allows.
    startsAt.sort((a, b) => a - b);
    startsAt.forEach((at, k) => expect(at).toBeGreaterThanOrEqual((((k + 1) * START_COST - 1) / RATE) * 1000 - 50));
  });

  it("a step not admitted in time is answered 503 + Retry-After and does nothing; another connection's sign-ins go on", async () => {
    // A browser gets as far as the callback before the surge.
    const late = await upToCallback(connectionId);
    // The surge: SIGN_IN_CONCURRENCY sign-ins whose code redemption the OP holds — every place of the connection taken.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let atTokenEndpoint = 0;
    op.craft = async (claims, k) => {
      atTokenEndpoint++;
      await held;
      return signRs256(claims, k);
    };
    const surge = Array.from({ length: SIGN_IN_CONCURRENCY }, () => signIn(connectionId));
    for (let i = 0; i < 200 && atTokenEndpoint < SIGN_IN_CONCURRENCY; i++) await new Promise((r) => setTimeout(r, 25));
    expect(atTokenEndpoint).toBe(SIGN_IN_CONCURRENCY);
    const before = await written(connectionId);
    const otherBefore = await written(otherId);
    const refusedBefore = { full: await metric('ghee_sso_admission_refused_total', { reason: 'full' }), timeout: await metric('ghee_sso_admission_refused_total', { reason: 'timeout' }) };
    const admittedBefore = await metric('ghee_sso_admission_admitted_total');

    // The late callback waits for a place MAX_WAIT_MS (the waiting gauge shows it), then: 503, the one error shape, Retry-After.
    const t0 = performance.now();
    const lateAnswer = late.b.request(late.callback);
    let waitingSeen = 0;
    for (let i = 0; i < 40 && waitingSeen === 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      waitingSeen = await metric('ghee_sso_admission_waiting');
    }
    expect(waitingSeen).toBe(1);
    const refusedCallback = await lateAnswer;
    expect(await metric('ghee_sso_admission_waiting')).toBe(0);
    expect(await metric('ghee_sso_admission_refused_total', { reason: 'timeout' })).toBe(refusedBefore.timeout + 1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(MAX_WAIT_MS - 50);
    expect(Number(refusedCallback.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await expectErrorShape(refusedCallback, 503, 'unavailable');
    expect(late.b.cookie(base, SESSION)).toBeUndefined();

    // Meanwhile another connection's sign-in goes through at once.
    const calm = await signIn(otherId);
    expect(calm.res.status).toBe(302);
    expect(calm.b.cookie(base, SESSION)).toBeTruthy();

    // More starts than MAX_WAIT_MS at RATE can serve (8 units): the rest are refused at once.
    const fit = Math.floor((RATE * MAX_WAIT_MS) / 1000 / START_COST);
    const t1 = performance.now();
    const starts = Array.from({ length: fit + 8 }, async () => {
      const res = await fetch(`${base}/v1/auth/sso/login/${connectionId}`, { redirect: 'manual' });
      return { status: res.status, at: performance.now() - t1, retryAfter: res.headers.get('retry-after'), body: await res.text() };
    });
    const firstRefusals = await Promise.race(starts.map((p) => p.then((r) => (r.status === 503 ? r : new Promise<never>(() => {})))));
    expect(firstRefusals.at).toBeLessThan(MAX_WAIT_MS / 2);
    expect(Number(firstRefusals.retryAfter)).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(firstRefusals.body)).toMatchObject({ code: 'unavailable' });

    // Nothing written by the refused steps (the surge's held sign-ins have not reached their login step either);
    // the calm connection's sign-in wrote its session and its audit row.
    expect(await written(connectionId)).toEqual(before);
    expect(await written(otherId)).toEqual({ sessions: otherBefore.sessions + 1, audit: otherBefore.audit + 1 });

    // The surge ends: its sign-ins complete; every start answered 302 or 503, nothing else.
    release();
    op.craft = null;
    for (const r of await Promise.all(surge)) expect(r.res.status).toBe(302);
    const answered = await Promise.all(starts);
    expect(answered.every((r) => r.status === 302 || r.status === 503)).toBe(true);
    expect(answered.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(8);
    // Each refused start counted as `full`, each admitted step (the calm sign-in's two, the admitted starts) as admitted.
    expect(await metric('ghee_sso_admission_refused_total', { reason: 'full' })).toBe(refusedBefore.full + answered.filter((r) => r.status === 503).length);
    expect(await metric('ghee_sso_admission_admitted_total')).toBeGreaterThanOrEqual(admittedBefore + 2 + answered.filter((r) => r.status === 302).length);

    // The refused callback consumed nothing: the same callback signs in now.
    const retried = await late.b.request(late.callback);
    expect(retried.status, await retried.clone().text()).toBe(302);
    expect(late.b.cookie(base, SESSION)).toBeTruthy();
  });

  it('an unknown connection and a garbage state still get their 404 and 400 (through the shared queue)', async () => {
    await expectErrorShape(await fetch(`${base}/v1/auth/sso/login/${crypto.randomUUID()}`, { redirect: 'manual' }), 404, 'not_found');
    await expectErrorShape(await fetch(`${base}/v1/auth/sso/login/not-a-uuid`, { redirect: 'manual' }), 404, 'not_found');
    const garbage = `${crypto.randomUUID()}.${'x'.repeat(43)}`;
    await expectErrorShape(await fetch(`${base}/v1/auth/sso/oidc/callback?code=c&state=${garbage}`, { redirect: 'manual' }), 400, 'bad_request');
  });
});
