/**
 * The Node edge's logging and metrics settings from the environment (`npm start`):
 *
 *   LOG_LEVEL            debug, info, warn, error, silent (trace and fatal read as debug and error); default info
 *   EDGE_ACCESS_LOG      off, all, sample:<rate>; default sample:0.01
 *   EDGE_METRICS_PORT    the metrics listener's port; 0 or unset = no listener
 *   EDGE_METRICS_HOST    its address; default 127.0.0.1
 *   EDGE_METRICS_TOKEN   bearer token the scrapes must send (at least 32 characters)
 */
import { ConfigError } from '../../shared/config.js';
import { parseAccessLog } from '../../shared/access-log.js';
import { DEFAULT_EDGE_ACCESS_LOG, parseLogLevel, type EdgeLogLevel } from '../platform/memory/logging.js';
import type { MetricsListenerOptions } from './metrics-listener.js';

export interface EdgeObservability {
  logLevel: EdgeLogLevel;
  accessLog: string;
  metricsListener?: MetricsListenerOptions;
}

export function edgeObservabilityFromEnv(env: Record<string, string | undefined>): EdgeObservability {
  const problems: string[] = [];
  let logLevel: EdgeLogLevel = 'info';
  try {
    logLevel = parseLogLevel(env.LOG_LEVEL);
  } catch (err) {
    problems.push(String((err as Error).message));
  }
  const accessLog = env.EDGE_ACCESS_LOG ?? DEFAULT_EDGE_ACCESS_LOG;
  try {
    parseAccessLog(accessLog);
  } catch (err) {
    problems.push(`EDGE_${(err as Error).message}`);
  }
  const portText = env.EDGE_METRICS_PORT ?? '0';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) problems.push(`EDGE_METRICS_PORT must be a port number (0 = no metrics listener) (got ${JSON.stringify(portText)})`);
  const token = env.EDGE_METRICS_TOKEN;
  if (token !== undefined && token.length < 32) problems.push('EDGE_METRICS_TOKEN must be at least 32 characters');
  if (problems.length > 0) throw new ConfigError(`edge: ${problems.join('; ')}`);
  const out: EdgeObservability = { logLevel, accessLog };
  if (port > 0) out.metricsListener = { port, host: env.EDGE_METRICS_HOST ?? '127.0.0.1', ...(token ? { token } : {}) };
  return out;
}
