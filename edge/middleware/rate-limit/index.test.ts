import { describe, it, expect, vi } from 'vitest';
import { Hono } from 'hono';
import { generateApiKey, hashApiKey } from '../../../shared/api-key.js';
import { edgeConfigSchema } from '../../config.js';
import type { EdgeEnv } from '../../env.js';
import { errorResponse } from '../../errors.js';
import { createNodePlatform, type NodePlatform } from '../../platform/memory/platform.js';
import type { LogLevel } from '../../platform/port.js';
import { clientEntry, counterName, penaltyBoxName, rateLimit } from './index.js';

const IP_A = '198.51.100.7';
const IP_B = '198.51.100.8';
const RATE_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy'] as const;

interface LogLine {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown> | undefined;
}

interface Harness {
  app: Hono<EdgeEnv>;
  platform: NodePlatform;
  logs: LogLine[];
  /** Requests that reached a handler, by path. */
  hits: Map<string, number>;
  advance(seconds: number): void;
  /** Every (method, args) call made on the rate counters. */
  calls: [string, unknown[]][];
}

/** An app with the rate limiter between a context-setting middleware and counting handlers. */
function setup(limits: Record<string, unknown>): Harness {
  let clock = 1_700_000_000_000;
  const logs: LogLine[] = [];
  const platform = createNodePlatform({
    originUrl: 'http://127.0.0.1:9',
    now: () => clock,
    log: (level, message, fields) => logs.push({ level, message, fields }),
  });
  const calls: [string, unknown[]][] = [];
  for (const method of ['increment', 'rate', 'count', 'inPenaltyBox', 'addToPenaltyBox'] as const) {
    const original = platform.rates[method].bind(platform.rates) as (...args: unknown[]) => unknown;
    vi.spyOn(platform.rates, method).mockImplementation(((...args: unknown[]) => {
      calls.push([method, args]);
      return original(...args);
    }) as never);
  }
  const config = edgeConfigSchema.parse({ edge_shared_secret: 'x'.repeat(32), rate_limits: JSON.stringify(limits) });
  const hits = new Map<string, number>();
  let seq = 0;

  const app = new Hono<EdgeEnv>();
  app.use('*', async function context(c, next) {
    c.set('platform', platform);
    c.set('config', config);
    c.set('requestId', `req-${String(++seq).padStart(8, '0')}`);
    await next();
  });
  app.use('*', rateLimit());
  app.get('/redirect', () => Response.redirect('https://example.com/elsewhere', 302));
  app.get('/boom', () => {
    throw new Error('kaboom');
  });
  app.all('*', (c) => {
    const path = new URL(c.req.url).pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    return c.json({ ok: true });
  });
  app.onError((_err, c) => errorResponse('internal_error', 'Internal server error.', c.get('requestId')));
  return { app, platform, logs, hits, calls, advance: (s) => (clock += Math.round(s * 1000)) };
}

interface Send {
  ip?: string | undefined;
  token?: string;
  via?: 'header' | 'query';
  method?: string;
}

async function send(h: Harness, path: string, opts: Send = {}): Promise<Response> {
  let url = `http://edge.test${path}`;
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) {
    if (opts.via === 'query') url += `${path.includes('?') ? '&' : '?'}auth_token=${encodeURIComponent(opts.token)}`;
    else headers.authorization = `Token ${opts.token}`;
  }
  const env = 'ip' in opts ? (opts.ip === undefined ? undefined : { clientIp: opts.ip }) : { clientIp: IP_A };
  return h.app.request(url, { method: opts.method ?? 'GET', headers }, env);
}

async function sendMany(h: Harness, n: number, path: string, opts: Send = {}): Promise<Response[]> {
  const out: Response[] = [];
  for (let i = 0; i < n; i++) out.push(await send(h, path, opts));
  return out;
}

function rateHeaders(res: Response): Record<string, string | null> {
  return Object.fromEntries(RATE_HEADERS.map((n) => [n, res.headers.get(n)]));
}

const countersUsed = (h: Harness) => new Set(h.calls.filter(([m]) => m === 'increment').map(([, a]) => String(a[0])));
const rateLimitedLogs = (h: Harness) => h.logs.filter((l) => l.message === 'rate limited');

