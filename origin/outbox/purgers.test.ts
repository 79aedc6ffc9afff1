/**
 * Purgers without a network: request shape, chunking, status classification, credential
 * hygiene of errors; the worker's call planning and backoff curve; createPurger by PURGE_TARGET.
 */
import { describe, expect, it } from 'vitest';
import { loadOriginConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { createLogger } from '../logger.js';
import { PurgeWorker, planCalls } from './purge-worker.js';
import { EdgePurger, FastlyApiPurger, PurgeError, createPurger, retryAfterMs, type FetchFn } from './purgers.js';
import { PURGE_PATH, PURGE_PURPOSE, INTERNAL_SIG_HEADER, INTERNAL_TS_HEADER, verifyInternal } from '../../shared/internal-auth.js';

const TOKEN = 'tok_0123456789abcdefSECRET';
const SECRET = 'e'.repeat(64);

interface Call {
  url: string;
  init: RequestInit;
  headers: Record<string, string>;
}

/** A fetch double that records calls and answers with `answer(call index)`. */
function recordingFetch(answer: (i: number) => Response | Promise<Response> = () => new Response('{}', { status: 200 })) {
  const calls: Call[] = [];
  const fetchFn: FetchFn = async (input, init) => {
    calls.push({ url: String(input), init: init ?? {}, headers: Object.fromEntries(new Headers(init?.headers).entries()) });
    return answer(calls.length - 1);
  };
  return { calls, fetchFn };
}

async function purgeError(p: Promise<unknown>): Promise<PurgeError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PurgeError);
    return err as PurgeError;
  }
  throw new Error('expected a PurgeError');
}

const keys = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => `${prefix}:${i}`);

