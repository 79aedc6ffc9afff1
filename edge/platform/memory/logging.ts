/**
 * Logging on the Node edge: LOG_LEVEL (debug, info, warn, error, silent; default info) drops
 * every line below it, and ACCESS_LOG (shared/access-log.ts: off, all, sample:R; default
 * sample:0.01 here, so a loaded edge writes 1 % of its request lines) decides which per-request
 * lines (the request record, edge/request-record.ts, at level info) are written at all.
 * Counters (edge/node/metrics.ts) see every request whatever these say.
 */
import type { LogLevel } from '../port.js';

export type EdgeLogLevel = LogLevel | 'silent';

const RANK: Readonly<Record<EdgeLogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export const EDGE_LOG_LEVELS = Object.keys(RANK) as EdgeLogLevel[];

/** The default share of per-request lines on the Node edge. */
export const DEFAULT_EDGE_ACCESS_LOG = 'sample:0.01';

/** LOG_LEVEL as the edge takes it; the origin's pino names `trace` and `fatal` (one LOG_LEVEL under `npm start`) read as debug and error. */
export function parseLogLevel(value: string | undefined): EdgeLogLevel {
  const given = (value ?? 'info').trim().toLowerCase();
  const v = given === 'trace' ? 'debug' : given === 'fatal' ? 'error' : given;
  if (!(v in RANK)) throw new Error(`LOG_LEVEL must be one of ${EDGE_LOG_LEVELS.join(', ')} (got ${JSON.stringify(value)})`);
  return v as EdgeLogLevel;
}

/** True when a line at `level` is written under `threshold`. */
export function levelEnabled(threshold: EdgeLogLevel, level: LogLevel): boolean {
  return RANK[level] >= RANK[threshold];
}
