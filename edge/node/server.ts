/**
 * The edge as a Node HTTP server (tests, benches and `npm start`): the app (edge/app.ts) over
 * the in-memory platform (edge/platform/memory/), served by node:http — fresh hits through the
 * hit fast path, everything else through @hono/node-server into the chain. The Node counterpart
 * of edge/index.ts (the Fastly entry point); it sits above the app, beside the platform, never
 * inside the port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createEdge, type Edge } from '../app.js';
import type { HitPathOptions } from '../hit-path.js';
import type { HitRequest } from '../hit-path.js';
import type { PresentedKey } from '../request-info.js';
import type { CountedRequest } from '../middleware/rate-limit/index.js';
import type { RequestRecord } from '../platform/port.js';
import { createNodePlatform, type NodePlatform, type NodePlatformOptions } from '../platform/memory/platform.js';
import { EdgeMetrics } from './metrics.js';
import { startEdgeMetricsListener, type MetricsListenerOptions, type RunningMetricsListener } from './metrics-listener.js';
import { isPlainHost } from '../../shared/plain-host.js';
import { parserErrorResponse } from '../../shared/input.js';

export interface RunningEdge {
  url: string;
  port: number;
  platform: NodePlatform;
  edge: Edge;
  /** The Prometheus counters (null when started with `metrics: false`). */
  metrics: EdgeMetrics | null;
  /** The metrics listener, when `metricsListener` asked for one. */
  metricsListener: RunningMetricsListener | null;
  close(): Promise<void>;
}

/** @hono/node-server's own tests (buildUrl): a target it passes through unchanged, else normalises with `new URL` (its Host rule: shared/plain-host.ts). */
const PLAIN_REQUEST_TARGET = /^\/[!#$&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;

/** `c.req.url` as @hono/node-server builds it for an origin-form target and a plain Host, or null where it would refuse the request. */
function chainUrl(scheme: string, host: string, target: string): string | null {
  const url = `${scheme}://${host}${target}`;
  if (PLAIN_REQUEST_TARGET.test(target) && !DOT_SEGMENT.test(target)) return url;
  const backslash = target.indexOf('\\');
  if (backslash !== -1) {
    const query = target.indexOf('?');
    if (query === -1 || backslash < query) return null; // node-server answers 400
  }
  try {
    return new URL(url).href;
  } catch {
    return null;
  }
}

const isHttpWhitespace = (code: number) => code === 9 || code === 10 || code === 13 || code === 32;

/**
 * The hit fast path's view of a Node request, or null when the request is not one the view can
 * describe exactly as the chain would see it through @hono/node-server: only GET, an
 * origin-form target and a Host that node-server takes as it is (so `c.req.url` is built here as
 * node-server builds it), header names that are all distinct and values without surrounding
 * whitespace (so each header reads as its one raw value, and the WAF's count and size are the
 * raw ones).
 */
export function nodeHitRequest(incoming: IncomingMessage): HitRequest | null {
  if (incoming.method !== 'GET') return null;
  const target = incoming.url;
  if (target === undefined || target.charCodeAt(0) !== 47) return null; // not origin-form ('/…')
  const raw = incoming.rawHeaders;
  let bytes = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (name.charCodeAt(0) === 58) return null; // ':' pseudo-header
    if (value.length > 0 && (isHttpWhitespace(value.charCodeAt(0)) || isHttpWhitespace(value.charCodeAt(value.length - 1)))) return null;
    bytes += name.length + value.length;
  }
  const headers = incoming.headers;
  let distinct = 0;
  for (const name in headers) if (Object.hasOwn(headers, name)) distinct++;
  if (distinct * 2 !== raw.length) return null; // a repeated header: joined or dropped differently
  const host = headers.host;
  if (host === undefined || !isPlainHost(host)) return null;
  const socket = incoming.socket as Socket & { encrypted?: boolean };
  const url = chainUrl(socket.encrypted ? 'https' : 'http', host, target);
  if (url === null) return null;
  return {
    method: 'GET',
    url,
    rawTarget: target,
    header: (name) => {
      const v = headers[name];
      return typeof v === 'string' ? v : undefined;
    },
    headerCount: distinct,
    headerBytes: bytes,
    clientIp: socket.remoteAddress,
  };
}

/**
 * A node:http request listener: fresh cache hits straight from the hit path (the stored bytes
 * and a precomputed header list, no web Request or Response), everything else through
 * @hono/node-server into the chain — with the rate-limit count when the hit path already made it.
 */
