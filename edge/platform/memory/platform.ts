/**
 * The Platform on Node, built from the in-memory twins of Fastly's pieces: Core Cache
 * (./cache.ts), the ACL blocklist (./blocklist.ts), Edge Rate Limiting (shared/memory-rates.ts,
 * shared with the origin's limiter), config and secrets from plain records, the origin reached
 * by URL. Used by tests and `npm start` (edge/node/server.ts serves an edge built on it); never
 * part of the Fastly bundle (scripts/edge-bundle.test.ts).
 */
import { MemoryRateCounters } from '../../../shared/memory-rates.js';
import type { LogLevel, Platform } from '../port.js';
import { MemoryBlocklist, type BlocklistEntry } from './blocklist.js';
import { MemoryCache } from './cache.js';

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
}

export type NodePlatform = Platform & { cache: MemoryCache; blocklist: MemoryBlocklist; rates: MemoryRateCounters };

export function createNodePlatform(opts: NodePlatformOptions): NodePlatform {
  const now = opts.now ?? (() => Date.now());
  const origin = new URL(opts.originUrl);
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
    log:
      opts.log ??
      ((level, message, fields) => {
        const line = JSON.stringify({ time: new Date().toISOString(), level, service: 'ghee-edge', msg: message, ...fields });
        if (level === 'error' || level === 'warn') process.stderr.write(`${line}\n`);
        else process.stdout.write(`${line}\n`);
      }),
    now,
  };
}
