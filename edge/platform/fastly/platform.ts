/// <reference types="@fastly/js-compute" />
/**
 * The Fastly Compute implementation of the Platform port: Core Cache (transactional lookups
 * collapse concurrent misses; surrogate keys; purgeSurrogateKey), Config Store `ghee_config`,
 * Secret Store `ghee_secrets`, the static backend `origin`, the named log endpoint
 * `ghee_requests` (one JSON line per request: the counters' source) and the console (which Fastly
 * streams to log tailing / Viceroy's stdout; lines below the Config Store's `log_level` dropped).
 */
import { Acl } from 'fastly:acl';
import { CoreCache, type TransactionCacheEntry } from 'fastly:cache';
import { purgeSurrogateKey, vCpuTime } from 'fastly:compute';
import { ConfigStore } from 'fastly:config-store';
import { PenaltyBox, RateCounter } from 'fastly:edge-rate-limiter';
import { Logger } from 'fastly:logger';
import { SecretStore } from 'fastly:secret-store';
import { decodeMeta, freshHitOf, itemMetadata } from './meta.js';
import type { CacheHit, CacheTransaction, CachedObject, EdgeCache, FreshHit, IpBlocklist, LogLevel, Platform, RateCounters, RequestRecord } from '../port.js';

export const CONFIG_STORE = 'ghee_config';
export const SECRET_STORE = 'ghee_secrets';
export const ORIGIN_BACKEND = 'origin';
export const BLOCKLIST_ACL = 'ghee_blocklist';
/**
 * The named log endpoint that receives one JSON line per request (the RequestRecord of
 * edge/platform/port.ts plus `time` and `service`): link a logging endpoint of this name to the
 * service; the request, cache, WAF, rate-limit and key-refusal counters are derived from it.
 */
export const REQUEST_LOG_ENDPOINT = 'ghee_requests';
/** Config Store key for the console's level (debug, info, warn, error, silent; default info). */
export const LOG_LEVEL_KEY = 'log_level';

const LEVEL_RANK: Readonly<Record<string, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * The request line as written to the endpoint: `time` and `service`, then the record's fields —
 * JSON.stringify({ time, service, ...record }), without copying the record into a new object
 * (every hit writes one, in an interpreter).
 */
export function requestLogLine(record: RequestRecord, time: number): string {
  return `{"time":"${new Date(time).toISOString()}","service":"ghee-edge",${JSON.stringify(record).slice(1)}`;
}

async function readAll(stream: ReadableStream): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

class FastlyCoreCache implements EdgeCache {
  async transaction(key: string): Promise<CacheTransaction> {
    const entry: TransactionCacheEntry = CoreCache.transactionLookup(key);
    const state = entry.state();
    let hit: CacheHit | null = null;
    if (state.found() && state.usable()) {
      const { meta, body } = decodeMeta(entry.userMetadata());
      const object: CachedObject = { status: meta.s, headers: meta.h, body: body ?? (await readAll(entry.body())) };
      const age = entry.age();
      hit = { object, age: Math.floor(age / 1000), stale: state.stale(), errorOnly: age >= entry.maxAge() + meta.swr };
    }
    const mustInsert = state.mustInsertOrUpdate();
    let settled = false;
    return {
      hit,
      mustInsert,
      insert: async (object, opts) => {
        if (!mustInsert || settled) throw new Error('cache insert without an obligation');
        settled = true;
        const { userMetadata, inline } = itemMetadata(object, opts.staleWhileRevalidate * 1000);
        const writer = entry.insert({
          maxAge: opts.maxAge * 1000,
          // Core Cache keeps an item usable for maxAge + staleWhileRevalidate; stretching the
          // latter over stale-if-error keeps the copy for origin failures (meta.swr tells apart).
          staleWhileRevalidate: (opts.staleWhileRevalidate + opts.staleIfError) * 1000,
          surrogateKeys: opts.surrogateKeys,
          length: inline ? 0 : object.body.byteLength,
          userMetadata,
        });
        if (!inline) writer.append(object.body);
        writer.close();
      },
      cancel: () => {
        if (!mustInsert || settled) return;
        settled = true;
        entry.cancel();
      },
    };
  }

