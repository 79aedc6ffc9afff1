import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import { accessSampler, parseAccessLog } from '../shared/access-log.js';
import { ApiError, DEFAULT_DETAIL, ERROR_STATUS, errorBody, statusToCode, type ErrorCode } from '../shared/errors.js';
import { redactUrl } from '../shared/redact.js';
import { REQUEST_ID_HEADER, resolveRequestId } from '../shared/request-id.js';
import { applySecureHeaders } from '../shared/secure-headers.js';
import { DATABASE_RETRY_AFTER_S, describeDatabaseError, isDatabaseUnavailable } from './db/client.js';
import type { OriginEnv } from './env.js';
import { attachReadPath, createReadPath } from './content/index.js';
import { originRateLimit } from './http/rate-limit.js';
import { canonicalReads, readRefusals, receivedUrl } from './http/content-read.js';
import { LogTransport } from './identity/index.js';
import { inputBoundary } from './http/input.js';
import { requestDeadline } from './http/deadline.js';
import { identityFromConfig } from './identity/index.js';
import { limitConcurrentWrites, onWritesCommitted } from './outbox/index.js';
import type { AppContext, OriginDeps } from './context.js';
import { authRoutes, sessionRoutes, ssoRoutes } from './identity/routes.js';
import { scimRoutes } from './identity/routes.js';
import { isScimPath, SCIM_CONTENT_TYPE, scimErrorBody } from './identity/index.js';
import { orgRoutes } from './identity/routes.js';
import { apiKeyRoutes } from './identity/routes.js';
import { healthRoutes } from './ops/routes.js';
import { countApiRefusal, installOriginMetrics, metricsRoutes, observeOriginRequest } from './ops/routes.js';
import { installSecurityOps, securityRoutes, threatListedRequests } from './ops/routes.js';
import { internalRoutes } from './identity/routes.js';
import { assetRoutes } from './content/routes.js';
import { contentRoutes } from './content/routes.js';
import { pageWriteRoutes } from './content/routes.js';
import { webhookRoutes } from './outbox/routes.js';
import { blogRoutes } from './content/routes.js';
import { installBilling } from './billing/index.js';
import { billingRoutes } from './billing/routes.js';
import { collectionRoutes } from './content/routes.js';
import { pageListRoutes } from './content/routes.js';
import { pageTypeRoutes } from './content/routes.js';
import { installIpAllowlists, supportAccess, supportRoutes } from './governance/routes.js';
import { lifecycleRoutes } from './governance/routes.js';
import { clientAddress, trustedProxies } from './http/client-address.js';
import { serveOpenApi } from './http/openapi-spec.js';
import { isReferencePage } from './http/openapi-reference.js';
import { mountAdmin } from './admin/routes.js';
import { isAdminPath } from './admin/security.js';

export type { AppContext, OriginDeps } from './context.js';

/**
 * The one error renderer: the one shape of shared/errors.ts — except under /scim/v2, where
 * identity providers parse SCIM's own error shape (RFC 7644 §3.12), so every error there (the
 * input boundary's, a 404, a 413) is rendered in it.
 */
function jsonError(code: ErrorCode, detail: string, requestId: string, extra: Record<string, string> = {}, path = ''): Response {
  const scim = isScimPath(path);
  const headers = new Headers({ 'content-type': scim ? SCIM_CONTENT_TYPE : 'application/json; charset=utf-8', ...extra });
  headers.set(REQUEST_ID_HEADER, requestId);
  applySecureHeaders(headers);
  const status = ERROR_STATUS[code];
  const body = scim ? scimErrorBody({ status, detail }) : errorBody(code, detail, requestId);
  return new Response(JSON.stringify(body), { status, headers });
}

function socketAddress(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by node-server (e.g. app.request in tests)
  }
}

