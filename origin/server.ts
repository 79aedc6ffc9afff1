/**
 * Serving the origin app over HTTP (local) or HTTPS (TLS 1.2/1.3, Mozilla "intermediate"),
 * with graceful shutdown: stop accepting, let in-flight requests finish (bounded), close
 * idle keep-alive sockets, then close the database pool. Plain page reads are answered by the
 * app's read path (origin/content/pages/read-path.ts) in front of the Hono listener, which gets the rest.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { OriginConfig } from './config.js';
import type { OriginEnv } from './env.js';
import type { Logger } from './logger.js';
import { readPathOf } from './content/index.js';
import { answerClientError, requestHeadDone, watchRequestHeads } from './http/input.js';

/** Mozilla Server Side TLS "intermediate" (v5.7) TLS 1.2 suites; TLS 1.3 suites are Node's defaults. */
export const MOZILLA_INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface RunningServer {
  url: string;
  port: number;
  tls: boolean;
  /** Stops accepting, drains in-flight requests (up to the timeout), resolves when closed. */
  close(): Promise<void>;
}

type ServerConfig = Pick<OriginConfig, 'ORIGIN_HOST' | 'ORIGIN_PORT' | 'TLS_CERT_FILE' | 'TLS_KEY_FILE' | 'SHUTDOWN_TIMEOUT_MS'>;

export interface ListenOptions {
  /** Answer plain page reads through the app's read path (default); false sends every request through Hono (for comparisons). */
  fastReads?: boolean;
}

export async function listen(app: Hono<OriginEnv>, config: ServerConfig, logger: Logger, opts: ListenOptions = {}): Promise<RunningServer> {
  const tls = Boolean(config.TLS_CERT_FILE && config.TLS_KEY_FILE);
  // What @hono/node-server's serve() builds, with the read path (when the app has one) in front.
  const chain = getRequestListener(app.fetch, { hostname: config.ORIGIN_HOST });
  const readPath = opts.fastReads === false ? undefined : readPathOf(app);
  const listener: (incoming: IncomingMessage, outgoing: ServerResponse) => void = readPath ? readPath.listener(chain) : (incoming, outgoing) => void chain(incoming, outgoing);
  const server = await new Promise<Server>((resolvePromise, reject) => {
    const s = tls
      ? createHttpsServer(
          {
            cert: readFileSync(config.TLS_CERT_FILE!),
            key: readFileSync(config.TLS_KEY_FILE!),
            minVersion: 'TLSv1.2',
            maxVersion: 'TLSv1.3',
            ciphers: MOZILLA_INTERMEDIATE_CIPHERS,
            ecdhCurve: 'X25519:prime256v1:secp384r1',
            honorCipherOrder: false,
          },
          listener,
        )
      : createServer(listener);
    s.once('error', reject);
    // Requests Node's HTTP parser refuses (oversized head, malformed HTTP) answered in the one error shape,
    // SCIM's for a SCIM request even when its head arrived in several reads (watchRequestHeads).
    s.on('clientError', answerClientError);
    s.on(tls ? 'secureConnection' : 'connection', watchRequestHeads);
    s.on('request', (req: IncomingMessage) => requestHeadDone(req.socket));
    s.listen(config.ORIGIN_PORT, config.ORIGIN_HOST, () => resolvePromise(s));
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  const port = (server.address() as AddressInfo).port;
  const host = config.ORIGIN_HOST.includes(':') ? `[${config.ORIGIN_HOST}]` : config.ORIGIN_HOST;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  if (tls) logger.info({ url }, 'origin listening (HTTPS, TLS 1.2–1.3)');
  else logger.warn({ url }, 'origin listening on plain HTTP — for local use only; configure TLS_CERT_FILE/TLS_KEY_FILE in production');

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    tls,
    close: () =>
      (closing ??= new Promise<void>((done) => {
        const timer = setTimeout(() => {
          logger.warn('shutdown timeout reached; closing remaining connections');
          server.closeAllConnections();
        }, config.SHUTDOWN_TIMEOUT_MS);
        timer.unref();
        // Keep-alive sockets become idle as their last response finishes; close them as they do.
        const sweeper = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearTimeout(timer);
          clearInterval(sweeper);
          done();
        });
        server.closeIdleConnections();
      })),
  };
}
