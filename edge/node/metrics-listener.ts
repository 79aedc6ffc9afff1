/**
 * The Node edge's metrics listener: `GET /metrics` (the Prometheus text exposition of
 * edge/node/metrics.ts) on its own address — 127.0.0.1 unless told otherwise, never the
 * edge's public listener — and behind a bearer token when one is set (shared/metrics-scrape.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_DETAIL, errorBody } from '../../shared/errors.js';
import { SCRAPE_HEADERS, scrapeRefusal } from '../../shared/metrics-scrape.js';
import { resolveRequestId, REQUEST_ID_HEADER } from '../../shared/request-id.js';
import { SECURE_HEADERS } from '../../shared/secure-headers.js';
import type { EdgeMetrics } from './metrics.js';

export interface MetricsListenerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0: any free port. */
  port: number;
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
}

export interface RunningMetricsListener {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startEdgeMetricsListener(metrics: EdgeMetrics, opts: MetricsListenerOptions): Promise<RunningMetricsListener> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const header = req.headers[REQUEST_ID_HEADER];
    const requestId = resolveRequestId(typeof header === 'string' ? header : null);
    const refused = scrapeRefusal(req.method ?? '', req.url ?? '', req.headers.authorization, opts.token, requestId);
    if (refused) {
      res.writeHead(refused.status, { ...refused.headers, [REQUEST_ID_HEADER]: requestId });
      res.end(refused.body);
      return;
    }
    metrics.exposition().then(
      (text) => {
        res.writeHead(200, { ...SCRAPE_HEADERS, [REQUEST_ID_HEADER]: requestId });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => {
        res.writeHead(500, { ...SECURE_HEADERS, 'content-type': 'application/json; charset=utf-8', [REQUEST_ID_HEADER]: requestId });
        res.end(JSON.stringify(errorBody('internal_error', DEFAULT_DETAIL.internal_error, requestId)));
      },
    );
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeIdleConnections();
      }),
  };
}
