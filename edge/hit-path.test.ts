/**
 * The hit fast path answers exactly as the chain does. Two Node edges in front of one stub
 * origin, same settings and clock: one serves fresh hits through the hit path, the other sends
 * everything through the chain. Every request goes to both; status, headers (names, values and
 * order on the wire), body, rate counters and log lines must be identical — and the fast edge
 * must actually have served the hits itself and declined everything else.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../shared/api-key.js';
import { INTROSPECT_PATH, type KeyIntrospection } from '../shared/internal-auth.js';
import { surrogateKeys } from '../shared/surrogate.js';
import { composeHitHeaders, hitHeaderList, type HitValues } from './hit-headers.js';
import { validateSettings } from './settings.js';
import type { HitOutcome, HitPathOptions, HitRequest } from './hit-path.js';
import { nodeHitRequest, startNodeEdge, type RunningEdge } from './node/server.js';
import { normaliseExchange as normalise, type Exchange } from '../test/helpers/exchange.js';

const SECRET = 's'.repeat(40);
const SPACE = 'space-1';
const OTHER_SPACE = 'space-2';
const keys = {
  read: generateApiKey('read'),
  preview: generateApiKey('preview'),
  otherSpace: generateApiKey('read'),
  unknown: generateApiKey('read'),
  admin: generateApiKey('admin'),
};
const records = new Map<string, KeyIntrospection>([
  [hashApiKey(keys.read), { valid: true, id: 'k-read', kind: 'read', space_id: SPACE }],
  [hashApiKey(keys.preview), { valid: true, id: 'k-preview', kind: 'preview', space_id: SPACE }],
  [hashApiKey(keys.otherSpace), { valid: true, id: 'k-other', kind: 'read', space_id: OTHER_SPACE }],
  [hashApiKey(keys.admin), { valid: true, id: 'k-admin', kind: 'admin', space_id: null }],
]);

/** A stand-in origin: key introspection and content with the headers a real origin sends (and some it should not). */
function startStubOrigin(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://origin');
    if (url.pathname === INTROSPECT_PATH) {
      const record = records.get(url.searchParams.get('token_hash') ?? '') ?? { valid: false };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: record }));
      return;
    }
    const space = req.headers['x-ghee-space-id'] ?? 'public';
    const common = { 'surrogate-key': `space:${String(space)} page:p1`, 'x-powered-by': 'Express', server: 'stub' };
    if (url.pathname.startsWith('/v2/pages/*/missing')) {
      res.writeHead(404, { ...common, 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ detail: 'Not found.', code: 'not_found', request_id: String(req.headers['x-request-id']) }));
      return;
    }
    if (url.pathname.startsWith('/v2/pages/*/private')) {
      res.writeHead(200, { ...common, 'content-type': 'application/json', 'cache-control': 'private' });
      res.end('{"data":"private"}');
      return;
    }
    if (url.pathname.startsWith('/v2/pages/*/untyped')) {
      res.writeHead(200, { ...common, 'surrogate-control': 'max-age=300' });
      res.end('{"data":"no content type"}');
      return;
    }
    if (url.pathname.startsWith('/assets/')) {
      res.writeHead(200, { ...common, 'content-type': 'image/png', 'surrogate-control': 'max-age=300', 'cache-control': 'public, max-age=3600' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
      return;
    }
    res.writeHead(200, {
      ...common,
      'content-type': 'application/json',
      'cache-control': 'max-age=60',
      'surrogate-control': 'max-age=300, stale-while-revalidate=30, stale-if-error=600',
      vary: 'Accept-Encoding',
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
      etag: '"v1"',
      'ratelimit-limit': '5',
    });
    res.end(JSON.stringify({ data: { path: url.pathname, query: url.search, space } }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function send(base: string, path: string, headers: Record<string, string | string[]> = {}, method = 'GET'): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers, agent: false }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.rawHeaders, body: Buffer.concat(chunks).toString('latin1') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}


const normaliseLog = (l: { level: string; message: string; fields?: Record<string, unknown> }) => {
  const fields = { ...l.fields };
  delete fields.ms;
  if (typeof fields.request_id === 'string' && /^[0-9a-f]{32}$/.test(fields.request_id)) fields.request_id = '<minted>';
  return { level: l.level, message: l.message, fields };
};

interface Pair {
  fast: RunningEdge;
  chain: RunningEdge;
  logs: { fast: ReturnType<typeof normaliseLog>[]; chain: ReturnType<typeof normaliseLog>[] };
  /** What the fast edge's hit path decided, in order. */
  outcomes: HitOutcome[];
}

let origin: Server;
let originUrl: string;
let clock = 1_750_000_000_000;

/** The two ways the hit path authenticates a token: memoised parse + hash (Node), or one hash per request with the checksum left to the key record (Fastly). */
const MODES = [
  { mode: 'memoised parse and hash (Node)', hits: {} },
  { mode: 'one hash per request (Fastly)', hits: { hashToken: hashApiKey } },
] as const;

async function startPair(config: Record<string, string>, hits: Omit<HitPathOptions, 'config'> = {}): Promise<Pair> {
  const logs: Pair['logs'] = { fast: [], chain: [] };
  const start = (fastHits: boolean, sink: Pair['logs']['fast']) =>
    startNodeEdge({
      originUrl,
      secrets: { edge_shared_secret: SECRET },
      config: { https_only: 'false', ...config },
      now: () => clock,
      log: (level, message, fields) => sink.push(normaliseLog({ level, message, ...(fields ? { fields } : {}) })),
      // Every request's line, so both sides' lines are compared one for one.
      accessLog: 'all',
      fastHits,
      ...(fastHits ? { hits } : {}),
    });
  const fast = await start(true, logs.fast);
  const chain = await start(false, logs.chain);
  const outcomes: HitOutcome[] = [];
  const serve = fast.edge.hits.serve.bind(fast.edge.hits);
  fast.edge.hits.serve = async (req: HitRequest) => {
    const outcome = await serve(req);
    outcomes.push(outcome);
    return outcome;
  };
  return { fast, chain, logs, outcomes };
}

/** Sends the request to both edges; asserts identical answers; returns the fast edge's and whether the hit path served it. */
async function both(pair: Pair, path: string, headers: Record<string, string | string[]> = {}, method = 'GET'): Promise<{ res: Exchange; served: boolean; reason?: string }> {
  const before = pair.outcomes.length;
  const fast = await send(pair.fast.url, path, headers, method);
  const chain = await send(pair.chain.url, path, headers, method);
  const a = normalise(fast);
  const b = normalise(chain);
  // Header names are compared case-insensitively only where node writes its own (Date, Connection, Keep-Alive, Content-Length).
  expect(a, `${method} ${path}`).toEqual(b);
  const outcome = pair.outcomes.length > before ? pair.outcomes[pair.outcomes.length - 1] : undefined;
  if (outcome?.served) {
    // Fastly's rendering (the list a Response takes) is Node's (the flat list).
    const h = new Headers(outcome.headerList());
    const flat: string[] = [];
    h.forEach((v, k) => flat.push(k, v));
    expect(flat).toEqual(outcome.headers());
  }
  return { res: fast, served: outcome?.served === true, ...(outcome && !outcome.served ? { reason: outcome.reason } : {}) };
}

const header = (x: Exchange, name: string) => {
  for (let i = 0; i < x.headers.length; i += 2) if (x.headers[i]!.toLowerCase() === name) return x.headers[i + 1];
  return undefined;
};

beforeAll(async () => {
  origin = await startStubOrigin();
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => origin.close(r));
});

describe.each(MODES)('hit path ≡ chain — $mode', ({ hits }) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair({
      cors: JSON.stringify({ any: ['https://any.example'], spaces: { [SPACE]: ['https://space.example'], [OTHER_SPACE]: ['*'] } }),
      rate_limits: JSON.stringify({ content: { ip: { rps: 10_000 }, key: { rps: 10_000 } }, assets: { ip: { rps: 10_000 } } }),
    }, hits);
  });
  afterAll(async () => {
    await pair.fast.close();
    await pair.chain.close();
  });
  afterEach(() => {
    expect(pair.logs.fast).toEqual(pair.logs.chain);
    expect(pair.fast.platform.rates.stats()).toEqual(pair.chain.platform.rates.stats());
  });

  it('serves fresh content hits itself: the same bytes, headers (and their order) and log lines as the chain', async () => {
    const path = `/v2/pages/*/home/?b=2&a=1&auth_token=${keys.read}`;
    const miss = await both(pair, path);
    expect(miss.res.status).toBe(200);
    expect(header(miss.res, 'x-cache')).toBe('MISS');
    expect(miss.served).toBe(false);
    for (let i = 0; i < 3; i++) {
      const hit = await both(pair, path);
      expect(header(hit.res, 'x-cache')).toBe('HIT');
      expect(hit.served).toBe(true);
      expect(header(hit.res, 'access-control-allow-origin')).toBeUndefined();
      expect(header(hit.res, 'x-powered-by')).toBeUndefined();
      expect(header(hit.res, 'vary')).toBe('Accept-Encoding, Origin');
      expect(header(hit.res, 'ratelimit-limit')).toBe('100000');
    }
    clock += 7_000;
    const aged = await both(pair, path);
    expect(aged.served).toBe(true);
    expect(header(aged.res, 'age')).toBe('7');
  });

  it('every token transport, request ids given or minted, CORS allowed per space or not', async () => {
    const path = '/v2/pages/*/transport/';
    await both(pair, `${path}?auth_token=${keys.read}`);
    const variants: Record<string, string | string[]>[] = [
      { authorization: `Token ${keys.read}` },
      { authorization: `Bearer ${keys.read}` },
      { authorization: `bearer   ${keys.read}  ` },
      { 'x-request-id': 'client-trace-0001' },
      { 'x-request-id': 'bad id!' },
      { origin: 'https://any.example' },
      { origin: 'https://space.example' },
      { origin: 'https://elsewhere.example' },
      { origin: 'null' },
      { origin: 'https://space.example/' },
      { origin: 'https://space.example', 'x-request-id': 'trace-with-origin' },
    ];
    for (const h of variants) {
      const withToken = h.authorization ? h : { ...h };
      const p = h.authorization ? path : `${path}?auth_token=${keys.read}`;
      const r = await both(pair, p, withToken);
      expect(r.res.status, JSON.stringify(h)).toBe(200);
    }
    // The other space lists `*`: answered as `*` for its key.
    await both(pair, `${path}?auth_token=${keys.otherSpace}`, { origin: 'https://whoever.example' });
    const star = await both(pair, `${path}?auth_token=${keys.otherSpace}`, { origin: 'https://whoever.example' });
    expect(star.served).toBe(true);
    expect(header(star.res, 'access-control-allow-origin')).toBe('*');
    expect(header(star.res, 'access-control-expose-headers')).toContain('x-request-id');
  });

  it('preview needs a preview key; read keys are refused on the chain', async () => {
    await both(pair, `/v2/pages/*/draft/?preview=1&auth_token=${keys.preview}`);
    const hit = await both(pair, `/v2/pages/*/draft/?preview=1&auth_token=${keys.preview}`);
    expect(hit.served).toBe(true);
    const refused = await both(pair, `/v2/pages/*/draft/?preview=1&auth_token=${keys.read}`);
    expect(refused.res.status).toBe(403);
    expect(refused.served).toBe(false);
    expect(refused.reason).toBe('key: preview_forbidden');
  });

  it('missing, malformed, unknown and admin keys are answered by the chain (counted once)', async () => {
    const cases: [string, Record<string, string>, number][] = [
      ['/v2/pages/*/home/', {}, 401],
      ['/v2/pages/*/home/?auth_token=nope', {}, 401],
      [`/v2/pages/*/home/?auth_token=${keys.read.slice(0, -1)}${keys.read.endsWith('x') ? 'y' : 'x'}`, {}, 401], // its last character changed (a random key may end in x)
      [`/v2/pages/*/home/?auth_token=${keys.unknown}`, {}, 401],
      [`/v2/pages/*/home/?auth_token=${keys.admin}`, {}, 401],
      ['/v2/pages/*/home/', { authorization: 'Basic abc' }, 401],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [path, h, status] of cases) {
        const r = await both(pair, path, h);
        expect(r.res.status, path).toBe(status);
        expect(r.served).toBe(false);
      }
    }
  });

  it('a revoked key is refused on the very next request after its purge', async () => {
    const revoked = generateApiKey('read'); // one per run: this test revokes it
    records.set(hashApiKey(revoked), { valid: true, id: 'k-revoked', kind: 'read', space_id: SPACE });
    const path = `/v2/pages/*/home/?auth_token=${revoked}`;
    await both(pair, path);
    expect((await both(pair, path)).served).toBe(true);
    records.set(hashApiKey(revoked), { valid: false });
    for (const e of [pair.fast, pair.chain]) await e.platform.cache.purgeSurrogateKey(surrogateKeys.apiKey('k-revoked'), { soft: false });
    const refused = await both(pair, path);
    expect(refused.res.status).toBe(401);
    expect(refused.served).toBe(false);
    expect(refused.reason).toBe('key record not fresh');
  });

  it('purged, stale and expired content goes to the chain (STALE, MISS), then is served again', async () => {
    const path = `/v2/pages/*/soft/?auth_token=${keys.read}`;
    await both(pair, path);
    expect((await both(pair, path)).served).toBe(true);
    for (const e of [pair.fast, pair.chain]) await e.platform.cache.purgeSurrogateKey(surrogateKeys.space(SPACE), { soft: true });
    const stale = await both(pair, path);
    expect(header(stale.res, 'x-cache')).toBe('STALE');
    expect(stale.reason).toBe('content not fresh');
    await new Promise((r) => setTimeout(r, 50)); // background revalidation
    expect((await both(pair, path)).served).toBe(true);
    clock += 301_000; // past max-age (and the key records' TTL)
    const expired = await both(pair, path);
    expect(expired.served).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect((await both(pair, path)).served).toBe(true);
  });

  it('cached 404s, uncacheable responses and objects without Content-Type go to the chain', async () => {
    for (const path of ['/v2/pages/*/missing/', '/v2/pages/*/private/', '/v2/pages/*/untyped/']) {
      for (let i = 0; i < 3; i++) {
        const r = await both(pair, `${path}?auth_token=${keys.read}`);
        if (i > 0) expect(r.served, path).toBe(false);
      }
    }
    expect(pair.outcomes.filter((o) => !o.served).map((o) => (o.served ? '' : o.reason))).toEqual(expect.arrayContaining(['not a 200', 'headers not reproducible']));
  });

  it('public assets hit without a key; HEAD, other methods and other routes go to the chain', async () => {
    await both(pair, '/assets/s1/a1/logo.png');
    const hit = await both(pair, '/assets/s1/a1/logo.png', { origin: 'https://any.example' });
    expect(hit.served).toBe(true);
    expect(header(hit.res, 'content-type')).toBe('image/png');
    const head = await both(pair, '/assets/s1/a1/logo.png', {}, 'HEAD');
    expect(head.served).toBe(false);
    for (const [method, path] of [
      ['OPTIONS', '/assets/s1/a1/logo.png'],
      ['DELETE', `/v2/pages/*/home/?auth_token=${keys.read}`],
      ['GET', '/.edge/health'],
      ['GET', '/elsewhere'],
      ['GET', `/v2?auth_token=${keys.read}`],
    ] as const) {
      const r = await both(pair, path, method === 'OPTIONS' ? { origin: 'https://any.example', 'access-control-request-method': 'GET' } : {}, method);
      expect(r.served, `${method} ${path}`).toBe(false);
    }
  });

  it('the WAF: attacks, encodings, size limits and odd requests are all the chain’s; harmless encodings are hits', async () => {
    const key = `auth_token=${keys.read}`;
    await both(pair, `/v2/pages/*/home/?q=hello%20world&${key}`);
    const encoded = await both(pair, `/v2/pages/*/home/?q=hello%20world&${key}`);
    expect(encoded.served).toBe(true);
    const blocked: [string, Record<string, string | string[]>][] = [
      [`/v2/pages/*/home/?q=${encodeURIComponent("' or 1=1 --")}&${key}`, {}],
      [`/v2/pages/*/home/?q=${encodeURIComponent('<script>alert(1)</script>')}&${key}`, {}],
      [`/v2/pages/*/unionselect/?${key}`, {}],
      [`/v2/pages/*/x/?q=%zz&${key}`, {}],
      [`/v2/pages/*/../../etc/passwd?${key}`, {}],
      [`/v2/pages/*/x/?q=${'a'.repeat(3000)}&${key}`, {}],
      [`/v2/pages/*/x/?${Array.from({ length: 40 }, (_, i) => `p${i}=1`).join('&')}&${key}`, {}],
      [`/v2/pages/*/home/?${key}`, Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`x-h${i}`, '1']))],
      [`/v2/pages/*/home/?${key}`, { 'x-big': 'b'.repeat(17_000) }],
      [`/v2/pages/*/home/?${key}`, { 'content-length': '0' }],
      [`/v2/pages/*/home/?${key}`, { 'x-request-id': ['dup-id-00001', 'dup-id-00002'] }],
    ];
    for (const [path, h] of blocked) {
      const r = await both(pair, path, h);
      expect(r.served, path.slice(0, 80)).toBe(false);
    }
  });
});

