/**
 * The origin's own rate limits — the second layer behind the edge's (edge/middleware/rate-limit/)
 * — and the edge-only setting for content reads. Both sides count and decide with the same code
 * (shared/rate-limit.ts: countAndDecide, decideRateLimit) and answer a refusal the same way: 429
 * in the error shape with Retry-After and RateLimit-* headers, the RateLimit-* headers of the limit
 * closest to running out on every other answer to a direct request (an edge-asserted answer goes
 * back through the edge, which sets its own and may cache it: it carries none of the origin's).
 *
 * Classes (originRouteClass), each limited per client address and, when a key is presented, per key:
 * - read:   GET/HEAD of the Content API (`/v2/…` except `/v2/manage/…`);
 * - write:  any other method on `/v2/…` or `/assets/…`;
 * - manage: everything else (`/v1/…`, `/v2/manage/…`, unknown paths).
 * Not limited here: health checks (load balancers), `/internal/…` (HMAC-signed calls from the edge),
 * public asset reads (keyless, forwarded by the edge without an assertion, so they all come from the
 * edge's address), and OPTIONS.
 *
 * Who is counted: a request with a valid edge assertion under its asserted key and client address
 * (the edge's own address would lump every visitor together), with the limits times
 * ORIGIN_RATE_LIMIT_EDGE_FACTOR — the edge limited it already, and only its cache misses arrive, so
 * this is a backstop (a misconfigured or compromised edge), far above what the edge lets through.
 * Any other request under the socket's address and, when it presents a well-formed key, the key's
 * SHA-256 (the raw token never reaches a counter or a log line). As at the edge, a request refused
 * per address is not counted against its key.
 *
 * Signed-in members (no key presented, a session cookie the API verified recently) count per
 * member — the session's user — against ORIGIN_RATE_LIMIT_MEMBER_RPS in every class, and all
 * members behind one address together against ORIGIN_RATE_LIMIT_MEMBER_IP_RPS (a backstop, far
 * above one person): a team behind one NAT does not share one address's budget, and an anonymous
 * flood from that address (its own counters, its own penalty box) does not stop them. "Verified":
 * the API's session check (origin/http/request-auth.ts) set the request's user; this middleware
 * notes that session's token hash → user after the route answered (`noteSession`, kept
 * SESSION_NOTE_SECONDS, forgotten on a 401). Counting needs no query and a made-up cookie gains
 * nothing: an unknown session counts per address, like no session (so a session's first request
 * does too).
 *
 * Counted once per client request: the web app (origin/admin) calls this API in process with the
 * same Node request (`c.env.incoming`); the checks of the page's request are remembered for it, so
 * its in-process calls (the member, the layout's data, the screen's reads and writes) are not
 * counted again. A page view or a save is one request against the member's budget.
 *
 * Where the counters live: in this instance's memory (shared/memory-rates.ts, bounded), not in
 * Postgres. A limit is then per origin instance (with N instances a client gets up to N× the
 * limit; set the limits to the global budget ÷ N), but counting costs no query: the limiter is
 * in front of the database it protects, and the page-read fast path (origin/content/pages/read-path.ts), which
 * answers in one batched statement, keeps its speed. Login throttling, which must hold across
 * instances exactly, stays in Postgres (origin/identity/accounts/auth-attempts.ts).
 *
 * The page-read fast path is an adapter over the same decisions: it counts a read with `count`
 * before its lookup and hands the checks to the chain (`remember`) when it declines, so a request
 * is counted once, whichever path answers it.
 *
 * ORIGIN_REQUIRE_EDGE: a keyed content read (a key in `auth_token` or Authorization) without an
 * edge assertion is refused with 403 before anything else, on every content read route and the
 * fast path (which hands such reads to the chain). Writes and management stay reachable directly.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { ASSERTION_HEADERS } from '../../shared/edge-assertion.js';
import { ApiError } from '../../shared/errors.js';
import { MemoryRateCounters } from '../../shared/memory-rates.js';
import {
  bindingCheck,
  clientEntry,
  countAndDecide,
  policyOf,
  rateLimitHeaders,
  refusedCheck,
  throttled,
  type RateLimitCheck,
  type RateLimitRule,
  type RateLimitScope,
} from '../../shared/rate-limit.js';
import type { AppContext } from '../context.js';
import type { OriginConfig } from '../config.js';
import type { OriginEnv } from '../env.js';
import { hashSessionToken, sessionTokenFromCookie } from '../identity/index.js';
import { authenticationOf } from './api-key-auth.js';

export type OriginRouteClass = 'read' | 'write' | 'manage';

/** Who a request is counted as: its address (and key), directly or as asserted by the edge. */
export type RateSubject =
  | { via: 'direct'; ip: string; keyHash: string | null }
  | { via: 'edge'; ip: string; keyId: string }
  /** A signed-in member: a session the API verified (`noteSession`), counted per user and, as a backstop, per address. */
  | { via: 'member'; ip: string; userId: string };

