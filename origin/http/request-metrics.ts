/**
 * The origin's HTTP request family, observed by the app's request middleware (origin/app.ts) and
 * by the fast page-read path (origin/content/pages/read-path.ts), registered for scraping by
 * origin/ops/metrics:
 *
 *   ghee_http_request_duration_seconds{route,method,status_class}   histogram (its _count is the request count)
 *
 * `route` is the Hono route pattern that answered (`/v1/orgs/:org/members`, a bounded set fixed
 * by the code), `other` when no route answered (a 404, or a refusal by a middleware before
 * routing) — never the raw path, so no id, slug or token becomes a label value. `method` is one
 * of the HTTP methods the API uses (else `other`), `status_class` 1xx…5xx.
 */
import { FastHistogram } from '../../shared/fast-histogram.js';

export const HTTP_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Not registered anywhere here: origin/ops/metrics registers it in the origin's registry. Allocation-free observations (shared/fast-histogram.ts). */
export const httpRequestDuration = new FastHistogram(
  'ghee_http_request_duration_seconds',
  'Origin HTTP requests by route pattern, method and status class, with their duration (seconds from arrival to answer).',
  ['route', 'method', 'status_class'] as const,
  HTTP_DURATION_BUCKETS,
);

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

export function statusClass(status: number): string {
  return STATUS_CLASSES[Math.floor(status / 100) - 1] ?? 'other';
}

/** A route pattern as a label: patterns are the code's own strings; the catch-alls of middleware become `other`. */
export function routeLabel(pattern: string): string {
  return pattern === '' || pattern === '*' || pattern === '/*' ? 'other' : pattern;
}

let enabled = true;

/** Off only for comparisons (bench/metrics-overhead.ts measures the origin with and without): the observations become no-ops. */
export function setRequestMetricsEnabled(on: boolean): void {
  enabled = on;
}

export function observeRequest(pattern: string, method: string, status: number, seconds: number): void {
  if (!enabled) return;
  httpRequestDuration.observe({ route: routeLabel(pattern), method: METHODS.has(method) ? method : 'other', status_class: statusClass(status) }, seconds);
}

/** The route pattern of a page read (origin/content/pages/read-route.ts), which the fast path also answers. */
export const PAGE_READ_ROUTE = '/v2/pages/:pageType/:slug';
const PAGE_READ_CELL = httpRequestDuration.cell({ route: PAGE_READ_ROUTE, method: 'GET', status_class: '2xx' });

/** A page read answered by the fast read path (always a GET answered 200): one observation in a cell made once. */
export function observePageRead(seconds: number): void {
  if (!enabled) return;
  httpRequestDuration.observeCell(PAGE_READ_CELL, seconds);
}
