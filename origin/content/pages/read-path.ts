/**
 * (Over 400 lines on purpose: the listener, the batcher and the plainness rules are one unit whose
 * every branch is checked byte for byte against the chain by read-path.test.ts; split, the rules
 * that decide "plain" would drift apart from the code that relies on them.)
 *
 * The page-read fast path: `GET /v2/pages/{type}/{slug}/` with a directly presented key or a valid
 * edge assertion (the edge's cache misses), the origin's hot read, answered straight from
 * node:http. Through Hono and @hono/node-server the same answer costs a web Request and Response,
 * header objects built and rewritten, a child logger and the canonical rewrite, around the one prepared query that finds the key and the
 * page (findKeyAndPublishedPage, origin/content/pages/pages.ts). Here it is the lookup, one header
 * list copied from a template built once, and the body written as stored.
 *
 * The lookup is the route's, shared: the reads parsed in one turn of the event loop are looked up
 * together, up to MAX_LOOKUPS_PER_QUERY in one statement (findKeysAndPublishedPages: per read
 * exactly the single query's conditions, each answered from its own row; a read alone uses the
 * single query itself). Postgres then pays a statement's fixed cost — a round trip, locks,
 * executor start-up — once for several reads instead of once each; under load that is most of
 * its cost per read. Keys are still checked in the database for every read (nothing is cached).
 *
 * Credentials are decided by the chain's own authenticator (origin/http/authenticate.ts
 * `authenticate`), over the request as the chain would see it: the headers as `c.req.header`
 * returns them, the token as shared/api-key.ts extracts it, the method and `pathname + search` of
 * the chain's URL, now. An edge-asserted read (an `x-ghee-assert-sig` header) is then the asserted
 * key's; its token, if any, is ignored as the chain ignores it, and its page is the asserted space's
 * (findPublishedPageJson, one query per read, no key lookup). The access line's client_ip is then
 * the asserted one when the assertion carries one, and the touch is the asserted key's.
 *
 * It serves exactly the plain case, and only when the lookup found an active key with a space (or
 * the assertion was valid) and that space's published page whose type has no reference fields;
 * the response is the chain's byte for byte (status, headers and their order on the wire, body),
 * with the same key-usage touch and the same access-log line. Everything else goes, untouched, to the Hono
 * listener (the chain), which answers as it always did — it looks the key and the page up
 * again, which costs a query on the rare paths only:
 * - declined before the lookup: not a GET (HEAD included), a target or Host that @hono/node-server
 *   would normalise or refuse, a target that is not plain (percent-encoding, `+`, dots, anything
 *   but ASCII letters, digits, `_`, `-`, `*` and `/`, and in the query `=` and `&`), a body; then
 *   what the route's own parsing — the same functions, shared/content-request.ts parseReadRequest
 *   and ./page-read.ts pageRead — refuses (another route, a repeated parameter, a bad page type,
 *   slug, locale or levels) or reads as a preview, so errors keep the chain's precedence and
 *   wording. What that parsing accepts is served, as the chain serves its canonical form: a
 *   parameter the page route does not read (`?utm=x`, `?preview=0`) is dropped, empty path
 *   segments are ignored, and the access line still records the target as received;
 *   without an assertion: no or a malformed token, repeated Authorization headers; with assertion
 *   headers: no signature header among them, one repeated or with surrounding whitespace, no
 *   EDGE_SHARED_SECRET, or an assertion that does not verify (malformed, expired or from the
 *   future beyond the skew, signed for another method, path, query, key, space, kind or client
 *   address) — the chain answers these (a 401 with a logged warning; assertion headers without a
 *   signature: the token path);
 * - declined after the lookup: no active key, a key without a space, no page (in the asserted
 *   space, for an edge-asserted read), a page type with references (the chain expands them), or any error (the chain answers it).
 * The origin's limits (origin/http/rate-limit.ts) hold here as in the chain: a read is counted with
 * the same limiter and decisions before its lookup (once: the checks go to the chain with a declined
 * read), its 200 carries the same RateLimit-* headers, and a refused read — or, under
 * ORIGIN_REQUIRE_EDGE, a directly keyed one — is declined for the chain to answer (429 / 403).
 * The fast path never answers an error itself and never touches the request body.
 *
 * The test origin/content/pages/read-path.test.ts sends every case to a server with and one without this path
 * (one by one, and pipelined so that reads are looked up together) and compares the responses,
 * key-usage touches and log lines.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Hono } from 'hono';
import type { ApiKeyKind } from '../../../shared/api-key.js';
import { ASSERTION_HEADERS } from '../../../shared/edge-assertion.js';
import { keyAllows } from '../../../shared/permissions.js';
import { redactUrl } from '../../../shared/redact.js';
import { REQUEST_ID_HEADER, resolveRequestId } from '../../../shared/request-id.js';
import { applySecureHeaders } from '../../../shared/secure-headers.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import { TOKEN_PARAM, isReadPath, parseReadRequest } from '../../../shared/content-request.js';
import { ApiError } from '../../../shared/errors.js';
import { pageRead, pageResponseHeaders, pageSurrogateKey } from './page-read.js';
import { authenticate } from '../../http/authenticate.js';
import { CREDENTIAL_USE_CHANNEL, publish } from '../../http/signals.js';
import { MAX_LOOKUPS_PER_QUERY, findKeysAndPublishedPages, findPublishedPageJson, rawQuery, type KeyPageLookup, type KeySpaceAndPage, type RawPublishedPage, type RawQuery } from './pages.js';
import { isPlainHost } from '../../../shared/plain-host.js';
import { RATE_LIMIT_HEADER_NAMES, bindingCheck, rateLimitValues, refusedCheck, type RateLimitCheck } from '../../../shared/rate-limit.js';
import { rateLimiterOf } from '../../http/rate-limit.js';
import { observePageRead } from '../../http/request-metrics.js';
import { accessSampler, parseAccessLog } from '../../../shared/access-log.js';
import { markArrival, withinDeadline } from '../../http/deadline.js';

type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => void;
/** The Hono app's node:http listener (@hono/node-server's getRequestListener). */
type ChainListener = (incoming: IncomingMessage, outgoing: ServerResponse) => unknown;

