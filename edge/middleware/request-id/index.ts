import type { MiddlewareHandler } from 'hono';
import { REQUEST_ID_HEADER, resolveRequestId } from '../../../shared/request-id.js';
import type { EdgeEnv } from '../../env.js';
import { mutateResponseHeaders } from '../../response.js';

/** Gives every request an id (a caller's well-formed one is kept), echoed on every response. */
export function requestId(): MiddlewareHandler<EdgeEnv> {
  return async function requestIdHandler(c, next) {
    const id = resolveRequestId(c.req.header(REQUEST_ID_HEADER));
    c.set('requestId', id);
    await next();
    mutateResponseHeaders(c, (h) => h.set(REQUEST_ID_HEADER, id));
  };
}
