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
    const decision = httpsOnlyDecision(c.get('config').https_only, requestUrl(c), c.req.method, exempt);
    if (decision === 'pass') return next();
    if (decision === 'refuse') return errorResponse('https_required', DEFAULT_DETAIL.https_required, c.get('requestId'));
    return new Response(null, { status: 301, headers: { location: decision.redirect } });
  };
}

const DEFAULT_EXEMPT: ReadonlySet<string> = new Set(HTTPS_ONLY_EXEMPT_DEFAULT);

/**
 * The HTTPS-only decision for a request to `url` with `method`, the setting `enabled`: `pass`
 * (the setting is off, the request came over https, or a GET/HEAD to an exempt path), `refuse`
 * (not GET/HEAD over plain HTTP) or a redirect to the https URL (same host, path and query,
 * default port). Pure: the chain (httpsOnly()) and the hit path (edge/hit-path.ts) both decide
 * with it.
 */
export function httpsOnlyDecision(enabled: boolean, url: URL, method: string, exempt: ReadonlySet<string> = DEFAULT_EXEMPT): 'pass' | 'refuse' | { redirect: string } {
  if (!enabled || url.protocol === 'https:') return 'pass';
  const safe = method === 'GET' || method === 'HEAD';
  if (!safe) return 'refuse';
  if (exempt.has(url.pathname)) return 'pass';
  const target = new URL(url.href);
  target.protocol = 'https:';
  // A plain-HTTP port (80, 8080…) says nothing about where TLS listens: use the default.
  target.port = '';
  target.hash = '';
  return { redirect: target.href };
}