export interface ReadPath {
  /** A node:http request listener: page reads served here, every other request (and every declined one) passed to `chain` as it came. */
  listener(chain: ChainListener): Listener;
  /** Requests served here, requests handed to the chain, and lookup statements sent (for tests and diagnostics). */
  readonly counts: { served: number; declined: number; queries: number };
}

/**
 * A path and a query of plain characters only: nothing percent-encoded, no dot segment, nothing
 * node-server's URL would re-encode, so the URL the chain reads (`c.req.url`) is the target as sent
 * and every reader of the query (URLSearchParams, Hono) sees the same names and values. What the
 * path and query mean is the shared parser's to say.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9_*/-]*$/;
const PLAIN_QUERY = /^\?[A-Za-z0-9_=&-]+$/;
const ASSERTION_NAMES: readonly string[] = Object.values(ASSERTION_HEADERS);

const isHttpWhitespace = (code: number) => code === 9 || code === 10 || code === 13 || code === 32;
const hasSurroundingWhitespace = (v: string) => v.length > 0 && (isHttpWhitespace(v.charCodeAt(0)) || isHttpWhitespace(v.charCodeAt(v.length - 1)));

/** Whose read it is (origin/http/authenticate.ts): a directly presented well-formed key (its hash), or a verified edge assertion's principal. */
type ReadPrincipal = { via: 'token'; tokenHash: string } | { via: 'edge'; keyId: string; spaceId: string; kind: ApiKeyKind; scopes: readonly string[]; clientIp: string | undefined };

/** What the chain would read from a request it serves from the plain path. */
interface PageReadRequest {
  pageType: string;
  slug: string;
  locale: string | null;
  principal: ReadPrincipal;
  /** `c.req.url`, as @hono/node-server builds it. */
  url: string;
  /** The incoming X-Request-Id, as `c.req.header` returns it. */
  requestId: string | undefined;
}