/** How long a verified session counts as its member without the API verifying it again. */
export const SESSION_NOTE_SECONDS = 300;
/** Sessions remembered at most (cleared when full: they then count per address until verified again). */
const SESSION_NOTES_MAX = 20_000;

export const EDGE_REQUIRED_DETAIL =
  'Content reads with an API key are served through the edge only (ORIGIN_REQUIRE_EDGE): read from the edge, not the origin. Writes and management calls are not affected.';

const SAFE = new Set(['GET', 'HEAD']);

/** The route class of a request, or null when the origin does not limit it (see the header). */
export function originRouteClass(method: string, pathname: string): OriginRouteClass | null {
  if (method === 'OPTIONS' || pathname === '/healthz' || pathname === '/readyz' || pathname.startsWith('/internal/')) return null;
  const content = pathname === '/v2' || pathname.startsWith('/v2/');
  const assets = pathname.startsWith('/assets/');
  if (SAFE.has(method)) {
    if (assets) return null;
    if (content && !pathname.startsWith('/v2/manage/')) return 'read';
    return 'manage';
  }
  return content || assets ? 'write' : 'manage';
}

export interface OriginRateLimiter {
  /** Limits are counted (ORIGIN_RATE_LIMIT). */
  readonly enabled: boolean;
  /** Keyed content reads must come through the edge (ORIGIN_REQUIRE_EDGE). */
  readonly requireEdge: boolean;
  /** Counts this request and decides: per address, then (when the address is within its limit and a key is known) per key. */
  count(cls: OriginRouteClass, subject: RateSubject): RateLimitCheck[];
  /** Checks the fast path counted for a request it hands to the chain (so the chain does not count it again). */
  remember(incoming: IncomingMessage, counted: Counted): void;
  /** The checks remembered for this request, if any. */
  counted(incoming: IncomingMessage | undefined): Counted | undefined;
  /** The API verified this session (token SHA-256) as `userId`'s: its requests count per member for SESSION_NOTE_SECONDS. */
  noteSession(tokenHash: string, userId: string): void;
  /** The API refused this session (expired, revoked, signed out): its requests count per address again. */
  forgetSession(tokenHash: string): void;
  /** The member of a session the API verified recently, if any. */
  memberOf(tokenHash: string): string | undefined;
}

/** A request's checks, and whether it came through the edge (its answer then carries no RateLimit-* of the origin's). */
export interface Counted {
  checks: RateLimitCheck[];
  viaEdge: boolean;
  /** Counted as a signed-in member (for the log line). */
  member?: boolean;
}

/**
 * The settings' NODE_ENV-dependent defaults. Limits: on unless NODE_ENV=test (a local `npm start`
 * is limited like production: the probe's 3,000 direct reads in 2 s are refused there too; test
 * origins turn them on where a test is about them). Edge-only reads: on in production only (a
 * developer reads the local origin directly).
 */
export function rateLimitEnabled(config: OriginConfig): boolean {
  return config.ORIGIN_RATE_LIMIT ?? config.NODE_ENV !== 'test';
}

export function requireEdgeEnabled(config: OriginConfig): boolean {
  return config.ORIGIN_REQUIRE_EDGE ?? config.NODE_ENV === 'production';
}

type Rules = Record<OriginRouteClass | 'member', Record<RateLimitScope, RateLimitRule>>;

