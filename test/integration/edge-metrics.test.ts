/**
 * The Node edge's metrics and logging (edge/node/metrics.ts, edge/platform/memory/logging.ts) in
 * front of a real origin: counters read back with prom-client's parser of the edge's registry
 * (getMetricsAsJSON) after real requests — a miss then a hit (fast path), WAF blocks by rule,
 * key refusals by reason, 429s; the metrics listener refuses scrapes without its bearer token and
 * is not on the edge's public listener; no API key in the exposition. LOG_LEVEL and ACCESS_LOG:
 * the per-request lines written under N requests are counted.
 */
import { randomBytes } from 'node:crypto';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../shared/api-key.js';
import { startNodeEdge, type RunningEdge } from '../../edge/node/server.js';
import type { EdgeLogLevel } from '../../edge/platform/memory/logging.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const TOKEN = randomBytes(32).toString('hex');
let origin: OriginUnderTest;
let edge: RunningEdge;

async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const families = (await edge.metrics!.registry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValue<string>>[];
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric family ${name}`);
  return family.values
    .filter((v) => ((v as { metricName?: string }).metricName ?? name) === name && Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${edge.url}${path}`, { headers });

beforeAll(async () => {
  origin = await startTestOrigin();
  edge = await startNodeEdge({
    originUrl: origin.server.url,
    secrets: { edge_shared_secret: origin.secret },
    // `other` (unknown paths) allows 3 requests per 10 s: the 4th is a 429.
    config: { https_only: 'false', rate_limits: JSON.stringify({ other: { ip: { rps: 0.3, window: 10 } } }) },
    log: () => {},
    metricsListener: { port: 0, token: TOKEN },
  });
}, 60_000);

afterAll(async () => {
  await edge?.close();
  await origin?.stop();
});