/** A read waiting for its lookup. */
interface Pending {
  read: PageReadRequest;
  outgoing: ServerResponse;
  /** Hands the request to the chain. */
  decline: () => void;
  started: number;
  clientIp: string;
  /** A direct read's rate-limit checks (origin/http/rate-limit.ts), when limits are on: their RateLimit-* headers go on the 200. */
  checks: RateLimitCheck[] | null;
}

/** The 200's headers as the chain writes them (Headers' sorted order, then Content-Length), with slots for the per-request values. */
interface Template {
  flat: readonly string[];
  surrogateKey: number;
  requestId: number;
  /** Slots of the RateLimit-* headers in RATE_LIMIT_HEADER_NAMES' order (the chain's originRateLimit sets them), when limits are on. */
  rateLimit: number[];
}

/** The route's headers, then the app's request id and secure headers, read back in the order @hono/node-server writes them. */
function buildTemplate(rateLimited: boolean): Template {
  const h = new Headers(pageResponseHeaders('surrogate-key'));
  const rateLimitNames = rateLimited ? RATE_LIMIT_HEADER_NAMES : [];
  for (const name of rateLimitNames) h.set(name, name);
  h.set(REQUEST_ID_HEADER, 'request-id');
  applySecureHeaders(h);
  const flat: string[] = [];
  h.forEach((value, name) => {
    flat.push(name, value);
  });
  const at = (name: string): number => {
    const i = flat.indexOf(name);
    if (i === -1 || i % 2 !== 0) throw new Error(`read path: no ${name} header in the template`);
    return i + 1;
  };
  return { flat, surrogateKey: at('surrogate-key'), requestId: at(REQUEST_ID_HEADER), rateLimit: rateLimitNames.map(at) };
}

const readPaths = new WeakMap<object, ReadPath>();

/** The read path built for an app by newApp (origin/app.ts), if its database allows one. */
export function readPathOf(app: Hono<OriginEnv>): ReadPath | undefined {
  return readPaths.get(app);
}

/** Remembers `path` as the read path of `app` (listen() in origin/server.ts installs it). */
export function attachReadPath(app: Hono<OriginEnv>, path: ReadPath | null): void {
  if (path) readPaths.set(app, path);
}

