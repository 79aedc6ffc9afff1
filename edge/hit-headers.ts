/**
 * The response headers of a hit served by the hit fast path (edge/hit-path.ts): exactly the
 * headers the chain sends with a fresh hit, in its order, built with the middlewares' own header
 * functions — as a Headers edit (composeHitHeaders), as a plain list for a Response (Fastly:
 * hitHeaderList) and as a flat list from a per-object template (Node: flatHeaders). Which stored
 * objects it can reproduce exactly is decided here too (reproducible). edge/hit-path.test.ts
 * compares all three with the chain.
 */
import { RATE_LIMIT_HEADER_NAMES } from '../shared/rate-limit.js';
import { REQUEST_ID_HEADER } from '../shared/request-id.js';
import { LEAKY_HEADERS, SECURE_HEADERS, applySecureHeaders } from '../shared/secure-headers.js';
import { corsHeaders } from './middleware/cors/index.js';
import type { CachedObject } from './platform/port.js';

const RATE_LIMIT_NAMES = RATE_LIMIT_HEADER_NAMES;

/** The per-request values of a hit's headers. */
export interface HitValues {
  age: string;
  /** RateLimit-Limit, -Remaining, -Reset, -Policy; null when rate limiting is off. */
  rateLimit: readonly [string, string, string, string] | null;
  /** Access-Control-Allow-Origin, or null when not allowed. */
  allowed: string | null;
  requestId: string;
}

/**
 * The headers the chain sends with a fresh hit, applied to `h` holding the stored headers, in the
 * chain's order with the chain's own functions: X-Cache and Age (content cache), RateLimit-*
 * (rate limit), CORS (upstream CORS dropped, Vary: Origin, ACAO and exposed headers when
 * allowed), X-Request-Id, then the secure header set (and no stack headers).
 */
export function composeHitHeaders(h: Headers, v: HitValues): void {
  h.set('x-cache', 'HIT');
  h.set('age', v.age);
  if (v.rateLimit) for (let i = 0; i < RATE_LIMIT_NAMES.length; i++) h.set(RATE_LIMIT_NAMES[i]!, v.rateLimit[i]!);
  const cors = corsHeaders(v.allowed, h.get('vary'));
  for (const name of cors.drop) h.delete(name);
  for (const [name, value] of cors.set) h.set(name, value);
  h.set(REQUEST_ID_HEADER, v.requestId);
  applySecureHeaders(h);
}

/** The names composeHitHeaders sets or deletes whatever the request (RateLimit-* only when rate limiting is on). */
const COMPOSED_NAMES: ReadonlySet<string> = new Set(['x-cache', 'age', ...corsHeaders(null, null).drop, REQUEST_ID_HEADER, ...Object.keys(SECURE_HEADERS), ...LEAKY_HEADERS]);
const RATE_LIMIT_NAME_SET: ReadonlySet<string> = new Set(RATE_LIMIT_NAMES);
/** The secure header set as the pairs a hit's list ends with (built once, at build time on Fastly). */
const SECURE_PAIRS: readonly [string, string][] = Object.freeze(Object.keys(SECURE_HEADERS).map((name): [string, string] => Object.freeze([name, SECURE_HEADERS[name]!]) as [string, string]));
/** Leading and trailing HTTP whitespace, which Headers strips from every value. */
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/**
 * composeHitHeaders' result as a plain list, for a Response to take in one go (on Fastly each
 * operation on a Response's own Headers is a runtime call): the stored headers but those it
 * replaces or drops, Vary merged as Headers#get would combine it plus Origin, then the values it
 * sets. `new Headers(hitHeaderList(stored, v))` equals composeHitHeaders on `new Headers(stored)`
 * (edge/hit-path.test.ts compares them on generated header sets).
 */