describe.each(MODES)('hit path ≡ chain under rate limits — $mode', ({ hits }) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair({
      rate_limits: JSON.stringify({ penalty_box_ttl: 60, content: { ip: { rps: 0.8, window: 10 }, key: { rps: 0.4, window: 10 } }, assets: { ip: { rps: 0.3, window: 10 } } }),
    }, hits);
  });
  afterAll(async () => {
    await pair.fast.close();
    await pair.chain.close();
  });

  it('counts each request once, refuses and penalises identically, by key and by IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await both(pair, `/v2/pages/*/home/?auth_token=${keys.read}`)).res.status);
    for (let i = 0; i < 3; i++) statuses.push((await both(pair, `/v2/pages/*/home/?auth_token=${keys.preview}`)).res.status);
    for (let i = 0; i < 5; i++) statuses.push((await both(pair, '/assets/s1/a1/logo.png')).res.status);
    // Key limit 4 per 10 s, IP limit 8 (content) and 3 (assets).
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 200, 429, 429, 200, 200, 200, 429, 429]);
    expect(pair.outcomes.some((o) => o.served)).toBe(true);
    expect(pair.outcomes.filter((o) => !o.served && o.reason === 'rate limited').length).toBeGreaterThan(0);
    expect(pair.fast.platform.rates.stats()).toEqual(pair.chain.platform.rates.stats());
    expect(pair.logs.fast).toEqual(pair.logs.chain);
    // Past the window and the penalty box: allowed again, on both.
    clock += 120_000;
    for (let i = 0; i < 2; i++) expect((await both(pair, `/v2/pages/*/home/?auth_token=${keys.read}`)).res.status).toBe(200);
    expect(pair.logs.fast).toEqual(pair.logs.chain);
  });
});

