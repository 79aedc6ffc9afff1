/**
 * The origin's input boundary: the one rule of shared/input.ts (text Postgres can hold, timestamps
 * Postgres and JS agree on) applied where input enters, so that bad input is a 400 in the one error
 * shape and never a failed statement (a 500, with the statement in the log).
 *
 * - `inputBoundary` (origin/app.ts, before routing): the decoded path and query may not contain
 *   NUL, unpaired surrogates or other control characters, nor malformed percent-encoding; and every
 *   JSON body a route reads through `c.req.json()` — origin/http/body.ts parseBody or any other —
 *   is checked as it is parsed (no NUL or unpaired surrogate in any key or string, nesting at most
 *   MAX_JSON_DEPTH).
 * - `timestampParam` / `timestampField`: the one date parser (shared/input.ts parseTimestamp) for
 *   query parameters and body fields that become timestamps.
 * The plain page-read path (origin/content/pages/read-path.ts) answers only targets of plain ASCII letters,
 * digits, `_`, `-`, `=` and `&`, to which this rule has nothing to refuse; every other target goes
 * through the app and this boundary.
 */
import type { Duplex } from 'node:stream';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { ApiError } from '../../shared/errors.js';
import { jsonProblem, parseTimestamp, parserErrorResponse, requestTargetProblem } from '../../shared/input.js';
import type { OriginEnv } from '../env.js';

/** Parsed bodies already checked (so parseBody and the c.req.json wrapper walk a body once). */
const checkedBodies = new WeakSet<object>();

/** Refuses (400) a parsed JSON body the database could not hold; answers it unchanged otherwise. */
export function checkedJson<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    if (checkedBodies.has(value)) return value;
  }
  const problem = jsonProblem(value);
  if (problem) throw new ApiError('bad_request', `Invalid request: ${problem}.`);
  if (value !== null && typeof value === 'object') checkedBodies.add(value);
  return value;
}

/** `pathname` and `search` of an absolute URL string as sent (still percent-encoded; no URL parsing, which would re-encode). */
export function rawTarget(url: string): { pathname: string; search: string } {
  const scheme = url.indexOf('://');
  const start = url.indexOf('/', scheme === -1 ? 0 : scheme + 3);
  if (start === -1) return { pathname: '/', search: '' };
  let end = url.indexOf('#', start);
  if (end === -1) end = url.length;
  const q = url.indexOf('?', start);
  if (q === -1 || q > end) return { pathname: url.slice(start, end), search: '' };
  return { pathname: url.slice(start, q), search: url.slice(q, end) };
}

/** Middleware: refuses bad request targets before routing, and checks every JSON body a route parses. */
export function inputBoundary(): MiddlewareHandler<OriginEnv> {
  return async function inputBoundaryHandler(c, next) {
    const { pathname, search } = rawTarget(c.req.url);
    const problem = requestTargetProblem(pathname, search);
    if (problem) throw new ApiError('bad_request', problem);
    const json = c.req.json.bind(c.req);
    // Every route's body parsing goes through here, whichever helper it calls.
    c.req.json = async <T>() => checkedJson(await json<T>());
    return next();
  };
}

/** A query parameter that is a timestamp (shared/input.ts parseTimestamp): absent → null, invalid or out of range → 400. */
export function timestampParam(c: Context<OriginEnv>, name: string): Date | null {
  const raw = c.req.query(name);
  if (raw === undefined) return null;
  const date = parseTimestamp(raw);
  if (!date) throw new ApiError('bad_request', `${name} must be an ISO 8601 date or date-time with a time zone, in years 1 to 9999.`);
  return date;
}

/**
 * A body field that is a timestamp: an ISO 8601 date-time with seconds and `Z` or an offset (as
 * zod's `z.iso.datetime({ offset: true })`), whose instant is in years 1 to 9999 (shared/input.ts parseTimestamp).
 */
export function timestampField(message = 'must be an ISO 8601 date-time (with seconds and a time zone) in years 1 to 9999') {
  return z.iso.datetime({ offset: true, message }).refine((v) => parseTimestamp(v) !== null, { message });
}

