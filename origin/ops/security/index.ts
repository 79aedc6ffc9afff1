/**
 * Security operations: threat detection (rules engine, security events), alerting (alert outbox →
 * PagerDuty, signed webhook, email), the threat list (inbound, outbound, Fastly ACL sync) and
 * incidents with customer notification. The ops domain's index.ts and routes.ts re-export what
 * the rest of the origin uses.
 */
export { AlertWorker } from './alert-worker.js';
export type { AlertChannels } from './alert-worker.js';
export { SecurityEngine } from './engine.js';
export { findIncident, isIncidentStatus, listIncidents, notifyIncident, NOTIFY_TEMPLATES, openIncident, resolveIncident, resolveOrganizations, updateIncident } from './incidents.js';
export type { Incident, NotifyTemplate } from './incidents.js';
export { installSecurityOps, installThreatList, securityEngineOf, threatListedRequests } from './install.js';
export { checkAuditChains, checkBackup, SecurityJobs } from './jobs.js';
export { RULES, RULE_NAMES } from './rules.js';
export type { RuleName } from './rules.js';
export { securityRoutes } from './routes.js';
export { parseThreats, syncThreatList, ThreatMatcher } from './threats.js';
