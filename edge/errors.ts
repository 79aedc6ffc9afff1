import { ERROR_STATUS, errorBody, type ErrorCode } from '../shared/errors.js';

/** A JSON error response in the one shape. Secure headers are added by the outer middleware. */
export function errorResponse(code: ErrorCode, detail: string, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(errorBody(code, detail, requestId)), {
    status: ERROR_STATUS[code],
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}
