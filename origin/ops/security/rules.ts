/**
 * The detection rules: their names, severities and default thresholds (a deployment overrides
 * them with SECURITY_THRESHOLDS, an organization with its security settings), and the mapping of
 * an audit row to the rules it feeds. Pure: the engine (engine.ts) keeps the windows and writes.
 *
 * A rule fires when `threshold` observations for one window key fall within `windowMinutes`
 * (sliding); rules with threshold 1 fire on each new subject. One event per (rule, organization,
 * subject) stays open while observations keep arriving and is resolved `windowMinutes` after the
 * last one.
 */
import ipaddr from 'ipaddr.js';
import type { SecuritySeverity } from '../../db/schema/index.js';

export interface RuleSpec {
  severity: SecuritySeverity;
  threshold: number;
  windowMinutes: number;
  /** Whether an organization may override it (rules whose facts name an organization). */
  perOrganization: boolean;
  describe: string;
}

export const RULES = {
  login_failures_account: { severity: 'medium', threshold: 10, windowMinutes: 15, perOrganization: false, describe: 'failed sign-ins for one account' },
  login_failures_ip: { severity: 'high', threshold: 20, windowMinutes: 15, perOrganization: false, describe: 'failed sign-ins from one address' },
  password_spray: { severity: 'high', threshold: 10, windowMinutes: 15, perOrganization: false, describe: 'failed sign-ins for many existing accounts from one /24 or /48 network' },
  two_factor_failures: { severity: 'medium', threshold: 5, windowMinutes: 15, perOrganization: false, describe: 'second-factor failures for one account' },
  new_network: { severity: 'low', threshold: 1, windowMinutes: 60, perOrganization: true, describe: 'an API key or a member used from a /24 or /48 network never seen for it' },
  key_created: { severity: 'medium', threshold: 1, windowMinutes: 60, perOrganization: true, describe: 'an API key created' },
  role_escalation: { severity: 'high', threshold: 1, windowMinutes: 60, perOrganization: true, describe: 'a member given the admin or owner role' },
  sso_config_changed: { severity: 'medium', threshold: 1, windowMinutes: 60, perOrganization: true, describe: 'SSO or SCIM configuration changed' },
  break_glass_login: { severity: 'high', threshold: 1, windowMinutes: 60, perOrganization: true, describe: 'a password sign-in by an SSO-exempt (break-glass) owner' },
  mass_delete: { severity: 'high', threshold: 20, windowMinutes: 10, perOrganization: true, describe: 'content deleted or unpublished by one actor' },
  waf_burst: { severity: 'medium', threshold: 50, windowMinutes: 5, perOrganization: false, describe: 'WAF blocks of one client (edge report)' },
  rate_limit_burst: { severity: 'low', threshold: 100, windowMinutes: 5, perOrganization: false, describe: '429 answers to one client (edge report)' },
  threat_listed_request: { severity: 'high', threshold: 1, windowMinutes: 60, perOrganization: false, describe: 'a request from a threat-listed address' },
  threat_listed_outbound: { severity: 'high', threshold: 1, windowMinutes: 60, perOrganization: true, describe: 'a webhook or IdP URL resolving to a threat-listed address (refused)' },
  audit_chain_broken: { severity: 'critical', threshold: 1, windowMinutes: 180, perOrganization: false, describe: 'an audit chain failed verification' },
  backup_stale: { severity: 'high', threshold: 1, windowMinutes: 180, perOrganization: false, describe: 'the newest good backup is stale or its verification failed' },
  support_access_denied: { severity: 'high', threshold: 1, windowMinutes: 60, perOrganization: true, describe: 'an operator refused: no, an expired, revoked or another organization\'s support grant, or beyond its scope' },
  ip_allowlist_denied: { severity: 'medium', threshold: 1, windowMinutes: 60, perOrganization: true, describe: 'a management call from outside the organization\'s IP allowlist' },
  ip_allowlist_break_glass: { severity: 'high', threshold: 1, windowMinutes: 60, perOrganization: true, describe: 'an owner lifted the IP allowlist by break-glass' },
} as const satisfies Record<string, RuleSpec>;

export type RuleName = keyof typeof RULES;
export const RULE_NAMES = Object.keys(RULES) as RuleName[];

export function isRuleName(v: unknown): v is RuleName {
  return typeof v === 'string' && Object.hasOwn(RULES, v);
}

export interface ThresholdOverride {
  threshold?: number;
  windowMinutes?: number;
}
export type ThresholdOverrides = Partial<Record<RuleName, ThresholdOverride>>;

