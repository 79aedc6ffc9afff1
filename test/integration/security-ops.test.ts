/**
 * Security operations end to end, real HTTP against a real origin over real Postgres, PagerDuty
 * played by a local Events v2 stand-in that validates every event:
 *  - a load of failed sign-ins from one address raises exactly one deduplicated PagerDuty
 *    incident, resolved once the (short, configured) window passes;
 *  - GET /v1/orgs/{org}/security-events: the organization's events only, filters, pages, 4xx for
 *    bad filters, 403 below admin, 404 for another tenant;
 *  - a webhook target resolving to a threat-listed address is refused and raises an event; a
 *    request from a listed address raises one;
 *  - incidents: `npm run incident` open → notify (preliminary) → resolve → notify (resolution):
 *    mail to owners, admins and security contacts from the templates, one incident.notify audit
 *    row per organization, visible at GET /v1/orgs/{org}/incidents to that organization only;
 *    every command (refused and bad usage included) audited with operator, host, redacted
 *    command line and exit status;
 *  - no password, session token, API key or routing key in any event, alert or incident.
 */
import { openSubject } from '../../origin/ops/security/engine.js';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertOutbox, auditEvents, incidents, securityEvents } from '../../origin/db/schema/index.js';
import { MemoryTransport } from '../../origin/identity/mail.js';
import { createLogger } from '../../origin/logger.js';
import { AlertWorker, runIncidentCommand, SecurityJobs, securityEngineOf } from '../../origin/ops/index.js';
import { installThreatList } from '../../origin/ops/security/install.js';
import { ThreatMatcher } from '../../origin/ops/security/threats.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createOrganization, createUser, SessionClient, uniqueEmail, type TestUser, personalDataOf } from '../helpers/identity.js';
import { PagerDutyStandIn } from '../helpers/pagerduty.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const ROUTING_KEY = 'e2eR0ut1ngKeyE2eR0ut1ngKeyE2e012';
const WRONG_PASSWORD = 'Wrong-Horse-Battery-991!';
const WINDOW_MINUTES = 0.1; // 6 s: the test waits for the resolve
let origin: OriginUnderTest;
let pd: PagerDutyStandIn;
let worker: AlertWorker;
let jobs: SecurityJobs;
const mail = new MemoryTransport();
let org: { organizationId: string; spaceId: string };
let other: { organizationId: string; spaceId: string };
let owner: TestUser;
let admin: TestUser;
let viewer: TestUser;
let otherOwner: TestUser;
const clients = new Map<string, SessionClient>();
const secretsSeen: string[] = [ROUTING_KEY, WRONG_PASSWORD];

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  pd = await new PagerDutyStandIn(ROUTING_KEY).start();
  origin = await startTestOrigin(
    {
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      PAGERDUTY_URL: pd.url,
      PAGERDUTY_MIN_SEVERITY: 'high',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      SECURITY_THRESHOLDS: JSON.stringify({ login_failures_ip: { threshold: 8, windowMinutes: WINDOW_MINUTES } }),
      SECURITY_INTERVAL_MS: '200',
      SECURITY_AUDIT_VERIFY_MS: '0',
    },
    { mail },
  );
  const db = origin.database.db;
  worker = new AlertWorker({ db, logger: createLogger('info', origin.logs), baseDelayMs: 100, channels: { pagerDuty: { url: pd.url, routingKey: ROUTING_KEY }, mail } });
  worker.start(100);
  const engine = securityEngineOf(db)!;
  engine.onAlertsQueued = () => worker.kick();
  jobs = new SecurityJobs({ db, engine, config: origin.config, logger: createLogger('silent') });
  jobs.start();
  org = await createOrganization(origin, 'sec-ops');
  other = await createOrganization(origin, 'sec-ops-other');
  owner = await createUser(origin, org.organizationId, 'owner');
  admin = await createUser(origin, org.organizationId, 'admin');
  viewer = await createUser(origin, org.organizationId, 'viewer');
  otherOwner = await createUser(origin, other.organizationId, 'owner');
  for (const [name, u] of [['owner', owner], ['admin', admin], ['viewer', viewer], ['otherOwner', otherOwner]] as const) {
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    secretsSeen.push(c.cookie!.split('=')[1]!);
    clients.set(name, c);
  }
}, 60_000);

