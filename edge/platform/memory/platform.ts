/**
 * The Platform on Node, built from the in-memory twins of Fastly's pieces: Core Cache
 * (./cache.ts), the ACL blocklist (./blocklist.ts), Edge Rate Limiting (shared/memory-rates.ts,
 * shared with the origin's limiter), config and secrets from plain records, the origin reached
 * by URL. Used by tests and `npm start` (edge/node/server.ts serves an edge built on it); never
 * part of the Fastly bundle (scripts/edge-bundle.test.ts).
 */
import { MemoryRateCounters } from '../../../shared/memory-rates.js';
import type { LogLevel, Platform, RequestRecord } from '../port.js';
import { MemoryBlocklist, type BlocklistEntry } from './blocklist.js';
import { MemoryCache } from './cache.js';
import { accessSampler, parseAccessLog } from '../../../shared/access-log.js';
import { DEFAULT_EDGE_ACCESS_LOG, levelEnabled, type EdgeLogLevel } from './logging.js';

export interface NodePlatformOptions {
  /** Base URL of the origin, e.g. http://127.0.0.1:8787 */
  originUrl: string;
  config?: Record<string, string | undefined>;
  secrets?: Record<string, string | undefined>;
  now?: () => number;
  log?: (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;
  cache?: MemoryCache;
  /** Blocked prefixes (the Node twin of the Fastly ACL `ghee_blocklist`), or a file of them. */
  blocklist?: BlocklistEntry[] | MemoryBlocklist;
  /** Lines below this level are dropped before `log` sees them (LOG_LEVEL; default info). */
  logLevel?: EdgeLogLevel;
  /** Which per-request lines are logged: off, all, sample:<rate> (ACCESS_LOG; default sample:0.01, edge/platform/memory/logging.ts). */
  accessLog?: string;
  /** Told every request's record, logged or not (the Prometheus counters, edge/node/metrics.ts). */
  onRequest?: (record: RequestRecord) => void;
}

export type NodePlatform = Platform & { cache: MemoryCache; blocklist: MemoryBlocklist; rates: MemoryRateCounters };

export function createNodePlatform(opts: NodePlatformOptions): NodePlatform {
  const now = opts.now ?? (() => Date.now());
  const origin = new URL(opts.originUrl);
  const threshold = opts.logLevel ?? 'info';
  const sink =
    opts.log ??
    ((level: LogLevel, message: string, fields?: Record<string, unknown>) => {
      const line = JSON.stringify({ time: new Date().toISOString(), level, service: 'ghee-edge', msg: message, ...fields });
      if (level === 'error' || level === 'warn') process.stderr.write(`${line}\n`);
      else process.stdout.write(`${line}\n`);
    });
  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (levelEnabled(threshold, level)) sink(level, message, fields);
  };
  // Access lines are info lines: none below LOG_LEVEL, and of the rest the share ACCESS_LOG names.
  const sampled = levelEnabled(threshold, 'info') ? accessSampler(parseAccessLog(opts.accessLog ?? DEFAULT_EDGE_ACCESS_LOG).every) : () => false;
  const onRequest = opts.onRequest;
  return {
    name: 'node',
    cache: opts.cache ?? new MemoryCache(now),
    blocklist: opts.blocklist instanceof MemoryBlocklist ? opts.blocklist : new MemoryBlocklist(opts.blocklist ?? []),
    rates: new MemoryRateCounters(now),
    config: (name) => opts.config?.[name],
    secret: async (name) => opts.secrets?.[name],
    fetchOrigin: async (request, fetchOpts) => {
      const incoming = new URL(request.url);
      const target = new URL(incoming.pathname + incoming.search, origin);
      const init: RequestInit = { method: request.method, headers: request.headers, redirect: 'manual' };
      if (fetchOpts?.timeoutMs) init.signal = AbortSignal.timeout(fetchOpts.timeoutMs);
      if (request.body) Object.assign(init, { body: request.body, duplex: 'half' });
      return fetch(target, init);
    },
    log,
    request: (record) => {
      onRequest?.(record);
      if (sampled()) sink('info', 'request', record as unknown as Record<string, unknown>);
    },
    now,
  };
}
