import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../shared/api-key.js';
import { surrogateKeys } from '../../shared/surrogate.js';
import { apiKeys } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import type { RunningEdge } from '../../edge/node/server.js';
import { expectErrorShape, expectSecureHeaders } from '../helpers/assertions.js';
import { startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let edge: RunningEdge;
const originRequests = () => origin.logs.lines.filter((l) => l.includes('"msg":"request"')).length;

beforeAll(async () => {
  origin = await startTestOrigin();
  edge = await startTestEdge(origin);
});
afterAll(async () => {
  await edge?.close();
  await origin?.stop();
});

describe('Node edge in front of the origin', () => {
  it('answers its own health check', async () => {
    const res = await fetch(`${edge.url}/.edge/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', platform: 'node' });
    expectSecureHeaders(res);
  });

  it('serves the demo page: first read MISS, second read HIT without touching the origin', async () => {
    const path = `/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`;
    const first = await fetch(`${edge.url}${path}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const body = await first.json();
    expect(body).toMatchObject({ data: { slug: 'home', fields: { headline: 'Welcome to ghee' } } });
    expectSecureHeaders(first);
    // Edge-only headers are not delivered.
    expect(first.headers.get('surrogate-key')).toBeNull();
    expect(first.headers.get('surrogate-control')).toBeNull();

    const before = originRequests();
    const second = await fetch(`${edge.url}${path}`);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
    expect(await second.json()).toEqual(body);
    expectSecureHeaders(second);
    expect(originRequests()).toBe(before);
  });

  it('shares the cached copy between keys of the same space, whatever the token transport', async () => {
    await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`);
    const viaHeader = await fetch(`${edge.url}/v2/pages/*/home/`, { headers: { authorization: `Token ${origin.seed.keys.write}` } });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers.get('x-cache')).toBe('HIT');
  });

  it('never forwards the raw token to the origin', async () => {
    await fetch(`${edge.url}/v2/pages/*/home/?locale=en&auth_token=${origin.seed.keys.preview}`);
    const forwarded = origin.logs.lines.filter((l) => l.includes('"path":"/v2/pages/*/home/?locale=en"'));
    expect(forwarded.length).toBeGreaterThan(0);
    expect(origin.logs.text).not.toContain(origin.seed.keys.preview);
  });

  it('refuses a malformed key locally: 401, and the origin never sees it', async () => {
    const before = originRequests();
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/?auth_token=ghee_read_garbage`), 401, 'invalid_token', 'Invalid token');
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/`), 401, 'unauthenticated');
    expect(originRequests()).toBe(before);
  });

  it('refuses a well-formed unknown key and caches that answer briefly', async () => {
    const unknown = generateApiKey('read');
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${unknown}`), 401, 'invalid_token');
    const before = originRequests();
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${unknown}`), 401, 'invalid_token');
    expect(originRequests()).toBe(before);
  });

  it('refuses a revoked key on the first request after its surrogate key is purged', async () => {
    const key = await issueApiKey(origin.database.db, { organizationId: origin.seed.organizationId, spaceId: origin.seed.spaceId, kind: 'read', name: 'soon revoked' });
    expect((await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${key.token}`)).status).toBe(200);
    await origin.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id));
    // Still cached at the edge until the purge arrives...
    expect((await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${key.token}`)).status).toBe(200);
    await edge.platform.cache.purgeSurrogateKey(surrogateKeys.apiKey(key.id), { soft: false });
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${key.token}`), 401, 'invalid_token');
  });

  it('refuses preview with a read key at the edge (403), before the origin', async () => {
    const before = originRequests();
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/?preview=1&auth_token=${origin.seed.keys.read}`), 403, 'forbidden');
    expect(originRequests()).toBe(before);
    expect((await fetch(`${edge.url}/v2/pages/*/home/?preview=1&auth_token=${origin.seed.keys.preview}`)).status).toBe(200);
  });

  it('answers 404s in the error shape', async () => {
    const res = await fetch(`${edge.url}/v2/pages/*/missing/?auth_token=${origin.seed.keys.read}`);
    await expectErrorShape(res, 404, 'not_found');
  });

  it('405 for writes, 404 for unknown paths, both in the error shape', async () => {
    const res = await fetch(`${edge.url}/v2/pages/`, { method: 'POST', body: '{}', headers: { authorization: `Token ${origin.seed.keys.write}` } });
    await expectErrorShape(res, 405, 'method_not_allowed');
    await expectErrorShape(await fetch(`${edge.url}/nowhere`), 404, 'not_found');
  });
});

describe('Node edge when the origin is down', () => {
  it('answers 502 in the error shape for an uncached key', async () => {
    const o = await startTestOrigin();
    const e = await startTestEdge(o);
    try {
      await o.server.close();
      await expectErrorShape(await fetch(`${e.url}/v2/pages/*/home/?auth_token=${o.seed.keys.read}`), 502, 'bad_gateway');
    } finally {
      await e.close();
      await o.database.dispose();
    }
  });
});
