import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../shared/api-key.js';
import { signAssertion } from '../../shared/edge-assertion.js';
import { INTROSPECT_PATH, INTROSPECT_PURPOSE, signInternal } from '../../shared/internal-auth.js';
import { hashApiKey } from '../../shared/api-key.js';
import { apiKeys } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { expectErrorShape, expectSecureHeaders } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const url = (path: string) => `${origin.server.url}${path}`;
const nowS = () => Date.now() / 1000;

beforeAll(async () => {
  origin = await startTestOrigin();
});
afterAll(async () => origin?.stop());

describe('health and readiness', () => {
  it('answers /healthz and /readyz with the secure headers', async () => {
    const health = await fetch(url('/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expectSecureHeaders(health);
    const ready = await fetch(url('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});

describe('demo page read (ButterCMS v2 shape)', () => {
  it('returns the published page with auth_token', async () => {
    const res = await fetch(url(`/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Record<string, unknown> };
    expect(body.data).toMatchObject({ slug: 'home', name: 'Home', page_type: null });
    expect(body.data.fields).toMatchObject({ headline: 'Welcome to ghee' });
    expect(typeof body.data.published).toBe('string');
    expect(res.headers.get('surrogate-key')).toContain(`space:${origin.seed.spaceId}`);
    expect(res.headers.get('surrogate-control')).toMatch(/max-age=\d+/);
    expectSecureHeaders(res);
  });

  it('accepts Authorization: Token and Bearer, with or without the trailing slash', async () => {
    for (const scheme of ['Token', 'Bearer']) {
      const res = await fetch(url('/v2/pages/*/home'), { headers: { authorization: `${scheme} ${origin.seed.keys.preview}` } });
      expect(res.status).toBe(200);
    }
  });

  it('echoes a caller request id and mints one otherwise', async () => {
    const res = await fetch(url('/healthz'), { headers: { 'x-request-id': 'trace-12345678' } });
    expect(res.headers.get('x-request-id')).toBe('trace-12345678');
    const minted = await fetch(url('/healthz'), { headers: { 'x-request-id': 'bad id\twith tabs' } });
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('errors: one shape, a 4xx for bad input, nothing leaked', () => {
  it('401 Invalid token for a well-formed key that does not exist', async () => {
    await expectErrorShape(await fetch(url(`/v2/pages/*/home/?auth_token=${generateApiKey('read')}`)), 401, 'invalid_token', 'Invalid token');
  });
  it('401 for a malformed key and for no key', async () => {
    await expectErrorShape(await fetch(url('/v2/pages/*/home/?auth_token=not-a-key')), 401, 'invalid_token');
    await expectErrorShape(await fetch(url('/v2/pages/*/home/')), 401, 'unauthenticated');
  });
  it('401 for a revoked or expired key', async () => {
    const revoked = await issueApiKey(origin.database.db, { organizationId: origin.seed.organizationId, spaceId: origin.seed.spaceId, kind: 'read', name: 'r' });
    await origin.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, revoked.id));
    await expectErrorShape(await fetch(url(`/v2/pages/*/home/?auth_token=${revoked.token}`)), 401, 'invalid_token');
    const expired = await issueApiKey(origin.database.db, {
      organizationId: origin.seed.organizationId,
      spaceId: origin.seed.spaceId,
      kind: 'read',
      name: 'e',
      expiresAt: new Date(Date.now() - 1000),
    });
    await expectErrorShape(await fetch(url(`/v2/pages/*/home/?auth_token=${expired.token}`)), 401, 'invalid_token');
  });
  it('403 when a read key asks for preview', async () => {
    await expectErrorShape(await fetch(url(`/v2/pages/*/home/?preview=1&auth_token=${origin.seed.keys.read}`)), 403, 'forbidden');
    expect((await fetch(url(`/v2/pages/*/home/?preview=1&auth_token=${origin.seed.keys.preview}`))).status).toBe(200);
  });
  it('404 for an unknown page or route, 400 for a bad locale or page type', async () => {
    const k = origin.seed.keys.read;
    await expectErrorShape(await fetch(url(`/v2/pages/*/nope/?auth_token=${k}`)), 404, 'not_found');
    await expectErrorShape(await fetch(url('/nowhere')), 404, 'not_found');
    await expectErrorShape(await fetch(url(`/v2/pages/*/home/?locale=${encodeURIComponent('en;drop')}&auth_token=${k}`)), 400, 'bad_request');
    await expectErrorShape(await fetch(url(`/v2/pages/${encodeURIComponent('bad type')}/home/?auth_token=${k}`)), 400, 'bad_request');
  });
  it('never writes the token into the logs', async () => {
    await fetch(url(`/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`), { headers: { authorization: `Token ${origin.seed.keys.write}` } });
    expect(origin.logs.lines.length).toBeGreaterThan(0);
    expect(origin.logs.text).not.toContain(origin.seed.keys.read);
    expect(origin.logs.text).not.toContain(origin.seed.keys.write);
    expect(origin.logs.text).toContain('auth_token=%5BREDACTED%5D');
  });
});

describe('edge assertions (signed key identity instead of the raw token)', () => {
  const path = '/v2/pages/*/home/';
  const assertion = () => ({ keyId: '00000000-0000-4000-8000-000000000001', spaceId: origin.seed.spaceId, kind: 'read' as const });

  it('accepts a fresh assertion signed with the shared secret', async () => {
    const headers = signAssertion(origin.secret, assertion(), 'GET', path, nowS());
    expect((await fetch(url(path), { headers })).status).toBe(200);
  });
  it('refuses one signed with another secret, replayed after the window, or moved to another path', async () => {
    await expectErrorShape(await fetch(url(path), { headers: signAssertion('x'.repeat(64), assertion(), 'GET', path, nowS()) }), 401, 'invalid_token');
    await expectErrorShape(await fetch(url(path), { headers: signAssertion(origin.secret, assertion(), 'GET', path, nowS() - 600) }), 401, 'invalid_token');
    const forOther = signAssertion(origin.secret, assertion(), 'GET', '/v2/pages/*/other/', nowS());
    await expectErrorShape(await fetch(url(path), { headers: forOther }), 401, 'invalid_token');
  });
  it('refuses a tampered space id (wrong tenant)', async () => {
    const headers = signAssertion(origin.secret, assertion(), 'GET', path, nowS());
    headers['x-ghee-space-id'] = '00000000-0000-4000-8000-00000000dead';
    await expectErrorShape(await fetch(url(path), { headers }), 401, 'invalid_token');
  });
});

describe('key introspection (edge only)', () => {
  const introspect = (hash: string, headers: Record<string, string>) => fetch(url(`${INTROSPECT_PATH}?token_hash=${hash}`), { headers });

  it('reports an active key by hash, and unknown keys as invalid', async () => {
    const hash = hashApiKey(origin.seed.keys.read);
    const res = await introspect(hash, signInternal(origin.secret, INTROSPECT_PURPOSE, hash, nowS()));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { valid: true, kind: 'read', space_id: origin.seed.spaceId } });
    const unknown = hashApiKey(generateApiKey('read'));
    const res2 = await introspect(unknown, signInternal(origin.secret, INTROSPECT_PURPOSE, unknown, nowS()));
    expect(await res2.json()).toEqual({ data: { valid: false } });
  });
  it('refuses unsigned, wrongly signed and replayed calls', async () => {
    const hash = hashApiKey(origin.seed.keys.read);
    await expectErrorShape(await introspect(hash, {}), 401, 'unauthenticated');
    await expectErrorShape(await introspect(hash, signInternal('y'.repeat(64), INTROSPECT_PURPOSE, hash, nowS())), 401, 'unauthenticated');
    await expectErrorShape(await introspect(hash, signInternal(origin.secret, INTROSPECT_PURPOSE, hash, nowS() - 3600)), 401, 'unauthenticated');
    // A signature for another hash does not transfer.
    const other = hashApiKey(generateApiKey('read'));
    await expectErrorShape(await introspect(hash, signInternal(origin.secret, INTROSPECT_PURPOSE, other, nowS())), 401, 'unauthenticated');
  });
});

describe('readiness when the database is gone', () => {
  it('/readyz answers 503, and reads answer 503 with Retry-After, without a stack trace', async () => {
    const o = await startTestOrigin();
    try {
      await o.database.close();
      await expectErrorShape(await fetch(`${o.server.url}/readyz`), 503, 'unavailable');
      const read = await fetch(`${o.server.url}/v2/pages/*/home/?auth_token=${o.seed.keys.read}`);
      expect(read.headers.get('retry-after')).toMatch(/^\d+$/);
      await expectErrorShape(read, 503, 'unavailable');
      expect((await fetch(`${o.server.url}/healthz`)).status).toBe(200);
    } finally {
      await o.server.close();
      await o.database.dispose().catch(() => {});
    }
  });
});
