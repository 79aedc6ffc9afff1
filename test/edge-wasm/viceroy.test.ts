/**
 * The compiled worker (bin/main.wasm): packaged by the Fastly CLI, then run under Viceroy in
 * front of a real origin over a real database. One file, so the suites that write
 * bin/main.wasm never run concurrently. Needs Viceroy: with CI set its absence fails the run;
 * locally the Viceroy suite skips loudly.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../shared/api-key.js';
import { PURGE_PATH, signedPurge } from '../../shared/internal-auth.js';
import { surrogateKeys } from '../../shared/surrogate.js';
import { ROOT, buildEdge, findViceroy, startViceroy, writeViceroyConfig, type RunningViceroy } from '../../scripts/viceroy.js';
import { expectErrorShape, expectSecureHeaders } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const viceroy = findViceroy();
if (!viceroy) {
  if (process.env.CI) throw new Error('Viceroy is required in CI (cargo install viceroy --locked --version 0.20.1)');
  console.warn('\n[ghee] VICEROY NOT FOUND: the edge-wasm suite is SKIPPED. Install it: cargo install viceroy --locked --version 0.20.1\n');
}

describe('fastly compute build (offline, Fastly CLI from npm)', () => {
  it('produces pkg/ghee-edge.tar.gz with the manifest and bin/main.wasm', () => {
    rmSync(join(ROOT, 'pkg'), { recursive: true, force: true });
    execFileSync(process.execPath, [join(ROOT, 'scripts/fastly-cli.mjs'), 'compute', 'build', '--non-interactive'], { cwd: ROOT, stdio: 'pipe', timeout: 240_000 });
    const listing = execFileSync('tar', ['tzf', join(ROOT, 'pkg/ghee-edge.tar.gz')], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('ghee-edge/fastly.toml');
    expect(listing).toContain('ghee-edge/bin/main.wasm');
  }, 300_000);
});

describe.skipIf(!viceroy)('compiled edge under Viceroy', () => {
  let origin: OriginUnderTest;
  let edge: RunningViceroy;
  const originRequests = () => origin.logs.lines.filter((l) => l.includes('"msg":"request"')).length;

  beforeAll(async () => {
    buildEdge();
    origin = await startTestOrigin();
    // The settings as one document (the `settings` entry, as `npm run edge -- config push` writes it);
    // the blocklist edge below uses the separate keys, so both formats run compiled.
    const configFile = writeViceroyConfig({ originUrl: origin.server.url, secret: origin.secret, settings: { https_only: false } });
    edge = await startViceroy({ viceroy: viceroy!, configFile });
  }, 300_000);

  afterAll(async () => {
    await edge?.stop();
    await origin?.stop().catch(() => {});
  });

  it('answers its health check as the Fastly platform', async () => {
    const res = await fetch(`${edge.url}/.edge/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', platform: 'fastly' });
    expectSecureHeaders(res);
  });

  it('serves the demo page through Core Cache: MISS, then HIT without the origin', async () => {
    const path = `/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`;
    const first = await fetch(`${edge.url}${path}`);
    const body = await first.text();
    expect(first.status, body + edge.output()).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(JSON.parse(body)).toMatchObject({ data: { slug: 'home', fields: { headline: 'Welcome to ghee' } } });
    expectSecureHeaders(first);
    expect(first.headers.get('surrogate-key')).toBeNull();

    const before = originRequests();
    const second = await fetch(`${edge.url}${path}`);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expectSecureHeaders(second);
    expect(await second.text()).toBe(body);
    expect(originRequests()).toBe(before);
  });

  it('a hit (served by the hit fast path) carries the miss’s headers (the chain’s), but for X-Cache, Age and per-request values', async () => {
    const headersOf = (res: Response) => {
      const out: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        if (!['date', 'x-request-id', 'ratelimit-remaining', 'ratelimit-reset', 'x-cache', 'age', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) out[k] = v;
      });
      return out;
    };
    const path = `/v2/pages/*/home/?levels=3&auth_token=${origin.seed.keys.read}`;
    const miss = await fetch(`${edge.url}${path}`, { headers: { origin: 'https://nowhere.example' } });
    const missBody = await miss.text();
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const hit = await fetch(`${edge.url}${path}`, { headers: { origin: 'https://nowhere.example' } });
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await hit.text()).toBe(missBody);
    expect(headersOf(hit)).toEqual(headersOf(miss));
    expect(hit.headers.get('age')).toMatch(/^\d+$/);
    expect(hit.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(hit.headers.get('vary')).toContain('Origin');
    expect(hit.headers.get('content-length')).toBe(String(new TextEncoder().encode(missBody).byteLength));
    // A caller's request id is echoed on hits too.
    const traced = await fetch(`${edge.url}${path}`, { headers: { 'x-request-id': 'trace-viceroy-0001' } });
    expect(traced.headers.get('x-cache')).toBe('HIT');
    expect(traced.headers.get('x-request-id')).toBe('trace-viceroy-0001');
  });

  it('strips the raw token before the origin sees the request', async () => {
    await fetch(`${edge.url}/v2/pages/*/home/?locale=en&auth_token=${origin.seed.keys.preview}`);
    expect(origin.logs.text).toContain('"path":"/v2/pages/*/home/?locale=en"');
    expect(origin.logs.text).not.toContain(origin.seed.keys.preview);
  });

  it('refuses malformed and unknown keys with 401 in the error shape', async () => {
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/?auth_token=nope`), 401, 'invalid_token', 'Invalid token');
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${generateApiKey('read')}`), 401, 'invalid_token');
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/`), 401, 'unauthenticated');
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/?preview=1&auth_token=${origin.seed.keys.read}`), 403, 'forbidden');
  });

  it('purges by surrogate key through the signed internal endpoint (purgeSurrogateKey is real)', async () => {
    const path = `/v2/pages/*/home/?locale=en&auth_token=${origin.seed.keys.read}`;
    await fetch(`${edge.url}${path}`);
    expect((await fetch(`${edge.url}${path}`)).headers.get('x-cache')).toBe('HIT');
    const { body, headers } = signedPurge(origin.secret, { keys: [surrogateKeys.space(origin.seed.spaceId)], soft: false }, Date.now() / 1000);
    const res = await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body, headers });
    expect(res.status, edge.output()).toBe(200);
    expect(await res.json()).toEqual({ purged: 1, soft: false });
    expect((await fetch(`${edge.url}${path}`)).headers.get('x-cache')).toBe('MISS');
    // The same signed call again is a replay.
    await expectErrorShape(await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body, headers }), 401, 'unauthenticated');
  });

  it('refuses a purge signed with the wrong secret', async () => {
    const { body, headers } = signedPurge('w'.repeat(64), { keys: ['space:x'], soft: false }, Date.now() / 1000);
    await expectErrorShape(await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body, headers }), 401, 'unauthenticated');
  });

  it('blocks attack probes with the WAF rule id, before the origin', async () => {
    const before = originRequests();
    const sqli = await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}&q=${encodeURIComponent('1 union select password from users')}`);
    await expectErrorShape(sqli, 403, 'waf_blocked');
    expect(sqli.headers.get('x-waf-rule')).toBe('sqli-002');
    const xss = await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}&q=${encodeURIComponent('<script>alert(1)</script>')}`);
    await expectErrorShape(xss, 403, 'waf_blocked');
    const method = await fetch(`${edge.url}/v2/pages/*/home/`, { method: 'DELETE' });
    await expectErrorShape(method, 405, 'method_not_allowed');
    expect(originRequests()).toBe(before);
  });

  it('refuses addresses on the ghee_blocklist ACL', async () => {
    const configFile = writeViceroyConfig({ originUrl: origin.server.url, secret: origin.secret, blocklist: ['127.0.0.0/8'] });
    const blocked = await startViceroy({ viceroy: viceroy!, configFile, healthStatus: 403 });
    try {
      const res = await fetch(`${blocked.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`);
      await expectErrorShape(res, 403, 'ip_blocked');
      expect(res.headers.get('x-waf-rule')).toBe('ip-blocklist');
    } finally {
      await blocked.stop();
    }
  }, 180_000);

  it('answers unknown paths with 404 in the error shape (no re-fetch loop)', async () => {
    await expectErrorShape(await fetch(`${edge.url}/definitely/not/here`), 404, 'not_found');
  });

  it('keys Core Cache on the canonical request it forwards: a HEAD stores nothing empty, // and reordered parameters share the page, repeats are refused', async () => {
    const read = origin.seed.keys.read;
    const head = await fetch(`${edge.url}/v2/pages/*/home/?levels=1&auth_token=${read}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const after = await fetch(`${edge.url}/v2/pages/*/home/?levels=1&auth_token=${read}`);
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ data: { slug: 'home' } });
    // Another spelling of the same read is served the same stored object.
    const odd = await fetch(`${edge.url}/v2//pages/*/home?utm=x&levels=1&auth_token=${read}`);
    expect(odd.headers.get('x-cache')).toBe('HIT');
    expect(await odd.json()).toMatchObject({ data: { slug: 'home' } });
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/?preview=x&preview=1&auth_token=${origin.seed.keys.preview}`), 400, 'bad_request');
    await expectErrorShape(await fetch(`${edge.url}/v2/pages/*/home/?preview=1&auth_token=${read}`), 403, 'forbidden');
  });

  it('writes one JSON line per request to the ghee_requests log endpoint, from which the counters derive (no token, no query)', async () => {
    const read = origin.seed.keys.read;
    const path = `/v2/pages/*/home/?levels=4&auth_token=${read}`;
    const requestLines = () =>
      edge
        .output()
        .split('\n')
        .filter((l) => l.startsWith('ghee_requests :: '))
        .map((l) => JSON.parse(l.slice('ghee_requests :: '.length)) as Record<string, unknown>);
    const ids = ['vic-log-miss', 'vic-log-hit', 'vic-log-waf', 'vic-log-key', 'vic-log-none'];
    await fetch(`${edge.url}${path}`, { headers: { 'x-request-id': ids[0]! } });
    await fetch(`${edge.url}${path}`, { headers: { 'x-request-id': ids[1]! } });
    await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${read}&q=${encodeURIComponent('1 union select password from users')}`, { headers: { 'x-request-id': ids[2]! } });
    await fetch(`${edge.url}/v2/pages/*/home/?preview=1&auth_token=${read}`, { headers: { 'x-request-id': ids[3]! } });
    await fetch(`${edge.url}/v2/pages/*/home/`, { headers: { 'x-request-id': ids[4]! } });
    let lines: Record<string, unknown>[] = [];
    for (let i = 0; i < 50 && lines.length < ids.length; i++) {
      lines = requestLines().filter((l) => ids.includes(String(l.request_id)));
      if (lines.length < ids.length) await new Promise((r) => setTimeout(r, 100));
    }
    const byId = Object.fromEntries(lines.map((l) => [String(l.request_id), l]));
    const common = { service: 'ghee-edge', method: 'GET', path: '/v2/pages/*/home/', route: 'content' };
    expect(byId['vic-log-miss']).toMatchObject({ ...common, status: 200, cache: 'MISS', rate_limited: false });
    expect(byId['vic-log-hit']).toMatchObject({ ...common, status: 200, cache: 'HIT', rate_limited: false });
    expect(byId['vic-log-waf']).toMatchObject({ ...common, status: 403, waf_rule: 'sqli-002', client_ip: expect.any(String) });
    // The client address is security evidence: only on a block or a 429, never on an ordinary request.
    expect(byId['vic-log-miss']).not.toHaveProperty('client_ip');
    expect(byId['vic-log-hit']).not.toHaveProperty('client_ip');
    expect(byId['vic-log-key']).toMatchObject({ ...common, status: 403, key_refusal: 'preview_forbidden' });
    expect(byId['vic-log-none']).toMatchObject({ ...common, status: 401, key_refusal: 'missing' });
    for (const line of lines) {
      expect(typeof line.time).toBe('string');
      expect(typeof line.ms).toBe('number');
      expect(typeof line.vcpu_ms).toBe('number');
    }
    const all = JSON.stringify(requestLines());
    for (const key of Object.values(origin.seed.keys)) expect(all).not.toContain(key);
    expect(all).not.toContain('union select');
  });

  // Last: it stops the origin.
  it('soft purge then origin down: the stale copy is served (STALE), uncached reads fail in the error shape', async () => {
    const path = `/v2/pages/*/home/?locale=en&levels=2&auth_token=${origin.seed.keys.read}`;
    expect((await fetch(`${edge.url}${path}`)).status).toBe(200);
    const { body, headers } = signedPurge(origin.secret, { keys: [surrogateKeys.space(origin.seed.spaceId)], soft: true }, Date.now() / 1000);
    expect((await fetch(`${edge.url}${PURGE_PATH}`, { method: 'POST', body, headers })).status).toBe(200);
    await origin.server.close();
    const res = await fetch(`${edge.url}${path}`);
    expect(res.status, edge.output()).toBe(200);
    expect(res.headers.get('x-cache')).toBe('STALE');
    expect(await res.json()).toMatchObject({ data: { slug: 'home' } });
    const uncached = await fetch(`${edge.url}/v2/pages/*/never-read/?auth_token=${origin.seed.keys.read}`);
    expect([502, 504]).toContain(uncached.status);
    await expectErrorShape(uncached, uncached.status, uncached.status === 502 ? 'bad_gateway' : 'gateway_timeout');
  });
});