describe('hitHeaderList (the list a Fastly hit Response takes)', () => {
  const NAMES = ['Content-Type', 'content-type', 'Vary', 'vary', 'VARY', 'Age', 'X-Cache', 'x-request-id', 'Access-Control-Allow-Origin', 'access-control-max-age', 'Access-Control-Expose-Headers', 'Server', 'X-Powered-By', 'Strict-Transport-Security', 'x-frame-options', 'RateLimit-Limit', 'ratelimit-policy', 'Surrogate-Key', 'Cache-Control', 'ETag', 'x-custom'];
  const VALUES = ['', ' ', 'a', ' padded\t', 'Origin', 'origin', 'accept-encoding', '*', 'Accept, Origin', ' , ', 'x  y', 'application/json'];
  const VARIANTS: HitValues[] = [
    { age: '0', rateLimit: null, allowed: null, requestId: 'r1' },
    { age: '12', rateLimit: ['100', '99', '1', '100;w=1'], allowed: null, requestId: 'r2' },
    { age: '3', rateLimit: null, allowed: '*', requestId: 'r3' },
    { age: '4', rateLimit: ['10', '0', '60', '10;w=60'], allowed: 'https://app.example', requestId: 'r4' },
  ];
  const flat = (h: Headers) => {
    const out: string[] = [];
    h.forEach((value, name) => out.push(name, value));
    return out;
  };

  it('equals composeHitHeaders applied to the stored headers, on generated header sets', () => {
    let seed = 20261130;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648; // test data only
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const stored: [string, string][] = [];
      for (let j = next(9); j > 0; j--) stored.push([NAMES[next(NAMES.length)]!, VALUES[next(VALUES.length)]!]);
      const values = VARIANTS[i % VARIANTS.length]!;
      const composed = new Headers(stored);
      composeHitHeaders(composed, values);
      expect(flat(new Headers(hitHeaderList(stored, values))), JSON.stringify({ stored, values })).toEqual(flat(composed));
    }
  });

  it('keeps upstream RateLimit-* when rate limiting is off, and replaces them when on', () => {
    const stored: [string, string][] = [['content-type', 'application/json'], ['RateLimit-Limit', '5']];
    expect(new Headers(hitHeaderList(stored, VARIANTS[0]!)).get('ratelimit-limit')).toBe('5');
    expect(new Headers(hitHeaderList(stored, VARIANTS[1]!)).get('ratelimit-limit')).toBe('100');
  });
});

