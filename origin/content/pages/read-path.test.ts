/**
 * The page-read fast path (origin/content/pages/read-path.ts) answers exactly as the chain does. Two origins on
 * one database, same settings and clock: one with the read path in front of Hono, one sending
 * every request through Hono. Every request goes to both; status, headers (names, values and
 * their order on the wire), body, key-usage touches and log lines must be identical — and the
 * fast origin must have served the plain reads itself and handed everything else to the chain.
 */
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../../../shared/api-key.js';
import { signAssertion } from '../../../shared/edge-assertion.js';
import { newApp } from '../../app.js';
import { loadOriginConfig, type OriginConfig } from '../../config.js';
import { devEnvelope } from '../../crypto/envelope.js';
import type { Database } from '../../db/client.js';
import { apiKeys, pages, spaces } from '../../db/schema/index.js';
import { seedDemo, type DemoSeed } from '../../db/seed.js';
import { createLogger } from '../../logger.js';
import { readPathOf, type ReadPath } from './read-path.js';
import { CREDENTIAL_USE_CHANNEL } from '../../http/signals.js';
import { listen, type RunningServer } from '../../server.js';
import { issueApiKey } from '../../identity/keys/api-keys.js';
import { MAX_LOOKUPS_PER_QUERY, findKeyAndPublishedPage, findKeysAndPublishedPages, rawQuery, type KeyPageLookup } from './pages.js';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { LogSink } from '../../../test/helpers/stack.js';
import { selfSignedCert } from '../../../test/helpers/tls.js';
import { normaliseExchange as normalise, type Exchange } from '../../../test/helpers/exchange.js';
import { addPage as addPageTo, seedReadFixture, type TestPage } from '../../../test/helpers/pages.js';

/** Seconds since the epoch, fixed: both origins see the same time (key expiry, touch times). */
const NOW = Math.floor(Date.now() / 1000);

interface Side {
  server: RunningServer;
  logs: LogSink;
  touches: string[];
}

interface Pair {
  fast: Side;
  chain: Side;
  readPath: ReadPath;
  ca?: string;
}

function send(base: string, path: string, headers: Record<string, string | string[]> = {}, method = 'GET', ca?: string): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    };
    const req = ca ? httpsRequest(`${base}${path}`, { method, headers, agent: false, ca }, onResponse) : httpRequest(`${base}${path}`, { method, headers, agent: false }, onResponse);
    req.on('error', reject);
    req.end();
  });
}

/** Sends the requests down one connection in one write (HTTP/1.1 pipelining: the server parses them together) and reads the answers in order. */
function pipelined(base: string, requests: { path: string; headers?: Record<string, string> }[]): Promise<Exchange[]> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let buf = Buffer.alloc(0);
    const out: Exchange[] = [];
    const parse = () => {
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const [statusLine, ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
        const headers: string[] = [];
        for (const line of lines) {
          const colon = line.indexOf(':');
          headers.push(line.slice(0, colon), line.slice(colon + 1).trim());
        }
        const length = header({ status: 0, headers, body: '' }, 'content-length');
        if (length === undefined) throw new Error(`no content-length: ${statusLine}`);
        if (buf.length < end + 4 + Number(length)) return;
        out.push({ status: Number(statusLine!.split(' ')[1]), headers, body: buf.subarray(end + 4, end + 4 + Number(length)).toString('utf8') });
        buf = buf.subarray(end + 4 + Number(length));
        if (out.length === requests.length) {
          socket.end();
          resolve(out);
          return;
        }
      }
    };
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      try {
        parse();
      } catch (err) {
        socket.destroy();
        reject(err as Error);
      }
    });
    socket.on('error', reject);
    socket.on('connect', () => {
      const text = requests.map((r) => {
        const extra = Object.entries(r.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
        return `GET ${r.path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${extra}\r\n`;
      });
      socket.write(text.join(''));
    });
  });
}


/** The log lines written since the last call, without their time and duration (and with a minted request id as a placeholder). */
function drainLogs(sink: LogSink): Record<string, unknown>[] {
  // The security rules engine is process-wide (origin/ops/security): its lines land in the logger
  // of the app built last, whichever side observed; what each side told it is compared as
  // `credentialUses` instead.
  const lines = sink.lines
    .splice(0)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.component !== 'security');
  return lines.map((line) => {
    const { time: _time, ms, ...rest } = line;
    if (typeof rest.request_id === 'string' && /^[0-9a-f]{32}$/.test(rest.request_id)) rest.request_id = '<minted>';
    return { ...rest, ...(ms === undefined ? {} : { ms: typeof ms }) };
  });
}

const header = (x: Exchange, name: string) => {
  for (let i = 0; i < x.headers.length; i += 2) if (x.headers[i]!.toLowerCase() === name) return x.headers[i + 1];
  return undefined;
};

let database: TestDatabase;
let seed: DemoSeed;
let config: OriginConfig;
let secret: string;
let pair: Pair;
const spareKeys: Record<string, string> = {};
let otherSpaceId: string;

async function startSide(fastReads: boolean, cfg: OriginConfig, db: Database = database): Promise<Side & { readPath: ReadPath | undefined }> {
  const logs = new LogSink();
  const logger = createLogger('info', logs);
  const touches: string[] = [];
  const app = newApp({
    config: cfg,
    database: db,
    logger,
    envelope: devEnvelope(),
    now: () => NOW,
    keyUsage: { touch: (id, at) => touches.push(`${id}@${at.toISOString()}`) },
  });
  const server = await listen(app, cfg, logger, { fastReads });
  logs.lines.length = 0; // the "listening" line
  return { server, logs, touches, readPath: readPathOf(app) };
}

async function startPair(cfg: OriginConfig, db: Database = database, ca?: string): Promise<Pair> {
  const fast = await startSide(true, cfg, db);
  const chain = await startSide(false, cfg, db);
  if (!fast.readPath) throw new Error('no read path for this database');
  return { fast, chain, readPath: fast.readPath, ...(ca ? { ca } : {}) };
}

async function stopPair(p: Pair | undefined): Promise<void> {
  await p?.fast.server.close();
  await p?.chain.server.close();
}

