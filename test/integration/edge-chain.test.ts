/**
 * The Node edge's full chain against a real origin over a real database: cache lifecycle
 * (hit → purge → miss), request collapsing, stale-while-revalidate, stale-if-error with the
 * origin down, the signed purge endpoint, key revocation, public assets and header hygiene.
 */
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PURGE_PATH, signedPurge } from '../../shared/internal-auth.js';
import { surrogateKeys } from '../../shared/surrogate.js';
import { apiKeys, pages } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { renderPage } from '../../origin/content/pages/pages.js';
import type { RunningEdge } from '../../edge/node/server.js';
import { expectErrorShape, expectSecureHeaders } from '../helpers/assertions.js';
import { startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let edge: RunningEdge;
const clock = Date.now();
const originHits = (fragment: string) => origin.logs.lines.filter((l) => l.includes('"msg":"request"') && l.includes(fragment)).length;
const page = (slug = 'home', key = () => origin.seed.keys.read) => `${edge.url}/v2/pages/*/${slug}/?auth_token=${key()}`;

async function publishHeadline(headline: string): Promise<void> {
  const now = new Date();
  const fields = { headline };
  await origin.database.db
    .update(pages)
    .set({ fields, published: renderPage({ slug: 'home', name: 'Home', pageType: '*', fields, publishedAt: now, updatedAt: now }), updatedAt: now })
    .where(and(eq(pages.spaceId, origin.seed.spaceId), eq(pages.slug, 'home')));
}

async function purge(keys: string[], soft = false, secret = origin.secret): Promise<Response> {
  const { body, headers } = signedPurge(secret, { keys, soft }, clock / 1000);
  return fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body, headers });
}

beforeAll(async () => {
  origin = await startTestOrigin();
  edge = await startTestEdge(origin, {}, () => clock);
});
afterAll(async () => {
  await edge?.close();
  await origin?.stop();
});
afterEach(async () => {
  await publishHeadline('Welcome to ghee');
  await edge.platform.cache.purgeSurrogateKey(surrogateKeys.space(origin.seed.spaceId), { soft: false });
});

describe('cache lifecycle', () => {
  it('hit → purge through the signed endpoint → miss with the new content → hit', async () => {
    expect((await fetch(page())).headers.get('x-cache')).toBe('MISS');
    expect((await fetch(page())).headers.get('x-cache')).toBe('HIT');
    await publishHeadline('Changed');
    const stale = await fetch(page());
    expect(stale.headers.get('x-cache')).toBe('HIT');
    expect(await stale.json()).toMatchObject({ data: { fields: { headline: 'Welcome to ghee' } } });
    const res = await purge([surrogateKeys.space(origin.seed.spaceId)]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ purged: 1, soft: false });
    const fresh = await fetch(page());
    expect(fresh.headers.get('x-cache')).toBe('MISS');
    expect(await fresh.json()).toMatchObject({ data: { fields: { headline: 'Changed' } } });
    expect((await fetch(page())).headers.get('x-cache')).toBe('HIT');
  });

  it('collapses 100 concurrent misses into exactly one origin request', async () => {
    const path = '/v2/pages/*/home/?locale=en';
    const before = originHits(path);
    const responses = await Promise.all(Array.from({ length: 100 }, () => fetch(`${edge.url}/v2/pages/*/home/?locale=en&auth_token=${origin.seed.keys.read}`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(originHits(path) - before).toBe(1);
    expect(responses.filter((r) => r.headers.get('x-cache') === 'MISS')).toHaveLength(1);
  });

  it('soft purge serves the old copy as STALE while it refreshes in the background', async () => {
    await fetch(page());
    await publishHeadline('Soft');
    expect((await purge([surrogateKeys.space(origin.seed.spaceId)], true)).status).toBe(200);
    const stale = await fetch(page());
    expect(stale.headers.get('x-cache')).toBe('STALE');
    expect(await stale.json()).toMatchObject({ data: { fields: { headline: 'Welcome to ghee' } } });
    await expect.poll(async () => ((await (await fetch(page())).json()) as { data: { fields: { headline: string } } }).data.fields.headline).toBe('Soft');
  });

  it('caches a 404 briefly and re-stamps its request id', async () => {
    const first = await fetch(page('no-such-page'));
    const firstBody = await expectErrorShape(first, 404, 'not_found');
    const second = await fetch(page('no-such-page'));
    expect(second.headers.get('x-cache')).toBe('HIT');
    const secondBody = await expectErrorShape(second, 404, 'not_found');
    expect(secondBody.request_id).not.toBe(firstBody.request_id);
  });
});

describe('purge endpoint security', () => {
  const spaceKey = () => surrogateKeys.space(origin.seed.spaceId);
  it('refuses unsigned, wrongly signed, tampered, expired and replayed purges', async () => {
    await expectErrorShape(await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body: JSON.stringify({ keys: [spaceKey()] }) }), 401, 'unauthenticated');
    await expectErrorShape(await purge([spaceKey()], false, 'z'.repeat(64)), 401, 'unauthenticated');
    const signed = signedPurge(origin.secret, { keys: [spaceKey()], soft: false }, clock / 1000);
    const tampered = signed.body.replace(spaceKey(), 'space:someone-else');
    expect(tampered).not.toBe(signed.body);
    await expectErrorShape(await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body: tampered, headers: signed.headers }), 401, 'unauthenticated');
    const old = signedPurge(origin.secret, { keys: [spaceKey()], soft: false }, clock / 1000 - 3600);
    await expectErrorShape(await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body: old.body, headers: old.headers }), 401, 'unauthenticated');
    expect((await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body: signed.body, headers: signed.headers })).status).toBe(200);
    await expectErrorShape(await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body: signed.body, headers: signed.headers }), 401, 'unauthenticated', 'Replayed purge request.');
  });
  it('refuses bad bodies: too many keys, non-ASCII keys, unknown fields', async () => {
    await expectErrorShape(await purge(Array.from({ length: 257 }, (_, i) => `k${i}`)), 400, 'bad_request');
    await expectErrorShape(await purge(['has space']), 400, 'bad_request');
    const { body, headers } = signedPurge(origin.secret, { keys: ['a'], soft: false, extra: 1 } as never, clock / 1000);
    await expectErrorShape(await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body, headers }), 400, 'bad_request');
  });
});

