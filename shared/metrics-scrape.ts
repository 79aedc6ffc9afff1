/**
 * Who may read a Prometheus exposition (the origin's and the Node edge's metrics listeners, and
 * the origin's API port when METRICS_TOKEN is set): GET or HEAD of `/metrics`, with
 * `Authorization: Bearer <token>` whenever a token is configured. The token is compared by its
 * SHA-256 in constant time, so neither its bytes nor its length leak through timing. Refusals
 * are answered in the one error shape (shared/errors.ts).
 */
import { sha256Hex, timingSafeEqual } from './crypto.js';
import { errorBody, type ErrorCode } from './errors.js';
import { SECURE_HEADERS } from './secure-headers.js';

export const METRICS_PATH = '/metrics';

/** The text exposition format prom-client writes (Prometheus 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The headers of a scrape's answer (the secure header set, never cached). */
export const SCRAPE_HEADERS: Readonly<Record<string, string>> = { ...SECURE_HEADERS, 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' };

export interface ScrapeRefusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function refusal(code: ErrorCode, status: number, detail: string, requestId: string, headers: Record<string, string> = {}): ScrapeRefusal {
  return { status, headers: { ...SECURE_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(errorBody(code, detail, requestId)) };
}

/** True when `authorization` carries exactly `Bearer <token>`. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined) return false;
  const m = /^Bearer +(\S+)$/i.exec(authorization.trim());
  return m !== null && timingSafeEqual(sha256Hex(m[1]!), sha256Hex(token));
}

/** Null when the scrape may be answered; else the refusal to send (404, 405 or 401). */
export function scrapeRefusal(method: string, path: string, authorization: string | undefined, token: string | undefined, requestId: string): ScrapeRefusal | null {
  const pathname = path.split('?', 1)[0];
  if (pathname !== METRICS_PATH) return refusal('not_found', 404, 'Only /metrics is served here.', requestId);
  if (method !== 'GET' && method !== 'HEAD') return refusal('method_not_allowed', 405, 'Metrics are read with GET.', requestId, { allow: 'GET, HEAD' });
  if (token !== undefined && token !== '' && !bearerMatches(authorization, token)) {
    return refusal('unauthenticated', 401, 'A valid metrics bearer token is required.', requestId, { 'www-authenticate': 'Bearer realm="metrics"' });
  }
  return null;
}
