/**
 * The origin's Prometheus registry and its event families (prom-client). One registry per
 * process: the counters below are process-wide, as a scrape of the process sees them.
 *
 * Every label value is from a fixed set or a code-defined identifier, checked by `bounded`
 * (anything else becomes "other"): never an email, an id, a path, a token or an address.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { httpRequestDuration } from '../../http/request-metrics.js';
import { signInAdmissionTotals } from '../../identity/index.js';

export const originRegistry = new Registry();
const registers = [originRegistry];

originRegistry.registerMetric(httpRequestDuration as never);

/** A code-defined identifier (reason, rule, action) as a label value; anything else is "other". */
export function bounded(value: unknown, allowed?: ReadonlySet<string>): string {
  if (typeof value !== 'string') return 'none';
  if (allowed) return allowed.has(value) ? value : 'other';
  return /^[a-z][a-z0-9_.-]{0,47}$/.test(value) ? value : 'other';
}

export const loginsTotal = new Counter({
  name: 'ghee_logins_total',
  help: 'Password sign-ins by outcome (success, failure: refused with evidence, refused: turned away before the password was judged) and reason.',
  labelNames: ['outcome', 'reason'] as const,
  registers,
});

export const captchasTotal = new Counter({
  name: 'ghee_captchas_total',
  help: 'Sign-in captchas by event: issued (a challenge handed out), required (a sign-in turned away for want of one), solved, failed (a solution refused, by reason).',
  labelNames: ['event', 'reason'] as const,
  registers,
});

export const twoFactorFailuresTotal = new Counter({
  name: 'ghee_2fa_failures_total',
  help: 'Second-factor failures by action (auth.login, auth.reauthenticate, 2fa.disable) and reason (bad_otp, bad_recovery_code, replayed_otp, …).',
  labelNames: ['action', 'reason'] as const,
  registers,
});

export const ssoLoginsTotal = new Counter({
  name: 'ghee_sso_logins_total',
  help: 'SSO sign-ins by protocol (oidc, saml), outcome (success, failure) and reason.',
  labelNames: ['protocol', 'outcome', 'reason'] as const,
  registers,
});

/**
 * SSO sign-in admission (origin/identity/sso/admission.ts): steps waiting for their turn now,
 * admitted and refused (full: more than the wait can serve; timeout: not let in within
 * SSO_SIGN_IN_MAX_WAIT_MS; aborted: the browser left) so far — read from the process's totals
 * when scraped. Refusals are answered 503 + Retry-After and write no audit row: these are their
 * only record.
 */
export const ssoAdmissionWaiting = new Gauge({
  name: 'ghee_sso_admission_waiting',
  help: 'SSO sign-in steps (login start, OIDC callback, SAML ACS) waiting for their turn now (SSO_SIGN_IN_RATE).',
  registers,
  collect() {
    this.set(signInAdmissionTotals().waiting);
  },
});

export const ssoAdmissionAdmittedTotal = new Counter({
  name: 'ghee_sso_admission_admitted_total',
  help: 'SSO sign-in steps let in by the admission control.',
  registers,
  collect() {
    this.reset();
    this.inc(signInAdmissionTotals().admitted);
  },
});

export const ssoAdmissionRefusedTotal = new Counter({
  name: 'ghee_sso_admission_refused_total',
  help: 'SSO sign-in steps refused by the admission control (503 + Retry-After, nothing done), by reason: full, timeout, aborted.',
  labelNames: ['reason'] as const,
  registers,
  collect() {
    this.reset();
    for (const [reason, n] of Object.entries(signInAdmissionTotals().refused)) this.inc({ reason }, n);
  },
});

export const securityEventsTotal = new Counter({
  name: 'ghee_security_events_total',
  help: 'Security events raised, by rule (the rules engine increments it through countSecurityEvent).',
  labelNames: ['rule', 'severity'] as const,
  registers,
});

export const alertDeliveriesTotal = new Counter({
  name: 'ghee_alert_deliveries_total',
  help: 'Alert deliveries by channel (pagerduty, webhook, email) and outcome (delivered, failed, retried).',
  labelNames: ['channel', 'outcome'] as const,
  registers,
});

/** For the threat-detection rules engine: one event raised by `rule`. */
export function countSecurityEvent(rule: string, severity: string): void {
  securityEventsTotal.inc({ rule: bounded(rule), severity: bounded(severity) });
}

const CHANNELS = new Set(['pagerduty', 'webhook', 'email']);
const DELIVERY_OUTCOMES = new Set(['delivered', 'failed', 'retried']);

/** For the alert outbox: one delivery attempt's outcome. */
export function countAlertDelivery(channel: string, outcome: string): void {
  alertDeliveriesTotal.inc({ channel: bounded(channel, CHANNELS), outcome: bounded(outcome, DELIVERY_OUTCOMES) });
}

/**
 * A gauge read when scraped: `read` gives its one sample (with the value of its one label), or
 * null for none — then the family has no sample at all (a gauge without labels would say 0).
 */
export function sampledGauge<L extends string>(name: string, help: string, label: L, read: () => Promise<{ label: string; value: number } | null>): Gauge<L> {
  return new Gauge<L>({
    name,
    help,
    labelNames: [label],
    registers,
    async collect() {
      this.reset();
      const sample = await read();
      if (sample !== null && Number.isFinite(sample.value)) this.set({ [label]: sample.label } as Partial<Record<L, string>>, sample.value);
    },
  });
}