export function nodeEdgeListener(
  edge: Edge,
  hostname?: string,
  opts: { fastHits: boolean } = { fastHits: true },
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  /** What the hit path already did for a request it declined (its rate-limit count, its token parse). */
  const handedOver = new WeakMap<IncomingMessage, { counted?: CountedRequest; presented?: PresentedKey | null }>();
  const chain = getRequestListener(
    (req, bindings) => {
      const env = bindings as { incoming: IncomingMessage; outgoing: ServerResponse };
      let clientIp: string | undefined;
      try {
        clientIp = getConnInfo({ env } as never).remote.address;
      } catch {
        clientIp = undefined;
      }
      const pre = handedOver.get(env.incoming);
      return edge.app.fetch(req, pre ? { ...env, clientIp, ...pre } : { ...env, clientIp });
    },
    hostname === undefined ? {} : { hostname },
  );
  return (incoming, outgoing) => {
    const view = opts.fastHits ? nodeHitRequest(incoming) : null;
    if (!view) {
      void chain(incoming, outgoing);
      return;
    }
    edge.hits.serve(view).then(
      (outcome) => {
        if (outcome.served) {
          const headers = outcome.headers();
          const body = outcome.body;
          if (body instanceof Uint8Array) {
            headers.push('Content-Length', String(body.byteLength));
            outgoing.writeHead(outcome.status, headers);
            outgoing.end(body);
          } else {
            // The memory cache holds bytes; a streaming cache would be read out first (same framing).
            void new Response(body).arrayBuffer().then(
              (bytes) => {
                headers.push('Content-Length', String(bytes.byteLength));
                outgoing.writeHead(outcome.status, headers);
                outgoing.end(new Uint8Array(bytes));
              },
              () => outgoing.destroy(),
            );
          }
          return;
        }
        if (outcome.counted || outcome.presented !== undefined) {
          const handed: { counted?: CountedRequest; presented?: PresentedKey | null } = {};
          if (outcome.counted) handed.counted = outcome.counted;
          if (outcome.presented !== undefined) handed.presented = outcome.presented;
          handedOver.set(incoming, handed);
        }
        void chain(incoming, outgoing);
      },
      () => void chain(incoming, outgoing),
    );
  };
}

export async function startNodeEdge(
  opts: NodePlatformOptions & {
    host?: string;
    port?: number;
    /** Serve fresh hits through the hit fast path (default); false sends every request through the chain (for comparisons). */
    fastHits?: boolean;
    /** Hit-path options, e.g. `hashToken` to serve hits as on Fastly (tests). */
    hits?: Omit<HitPathOptions, 'config'>;
    /** Count requests for Prometheus (default true; false for comparisons). */
    metrics?: boolean;
    /** Serve the counters on a listener of their own (EDGE_METRICS_PORT / _HOST / _TOKEN); none by default. */
    metricsListener?: MetricsListenerOptions;
  },
): Promise<RunningEdge> {
  const metrics = opts.metrics === false ? null : new EdgeMetrics();
  const given = opts.onRequest;
  const onRequest = metrics ? (given ? (r: RequestRecord) => (metrics.record(r), given(r)) : (r: RequestRecord) => metrics.record(r)) : given;
  const platform = createNodePlatform({ ...opts, ...(onRequest ? { onRequest } : {}) });
  const edge = createEdge(platform, opts.hits);
  const host = opts.host ?? '127.0.0.1';
  const listener = nodeEdgeListener(edge, host, { fastHits: opts.fastHits ?? true });
  const server = createServer(listener);
  // Requests Node's HTTP parser refuses (oversized head, malformed HTTP) answered in the one error shape (Fastly answers these itself).
  server.on('clientError', (err: Error & { code?: string }, socket) => {
    const response = parserErrorResponse(err.code);
    const inFlight = (socket as typeof socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (response === null || !socket.writable || inFlight) socket.destroy();
    else socket.end(response);
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const metricsListener = metrics && opts.metricsListener ? await startEdgeMetricsListener(metrics, opts.metricsListener) : null;
  return {
    url: `http://${host}:${port}`,
    port,
    platform,
    edge,
    metrics,
    metricsListener,
    close: async () => {
      await Promise.all([
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeIdleConnections();
        }),
        metricsListener?.close(),
      ]);
    },
  };
}
