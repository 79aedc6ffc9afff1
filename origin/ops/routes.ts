/**
 * The ops domain's HTTP surface, mounted by origin/app.ts (and its composition in main.ts):
 * health checks, and the metrics (the scrape endpoints, and the hooks the app's middleware and
 * error renderer call).
 */
export { healthRoutes } from './health.js';
export { installOriginMetrics, metricsRoutes, originMetricsText, startMetricsListener } from './metrics/exposition.js';
export type { RunningMetricsListener } from './metrics/exposition.js';
export { countApiRefusal, observeOriginRequest } from './metrics/auth.js';
export { countAlertDelivery, countSecurityEvent } from './metrics/registry.js';
export { setBackupFreshnessSource } from './metrics/backup.js';
export type { BackupFreshnessSample, BackupFreshnessSource } from './metrics/backup.js';
export { installSecurityOps, securityRoutes, threatListedRequests } from './security/index.js';