  /** A fresh item without a transaction (non-transactional lookup): small bodies from the metadata, larger ones streamed. */
  lookupFresh(key: string): FreshHit | null {
    const entry = CoreCache.lookup(key);
    if (!entry) return null;
    const state = entry.state();
    if (!state.found() || !state.usable() || state.stale()) {
      entry.close();
      return null;
    }
    return freshHitOf(entry.userMetadata(), () => entry.age(), () => entry.body());
  }

  async purgeSurrogateKey(key: string, opts: { soft: boolean }): Promise<void> {
    purgeSurrogateKey(key, opts.soft);
  }
}

/** Fastly ACL `ghee_blocklist`: a BLOCK entry matching the address blocks it. */
class FastlyBlocklist implements IpBlocklist {
  private acl: Acl | null = null;
  async lookup(ip: string): Promise<string | null> {
    this.acl ??= Acl.open(BLOCKLIST_ACL);
    const match = await this.acl.lookup(ip);
    return match && match.action === 'BLOCK' ? match.prefix : null;
  }
}

/** Edge Rate Limiting: named rate counters and penalty boxes, opened once per name. */
class FastlyRateCounters implements RateCounters {
  private readonly counters = new Map<string, RateCounter>();
  private readonly boxes = new Map<string, PenaltyBox>();
  private counter(name: string): RateCounter {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = new RateCounter(name)));
    return c;
  }
  private box(name: string): PenaltyBox {
    let b = this.boxes.get(name);
    if (!b) this.boxes.set(name, (b = new PenaltyBox(name)));
    return b;
  }
  increment(counter: string, entry: string, delta: number): void {
    this.counter(counter).increment(entry, delta);
  }
  rate(counter: string, entry: string, windowSeconds: 1 | 10 | 60): number {
    return this.counter(counter).lookupRate(entry, windowSeconds);
  }
  count(counter: string, entry: string, durationSeconds: 10 | 20 | 30 | 40 | 50 | 60): number {
    return this.counter(counter).lookupCount(entry, durationSeconds);
  }
  inPenaltyBox(box: string, entry: string): boolean {
    return this.box(box).has(entry);
  }
  addToPenaltyBox(box: string, entry: string, ttlSeconds: number): void {
    // Fastly takes whole minutes, 1–60.
    this.box(box).add(entry, Math.min(60, Math.max(1, Math.ceil(ttlSeconds / 60))));
  }
}

export function createFastlyPlatform(): Platform {
  // Stores are opened lazily: top-level code runs at build time under Wizer.
  let config: ConfigStore | null = null;
  let secrets: SecretStore | null = null;
  let requestLog: Logger | null = null;
  let threshold: number | null = null;
  const configValue = (name: string) => {
    config ??= new ConfigStore(CONFIG_STORE);
    return config.get(name) ?? undefined;
  };
  return {
    name: 'fastly',
    cache: new FastlyCoreCache(),
    blocklist: new FastlyBlocklist(),
    rates: new FastlyRateCounters(),
    config: configValue,
    secret: async (name) => {
      secrets ??= new SecretStore(SECRET_STORE);
      const entry = await secrets.get(name);
      return entry?.plaintext() ?? undefined;
    },
    fetchOrigin: (request, opts) => {
      const pending = fetch(request, { backend: ORIGIN_BACKEND });
      if (!opts?.timeoutMs) return pending;
      // Connect / first-byte timeouts of the static backend are set on the service; this
      // bounds the whole exchange as seen by the worker.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new Error('origin timed out');
          err.name = 'TimeoutError';
          reject(err);
        }, opts.timeoutMs);
      });
      return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
    },
    log: (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
      // LOG_LEVEL is the Config Store's `log_level`, read once per instance (an unknown value counts as info).
      threshold ??= LEVEL_RANK[configValue(LOG_LEVEL_KEY) ?? 'info'] ?? LEVEL_RANK.info!;
      if (LEVEL_RANK[level]! < threshold) return;
      console.log(JSON.stringify({ time: new Date().toISOString(), level, service: 'ghee-edge', msg: message, ...fields }));
    },
    // Every request, whatever the level: the endpoint is where the edge's counters come from.
    request: (record) => {
      requestLog ??= new Logger(REQUEST_LOG_ENDPOINT);
      requestLog.log(requestLogLine(record, Date.now()));
    },
    now: () => Date.now(),
    vCpuMs: () => vCpuTime(),
  };
}
