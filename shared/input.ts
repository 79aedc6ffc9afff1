/**
 * The one input rule for text and timestamps that reach the database, as pure checks both sides
 * can use (origin/http/input.ts applies them at the origin's boundary).
 *
 * Postgres `text` and `jsonb` cannot hold U+0000, and the UTF-8 a string is sent as cannot hold an
 * unpaired UTF-16 surrogate; `timestamptz` and JS `Date` disagree outside years 1..9999 (year 0,
 * negative years, and +275760 are JS dates Postgres refuses). Such input is refused with a 400 where
 * it enters — the request target, the JSON body, a date parameter — instead of reaching a
 * statement and failing there as a 500. Request targets (path and query) also refuse every other
 * C0 control character and DEL, which no path segment or parameter of the API can validly hold, and
 * percent-encoding that is malformed or not UTF-8 (`%E0%A4%A`, overlong `%C0%AE`, an encoded
 * surrogate `%ED%A0%80`).
 */
import { DEFAULT_DETAIL, ERROR_STATUS, errorBody } from './errors.js';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id.js';
import { SECURE_HEADERS } from './secure-headers.js';

/** Deepest JSON nesting a body may have (objects and arrays); deeper is refused before any walk or statement. */
export const MAX_JSON_DEPTH = 64;

/**
 * What is wrong with `s` as text the database can hold, or null: a NUL, an unpaired surrogate, and
 * (with `controls`) any other C0 control character or DEL.
 */
export function textProblem(s: string, controls = false): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      if (c === 0) return 'a NUL character';
      if (controls) return 'a control character';
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff) {
        const next = s.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
      }
      return 'an unpaired UTF-16 surrogate';
    }
  }
  return null;
}

/** `decodeURIComponent` that answers null instead of throwing (malformed `%`, or bytes that are not UTF-8). */
export function strictDecode(component: string): string | null {
  if (component.indexOf('%') === -1) return component;
  try {
    return decodeURIComponent(component);
  } catch {
    return null;
  }
}

/** Text with only printable ASCII (U+0020–U+007E) and no `%`: strictDecode leaves it as it is and textProblem finds nothing. */
const PRINTABLE_UNENCODED = /^[\x20-\x24\x26-\x7e]*$/;

/**
 * What is wrong with a request target (`pathname` and `search` as sent, still percent-encoded), or
 * null. Each path segment and each query name and value (`+` read as a space) is decoded strictly
 * and must be text the database can hold, without control characters.
 */
export function requestTargetProblem(pathname: string, search: string): string | null {
  // Printable ASCII without `%`: nothing to decode, no control character, no surrogate — what the
  // loop below would conclude, in one pass (a token-carrying target is most of a hit's target, and
  // the edge's interpreter pays per character of the loop).
  if (PRINTABLE_UNENCODED.test(pathname) && PRINTABLE_UNENCODED.test(search)) return null;
  for (const segment of pathname.split('/')) {
    const decoded = strictDecode(segment);
    if (decoded === null) return 'The URL path has malformed percent-encoding (or bytes that are not UTF-8).';
    const problem = textProblem(decoded, true);
    if (problem) return `The URL path contains ${problem}.`;
  }
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (query === '') return null;
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const name = strictDecode(rawName.replaceAll('+', ' '));
    if (name === null) return 'A query parameter name has malformed percent-encoding (or bytes that are not UTF-8).';
    const nameProblem = textProblem(name, true);
    if (nameProblem) return `A query parameter name contains ${nameProblem}.`;
    if (eq === -1) continue;
    const value = strictDecode(part.slice(eq + 1).replaceAll('+', ' '));
    const shown = printable(name);
    if (value === null) return `The query parameter ${shown} has malformed percent-encoding (or bytes that are not UTF-8).`;
    const valueProblem = textProblem(value, true);
    if (valueProblem) return `The query parameter ${shown} contains ${valueProblem}.`;
  }
  return null;
}

/** A parameter name for an error detail: short, and only plain characters. */
function printable(name: string): string {
  return /^[A-Za-z0-9_.[\]-]{1,40}$/.test(name) ? `'${name}'` : '(unnamed)';
}

/**
 * What is wrong with a parsed JSON value as input the database can hold, or null: a string (value
 * or key) with a NUL or an unpaired surrogate, or nesting deeper than MAX_JSON_DEPTH. Iterative, so
 * no input can exhaust the stack. The detail names where (e.g. `fields.title`).
 */
export function jsonProblem(value: unknown): string | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const p = textProblem(v);
      if (p) return `${path || 'body'}: contains ${p}`;
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) return `${path || 'body'}: nested deeper than ${MAX_JSON_DEPTH} levels`;
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: path ? `${path}.${i}` : String(i), depth: depth + 1 });
      } else {
        const entries = Object.entries(v as Record<string, unknown>);
        for (let i = entries.length - 1; i >= 0; i--) {
          const [k, child] = entries[i]!;
          const kp = textProblem(k);
          if (kp) return `${path || 'body'}: a field name contains ${kp}`;
          stack.push({ v: child, path: path ? `${path}.${safeKey(k)}` : safeKey(k), depth: depth + 1 });
        }
      }
    }
  }
  return null;
}

