/**
 * One owner of key authentication (issue 12 item 2): one table of token shapes — valid, bad
 * checksum, wrong kind, too long, whitespace, Bearer/Token/lower-case, repeated headers, unknown —
 * run through every decision that reads a key, which must all give the same verdict:
 * - shared/api-key.ts: presentedToken then parseApiKey (the format's one owner);
 * - origin/http/authenticate.ts authenticate() (the origin's one authenticator), pure;
 * - over real HTTP against a real origin: the page route (the chain), the same request on an origin
 *   with the fast read path in front (origin/content/pages/read-path.ts: it serves exactly the accepted rows it
 *   may, and its answer is the chain's), the /v2 key middleware (a list route), and readRefusals'
 *   credential precedence on a read the parser refuses.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, parseApiKey, presentedToken } from '../../shared/api-key.js';
import { newApp } from '../../origin/app.js';
import { loadOriginConfig } from '../../origin/config.js';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { seedDemo, type DemoSeed } from '../../origin/db/seed.js';
import { authenticate, type CredentialRequest } from '../../origin/http/authenticate.js';
import { createLogger } from '../../origin/logger.js';
import { readPathOf, type ReadPath } from '../../origin/content/pages/read-path.js';
import { listen, type RunningServer } from '../../origin/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { LogSink } from '../helpers/stack.js';

type Verdict = 'key' | 'no_credentials' | 'malformed_key';

interface Row {
  name: string;
  /** The `auth_token` query value, raw (already percent-encoded where it needs to be). */
  query?: string;
  /** Authorization header line(s) as sent. */
  authorization?: string | string[];
  verdict: Verdict;
  /** For a well-formed key: whether it is active (the database's say). */
  active?: boolean;
  /** Whether the fast read path serves it itself (else it hands it to the chain, which answers). */
  fastPath: boolean;
}

let database: TestDatabase;
let seed: DemoSeed;
let fast: RunningServer;
let chain: RunningServer;
let readPath: ReadPath;
const NOW = Math.floor(Date.now() / 1000);

function rows(valid: string): Row[] {
  const flipped = valid.slice(0, -1) + (valid.endsWith('a') ? 'b' : 'a');
  const unknown = generateApiKey('read');
  return [
    { name: 'valid, auth_token', query: valid, verdict: 'key', active: true, fastPath: true },
    { name: 'valid, Token', authorization: `Token ${valid}`, verdict: 'key', active: true, fastPath: true },
    { name: 'valid, Bearer', authorization: `Bearer ${valid}`, verdict: 'key', active: true, fastPath: true },
    { name: 'valid, lower-case bearer and spaces', authorization: `bearer   ${valid}`, verdict: 'key', active: true, fastPath: true },
    { name: 'valid, TOKEN and a tab', authorization: `TOKEN\t${valid}`, verdict: 'key', active: true, fastPath: true },
    { name: 'header wins over the query', query: 'not-a-key', authorization: `Token ${valid}`, verdict: 'key', active: true, fastPath: true },
    { name: 'another scheme leaves the query', query: valid, authorization: 'Basic dXNlcjpwYXNz', verdict: 'key', active: true, fastPath: true },
    { name: 'well-formed, never issued', query: unknown, verdict: 'key', active: false, fastPath: false },
    { name: 'bad checksum', query: flipped, verdict: 'malformed_key', fastPath: false },
    { name: 'bad checksum, Bearer', authorization: `Bearer ${flipped}`, verdict: 'malformed_key', fastPath: false },
    { name: 'wrong kind', query: valid.replace('ghee_read_', 'ghee_root_'), verdict: 'malformed_key', fastPath: false },
    { name: 'too long', query: `${valid}x`, verdict: 'malformed_key', fastPath: false },
    { name: 'trailing whitespace after the token', authorization: `Token ${valid} \t`, verdict: 'key', active: true, fastPath: true }, // trimmed by node's parser and the chain alike
    { name: 'whitespace inside the query value', query: `%20${valid}`, verdict: 'malformed_key', fastPath: false },
    { name: 'two tokens in one header', authorization: `Token ${valid} ${valid}`, verdict: 'no_credentials', fastPath: false },
    { name: 'repeated Authorization headers', authorization: [`Token ${valid}`, `Token ${valid}`], verdict: 'no_credentials', fastPath: false },
    { name: 'repeated Authorization headers, key in the query', query: valid, authorization: [`Token ${valid}`, `Token ${valid}`], verdict: 'key', active: true, fastPath: false },
    { name: 'nothing', verdict: 'no_credentials', fastPath: false },
    { name: 'empty auth_token', query: '', verdict: 'no_credentials', fastPath: false },
    { name: 'another scheme alone', authorization: 'Basic dXNlcjpwYXNz', verdict: 'no_credentials', fastPath: false },
    { name: 'scheme without a token', authorization: 'Token', verdict: 'no_credentials', fastPath: false },
  ];
}