/** What the readers tell the security rules (origin/http/signals.ts), in order; split per side by `both`. */
const credentialUses: unknown[] = [];
const onCredentialUse = (m: unknown) => credentialUses.push(m);
subscribe(CREDENTIAL_USE_CHANNEL, onCredentialUse);
afterAll(() => unsubscribe(CREDENTIAL_USE_CHANNEL, onCredentialUse));

/** Sends the request to both origins; asserts identical answers, touches, credential uses and logs; returns the fast origin's answer and whether the read path served it. */
async function both(p: Pair, path: string, headers: Record<string, string | string[]> = {}, method = 'GET'): Promise<{ res: Exchange; served: boolean }> {
  const before = { ...p.readPath.counts };
  credentialUses.length = 0;
  const fast = await send(p.fast.server.url, path, headers, method, p.ca);
  const usesFast = credentialUses.splice(0);
  const chain = await send(p.chain.server.url, path, headers, method, p.ca);
  const usesChain = credentialUses.splice(0);
  const served = p.readPath.counts.served - before.served;
  const declined = p.readPath.counts.declined - before.declined;
  // Drained before comparing, so a failure here leaves nothing behind for the next request.
  const touches = { fast: p.fast.touches.splice(0), chain: p.chain.touches.splice(0) };
  const logs = { fast: drainLogs(p.fast.logs), chain: drainLogs(p.chain.logs) };
  const what = `${method} ${path} ${JSON.stringify(headers)}`;
  expect(served + declined, `${what}: one decision per request`).toBe(1);
  expect(normalise(fast), what).toEqual(normalise(chain));
  expect(touches.fast, `touches: ${what}`).toEqual(touches.chain);
  // The organization is the key's: the chain knows it for a directly presented key; the engine reads it otherwise.
  const anyOrg = (uses: unknown[]) => uses.map((u) => ({ ...(u as Record<string, unknown>), organizationId: '<org>' }));
  expect(anyOrg(usesFast), `credential uses: ${what}`).toEqual(anyOrg(usesChain));
  expect(logs.fast, `logs: ${what}`).toEqual(logs.chain);
  return { res: fast, served: served === 1 };
}

const addPage = (p: TestPage) => addPageTo(database.db, seed.spaceId, p);

const newKey = async (kind: 'read' | 'preview', extra: { expiresAt?: Date; spaceId?: string } = {}) =>
  issueApiKey(database.db, { organizationId: seed.organizationId, spaceId: extra.spaceId ?? seed.spaceId, kind, name: kind, expiresAt: extra.expiresAt ?? null });

beforeAll(async () => {
  secret = randomBytes(32).toString('hex');
  // The origin's rate limits have their own fast path ≡ chain test (test/integration/origin-rate-limit.test.ts).
  config = loadOriginConfig({ ORIGIN_PORT: '0', LOG_LEVEL: 'info', EDGE_SHARED_SECRET: secret, SHUTDOWN_TIMEOUT_MS: '2000', HIBP_URL: 'off', ORIGIN_RATE_LIMIT: 'false' });
  database = await createTestDatabase();
  seed = (await seedDemo(database.db))!;
  const db = database.db;
  await seedReadFixture(db, seed.spaceId);
  await addPage({ slug: 'gone', fields: { title: 'Gone' } });
  // Locales the route refuses (stored anyway): the parameter check, not a missing page, must answer.
  await addPage({ slug: 'home', locale: 'x1', fields: { headline: 'unreachable' } });
  await addPage({ slug: 'home', locale: 'EN', fields: { headline: 'unreachable' } });
  await db.update(pages).set({ deletedAt: new Date() }).where(eq(pages.slug, 'gone'));
  await addPage({ slug: 'only-in-a', fields: { secret: 'space A only' } });
  const [other] = await db.insert(spaces).values({ organizationId: seed.organizationId, slug: 'other', name: 'Other' }).returning();
  otherSpaceId = other!.id;
  await addPage({ slug: 'shared', fields: { owner: 'space A' } });
  await addPage({ slug: 'shared', fields: { owner: 'space B' }, spaceId: otherSpaceId });

  const revoked = await newKey('read');
  await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, revoked.id));
  spareKeys.revoked = revoked.token;
  spareKeys.expired = (await newKey('read', { expiresAt: new Date((NOW - 60) * 1000) })).token;
  spareKeys.later = (await newKey('read', { expiresAt: new Date((NOW + 3600) * 1000) })).token;
  spareKeys.other = (await newKey('read', { spaceId: otherSpaceId })).token;
  pair = await startPair(config);
});

afterAll(async () => {
  await stopPair(pair);
  await database?.dispose();
});

