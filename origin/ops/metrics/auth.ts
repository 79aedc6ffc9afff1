/**
 * Sign-in outcomes, counted where they are decided — from one place each:
 *
 * - the audit writer (origin/audit/audit.ts `onAudit`): every `auth.login`, `auth.reauthenticate`,
 *   `2fa.disable` and `sso.login` row, success or failure, with its `metadata.reason` — the
 *   evidence itself, so the counters and the audit chain cannot disagree;
 * - the one error renderer (origin/app.ts onError, `countApiRefusal`): the sign-in refusals that
 *   are not evidence and write no row (rate limited, captcha or second factor required, email
 *   unverified);
 * - the request middleware (`observeOriginRequest`): captchas issued (GET /v1/auth/captcha);
 * - the `ghee:captcha` diagnostics channel, published by the sign-in's captcha check
 *   (origin/identity/accounts/login.ts): solved, or failed with the verifier's reason.
 */
import { subscribe } from 'node:diagnostics_channel';
import { onAudit, type AuditEvent } from '../../audit/index.js';
import { observeRequest } from '../../http/request-metrics.js';
import { CAPTCHA_CHANNEL } from '../../http/signals.js';
import { bounded, captchasTotal, loginsTotal, ssoLoginsTotal, twoFactorFailuresTotal } from './registry.js';

export const LOGIN_ROUTE = '/v1/auth/login';
export const CAPTCHA_ROUTE = '/v1/auth/captcha';

const SECOND_FACTOR_REASONS = new Set(['bad_otp', 'bad_recovery_code', 'replayed_otp']);
const PROTOCOLS = new Set(['oidc', 'saml']);
/** Sign-in refusals that write no audit row (they are not evidence), by error code. */
const UNRECORDED_REFUSALS = new Set(['rate_limited', 'captcha_required', 'otp_required', 'email_unverified']);

function reasonOf(event: AuditEvent): string {
  return bounded(event.metadata?.reason);
}

/** The audit listener: one row, at most two counters. Never throws (the writer ignores listener errors anyway). */
export function countAuditRow(event: AuditEvent): void {
  const failed = event.result === 'failure';
  switch (event.action) {
    case 'auth.login': {
      const reason = failed ? reasonOf(event) : 'none';
      loginsTotal.inc({ outcome: event.result, reason });
      if (failed && SECOND_FACTOR_REASONS.has(reason)) twoFactorFailuresTotal.inc({ action: 'auth.login', reason });
      return;
    }
    case 'auth.reauthenticate': {
      const reason = reasonOf(event);
      if (failed && SECOND_FACTOR_REASONS.has(reason)) twoFactorFailuresTotal.inc({ action: 'auth.reauthenticate', reason });
      return;
    }
    case '2fa.disable':
      if (failed) twoFactorFailuresTotal.inc({ action: '2fa.disable', reason: event.metadata?.reason === undefined ? 'invalid_credentials' : reasonOf(event) });
      return;
    case 'sso.login':
      ssoLoginsTotal.inc({ protocol: bounded(event.metadata?.protocol, PROTOCOLS), outcome: event.result, reason: failed ? reasonOf(event) : 'none' });
      return;
    default:
  }
}

/** A refusal the error renderer answered: the sign-in refusals without evidence are counted here. */
export function countApiRefusal(route: string, code: string, detail: string): void {
  // (Failed passwords and second factors, SSO required: evidence, counted from their audit rows.)
  if (route !== LOGIN_ROUTE || !UNRECORDED_REFUSALS.has(code)) return;
  loginsTotal.inc({ outcome: 'refused', reason: code });
  // "Solve the captcha to continue" (none given) — a bad solution is counted by the captcha channel.
  if (code === 'captcha_required' && detail.startsWith('Solve')) captchasTotal.inc({ event: 'required', reason: 'none' });
}

/** The request middleware's observation: the HTTP histogram, and captchas handed out. */
export function observeOriginRequest(route: string, method: string, status: number, seconds: number): void {
  observeRequest(route, method, status, seconds);
  if (route === CAPTCHA_ROUTE && status === 200) captchasTotal.inc({ event: 'issued', reason: 'none' });
}

const CAPTCHA_FAILURES = new Set(['malformed', 'expired', 'invalid_signature', 'invalid_solution', 'replayed']);

function countCaptchaVerdict(message: unknown): void {
  if (message === 'solved') captchasTotal.inc({ event: 'solved', reason: 'none' });
  else captchasTotal.inc({ event: 'failed', reason: bounded(message, CAPTCHA_FAILURES) });
}

let installed = false;

/** Subscribes the counters to the audit writer and the captcha channel, once per process. */
export function installAuthMetrics(): void {
  if (installed) return;
  installed = true;
  onAudit(countAuditRow);
  subscribe(CAPTCHA_CHANNEL, countCaptchaVerdict);
}
