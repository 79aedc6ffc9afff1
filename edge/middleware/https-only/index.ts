import type { MiddlewareHandler } from 'hono';
import { DEFAULT_DETAIL } from '../../../shared/errors.js';
import type { EdgeEnv } from '../../env.js';
import { errorResponse } from '../../errors.js';
import { requestUrl } from '../../request-info.js';

export interface HttpsOnlyOptions {
  /**
   * Exact paths still answered over plain HTTP, for GET/HEAD only, so load balancers and
   * uptime probes that speak HTTP keep working. Default: the edge health check.
   */
  exempt?: readonly string[];
}

export const HTTPS_ONLY_EXEMPT_DEFAULT: readonly string[] = ['/.edge/health'];

/**
 * With `https_only` on, a request that arrived over plain HTTP never reaches the app:
 * GET/HEAD get a 301 to the same host, path and query over https (default port); any other
 * method gets 403 `https_required` (a redirect would make clients resend a body, or drop it,
 * after it already crossed the network in clear).
 *
 * The scheme is the request URL's: on Fastly Compute it is the client's own connection. A
 * client-sent `X-Forwarded-Proto` is ignored — anyone can send `x-forwarded-proto: https`.
 */
export function httpsOnly(options: HttpsOnlyOptions = {}): MiddlewareHandler<EdgeEnv> {
  const exempt = new Set(options.exempt ?? HTTPS_ONLY_EXEMPT_DEFAULT);
  return async function httpsOnlyHandler(c, next) {
    if (!c.get('config').https_only) return next();
    const url = requestUrl(c);
    if (url.protocol === 'https:') return next();

    const method = c.req.method;
    const safe = method === 'GET' || method === 'HEAD';
    if (!safe) return errorResponse('https_required', DEFAULT_DETAIL.https_required, c.get('requestId'));
    if (exempt.has(url.pathname)) return next();

    url.protocol = 'https:';
    // A plain-HTTP port (80, 8080…) says nothing about where TLS listens: use the default.
    url.port = '';
    url.hash = '';
    return new Response(null, { status: 301, headers: { location: url.href } });
  };
}