describe('FastlyApiPurger', () => {
  const purger = (fetchFn: FetchFn, baseUrl = 'https://api.fastly.com') => new FastlyApiPurger({ baseUrl, serviceId: 'SvcId123', apiToken: TOKEN, fetch: fetchFn });

  it('POSTs ≤ 256 keys a call with Fastly-Key, Surrogate-Key, Accept and soft-purge only when soft', async () => {
    const { calls, fetchFn } = recordingFetch();
    await purger(fetchFn).purge(keys(600), true);
    await purger(fetchFn).purge(['a', 'b'], false);
    expect(calls.map((c) => c.url)).toEqual(Array(4).fill('https://api.fastly.com/service/SvcId123/purge'));
    expect(calls.map((c) => c.headers['surrogate-key']!.split(' ').length)).toEqual([256, 256, 88, 2]);
    expect(calls.flatMap((c) => c.headers['surrogate-key']!.split(' ')).slice(0, 600)).toEqual(keys(600));
    for (const c of calls) {
      expect(c.init.method).toBe('POST');
      expect(c.init.redirect).toBe('manual');
      expect(c.init.signal).toBeInstanceOf(AbortSignal);
      expect(c.headers['fastly-key']).toBe(TOKEN);
      expect(c.headers.accept).toBe('application/json');
    }
    expect(calls.map((c) => c.headers['fastly-soft-purge'])).toEqual(['1', '1', '1', undefined]);
  });

  it('keeps a base path and drops trailing slashes', async () => {
    const { calls, fetchFn } = recordingFetch();
    await purger(fetchFn, 'http://127.0.0.1:9999/fake-fastly//').purge(['a'], true);
    expect(calls[0]!.url).toBe('http://127.0.0.1:9999/fake-fastly/service/SvcId123/purge');
  });

  it('refuses a plain-http base URL off loopback, credentials in the URL and a bad service id', () => {
    const make = (baseUrl: string, serviceId = 'SvcId123') => () => new FastlyApiPurger({ baseUrl, serviceId, apiToken: TOKEN });
    expect(make('http://api.fastly.com')).toThrow(/https/);
    expect(make('https://user:pw@api.fastly.com')).toThrow(/credentials/);
    expect(make('not a url')).toThrow(/URL/);
    expect(make('https://api.fastly.com', 'bad/id')).toThrow(/service id/);
    expect(make('http://localhost:1234')).not.toThrow();
    expect(make('http://[::1]:1234')).not.toThrow();
  });

  it.each([
    [200, null],
    [204, null],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [301, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
  ])('HTTP %i → retryable %s', async (status, retryable) => {
    const { fetchFn } = recordingFetch(() => new Response(status === 204 ? null : 'nope', { status }));
    const p = purger(fetchFn).purge(['a'], true);
    if (retryable === null) return expect(p).resolves.toBeUndefined();
    const err = await purgeError(p);
    expect(err.retryable).toBe(retryable);
    expect(err.status).toBe(status);
    expect(err.message).toBe(`fastly purge: HTTP ${status} nope`);
  });

  it('stops at the first failed chunk', async () => {
    const { calls, fetchFn } = recordingFetch((i) => new Response('', { status: i === 1 ? 502 : 200 }));
    const err = await purgeError(purger(fetchFn).purge(keys(600), true));
    expect(err.retryable).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('network errors are retryable and named by code', async () => {
    const fetchFn: FetchFn = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    };
    const err = await purgeError(purger(fetchFn).purge(['a'], true));
    expect(err).toMatchObject({ retryable: true, status: null, message: 'fastly purge: network error (ECONNREFUSED)' });
  });

  it('never puts the token in an error, whatever the answer echoes', async () => {
    const echo = recordingFetch(() => new Response(`{"msg":"bad key ${TOKEN}"}\n\u0000${TOKEN}`, { status: 401 }));
    const e1 = await purgeError(purger(echo.fetchFn).purge(['a'], true));
    expect(e1.message).not.toContain(TOKEN);
    expect(e1.message).toContain('[REDACTED]');
    expect(e1.message).not.toMatch(/[^\x20-\x7e]/);
    const thrower: FetchFn = async () => {
      throw new Error(`proxy said no to Fastly-Key: ${TOKEN}`);
    };
    const e2 = await purgeError(purger(thrower).purge(['a'], true));
    expect(e2.message).not.toContain(TOKEN);
    expect(`${String(purger(thrower))} ${JSON.stringify(purger(thrower))}`).not.toContain(TOKEN);
  });

  it('truncates long error bodies', async () => {
    const { fetchFn } = recordingFetch(() => new Response('x'.repeat(10_000), { status: 500 }));
    expect((await purgeError(purger(fetchFn).purge(['a'], true))).message.length).toBeLessThan(300);
  });

  it('refuses invalid keys without calling the API', async () => {
    const { calls, fetchFn } = recordingFetch();
    const err = await purgeError(purger(fetchFn).purge(['ok', 'has space'], true));
    expect(err.retryable).toBe(false);
    expect(calls).toHaveLength(0);
  });
});

describe('EdgePurger', () => {
  it('POSTs HMAC-signed, timestamped bodies of ≤ 256 keys to the edge purge path', async () => {
    const nowMs = 1_750_000_000_000;
    const { calls, fetchFn } = recordingFetch(() => new Response('{"purged":1}', { status: 200 }));
    await new EdgePurger({ edgeUrl: 'http://127.0.0.1:7676/', secret: SECRET, fetch: fetchFn, now: () => nowMs }).purge(keys(300), true);
    expect(calls).toHaveLength(2);
    const bodies = calls.map((c) => JSON.parse(String(c.init.body)) as { keys: string[]; soft: boolean; nonce: string });
    expect(bodies.map((b) => b.keys.length)).toEqual([256, 44]);
    expect(bodies.flatMap((b) => b.keys)).toEqual(keys(300));
    expect(bodies.every((b) => b.soft === true)).toBe(true);
    for (const c of calls) {
      expect(c.url).toBe(`http://127.0.0.1:7676${PURGE_PATH}`);
      expect(c.init.method).toBe('POST');
      expect(c.headers[INTERNAL_TS_HEADER]).toBe(String(nowMs / 1000));
      expect(verifyInternal(SECRET, PURGE_PURPOSE, String(c.init.body), c.headers[INTERNAL_TS_HEADER], c.headers[INTERNAL_SIG_HEADER], nowMs / 1000)).toBe(true);
      expect(JSON.stringify(c)).not.toContain(SECRET);
    }
  });

  it('classifies edge answers like the API ones', async () => {
    const edge = (status: number) => new EdgePurger({ edgeUrl: 'http://127.0.0.1:7676', secret: SECRET, fetch: recordingFetch(() => new Response('{}', { status })).fetchFn });
    expect((await purgeError(edge(401).purge(['a'], false))).retryable).toBe(false);
    expect((await purgeError(edge(503).purge(['a'], false))).retryable).toBe(true);
    await expect(edge(200).purge(['a'], false)).resolves.toBeUndefined();
  });
});

describe('createPurger', () => {
  const config = (env: Record<string, string>) => loadOriginConfig({ LOG_LEVEL: 'silent', ...env });
  it('chooses by PURGE_TARGET', () => {
    expect(createPurger(config({}))).toBeNull();
    expect(createPurger(config({ PURGE_TARGET: 'none' }))).toBeNull();
    expect(createPurger(config({ PURGE_TARGET: 'edge', EDGE_PURGE_URL: 'http://127.0.0.1:7676', EDGE_SHARED_SECRET: SECRET }))).toBeInstanceOf(EdgePurger);
    expect(createPurger(config({ PURGE_TARGET: 'fastly', FASTLY_SERVICE_ID: 'SvcId123', FASTLY_API_TOKEN: TOKEN }))?.name).toBe('fastly');
  });
  it('refuses the edge target without the shared secret', () => {
    expect(() => createPurger(config({ PURGE_TARGET: 'edge', EDGE_PURGE_URL: 'http://127.0.0.1:7676' }))).toThrow(/EDGE_SHARED_SECRET/);
  });
});

describe('PurgeWorker planning and backoff', () => {
  it('merges rows by soft flag into ≤ 256-key calls, each key once, tracking every row a call carries', () => {
    const rows = [
      { id: 1, soft: true, attempts: 0, keys: keys(200, 'a') },
      { id: 2, soft: false, attempts: 0, keys: ['h:1'] },
      { id: 3, soft: true, attempts: 0, keys: [...keys(100, 'b'), 'a:0'] },
      { id: 4, soft: true, attempts: 0, keys: [] },
    ];
    const calls = planCalls(rows);
    expect(calls.map((c) => [c.soft, c.keys.length, [...c.rowIds]])).toEqual([
      [true, 256, [1, 3]],
      [true, 44, [3]],
      [false, 1, [2]],
    ]);
  });

  it('min(max, base · 2^attempts) · (0.5 + random/2), 16× further for refusals', () => {
    const at = (random: number) =>
      new PurgeWorker({ db: {} as unknown as Db, purger: { name: 'x', purge: async () => {} }, logger: createLogger('silent'), baseDelayMs: 500, maxDelayMs: 300_000, random: () => random });
    expect(at(0).retryDelayMs(0, true)).toBe(250);
    expect(at(0.5).retryDelayMs(0, true)).toBe(375);
    expect(at(0.999999).retryDelayMs(0, true)).toBe(500);
    expect(at(0).retryDelayMs(3, true)).toBe(2_000);
    expect(at(0).retryDelayMs(0, false)).toBe(4_000);
    expect(at(0.999999).retryDelayMs(1_000, true)).toBe(300_000);
    expect(at(0).retryDelayMs(1_000, false)).toBe(150_000);
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    const now = Date.UTC(2026, 11, 7, 12, 0, 0);
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(retryAfterMs(new Date(now - 30_000).toUTCString(), now)).toBe(0);
    for (const bad of [null, '', '-1', '1.5', 'soon', '9999999999']) expect(retryAfterMs(bad, now), String(bad)).toBeNull();
  });
});
