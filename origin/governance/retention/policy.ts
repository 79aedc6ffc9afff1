/**
 * Retention periods per data class: the deployment's defaults (config, README "Data lifecycle")
 * and an organization's overrides (`retention_policies`, PUT /v1/orgs/{org}/retention) where a
 * customer may reasonably choose — its own content, revisions, webhook deliveries, security
 * events and audit trail. Sessions, tokens and login attempts are the deployment's (global) rows.
 */
import { z } from 'zod';
import type { OriginConfig } from '../../config.js';

export interface RetentionPolicy {
  /** Soft-deleted pages, collection items and posts (and assets only they used). */
  softDeletedDays: number;
  /** Revisions beyond the newest `revisionsKeep` and older than `revisionsDays` (published ones kept). */
  revisionsKeep: number;
  revisionsDays: number;
  webhookDeliveriesDays: number;
  /** Resolved security events, by their last sighting. */
  securityEventsDays: number;
  auditDays: number;
}

export interface GlobalRetention {
  /** Sessions, emailed tokens, invitations, captcha and SSO states after they expired, were revoked or used. */
  expiredTokensDays: number;
  loginAttemptsDays: number;
  securityEventsDays: number;
  auditDays: number;
}

export interface RetentionSettings {
  defaults: RetentionPolicy;
  global: GlobalRetention;
  batchSize: number;
  maxRowsPerRun: number;
}

export function retentionSettingsFrom(config: OriginConfig): RetentionSettings {
  return {
    defaults: {
      softDeletedDays: config.RETENTION_SOFT_DELETED_DAYS,
      revisionsKeep: config.RETENTION_REVISIONS_KEEP,
      revisionsDays: config.RETENTION_REVISIONS_DAYS,
      webhookDeliveriesDays: config.RETENTION_WEBHOOK_DELIVERIES_DAYS,
      securityEventsDays: config.RETENTION_SECURITY_EVENTS_DAYS,
      auditDays: config.RETENTION_AUDIT_DAYS,
    },
    global: {
      expiredTokensDays: config.RETENTION_EXPIRED_TOKENS_DAYS,
      loginAttemptsDays: config.RETENTION_LOGIN_ATTEMPTS_DAYS,
      securityEventsDays: config.RETENTION_SECURITY_EVENTS_DAYS,
      auditDays: config.RETENTION_AUDIT_DAYS,
    },
    batchSize: config.RETENTION_BATCH_SIZE,
    maxRowsPerRun: config.RETENTION_MAX_ROWS_PER_RUN,
  };
}

const days = z.number().int().min(1).max(3650);
/** What an organization may override (snake_case, as the API shows it). The audit trail is kept at least 30 days. */
export const policyOverrides = z
  .strictObject({
    soft_deleted_days: days,
    revisions_keep: z.number().int().min(1).max(100_000),
    revisions_days: days,
    webhook_deliveries_days: days,
    security_events_days: days,
    audit_days: z.number().int().min(30).max(3650),
  })
  .partial();
export type PolicyOverrides = z.infer<typeof policyOverrides>;

export function applyOverrides(defaults: RetentionPolicy, o: PolicyOverrides): RetentionPolicy {
  return {
    softDeletedDays: o.soft_deleted_days ?? defaults.softDeletedDays,
    revisionsKeep: o.revisions_keep ?? defaults.revisionsKeep,
    revisionsDays: o.revisions_days ?? defaults.revisionsDays,
    webhookDeliveriesDays: o.webhook_deliveries_days ?? defaults.webhookDeliveriesDays,
    securityEventsDays: o.security_events_days ?? defaults.securityEventsDays,
    auditDays: o.audit_days ?? defaults.auditDays,
  };
}

export function policyView(p: RetentionPolicy): Required<PolicyOverrides> {
  return {
    soft_deleted_days: p.softDeletedDays,
    revisions_keep: p.revisionsKeep,
    revisions_days: p.revisionsDays,
    webhook_deliveries_days: p.webhookDeliveriesDays,
    security_events_days: p.securityEventsDays,
    audit_days: p.auditDays,
  };
}

export const DAY_MS = 86_400_000;
/** The cutoff of a period: rows at or before it are due (a row exactly N days old is deleted, N − 1 days kept). */
export const cutoff = (now: Date, d: number): Date => new Date(now.getTime() - d * DAY_MS);