/** Validates SECURITY_THRESHOLDS / an organization's overrides; a clear message on anything wrong. */
export function parseThresholds(value: unknown): { ok: true; value: ThresholdOverrides } | { ok: false; reason: string } {
  if (value === undefined || value === null) return { ok: true, value: {} };
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'must be an object of rule → { threshold, windowMinutes }' };
  const out: ThresholdOverrides = {};
  for (const [rule, o] of Object.entries(value as Record<string, unknown>)) {
    if (!isRuleName(rule)) return { ok: false, reason: `unknown rule ${JSON.stringify(rule.slice(0, 60))} (known: ${RULE_NAMES.join(', ')})` };
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return { ok: false, reason: `${rule}: must be { threshold, windowMinutes }` };
    const { threshold, windowMinutes, ...rest } = o as Record<string, unknown>;
    if (Object.keys(rest).length > 0) return { ok: false, reason: `${rule}: unknown field ${Object.keys(rest)[0]}` };
    if (threshold !== undefined && !(Number.isInteger(threshold) && (threshold as number) >= 1 && (threshold as number) <= 1_000_000)) {
      return { ok: false, reason: `${rule}.threshold: must be an integer from 1 to 1000000` };
    }
    if (windowMinutes !== undefined && !(typeof windowMinutes === 'number' && windowMinutes > 0 && windowMinutes <= 10_080)) {
      return { ok: false, reason: `${rule}.windowMinutes: must be a number above 0 and at most 10080 (a week)` };
    }
    out[rule] = { ...(threshold !== undefined ? { threshold: threshold as number } : {}), ...(windowMinutes !== undefined ? { windowMinutes: windowMinutes as number } : {}) };
  }
  return { ok: true, value: out };
}

export interface EffectiveRule {
  severity: SecuritySeverity;
  threshold: number;
  windowMs: number;
}

/**
 * The rule's numbers: the deployment's override, else the default — made stricter (never looser)
 * by the organization's, where the rule allows one: a lower threshold or a longer window. An
 * organization's admin cannot silence what the operators are paged about.
 */
export function effectiveRule(rule: RuleName, deployment: ThresholdOverrides, organization: ThresholdOverrides | null): EffectiveRule {
  const spec: RuleSpec = RULES[rule];
  const org = spec.perOrganization ? organization?.[rule] : undefined;
  const dep = deployment[rule];
  const threshold = dep?.threshold ?? spec.threshold;
  const windowMinutes = dep?.windowMinutes ?? spec.windowMinutes;
  return {
    severity: spec.severity,
    threshold: Math.min(threshold, org?.threshold ?? threshold),
    windowMs: Math.round(Math.max(windowMinutes, org?.windowMinutes ?? windowMinutes) * 60_000),
  };
}

const SEVERITY_ORDER: readonly SecuritySeverity[] = ['info', 'low', 'medium', 'high', 'critical'];
export function severityAtLeast(s: SecuritySeverity, min: SecuritySeverity): boolean {
  return SEVERITY_ORDER.indexOf(s) >= SEVERITY_ORDER.indexOf(min);
}

/** The /24 (IPv4) or /48 (IPv6) network of an address, as `a.b.c.0/24` / `x:y:z::/48`; null for anything unparsable. */
export function networkOf(ip: string | null | undefined): string | null {
  if (!ip || !ipaddr.isValid(ip)) return null;
  let addr = ipaddr.parse(ip);
  if (addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress()) addr = addr.toIPv4Address();
  const bits = addr.kind() === 'ipv4' ? 24 : 48;
  const bytes = addr.toByteArray();
  const keep = bits / 8;
  const masked = bytes.map((b, i) => (i < keep ? b : 0));
  const net = ipaddr.fromByteArray(masked);
  return `${net.toString()}/${bits}`;
}

/** One fact for the engine: which rule, keyed how, about whom. */
export interface Observation {
  rule: RuleName;
  /** The window's key: what is counted together (an account, an address, a network, an actor). */
  windowKey: string;
  /** Counted distinct values (password spraying counts accounts, not attempts). */
  distinct?: string;
  organizationId: string | null;
  subject: { type: string; id: string };
  actor: { userId?: string | null; keyId?: string | null; ip?: string | null };
  /** Ids, reasons, counts — never secrets, tokens or email addresses. */
  evidence: Record<string, unknown>;
}

interface AuditFact {
  action: string;
  result: 'success' | 'failure';
  organizationId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  metadata?: Record<string, unknown>;
}
interface AuditWho {
  userId?: string | null;
  keyId?: string | null;
  ip?: string | null;
}