describe('read path ≡ chain', () => {
  afterEach(() => {
    expect(pair.fast.touches).toEqual([]);
    expect(pair.chain.touches).toEqual([]);
  });

  it('serves plain reads itself: the same bytes, headers (and their order), touch and log line as the chain', async () => {
    for (const path of ['/v2/pages/*/home/', '/v2/pages/*/home', '/v2/pages/plain/p1/', '/v2/pages/*/p1', '/v2/pages/*/home/?locale=fr', '/v2/pages/*/home/?locale=en']) {
      const { res, served } = await both(pair, `${path}${path.includes('?') ? '&' : '?'}auth_token=${seed.keys.read}`);
      expect(res.status, path).toBe(200);
      expect(served, path).toBe(true);
      expect(header(res, 'x-request-id')).toMatch(/^[0-9a-f]{32}$/);
      expect(header(res, 'strict-transport-security')).toBeDefined();
      expect(header(res, 'surrogate-key')).toContain(`space:${seed.spaceId}`);
    }
    const fr = await both(pair, `/v2/pages/*/home/?auth_token=${seed.keys.read}&locale=fr`);
    expect(fr.served).toBe(true);
    expect(JSON.parse(fr.res.body)).toMatchObject({ data: { fields: { headline: 'Bienvenue' } } });
    const typed = await both(pair, `/v2/pages/*/p1/?levels=3&auth_token=${seed.keys.read}`);
    expect(typed.served).toBe(true);
    expect(JSON.parse(typed.res.body)).toMatchObject({ data: { page_type: 'plain', fields: { note: 'a "quoted" ünïcode → value' } } });
  });

  it('every key kind with a space, and every token transport', async () => {
    for (const key of [seed.keys.read, seed.keys.preview, seed.keys.write, spareKeys.later!]) {
      expect((await both(pair, `/v2/pages/*/home/?auth_token=${key}`)).served).toBe(true);
    }
    const path = '/v2/pages/*/home/';
    const served: Record<string, string>[] = [
      { authorization: `Token ${seed.keys.read}` },
      { authorization: `Bearer ${seed.keys.read}` },
      { authorization: `bearer   ${seed.keys.read}` },
      { authorization: `TOKEN\t${seed.keys.preview}` },
    ];
    for (const h of served) expect((await both(pair, path, h)).served, JSON.stringify(h)).toBe(true);
    // A well-formed header wins over the query; a header of another scheme leaves the query's token.
    expect((await both(pair, `${path}?auth_token=not-a-key`, { authorization: `Token ${seed.keys.read}` })).served).toBe(true);
    expect((await both(pair, `${path}?auth_token=${seed.keys.read}`, { authorization: 'Basic dXNlcjpwYXNz' })).served).toBe(true);
    expect((await both(pair, `${path}?auth_token=${seed.keys.read}`, { authorization: '' })).served).toBe(true);
    const header401 = await both(pair, `${path}?auth_token=${seed.keys.read}`, { authorization: `Token ${generateApiKey('read')}` });
    expect(header401).toMatchObject({ served: false, res: { status: 401 } });
    expect((await both(pair, path, { authorization: `Token ${seed.keys.read} extra` })).res.status).toBe(401);
    const twice = await both(pair, path, { authorization: [`Token ${seed.keys.read}`, `Token ${seed.keys.preview}`] });
    expect(twice.served).toBe(false);
  });

  it('request ids: a valid one is echoed, an invalid one replaced, both served', async () => {
    const path = `/v2/pages/*/home/?auth_token=${seed.keys.read}`;
    const given = await both(pair, path, { 'x-request-id': 'client-trace-0001' });
    expect(given).toMatchObject({ served: true });
    expect(header(given.res, 'x-request-id')).toBe('client-trace-0001');
    const bad = await both(pair, path, { 'x-request-id': 'bad id!' });
    expect(bad.served).toBe(true);
    expect(header(bad.res, 'x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect((await both(pair, path, { 'x-request-id': 'short' })).served).toBe(true);
    expect((await both(pair, path, { 'x-request-id': ['trace-one-0001', 'trace-two-0002'] })).served).toBe(true);
  });

  it('Host headers node-server takes as they are, or parses: served when the URL is unchanged', async () => {
    const path = `/v2/pages/*/home/?auth_token=${seed.keys.read}`;
    for (const host of ['example.com', 'origin.internal:8443', '127.0.0.1:61234', 'localhost:65535']) {
      expect((await both(pair, path, { host })).served, host).toBe(true);
    }
    // Normalised by node-server (the read path declines), or refused by it (400): the chain's answer either way.
    for (const host of ['EXAMPLE.com', 'example.com:80', '[::1]:8080', 'example.com/x', 'example.com?', 'user@example.com', 'exa mple.com', 'example.com:0']) {
      await both(pair, path, { host });
    }
    expect((await both(pair, path, { host: 'example.com/x' })).res.status).toBe(400);
  });

  it('serves what the shared parser reads as a plain page read, as the chain serves its canonical form', async () => {
    const read = seed.keys.read;
    const cases: [string, Record<string, string>?][] = [
      // parameters the page route does not read: dropped by the parser (the access line keeps the target as sent)
      [`/v2/pages/*/home/?levels=2&utm=x&auth_token=${read}`],
      [`/v2/pages/*/home/?foo=bar&auth_token=${read}`],
      [`/v2/pages/*/home/?utm=x`, { authorization: `Token ${read}` }],
      [`/v2/pages/*/home/?page=2&page_size=5&order=x&fields=a&auth_token=${read}&locale=fr`],
      [`/v2/pages/*/home/?test=1&keys=a&auth_token=${read}`],
      [`/v2/pages/*/home/?auth_token=${read}&x`],
      [`/v2/pages/*/home/?auth_token=${read}&=x`],
      // preview off is no preview
      [`/v2/pages/*/home/?preview=0&auth_token=${seed.keys.preview}`],
      [`/v2/pages/*/home/?preview=false&auth_token=${read}`],
      [`/v2/pages/*/home/?preview=&locale=en&auth_token=${read}`],
      // empty parts and empty path segments
      [`/v2/pages/*/home/?auth_token=${read}&`],
      [`/v2/pages/*/home/?&auth_token=${read}`],
      [`/v2/pages/*/home/?&&auth_token=${read}&&levels=5&&`],
      [`/v2/pages/*/home//?auth_token=${read}`],
      [`/v2//pages/*/home?auth_token=${read}`],
      [`/v2/pages/*//home?auth_token=${read}`],
      // each parameter once, in any order
      [`/v2/pages/*/home/?locale=en&levels=1&auth_token=${read}`],
      [`/v2/pages/*/home/?auth_token=${read}&levels=5&locale=fr`],
    ];
    for (const [path, headers = {}] of cases) {
      const { res, served } = await both(pair, path, headers);
      expect(res.status, path).toBe(200);
      expect(served, path).toBe(true);
    }
    const fr = await both(pair, `/v2/pages/*/home/?utm=x&locale=fr&auth_token=${read}`);
    expect(fr.served).toBe(true);
    expect(JSON.parse(fr.res.body)).toMatchObject({ data: { fields: { headline: 'Bienvenue' } } });
  });

  it('hands every other request to the chain untouched (errors, precedence and messages are the chain’s)', async () => {
    const read = seed.keys.read;
    const cases: [string, Record<string, string | string[]>?, string?][] = [
      // credentials
      ['/v2/pages/*/home/'],
      [`/v2/pages/*/home/?auth_token=${spareKeys.revoked}`],
      [`/v2/pages/*/home/?auth_token=${spareKeys.expired}`],
      [`/v2/pages/*/home/?auth_token=${generateApiKey('read')}`],
      ['/v2/pages/*/home/?auth_token=not-a-key'],
      [`/v2/pages/*/home/?auth_token=${read.slice(0, -1)}${read.endsWith('A') ? 'B' : 'A'}`],
      [`/v2/pages/*/home/?auth_token=${seed.keys.admin}`],
      ['/v2/pages/*/home/', { authorization: 'Token' }],
      ['/v2/pages/*/home/', { authorization: `Basic ${read}` }],
      // pages
      [`/v2/pages/*/missing/?auth_token=${read}`],
      [`/v2/pages/*/gone/?auth_token=${read}`],
      [`/v2/pages/*/draft/?auth_token=${read}`],
      [`/v2/pages/linked/p1/?auth_token=${read}`],
      [`/v2/pages/*/home/?locale=de&auth_token=${read}`],
      [`/v2/pages/*/only-in-a/?auth_token=${spareKeys.other}`],
      // references: the chain expands them
      [`/v2/pages/*/l1/?auth_token=${read}`],
      ...[1, 2, 3, 4, 5].map((n): [string] => [`/v2/pages/linked/l1/?levels=${n}&auth_token=${read}`]),
      // parameters
      [`/v2/pages/*/home/?locale=EN&auth_token=${read}`],
      [`/v2/pages/*/home/?locale=x1&auth_token=${read}`],
      [`/v2/pages/*/home/?locale=&auth_token=${read}`],
      [`/v2/pages/*/home/?levels=0&auth_token=${read}`],
      [`/v2/pages/*/home/?levels=6&auth_token=${read}`],
      [`/v2/pages/*/home/?levels=a&auth_token=${read}`],
      [`/v2/pages/*/home/?levels=&auth_token=${read}`],
      [`/v2/pages/*/home/?levels=9&auth_token=${spareKeys.revoked}`],
      [`/v2/pages/BAD/home/?auth_token=${read}`],
      [`/v2/pages/*/-bad-/?auth_token=${read}`],
      [`/v2/pages/*/ho.me/?auth_token=${read}`],
      [`/v2/pages/*/ho%6De/?auth_token=${read}`],
      [`/V2/pages/*/home/?auth_token=${read}`],
      [`/v2/pages//home/?auth_token=${read}`],
      // preview
      [`/v2/pages/*/draft/?preview=1&auth_token=${read}`],
      [`/v2/pages/*/home/?preview=true&auth_token=${read}`],
      [`/v2/pages/*/draft/?preview=1&auth_token=${seed.keys.preview}`],
      // odd queries
      [`/v2/pages/*/home/?auth_token=${read}&auth_token=${seed.keys.preview}`],
      [`/v2/pages/*/home/?auth_token=not-a-key&auth_token=${read}`],
      [`/v2/pages/*/home/?locale=fr&locale=en&auth_token=${read}`],
      [`/v2/pages/*/home/?auth_token=${read}&locale`],
      // where a hand parser and the shared one could disagree: every repeat is refused (400), whatever its values
      [`/v2/pages/*/home/?locale=en&locale=en&auth_token=${read}`],
      [`/v2/pages/*/home/?levels=2&levels=2&auth_token=${read}`],
      [`/v2/pages/*/home/?auth_token=${read}&auth_token=${read}`],
      [`/v2/pages/*/home/?preview=0&preview=0&auth_token=${read}`],
      [`/v2/pages/*/home/?preview=maybe&auth_token=${read}`],
      [`/v2/pages/*/home/?preview&auth_token=${seed.keys.preview}&locale=fr&preview=1`],
      [`/v2/pages/*/home/?utm=x&utm=y&auth_token=${read}&locale=xx-`],
      [`/v2/pages/*/home/?auth_token=${read}&locale=`],
      [`/v2/pages/*/home/?Locale=EN&locale=EN&auth_token=${read}`],
      // another route of the shared parser, or none (a path the chain does not hand to the parser: its router's 404)
      [`//v2/pages/*/home/?auth_token=${read}`],
      [`//v2/pages/*/home`, { authorization: `Token ${read}` }],
      [`/v2/pages/*/?auth_token=${read}`],
      [`/v2/pages/*/home/x/?auth_token=${read}`],
      [`/v2/pages/search/?auth_token=${read}`],
      [`/v2/content/home/?auth_token=${read}`],
      [`/v2/manage/pages/*/home/?auth_token=${read}`],
      [`/assets/a/b/c?auth_token=${read}`],
      [`/v2/pages/*/home/?auth_token=${read}&x=a.b`],
      [`/v2/pages/*/home/?`],
      [`/v2/pages/*/home/?auth_token=${read}&x=%41`],
      [`/v2/pages/*/home/?auth_token=${read}&locale=f%72`],
      [`/v2/pages/*/home/?auth_%74oken=${read}`],
      [`/v2/pages/*/home/?auth_token=${read}&q=a+b`],
      // a body on a GET
      [`/v2/pages/*/home/?auth_token=${read}`, { 'content-length': '0' }],
      // methods
      [`/v2/pages/*/home/?auth_token=${read}`, {}, 'HEAD'],
      [`/v2/pages/*/home/?auth_token=${read}`, {}, 'OPTIONS'],
      [`/v2/pages/*/home/?auth_token=${read}`, {}, 'DELETE'],
    ];
    for (const [path, headers = {}, method = 'GET'] of cases) {
      const { served } = await both(pair, path, headers, method);
      expect(served, `${method} ${path}`).toBe(false);
    }
  });

  it('edge-asserted reads: a valid assertion is served here, exactly as the chain serves it', async () => {
    const keyId = '00000000-0000-4000-8000-0000000000ee';
    const sign = (path: string, extra: { kind?: 'read' | 'preview' | 'write'; clientIp?: string; spaceId?: string; at?: number; method?: string } = {}) =>
      signAssertion(
        secret,
        { keyId, spaceId: extra.spaceId ?? seed.spaceId, kind: extra.kind ?? 'read', ...(extra.clientIp ? { clientIp: extra.clientIp } : {}) },
        extra.method ?? 'GET',
        path,
        extra.at ?? NOW,
      );
    const served: [string, Record<string, string>][] = [
      ['/v2/pages/*/home/', sign('/v2/pages/*/home/')],
      ['/v2/pages/*/home', sign('/v2/pages/*/home', { kind: 'preview' })],
      ['/v2/pages/*/home/', sign('/v2/pages/*/home/', { kind: 'write' })],
      ['/v2/pages/*/home/', sign('/v2/pages/*/home/', { clientIp: '203.0.113.7' })],
      ['/v2/pages/plain/p1/', sign('/v2/pages/plain/p1/', { clientIp: '2001:db8::1', kind: 'preview' })],
      ['/v2/pages/*/home/?locale=fr', sign('/v2/pages/*/home/?locale=fr')],
      ['/v2/pages/*/p1/?levels=3&locale=en', sign('/v2/pages/*/p1/?levels=3&locale=en')],
      ['/v2/pages/*/home/', sign('/v2/pages/*/home/', { at: NOW - 60 })],
      ['/v2/pages/*/home/', sign('/v2/pages/*/home/', { at: NOW + 60 })],
      // The token beside a valid assertion is ignored, as by the chain (even a revoked or malformed one).
      [`/v2/pages/*/home/?auth_token=${spareKeys.revoked}`, sign(`/v2/pages/*/home/?auth_token=${spareKeys.revoked}`)],
      ['/v2/pages/*/home/?auth_token=not-a-key', sign('/v2/pages/*/home/?auth_token=not-a-key')],
      ['/v2/pages/*/home/', { ...sign('/v2/pages/*/home/'), authorization: `Token ${generateApiKey('read')}` }],
      ['/v2/pages/*/home/', { ...sign('/v2/pages/*/home/'), 'x-request-id': 'edge-trace-0001' }],
      ['/v2/pages/*/home/', { ...sign('/v2/pages/*/home/'), host: 'origin.internal:8443' }],
      // A parameter the page route does not read is dropped by the shared parser, here as in the chain; the signature covers the target as sent.
      ['/v2/pages/*/home/?foo=bar', sign('/v2/pages/*/home/?foo=bar')],
      ['/v2/pages/*/home/?preview=0&utm=x', sign('/v2/pages/*/home/?preview=0&utm=x')],
      ['/v2/pages/*/home//', sign('/v2/pages/*/home//')],
    ];
    for (const [path, headers] of served) {
      const { res, served: here } = await both(pair, path, headers);
      expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(200);
      expect(here, `${path} ${JSON.stringify(headers)}`).toBe(true);
      expect(header(res, 'surrogate-key')).toContain(`space:${seed.spaceId}`);
    }
    // The touch is the asserted key's, the access line's client_ip the asserted one (else the socket's).
    const withIp = sign('/v2/pages/*/home/', { clientIp: '203.0.113.9' });
    const before = pair.fast.logs.lines.length;
    const res = await send(pair.fast.server.url, '/v2/pages/*/home/', withIp);
    expect(res.status).toBe(200);
    expect(JSON.parse(pair.fast.logs.lines[before]!)).toMatchObject({ client_ip: '203.0.113.9', status: 200 });
    expect(pair.fast.touches.splice(0)).toEqual([`${keyId}@${new Date(NOW * 1000).toISOString()}`]);
    pair.fast.logs.lines.length = before;
    const noIp = await send(pair.fast.server.url, '/v2/pages/*/home/', sign('/v2/pages/*/home/'));
    expect(noIp.status).toBe(200);
    expect(JSON.parse(pair.fast.logs.lines[before]!)).toMatchObject({ client_ip: '127.0.0.1' });
    pair.fast.logs.lines.length = before;
    pair.fast.touches.length = 0;
  });

  it('edge-asserted reads the chain must answer: bad assertions, preview, missing pages, references', async () => {
    const keyId = '00000000-0000-4000-8000-0000000000ee';
    const path = '/v2/pages/*/home/';
    const good = signAssertion(secret, { keyId, spaceId: seed.spaceId, kind: 'read' }, 'GET', path, NOW);
    const sign = (p: string, kind: 'read' | 'preview' = 'read', spaceId = seed.spaceId) => signAssertion(secret, { keyId, spaceId, kind }, 'GET', p, NOW);
    const cases: [string, Record<string, string | string[]>, number][] = [
      // refused by the chain (401)
      [path, signAssertion(secret, { keyId, spaceId: seed.spaceId, kind: 'read' }, 'GET', path, NOW - 61), 401],
      [path, signAssertion(secret, { keyId, spaceId: seed.spaceId, kind: 'read' }, 'GET', path, NOW + 61), 401],
      [path, { ...good, 'x-ghee-assert-sig': 'f'.repeat(64) }, 401],
      [path, { ...good, 'x-ghee-assert-sig': '' }, 401],
      [path, signAssertion(`${secret}x`, { keyId, spaceId: seed.spaceId, kind: 'read' }, 'GET', path, NOW), 401],
      [path, signAssertion(secret, { keyId, spaceId: seed.spaceId, kind: 'read' }, 'HEAD', path, NOW), 401],
      [path, sign('/v2/pages/*/p1/'), 401],
      [path, sign(`${path}?locale=fr`), 401],
      [`${path}?locale=fr`, good, 401],
      ['/v2/pages/*/home', good, 401],
      [path, { ...good, 'x-ghee-space-id': otherSpaceId }, 401],
      [path, { ...good, 'x-ghee-key-id': '00000000-0000-4000-8000-0000000000ef' }, 401],
      [path, { ...good, 'x-ghee-key-kind': 'preview' }, 401],
      [path, { ...good, 'x-ghee-client-ip': '198.51.100.1' }, 401],
      [path, { ...good, 'x-ghee-assert-ts': String(NOW + 1) }, 401],
      [path, { ...good, 'x-ghee-assert-ts': 'soon' }, 401],
      [path, { ...good, 'x-ghee-key-kind': 'root' }, 401],
      [path, { ...good, 'x-ghee-space-id': '' }, 401],
      [path, { ...good, 'x-ghee-key-id': [keyId, keyId] }, 401],
      [path, { ...good, 'x-ghee-assert-sig': [good['x-ghee-assert-sig']!, good['x-ghee-assert-sig']!] }, 401],
      [`${path}?auth_token=${seed.keys.read}`, { 'x-ghee-assert-sig': 'f'.repeat(64) }, 401],
      // other assertion headers without a signature: the chain's token path
      [path, { 'x-ghee-key-id': keyId, 'x-ghee-space-id': seed.spaceId }, 401],
      [`${path}?auth_token=${seed.keys.read}`, { 'x-ghee-key-id': 'someone' }, 200],
      // valid, but not the plain case
      [`${path}?preview=1`, sign(`${path}?preview=1`), 403],
      ['/v2/pages/*/draft/?preview=1', sign('/v2/pages/*/draft/?preview=1', 'preview'), 200],
      ['/v2/pages/*/missing/', sign('/v2/pages/*/missing/'), 404],
      ['/v2/pages/*/only-in-a/', sign('/v2/pages/*/only-in-a/', 'read', otherSpaceId), 404],
      ['/v2/pages/*/l1/', sign('/v2/pages/*/l1/'), 200],
      ['/v2/pages/*/home/?levels=9', sign('/v2/pages/*/home/?levels=9'), 400],
      [path, sign(path, 'read', 'not-a-uuid'), 401], // signed, but spaces are UUIDs: refused, never a 500
    ];
    for (const [p, headers, status] of cases) {
      const { res, served } = await both(pair, p, headers);
      const what = `${p} ${JSON.stringify(headers)}`;
      expect(served, what).toBe(false);
      expect(res.status, what).toBe(status);
      if (status === 401) expect(res.body, what).not.toContain('Welcome');
    }
  });

  it('edge-asserted reads on an origin without EDGE_SHARED_SECRET: the chain refuses them', async () => {
    const noSecret = loadOriginConfig({ ORIGIN_PORT: '0', LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '2000', HIBP_URL: 'off', ORIGIN_RATE_LIMIT: 'false' });
    expect(noSecret.EDGE_SHARED_SECRET).toBeUndefined();
    const p = await startPair(noSecret);
    try {
      const path = '/v2/pages/*/home/';
      const signed = signAssertion(secret, { keyId: '00000000-0000-4000-8000-0000000000ee', spaceId: seed.spaceId, kind: 'read' }, 'GET', path, NOW);
      expect(await both(p, path, signed)).toMatchObject({ served: false, res: { status: 401 } });
      expect(await both(p, `${path}?auth_token=${seed.keys.read}`, signed)).toMatchObject({ served: false, res: { status: 401 } });
      expect(await both(p, `${path}?auth_token=${seed.keys.read}`)).toMatchObject({ served: true, res: { status: 200 } });
    } finally {
      await stopPair(p);
    }
  });
});

describe('read path: security', () => {
  it('a revoked key never gets content through the read path (no caching: refused on the very next read)', async () => {
    const k = await newKey('read');
    const path = `/v2/pages/*/only-in-a/?auth_token=${k.token}`;
    const first = await both(pair, path);
    expect(first).toMatchObject({ served: true, res: { status: 200 } });
    expect(first.res.body).toContain('space A only');
    await database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, k.id));
    const after = await both(pair, path);
    expect(after).toMatchObject({ served: false, res: { status: 401 } });
    expect(after.res.body).not.toContain('space A only');
    expect(header(after.res, 'surrogate-key')).toBeUndefined();
  });

  it('a key of space B never reads space A’s pages', async () => {
    const missing = await both(pair, `/v2/pages/*/only-in-a/?auth_token=${spareKeys.other}`);
    expect(missing).toMatchObject({ served: false, res: { status: 404 } });
    expect(missing.res.body).not.toContain('space A only');
    expect(header(missing.res, 'surrogate-key')).toContain(`space:${otherSpaceId}`);
    const own = await both(pair, `/v2/pages/*/shared/?auth_token=${spareKeys.other}`);
    expect(own.served).toBe(true);
    expect(JSON.parse(own.res.body)).toMatchObject({ data: { fields: { owner: 'space B' } } });
    expect(header(own.res, 'surrogate-key')).not.toContain(seed.spaceId);
    const a = await both(pair, `/v2/pages/*/shared/?auth_token=${seed.keys.read}`);
    expect(JSON.parse(a.res.body)).toMatchObject({ data: { fields: { owner: 'space A' } } });
  });

  it('an edge assertion reads only the space it was signed for; tampered, expired or replayed ones never get content here', async () => {
    const keyId = '00000000-0000-4000-8000-0000000000ee';
    const path = '/v2/pages/*/shared/';
    const forB = signAssertion(secret, { keyId, spaceId: otherSpaceId, kind: 'read' }, 'GET', path, NOW);
    const b = await both(pair, path, forB);
    expect(b.served).toBe(true);
    expect(JSON.parse(b.res.body)).toMatchObject({ data: { fields: { owner: 'space B' } } });
    expect(header(b.res, 'surrogate-key')).not.toContain(seed.spaceId);
    const tampered = await both(pair, path, { ...forB, 'x-ghee-space-id': seed.spaceId });
    expect(tampered).toMatchObject({ served: false, res: { status: 401 } });
    expect(tampered.res.body).not.toContain('space A');
    const onlyA = '/v2/pages/*/only-in-a/';
    const replays: Record<string, string>[] = [
      { ...forB, 'x-ghee-space-id': seed.spaceId },
      signAssertion(secret, { keyId, spaceId: seed.spaceId, kind: 'read' }, 'GET', path, NOW),
      signAssertion(secret, { keyId, spaceId: seed.spaceId, kind: 'read' }, 'GET', onlyA, NOW - 120),
      signAssertion(secret, { keyId, spaceId: seed.spaceId, kind: 'read' }, 'GET', onlyA, NOW + 120),
      signAssertion(secret, { keyId, spaceId: seed.spaceId, kind: 'read' }, 'POST', onlyA, NOW),
    ];
    for (const h of replays) {
      const r = await both(pair, onlyA, h);
      expect(r, JSON.stringify(h)).toMatchObject({ served: false, res: { status: 401 } });
      expect(r.res.body).not.toContain('space A only');
    }
  });

  it('never logs the token; the access line is the chain’s', async () => {
    const before = pair.fast.logs.lines.length;
    const res = await send(pair.fast.server.url, `/v2/pages/*/home/?auth_token=${seed.keys.read}`);
    expect(res.status).toBe(200);
    const lines = pair.fast.logs.lines.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(seed.keys.read);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/v2/pages/*/home/?auth_token=%5BREDACTED%5D', status: 200 });
    pair.fast.logs.lines.length = before;
    pair.fast.touches.length = 0;
  });
});

describe('reads that arrive together are looked up together', () => {
  /** Every kind of lookup, by hash: found, other space, refused key, no space, missing, deleted, draft, references, locales, a repeat. */
  const lookups = (): KeyPageLookup[] => {
    const h = hashApiKey;
    const l = (token: string, pageType: string, slug: string, locale: string | null = null): KeyPageLookup => ({ tokenHash: h(token), pageType, slug, locale });
    return [
      l(seed.keys.read, '*', 'home'),
      l(spareKeys.other!, '*', 'only-in-a'),
      l(seed.keys.read, '*', 'home', 'fr'),
      l(spareKeys.revoked!, '*', 'home'),
      l(spareKeys.other!, '*', 'shared'),
      l(seed.keys.read, 'plain', 'p1'),
      l(seed.keys.read, 'linked', 'l1'),
      l(spareKeys.expired!, '*', 'home'),
      l(seed.keys.admin, '*', 'home'),
      l(seed.keys.read, '*', 'shared'),
      l(generateApiKey('read'), '*', 'home'),
      l(seed.keys.preview, '*', 'missing'),
      l(seed.keys.read, '*', 'gone'),
      l(seed.keys.write, '*', 'draft'),
      l(seed.keys.read, 'linked', 'p1'),
      l(seed.keys.read, '*', 'home'),
    ];
  };

  it('one statement answers each lookup exactly as its own single lookup does', async () => {
    const raw = rawQuery(database.db)!;
    const now = new Date(NOW * 1000);
    const all = lookups();
    expect(all).toHaveLength(MAX_LOOKUPS_PER_QUERY);
    const single = await Promise.all(
      all.map(async (l) => {
        const found = await findKeyAndPublishedPage(raw, l.tokenHash, now, l);
        return found && { key: { id: found.key.id, spaceId: found.key.spaceId, kind: found.key.kind, scopes: found.key.scopes }, page: found.page };
      }),
    );
    // The cases differ as intended: no key, a key without a page, a page.
    expect(single.filter((x) => x === null).length).toBe(3);
    expect(single.filter((x) => x !== null && x.page === null).length).toBeGreaterThanOrEqual(5);
    expect(single[4]!.page!.json).toContain('space B');
    expect(single[9]!.page!.json).toContain('space A');
    for (const n of [2, 3, 5, 8, 16]) {
      for (const offset of [0, 16 - n]) {
        const slice = all.slice(offset, offset + n);
        expect(await findKeysAndPublishedPages(raw, now, slice), `${n} from ${offset}`).toEqual(single.slice(offset, offset + n));
        const reversed = [...slice].reverse();
        expect(await findKeysAndPublishedPages(raw, now, reversed)).toEqual(single.slice(offset, offset + n).reverse());
      }
    }
    await expect(findKeysAndPublishedPages(raw, now, [])).rejects.toThrow(RangeError);
    await expect(findKeysAndPublishedPages(raw, now, [...all, all[0]!])).rejects.toThrow(RangeError);
  });

  it('pipelined reads: fewer statements than reads, and each answer is the chain’s for its own request', async () => {
    const read = seed.keys.read;
    const requests: { path: string; headers?: Record<string, string> }[] = [
      { path: `/v2/pages/*/home/?auth_token=${read}` },
      { path: `/v2/pages/*/shared/?auth_token=${spareKeys.other}` },
      { path: `/v2/pages/*/only-in-a/?auth_token=${spareKeys.other}` },
      { path: `/v2/pages/*/shared/?auth_token=${read}`, headers: { 'x-request-id': 'pipelined-0004' } },
      { path: `/v2/pages/*/home/?auth_token=${spareKeys.revoked}` },
      { path: '/v2/pages/plain/p1/', headers: { authorization: `Bearer ${seed.keys.preview}` } },
      { path: `/v2/pages/*/l1/?auth_token=${read}` },
      { path: `/v2/pages/*/home/?locale=fr&auth_token=${read}` },
      { path: `/v2/pages/*/missing/?auth_token=${read}` },
      { path: `/v2/pages/*/home/?auth_token=${seed.keys.admin}` },
      { path: `/v2/pages/*/home/?preview=1&auth_token=${read}` },
      { path: `/v2/pages/*/home/?auth_token=${spareKeys.expired}` },
      { path: `/v2/pages/*/shared/?auth_token=${seed.keys.write}` },
      { path: `/v2/pages/*/home/?auth_token=${seed.keys.preview}` },
      // the shared parser's reading: an unknown parameter dropped (served), a repeated one refused (the chain's 400)
      { path: `/v2/pages/*/home/?levels=2&utm=x&auth_token=${read}` },
      { path: `/v2/pages/*/home/?locale=en&locale=en&auth_token=${read}` },
    ];
    for (const extra of [0, 8]) {
      const batch = [...requests, ...requests.slice(0, extra)];
      const before = { ...pair.readPath.counts };
      const fast = await pipelined(pair.fast.server.url, batch);
      const chain = await pipelined(pair.chain.server.url, batch);
      const served = pair.readPath.counts.served - before.served;
      const queries = pair.readPath.counts.queries - before.queries;
      const looked = served + (pair.readPath.counts.declined - before.declined) - 2; // every read but the preview and the repeated-locale ones was looked up
      expect(served).toBe(8 + (extra ? 5 : 0));
      expect(queries).toBeLessThan(looked);
      for (let i = 0; i < batch.length; i++) expect(normalise(fast[i]!), batch[i]!.path).toEqual(normalise(chain[i]!));
      expect(JSON.parse(fast[1]!.body)).toMatchObject({ data: { fields: { owner: 'space B' } } });
      expect(JSON.parse(fast[3]!.body)).toMatchObject({ data: { fields: { owner: 'space A' } } });
      expect(fast[2]!.body).not.toContain('space A only');
      const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
      expect(sorted(pair.fast.touches.splice(0))).toEqual(sorted(pair.chain.touches.splice(0)));
      expect(sorted(drainLogs(pair.fast.logs))).toEqual(sorted(drainLogs(pair.chain.logs)));
    }
  });
});

describe('edge-asserted reads arriving together', () => {
  it('pipelined: each answered as the chain answers it, asserted and token reads side by side', async () => {
    const keyId = '00000000-0000-4000-8000-0000000000ee';
    const sign = (path: string, spaceId = seed.spaceId, at = NOW) => signAssertion(secret, { keyId, spaceId, kind: 'read', clientIp: '203.0.113.5' }, 'GET', path, at);
    const requests: { path: string; headers?: Record<string, string> }[] = [
      { path: '/v2/pages/*/home/', headers: sign('/v2/pages/*/home/') },
      { path: `/v2/pages/*/home/?auth_token=${seed.keys.read}` },
      { path: '/v2/pages/*/shared/', headers: sign('/v2/pages/*/shared/', otherSpaceId) },
      { path: '/v2/pages/*/shared/', headers: { ...sign('/v2/pages/*/shared/', otherSpaceId), 'x-ghee-space-id': seed.spaceId } },
      { path: '/v2/pages/*/home/', headers: sign('/v2/pages/*/home/', seed.spaceId, NOW - 3600) },
      { path: '/v2/pages/*/missing/', headers: sign('/v2/pages/*/missing/') },
      { path: '/v2/pages/*/shared/', headers: sign('/v2/pages/*/shared/') },
      { path: `/v2/pages/*/shared/?auth_token=${spareKeys.other}` },
    ];
    const before = { ...pair.readPath.counts };
    const fast = await pipelined(pair.fast.server.url, requests);
    const chain = await pipelined(pair.chain.server.url, requests);
    expect(pair.readPath.counts.served - before.served).toBe(5);
    for (let i = 0; i < requests.length; i++) expect(normalise(fast[i]!), requests[i]!.path).toEqual(normalise(chain[i]!));
    expect(fast.map((x) => x.status)).toEqual([200, 200, 200, 401, 401, 404, 200, 200]);
    expect(JSON.parse(fast[2]!.body)).toMatchObject({ data: { fields: { owner: 'space B' } } });
    expect(JSON.parse(fast[6]!.body)).toMatchObject({ data: { fields: { owner: 'space A' } } });
    const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(sorted(pair.fast.touches.splice(0))).toEqual(sorted(pair.chain.touches.splice(0)));
    expect(sorted(drainLogs(pair.fast.logs))).toEqual(sorted(drainLogs(pair.chain.logs)));
  });
});

describe('read path: failures go to the chain', () => {
  it('a query that fails is answered by the chain (500), never by the read path', async () => {
    const failing = Object.assign(() => undefined, { unsafe: () => Promise.reject(new Error('database down')) });
    const broken = { db: { $client: failing } } as unknown as Database;
    const p = await startPair(config, broken);
    try {
      const { res, served } = await both(p, `/v2/pages/*/home/?auth_token=${seed.keys.read}`);
      expect(served).toBe(false);
      expect(res.status).toBe(500);
      expect(res.body).not.toContain('database down');
    } finally {
      await stopPair(p);
    }
  });

  it('a key-usage sink that throws: the read path declines, the chain answers as it does', async () => {
    const logs = new LogSink();
    const logger = createLogger('info', logs);
    const app = newApp({ config, database, logger, envelope: devEnvelope(), now: () => NOW, keyUsage: { touch: () => { throw new Error('sink broken'); } } });
    const server = await listen(app, config, logger);
    try {
      const res = await send(server.url, `/v2/pages/*/home/?auth_token=${seed.keys.read}`);
      expect(res.status).toBe(500);
      expect(readPathOf(app)!.counts).toEqual({ served: 0, declined: 1, queries: 1 });
    } finally {
      await server.close();
    }
  });
});

describe('read path: graceful shutdown', () => {
  it('a read waiting for its lookup is answered before the server closes; new connections are refused meanwhile', async () => {
    const real = rawQuery(database.db)!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // A postgres.js-shaped client whose queries wait for the gate, then run on the test database.
    const gated = Object.assign(() => undefined, {
      unsafe: async (text: string, params: unknown[]) => {
        await gate;
        return real(text, params);
      },
    });
    const side = await startSide(true, config, { db: { $client: gated } } as unknown as Database);
    const inflight = send(side.server.url, `/v2/pages/*/home/?auth_token=${seed.keys.read}`);
    while (side.readPath!.counts.queries === 0) await new Promise((r) => setImmediate(r));
    const closed = side.server.close();
    await expect(send(side.server.url, '/healthz')).rejects.toThrow();
    release();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ data: { fields: { headline: 'Welcome to ghee' } } });
    expect(side.readPath!.counts).toEqual({ served: 1, declined: 0, queries: 1 });
    await closed;
  });
});

describe('read path over HTTPS', () => {
  let tlsPair: Pair | undefined;
  beforeAll(async () => {
    const { certFile, keyFile } = selfSignedCert();
    const tlsConfig = { ...config, TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile };
    tlsPair = await startPair(tlsConfig, database, readFileSync(certFile, 'utf8'));
  });
  afterAll(async () => stopPair(tlsPair));

  it('serves plain reads the same over TLS, and hands the rest over', async () => {
    const p = tlsPair!;
    expect(p.fast.server.tls).toBe(true);
    const ok = await both(p, `/v2/pages/*/home/?auth_token=${seed.keys.read}`);
    expect(ok).toMatchObject({ served: true, res: { status: 200 } });
    const refused = await both(p, `/v2/pages/*/home/?auth_token=${spareKeys.revoked}`);
    expect(refused).toMatchObject({ served: false, res: { status: 401 } });
  });
});
