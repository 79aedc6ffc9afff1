/**
 * The fast paths read their own inputs (issue 18): the origin's page read in front of Hono
 * (origin/content/pages/read-path.ts: shared/content-request.ts parseReadRequest, then
 * origin/content/pages/page-read.ts pageRead) and the edge's hit path (edge/hit-path.ts: the same
 * parseReadRequest, its canonical form the cache key and what it forwards). This proves they
 * accept exactly what the document says GET /v2/pages/{pageType}/{slug} accepts — the parameter
 * schemas of the running origin's /openapi.json, checked with Ajv — over a few thousand generated
 * requests, valid and invalid (seeded, so a failure names a reproducible request):
 * - the origin's reading accepts a request ⇔ the document's schemas accept it;
 * - the edge never refuses a request the document accepts, and its canonical form of a request it
 *   passes on is accepted by the origin exactly when the request itself is valid — so the edge can
 *   neither cache an answer for an invalid request under a valid one's key nor the reverse;
 * - and over real HTTP (the fast path and the chain behind it): the same generated queries on an
 *   existing page answer 400 exactly when the document refuses them, and the fast path served some.
 *
 * What "the document accepts" means for a query string: each documented parameter at most once, its
 * value (form-decoded) valid for its schema — an integer written as an integer (`3`, not `03` or
 * `3.0`); parameters the route does not document are ignored (OpenAPI does not forbid them); and the
 * input rule every route documents with its 400 (shared/input.ts): every name, value and path
 * segment decodes strictly as UTF-8 and holds no control character.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { newApp } from '../../origin/app.js';
import { readPathOf } from '../../origin/content/pages/read-path.js';
import type { OriginEnv } from '../../origin/env.js';
import { createLogger } from '../../origin/logger.js';
import { listen, type RunningServer } from '../../origin/server.js';
import { pageRead } from '../../origin/content/pages/page-read.js';
import { ApiError } from '../../shared/errors.js';
import { canonicalTarget, parseReadRequest } from '../../shared/content-request.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Record<string, unknown>;
}

let origin: OriginUnderTest;
/** A second listener over the same database, whose app (and so its read path's counters) the test holds. */
let app: Hono<OriginEnv>;
let server: RunningServer;
/** The documented parameters of GET /v2/pages/{pageType}/{slug}, each with its compiled schema. */
let params: { p: Parameter; validate: ValidateFunction }[];
/** The query parameters a key may be sent in (the document's apiKey-in-query security schemes). */
let credentialParams: string[];