const SECOND_FACTOR_REASONS = new Set(['bad_otp', 'bad_recovery_code', 'replayed_otp']);
const PASSWORD_REASONS = new Set(['bad_password', 'unknown_account', 'disabled']);
const SSO_CONFIG = /^(sso\.(connection_create|connection_update|connection_delete|policy_update|domain_add|domain_assign|domain_remove|domain_verify)|scim\.(token_rotate|token_disable))$/;
const DESTRUCTIVE = /^(page|post|item|collectionitem|content|collection|page_type)\.(delete|unpublish)$/;
const ELEVATED = new Set(['owner', 'admin']);

/** The observations one audit row makes (none for most rows). */
export function observationsOfAudit(e: AuditFact, who: AuditWho): Observation[] {
  const out: Observation[] = [];
  const ip = who.ip ?? null;
  const org = e.organizationId ?? null;
  const actor = { userId: who.userId ?? null, keyId: who.keyId ?? null, ip };
  const reason = typeof e.metadata?.reason === 'string' ? e.metadata.reason : null;
  const failed = e.result === 'failure';
  // Operators' sign-ins (origin/governance/operators.ts) count as sign-ins: the same reasons, keyed by the operator.
  if ((e.action === 'auth.login' || e.action === 'operator.login') && failed && reason !== null) {
    const account = e.targetId ?? null;
    if (SECOND_FACTOR_REASONS.has(reason) && account) {
      out.push({ rule: 'two_factor_failures', windowKey: account, organizationId: null, subject: { type: 'user', id: account }, actor, evidence: { reason, ip_network: networkOf(ip) } });
    }
    if (PASSWORD_REASONS.has(reason) || SECOND_FACTOR_REASONS.has(reason)) {
      if (account) out.push({ rule: 'login_failures_account', windowKey: account, organizationId: null, subject: { type: 'user', id: account }, actor, evidence: { reason, ip_network: networkOf(ip) } });
      if (ip) out.push({ rule: 'login_failures_ip', windowKey: ip, organizationId: null, subject: { type: 'ip', id: ip }, actor, evidence: { reason } });
      const net = networkOf(ip);
      if (net && account) out.push({ rule: 'password_spray', windowKey: net, distinct: account, organizationId: null, subject: { type: 'network', id: net }, actor, evidence: { reason } });
    }
    return out;
  }
  if ((e.action === 'auth.reauthenticate' || e.action === '2fa.disable') && failed && who.userId) {
    if (reason === null || SECOND_FACTOR_REASONS.has(reason)) {
      out.push({ rule: 'two_factor_failures', windowKey: who.userId, organizationId: null, subject: { type: 'user', id: who.userId }, actor, evidence: { reason: reason ?? 'invalid_credentials', action: e.action } });
    }
    return out;
  }
  if (failed) return out;
  if (e.action === 'key.create' && e.targetId) {
    out.push({ rule: 'key_created', windowKey: e.targetId, organizationId: org, subject: { type: 'api_key', id: e.targetId }, actor, evidence: { kind: e.metadata?.kind ?? null, space_id: e.metadata?.space_id ?? null } });
  } else if (e.action === 'member.role_change' && e.targetId && ELEVATED.has(String(e.metadata?.to)) && !ELEVATED.has(String(e.metadata?.from))) {
    out.push({ rule: 'role_escalation', windowKey: e.targetId, organizationId: org, subject: { type: 'user', id: e.targetId }, actor, evidence: { from: e.metadata?.from ?? null, to: e.metadata?.to, space_id: e.metadata?.space_id ?? null } });
  } else if (e.action === 'member.join' && ELEVATED.has(String(e.metadata?.role)) && who.userId) {
    out.push({ rule: 'role_escalation', windowKey: who.userId, organizationId: org, subject: { type: 'user', id: who.userId }, actor, evidence: { from: null, to: e.metadata?.role, via: 'invitation' } });
  } else if (SSO_CONFIG.test(e.action)) {
    const id = e.targetId ?? e.action;
    out.push({ rule: 'sso_config_changed', windowKey: `${org}:${id}`, organizationId: org, subject: { type: e.targetType ?? 'sso', id }, actor, evidence: { action: e.action } });
  } else if (e.action === 'sso.break_glass_login' && e.targetId) {
    out.push({ rule: 'break_glass_login', windowKey: e.targetId, organizationId: org, subject: { type: 'user', id: e.targetId }, actor, evidence: { second_factor: e.metadata?.second_factor ?? null, ip_network: networkOf(ip) } });
  } else if (DESTRUCTIVE.test(e.action)) {
    const who1 = who.userId ? `user:${who.userId}` : who.keyId ? `api_key:${who.keyId}` : null;
    if (who1) {
      const [type, id] = who1.split(':') as [string, string];
      out.push({ rule: 'mass_delete', windowKey: `${org}:${who1}`, organizationId: org, subject: { type, id }, actor, evidence: { action: e.action, last_target: e.targetId ?? null } });
    }
  }
  return out;
}