/** A request line's start: a method token, one space, then the target (RFC 9112 §3). */
const REQUEST_LINE = /^[A-Z]{3,10} [^ ]/;
/** The first bytes of the request each connection's parser is reading: its request line. */
const requestHeads = new WeakMap<Duplex, string>();
/** Request-line starts looked for inside a read (a native byte search each: no string copy of the read). */
const METHOD_STARTS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => Buffer.from(`${m} /`, 'latin1'));
const isLetter = (byte: number | undefined) => byte !== undefined && ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a));

/**
 * The last request line that starts inside `chunk` after its first byte, or null: the next
 * request when one read holds the end of a request (its head or its body) and the start of the
 * next — a client writes the next request as soon as it has the answer, and a busy server reads
 * both at once. A body that quotes a request line can only make the error shape SCIM's or ghee's.
 */
function laterRequestLine(chunk: Buffer): string | null {
  let at = -1;
  for (const method of METHOD_STARTS) at = Math.max(at, chunk.lastIndexOf(method));
  return at > 0 && !isLetter(chunk[at - 1]) ? chunk.subarray(at, at + 64).toString('latin1') : null;
}
/** Connections whose parser completed a request's head during the chunk being parsed. */
const headsDone = new WeakSet<Duplex>();

interface NodeHttpParser {
  getCurrentBuffer?: () => Buffer;
  constructor: { kOnExecute?: unknown };
  [k: number]: unknown;
}

/**
 * Keeps the start of the request a connection is sending (origin/server.ts, on each connection
 * once node:http attached its parser), so a refusal by the parser names the request's kind even
 * when the head arrived in several reads: the chunk the parser fails on (`rawPacket`) is then
 * the middle of an oversized URL, and a SCIM client would get the wrong error shape. Node runs
 * the parser over each read and calls its `kOnExecute` after each one; the first chunk of a
 * message is remembered there. Without those parser internals (another runtime), the request
 * line is read from `rawPacket` as before.
 */
export function watchRequestHeads(socket: Duplex): void {
  const parser = (socket as Duplex & { parser?: NodeHttpParser }).parser;
  const k = parser?.constructor.kOnExecute;
  if (!parser || typeof k !== 'number' || typeof parser[k] !== 'function' || typeof parser.getCurrentBuffer !== 'function') return;
  const original = parser[k] as (this: unknown, ...args: unknown[]) => unknown;
  const current = parser.getCurrentBuffer.bind(parser);
  parser[k] = function onExecute(this: unknown, ...args: unknown[]): unknown {
    // A read that starts with a request line starts a request; the first read after a completed
    // head may instead be that request's body (clients write head and body apart), so a later read
    // that starts with a request line replaces it, and so does a request line inside a read (the
    // end of one request and the start of the next read at once). A head's later reads (header
    // bytes) hold none.
    const chunk = current();
    const start = chunk.subarray(0, 64).toString('latin1');
    if (REQUEST_LINE.test(start)) requestHeads.set(socket, start);
    else {
      const later = laterRequestLine(chunk);
      if (later !== null) requestHeads.set(socket, later);
      else if (!requestHeads.has(socket)) requestHeads.set(socket, start);
    }
    const out = original.apply(this, args);
    // A head completed in this read: the next request is the one starting later in it, if any.
    if (headsDone.delete(socket)) {
      const later = laterRequestLine(chunk);
      if (later === null) requestHeads.delete(socket);
      else requestHeads.set(socket, later);
    }
    return out;
  };
}

/** node:http `request`: the connection's current head is complete (the next chunk starts another request). */
export function requestHeadDone(socket: Duplex): void {
  headsDone.add(socket);
}

/**
 * node:http `clientError` (origin/server.ts): a request the HTTP parser refused — a head over
 * Node's size limit (431), malformed HTTP (400) — answered in the one error shape, then closed.
 */
export function answerClientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  // The request line, when the parser got that far, says whether a SCIM client is asking.
  // A head completed earlier in the read the parser failed on: the refused request starts later in it.
  const later = headsDone.has(socket) && err.rawPacket ? laterRequestLine(err.rawPacket) : null;
  const line = later ?? requestHeads.get(socket) ?? err.rawPacket?.subarray(0, 64).toString('latin1') ?? '';
  const response = parserErrorResponse(err.code, /^[A-Za-z]+ \/scim\/v2(?:[/? ]|$)/i.test(line) ? 'scim' : 'ghee');
  // As Node's own handler: never write into a response already under way on this connection.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (response === null || !socket.writable || inFlight) {
    socket.destroy();
    return;
  }
  socket.end(response);
}
