/**
 * The edge Platform port. `edge/app.ts` builds the Hono app from one of these; everything
 * above the port is identical on Fastly Compute (edge/platform/fastly/: the js-compute adapter)
 * and on Node (edge/platform/memory/: the in-memory twins, for tests and `npm start`, served by
 * edge/node/server.ts). No Node-only or Fastly-only imports here.
 */
import type { RateCounters } from '../../shared/rate-limit.js';

/** A response as stored in the edge cache. */
export interface CachedObject {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

export interface CacheInsertOptions {
  /** Seconds the object is fresh. */
  maxAge: number;
  /** Seconds after maxAge during which a stale copy is served while one caller refreshes it. */
  staleWhileRevalidate: number;
  /**
   * Seconds after maxAge + staleWhileRevalidate during which the copy is kept only to be served
   * when the origin fails (unreachable, timed out, 5xx).
   */
  staleIfError: number;
  surrogateKeys: string[];
}

export interface CacheHit {
  object: CachedObject;
  /** Seconds since the object was stored. */
  age: number;
  /** Past maxAge (within stale-while-revalidate or stale-if-error). */
  stale: boolean;
  /**
   * Past stale-while-revalidate, within stale-if-error: ask the origin first and serve this copy
   * only if the origin fails.
   */
  errorOnly: boolean;
}

/**
 * One transactional lookup. Concurrent lookups of a missing key are collapsed: exactly one
 * caller gets `mustInsert` and the others wait until it inserts (or cancels).
 */
export interface CacheTransaction {
  readonly hit: CacheHit | null;
  /** This caller must fetch and insert (a miss, or the one chosen to revalidate a stale hit). */
  readonly mustInsert: boolean;
  insert(object: CachedObject, opts: CacheInsertOptions): Promise<void>;
  /** Give up the obligation to insert (e.g. the origin answered an error); waiters retry. */
  cancel(): void;
}

/** A fresh object as the cache holds it (see EdgeCache.lookupFresh). */
export interface FreshHit {
  /** The cache's own copy: read it, never change it. The same object until it is replaced, purged or expires. */
  readonly object: Readonly<CachedObject>;
  /** Seconds since the object was stored. */
  readonly age: number;
  /**
   * Platforms that stream bodies from the cache (Fastly) and keep `object.body` empty for large
   * objects: the stored body as a stream, to be read once.
   */
  readonly stream?: () => ReadableStream<Uint8Array>;
}

export interface EdgeCache {
  transaction(key: string): Promise<CacheTransaction>;
  purgeSurrogateKey(key: string, opts: { soft: boolean }): Promise<void>;
  /**
   * The object for `key` when it is fresh (within maxAge, not purged), without a transaction
   * and without copying; null when it is missing, stale or expired. Exactly what `transaction`
   * would hand out as a fresh hit with no obligation; used by the hit fast path
   * (edge/hit-path.ts), which sends everything else down the full chain. Optional: platforms
   * without it always take the full chain.
   */
  lookupFresh?(key: string): FreshHit | null;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * What the edge knows of one request once it is answered — by the hit fast path or the chain
 * alike (edge/request-record.ts builds it). Every field is bounded or an identifier the access
 * log already carried: never a query string, a token or a header value. On Fastly it is the
 * one JSON line per request written to the `ghee_requests` log endpoint (README: the fields);
 * on Node it feeds the Prometheus counters and the (sampled) access log.
 */
export interface RequestRecord {
  request_id: string;
  method: string;
  /** The URL path without its query (the query can carry `auth_token`). */
  path: string;
  /** The route class (edge/route-class.ts): content, assets, internal, other. */
  route: string;
  status: number;
  /** X-Cache as answered: HIT, MISS, STALE — absent when the cache was not consulted. */
  cache?: string;
  /** The WAF rule that blocked the request (x-waf-rule). */
  waf_rule?: string;
  /** Why the API key was refused: missing, malformed, unknown, preview_forbidden, scope_forbidden. */
  key_refusal?: string;
  /** Answered 429 by the rate limiter. */
  rate_limited: boolean;
  /** The client's address — only on a WAF block or a 429 (security evidence). */
  client_ip?: string;
  /** Milliseconds from the start of the chain (or hit path) to the answer. */
  ms: number;
  /** vCPU milliseconds spent (Fastly). */
  vcpu_ms?: number;
}

/** IP blocklist (Fastly ACL `ghee_blocklist`; a JSON file on Node). */
export interface IpBlocklist {
  /** The blocking entry (CIDR prefix) that matches `ip`, or null when the address is not blocked. */
  lookup(ip: string): Promise<string | null>;
}

/** Rate counters and a penalty box: shared with the origin's limiter (shared/rate-limit.ts). */
export type { RateCounters };

export interface Platform {
  readonly name: 'fastly' | 'node';
  cache: EdgeCache;
  blocklist: IpBlocklist;
  rates: RateCounters;
  /** Non-secret settings (Fastly Config Store `ghee_config`; env on Node). */
  config(name: string): string | undefined;
  /** Secrets (Fastly Secret Store `ghee_secrets`; env on Node). */
  secret(name: string): Promise<string | undefined>;
  /** Sends a request to the origin backend (Fastly backend `origin`; ORIGIN_URL on Node). */
  fetchOrigin(request: Request, opts?: { timeoutMs?: number }): Promise<Response>;
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  /**
   * One call per answered request (edge/request-record.ts): Fastly writes it as one JSON line
   * to the `ghee_requests` log endpoint; Node counts it (Prometheus) and writes the access log
   * as ACCESS_LOG and LOG_LEVEL say.
   */
  request(record: RequestRecord): void;
  /** Milliseconds since the epoch. */
  now(): number;
  /** vCPU milliseconds spent on this request so far, where the platform reports it (Fastly). */
  vCpuMs?(): number;
}