describe.each(MODES)('hit path ≡ chain with the settings as one document — $mode', ({ hits }) => {
  let pair: Pair;
  beforeAll(async () => {
    const document = validateSettings(
      JSON.stringify({
        https_only: false,
        cors: { spaces: { [SPACE]: ['https://space.example'] } },
        rate_limits: { content: { ip: { rps: 10_000 }, key: { rps: 10_000 } } },
        waf: { max_query_params: 4 },
      }),
    );
    if (!document.ok) throw new Error(document.error);
    pair = await startPair({ settings: document.canonical, https_only: 'true' }, hits); // the separate key is ignored beside the document
  });
  afterAll(async () => {
    await pair.fast.close();
    await pair.chain.close();
  });
  afterEach(() => {
    expect(pair.logs.fast).toEqual(pair.logs.chain);
    expect(pair.fast.platform.rates.stats()).toEqual(pair.chain.platform.rates.stats());
  });

  it('serves hits as the chain does, under the document’s CORS, rate limits and WAF limits', async () => {
    const path = `/v2/pages/*/document/?auth_token=${keys.read}`;
    expect((await both(pair, path)).served).toBe(false);
    const hit = await both(pair, path, { origin: 'https://space.example' });
    expect(hit.served).toBe(true);
    expect(header(hit.res, 'access-control-allow-origin')).toBe('https://space.example');
    expect(header(hit.res, 'ratelimit-limit')).toBe('100000');
    const tooMany = await both(pair, `${path}&a=1&b=2&c=3&d=4`);
    expect(tooMany).toMatchObject({ served: false, reason: 'waf: target' });
    expect(tooMany.res.status).toBe(414);
  });
});