/** The read path over the app's context, or null when its database has no raw query (origin/content/pages/pages.ts rawQuery). */
export function createReadPath(ctx: AppContext): ReadPath | null {
  const query = rawQuery(ctx.database.db);
  if (!query) return null;
  const raw: RawQuery = query;
  const limiter = rateLimiterOf(ctx);
  const template = buildTemplate(limiter.enabled);
  /** Edge-asserted reads carry no RateLimit-* of the origin's (origin/http/rate-limit.ts). */
  const edgeTemplate = limiter.enabled ? buildTemplate(false) : template;
  const counts = { served: 0, declined: 0, queries: 0 };
  /** ACCESS_LOG's share of this path's access lines (the chain samples its own alike). */
  const sampleAccess = accessSampler(parseAccessLog(ctx.config.ACCESS_LOG).every);
  /** Non-plain Host values and whether node-server keeps the URL as sent with them (bounded). */
  const hostKept = new Map<string, boolean>();

  /** `c.req.url` for this Host and (plain) target when node-server builds it unchanged, else null. */
  function chainUrl(scheme: string, host: string, target: string): string | null {
    const url = `${scheme}://${host}${target}`;
    if (isPlainHost(host)) return url;
    // The target here is plain (route patterns, plain query), so whether the URL is kept depends on the Host alone.
    const memo = `${scheme} ${host}`;
    let kept = hostKept.get(memo);
    if (kept === undefined) {
      try {
        const parsed = new URL(url);
        const bare = (host.includes(':') ? host.replace(/:\d+$/, '') : host).toLowerCase();
        kept = parsed.href === url && (parsed.hostname.length === host.length || parsed.hostname === bare);
      } catch {
        kept = false;
      }
      if (hostKept.size >= 256) hostKept.clear();
      hostKept.set(memo, kept);
    }
    return kept ? url : null;
  }

  /** The request as the chain would read it, or null when it is not the plain case. */
  function pageReadOf(incoming: IncomingMessage): PageReadRequest | null {
    // Plainness: what @hono/node-server would take exactly as sent (a GET without a body, a target of plain characters).
    if (incoming.method !== 'GET') return null;
    const target = incoming.url;
    if (target === undefined) return null;
    const q = target.indexOf('?');
    const pathname = q === -1 ? target : target.slice(0, q);
    const search = q === -1 ? '' : target.slice(q);
    if (!PLAIN_PATH.test(pathname) || (q !== -1 && !PLAIN_QUERY.test(search))) return null;
    const headers = incoming.headers;
    if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) return null; // a GET with a body

    // The route's reading, shared (shared/content-request.ts, then ./page-read.ts): anything refused or a preview is the chain's.
    // Only a path the chain hands to the parser (origin/http/content-read.ts canonicalRead): `//v2/…` is the router's (a 404).
    if (!isReadPath(pathname)) return null;
    const parsed = parseReadRequest(pathname, search);
    if (!parsed.ok || parsed.request.kind !== 'content') return null;
    const page = pageRead(parsed.request);
    if (page instanceof ApiError || page.preview) return null;

    const rawHeaders = incoming.rawHeaders;
    let authorizations = 0;
    let assertionHeaders = 0;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      if (name.length === 13 && name.toLowerCase() === 'authorization') authorizations++;
      else if (name.length > 7 && name.slice(0, 7).toLowerCase() === 'x-ghee-' && ASSERTION_NAMES.includes(name.toLowerCase())) assertionHeaders++;
    }

    if (assertionHeaders > 0) {
      // A signature header makes it an edge-asserted read (the token is then ignored). Other assertion
      // headers without one: the chain takes the token path; declined, as any oddity.
      if (typeof headers[ASSERTION_HEADERS.signature] !== 'string') return null;
      let present = 0;
      for (const name of ASSERTION_NAMES) {
        const value = headers[name];
        if (value === undefined) continue;
        if (typeof value !== 'string' || hasSurroundingWhitespace(value)) return null;
        present++;
      }
      // One of them repeated: node joins some names and keeps the first of others, the chain joins them all; declined.
      if (present !== assertionHeaders) return null;
    } else {
      if (authorizations > 1) return null; // node keeps the first, the chain joins them
      const authorization = headers.authorization;
      if (authorization !== undefined && hasSurroundingWhitespace(authorization)) return null;
    }

    const requestId = headers[REQUEST_ID_HEADER];
    if (Array.isArray(requestId) || (requestId !== undefined && hasSurroundingWhitespace(requestId))) return null;
    const host = headers.host;
    if (!host) return null; // node-server would use the configured hostname
    const url = chainUrl((incoming.socket as Socket & { encrypted?: boolean }).encrypted ? 'https' : 'http', host, target);
    if (url === null) return null;

    // The chain's authenticator (origin/http/authenticate.ts) on what the chain would see: `c.req.header(name)`
    // (single, trimmed values: checked above), the token as extractToken takes it (a well-formed Authorization
    // header first, else `auth_token`), its method, and `pathname + search` of `c.req.url` (the URL as received).
    // Any refusal: the chain answers it (and logs why); a direct key's activeness is the lookup's.
    const auth = authenticate(
      {
        method: 'GET',
        header: (name) => {
          const value = headers[name];
          return typeof value === 'string' ? value : undefined;
        },
        // As the chain's `c.req.url` carries it (a plain query: nothing decodes differently); the parser allowed it at most once.
        authToken: () => (q === -1 ? null : new URLSearchParams(search).get(TOKEN_PARAM)),
        target: () => {
          const parsed = new URL(url);
          return parsed.pathname + parsed.search;
        },
      },
      ctx.config.EDGE_SHARED_SECRET,
      ctx.now(),
    );
    if (!auth.ok) return null;
    const principal: ReadPrincipal =
      auth.via === 'token'
        ? { via: 'token', tokenHash: auth.tokenHash }
        : { via: 'edge', keyId: auth.principal.keyId, spaceId: auth.principal.spaceId, kind: auth.principal.kind, scopes: auth.principal.scopes, clientIp: auth.clientIp };
    return { pageType: page.pageType, slug: page.slug, locale: page.locale, principal, url, requestId };
  }

  /** Writes the page's 200 and answers true, or answers false having written nothing (the chain answers). */
  function serve(p: Pending, found: KeySpaceAndPage | null, now: Date): boolean {
    if (!found) return false;
    const spaceId = found.key.spaceId;
    const page = found.page;
    // A key whose scopes do not allow reading published content: the chain refuses it (origin/http/content-read.ts).
    if (spaceId === null || page === null || page.hasRefs || !keyAllows(found.key, 'content.read')) return false;

    const read = p.read;
    const requestId = resolveRequestId(read.requestId);
    const body = `{"data":${page.json}}`;
    const t = p.checks ? template : edgeTemplate;
    const headers = t.flat.slice();
    headers[t.surrogateKey] = pageSurrogateKey(spaceId, read.slug, page.id);
    headers[t.requestId] = requestId;
    if (p.checks) {
      const values = rateLimitValues(bindingCheck(p.checks));
      for (let i = 0; i < t.rateLimit.length; i++) headers[t.rateLimit[i]!] = values[i]!;
    }
    headers.push('Content-Length', String(Buffer.byteLength(body)));
    ctx.keyUsage?.touch(found.key.id, now);
    // As the chain (origin/http/api-key-auth.ts): the security rules learn the networks each key is used from.
    publish(CREDENTIAL_USE_CHANNEL, { kind: 'api_key', subjectId: found.key.id, organizationId: null, ip: (read.principal.via === 'edge' && read.principal.clientIp) || p.clientIp });
    // The chain's request histogram, under the page-read route's pattern (one observation, constant labels).
    observePageRead((performance.now() - p.started) / 1000);
    if (ctx.logger.isLevelEnabled('info') && sampleAccess()) {
      // The chain's line: its child logger's request_id binding, then the same fields.
      ctx.logger.info(
        {
          request_id: requestId,
          method: 'GET',
          path: redactUrl(new URL(read.url)),
          status: 200,
          client_ip: (read.principal.via === 'edge' && read.principal.clientIp) || p.clientIp,
          ms: Math.round((performance.now() - p.started) * 10) / 10,
        },
        'request',
      );
    }
    p.outgoing.writeHead(200, headers);
    p.outgoing.end(body);
    counts.served++;
    return true;
  }

  function answer(p: Pending, found: KeySpaceAndPage | null, now: Date): void {
    try {
      if (!serve(p, found, now)) p.decline();
    } catch {
      // Nothing written yet (the write is the last step): the chain answers. Otherwise the response is broken: drop it.
      if (!p.outgoing.headersSent) p.decline();
      else p.outgoing.destroy();
    }
  }

  /*
   * The reads that arrive together (parsed in one turn of the event loop) are looked up together:
   * one statement for up to MAX_LOOKUPS_PER_QUERY of them (origin/content/pages/pages.ts,
   * findKeysAndPublishedPages), each answered from its own row.
   */
  let queue: Pending[] = [];

  /**
   * An edge-asserted read: the asserted space's page alone, as the route looks it up
   * (findPublishedPageJson) — on a fresh replica when there are any (origin/db/replicas.ts); a
   * directly keyed read stays on the primary, its key checked in the same statement.
   */
  const primaryDb = ctx.database.db;
  const findAsserted: (spaceId: string, read: PageReadRequest) => Promise<RawPublishedPage | null> = ctx.database.replicas
    ? (spaceId, read) => ctx.database.read((db) => findPublishedPageJson(db === primaryDb ? raw : (rawQuery(db) ?? raw), spaceId, read), { spaceId })
    : (spaceId, read) => findPublishedPageJson(raw, spaceId, read);
  async function assertedLookup(p: Pending, a: Extract<ReadPrincipal, { via: 'edge' }>): Promise<(KeySpaceAndPage | null)[]> {
    const page = await findAsserted(a.spaceId, p.read);
    return [{ key: { id: a.keyId, spaceId: a.spaceId, kind: a.kind, scopes: a.scopes }, page }];
  }

  function flush(): void {
    const all = queue;
    queue = [];
    const now = new Date(ctx.now() * 1000);
    const batch: Pending[] = [];
    const lookups: KeyPageLookup[] = [];
    for (const p of all) {
      const principal = p.read.principal;
      if (principal.via === 'edge') {
        lookUp([p], () => assertedLookup(p, principal), now);
      } else {
        batch.push(p);
        lookups.push({ pageType: p.read.pageType, slug: p.read.slug, locale: p.read.locale, tokenHash: principal.tokenHash });
      }
    }
    for (let from = 0; from < batch.length; from += MAX_LOOKUPS_PER_QUERY) {
      const chunk = batch.slice(from, from + MAX_LOOKUPS_PER_QUERY);
      const chunkLookups = lookups.slice(from, from + MAX_LOOKUPS_PER_QUERY);
      lookUp(chunk, () => findKeysAndPublishedPages(raw, now, chunkLookups), now);
    }
  }

  /** Sends one statement for `chunk` and answers each read from its own row (or declines them all on an error). */
  function lookUp(chunk: Pending[], find: () => Promise<(KeySpaceAndPage | null)[]>, now: Date): void {
    counts.queries++;
    let lookup: Promise<(KeySpaceAndPage | null)[]>;
    try {
      lookup = find();
    } catch (err) {
      lookup = Promise.reject(err);
    }
    // Still unanswered when its oldest read reaches the request deadline: declined, and the chain answers 503 at once (origin/http/deadline.ts).
    lookup = withinDeadline(lookup, Math.min(...chunk.map((p) => p.started)) + ctx.config.ORIGIN_REQUEST_TIMEOUT_MS - performance.now());
    lookup.then(
      (found) => {
        for (let i = 0; i < chunk.length; i++) answer(chunk[i]!, found[i] ?? null, now);
      },
      () => {
        for (const p of chunk) p.decline();
      },
    );
  }

  return {
    counts,
    listener(chain) {
      return (incoming, outgoing) => {
        const started = performance.now();
        markArrival(incoming, started);
        const decline = () => {
          counts.declined++;
          void chain(incoming, outgoing);
        };
        let read: PageReadRequest | null;
        try {
          read = pageReadOf(incoming);
        } catch {
          read = null;
        }
        if (read === null) {
          decline();
          return;
        }
        const clientIp = incoming.socket.remoteAddress ?? 'unknown';
        // The origin's limits, decided as the chain decides them (origin/http/rate-limit.ts); refusals are the chain's to answer.
        const principal = read.principal;
        if (principal.via === 'token' && limiter.requireEdge) {
          decline();
          return;
        }
        let checks: RateLimitCheck[] | null = null;
        if (limiter.enabled) {
          checks =
            principal.via === 'edge'
              ? limiter.count('read', { via: 'edge', ip: principal.clientIp || clientIp, keyId: principal.keyId })
              : limiter.count('read', { via: 'direct', ip: clientIp, keyHash: principal.tokenHash });
          limiter.remember(incoming, { checks, viaEdge: principal.via === 'edge' });
          if (refusedCheck(checks)) {
            decline();
            return;
          }
        }
        if (queue.push({ read, outgoing, decline, started, clientIp, checks: principal.via === 'edge' ? null : checks }) === 1) setImmediate(flush);
      };
    },
  };
}