function rulesOf(config: OriginConfig, factor: number): Rules {
  const window = config.ORIGIN_RATE_LIMIT_WINDOW;
  const rule = (rps: number): RateLimitRule => ({ rps: rps * factor, window });
  return {
    read: { ip: rule(config.ORIGIN_RATE_LIMIT_READ_IP_RPS), key: rule(config.ORIGIN_RATE_LIMIT_READ_KEY_RPS) },
    write: { ip: rule(config.ORIGIN_RATE_LIMIT_WRITE_IP_RPS), key: rule(config.ORIGIN_RATE_LIMIT_WRITE_KEY_RPS) },
    manage: { ip: rule(config.ORIGIN_RATE_LIMIT_MANAGE_IP_RPS), key: rule(config.ORIGIN_RATE_LIMIT_MANAGE_KEY_RPS) },
    // Every class alike: 'key' is the member (their user), 'ip' all members behind one address.
    member: { ip: rule(config.ORIGIN_RATE_LIMIT_MEMBER_IP_RPS), key: rule(config.ORIGIN_RATE_LIMIT_MEMBER_RPS) },
  };
}

/** A limiter over `config`; `nowMs` is the clock (milliseconds since the epoch). */
export function createRateLimiter(config: OriginConfig, nowMs: () => number): OriginRateLimiter {
  const rates = new MemoryRateCounters(nowMs);
  const direct = rulesOf(config, 1);
  const edge = rulesOf(config, config.ORIGIN_RATE_LIMIT_EDGE_FACTOR);
  const ttl = config.ORIGIN_RATE_LIMIT_PENALTY_SECONDS;
  const remembered = new WeakMap<IncomingMessage, Counted>();
  /** Address → counter entry for recent addresses (parsing one is not free); cleared when full. */
  const entries = new Map<string, string>();
  const entryOf = (ip: string): string => {
    let entry = entries.get(ip);
    if (entry === undefined) {
      if (entries.size >= 4096) entries.clear();
      entry = clientEntry(ip);
      entries.set(ip, entry);
    }
    return entry;
  };
  const check = (cls: OriginRouteClass | 'member', via: RateSubject['via'], scope: RateLimitScope, entry: string): RateLimitCheck => {
    const rule = (via === 'edge' ? edge : direct)[cls][scope];
    const name = `${cls}_${scope}_${via}`;
    return { scope, rule, decision: countAndDecide(rates, `rl_${name}`, `pb_${name}`, entry, rule, ttl) };
  };
  /** Session token hash → its user and until when (ms) that counts without the API verifying it again. */
  const sessions = new Map<string, { userId: string; until: number }>();
  return {
    enabled: rateLimitEnabled(config),
    requireEdge: requireEdgeEnabled(config),
    count(cls, subject) {
      if (subject.via === 'member') {
        const members = check('member', 'member', 'ip', entryOf(subject.ip));
        if (!members.decision.allow) return [members];
        return [members, check('member', 'member', 'key', subject.userId)];
      }
      const byIp = check(cls, subject.via, 'ip', entryOf(subject.ip));
      const key = subject.via === 'edge' ? subject.keyId : subject.keyHash;
      if (!byIp.decision.allow || !key) return [byIp];
      return [byIp, check(cls, subject.via, 'key', key)];
    },
    remember(incoming, counted) {
      remembered.set(incoming, counted);
    },
    counted(incoming) {
      return incoming ? remembered.get(incoming) : undefined;
    },
    noteSession(tokenHash, userId) {
      if (sessions.size >= SESSION_NOTES_MAX && !sessions.has(tokenHash)) sessions.clear();
      sessions.set(tokenHash, { userId, until: nowMs() + SESSION_NOTE_SECONDS * 1000 });
    },
    forgetSession(tokenHash) {
      sessions.delete(tokenHash);
    },
    memberOf(tokenHash) {
      const note = sessions.get(tokenHash);
      if (!note) return undefined;
      if (note.until <= nowMs()) {
        sessions.delete(tokenHash);
        return undefined;
      }
      return note.userId;
    },
  };
}

const limiters = new WeakMap<AppContext, OriginRateLimiter>();