beforeAll(async () => {
  origin = await startTestOrigin();
  const doc = (await (await fetch(`${origin.server.url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { parameters: Parameter[]; security: Record<string, string[]>[] }>>;
    components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
  };
  const op = doc.paths['/v2/pages/{pageType}/{slug}']!.get!;
  const ajv = new Ajv2020({ strict: false });
  params = op.parameters.filter((p) => p.in !== 'header').map((p) => ({ p, validate: ajv.compile(p.schema) }));
  const schemes = op.security.flatMap((r) => Object.keys(r)).map((n) => doc.components.securitySchemes[n]!);
  credentialParams = schemes.filter((s) => s.type === 'apiKey' && s.in === 'query').map((s) => s.name!);
  app = newApp({ config: origin.config, database: origin.database, logger: createLogger('silent'), envelope: origin.envelope });
  server = await listen(app, origin.config, createLogger('silent'));
});
afterAll(async () => {
  await server?.close();
  await origin?.stop();
});

/** A seeded generator (mulberry32), so every run sends the same requests. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values the generator draws from: mostly ones that look right (valid, or wrong in one detail), then anything. */
const PAGE_TYPES = [['*', 'landing', 'a', 'x_y-z', 'a'.repeat(100), '%2A', '%61bc', 'search', '0'], ['a'.repeat(101), 'A', 'Landing', '-x', '_x', 'a%20b', '%ZZ', '%C3%A9', '%FF', 'a.b', '%00', 'a%0Ab', '*%2A']];
const SLUGS = [['home', 'about', 'A', 'a-b_c', 'x'.repeat(200), 'Z9', 'a%2Dx'], ['x'.repeat(201), '_x', '-x', '%2Dx', 'a%20b', 'a+b', '%00', '%E2%9C%93', 'a.b', '%25', '%ZZ']];
const VALUES: Record<string, [string[], string[]]> = {
  locale: [['en', 'fr', 'pt-BR', 'zh-Hant', 'es-419', 'de-DE', 'abc'], ['EN', 'e', 'english', 'en-', 'en-x', 'en-123456789', '', '%00', 'en%0A', 'en+', 'abcd']],
  levels: [['1', '2', '3', '4', '5', '%33'], ['0', '6', '01', '1.0', '%201', '+1', '-1', '', 'a', '3e0', '10']],
  preview: [['1', 'true', '0', 'false', '', '%31'], ['yes', 'TRUE', '2', 'on']],
  auth_token: [['ghee_read_x'], ['']],
  utm_source: [['x', '', 'ok+fine'], ['%FF', 'a%01b']],
  'fields.headline': [['1'], []],
  page: [['2', 'x'], []],
  '%ZZ': [[], ['1']],
  'a%00': [[], ['1']],
};
const NAMES = Object.keys(VALUES);

/** A generated request: a path and a query string as sent (still percent-encoded). */
function generate(rnd: () => number): { pathname: string; search: string } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  /** A valid-looking value 85% of the time (when there are any), else one that is not. */
  const draw = ([good, bad]: [string[], string[]]) => pick(good.length && (rnd() < 0.85 || !bad.length) ? good : bad);
  const pathname = `/v2/pages/${draw(PAGE_TYPES as [string[], string[]])}/${draw(SLUGS as [string[], string[]])}${rnd() < 0.5 ? '/' : ''}`;
  const pairs: string[] = [];
  const n = Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const name = pick(NAMES);
    pairs.push(rnd() < 0.03 ? name : `${name}=${draw(VALUES[name]!)}`);
    if (rnd() < 0.05) pairs.push(`${name}=${draw(VALUES[name]!)}`); // repeated
  }
  return { pathname, search: pairs.length ? `?${pairs.join('&')}` : '' };
}

/** Strict decoding (malformed or non-UTF-8 percent-encoding: null), `+` as a space in query parts. */
function decode(raw: string, form: boolean): string | null {
  try {
    return decodeURIComponent(form ? raw.replaceAll('+', ' ') : raw);
  } catch {
    return null;
  }
}
// eslint-disable-next-line no-control-regex -- the input rule is about control characters
const CONTROL = /[\u0000-\u001f\u007f]/;
const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/** A query or path value as its schema reads it: integers only in integer form. */
function typed(value: string, schema: Record<string, unknown>): unknown {
  if (schema.type === 'integer') return INTEGER.test(value) ? Number(value) : value;
  return value;
}

/** Whether the document accepts the request (see the header for the reading of a query string). */
function documentAccepts(pathname: string, search: string): boolean {
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments.length !== 4 || segments[0] !== 'v2' || segments[1] !== 'pages') return false;
  const decodedSegments = segments.map((s) => decode(s, false));
  if (decodedSegments.some((s) => s === null || CONTROL.test(s))) return false;
  const values = new Map<string, string[]>();
  const query = search.startsWith('?') ? search.slice(1) : search;
  for (const part of query === '' ? [] : query.split('&')) {
    const eq = part.indexOf('=');
    const name = decode(eq === -1 ? part : part.slice(0, eq), true);
    const value = eq === -1 ? '' : decode(part.slice(eq + 1), true);
    if (name === null || value === null || CONTROL.test(name) || CONTROL.test(value)) return false;
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  for (const name of credentialParams) if ((values.get(name)?.length ?? 0) > 1) return false;
  const path = { pageType: decodedSegments[2]!, slug: decodedSegments[3]! } as Record<string, string>;
  for (const { p, validate } of params) {
    if (p.in === 'path') {
      if (!validate(typed(path[p.name]!, p.schema))) return false;
      continue;
    }
    const given = values.get(p.name);
    if (!given) continue;
    if (given.length > 1) return false;
    if (!validate(typed(given[0]!, p.schema))) return false;
  }
  return true;
}

/** What the origin's page read accepts (the fast path and the route: the same two functions). */
function originAccepts(pathname: string, search: string): boolean {
  const parsed = parseReadRequest(pathname, search);
  if (!parsed.ok || parsed.request.kind !== 'content' || parsed.request.route !== 'page') return false;
  return !(pageRead(parsed.request) instanceof ApiError);
}

const CASES = 4000;
const requests = () => {
  const rnd = random(18);
  return Array.from({ length: CASES }, () => generate(rnd));
};

describe('the page read\'s inputs: the fast paths and the document agree', () => {
  it('the origin\'s reading accepts exactly what the document accepts', () => {
    let accepted = 0;
    const disagreements: string[] = [];
    for (const { pathname, search } of requests()) {
      const doc = documentAccepts(pathname, search);
      if (doc) accepted++;
      if (doc !== originAccepts(pathname, search)) disagreements.push(`${pathname}${search}: document ${doc ? 'accepts' : 'refuses'}`);
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
    // Both kinds were generated in earnest.
    expect(accepted).toBeGreaterThan(CASES * 0.1);
    expect(CASES - accepted).toBeGreaterThan(CASES * 0.3);
  });

  it('the edge never refuses a valid request, and its canonical form is valid exactly when the request is', () => {
    const disagreements: string[] = [];
    for (const { pathname, search } of requests()) {
      const doc = documentAccepts(pathname, search);
      const edge = parseReadRequest(pathname, search);
      if (!edge.ok) {
        if (doc) disagreements.push(`${pathname}${search}: refused at the edge (${edge.refusal.detail}), valid in the document`);
        continue;
      }
      const target = canonicalTarget(edge.request);
      const q = target.indexOf('?');
      const [cPath, cSearch] = q === -1 ? [target, ''] : [target.slice(0, q), target.slice(q)];
      if (originAccepts(cPath, cSearch) !== doc) disagreements.push(`${pathname}${search} → ${target}: the origin ${doc ? 'refuses' : 'accepts'} the canonical form`);
      if (documentAccepts(cPath, cSearch) !== doc) disagreements.push(`${pathname}${search} → ${target}: the canonical form is ${doc ? 'invalid' : 'valid'} in the document`);
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
  });

  it('over HTTP on an existing page: 400 exactly when the document refuses the query, and the fast path served the plain valid ones', async () => {
    const rnd = random(1818);
    const readPath = readPathOf(app)!;
    expect(readPath).toBeDefined();
    const served = readPath.counts.served;
    const wrong: string[] = [];
    let sent = 0;
    for (let i = 0; i < 300; i++) {
      const { search } = generate(rnd);
      // The credential in the header: a preview key, so that preview=1 is a valid request too.
      const query = search.replace(/(^\?|&)auth_token=[^&]*/g, '').replace(/^&/, '?');
      const target = `/v2/pages/*/home/${query.startsWith('?') || query === '' ? query : `?${query}`}`;
      const doc = documentAccepts('/v2/pages/*/home/', target.slice('/v2/pages/*/home/'.length));
      const res = await fetch(`${server.url}${target}`, { headers: { authorization: `Token ${origin.seed.keys.preview}` } });
      await res.arrayBuffer();
      sent++;
      // Valid: the page (200), or a locale the space has no page in (404). Invalid: 400.
      if (doc ? ![200, 404].includes(res.status) : res.status !== 400) wrong.push(`${target}: ${res.status}, document ${doc ? 'accepts' : 'refuses'}`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(sent).toBe(300);
    expect(readPath.counts.served - served).toBeGreaterThan(0);
  });
});
