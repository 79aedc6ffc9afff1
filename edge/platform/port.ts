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
  /** Milliseconds since the epoch. */
  now(): number;
  /** vCPU milliseconds spent on this request so far, where the platform reports it (Fastly). */
  vCpuMs?(): number;
}