/** The origin app: one onError, one error shape, request ids, access logs, secure headers. */
export function newApp(deps: OriginDeps): Hono<OriginEnv> {
  const { mail, afterResponse, ...rest } = deps;
  const transport = mail ?? new LogTransport({ logger: deps.logger, logLinks: deps.config.NODE_ENV === 'development' });
  const ctx: AppContext = { now: () => Date.now() / 1000, onPurgeQueued: () => {}, ...rest, identity: identityFromConfig(deps.config, transport, afterResponse) };
  // Every committed write (origin/outbox/commit.ts) kicks the purge worker: wired once, here.
  onWritesCommitted(ctx.database.db, () => ctx.onPurgeQueued());
  // With read replicas, this process reads a space it just wrote on the primary (origin/db/replicas.ts).
  const replicas = ctx.database.replicas;
  if (replicas) onWritesCommitted(ctx.database.db, (spaceId) => replicas.noteWrite(spaceId));
  // Writes never take more than half the pool from reads (origin/outbox/commit.ts).
  limitConcurrentWrites(ctx.database.db, { total: Math.max(1, Math.floor(ctx.config.DATABASE_POOL_MAX / 2)), perChain: 2 });
  // Prometheus counters (origin/ops/metrics): this app's database for the queue gauges, the audit and captcha hooks.
  installOriginMetrics(ctx);
  // The security rules engine (origin/ops/security): audit rows, credential use and threat-list facts, evaluated as they happen.
  installSecurityOps(ctx);
  // Plan limits in every write's transaction when billing is on (origin/billing/; off: nothing installed).
  installBilling(ctx);
  const sampleAccess = accessSampler(parseAccessLog(ctx.config.ACCESS_LOG).every);
  // Management IP allowlists (origin/governance): the authorizer's network check.
  installIpAllowlists(ctx);
  const proxies = trustedProxies(ctx.config.TRUSTED_PROXIES);
  const app = new Hono<OriginEnv>({ strict: false });

  app.use('*', async function requestContext(c, next) {
    const requestId = resolveRequestId(c.req.header(REQUEST_ID_HEADER));
    const logger = ctx.logger.child({ request_id: requestId });
    c.set('requestId', requestId);
    c.set('logger', logger);
    // The socket's address, or X-Forwarded-For only from a trusted proxy (origin/http/client-address.ts).
    c.set('clientIp', clientAddress(socketAddress(c), c.req.header('x-forwarded-for'), proxies));
    const started = performance.now();
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
    // The web app's pages and the API reference keep their own CSP (origin/admin/security.ts, origin/http/openapi-reference.ts: scripts and styles from 'self'); every other answer gets the API's.
    const pagePolicy = isAdminPath(c.req.path) || isReferencePage(c.req.path) ? c.res.headers.get('content-security-policy') : null;
    applySecureHeaders(c.res.headers);
    if (pagePolicy) c.res.headers.set('content-security-policy', pagePolicy);
    // The route that answered, as its pattern (never the raw path): the metrics' label.
    observeOriginRequest(routePath(c), c.req.method, c.res.status, (performance.now() - started) / 1000);
    // Build the access-log line (URL parse + redaction) only when it will be written (LOG_LEVEL, ACCESS_LOG).
    if (logger.isLevelEnabled('info') && sampleAccess()) {
      logger.info(
        {
          method: c.req.method,
          path: redactUrl(new URL(receivedUrl(c.req.raw))),
          status: c.res.status,
          client_ip: c.get('clientIp'),
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'request',
      );
    }
  });

  // No request waits on a slow database past ORIGIN_REQUEST_TIMEOUT_MS: 503 + Retry-After (origin/http/deadline.ts).
  app.use('*', requestDeadline(ctx.config.ORIGIN_REQUEST_TIMEOUT_MS));

  // A request from a threat-listed address that reached the origin raises a security event (origin/ops/security).
  app.use('*', threatListedRequests(ctx));

  // The input boundary (origin/http/input.ts): bad paths and queries refused before routing, every JSON body checked as parsed.
  app.use('*', inputBoundary());

  // A content read the shared parser refused (origin/http/content-read.ts): 401 / 400 before anything else.
  app.use('*', readRefusals());

  // The origin's own rate limits and the edge-only rule for keyed reads (origin/http/rate-limit.ts).
  app.use('*', originRateLimit(ctx));

  // An operator session acts only under a support grant, every request audited (origin/governance/support-access.ts).
  app.use('*', supportAccess(ctx));

  app.route('/', healthRoutes(ctx));
  app.route('/', metricsRoutes(ctx));
  app.route('/', internalRoutes(ctx));
  app.route('/', ssoRoutes(ctx));
  app.route('/', scimRoutes(ctx));
  app.route('/', authRoutes(ctx));
  app.route('/', sessionRoutes(ctx));
  app.route('/', orgRoutes(ctx));
  app.route('/', securityRoutes(ctx));
  app.route('/', supportRoutes(ctx));
  app.route('/', lifecycleRoutes(ctx));
  app.route('/', apiKeyRoutes(ctx));
  app.route('/', billingRoutes(ctx));
  app.route('/', assetRoutes(ctx));
  app.route('/', pageWriteRoutes(ctx));
  app.route('/', webhookRoutes(ctx));
  app.route('/', pageTypeRoutes(ctx));
  app.route('/', pageListRoutes(ctx));
  app.route('/', collectionRoutes(ctx));
  app.route('/', blogRoutes(ctx));
  app.route('/', contentRoutes(ctx));
  // The editors' web app (origin/admin): pages over this same API, called in process as the signed-in member.
  mountAdmin(app, ctx, () => (req, env) => self.fetch(req, env as never));
  // The OpenAPI 3.1 document of the routes above, generated from their definitions (origin/http/openapi-spec.ts).
  serveOpenApi(app);

  app.notFound((c) => jsonError('not_found', DEFAULT_DETAIL.not_found, c.get('requestId') ?? resolveRequestId(null), {}, c.req.path));

  app.onError((err, c) => {
    const requestId = c.get('requestId') ?? resolveRequestId(null);
    const path = c.req.path;
    if (err instanceof ApiError) {
      countApiRefusal(routePath(c), err.code, err.detail);
      return jsonError(err.code, err.detail, requestId, err.headers, path);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const code = statusToCode(err.status);
      return jsonError(code, err.message || DEFAULT_DETAIL[code], requestId, {}, path);
    }
    // The database unreachable or restarting: 503 + Retry-After; logged without the statement or its parameters.
    if (isDatabaseUnavailable(err)) {
      (c.get('logger') ?? ctx.logger).warn({ db: describeDatabaseError(err) }, 'database unavailable');
      return jsonError('unavailable', 'The database is unavailable; retry shortly.', requestId, { 'retry-after': String(DATABASE_RETRY_AFTER_S) }, path);
    }
    // Unexpected: full detail goes to the log only, never to the client.
    (c.get('logger') ?? ctx.logger).error({ err }, 'unhandled error');
    return jsonError('internal_error', DEFAULT_DETAIL.internal_error, requestId, {}, path);
  });

  // Plain page reads answered in front of all this, identically (origin/content/pages/read-path.ts; listen() installs it).
  attachReadPath(app, createReadPath(ctx));
  // Content reads are routed in their canonical form, as the edge forwards them.
  const self = canonicalReads(app);
  return self;
}
