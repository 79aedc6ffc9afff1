/**
 * Outcomes decided deep inside a service that the metrics (origin/ops/metrics) count, published
 * on node:diagnostics_channel: a service publishes one line where the outcome is decided and
 * knows nothing of who listens (nothing is done when no one does).
 */
import { channel } from 'node:diagnostics_channel';

/** The sign-in's captcha check: 'solved', or the verifier's failure reason (origin/identity/accounts/login.ts). */
export const CAPTCHA_CHANNEL = 'ghee:captcha';

/** An outgoing target refused because it resolves to a threat-listed address (origin/net/ssrf.ts): `{ host, prefix }`. */
export const THREAT_OUTBOUND_CHANNEL = 'ghee:threat-outbound';

/** A session or API key authenticated (origin/http/request-auth.ts, api-key-auth.ts): `{ kind, subjectId, organizationId, ip }`. */
export const CREDENTIAL_USE_CHANNEL = 'ghee:credential-use';

/** A sign-in turned away before its password was judged (origin/identity/accounts/login.ts): `{ reason, ip }` — captcha_required, captcha_failed, rate_limited. */
export const LOGIN_REFUSED_CHANNEL = 'ghee:login-refused';

/**
 * A governance refusal or break-glass (origin/governance): `{ rule, organizationId, subject: { type, id }, ip, evidence }` —
 * support access refused (support_access_denied), a management call from outside the IP allowlist
 * (ip_allowlist_denied), the allowlist lifted by break-glass (ip_allowlist_break_glass).
 */
export const GOVERNANCE_CHANNEL = 'ghee:governance';

const channels = new Map<string, ReturnType<typeof channel>>();

/** Publishes where someone listens (the fast read path calls this per served read: the channel object is looked up once). */
export function publish(name: string, message: unknown): void {
  let ch = channels.get(name);
  if (!ch) channels.set(name, (ch = channel(name)));
  if (ch.hasSubscribers) ch.publish(message);
}