describe('edge counters', () => {
  // First: the `other` limit below is tight.
  it('the metrics are not on the edge’s public listener, token or not', async () => {
    await expectErrorShape(await get('/metrics'), 404, 'not_found');
    await expectErrorShape(await get('/metrics', { authorization: `Bearer ${TOKEN}` }), 404, 'not_found');
  });

  it('counts a miss, then hits served by the fast path, under the route class', async () => {
    const path = `/v2/pages/*/home/?locale=en&auth_token=${origin.seed.keys.read}`;
    const cached = (cache: string) => sample('ghee_edge_requests_total', { route: 'content', method: 'GET', status_class: '2xx', cache });
    const before = { miss: await cached('miss'), hit: await cached('hit') };
    expect((await get(path)).headers.get('x-cache')).toBe('MISS');
    for (let i = 0; i < 3; i++) expect((await get(path)).headers.get('x-cache')).toBe('HIT');
    expect(await cached('miss')).toBe(before.miss + 1);
    expect(await cached('hit')).toBe(before.hit + 3);
    const durations = (await edge.metrics!.registry.getMetricsAsJSON()).find((f) => f.name === 'ghee_edge_request_duration_seconds')!;
    const count = durations.values.find((v) => (v as { metricName?: string }).metricName === 'ghee_edge_request_duration_seconds_count' && v.labels.route === 'content');
    expect(count?.value).toBeGreaterThanOrEqual(4);
  });

  it('counts WAF blocks by rule and key refusals by reason', async () => {
    const waf = (rule: string) => sample('ghee_edge_waf_blocks_total', { rule });
    const refusal = (reason: string) => sample('ghee_edge_key_refusals_total', { reason });
    const before = { sqli: await waf('sqli-002'), missing: await refusal('missing'), malformed: await refusal('malformed'), unknown: await refusal('unknown'), preview: await refusal('preview_forbidden') };

    const blocked = await get(`/v2/pages/*/home/?auth_token=${origin.seed.keys.read}&q=${encodeURIComponent('1 union select password from users')}`);
    expect(blocked.headers.get('x-waf-rule')).toBe('sqli-002');
    expect(await waf('sqli-002')).toBe(before.sqli + 1);

    await expectErrorShape(await get('/v2/pages/*/home/'), 401, 'unauthenticated');
    await expectErrorShape(await get('/v2/pages/*/home/?auth_token=nope'), 401, 'invalid_token');
    await expectErrorShape(await get(`/v2/pages/*/home/?auth_token=${generateApiKey('read')}`), 401, 'invalid_token');
    await expectErrorShape(await get(`/v2/pages/*/home/?preview=1&auth_token=${origin.seed.keys.read}`), 403, 'forbidden');
    expect(await refusal('missing')).toBe(before.missing + 1);
    expect(await refusal('malformed')).toBe(before.malformed + 1);
    expect(await refusal('unknown')).toBe(before.unknown + 1);
    expect(await refusal('preview_forbidden')).toBe(before.preview + 1);
  });

  it('counts 429s by route class', async () => {
    const before = await sample('ghee_edge_rate_limited_total', { route: 'other' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(`/not-here-${i}`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(await sample('ghee_edge_rate_limited_total', { route: 'other' })).toBe(before + statuses.filter((s) => s === 429).length);
  });
});

describe('edge metrics listener', () => {
  const scrape = (headers: Record<string, string> = {}) => fetch(`${edge.metricsListener!.url}/metrics`, { headers });

  it('refuses a scrape without the bearer token (401 in the error shape) and serves the families with it', async () => {
    await expectErrorShape(await scrape(), 401, 'unauthenticated');
    await expectErrorShape(await scrape({ authorization: `Bearer ${TOKEN.slice(0, -1)}x` }), 401, 'unauthenticated');
    const ok = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    for (const family of ['ghee_edge_requests_total', 'ghee_edge_waf_blocks_total', 'ghee_edge_rate_limited_total', 'ghee_edge_key_refusals_total', 'ghee_edge_request_duration_seconds']) {
      expect(text).toContain(`# TYPE ${family}`);
    }
    expect(edge.metricsListener!.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('no key reaches a label', async () => {
    for (const key of Object.values(origin.seed.keys)) await get(`/v2/pages/*/home/?auth_token=${key}`);
    await get('/v2/pages/*/home/', { authorization: `Token ${origin.seed.keys.preview}` });
    const text = await (await scrape({ authorization: `Bearer ${TOKEN}` })).text();
    for (const secret of [...Object.values(origin.seed.keys), TOKEN, origin.secret]) expect(text.includes(secret)).toBe(false);
    expect(text).not.toMatch(/ghee_[a-z]+_[0-9A-Za-z]{8,}_[0-9A-Za-z]{6}/);
    expect(text).not.toContain('/v2/pages/');
  });
});

describe('LOG_LEVEL and ACCESS_LOG', () => {
  const N = 40;

  async function linesUnder(logLevel: EdgeLogLevel, accessLog: string | undefined): Promise<{ request: number; warn: number; total: number }> {
    const lines: { level: string; message: string }[] = [];
    const counted = await startNodeEdge({
      originUrl: origin.server.url,
      secrets: { edge_shared_secret: origin.secret },
      config: { https_only: 'false' },
      logLevel,
      ...(accessLog ? { accessLog } : {}),
      log: (level, message) => lines.push({ level, message }),
    });
    try {
      const path = `/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`;
      for (let i = 0; i < N; i++) expect((await fetch(`${counted.url}${path}`)).status).toBe(200);
      // One WAF block: a warn line.
      await fetch(`${counted.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}&q=${encodeURIComponent('<script>alert(1)</script>')}`);
    } finally {
      await counted.close();
    }
    return { request: lines.filter((l) => l.message === 'request').length, warn: lines.filter((l) => l.level === 'warn').length, total: lines.length };
  }

  it(`LOG_LEVEL=warn: no per-request line under ${N} requests, whatever ACCESS_LOG says; warnings still written`, async () => {
    const warn = await linesUnder('warn', 'all');
    expect(warn.request).toBe(0);
    expect(warn.warn).toBe(1);
    expect(warn.total).toBe(1);
  });

  it('LOG_LEVEL=info: ACCESS_LOG all writes every request, sample:0.1 one in ten, off none, and the default 1 %', async () => {
    expect((await linesUnder('info', 'all')).request).toBe(N + 1);
    expect((await linesUnder('info', 'sample:0.1')).request).toBe(Math.ceil((N + 1) / 10));
    expect((await linesUnder('info', 'off')).request).toBe(0);
    expect((await linesUnder('info', undefined)).request).toBe(1); // sample:0.01: the first of every hundred
  });
});
