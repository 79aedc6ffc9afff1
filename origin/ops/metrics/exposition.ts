/**
 * Where the origin's metrics are read (never in public):
 *
 * - its own listener, METRICS_PORT on METRICS_HOST (127.0.0.1 unless told otherwise; 0 = none):
 *   `GET /metrics`, with `Authorization: Bearer <METRICS_TOKEN>` required when the token is set;
 * - the API port's `GET /metrics` only when METRICS_TOKEN is set, and only with it (401 in the
 *   error shape without); without a token the API port answers 404 there, as for any unknown path.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { ApiError, DEFAULT_DETAIL, errorBody } from '../../../shared/errors.js';
import { bearerMatches, METRICS_PATH, PROMETHEUS_CONTENT_TYPE, SCRAPE_HEADERS, scrapeRefusal } from '../../../shared/metrics-scrape.js';
import { metricsDoc } from '../docs.js';
import { REQUEST_ID_HEADER, resolveRequestId } from '../../../shared/request-id.js';
import { SECURE_HEADERS } from '../../../shared/secure-headers.js';
import type { OriginConfig } from '../../config.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import type { Logger } from '../../logger.js';
import { installAuthMetrics } from './auth.js';
import { instrumentQueries, watchDatabase } from './database.js';
import { originRegistry } from './registry.js';
import './backup.js';

/** The text exposition of every origin family. */
export function originMetricsText(): Promise<string> {
  return originRegistry.metrics();
}

/** Wires the counters to this app's database, the audit writer and the captcha channel (idempotent but for the database, which the last app built wins). */
export function installOriginMetrics(ctx: Pick<AppContext, 'database' | 'config' | 'keyUsage'>): void {
  instrumentQueries();
  installAuthMetrics();
  watchDatabase(ctx.database, ctx.config, ctx.keyUsage);
}

/** `GET /metrics` on the API port: only with METRICS_TOKEN set, and only for its bearer. */
export function metricsRoutes(ctx: Pick<AppContext, 'config'>) {
  const app = new Hono<OriginEnv>();
  app.get(METRICS_PATH, metricsDoc, async (c) => {
    const token = ctx.config.METRICS_TOKEN;
    if (!token) throw new ApiError('not_found', DEFAULT_DETAIL.not_found);
    if (!bearerMatches(c.req.header('authorization'), token)) {
      throw new ApiError('unauthenticated', 'A valid metrics bearer token is required.', { 'www-authenticate': 'Bearer realm="metrics"' });
    }
    return c.body(await originMetricsText(), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
  });
  return app;
}

export interface RunningMetricsListener {
  url: string;
  port: number;
  close(): Promise<void>;
}

type ListenerConfig = Pick<OriginConfig, 'METRICS_HOST' | 'METRICS_TOKEN'> & { METRICS_PORT: number };

/** The metrics listener, or null when METRICS_PORT is 0. */
export async function startMetricsListener(config: ListenerConfig, logger: Logger, opts: { anyPort?: boolean } = {}): Promise<RunningMetricsListener | null> {
  if (config.METRICS_PORT === 0 && !opts.anyPort) return null;
  const server = createServer((req, res) => {
    const header = req.headers[REQUEST_ID_HEADER];
    const requestId = resolveRequestId(typeof header === 'string' ? header : null);
    const refused = scrapeRefusal(req.method ?? '', req.url ?? '', req.headers.authorization, config.METRICS_TOKEN, requestId);
    if (refused) {
      res.writeHead(refused.status, { ...refused.headers, [REQUEST_ID_HEADER]: requestId });
      res.end(refused.body);
      return;
    }
    originMetricsText().then(
      (text) => {
        res.writeHead(200, { ...SCRAPE_HEADERS, [REQUEST_ID_HEADER]: requestId });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        logger.error({ err }, 'metrics collection failed');
        res.writeHead(500, { ...SECURE_HEADERS, 'content-type': 'application/json; charset=utf-8', [REQUEST_ID_HEADER]: requestId });
        res.end(JSON.stringify(errorBody('internal_error', DEFAULT_DETAIL.internal_error, requestId)));
      },
    );
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(config.METRICS_PORT, config.METRICS_HOST, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.METRICS_HOST.includes(':') ? `[${config.METRICS_HOST}]` : config.METRICS_HOST;
  const url = `http://${host}:${port}`;
  const loopback = config.METRICS_HOST === '127.0.0.1' || config.METRICS_HOST === '::1' || config.METRICS_HOST === 'localhost';
  if (!loopback && !config.METRICS_TOKEN) logger.warn({ url }, 'metrics listener on a non-loopback address without METRICS_TOKEN: anyone who reaches it can scrape');
  else logger.info({ url }, 'metrics listening');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeIdleConnections();
      }),
  };
}