describe('rateLimit: allowed requests', () => {
  it('under the limit passes, with RateLimit headers counting down', async () => {
    const h = setup({ content: { ip: { rps: 0.5, window: 10 } } });
    const res = await sendMany(h, 5, '/v2/pages/');
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(rateHeaders(res[0]!)).toEqual({ 'ratelimit-limit': '5', 'ratelimit-remaining': '4', 'ratelimit-reset': '10', 'ratelimit-policy': '5;w=10' });
    expect(res.map((r) => r.headers.get('ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
    expect(res.some((r) => r.headers.has('retry-after'))).toBe(false);
    expect(h.hits.get('/v2/pages/')).toBe(5);
    expect(rateLimitedLogs(h)).toEqual([]);
  });

  it('sets the headers on a response whose headers are immutable', async () => {
    const h = setup({ other: { ip: { rps: 1, window: 10 } } });
    const res = await send(h, '/redirect');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.com/elsewhere');
    expect(rateHeaders(res)).toEqual({ 'ratelimit-limit': '10', 'ratelimit-remaining': '9', 'ratelimit-reset': '10', 'ratelimit-policy': '10;w=10' });
  });

  it('sets the headers on an error produced downstream', async () => {
    const h = setup({});
    const res = await send(h, '/boom');
    expect(res.status).toBe(500);
    expect(res.headers.get('ratelimit-policy')).toBe('100;w=10');
  });

  it('a window passing frees the quota again', async () => {
    const h = setup({ content: { ip: { rps: 0.3, window: 10 } } });
    await sendMany(h, 3, '/v2/posts/');
    h.advance(10);
    const res = await send(h, '/v2/posts/');
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-remaining')).toBe('2');
  });
});

describe('rateLimit: refused requests', () => {
  it('over the limit → 429 in the error shape with Retry-After, the handler not reached', async () => {
    const h = setup({ penalty_box_ttl: 90, content: { ip: { rps: 0.5, window: 10 } } });
    await sendMany(h, 5, '/v2/pages/');
    const res = await send(h, '/v2/pages/');
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('retry-after')).toBe('90');
    expect(rateHeaders(res)).toEqual({ 'ratelimit-limit': '5', 'ratelimit-remaining': '0', 'ratelimit-reset': '90', 'ratelimit-policy': '5;w=10' });
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'request_id']);
    expect(body).toEqual({ detail: 'Request was throttled. Expected available in 90 seconds.', code: 'rate_limited', request_id: 'req-00000006' });
    expect(h.hits.get('/v2/pages/')).toBe(5);
    expect(rateLimitedLogs(h)).toEqual([
      {
        level: 'warn',
        message: 'rate limited',
        fields: { request_id: 'req-00000006', class: 'content', scope: 'ip', ip: IP_A, penalised: true, policy: '5;w=10' },
      },
    ]);
  });

  it('the penalty box keeps blocking until its TTL has passed, then allows', async () => {
    const h = setup({ penalty_box_ttl: 120, content: { ip: { rps: 0.5, window: 10 } } });
    await sendMany(h, 5, '/v2/pages/');
    expect((await send(h, '/v2/pages/')).status).toBe(429); // penalised now, for 120 s
    expect(h.calls.filter(([m]) => m === 'addToPenaltyBox')).toEqual([['addToPenaltyBox', [penaltyBoxName('content', 'ip'), IP_A, 120]]]);

    h.advance(11); // the rate window has long passed, but the box holds
    const boxed = await send(h, '/v2/pages/');
    expect(boxed.status).toBe(429);
    expect(boxed.headers.get('retry-after')).toBe('120');
    h.advance(108.999);
    expect((await send(h, '/v2/pages/')).status).toBe(429);
    expect(rateLimitedLogs(h).map((l) => l.fields?.penalised)).toEqual([true, false, false]);
    expect(h.calls.filter(([m]) => m === 'addToPenaltyBox')).toHaveLength(1); // not re-added while boxed

    h.advance(0.001); // exactly 120 s after the penalty
    const after = await send(h, '/v2/pages/');
    expect(after.status).toBe(200);
    expect(after.headers.get('ratelimit-remaining')).toBe('3'); // the last refused request still counts
    expect(h.hits.get('/v2/pages/')).toBe(6);
  });

  it('a client that keeps hammering through the box is penalised again when it ends', async () => {
    const h = setup({ penalty_box_ttl: 60, content: { ip: { rps: 0.5, window: 10 } } });
    await sendMany(h, 6, '/v2/pages/');
    h.advance(55);
    await sendMany(h, 10, '/v2/pages/'); // refused (boxed) but counted
    h.advance(5);
    expect((await send(h, '/v2/pages/')).status).toBe(429);
    expect(h.calls.filter(([m]) => m === 'addToPenaltyBox')).toHaveLength(2);
  });

  it('a 1 s window refuses within the second, and a 1 s box lets go a second later', async () => {
    const h = setup({ penalty_box_ttl: 1, assets: { ip: { rps: 2, window: 1 } } });
    const res = await sendMany(h, 3, '/assets/s1/a1/logo.png');
    expect(res.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(res[0]!.headers.get('ratelimit-policy')).toBe('2;w=1');
    expect(res[1]!.headers.get('ratelimit-reset')).toBe('1');
    expect(res[2]!.headers.get('retry-after')).toBe('1');
    h.advance(1);
    expect((await send(h, '/assets/s1/a1/logo.png')).status).toBe(200);
  });

  it('a 60 s window counts a minute', async () => {
    const h = setup({ other: { ip: { rps: 0.05, window: 60 } } }); // 3 a minute
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await send(h, '/somewhere')).status);
      h.advance(15);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('rateLimit: per client IP', () => {
  it('another IP is unaffected by one IP going over', async () => {
    const h = setup({ content: { ip: { rps: 0.2, window: 10 } } });
    await sendMany(h, 2, '/v2/pages/', { ip: IP_A });
    expect((await send(h, '/v2/pages/', { ip: IP_A })).status).toBe(429);
    const other = await send(h, '/v2/pages/', { ip: IP_B });
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('1');
  });

  it('counts requests without a client address under "unknown"', async () => {
    const h = setup({ content: { ip: { rps: 0.2, window: 10 } } });
    const res = await sendMany(h, 3, '/v2/pages/', { ip: undefined });
    expect(res.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(rateLimitedLogs(h)[0]?.fields).toMatchObject({ ip: 'unknown', scope: 'ip' });
    expect(h.calls).toContainEqual(['increment', [counterName('content', 'ip'), 'unknown', 1]]);
  });

  it('counts IPv6 clients per /64, and IPv4-mapped addresses as IPv4', async () => {
    const h = setup({ content: { ip: { rps: 0.2, window: 10 } } });
    expect((await send(h, '/v2/pages/', { ip: '2001:db8:1:2::1' })).status).toBe(200);
    expect((await send(h, '/v2/pages/', { ip: '2001:db8:1:2:ffff:ffff:ffff:ffff' })).status).toBe(200);
    expect((await send(h, '/v2/pages/', { ip: '2001:db8:1:2::abcd' })).status).toBe(429);
    expect((await send(h, '/v2/pages/', { ip: '2001:db8:1:3::1' })).status).toBe(200);
    expect((await send(h, '/v2/pages/', { ip: '::ffff:198.51.100.7' })).status).toBe(200);
    expect((await send(h, '/v2/pages/', { ip: IP_A })).status).toBe(200);
    expect((await send(h, '/v2/pages/', { ip: IP_A })).status).toBe(429);
  });

  it.each([
    [undefined, 'unknown'],
    ['', 'unknown'],
    ['198.51.100.7', '198.51.100.7'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['not an address', 'not an address'],
    ['x'.repeat(300), 'x'.repeat(64)],
  ])('clientEntry(%j) = %j', (ip, entry) => {
    expect(clientEntry(ip)).toBe(entry);
  });
});

describe('rateLimit: per API key', () => {
  it('the same key from many IPs is limited by the key limit', async () => {
    const h = setup({ content: { ip: { rps: 0.5, window: 10 }, key: { rps: 0.3, window: 10 } } });
    const token = generateApiKey('read');
    const ips = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'];
    const res: Response[] = [];
    for (const ip of ips) res.push(await send(h, '/v2/pages/', { ip, token }));
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    // The key is closer to its limit than any IP: its headers are the ones sent.
    expect(rateHeaders(res[0]!)).toEqual({ 'ratelimit-limit': '3', 'ratelimit-remaining': '2', 'ratelimit-reset': '10', 'ratelimit-policy': '3;w=10' });
    expect(rateLimitedLogs(h)[0]?.fields).toMatchObject({ class: 'content', scope: 'key', ip: '203.0.113.4' });
    const body = (await res[3]!.json()) as Record<string, unknown>;
    expect(body.code).toBe('rate_limited');

    // The key is in its box for every IP; the IPs themselves are not.
    expect((await send(h, '/v2/pages/', { ip: '203.0.113.9', token, via: 'query' })).status).toBe(429);
    expect((await send(h, '/v2/pages/', { ip: '203.0.113.4' })).status).toBe(200);
    expect((await send(h, '/v2/pages/', { ip: '203.0.113.4', token: generateApiKey('read') })).status).toBe(200);
    expect(h.hits.get('/v2/pages/')).toBe(5);
  });

  it('the key limit is independent of the IP limit', async () => {
    const h = setup({ content: { ip: { rps: 0.3, window: 10 }, key: { rps: 10, window: 10 } } });
    const token = generateApiKey('preview');
    const res = await sendMany(h, 4, '/v2/pages/', { token });
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(rateHeaders(res[0]!)).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '2' }); // the IP binds
    expect(rateLimitedLogs(h)[0]?.fields).toMatchObject({ scope: 'ip' });
    // Refused per IP, the 4th request was not counted against the key.
    expect(h.platform.rates.count(counterName('content', 'key'), hashApiKey(token), 10)).toBe(3);
    expect((await send(h, '/v2/pages/', { ip: IP_B, token })).headers.get('ratelimit-remaining')).toBe('2'); // IP_B: 2 left; key: 96 left
  });

  it('counts a key sent as ?auth_token= or Bearer the same as Token', async () => {
    const h = setup({ content: { key: { rps: 0.3, window: 10 } } });
    const token = generateApiKey('read');
    await send(h, '/v2/pages/', { token, ip: '203.0.113.1' });
    await send(h, '/v2/pages/?locale=en', { token, via: 'query', ip: '203.0.113.2' });
    await h.app.request('http://edge.test/v2/pages/', { headers: { authorization: `Bearer ${token}` } }, { clientIp: '203.0.113.3' });
    expect(h.platform.rates.count(counterName('content', 'key'), hashApiKey(token), 10)).toBe(3);
    expect((await send(h, '/v2/pages/', { token, ip: '203.0.113.4' })).status).toBe(429);
  });

  it.each([
    ['garbage', 'not-a-key'],
    ['a bad checksum', `ghee_read_${'A'.repeat(32)}_AAAAAA`],
    ['an unknown kind', `ghee_root_${'A'.repeat(32)}_AAAAAA`],
    ['an overlong token', `ghee_read_${'A'.repeat(5000)}`],
  ])('%s creates no key counter, and the IP limit still applies', async (_label, token) => {
    const h = setup({ content: { ip: { rps: 0.2, window: 10 }, key: { rps: 0.1, window: 10 } } });
    const res = [await send(h, '/v2/pages/', { token }), await send(h, '/v2/pages/', { token, via: 'query' }), await send(h, '/v2/pages/', { token: `${token}x` })];
    expect(res.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(countersUsed(h)).toEqual(new Set([counterName('content', 'ip')]));
    expect(rateLimitedLogs(h)[0]?.fields).toMatchObject({ scope: 'ip' });
  });

  it('keys count only on the Content API', async () => {
    const h = setup({});
    const token = generateApiKey('read');
    await send(h, '/assets/s1/a1/logo.png', { token, via: 'query' });
    await send(h, '/.edge/health', { token });
    await send(h, '/elsewhere', { token });
    expect(countersUsed(h)).toEqual(new Set([counterName('assets', 'ip'), counterName('internal', 'ip'), counterName('other', 'ip')]));
  });

  it('preflights (OPTIONS) count against the IP only', async () => {
    const h = setup({ content: { ip: { rps: 0.3, window: 10 }, key: { rps: 0.1, window: 10 } } });
    const token = generateApiKey('read');
    const res = await sendMany(h, 3, '/v2/pages/', { method: 'OPTIONS', token, via: 'query' });
    expect(res.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(countersUsed(h)).toEqual(new Set([counterName('content', 'ip')]));
    const next = await send(h, '/v2/pages/', { token });
    expect(next.status).toBe(429);
    expect(rateLimitedLogs(h)[0]?.fields).toMatchObject({ scope: 'ip' });
  });

  it('the raw token never reaches a counter, a box, a log line or a header', async () => {
    const h = setup({ content: { key: { rps: 0.1, window: 10 } } });
    const token = generateApiKey('read');
    const responses = [
      await send(h, '/v2/pages/', { token }),
      await send(h, '/v2/pages/', { token, via: 'query' }),
      await send(h, '/v2/pages/', { token, ip: IP_B }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 429, 429]);
    const hash = hashApiKey(token);
    expect(h.calls).toContainEqual(['increment', [counterName('content', 'key'), hash, 1]]);
    expect(h.calls).toContainEqual(['addToPenaltyBox', [penaltyBoxName('content', 'key'), hash, 60]]);

    const secretParts = [token, token.slice(10, 42)]; // the whole key and its random part
    const seen = [
      JSON.stringify(h.calls),
      JSON.stringify(h.logs),
      ...responses.map((r) => JSON.stringify([...r.headers])),
      ...(await Promise.all(responses.map((r) => r.text()))),
    ].join('\n');
    for (const part of secretParts) expect(seen).not.toContain(part);
  });
});

describe('rateLimit: route classes', () => {
  it('each class has its own limits, counters and penalty box', async () => {
    const h = setup({
      content: { ip: { rps: 5, window: 10 } },
      assets: { ip: { rps: 1, window: 10 } },
      internal: { ip: { rps: 0.3, window: 10 } },
      other: { ip: { rps: 0.2, window: 10 } },
    });
    const other = await sendMany(h, 3, '/nowhere');
    expect(other.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(other[0]!.headers.get('ratelimit-policy')).toBe('2;w=10');

    const asset = await send(h, '/assets/s1/a1/logo.png');
    expect(asset.status).toBe(200);
    expect(rateHeaders(asset)).toMatchObject({ 'ratelimit-limit': '10', 'ratelimit-remaining': '9', 'ratelimit-policy': '10;w=10' });

    const internal = await sendMany(h, 4, '/.edge/health');
    expect(internal.map((r) => r.status)).toEqual([200, 200, 200, 429]);

    const content = await send(h, '/v2/pages/');
    expect(content.status).toBe(200);
    expect(rateHeaders(content)).toMatchObject({ 'ratelimit-limit': '50', 'ratelimit-remaining': '49' });
    expect(rateLimitedLogs(h).map((l) => l.fields?.class)).toEqual(['other', 'internal']);
  });

  it('the defaults apply to classes the setting leaves out', async () => {
    const h = setup({});
    const policies = await Promise.all(['/v2/pages/', '/assets/a/b/c', '/.edge/health', '/x'].map(async (p) => (await send(h, p)).headers.get('ratelimit-policy')));
    expect(policies).toEqual(['500;w=10', '1000;w=10', '200;w=10', '100;w=10']);
  });

  it('the purge endpoint has its own limit (1000 per 10 s by default): a bulk import\'s purges are not throttled by the internal per-IP limit, and other internal routes do not spend it', async () => {
    const h = setup({});
    // 300 purge calls from the origin in one window: 1.5× the internal class's whole quota.
    const purges = await sendMany(h, 300, '/.edge/purge', { method: 'POST' });
    expect(purges.every((r) => r.status === 200)).toBe(true);
    expect(purges.at(-1)!.headers.get('ratelimit-policy')).toBe('1000;w=10');
    expect((await send(h, '/.edge/health')).headers.get('ratelimit-remaining')).toBe('199');
    expect(countersUsed(h)).toEqual(new Set(['rl_purge_ip', 'rl_internal_ip']));
    // It is still a limit: past it, 429 with Retry-After (what the worker honours), per address.
    const h2 = setup({ purge: { ip: { rps: 0.3, window: 10 } } });
    const limited = await sendMany(h2, 4, '/.edge/purge', { method: 'POST' });
    expect(limited.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(Number(limited[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await send(h2, '/.edge/purge', { method: 'POST', ip: IP_B })).status).toBe(200);
  });
});

describe('rateLimit: disabled', () => {
  it('enabled:false passes everything, counting nothing', async () => {
    const h = setup({ enabled: false, content: { ip: { rps: 0.1, window: 10 }, key: { rps: 0.1, window: 10 } } });
    const token = generateApiKey('read');
    const res = await sendMany(h, 50, '/v2/pages/', { token });
    expect(res.every((r) => r.status === 200)).toBe(true);
    expect(res.some((r) => RATE_HEADERS.some((n) => r.headers.has(n)))).toBe(false);
    expect(h.hits.get('/v2/pages/')).toBe(50);
    expect(h.calls).toEqual([]);
    expect(h.logs).toEqual([]);
  });
});

describe('rateLimit: configuration', () => {
  it('refuses a limit below one request per window', () => {
    expect(() => edgeConfigSchema.parse({ edge_shared_secret: 'x'.repeat(32), rate_limits: JSON.stringify({ other: { ip: { rps: 0.5, window: 1 } } }) })).toThrow(
      /at least one request per window/,
    );
  });

  it.each([
    ['an unknown class', { admin: { ip: { rps: 1 } } }],
    ['a key limit outside the Content API', { assets: { key: { rps: 1 } } }],
    ['a window Fastly does not offer', { content: { ip: { rps: 1, window: 30 } } }],
    ['a zero rate', { content: { ip: { rps: 0 } } }],
    ['a penalty box longer than an hour', { penalty_box_ttl: 3601 }],
  ])('refuses %s', (_label, limits) => {
    expect(() => edgeConfigSchema.parse({ edge_shared_secret: 'x'.repeat(32), rate_limits: JSON.stringify(limits) })).toThrow();
  });
});