/** The one limiter of an app (its context): the middleware and the read fast path share it. */
export function rateLimiterOf(ctx: AppContext): OriginRateLimiter {
  let limiter = limiters.get(ctx);
  if (!limiter) {
    limiter = createRateLimiter(ctx.config, () => ctx.now() * 1000);
    limiters.set(ctx, limiter);
  }
  return limiter;
}

/** The request carries a key of its own: `auth_token` or an Authorization header. */
function presentsKey(c: Context<OriginEnv>): boolean {
  return c.req.header('authorization') !== undefined || c.req.query('auth_token') !== undefined;
}

/** Who the chain counts this request as (an assertion is trusted only once verified, a session once the API verified it). */
function subjectOf(ctx: AppContext, limiter: OriginRateLimiter, c: Context<OriginEnv>): RateSubject {
  const ip = c.get('clientIp');
  // origin/http/authenticate.ts, as the route will decide it. A bad assertion is refused by the route (401); it is counted by its address meanwhile.
  const auth = authenticationOf(ctx, c);
  if (auth.ok && auth.via === 'edge') return { via: 'edge', ip: auth.clientIp || ip, keyId: auth.principal.keyId };
  if (auth.ok) return { via: 'direct', ip, keyHash: auth.tokenHash };
  // No key (a presented key decides by key, as origin/http/request-auth.ts does): a session the API verified counts as its member.
  if (presentsKey(c)) return { via: 'direct', ip, keyHash: null };
  const token = sessionTokenFromCookie(c.req.header('cookie'));
  const userId = token ? limiter.memberOf(hashSessionToken(token)) : undefined;
  return userId ? { via: 'member', ip, userId } : { via: 'direct', ip, keyHash: null };
}

/** After the route: a session the API verified counts as its member from now on; one it refused (401) no longer does. */
function learnSession(limiter: OriginRateLimiter, c: Context<OriginEnv>): void {
  const user = c.get('user');
  if (user) return limiter.noteSession(user.tokenHash, user.userId);
  if (c.res.status !== 401) return;
  const token = sessionTokenFromCookie(c.req.header('cookie'));
  if (token) limiter.forgetSession(hashSessionToken(token));
}

/** The 429 of a refused check, thrown into the app's one error shape. */
export function throttledError(check: RateLimitCheck): ApiError {
  const { detail, headers } = throttled(check);
  return new ApiError('rate_limited', detail, { ...headers, 'cache-control': 'no-store' });
}

/**
 * The origin's limits as middleware (origin/app.ts installs it before the routes): the edge-only
 * rule for keyed content reads, then the rate limits. Needs the request context (clientIp, logger).
 */
export function originRateLimit(ctx: AppContext): MiddlewareHandler<OriginEnv> {
  const limiter = rateLimiterOf(ctx);
  return async function originRateLimitHandler(c, next) {
    if (!limiter.enabled && !limiter.requireEdge) return next();
    const cls = originRouteClass(c.req.method, c.req.path);
    if (cls === null) return next();
    if (limiter.requireEdge && cls === 'read' && c.req.header(ASSERTION_HEADERS.signature) === undefined && presentsKey(c)) {
      throw new ApiError('forbidden', EDGE_REQUIRED_DETAIL);
    }
    if (!limiter.enabled) return next();

    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    let counted = limiter.counted(incoming);
    if (!counted) {
      const subject = subjectOf(ctx, limiter, c);
      counted = { checks: limiter.count(cls, subject), viaEdge: subject.via === 'edge', member: subject.via === 'member' };
      // The web app's in-process calls for this request (same Node request) are not counted again.
      if (incoming) limiter.remember(incoming, counted);
    }
    const { checks, viaEdge } = counted;
    const refused = refusedCheck(checks);
    if (refused) {
      c.get('logger').warn({ class: counted.member ? 'member' : cls, scope: refused.scope, penalised: refused.decision.penalise, policy: policyOf(refused.rule) }, 'rate limited');
      throw throttledError(refused);
    }
    await next();
    learnSession(limiter, c);
    // Behind the edge the client's limits are the edge's: its RateLimit-* go out, and the edge would store ours with the page.
    if (viaEdge) return;
    for (const [name, value] of Object.entries(rateLimitHeaders(bindingCheck(checks)))) c.res.headers.set(name, value);
  };
}
