/**
 * The origin's Prometheus metrics (origin/ops/metrics) against a real origin over a real
 * database: values read back with prom-client's own parser of its registry
 * (getMetricsAsJSON) after real requests — a failed sign-in counted with its reason, the
 * captcha's life (required, issued, failed, solved), a success; page reads by the fast path and
 * the chain under the route pattern, never the raw path; query timing; the queue gauges — and
 * the scrape endpoints: the listener refuses without the bearer token (401 in the error shape),
 * the API port serves /metrics only with METRICS_TOKEN set and its bearer; no demo key, session
 * token or password anywhere in the exposition.
 */
import { randomBytes } from 'node:crypto';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveChallengeForTests, type CaptchaChallenge } from '../../origin/identity/accounts/captcha.js';
import { createLogger } from '../../origin/logger.js';
import { startMetricsListener, type RunningMetricsListener } from '../../origin/ops/routes.js';
import { originRegistry } from '../../origin/ops/metrics/registry.js';
import { purgeOutbox } from '../../origin/db/schema/index.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, GOOD_PASSWORD, SessionClient } from '../helpers/identity.js';
import { LogSink, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const TOKEN = randomBytes(32).toString('hex');
let origin: OriginUnderTest;
/** An origin of its own for failed sign-ins (from one address, they would make every later sign-in on `origin` ask for a captcha). */
let signIns: OriginUnderTest;
let listener: RunningMetricsListener;

/** The sample of `name` (or of its `_count`/`_sum`/`_bucket` series) whose labels include `labels`; 0 when there is none. */
async function sample(name: string, labels: Record<string, string>, series = name): Promise<number> {
  const families = (await originRegistry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValue<string>>[];
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric family ${name}`);
  const found = family.values.filter(
    (v) => ((v as { metricName?: string }).metricName ?? name) === series && Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
  );
  return found.reduce((sum, v) => sum + v.value, 0);
}


async function scrape(headers: Record<string, string> = {}, path = '/metrics'): Promise<Response> {
  return fetch(`${listener.url}${path}`, { headers });
}

beforeAll(async () => {
  signIns = await startTestOrigin({ LOGIN_CAPTCHA_AFTER: '3' });
  // Built last: the queue gauges read the database of the app built last in a process.
  origin = await startTestOrigin({ METRICS_TOKEN: TOKEN });
  listener = (await startMetricsListener({ METRICS_PORT: 0, METRICS_HOST: '127.0.0.1', METRICS_TOKEN: TOKEN }, createLogger('silent', new LogSink()), { anyPort: true }))!;
}, 60_000);

afterAll(async () => {
  await listener?.close();
  await origin?.stop();
  await signIns?.stop();
});

describe('sign-in outcomes', () => {
  const login = (body: Record<string, unknown>) =>
    fetch(`${signIns.server.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('counts a failed sign-in with its reason, the captcha it then needs (required, issued, failed, solved) and the success', async () => {
    const user = await createUser(signIns, null, null);
    const logins = (outcome: string, reason: string) => sample('ghee_logins_total', { outcome, reason });
    const captchas = (event: string, reason = 'none') => sample('ghee_captchas_total', { event, reason });
    const before = {
      unknown: await logins('failure', 'unknown_account'),
      bad: await logins('failure', 'bad_password'),
      required: await logins('refused', 'captcha_required'),
      success: await logins('success', 'none'),
      captchaRequired: await captchas('required'),
      issued: await captchas('issued'),
      malformed: await captchas('failed', 'malformed'),
      solved: await captchas('solved'),
    };

    expect((await login({ email: `nobody-${randomBytes(4).toString('hex')}@example.com`, password: 'Wrong-Password-1!' })).status).toBe(401);
    expect(await logins('failure', 'unknown_account')).toBe(before.unknown + 1);

    for (let i = 0; i < 2; i++) expect((await login({ email: user.email, password: 'Wrong-Password-1!' })).status).toBe(401);
    expect(await logins('failure', 'bad_password')).toBe(before.bad + 2);

    // Three failures from this address: the next sign-in needs a captcha (a refusal without evidence, counted by the error renderer).
    const refused = await login({ email: user.email, password: user.password });
    await expectErrorShape(refused, refused.status, 'captcha_required');
    expect(await logins('refused', 'captcha_required')).toBe(before.required + 1);
    expect(await captchas('required')).toBe(before.captchaRequired + 1);

    const challenge = (await (await fetch(`${signIns.server.url}/v1/auth/captcha`)).json()) as CaptchaChallenge;
    expect(await captchas('issued')).toBe(before.issued + 1);

    await expectErrorShape(await login({ email: user.email, password: user.password, captcha: 'not-a-solution' }), refused.status, 'captcha_required');
    expect(await captchas('failed', 'malformed')).toBe(before.malformed + 1);

    const session = new SessionClient(signIns.server.url);
    await session.login(user.email, user.password, { captcha: await solveChallengeForTests(challenge) });
    expect(await captchas('solved')).toBe(before.solved + 1);
    expect(await logins('success', 'none')).toBe(before.success + 1);
  }, 60_000);
});

describe('HTTP requests', () => {
  it('labels page reads (fast path and chain) by the route pattern, never the raw path, slug or key', async () => {
    const route = '/v2/pages/:pageType/:slug';
    const ok = { route, method: 'GET', status_class: '2xx' };
    const before = await sample('ghee_http_request_duration_seconds', ok, 'ghee_http_request_duration_seconds_count');
    for (let i = 0; i < 3; i++) expect((await fetch(`${origin.server.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`)).status).toBe(200);
    // levels=1 is not plain: the chain answers it.
    expect((await fetch(`${origin.server.url}/v2/pages/*/home/?levels=1&auth_token=${origin.seed.keys.read}`)).status).toBe(200);
    expect(await sample('ghee_http_request_duration_seconds', ok, 'ghee_http_request_duration_seconds_count')).toBe(before + 4);

    const notFound = await sample('ghee_http_request_duration_seconds', { route: 'other', status_class: '4xx' }, 'ghee_http_request_duration_seconds_count');
    expect((await fetch(`${origin.server.url}/no/such/path/${randomBytes(8).toString('hex')}`)).status).toBe(404);
    expect(await sample('ghee_http_request_duration_seconds', { route: 'other', status_class: '4xx' }, 'ghee_http_request_duration_seconds_count')).toBe(notFound + 1);

    const families = await originRegistry.getMetricsAsJSON();
    const routes = new Set(families.find((f) => f.name === 'ghee_http_request_duration_seconds')!.values.map((v) => String(v.labels.route)));
    for (const r of routes) expect(r === 'other' || /^\/[A-Za-z0-9_/:.-]*$/.test(r), r).toBe(true);
    expect([...routes].some((r) => r.includes('home') || r.includes('no/such'))).toBe(false);
  });

  it('times database queries and reports the queues: purge outbox depth and age', async () => {
    const queries = await sample('ghee_db_query_duration_seconds', { outcome: 'ok' }, 'ghee_db_query_duration_seconds_count');
    const [row] = await origin.database.db
      .insert(purgeOutbox)
      .values({ keys: ['metrics-test'], createdAt: new Date(Date.now() - 120_000) })
      .returning({ id: purgeOutbox.id });
    expect(await sample('ghee_db_query_duration_seconds', { outcome: 'ok' }, 'ghee_db_query_duration_seconds_count')).toBeGreaterThan(queries);
    expect(await sample('ghee_purge_outbox_depth', {})).toBeGreaterThanOrEqual(1);
    expect(await sample('ghee_purge_outbox_oldest_age_seconds', {})).toBeGreaterThanOrEqual(119);
    expect(await sample('ghee_db_pool_max', {})).toBeGreaterThanOrEqual(1);
    expect(row).toBeDefined();
  });
});

describe('scrape endpoints', () => {
  it('the listener refuses a scrape without the bearer token, or with another (401 in the error shape)', async () => {
    const none = await scrape();
    await expectErrorShape(none, 401, 'unauthenticated');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    await expectErrorShape(await scrape({ authorization: `Bearer ${'x'.repeat(64)}` }), 401, 'unauthenticated');
    await expectErrorShape(await scrape({ authorization: `Basic ${TOKEN}` }), 401, 'unauthenticated');
    await expectErrorShape(await scrape({ authorization: `Bearer ${TOKEN}` }, '/other'), 404, 'not_found');
    const ok = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    expect(await ok.text()).toContain('# TYPE ghee_logins_total counter');
  });

  it('the API port serves /metrics only with METRICS_TOKEN set and its bearer; without a token it is not there at all', async () => {
    await expectErrorShape(await fetch(`${origin.server.url}/metrics`), 401, 'unauthenticated');
    await expectErrorShape(await fetch(`${origin.server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } }), 401, 'unauthenticated');
    const ok = await fetch(`${origin.server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('ghee_http_request_duration_seconds_bucket');

    const plain = await startTestOrigin();
    try {
      await expectErrorShape(await fetch(`${plain.server.url}/metrics`), 404, 'not_found');
      await expectErrorShape(await fetch(`${plain.server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }), 404, 'not_found');
    } finally {
      await plain.stop();
    }
  }, 60_000);

  it('no demo key, session token or password appears anywhere in the exposition after they were used', async () => {
    const user = await createUser(origin, null, null);
    const session = new SessionClient(origin.server.url);
    await session.login(user.email, user.password);
    expect((await session.request('GET', '/v1/auth/session')).status).toBeLessThan(500);
    for (const key of Object.values(origin.seed.keys)) await fetch(`${origin.server.url}/v2/pages/*/home/?auth_token=${key}`);
    await fetch(`${origin.server.url}/v2/pages/*/home/`, { headers: { authorization: `Token ${origin.seed.keys.read}` } });
    const text = await (await scrape({ authorization: `Bearer ${TOKEN}` })).text();
    const sessionToken = session.cookie!.split('=')[1]!;
    const secrets = [...Object.values(origin.seed.keys), sessionToken, session.csrf!, user.password, GOOD_PASSWORD, user.email, TOKEN, origin.secret];
    for (const secret of secrets) expect(text.includes(secret), `a secret in the exposition: ${secret.slice(0, 6)}…`).toBe(false);
    // any API key (shared/api-key.ts's shape: kind, 32 random characters, checksum — a metric name like
    // ghee_sso_admission_refused_total has the prefix but not the shape)
    expect(text).not.toMatch(/ghee_(read|preview|write|admin)_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}/);
  });
});