describe('keys', () => {
  it('a revoked key is refused on the first request after the origin purges key:<id>', async () => {
    const key = await issueApiKey(origin.database.db, { organizationId: origin.seed.organizationId, spaceId: origin.seed.spaceId, kind: 'read', name: 'to revoke' });
    expect((await fetch(page('home', () => key.token))).status).toBe(200);
    await origin.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id));
    expect((await purge([surrogateKeys.apiKey(key.id)])).status).toBe(200);
    await expectErrorShape(await fetch(page('home', () => key.token)), 401, 'invalid_token');
  });
});

describe('public assets', () => {
  it('uploads with a write key at the origin and serves through the edge without a key, cached', async () => {
    const png = randomBytes(2048);
    const up = await fetch(`${origin.server.url}/v2/assets/?filename=logo.png`, {
      method: 'POST',
      body: png,
      headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'image/png' },
    });
    expect(up.status).toBe(201);
    const { data } = (await up.json()) as { data: { url: string; size: number } };
    expect(data.size).toBe(2048);
    const first = await fetch(`${edge.url}${data.url}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/png');
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(Buffer.from(await first.arrayBuffer()).equals(png)).toBe(true);
    expectSecureHeaders(first);
    const second = await fetch(`${edge.url}${data.url}?cachebuster=1`);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(Buffer.from(await second.arrayBuffer()).equals(png)).toBe(true);
  });
  it('refuses uploads with a read key, a scriptable type, a bad filename or no body', async () => {
    const post = (q: string, key: string, type: string, body: string = 'x') =>
      fetch(`${origin.server.url}/v2/assets/?${q}`, { method: 'POST', body, headers: { authorization: `Token ${key}`, 'content-type': type } });
    await expectErrorShape(await post('filename=a.png', origin.seed.keys.read, 'image/png'), 403, 'forbidden');
    await expectErrorShape(await post('filename=a.svg', origin.seed.keys.write, 'image/svg+xml'), 415, 'unsupported_media_type');
    await expectErrorShape(await post('filename=../../etc/passwd', origin.seed.keys.write, 'image/png'), 400, 'bad_request');
    await expectErrorShape(await post('filename=a.png', origin.seed.keys.write, 'image/png', ''), 400, 'bad_request');
  });
  it('answers unknown assets with 404 in the error shape', async () => {
    await expectErrorShape(await fetch(`${edge.url}/assets/${origin.seed.spaceId}/00000000-0000-4000-8000-000000000000/x.png`), 404, 'not_found');
  });
});

describe('edge → origin', () => {
  it('never forwards client-sent forwarding headers; the origin logs the address the edge saw', async () => {
    await fetch(`${edge.url}/v2/pages/*/home/?locale=en&levels=1&auth_token=${origin.seed.keys.read}`, {
      headers: { 'x-forwarded-for': '6.6.6.6', 'fastly-client-ip': '6.6.6.6', 'x-ghee-client-ip': '6.6.6.6' },
    });
    const line = origin.logs.lines.find((l) => l.includes('levels=1'));
    expect(line).toBeDefined();
    expect(line).toContain('"client_ip":"127.0.0.1"');
    expect(origin.logs.text).not.toContain('6.6.6.6');
  });
});

describe('origin down', () => {
  it('serves cached pages as STALE within stale-if-error, and 502 for uncached ones', async () => {
    const o = await startTestOrigin();
    let now = Date.now();
    const e = await startTestEdge(o, {}, () => now);
    try {
      const url = `${e.url}/v2/pages/*/home/?auth_token=${o.seed.keys.read}`;
      expect((await fetch(url)).status).toBe(200);
      await o.server.close();
      // Past max-age (1 day) and stale-while-revalidate, inside stale-if-error (7 days).
      now += (86_400 + 120) * 1000;
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cache')).toBe('STALE');
      expect(await res.json()).toMatchObject({ data: { slug: 'home' } });
      await expectErrorShape(await fetch(`${e.url}/v2/pages/*/other/?auth_token=${o.seed.keys.read}`), 502, 'bad_gateway');
    } finally {
      await e.close();
      await o.database.dispose();
    }
  });
});

describe('WAF, rate limits and headers through the running Node edge', () => {
  it('blocks an attack probe with its rule id, before the origin', async () => {
    const before = originHits('/v2/pages');
    const res = await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}&q=${encodeURIComponent("' or 1=1 --")}`);
    const body = await expectErrorShape(res, 403, 'waf_blocked');
    expect(res.headers.get('x-waf-rule')).toBe('sqli-001');
    expect(String(body.detail)).toContain('sqli-001');
    expect(originHits('/v2/pages')).toBe(before);
  });

  it('refuses a blocked IP with 403 ip_blocked', async () => {
    const blockedEdge = await startTestEdge(origin, {}, undefined, [{ prefix: '127.0.0.0/8', action: 'BLOCK' }]);
    try {
      const res = await fetch(`${blockedEdge.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`);
      await expectErrorShape(res, 403, 'ip_blocked');
      expect(res.headers.get('x-waf-rule')).toBe('ip-blocklist');
    } finally {
      await blockedEdge.close();
    }
  });

  it('answers 429 with Retry-After and RateLimit-* once a client exceeds its limit', async () => {
    const limited = await startTestEdge(origin, { rate_limits: JSON.stringify({ content: { ip: { rps: 0.5, window: 10 } } }) });
    try {
      const url = `${limited.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`;
      for (let i = 0; i < 5; i++) expect((await fetch(url)).status).toBe(200);
      const res = await fetch(url);
      await expectErrorShape(res, 429, 'rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      expect(res.headers.get('ratelimit-remaining')).toBe('0');
    } finally {
      await limited.close();
    }
  });

  it('sends the exact secure header set on a hit, a miss, an error and a preflight', async () => {
    const cors = await startTestEdge(origin, { cors: JSON.stringify({ any: ['https://www.example.com'] }) });
    try {
      const url = `${cors.url}/v2/pages/*/home/?locale=en&page=3&auth_token=${origin.seed.keys.read}`;
      const miss = await fetch(url, { headers: { origin: 'https://www.example.com' } });
      const hit = await fetch(url, { headers: { origin: 'https://www.example.com' } });
      const error = await fetch(`${cors.url}/v2/pages/*/home/?auth_token=bad`, { headers: { origin: 'https://www.example.com' } });
      const preflight = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin: 'https://www.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      expect([miss.headers.get('x-cache'), hit.headers.get('x-cache'), error.status, preflight.status]).toEqual(['MISS', 'HIT', 401, 204]);
      for (const res of [miss, hit, error, preflight]) {
        expectSecureHeaders(res);
        expect(res.headers.get('access-control-allow-origin')).toBe('https://www.example.com');
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
        expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
      }
      const other = await fetch(url, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await cors.close();
    }
  });
});