/** The Authorization value as the chain reads it (`c.req.header`: repeated lines joined). */
const joined = (r: Row): string | undefined => (Array.isArray(r.authorization) ? r.authorization.join(', ') : r.authorization);
const queryValue = (r: Row): string | null => (r.query === undefined ? null : new URLSearchParams(`auth_token=${r.query}`).get('auth_token'));

function sharedVerdict(r: Row): Verdict {
  const token = presentedToken(joined(r), queryValue(r));
  if (!token) return 'no_credentials';
  return parseApiKey(token) ? 'key' : 'malformed_key';
}

function originVerdict(r: Row): Verdict {
  const req: CredentialRequest = { method: 'GET', header: (n) => (n === 'authorization' ? joined(r) : undefined), authToken: () => queryValue(r), target: () => '/' };
  const auth = authenticate(req, 'secret', NOW);
  if (auth.ok) {
    expect(auth.via).toBe('token');
    return 'key';
  }
  return auth.reason as Verdict;
}

interface Answer {
  status: number;
  body: string;
}

function get(base: string, path: string, r: Row): Promise<Answer> {
  const headers: Record<string, string | string[]> = r.authorization === undefined ? {} : { authorization: r.authorization };
  const target = r.query === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}auth_token=${r.query}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${target}`, { headers, agent: false }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      // The request id is minted per request: left out of the comparison.
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').replace(/"request_id":"[0-9a-f]{32}"/, '"request_id":"<minted>"') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const code = (a: Answer) => (a.status === 200 ? 'ok' : (JSON.parse(a.body) as { code: string }).code);

/** What an authenticated read answers, by verdict. */
function expected(r: Row): string {
  if (r.verdict === 'no_credentials') return 'unauthenticated';
  if (r.verdict === 'malformed_key' || !r.active) return 'invalid_token';
  return 'ok';
}

async function start(fastReads: boolean) {
  const config = loadOriginConfig({ ORIGIN_PORT: '0', LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '2000', HIBP_URL: 'off', ORIGIN_RATE_LIMIT: 'false' });
  const logger = createLogger('info', new LogSink());
  const app = newApp({ config, database, logger, envelope: devEnvelope(), now: () => NOW });
  return { server: await listen(app, config, logger, { fastReads }), readPath: readPathOf(app) };
}

beforeAll(async () => {
  database = await createTestDatabase();
  seed = (await seedDemo(database.db))!;
  const f = await start(true);
  fast = f.server;
  readPath = f.readPath!;
  chain = (await start(false)).server;
});

afterAll(async () => {
  await fast?.close();
  await chain?.close();
  await database?.dispose();
});

describe('one key authenticator: every entry point gives the same verdict', () => {
  it('shared/api-key.ts and the origin authenticate() agree on every shape', () => {
    for (const r of rows(seed.keys.read)) {
      expect(sharedVerdict(r), r.name).toBe(r.verdict);
      expect(originVerdict(r), r.name).toBe(r.verdict);
    }
  });

  it('the page route, the fast read path, the /v2 middleware and readRefusals answer by that verdict', async () => {
    for (const r of rows(seed.keys.read)) {
      const want = expected(r);
      const before = readPath.counts.served;
      const viaFast = await get(fast.url, '/v2/pages/*/home/', r);
      const served = readPath.counts.served - before;
      const viaChain = await get(chain.url, '/v2/pages/*/home/', r);
      expect(code(viaChain), `page route: ${r.name}`).toBe(want);
      expect(viaFast, `fast path ≡ chain: ${r.name}`).toEqual(viaChain);
      expect(served, `fast path serves: ${r.name}`).toBe(r.fastPath ? 1 : 0);
      // The /v2 key middleware (apiKeyAuth), on a list route.
      expect(code(await get(chain.url, '/v2/pages/search/?query=home', r)), `middleware: ${r.name}`).toBe(want);
      // A read the parser refuses (a repeated parameter): credentials first, then 400 — activeness is not looked up.
      const refused = code(await get(chain.url, '/v2/pages/*/home/?locale=en&locale=fr', r));
      expect(refused, `readRefusals: ${r.name}`).toBe(r.verdict === 'key' ? 'bad_request' : want);
    }
  });
});
