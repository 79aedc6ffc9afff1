/**
 * Every detection rule at its threshold boundary, against a real database and through the real
 * fact sources (the audit writer, the SSRF guard, the audit-chain verifier, credential use):
 * N−1 observations raise nothing, the N-th raises exactly one event (and its alerts), N+1 inside
 * the window adds to that event instead of making another. Then: an organization's override,
 * resolution once the window passed (resolve alerts), a critical event opening an incident, and
 * no secret in any event or alert.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { audit } from '../../audit/index.js';
import { loadOriginConfig } from '../../config.js';
import { alertOutbox, auditEvents, incidents, organizations, securityEvents, securitySettings } from '../../db/schema/index.js';
import { createLogger } from '../../logger.js';
import { checkOutboundTarget } from '../../net/ssrf.js';
import { openSubject, type SecurityEngine } from './engine.js';
import { personalDataFromConfig } from '../../crypto/personal-data.js';
import { installSecurityOps, installThreatList } from './install.js';
import { checkAuditChains, checkBackup } from './jobs.js';
import { RULES, type RuleName } from './rules.js';
import { ThreatMatcher } from './threats.js';

let database: TestDatabase;
let engine: SecurityEngine;
let orgId: string;
let clock = Date.parse('2026-01-01T00:00:00Z');
const ROUTING_KEY = 'R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12';

beforeAll(async () => {
  database = await createTestDatabase();
  const [org] = await database.db.insert(organizations).values({ slug: 'sec-engine', name: 'Sec engine' }).returning({ id: organizations.id });
  orgId = org!.id;
  const config = loadOriginConfig({ LOG_LEVEL: 'silent', PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_MIN_SEVERITY: 'info', SECURITY_WEBHOOK_URL: 'https://alerts.example.test/hook', SECURITY_WEBHOOK_SECRET: 's'.repeat(40) });
  engine = installSecurityOps({ config, database, logger: createLogger('silent') }, { now: () => clock });
});
afterAll(async () => {
  installThreatList(null);
  await database.dispose();
});

const events = (rule: RuleName) => database.db.select().from(securityEvents).where(eq(securityEvents.rule, rule));
const ip = (n: number) => `203.0.113.${n}`;
const failedLogin = (target: string | null, from: string, reason = 'bad_password') => audit(database.db, { ip: from, userId: target }, { action: 'auth.login', result: 'failure', targetType: 'user', targetId: target, metadata: { reason } });
const orgRow = (action: string, by: string, target: string, metadata: Record<string, unknown> = {}) => audit(database.db, { userId: by, ip: ip(200) }, { action, result: 'success', organizationId: orgId, targetType: 'x', targetId: target, metadata });

/** Feeds `n` observations (the i-th by `feed(i)`), waits for the engine, and returns the rule's events. */
async function fed(rule: RuleName, from: number, to: number, feed: (i: number) => Promise<unknown> | void) {
  for (let i = from; i < to; i++) await feed(i);
  await engine.idle();
  return events(rule);
}

interface BoundaryCase {
  rule: RuleName;
  feed: (i: number) => Promise<unknown> | void;
}

const user = randomUUID();
const sprayIps = Array.from({ length: 12 }, (_, i) => `198.51.100.${i + 1}`);
const boundaryCases = (): BoundaryCase[] => {
  const acct = randomUUID();
  const tfa = randomUUID();
  const key = randomUUID();
  const member = randomUUID();
  const deleter = randomUUID();
  const sprayAccounts = Array.from({ length: 12 }, () => randomUUID());
  return [
    // Different addresses per attempt, so only the per-account rule counts.
    { rule: 'login_failures_account', feed: (i) => failedLogin(acct, `192.0.2.${(i % 200) + 1}`) },
    // Unknown accounts (no id) from one address: only the per-address rule counts.
    { rule: 'login_failures_ip', feed: () => failedLogin(null, ip(7), 'unknown_account') },
    // A different existing account from a different address of one /24 each time.
    { rule: 'password_spray', feed: (i) => failedLogin(sprayAccounts[i]!, sprayIps[i]!) },
    { rule: 'two_factor_failures', feed: (i) => failedLogin(tfa, `192.0.2.${(i % 200) + 1}`, 'bad_otp') },
    { rule: 'key_created', feed: () => orgRow('key.create', user, key, { kind: 'admin' }) },
    { rule: 'role_escalation', feed: () => orgRow('member.role_change', user, member, { from: 'author', to: 'admin' }) },
    { rule: 'sso_config_changed', feed: () => orgRow('sso.policy_update', user, orgId) },
    { rule: 'break_glass_login', feed: () => audit(database.db, { userId: member, ip: ip(9) }, { action: 'sso.break_glass_login', result: 'success', targetType: 'user', targetId: member, metadata: { second_factor: 'totp' } }) },
    { rule: 'mass_delete', feed: (i) => orgRow('page.delete', deleter, randomUUID(), { n: i }) },
    { rule: 'waf_burst', feed: () => engine.observeEdge({ kind: 'waf_block', clientIp: ip(21), wafRule: 'sqli' }) },
    { rule: 'rate_limit_burst', feed: () => engine.observeEdge({ kind: 'rate_limited', clientIp: ip(22) }) },
    { rule: 'threat_listed_request', feed: () => engine.observeEdge({ kind: 'threat_listed', clientIp: ip(23), prefix: `${ip(23)}/32` }) },
  ];
};