const safeKey = (k: string) => (/^[A-Za-z0-9_-]{1,64}$/.test(k) ? k : '(field)');

/** Earliest and latest instants both Postgres `timestamptz` and JS `Date` hold and print alike (years 1..9999, UTC). */
export const MIN_TIMESTAMP_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
export const MAX_TIMESTAMP_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const ISO_DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const ISO_HMS = /^(\d\d):(\d\d)(?::(\d\d))?$/;
const ISO_OFFSET = /[+-]\d\d:?\d\d$/;
const DIGITS_1_TO_9 = /^\d{1,9}$/;

/**
 * The one date parser for input that becomes a timestamp: an ISO 8601 date (`2024-05-01`, read as
 * UTC midnight) or date-time with `Z` or an offset (`2024-05-01T12:00:00.5+02:00`), a real
 * calendar day and time, whose instant falls in years 1..9999 UTC. Anything else is null.
 */
export function parseTimestamp(value: string): Date | null {
  const date = ISO_DATE.exec(value.slice(0, 10));
  if (!date) return null;
  const year = Number(date[1]);
  const month = Number(date[2]);
  const day = Number(date[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  let h = 0;
  let mi = 0;
  let s = 0;
  let ms = 0;
  let offsetMin = 0;
  if (value.length > 10) {
    if (value[10] !== 'T' && value[10] !== ' ') return null;
    let rest = value.slice(11);
    let zone: string;
    if (rest.endsWith('Z')) {
      zone = 'Z';
    } else {
      const offset = ISO_OFFSET.exec(rest);
      if (!offset) return null;
      zone = offset[0];
    }
    rest = rest.slice(0, rest.length - zone.length);
    const dot = rest.indexOf('.');
    if (dot !== -1) {
      const frac = rest.slice(dot + 1);
      if (!DIGITS_1_TO_9.test(frac)) return null;
      ms = Math.floor(Number(`0.${frac}`) * 1000);
      rest = rest.slice(0, dot);
    }
    const time = ISO_HMS.exec(rest);
    if (!time) return null;
    h = Number(time[1]);
    mi = Number(time[2]);
    s = time[3] === undefined ? 0 : Number(time[3]);
    if (h > 23 || mi > 59 || s > 59) return null;
    if (zone !== 'Z') {
      const oh = Number(zone.slice(1, 3));
      const om = Number(zone.slice(-2));
      if (oh > 23 || om > 59) return null;
      offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
    }
  }
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(h, mi, s, ms);
  const instant = wall.getTime() - offsetMin * 60_000;
  if (!(instant >= MIN_TIMESTAMP_MS && instant <= MAX_TIMESTAMP_MS)) return null;
  return new Date(instant);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The raw HTTP/1.1 answer, in the one error shape, to a request the server's HTTP parser refused
 * before any application code saw it (Node's `clientError`: a request head over the size limit, a
 * malformed request line or header), or null where no answer is due (the client went away, or a
 * timeout, which Node answers itself). Node's own answer is a bare status line without a body.
 */
export function parserErrorResponse(parserCode: string | undefined, shape: 'ghee' | 'scim' = 'ghee'): string | null {
  if (parserCode === 'ECONNRESET' || parserCode === 'EPIPE' || parserCode === 'ERR_HTTP_REQUEST_TIMEOUT') return null;
  const [code, reason, detail] =
    parserCode === 'HPE_HEADER_OVERFLOW'
      ? (['headers_too_large', 'Request Header Fields Too Large', 'The request line and headers are too large.'] as const)
      : parserCode === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
        ? (['payload_too_large', 'Payload Too Large', DEFAULT_DETAIL.payload_too_large] as const)
        : (['bad_request', 'Bad Request', 'The request is not well-formed HTTP.'] as const);
  const requestId = resolveRequestId(null);
  // SCIM clients parse SCIM's error shape (RFC 7644 §3.12) under /scim/v2.
  const body = JSON.stringify(
    shape === 'scim' ? { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(ERROR_STATUS[code]), detail } : errorBody(code, detail, requestId),
  );
  const headers: [string, string][] = [
    ['content-type', shape === 'scim' ? 'application/scim+json; charset=utf-8' : 'application/json; charset=utf-8'],
    ['content-length', String(new TextEncoder().encode(body).length)],
    ['connection', 'close'],
    [REQUEST_ID_HEADER, requestId],
    ...Object.entries(SECURE_HEADERS),
  ];
  return `HTTP/1.1 ${ERROR_STATUS[code]} ${reason}\r\n${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
}