afterAll(async () => {
  installThreatList(null);
  await jobs?.stop();
  await worker?.stop();
  await origin?.stop();
  await pd?.stop();
});

describe('failed sign-ins from one address → one PagerDuty incident, resolved when the window passes', () => {
  it('40 failed sign-ins (8 at a time) raise exactly one deduplicated incident, then resolve it', async () => {
    const victim = await createUser(origin, org.organizationId, 'author');
    const attempts = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? { email: victim.email, password: WRONG_PASSWORD } : { email: uniqueEmail('nobody'), password: WRONG_PASSWORD }));
    const statuses: number[] = [];
    for (let i = 0; i < attempts.length; i += 8) {
      const batch = await Promise.all(attempts.slice(i, i + 8).map((body) => fetch(`${origin.server.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })));
      statuses.push(...batch.map((r) => r.status));
    }
    // Refused as the sign-in rules say (wrong password, then captcha, then backoff) — never a 5xx.
    expect(statuses.every((s) => s === 401 || s === 403 || s === 429)).toBe(true);
    const incident = await until('the PagerDuty incident', () => [...pd.incidents.values()].find((i) => i.dedupKey.includes('login_failures_ip')));
    await securityEngineOf(origin.database.db)!.idle();
    expect([...pd.incidents.values()].filter((i) => i.dedupKey.includes('login_failures_ip'))).toHaveLength(1);
    expect(incident).toMatchObject({ status: 'triggered', triggers: 1 });
    // The address never reaches the dedup key (stored, sent to PagerDuty): its blind index does.
    expect(incident.dedupKey).toBe(`ghee:login_failures_ip:global:ip:${personalDataOf(origin).blindIndex('ip', '127.0.0.1')}`);
    expect(pd.rejected).toEqual([]);
    const [event] = await origin.database.db.select().from(securityEvents).where(eq(securityEvents.rule, 'login_failures_ip'));
    expect(event).toMatchObject({ status: 'open', severity: 'high', subjectType: 'ip', organizationId: null });
    // Stored sealed (personal data), bound to the event's row.
    expect(event!.subjectId).not.toContain('127.0.0.1');
    expect(openSubject(personalDataOf(origin), event!)).toEqual({ type: 'ip', id: '127.0.0.1' });
    // The window (6 s) passes without failures: the resolver closes the event and PagerDuty's incident.
    await until('the resolve', () => (pd.incidents.get(incident.dedupKey)!.status === 'resolved' ? true : undefined), 20_000);
    const accepted = pd.accepted.filter((a) => a.dedup_key === incident.dedupKey).map((a) => a.event_action);
    expect(accepted).toEqual(['trigger', 'resolve']);
    const [closed] = await origin.database.db.select().from(securityEvents).where(eq(securityEvents.id, event!.id));
    expect(closed!.status).toBe('resolved');
    // Attempts refused for a captcha or backoff count too (only 5 are judged before the captcha, fewer than the threshold of 8):
    // the 8th within the sliding window raised it — the 8th attempt on a quick machine (count 33), a little later on a loaded one.
    expect(closed!.count).toBeGreaterThanOrEqual(25);
    expect(closed!.count).toBeLessThanOrEqual(40 - 8 + 1);
  }, 45_000);
});

describe('GET /v1/orgs/{org}/security-events', () => {
  const path = (o: string, q = '') => `/v1/orgs/${o}/security-events${q}`;
  beforeAll(async () => {
    const ownerClient = clients.get('owner')!;
    const created = await ownerClient.request('POST', `/v1/orgs/${org.organizationId}/api-keys`, { name: 'ci', kind: 'read', space_id: org.spaceId });
    expect(created.status).toBe(201);
    secretsSeen.push(((await created.json()) as { data: { token: string } }).data.token);
    const member = await createUser(origin, org.organizationId, 'author');
    const raised = await ownerClient.request('PATCH', `/v1/orgs/${org.organizationId}/members/${member.id}`, { role: 'admin' });
    expect(raised.status).toBe(200);
    await securityEngineOf(origin.database.db)!.idle();
  });

  it("lists the organization's events (not platform ones), newest first, filtered by severity, rule and time, in pages", async () => {
    const c = clients.get('admin')!;
    const all = (await (await c.request('GET', path(org.organizationId))).json()) as { data: { rule: string; severity: string; evidence: unknown }[]; next_cursor: string | null };
    expect(all.data.map((e) => e.rule)).toEqual(['role_escalation', 'key_created']);
    expect(all.next_cursor).toBeNull();
    const high = (await (await c.request('GET', path(org.organizationId, '?severity=high'))).json()) as { data: { rule: string }[] };
    expect(high.data.map((e) => e.rule)).toEqual(['role_escalation']);
    const byRule = (await (await c.request('GET', path(org.organizationId, '?rule=key_created'))).json()) as { data: { rule: string; evidence: { kind: string } }[] };
    expect(byRule.data).toHaveLength(1);
    expect(byRule.data[0]!.evidence.kind).toBe('read');
    const future = (await (await c.request('GET', path(org.organizationId, `?since=${new Date(Date.now() + 60_000).toISOString()}`))).json()) as { data: unknown[] };
    expect(future.data).toEqual([]);
    const first = (await (await c.request('GET', path(org.organizationId, '?limit=1'))).json()) as { data: { rule: string }[]; next_cursor: string };
    expect(first.data.map((e) => e.rule)).toEqual(['role_escalation']);
    const second = (await (await c.request('GET', path(org.organizationId, `?limit=1&cursor=${first.next_cursor}`))).json()) as { data: { rule: string }[]; next_cursor: string | null };
    expect(second.data.map((e) => e.rule)).toEqual(['key_created']);
    expect(second.next_cursor).toBeNull();
  });

  it('refuses bad filters with 400 in the error shape, a viewer with 403, another tenant with 404', async () => {
    const c = clients.get('owner')!;
    await expectErrorShape(await c.request('GET', path(org.organizationId, '?severity=urgent')), 400, 'bad_request');
    await expectErrorShape(await c.request('GET', path(org.organizationId, '?rule=nope')), 400, 'bad_request');
    await expectErrorShape(await c.request('GET', path(org.organizationId, '?since=yesterday')), 400, 'bad_request');
    await expectErrorShape(await c.request('GET', path(org.organizationId, '?cursor=AAAA')), 400, 'bad_request');
    await expectErrorShape(await c.request('GET', path(org.organizationId, '?limit=100000')), 400, 'bad_request');
    await expectErrorShape(await clients.get('viewer')!.request('GET', path(org.organizationId)), 403, 'forbidden');
    await expectErrorShape(await clients.get('otherOwner')!.request('GET', path(org.organizationId)), 404, 'not_found');
    const theirs = (await (await clients.get('otherOwner')!.request('GET', path(other.organizationId))).json()) as { data: unknown[] };
    expect(theirs.data).toEqual([]);
  });

  it('security settings: contacts and thresholds saved by an owner (audited), refused for bad values', async () => {
    const c = clients.get('owner')!;
    const res = await c.request('PUT', `/v1/orgs/${org.organizationId}/security-settings`, { security_contacts: ['soc@example.test'], thresholds: { mass_delete: { threshold: 5, windowMinutes: 5 } } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ security_contacts: ['soc@example.test'], thresholds: { mass_delete: { threshold: 5, windowMinutes: 5 } } });
    await expectErrorShape(await c.request('PUT', `/v1/orgs/${org.organizationId}/security-settings`, { thresholds: { nope: { threshold: 1 } } }), 400, 'bad_request');
    await expectErrorShape(await c.request('PUT', `/v1/orgs/${org.organizationId}/security-settings`, { thresholds: { mass_delete: { threshold: 0 } } }), 400, 'bad_request');
    await expectErrorShape(await c.request('PUT', `/v1/orgs/${org.organizationId}/security-settings`, { security_contacts: ['not an address'] }), 400, 'bad_request');
    const rows = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'security.settings_update'), eq(auditEvents.organizationId, org.organizationId)));
    expect(rows).toHaveLength(1);
  });
});

describe('incidents: operator commands, customer notification, the org view', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
  };
  const run = async (argv: string[]) => {
    const o = io();
    const code = await runIncidentCommand(argv, o.io, { env: { GHEE_OPERATOR: 'alice' }, openDb: async () => ({ db: origin.database.db, close: async () => {} }) });
    return { code, out: o.out.join(''), err: o.err.join('') };
  };

  it('open → notify preliminary → resolve → notify resolution; mail to owners, admins and contacts; visible to the organization only', async () => {
    const opened = await run(['open', '--title', 'Credential stuffing against sign-in', '--severity', 'high', '--org', 'sec-ops', '--message', 'Investigating unusual sign-in failures.']);
    expect(opened.code, opened.err).toBe(0);
    const id = opened.out.split(' ')[0]!;
    const pre = await run(['notify', id, '--template', 'preliminary', '--message', 'Some sessions may have been exposed; we revoked them.']);
    expect(pre.code, pre.err).toBe(0);
    // The owner, both admins (one promoted above) and the security contact; never the viewer or another tenant.
    expect(pre.out).toContain(`${org.organizationId}: 4 recipient(s)`);
    for (const to of [owner.email, admin.email, 'soc@example.test']) {
      const m = await mail.waitFor(to, 1, 10_000);
      expect(m.subject).toContain('preliminary assessment');
      expect(m.text).toContain('Some sessions may have been exposed');
    }
    expect(mail.messages.some((m) => m.to === viewer.email || m.to === otherOwner.email)).toBe(false);
    const resolved = await run(['resolve', id, '--summary', 'Blocked the source network; no data was accessed.']);
    expect(resolved.code, resolved.err).toBe(0);
    expect((await run(['notify', id, '--template', 'resolution'])).code).toBe(0);
    const fin = await mail.waitFor(owner.email, 2, 10_000);
    expect(fin.subject).toContain('resolved');
    expect(fin.text).toContain('no data was accessed');
    // One incident.notify row per notification in the organization's chain.
    const notes = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'incident.notify'), eq(auditEvents.organizationId, org.organizationId)));
    expect(notes.map((n) => (n.metadata as { template: string; recipients: number }).template).sort()).toEqual(['preliminary', 'resolution']);
    // The organization sees it; another does not; a viewer may not.
    const view = (await (await clients.get('admin')!.request('GET', `/v1/orgs/${org.organizationId}/incidents`)).json()) as { data: { id: string; status: string; summary: string; timeline: { kind: string; template?: string }[] }[] };
    expect(view.data).toHaveLength(1);
    expect(view.data[0]).toMatchObject({ id, status: 'resolved', summary: 'Blocked the source network; no data was accessed.' });
    expect(view.data[0]!.timeline.map((t) => t.template ?? t.kind)).toEqual(['opened', 'preliminary', 'resolved', 'resolution']);
    expect(((await (await clients.get('otherOwner')!.request('GET', `/v1/orgs/${other.organizationId}/incidents`)).json()) as { data: unknown[] }).data).toEqual([]);
    await expectErrorShape(await clients.get('viewer')!.request('GET', `/v1/orgs/${org.organizationId}/incidents`), 403, 'forbidden');
  }, 30_000);

  it('every command writes an audit row: operator, host, redacted command line, exit status — refusals and bad usage too', async () => {
    const apiKey = secretsSeen.find((s) => s.startsWith('ghee_'))!;
    expect((await run(['resolve', '00000000-0000-0000-0000-000000000000', '--summary', 'x'])).code).toBe(1);
    expect((await run(['open', '--title', 'x', '--severity', 'urgent'])).code).toBe(2);
    expect((await run(['list', '--token', 'sekrit-value-123'])).code).toBe(2);
    expect((await run(['open', '--title', `leaked ${apiKey}`, '--severity', 'low'])).code).toBe(0);
    const rows = await origin.database.db.select().from(auditEvents).where(eq(auditEvents.chain, 'global'));
    const ops = rows.filter((r) => r.action.startsWith('incident.'));
    expect(ops.map((r) => [r.action, (r.metadata as { exit_status: number }).exit_status])).toEqual([
      ['incident.open', 0],
      ['incident.notify', 0],
      ['incident.resolve', 0],
      ['incident.notify', 0],
      ['incident.resolve', 1],
      ['incident.open', 2],
      ['incident.list', 2],
      ['incident.open', 0],
    ]);
    for (const r of ops) expect(r.metadata).toMatchObject({ via: 'operator', operator: 'alice', host: expect.any(String), command_line: expect.stringMatching(/^npm run incident -- /) });
    const lines = ops.map((r) => (r.metadata as { command_line: string }).command_line);
    expect(lines[6]).toBe('npm run incident -- list --token [REDACTED]');
    expect(JSON.stringify(ops)).not.toContain('sekrit-value-123');
    expect(JSON.stringify(ops)).not.toContain(apiKey);
    expect(ops[4]!.result).toBe('failure');
  });
});

describe('threat list, inbound and outbound', () => {
  it('refuses a webhook target resolving to a listed address and raises an event; flags a request from a listed address', async () => {
    installThreatList(new ThreatMatcher(['127.0.0.0/8']));
    const res = await clients.get('owner')!.request('POST', `/v2/manage/spaces/${org.spaceId}/webhooks`, { url: 'http://127.0.0.1:9/hook', events: ['page.published'] });
    const body = await expectErrorShape(res, 400, 'bad_request');
    expect(String(body.detail)).toContain('threat-listed');
    await securityEngineOf(origin.database.db)!.idle();
    installThreatList(null);
    const rows = await origin.database.db.select().from(securityEvents);
    expect(rows.find((r) => r.rule === 'threat_listed_outbound')).toMatchObject({ subjectType: 'host', subjectId: '127.0.0.1', evidence: { prefix: '127.0.0.0/8' } });
    // The request itself came from a listed address (the edge blocks those; this one reached the origin).
    const listed = rows.find((r) => r.rule === 'threat_listed_request');
    expect(listed).toMatchObject({ subjectType: 'ip', severity: 'high' });
    expect(openSubject(personalDataOf(origin), listed!).id).toBe('127.0.0.1');
    await until('the threat_listed_request page', () => [...pd.incidents.values()].find((i) => i.dedupKey.includes('threat_listed_request')));
  });

  it('no password, session token, API key or routing key in any event, alert, incident or PagerDuty payload', async () => {
    await securityEngineOf(origin.database.db)!.idle();
    const db = origin.database.db;
    const stored = JSON.stringify([await db.select().from(securityEvents), await db.select().from(alertOutbox), await db.select().from(incidents)]);
    const sentToPd = JSON.stringify(pd.accepted.map(({ routing_key: _, ...rest }) => rest));
    expect(stored.length).toBeGreaterThan(2000);
    for (const secret of secretsSeen) {
      expect(stored).not.toContain(secret);
      expect(sentToPd).not.toContain(secret);
      expect(JSON.stringify(mail.messages)).not.toContain(secret);
    }
  });
});