describe('each rule at its threshold boundary (default thresholds)', () => {
  const cases = boundaryCases();
  it.each(cases.map((c) => [c.rule, c] as const))('%s: N−1 nothing, N one event, N+1 the same event', async (rule, c) => {
    const n = RULES[rule].threshold;
    expect(await fed(rule, 0, n - 1, c.feed)).toHaveLength(0);
    const atN = await fed(rule, n - 1, n, c.feed);
    expect(atN).toHaveLength(1);
    expect(atN[0]!.severity).toBe(RULES[rule].severity);
    expect(atN[0]!.status).toBe('open');
    clock += 1500; // past the per-key write throttle, still inside every window
    const atN1 = await fed(rule, n, n + 1, c.feed);
    expect(atN1).toHaveLength(1);
    expect(atN1[0]!.id).toBe(atN[0]!.id);
    expect(atN1[0]!.count).toBe(2);
    // One trigger per channel for the one event: PagerDuty and the webhook.
    const alerts = await database.db.select().from(alertOutbox).where(eq(alertOutbox.eventId, atN[0]!.id));
    expect(alerts.map((a) => a.channel).sort()).toEqual(['pagerduty', 'webhook']);
    expect(alerts.find((a) => a.channel === 'pagerduty')!.body).toMatchObject({ event_action: 'trigger', dedup_key: atN[0]!.dedupKey, payload: { class: rule } });
  });

  it('new_network: the first network is the baseline, a second one raises once, its repeats do not', async () => {
    const key = randomUUID();
    engine.noteCredentialUse({ kind: 'api_key', subjectId: key, organizationId: orgId, ip: '192.0.2.10' });
    engine.noteCredentialUse({ kind: 'api_key', subjectId: key, organizationId: orgId, ip: '192.0.2.99' }); // same /24
    await engine.idle();
    expect(await events('new_network')).toHaveLength(0);
    engine.noteCredentialUse({ kind: 'api_key', subjectId: key, organizationId: orgId, ip: '2001:db8:1234:5678::1' });
    await engine.idle();
    const [e] = await events('new_network');
    expect(e).toMatchObject({ organizationId: orgId, subjectType: 'api_key', subjectId: key, evidence: { network: '2001:db8:1234::/48', known_networks: 1 } });
    engine.noteCredentialUse({ kind: 'api_key', subjectId: key, organizationId: orgId, ip: '2001:db8:1234:9999::7' }); // same /48
    await engine.idle();
    expect(await events('new_network')).toHaveLength(1);
  });

  it('threat_listed_outbound: the SSRF guard refuses a listed target and raises once per host', async () => {
    installThreatList(new ThreatMatcher(['127.0.0.2/32']));
    expect((await checkOutboundTarget('http://127.0.0.1:9/hook', { allowLoopback: true })).ok).toBe(true);
    await engine.idle();
    expect(await events('threat_listed_outbound')).toHaveLength(0);
    const refused = await checkOutboundTarget('http://listed.test:9/hook?token=abc', { allowLoopback: true, lookup: async () => ['127.0.0.2'] });
    expect(refused).toEqual({ ok: false, reason: 'target resolves to a threat-listed address' });
    await engine.idle();
    clock += 1500;
    await checkOutboundTarget('http://listed.test:9/other', { allowLoopback: true, lookup: async () => ['127.0.0.2'] });
    await engine.idle();
    const rows = await events('threat_listed_outbound');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subjectType: 'host', subjectId: 'listed.test', count: 2, evidence: { prefix: '127.0.0.2/32' } });
    expect(JSON.stringify(rows[0]!.evidence)).not.toContain('token');
    installThreatList(null);
  });

  it('audit_chain_broken: an intact chain raises nothing; a tampered row raises one critical event and opens one incident', async () => {
    expect(await checkAuditChains(database.db, engine)).toBe(true);
    await engine.idle();
    expect(await events('audit_chain_broken')).toHaveLength(0);
    const [victim] = await database.db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.organizationId, orgId)).limit(1);
    await database.db.update(auditEvents).set({ metadata: { tampered: true } }).where(eq(auditEvents.id, victim!.id));
    expect(await checkAuditChains(database.db, engine)).toBe(false);
    await engine.idle();
    clock += 1500;
    await checkAuditChains(database.db, engine);
    await engine.idle();
    const rows = await events('audit_chain_broken');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: 'critical', organizationId: orgId, subjectId: orgId, count: 2 });
    const opened = await database.db.select().from(incidents).where(eq(incidents.sourceEventId, rows[0]!.id));
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ severity: 'critical', status: 'investigating', organizationIds: [orgId], openedBy: 'ghee' });
    const [pd] = await database.db.select().from(alertOutbox).where(and(eq(alertOutbox.eventId, rows[0]!.id), eq(alertOutbox.channel, 'pagerduty')));
    expect(pd!.body).toMatchObject({ payload: { severity: 'critical' } });
  });

  it('backup_stale: a fresh backup raises nothing; a stale one raises once while it stays stale', async () => {
    expect(checkBackup(engine, { stale: false, ageSeconds: 3600, lastVerifyFailed: false })).toBe(true);
    expect(checkBackup(engine, null)).toBe(true);
    await engine.idle();
    expect(await events('backup_stale')).toHaveLength(0);
    checkBackup(engine, { stale: true, ageSeconds: 30 * 3600, lastVerifyFailed: false });
    await engine.idle();
    clock += 1500;
    checkBackup(engine, { stale: true, ageSeconds: 31 * 3600, lastVerifyFailed: false });
    await engine.idle();
    const rows = await events('backup_stale');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.count).toBe(2);
  });

  it('a role change that is not an escalation, a failed key creation and a read raise nothing', async () => {
    const before = (await database.db.select({ n: sql<number>`count(*)::int` }).from(securityEvents))[0]!.n;
    await orgRow('member.role_change', user, randomUUID(), { from: 'admin', to: 'owner' }); // already elevated
    await orgRow('member.role_change', user, randomUUID(), { from: 'admin', to: 'viewer' });
    await audit(database.db, { userId: user }, { action: 'key.create', result: 'failure', organizationId: orgId, targetType: 'api_key', targetId: null, metadata: { reason: 'x' } });
    await orgRow('page.update', user, randomUUID());
    await engine.idle();
    expect((await database.db.select({ n: sql<number>`count(*)::int` }).from(securityEvents))[0]!.n).toBe(before);
  });
});

