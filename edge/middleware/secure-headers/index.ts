import type { MiddlewareHandler } from 'hono';
import { applySecureHeaders } from '../../../shared/secure-headers.js';
import type { EdgeEnv } from '../../env.js';
import { mutateResponseHeaders } from '../../response.js';

/**
 * The secure header set on every response — hits, misses, errors — and no stack leaks
 * (`Server`, `X-Powered-By`). Registered outermost so it also wraps onError / notFound output.
 */
export function secureHeaders(): MiddlewareHandler<EdgeEnv> {
  return async function secureHeadersHandler(c, next) {
    await next();
    mutateResponseHeaders(c, applySecureHeaders);
  };
}
