/**
 * The Node edge's Prometheus metrics (prom-client), fed by the one record per request
 * (edge/request-record.ts) that the hit fast path and the chain both hand the platform:
 *
 *   ghee_edge_requests_total{route,method,status_class,cache}   cache: hit | miss | stale | none
 *   ghee_edge_request_duration_seconds{route}                   histogram
 *   ghee_edge_waf_blocks_total{rule}                             the WAF rule id (a fixed set)
 *   ghee_edge_rate_limited_total{route}                          429s
 *   ghee_edge_key_refusals_total{reason}                         missing | malformed | unknown | preview_forbidden | scope_forbidden
 *
 * Every label value comes from a fixed set (anything else counts as "other"): never a path, a
 * key, a token or an address. Counting is a few array increments per request (no allocation,
 * no label hashing); prom-client reads the arrays when scraped. The Fastly edge writes the same
 * record as a JSON line to its `ghee_requests` log endpoint instead, from which the same
 * counters are derived downstream.
 */
import { Counter, Registry } from 'prom-client';
import { FastHistogram, type Cell } from '../../shared/fast-histogram.js';
import { WAF_RULES } from '../middleware/waf/index.js';
import type { RequestRecord } from '../platform/port.js';
import { ROUTE_CLASSES } from '../route-class.js';

const ROUTES = [...ROUTE_CLASSES, 'other'] as const;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'other'] as const;
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;
const CACHE_STATES = ['hit', 'miss', 'stale', 'none', 'other'] as const;
const KEY_REFUSALS = ['missing', 'malformed', 'unknown', 'preview_forbidden', 'scope_forbidden', 'other'] as const;
const RULES = [...Object.keys(WAF_RULES), 'other'];

const indexer = (values: readonly string[]) => {
  const map = new Map<string, number>(values.map((v, i) => [v, i]));
  const other = values.length - 1;
  return (v: string) => map.get(v) ?? other;
};
const routeIndex = indexer(ROUTES);
const methodIndex = indexer(METHODS);
const refusalIndex = indexer(KEY_REFUSALS);
const ruleIndex = indexer(RULES);
const CACHE_INDEX = new Map<string, number>([
  ['HIT', 0],
  ['MISS', 1],
  ['STALE', 2],
]);

function statusIndex(status: number): number {
  const i = Math.floor(status / 100) - 1;
  return i >= 0 && i < 5 ? i : 5;
}

/** Request duration buckets (seconds): sub-millisecond hits to multi-second origin fills. */
export const EDGE_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class EdgeMetrics {
  readonly registry = new Registry();
  readonly #requests = new Float64Array(ROUTES.length * METHODS.length * STATUS_CLASSES.length * CACHE_STATES.length);
  readonly #waf = new Float64Array(RULES.length);
  readonly #limited = new Float64Array(ROUTES.length);
  readonly #refusals = new Float64Array(KEY_REFUSALS.length);
  readonly #duration = new FastHistogram(
    'ghee_edge_request_duration_seconds',
    'Time from the start of the edge chain (or hit path) to the answer, by route class.',
    ['route'] as const,
    EDGE_DURATION_BUCKETS,
  );
  /** The histogram's cell of each route class. */
  readonly #routeCells: Cell[] = ROUTES.map((route) => this.#duration.cell({ route }));

  constructor() {
    const registers = [this.registry];
    const requests = this.#requests;
    const waf = this.#waf;
    const limited = this.#limited;
    const refusals = this.#refusals;
    new Counter({
      name: 'ghee_edge_requests_total',
      help: 'Requests answered by the edge, by route class, method, status class and cache state (hit, miss, stale; none when the cache was not consulted).',
      labelNames: ['route', 'method', 'status_class', 'cache'] as const,
      registers,
      collect() {
        this.reset();
        for (let i = 0; i < requests.length; i++) {
          const n = requests[i]!;
          if (n === 0) continue;
          const cache = i % CACHE_STATES.length;
          const rest = (i - cache) / CACHE_STATES.length;
          const status = rest % STATUS_CLASSES.length;
          const rest2 = (rest - status) / STATUS_CLASSES.length;
          const method = rest2 % METHODS.length;
          const route = (rest2 - method) / METHODS.length;
          this.inc({ route: ROUTES[route]!, method: METHODS[method]!, status_class: STATUS_CLASSES[status]!, cache: CACHE_STATES[cache]! }, n);
        }
      },
    });
    new Counter({
      name: 'ghee_edge_waf_blocks_total',
      help: 'Requests blocked by the edge WAF, by rule id.',
      labelNames: ['rule'] as const,
      registers,
      collect() {
        this.reset();
        waf.forEach((n, i) => n > 0 && this.inc({ rule: RULES[i]! }, n));
      },
    });
    new Counter({
      name: 'ghee_edge_rate_limited_total',
      help: 'Requests refused with 429 by the edge rate limiter, by route class.',
      labelNames: ['route'] as const,
      registers,
      collect() {
        this.reset();
        limited.forEach((n, i) => n > 0 && this.inc({ route: ROUTES[i]! }, n));
      },
    });
    new Counter({
      name: 'ghee_edge_key_refusals_total',
      help: 'Content reads refused by the edge API-key check, by reason.',
      labelNames: ['reason'] as const,
      registers,
      collect() {
        this.reset();
        refusals.forEach((n, i) => n > 0 && this.inc({ reason: KEY_REFUSALS[i]! }, n));
      },
    });
    this.registry.registerMetric(this.#duration as never);
  }

  /** Counts one answered request: array increments only (no allocation, no label hashing). */
  record(r: RequestRecord): void {
    const route = routeIndex(r.route);
    const cache = r.cache === undefined ? 3 : (CACHE_INDEX.get(r.cache) ?? 4);
    this.#requests[((route * METHODS.length + methodIndex(r.method)) * STATUS_CLASSES.length + statusIndex(r.status)) * CACHE_STATES.length + cache]! += 1;
    if (r.waf_rule !== undefined) this.#waf[ruleIndex(r.waf_rule)]! += 1;
    if (r.rate_limited) this.#limited[route]! += 1;
    if (r.key_refusal !== undefined) this.#refusals[refusalIndex(r.key_refusal)]! += 1;
    this.#duration.observeCell(this.#routeCells[route]!, r.ms / 1000);
  }

  /** The Prometheus text exposition. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