describe('overrides, resolution, secrets', () => {
  it("an organization's override lowers mass_delete to 3 for that organization only", async () => {
    await database.db.insert(securitySettings).values({ organizationId: orgId, thresholds: { mass_delete: { threshold: 3 } } });
    engine.forgetSettings(orgId);
    const deleter = randomUUID();
    for (let i = 0; i < 2; i++) await orgRow('post.delete', deleter, randomUUID());
    await engine.idle();
    const mine = () => database.db.select().from(securityEvents).where(and(eq(securityEvents.rule, 'mass_delete'), eq(securityEvents.subjectId, deleter)));
    expect(await mine()).toHaveLength(0);
    await orgRow('post.delete', deleter, randomUUID());
    await engine.idle();
    expect(await mine()).toHaveLength(1);
  });

  it('resolves an event once its window passed without observations, queues the resolves, and a new burst opens a new event', async () => {
    const source = ip(77);
    for (let i = 0; i < 20; i++) engine.observeEdge({ kind: 'rate_limited', clientIp: source });
    for (let i = 0; i < 100; i++) engine.observeEdge({ kind: 'rate_limited', clientIp: source });
    await engine.idle();
    // An address subject is stored sealed (personal data): found by opening it, as the API does.
    const pd = personalDataFromConfig(loadOriginConfig({ LOG_LEVEL: 'silent' }).MASTER_KEYS);
    const open = (await database.db.select().from(securityEvents).where(eq(securityEvents.rule, 'rate_limit_burst'))).filter((r) => openSubject(pd, r).id === source);
    expect(open).toHaveLength(1);
    clock += RULES.rate_limit_burst.windowMinutes * 60_000 - 1000;
    await engine.resolveExpired();
    expect((await database.db.select().from(securityEvents).where(eq(securityEvents.id, open[0]!.id)))[0]!.status).toBe('open');
    clock += 2000;
    expect(await engine.resolveExpired()).toBeGreaterThanOrEqual(1);
    const [closed] = await database.db.select().from(securityEvents).where(eq(securityEvents.id, open[0]!.id));
    expect(closed!.status).toBe('resolved');
    const resolves = await database.db.select().from(alertOutbox).where(and(eq(alertOutbox.eventId, closed!.id), sql`${alertOutbox.body}->>'event_action' = 'resolve'`));
    expect(resolves).toHaveLength(1);
    expect(resolves[0]!.body).toEqual({ event_action: 'resolve', dedup_key: closed!.dedupKey });
    for (let i = 0; i < 100; i++) engine.observeEdge({ kind: 'rate_limited', clientIp: source });
    await engine.idle();
    const all = (await database.db.select().from(securityEvents).where(eq(securityEvents.rule, 'rate_limit_burst'))).filter((r) => openSubject(pd, r).id === source);
    expect(all.map((e) => e.status).sort()).toEqual(['open', 'resolved']);
  });

  it('no secret in any event or queued alert: the routing key, the webhook secret, passwords and tokens never appear', async () => {
    const stored = JSON.stringify([await database.db.select().from(securityEvents), await database.db.select().from(alertOutbox)]);
    expect(stored.length).toBeGreaterThan(1000);
    expect(stored).not.toContain(ROUTING_KEY);
    expect(stored).not.toContain('s'.repeat(40));
    expect(stored).not.toMatch(/ghee_(read|preview|write|admin)_/);
    expect(stored).not.toMatch(/password"?\s*:/i);
  });
});
