/**
 * What an event sends, queued in the alert outbox (origin/db/schema/security.ts alert_outbox) in
 * the transaction that raised or resolved it: a PagerDuty Events API v2 event (its routing key is
 * added by the worker at send time, never stored), the security webhook's body, and mail to the
 * organization's security contacts for org-level events.
 *
 * PagerDuty: dedup_key = rule + organization + subject, so repeats fold into one incident and the
 * resolve closes it; payload.severity is PagerDuty's enum (critical, error, warning, info).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { alertOutbox, type SecuritySeverity } from '../../db/schema/index.js';

export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_MAX = 255;

/** The dedup key of an event: readable when short, hashed past PagerDuty's 255 characters. */
export function dedupKeyOf(rule: string, organizationId: string | null, subject: { type: string; id: string }): string {
  const key = `ghee:${rule}:${organizationId ?? 'global'}:${subject.type}:${subject.id}`;
  if (key.length <= 200) return key;
  return `ghee:${rule}:${createHash('sha256').update(key).digest('hex')}`;
}

export function pagerDutySeverity(s: SecuritySeverity): 'critical' | 'error' | 'warning' | 'info' {
  switch (s) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    case 'low':
    case 'info':
      return 'info';
  }
}

/** The event as the alerts see it (evidence is already free of secrets). */
export interface AlertEvent {
  id: string;
  rule: string;
  severity: SecuritySeverity;
  organizationId: string | null;
  subject: { type: string; id: string };
  dedupKey: string;
  count: number;
  evidence: Record<string, unknown>;
  at: Date;
  description: string;
}

export interface AlertTargets {
  pagerDuty: { minSeverity: SecuritySeverity } | null;
  webhook: boolean;
  /** Security contacts of the event's organization (org-level events only). */
  contacts: readonly string[];
  /** PagerDuty's `payload.source`: this deployment. */
  source: string;
}

function summaryOf(e: AlertEvent, resolved: boolean): string {
  const where = e.organizationId ? ` in organization ${e.organizationId}` : '';
  const text = `${resolved ? 'Resolved: ' : ''}[${e.severity}] ${e.rule}: ${e.description} (${e.subject.type} ${e.subject.id})${where}, ${e.count} observed`;
  return text.length <= PAGERDUTY_SUMMARY_MAX ? text : `${text.slice(0, PAGERDUTY_SUMMARY_MAX - 1)}…`;
}

/** The PagerDuty v2 event body without `routing_key` (the worker adds it from the secret). */
export function pagerDutyEvent(e: AlertEvent, action: 'trigger' | 'resolve', source: string): Record<string, unknown> {
  if (action === 'resolve') return { event_action: 'resolve', dedup_key: e.dedupKey };
  return {
    event_action: 'trigger',
    dedup_key: e.dedupKey,
    payload: {
      summary: summaryOf(e, false),
      source,
      severity: pagerDutySeverity(e.severity),
      timestamp: e.at.toISOString(),
      component: 'ghee-origin',
      group: e.organizationId ?? 'platform',
      class: e.rule,
      custom_details: { event_id: e.id, rule: e.rule, severity: e.severity, organization_id: e.organizationId, subject: e.subject, count: e.count, evidence: e.evidence },
    },
  };
}

function mailOf(e: AlertEvent, to: string): Record<string, unknown> {
  return {
    to,
    subject: `[ghee security] ${e.severity}: ${e.rule}`,
    text: [
      `A security event was raised for your organization.`,
      ``,
      `Rule: ${e.rule} — ${e.description}`,
      `Severity: ${e.severity}`,
      `Subject: ${e.subject.type} ${e.subject.id}`,
      `Observed: ${e.count} time(s), first at ${e.at.toISOString()}`,
      `Event id: ${e.id}`,
      ``,
      `Details are in your organization's security events (GET /v1/orgs/${e.organizationId}/security-events).`,
    ].join('\n'),
  };
}

/** Queues what a newly raised (`trigger`) or cleared (`resolve`) event sends, in the caller's transaction. */
export async function enqueueAlerts(t: Db, e: AlertEvent, action: 'trigger' | 'resolve', targets: AlertTargets): Promise<number> {
  const rows: (typeof alertOutbox.$inferInsert)[] = [];
  if (targets.pagerDuty && severityRank(e.severity) >= severityRank(targets.pagerDuty.minSeverity)) {
    rows.push({ channel: 'pagerduty', eventId: e.id, body: pagerDutyEvent(e, action, targets.source) });
  }
  if (targets.webhook) {
    rows.push({
      channel: 'webhook',
      eventId: e.id,
      body: {
        type: action === 'trigger' ? 'security_event.raised' : 'security_event.resolved',
        id: e.id,
        rule: e.rule,
        severity: e.severity,
        organization_id: e.organizationId,
        subject: e.subject,
        dedup_key: e.dedupKey,
        count: e.count,
        evidence: e.evidence,
        at: e.at.toISOString(),
      },
    });
  }
  if (action === 'trigger' && e.organizationId) for (const to of targets.contacts) rows.push({ channel: 'email', eventId: e.id, body: mailOf(e, to) });
  if (rows.length > 0) await t.insert(alertOutbox).values(rows);
  return rows.length;
}

const RANK: Record<SecuritySeverity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
function severityRank(s: SecuritySeverity): number {
  return RANK[s];
}
