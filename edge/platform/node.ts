/**
 * The Node twin of the Fastly platform: in-memory Core Cache, config and secrets from plain
 * records, the origin reached by URL. Used by tests and `npm start`.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createEdgeApp } from '../app.js';
import { MemoryBlocklist, type BlocklistEntry } from './memory-blocklist.js';
import { MemoryCache } from './memory-cache.js';
import { MemoryRateCounters } from './memory-rates.js';
import type { LogLevel, Platform } from './port.js';

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

export interface RunningEdge {
  url: string;
  port: number;
  platform: NodePlatform;
  close(): Promise<void>;
}

export async function startNodeEdge(opts: NodePlatformOptions & { host?: string; port?: number }): Promise<RunningEdge> {
  const platform = createNodePlatform(opts);
  const app = createEdgeApp(platform);
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolvePromise, reject) => {
    const s = serve(
      {
        fetch: (req, env) => {
          let clientIp: string | undefined;
          try {
            clientIp = getConnInfo({ env } as never).remote.address;
          } catch {
            clientIp = undefined;
          }
          return app.fetch(req, { ...(env as object), clientIp });
        },
        hostname: host,
        port: opts.port ?? 0,
      },
      () => resolvePromise(s as Server),
    ) as Server;
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    platform,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeIdleConnections();
      }),
  };
}
