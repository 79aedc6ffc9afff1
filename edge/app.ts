/**
 * The edge app, built from a Platform (edge/platform/port.ts). Identical on Fastly Compute
 * and on Node. Middleware order (DESIGN.md): secure headers (outermost, so every response —
 * hits, misses, redirects, preflights, errors — carries them) → request id → config → CORS
 * (headers on every response; preflights answered here) → HTTPS-only → WAF → rate limit →
 * API key → content cache → origin.
 */
import { Hono, type Handler } from 'hono';
import { DEFAULT_DETAIL } from '../shared/errors.js';
import { cachedEdgeSettings, loadEdgeConfig } from './config-load.js';
import type { EdgeConfig } from './config-schema.js';
import type { EdgeEnv } from './env.js';
import { errorResponse } from './errors.js';
import { apiKey } from './middleware/api-key/index.js';
import { contentCache } from './middleware/content-cache/index.js';
import { cors } from './middleware/cors/index.js';
import { httpsOnly } from './middleware/https-only/index.js';
import { rateLimit } from './middleware/rate-limit/index.js';
import { waf } from './middleware/waf/index.js';
import { requestId } from './middleware/request-id/index.js';
import { secureHeaders } from './middleware/secure-headers/index.js';
import { createHitPath, type HitPath, type HitPathOptions } from './hit-path.js';
import { fetchFromOrigin } from './origin-proxy.js';
import { openApiDocument } from './openapi-document.js';
import type { Platform } from './platform/port.js';
import { requestUrl } from './request-info.js';
import { chainRecord } from './request-record.js';
import { routeClassOf } from './route-class.js';

export interface Edge {
  /** The whole chain. */
  app: Hono<EdgeEnv>;
  /** Fresh cache hits, answered as the chain would (edge/hit-path.ts); everything else is declined to `app`. */
  hits: HitPath;
}

export function createEdgeApp(platform: Platform): Hono<EdgeEnv> {
  return createEdge(platform).app;
}

export function createEdge(platform: Platform, hitOptions: Omit<HitPathOptions, 'config'> = {}): Edge {
  const app = new Hono<EdgeEnv>({ strict: false });
  let config: Promise<EdgeConfig> | null = null;
  /** The settings once loaded and valid (the hit path serves nothing before). */
  let loaded: EdgeConfig | null = null;

  app.use('*', secureHeaders());
  app.use('*', requestId());
  app.use('*', async function edgeContext(c, next) {
    c.set('platform', platform);
    try {
      c.set('config', (loaded = await (config ??= loadEdgeConfig(platform))));
    } catch (err) {
      config = null; // re-read next time: the operator may be fixing the store
      loaded = null;
      const { ConfigError } = await import('../shared/config.js'); // zod's module: loaded only here and where settings are validated (edge/config-load.ts)
      const detail = err instanceof ConfigError ? err.message : String(err);
      platform.log('error', 'edge configuration invalid', { detail });
      return errorResponse('unavailable', 'Edge misconfigured.', c.get('requestId'));
    }
    const started = platform.now();
    await next();
    // The request's one record: counted and (as ACCESS_LOG / LOG_LEVEL say) logged by the platform.
    const pathname = requestUrl(c).pathname;
    platform.request(chainRecord(c.get('requestId'), c.req.method, pathname, routeClassOf(pathname), c.res, c.get('keyRefusal'), platform.now() - started, platform.vCpuMs?.(), c.env.clientIp));
  });

  app.use('*', cors());
  app.use('*', httpsOnly());
  app.use('*', waf());
  app.use('*', rateLimit());

  app.get('/.edge/health', (c) => c.json({ status: 'ok', platform: platform.name }));

  // Loaded on the first purge: its body schema is zod, which no other request should initialise (edge/config-load.ts).
  let purge: Handler<EdgeEnv> | undefined;
  app.post('/.edge/purge', async (c, next) => (purge ??= (await import('./purge.js')).purgeHandler())(c, next));
  // The public part of the OpenAPI document, from the origin, cached like content (edge/openapi-document.ts).
  app.get('/openapi.json', openApiDocument());
  const cache = contentCache({ fill: fetchFromOrigin });
  app.on(['GET', 'HEAD'], '/v2/*', apiKey(), cache);
  app.on(['GET', 'HEAD'], '/assets/*', cache);
  app.all('/v2/*', (c) =>
    errorResponse('method_not_allowed', 'The edge serves reads; send writes to the origin API.', c.get('requestId'), { allow: 'GET, HEAD' }),
  );

  app.notFound((c) => errorResponse('not_found', DEFAULT_DETAIL.not_found, c.get('requestId')));
  app.onError((err, c) => {
    platform.log('error', 'unhandled edge error', { request_id: c.get('requestId'), error: String(err), stack: err instanceof Error ? err.stack : undefined });
    return errorResponse('internal_error', DEFAULT_DETAIL.internal_error, c.get('requestId'));
  });
  // The settings the chain loaded (Node: once per process), else (Fastly: every request starts
  // afresh) as the chain would find them in the edge cache.
  return { app, hits: createHitPath(platform, { config: () => loaded ?? cachedEdgeSettings(platform), ...hitOptions }) };
}
