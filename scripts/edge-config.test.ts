/**
 * `npm run edge -- config validate|push` (scripts/edge-config.ts): a bad settings document is
 * refused with the exact field named and nothing is written; a good one is written in its
 * canonical form to a JSON config store file or through the Fastly API (a local stand-in that
 * records what it receives), and that text is what the edge loads.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedEdgeSettings, loadEdgeConfig } from '../edge/config.js';
import { createNodePlatform } from '../edge/platform/memory/platform.js';
import { runEdgeCommand, type CommandIo } from './edge-config.js';

const dir = mkdtempSync(join(tmpdir(), 'ghee-edge-config-'));
let n = 0;
function docFile(doc: unknown): string {
  const file = join(dir, `doc-${n++}.json`);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

async function run(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (l) => out.push(l), err: (l) => err.push(l), env };
  return { code: await runEdgeCommand(argv, io), out, err };
}

const GOOD = {
  https_only: false,
  waf: { max_url_length: 4096, disabled_rules: ['xss-005'] },
  rate_limits: { content: { ip: { rps: 200 } } },
  cors: { any: ['https://www.example.com'], spaces: { 'space-1': ['*'] } },
  key_cache_ttl: 120,
};

describe('config validate', () => {
  it('accepts a good document (defaults filled in) and a minimal one', async () => {
    const ok = await run(['config', 'validate', docFile(GOOD)]);
    expect(ok).toMatchObject({ code: 0, err: [] });
    expect(ok.out[0]).toMatch(/^settings OK \(\d+ bytes as stored\)$/);
    expect((await run(['config', 'validate', docFile({})])).code).toBe(0);
  });

  // Each bad document, and the exact field its one-line refusal must name.
  const BAD: [string, unknown, RegExp][] = [
    ['a number out of range', { waf: { max_url_length: 99_999_999 } }, /^settings: waf\.max_url_length .*<=16384.* \(got 99999999\)$/],
    ['a whole-number setting out of range', { key_cache_ttl: 0 }, /^settings: key_cache_ttl must be an integer between 1 and 3600 \(got 0\)$/],
    ['a fraction', { origin_timeout_ms: 150.5 }, /^settings: origin_timeout_ms must be an integer between 100 and 120000 \(got 150\.5\)$/],
    ['a string for a boolean', { https_only: 'false' }, /^settings: https_only must be true or false \(got "false"\)$/],
    ['an unknown field', { waf: { max_urls: 10 } }, /^settings: waf\.max_urls is not a setting$/],
    ['an unknown top-level field', { rate_limit: {} }, /^settings: rate_limit is not a setting$/],
    ['an unknown signature rule', { waf: { disabled_rules: ['xss-005', 'nope-001'] } }, /^settings: waf\.disabled_rules\.1 .* \(got "nope-001"\)$/],
    ['a CORS origin with a path', { cors: { any: ['https://a.example/path'] } }, /^settings: cors\.any\.0 must be an origin like https:\/\/www\.example\.com \(got "https:\/\/a\.example\/path"\)$/],
    ['a rate limit allowing nothing', { rate_limits: { content: { ip: { rps: 0.01, window: 1 } } } }, /^settings: rate_limits\.content\.ip rps × window must allow at least one request per window/],
    ['a bad window', { rate_limits: { assets: { ip: { rps: 5, window: 5 } } } }, /^settings: rate_limits\.assets\.ip\.window /],
    ['another format', { format: 2 }, /^settings: format must be 1 \(this edge's settings format\) \(got 2\)$/],
    ['not JSON', '{"waf": {', /^settings: not valid JSON/],
    ['not an object', '[1,2]', /^settings: must be a JSON object$/],
  ];
  it.each(BAD)('refuses %s, naming the field', async (_what, doc, line) => {
    const res = await run(['config', 'validate', docFile(doc)]);
    expect(res.code).toBe(1);
    expect(res.out).toEqual([]);
    expect(res.err).toHaveLength(1);
    expect(res.err[0]).toMatch(line);
  });

  it('never echoes the value of a field that is not a setting (a secret in the wrong place)', async () => {
    const secret = 'do-not-print-me-0123456789abcdefghij';
    const res = await run(['config', 'validate', docFile({ edge_shared_secret: secret })]);
    expect(res).toMatchObject({ code: 1, err: ['settings: edge_shared_secret is not a setting'] });
    expect(JSON.stringify(res)).not.toContain(secret);
  });

  it('bad usage and unreadable files exit 2 and 1', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['config', 'check', docFile({})])).code).toBe(2);
    expect((await run(['config', 'validate'])).code).toBe(2);
    expect((await run(['config', 'validate', docFile({}), '--store-file', join(dir, 'x.json')])).code).toBe(2);
    expect((await run(['config', 'push', docFile({})])).code).toBe(2);
    expect((await run(['config', 'push', docFile({}), '--bogus', 'x'])).code).toBe(2);
    const missing = await run(['config', 'validate', join(dir, 'missing.json')]);
    expect(missing).toMatchObject({ code: 1, err: [expect.stringContaining('ENOENT')] });
  });
});

describe('config push --store-file', () => {
  it('writes the canonical document as `settings`, keeping the other entries; the edge loads exactly it', async () => {
    const store = join(dir, 'store-a.json');
    writeFileSync(store, JSON.stringify({ log_level: 'warn' }));
    const res = await run(['config', 'push', docFile(GOOD), '--store-file', store]);
    expect(res).toMatchObject({ code: 0, err: [] });
    const entries = JSON.parse(readFileSync(store, 'utf8')) as Record<string, string>;
    expect(entries.log_level).toBe('warn');
    const settings = JSON.parse(entries.settings!) as Record<string, unknown>;
    expect(settings).toMatchObject({ format: 1, https_only: false, key_cache_ttl: 120, not_found_ttl: 10, waf: { max_url_length: 4096, max_header_count: 64, disabled_rules: ['xss-005'] } });

    const platform = createNodePlatform({ originUrl: 'http://127.0.0.1:9', config: entries, secrets: { edge_shared_secret: 'k'.repeat(40) }, log: () => {} });
    const loaded = await loadEdgeConfig(platform);
    const { format: _format, ...expected } = settings;
    expect(loaded).toEqual({ ...expected, edge_shared_secret: 'k'.repeat(40) });
    const { edge_shared_secret: _secret, ...hit } = loaded;
    expect(cachedEdgeSettings(platform)).toEqual(hit);
  });

  it('a refused document writes nothing', async () => {
    const store = join(dir, 'store-b.json');
    expect((await run(['config', 'push', docFile(GOOD), '--store-file', store])).code).toBe(0);
    const before = readFileSync(store, 'utf8');
    const res = await run(['config', 'push', docFile({ ...GOOD, key_cache_ttl: 7200 }), '--store-file', store]);
    expect(res).toMatchObject({ code: 1, err: [expect.stringMatching(/^settings: key_cache_ttl /)] });
    expect(readFileSync(store, 'utf8')).toBe(before);
  });

  it('runs as `npm run edge -- config …` (tsx)', () => {
    const file = docFile({ waf: { max_header_count: 0 } });
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/edge-config.ts', 'config', 'validate', file], { stdio: 'pipe', encoding: 'utf8' });
    } catch (err) {
      const e = err as { status: number; stderr: string };
      expect(e.status).toBe(1);
      stderr = e.stderr;
    }
    expect(stderr).toMatch(/^settings: waf\.max_header_count /);
  }, 30_000);
});

describe('config push --fastly-store (a stand-in for api.fastly.com)', () => {
  let server: Server;
  let apiUrl: string;
  let status = 200;
  const received: { method: string; url: string; key: string | undefined; type: string | undefined; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', key: req.headers['fastly-key'] as string | undefined, type: req.headers['content-type'], body });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ item_key: 'settings' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('sets the `settings` item of the config store with the API token', async () => {
    received.length = 0;
    const token = 't'.repeat(32);
    const res = await run(['config', 'push', docFile(GOOD), '--fastly-store', 'Store123'], { FASTLY_API_URL: apiUrl, FASTLY_API_TOKEN: token });
    expect(res).toMatchObject({ code: 0, err: [] });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'PUT', url: '/resources/stores/config/Store123/item/settings', key: token, type: 'application/x-www-form-urlencoded' });
    const value = new URLSearchParams(received[0]!.body).get('item_value')!;
    expect(JSON.parse(value)).toMatchObject({ format: 1, https_only: false, key_cache_ttl: 120 });
    expect(JSON.stringify(res)).not.toContain(token);
  });

  it('sends nothing for a refused document, and fails on an API error or without a token', async () => {
    received.length = 0;
    const env = { FASTLY_API_URL: apiUrl, FASTLY_API_TOKEN: 't'.repeat(32) };
    expect((await run(['config', 'push', docFile({ cors: { max_age: -1 } }), '--fastly-store', 'Store123'], env)).err[0]).toMatch(/^settings: cors\.max_age /);
    expect(received).toHaveLength(0);
    expect((await run(['config', 'push', docFile(GOOD), '--fastly-store', 'Store123'], { FASTLY_API_URL: apiUrl })).code).toBe(2);
    expect((await run(['config', 'push', docFile(GOOD), '--fastly-store', '../x'], env)).code).toBe(2);
    expect(received).toHaveLength(0);
    status = 403;
    const refused = await run(['config', 'push', docFile(GOOD), '--fastly-store', 'Store123'], env);
    status = 200;
    expect(refused).toMatchObject({ code: 1, err: ['push failed: the Fastly API answered 403 for config store Store123'] });
  });
});
