/**
 * Wires the rules engine to where the facts are decided, once per app (origin/app.ts):
 *  - the audit writer's listener (origin/audit `onAudit`): every auth, 2FA, role, key, SSO,
 *    break-glass and delete row (rules.ts observationsOfAudit);
 *  - `ghee:login-refused` (origin/identity/accounts/login.ts): sign-ins turned away for a captcha or backoff count per address;
 *  - `ghee:credential-use` (origin/http/request-auth.ts, api-key-auth.ts): sessions and keys by network;
 *  - `ghee:threat-outbound` (origin/net/ssrf.ts): a tenant URL resolving to a threat-listed address;
 *  - `threatListedRequests`, a middleware: a request reaching the origin from a listed address;
 *  - `observeEdge` for facts the edge decides (WAF blocks, 429s): the Node twin can call it in
 *    process (scripts/start.ts), the Fastly edge's log line carries the same fields.
 * The listeners are process-wide, so the newest installation takes them over (one app per
 * process in production; a test that builds several apps observes through the last one).
 */
import { personalDataFromConfig } from '../../crypto/personal-data.js';
import { hostname } from 'node:os';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { MiddlewareHandler } from 'hono';
import { ConfigError } from '../../../shared/config.js';
import { onAudit } from '../../audit/index.js';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { OriginEnv } from '../../env.js';
import { CREDENTIAL_USE_CHANNEL, GOVERNANCE_CHANNEL, LOGIN_REFUSED_CHANNEL, THREAT_OUTBOUND_CHANNEL } from '../../http/signals.js';
import { setThreatLookup } from '../../net/ssrf.js';
import { SecurityEngine } from './engine.js';
import { isRuleName, observationsOfAudit, parseThresholds } from './rules.js';
import type { ThreatMatcher } from './threats.js';

const engines = new WeakMap<Db, SecurityEngine>();
let uninstall: (() => void) | null = null;
let threats: ThreatMatcher | null = null;

/** Builds the app's engine from its config and takes over the process's fact sources. */
export function installSecurityOps(ctx: Pick<AppContext, 'config' | 'database' | 'logger'>, opts: { now?: () => number } = {}): SecurityEngine {
  const cfg = ctx.config;
  const thresholds = parseThresholds(cfg.SECURITY_THRESHOLDS);
  if (!thresholds.ok) throw new ConfigError(`origin config: SECURITY_THRESHOLDS ${thresholds.reason}`);
  const engine = new SecurityEngine({
    db: ctx.database.db,
    logger: ctx.logger.child({ component: 'security' }),
    thresholds: thresholds.value,
    pagerDutyMinSeverity: cfg.PAGERDUTY_ROUTING_KEY ? cfg.PAGERDUTY_MIN_SEVERITY : null,
    webhook: Boolean(cfg.SECURITY_WEBHOOK_URL && cfg.SECURITY_WEBHOOK_SECRET),
    source: `ghee-origin@${hostname()}`,
    personalData: personalDataFromConfig(cfg.MASTER_KEYS),
    ...(opts.now ? { now: opts.now } : {}),
  });
  uninstall?.();
  const offAudit = onAudit((event, actor) => {
    for (const o of observationsOfAudit(event, actor)) engine.observe(o);
  });
  const onCredential = (m: unknown) => {
    const u = m as { kind?: unknown; subjectId?: unknown; organizationId?: unknown; ip?: unknown };
    if ((u.kind !== 'session' && u.kind !== 'api_key') || typeof u.subjectId !== 'string') return;
    engine.noteCredentialUse({ kind: u.kind, subjectId: u.subjectId, organizationId: typeof u.organizationId === 'string' ? u.organizationId : null, ip: typeof u.ip === 'string' ? u.ip : null });
  };
  const onOutbound = (m: unknown) => {
    const r = m as { host?: unknown; prefix?: unknown };
    if (typeof r.host !== 'string') return;
    engine.observe({ rule: 'threat_listed_outbound', windowKey: r.host, organizationId: null, subject: { type: 'host', id: r.host.slice(0, 253) }, actor: {}, evidence: { prefix: typeof r.prefix === 'string' ? r.prefix : null } });
  };
  // Sign-ins turned away before the password was judged (captcha required or failed, backoff) are failed attempts from their address too.
  const onLoginRefused = (m: unknown) => {
    const r = m as { reason?: unknown; ip?: unknown };
    if (typeof r.ip !== 'string' || r.ip === '' || typeof r.reason !== 'string') return;
    engine.observe({ rule: 'login_failures_ip', windowKey: r.ip, organizationId: null, subject: { type: 'ip', id: r.ip }, actor: { ip: r.ip }, evidence: { reason: r.reason } });
  };
  // Governance refusals and break-glass (origin/governance): support access refused, calls from outside an IP allowlist.
  const onGovernance = (m: unknown) => {
    const g = m as { rule?: unknown; organizationId?: unknown; subject?: { type?: unknown; id?: unknown }; ip?: unknown; evidence?: unknown };
    if (!isRuleName(g.rule) || typeof g.subject?.type !== 'string' || typeof g.subject.id !== 'string') return;
    const organizationId = typeof g.organizationId === 'string' ? g.organizationId : null;
    const ip = typeof g.ip === 'string' ? g.ip : null;
    const evidence = g.evidence && typeof g.evidence === 'object' ? (g.evidence as Record<string, unknown>) : {};
    engine.observe({ rule: g.rule, windowKey: `${organizationId}:${g.subject.type}:${g.subject.id}`, organizationId, subject: { type: g.subject.type, id: g.subject.id }, actor: { ip }, evidence });
  };
  subscribe(GOVERNANCE_CHANNEL, onGovernance);
  subscribe(LOGIN_REFUSED_CHANNEL, onLoginRefused);
  subscribe(CREDENTIAL_USE_CHANNEL, onCredential);
  subscribe(THREAT_OUTBOUND_CHANNEL, onOutbound);
  uninstall = () => {
    offAudit();
    unsubscribe(CREDENTIAL_USE_CHANNEL, onCredential);
    unsubscribe(LOGIN_REFUSED_CHANNEL, onLoginRefused);
    unsubscribe(THREAT_OUTBOUND_CHANNEL, onOutbound);
    unsubscribe(GOVERNANCE_CHANNEL, onGovernance);
  };
  engines.set(ctx.database.db, engine);
  return engine;
}

/** The engine the app built for `db` (main.ts wires the jobs and the alert worker to it). */
export function securityEngineOf(db: Db): SecurityEngine | undefined {
  return engines.get(db);
}

/** Installs a threat list in this process: the SSRF guard refuses listed targets, `threatListedRequests` flags listed clients. */
export function installThreatList(matcher: ThreatMatcher | null): void {
  threats = matcher;
  setThreatLookup(matcher ? (ip) => matcher.lookup(ip) : null);
}

/** Raises `threat_listed_request` for a request from a listed address (the edge blocks them: one reaching the origin went around it). */
export function threatListedRequests(ctx: Pick<AppContext, 'database'>): MiddlewareHandler<OriginEnv> {
  return async function threatListedRequestsHandler(c, next) {
    const list = threats;
    if (list !== null) {
      const ip = c.get('clientIp');
      const prefix = ip ? list.lookup(ip) : null;
      if (prefix !== null && ip) engines.get(ctx.database.db)?.observeEdge({ kind: 'threat_listed', clientIp: ip, prefix });
    }
    return next();
  };
}
