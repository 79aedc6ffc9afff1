/**
 * Serving the origin app over HTTP (local) or HTTPS (TLS 1.2/1.3, Mozilla "intermediate"),
 * with graceful shutdown: stop accepting, let in-flight requests finish (bounded), close
 * idle keep-alive sockets, then close the database pool.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { OriginConfig } from './config.js';
import type { OriginEnv } from './env.js';
import type { Logger } from './logger.js';

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

export async function listen(app: Hono<OriginEnv>, config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const tls = Boolean(config.TLS_CERT_FILE && config.TLS_KEY_FILE);
  const server = await new Promise<Server>((resolvePromise, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        hostname: config.ORIGIN_HOST,
        port: config.ORIGIN_PORT,
        ...(tls
          ? {
              createServer: createHttpsServer,
              serverOptions: {
                cert: readFileSync(config.TLS_CERT_FILE!),
                key: readFileSync(config.TLS_KEY_FILE!),
                minVersion: 'TLSv1.2' as const,
                maxVersion: 'TLSv1.3' as const,
                ciphers: MOZILLA_INTERMEDIATE_CIPHERS,
                ecdhCurve: 'X25519:prime256v1:secp384r1',
                honorCipherOrder: false,
              },
            }
          : {}),
      },
      () => resolvePromise(s as Server),
    ) as Server;
    s.once('error', reject);
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