describe('hit path declines', () => {
  it('before the chain has loaded the settings, and on platforms without a fresh lookup', async () => {
    const edge = await startNodeEdge({ originUrl, secrets: { edge_shared_secret: SECRET }, config: { https_only: 'false' }, log: () => {} });
    try {
      const req: HitRequest = {
        method: 'GET',
        url: `${edge.url}/v2/pages/*/home/?auth_token=${keys.read}`,
        rawTarget: `/v2/pages/*/home/?auth_token=${keys.read}`,
        header: () => undefined,
        headerCount: 1,
        headerBytes: 20,
        clientIp: '127.0.0.1',
      };
      expect(await edge.edge.hits.serve(req)).toEqual({ served: false, reason: 'config not loaded' });
      await send(edge.url, req.rawTarget!);
      await send(edge.url, req.rawTarget!);
      expect((await edge.edge.hits.serve(req)).served).toBe(true);
      expect(await edge.edge.hits.serve({ ...req, method: 'HEAD' })).toEqual({ served: false, reason: 'not a GET' });
      // A different raw target for the same URL is never mixed up with the remembered one.
      expect(await edge.edge.hits.serve({ ...req, rawTarget: '/v2/pages/*/../home/' })).toMatchObject({ served: false, reason: 'waf: target' });
    } finally {
      await edge.close();
    }
  });

  it('HTTPS-only redirects stay the chain’s', async () => {
    const edge = await startNodeEdge({ originUrl, secrets: { edge_shared_secret: SECRET }, config: { https_only: 'true' }, log: () => {} });
    try {
      await send(edge.url, '/.edge/health');
      const res = await send(edge.url, `/v2/pages/*/home/?auth_token=${keys.read}`);
      expect(res.status).toBe(301);
    } finally {
      await edge.close();
    }
  });
});