export function hitHeaderList(stored: readonly (readonly [string, string])[], v: HitValues): [string, string][] {
  // Index loops and prebuilt pairs: on Fastly each hit runs this once in a fresh instance of an
  // interpreter, where iterator protocols and per-name object walks cost more than the work.
  const out: [string, string][] = [];
  let vary: string[] | null = null;
  for (let i = 0; i < stored.length; i++) {
    const pair = stored[i]!;
    const name = pair[0].toLowerCase();
    if (name === 'vary') (vary ??= []).push(pair[1].replace(HTTP_WHITESPACE, ''));
    else if (!COMPOSED_NAMES.has(name) && !(v.rateLimit && RATE_LIMIT_NAME_SET.has(name))) out.push([name, pair[1]]);
  }
  out.push(['x-cache', 'HIT'], ['age', v.age]);
  if (v.rateLimit) for (let i = 0; i < RATE_LIMIT_NAMES.length; i++) out.push([RATE_LIMIT_NAMES[i]!, v.rateLimit[i]!]);
  // Vary left as it was stays as separate values (Headers combines them only when read); a new value is set whole.
  const sets = corsHeaders(v.allowed, vary === null ? null : vary.join(', ')).set;
  if (vary !== null && sets[0]?.[0] !== 'vary') for (let i = 0; i < vary.length; i++) out.push(['vary', vary[i]!]);
  for (let i = 0; i < sets.length; i++) out.push([sets[i]![0], sets[i]![1]]);
  out.push([REQUEST_ID_HEADER, v.requestId]);
  for (let i = 0; i < SECURE_PAIRS.length; i++) out.push(SECURE_PAIRS[i]!);
  return out;
}

const NUMERIC_NAME = /^\d+$/;
const reproducibility = new WeakMap<object, boolean>();

/**
 * Whether the chain's response for a hit of `object` is one this path reproduces: not when the
 * stored headers lack Content-Type (the Node adapter would default one), hold Set-Cookie, or
 * have a numeric name (which would reorder an object's keys on Node). Remembered per object.
 */
export function reproducible(object: Readonly<CachedObject>): boolean {
  let ok = reproducibility.get(object);
  if (ok === undefined) {
    let type = false;
    ok = true;
    for (const [name] of object.headers) {
      const lower = name.toLowerCase();
      if (lower === 'content-type') type = true;
      else if (lower === 'set-cookie' || NUMERIC_NAME.test(lower)) ok = false;
    }
    ok &&= type;
    reproducibility.set(object, ok);
  }
  return ok;
}

/** A stored object's response headers, final but for the per-request values (for Node: written as a flat list). */
interface Template {
  flat: readonly string[];
  /** Indexes in `flat` of the per-request values (-1: absent). */
  age: number;
  requestId: number;
  acao: number;
  rateLimit: readonly number[];
}

/** composeHitHeaders with placeholders, read back in Headers' (sorted) iteration order: the order the chain's Node adapter writes. */
function buildTemplate(object: Readonly<CachedObject>, rateLimited: boolean, withAcao: boolean): Template {
  const h = new Headers(object.headers as [string, string][]);
  composeHitHeaders(h, { age: '0', rateLimit: rateLimited ? ['0', '0', '0', '0'] : null, allowed: withAcao ? '*' : null, requestId: '0' });
  const flat: string[] = [];
  h.forEach((value, name) => {
    flat.push(name, value);
  });
  const at = (name: string): number => {
    for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return i + 1;
    return -1;
  };
  return {
    flat,
    age: at('age'),
    requestId: at(REQUEST_ID_HEADER),
    acao: withAcao ? at('access-control-allow-origin') : -1,
    rateLimit: rateLimited ? RATE_LIMIT_NAMES.map(at) : [],
  };
}

const templates = new WeakMap<object, (Template | undefined)[]>();

/** The hit's headers as a flat [name, value, …] list in the chain's order (the template is built once per object and variant). */
export function flatHeaders(object: Readonly<CachedObject>, v: HitValues): string[] {
  let variants = templates.get(object);
  if (!variants) templates.set(object, (variants = []));
  const slot = (v.rateLimit ? 2 : 0) + (v.allowed !== null ? 1 : 0);
  let template = variants[slot];
  if (template === undefined) variants[slot] = template = buildTemplate(object, v.rateLimit !== null, v.allowed !== null);
  const out = template.flat.slice();
  out[template.age] = v.age;
  out[template.requestId] = v.requestId;
  if (v.allowed !== null) out[template.acao] = v.allowed;
  if (v.rateLimit) for (let i = 0; i < 4; i++) out[template.rateLimit[i]!] = v.rateLimit[i]!;
  return out;
}