describe('nodeHitRequest', () => {
  const incoming = (over: Partial<{ method: string; url: string; rawHeaders: string[]; encrypted: boolean }>) => {
    const rawHeaders = over.rawHeaders ?? ['Host', 'edge.example:8443', 'Authorization', 'Token x'];
    const headers: Record<string, string | string[]> = {};
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toLowerCase();
      const prior = headers[name];
      headers[name] = prior === undefined ? rawHeaders[i + 1]! : `${String(prior)}, ${rawHeaders[i + 1]!}`;
    }
    return {
      method: over.method ?? 'GET',
      url: over.url ?? '/v2/pages/*/home/?a=1',
      rawHeaders,
      headers,
      socket: { encrypted: over.encrypted, remoteAddress: '192.0.2.7' },
    } as unknown as IncomingMessage;
  };

  it('describes a plain GET as the chain sees it', () => {
    const view = nodeHitRequest(incoming({}))!;
    expect(view.url).toBe('http://edge.example:8443/v2/pages/*/home/?a=1');
    expect(view.rawTarget).toBe('/v2/pages/*/home/?a=1');
    expect(view.header('authorization')).toBe('Token x');
    expect(view.header('origin')).toBeUndefined();
    expect(view.headerCount).toBe(2);
    expect(view.headerBytes).toBe('host'.length + 'edge.example:8443'.length + 'authorization'.length + 'Token x'.length);
    expect(view.clientIp).toBe('192.0.2.7');
    expect(nodeHitRequest(incoming({ encrypted: true }))!.url).toBe('https://edge.example:8443/v2/pages/*/home/?a=1');
    // Targets node-server normalises are normalised the same way; the raw target stays as received (the WAF reads both).
    const dots = nodeHitRequest(incoming({ url: '/v2/pages/./x/../home/?q=%41 b' }))!;
    expect(dots.url).toBe('http://edge.example:8443/v2/pages/home/?q=%41%20b');
    expect(dots.rawTarget).toBe('/v2/pages/./x/../home/?q=%41 b');
    expect(nodeHitRequest(incoming({ url: '/v2/pages/?q=a\\b' }))!.url).toBe('http://edge.example:8443/v2/pages/?q=a\\b');
  });

  it('refuses what it cannot describe exactly', () => {
    const bad = [
      incoming({ method: 'HEAD' }),
      incoming({ method: 'POST' }),
      incoming({ url: 'http://edge.example/v2/pages/' }),
      incoming({ url: '*' }),
      incoming({ url: '/v2/pages/\\home/' }),
      incoming({ rawHeaders: ['Host', 'edge.example', 'X-A', '1', 'x-a', '2'] }),
      incoming({ rawHeaders: ['Host', 'edge.example', 'X-A', ' padded'] }),
      incoming({ rawHeaders: ['Host', 'edge.example', 'X-A', 'padded\t'] }),
      incoming({ rawHeaders: ['X-A', '1'] }),
      incoming({ rawHeaders: ['Host', 'Edge.Example'] }),
      incoming({ rawHeaders: ['Host', 'edge.example:80'] }),
      incoming({ rawHeaders: ['Host', 'a@b'] }),
    ];
    for (const req of bad) expect(nodeHitRequest(req), `${req.method} ${req.url} ${req.rawHeaders.join(' ')}`).toBeNull();
  });
});
