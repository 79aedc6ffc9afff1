/**
 * The rules engine: evaluates facts as they happen and raises, updates and resolves security
 * events (origin/db/schema/security.ts).
 *
 * Facts come in through `observe` (rules.ts turns an audit row into observations; the audit
 * writer's listener is installed by install.ts), `noteCredentialUse` (a session or API key
 * authenticated from an address), `observeEdge` (WAF blocks, 429s and threat-listed requests
 * reported by the edge) and the periodic checks (jobs.ts). `observe` is synchronous and cheap —
 * a sliding window in memory per (rule, organization, key); only crossing a threshold touches the
 * database, serialized through one queue in this process.
 *
 * Dedup: at most one OPEN event per dedup key (rule + organization + subject), enforced by a
 * partial unique index, so two instances crossing a threshold at once still make one event. A
 * repeat while it is open adds to its count and pushes `window_ends_at` (written at most once a
 * second per key); `resolveExpired` closes events whose window has passed and queues their
 * resolve alerts. Windows are per process: with several origin instances a threshold is counted
 * per instance (a deployment behind N instances that wants exact counts sets lower thresholds).
 * A critical event opens an incident (incidents.ts) in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, lte, sql } from 'drizzle-orm';
import { personalAad, type PersonalData } from '../../crypto/personal-data.js';
import type { Db } from '../../db/client.js';
import { apiKeys, incidents, securityEvents, securityKnownNetworks, securitySettings, type SecuritySeverity } from '../../db/schema/index.js';
import type { Logger } from '../../logger.js';
import { countSecurityEvent } from '../metrics/registry.js';
import { dedupKeyOf, enqueueAlerts, type AlertEvent } from './alerts.js';
import { effectiveRule, networkOf, parseThresholds, RULES, type Observation, type RuleName, type ThresholdOverrides } from './rules.js';

export interface SecurityEngineOptions {
  db: Db;
  logger: Logger;
  /** The deployment's overrides (SECURITY_THRESHOLDS). */
  thresholds?: ThresholdOverrides;
  /** PagerDuty gets events of at least this severity; null: no PagerDuty routing key configured. */
  pagerDutyMinSeverity: SecuritySeverity | null;
  /** A security webhook is configured. */
  webhook: boolean;
  /** PagerDuty `payload.source`. */
  source?: string;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Called after alerts were queued (kicks the alert worker). */
  onAlertsQueued?: () => void;
  /** Seals the addresses events keep (actor_ip, an `ip` subject's id: personal data) and blind-indexes them in dedup keys. */
  personalData: PersonalData;
}

/** An `ip` subject is stored sealed (its dedup key holds its blind index); other subjects are ids. */
export function openSubject(pd: PersonalData, r: { id: string; subjectType: string; subjectId: string }): { type: string; id: string } {
  return { type: r.subjectType, id: r.subjectType === 'ip' ? pd.open(r.subjectId, personalAad('security_events', 'subject_id', r.id)) : r.subjectId };
}

interface Window {
  /** The newest `threshold` observation times (enough to know whether `threshold` fall in the window). */
  times: number[];
  distinct: Map<string, number> | null;
}

interface OpenEvent {
  lastWrite: number;
  /** Observations since the last write (written by the next write or `flushPending`). */
  pending: number;
  lastSeen: number;
  windowMs: number;
}

const MAX_WINDOWS = 100_000;
const MAX_QUEUE = 10_000;
const MAX_SEEN = 50_000;
const ORG_SETTINGS_TTL_MS = 60_000;
const WRITE_EVERY_MS = 1000;

export class SecurityEngine {
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #deployment: ThresholdOverrides;
  readonly #pagerDutyMin: SecuritySeverity | null;
  readonly #webhook: boolean;
  readonly #source: string;
  readonly #now: () => number;
  readonly #pd: PersonalData;
  /** Called after alerts were queued (main.ts: kicks the alert worker). */
  onAlertsQueued: () => void;
  readonly #windows = new Map<string, Window>();
  readonly #open = new Map<string, OpenEvent>();
  readonly #seen = new Set<string>();
  readonly #orgSettings = new Map<string, { at: number; thresholds: ThresholdOverrides; contacts: string[] }>();
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  /** Observations dropped because the queue was full (a flood the database could not keep up with). */
  dropped = 0;

  constructor(opts: SecurityEngineOptions) {
    this.#db = opts.db;
    this.#logger = opts.logger;
    this.#deployment = opts.thresholds ?? {};
    this.#pagerDutyMin = opts.pagerDutyMinSeverity;
    this.#webhook = opts.webhook;
    this.#source = opts.source ?? 'ghee';
    this.#now = opts.now ?? Date.now;
    this.#pd = opts.personalData;
    this.onAlertsQueued = opts.onAlertsQueued ?? (() => {});
  }

  /** Queues one observation for evaluation (never throws, never blocks the caller). */
  observe(o: Observation): void {
    this.#enqueue(() => this.#evaluate(o, this.#now()));
  }

  /** A session (subject: the member) or an API key authenticated from `ip`: a network never seen for it raises `new_network`. */
  noteCredentialUse(use: { kind: 'session' | 'api_key'; subjectId: string; organizationId: string | null; ip: string | null | undefined }): void {
    const network = networkOf(use.ip);
    if (!network) return;
    const subjectType = use.kind === 'session' ? 'user' : 'api_key';
    const seenKey = `${subjectType}:${use.subjectId}:${network}`;
    if (this.#seen.has(seenKey)) return;
    if (this.#seen.size >= MAX_SEEN) this.#seen.clear();
    this.#seen.add(seenKey);
    this.#enqueue(async () => {
      const inserted = await this.#db
        .insert(securityKnownNetworks)
        .values({ subjectType, subjectId: use.subjectId, network })
        .onConflictDoNothing()
        .returning({ network: securityKnownNetworks.network });
      if (inserted.length === 0) return;
      const [others] = await this.#db
        .select({ n: sql<number>`count(*)::int` })
        .from(securityKnownNetworks)
        .where(and(eq(securityKnownNetworks.subjectType, subjectType), eq(securityKnownNetworks.subjectId, use.subjectId), sql`${securityKnownNetworks.network} <> ${network}`));
      // The first network a credential is used from is its baseline, not news.
      if (Number(others?.n ?? 0) === 0) return;
      // Readers that do not know the key's organization (edge assertions, the fast read path) leave it to this rare moment.
      let organizationId = use.organizationId;
      if (organizationId === null && subjectType === 'api_key') {
        const [key] = await this.#db.select({ organizationId: apiKeys.organizationId }).from(apiKeys).where(eq(apiKeys.id, use.subjectId)).limit(1);
        organizationId = key?.organizationId ?? null;
      }
      await this.#evaluate(
        {
          rule: 'new_network',
          windowKey: seenKey,
          organizationId,
          subject: { type: subjectType, id: use.subjectId },
          actor: { userId: use.kind === 'session' ? use.subjectId : null, keyId: use.kind === 'api_key' ? use.subjectId : null, ip: use.ip ?? null },
          evidence: { network, known_networks: Number(others?.n ?? 0) },
        },
        this.#now(),
      );
    });
  }

  /** Facts decided at the edge: a WAF block (with its rule), a 429, a request from a threat-listed address. */
  observeEdge(signal: { kind: 'waf_block' | 'rate_limited' | 'threat_listed'; clientIp: string; wafRule?: string; prefix?: string }): void {
    const ip = signal.clientIp;
    const rule: RuleName = signal.kind === 'waf_block' ? 'waf_burst' : signal.kind === 'rate_limited' ? 'rate_limit_burst' : 'threat_listed_request';
    const evidence: Record<string, unknown> = signal.kind === 'waf_block' ? { waf_rule: signal.wafRule ?? null } : signal.kind === 'threat_listed' ? { prefix: signal.prefix ?? null } : {};
    this.observe({ rule, windowKey: ip, organizationId: null, subject: { type: 'ip', id: ip }, actor: { ip }, evidence });
  }

  /** Waits until every queued observation has been evaluated (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const q = this.#queue;
      await q;
      if (q === this.#queue) return;
    }
  }

  /** Writes the observations the per-key write throttle held back (count, last seen, window end). */
  async flushPending(): Promise<void> {
    for (const [dedupKey, open] of this.#open) {
      if (open.pending === 0) continue;
      const n = open.pending;
      open.pending = 0;
      open.lastWrite = this.#now();
      await this.#db
        .update(securityEvents)
        .set({ count: sql`${securityEvents.count} + ${n}`, lastSeenAt: new Date(open.lastSeen), windowEndsAt: new Date(open.lastSeen + open.windowMs) })
        .where(and(eq(securityEvents.dedupKey, dedupKey), eq(securityEvents.status, 'open')));
    }
  }

  /** Closes the open events whose window has passed and queues their resolve alerts; returns how many. */
  async resolveExpired(): Promise<number> {
    await this.flushPending();
    const now = new Date(this.#now());
    const closed = await this.#db.transaction(async (t) => {
      const rows = await t
        .update(securityEvents)
        .set({ status: 'resolved', resolvedAt: now })
        .where(and(eq(securityEvents.status, 'open'), lte(securityEvents.windowEndsAt, now)))
        .returning();
      let queued = 0;
      for (const r of rows) {
        const contacts: string[] = [];
        queued += await enqueueAlerts(t as unknown as Db, alertEventOf(r, openSubject(this.#pd, r)), 'resolve', this.#targets(contacts));
      }
      return { rows, queued };
    });
    for (const r of closed.rows) this.#open.delete(r.dedupKey);
    if (closed.queued > 0) this.onAlertsQueued();
    return closed.rows.length;
  }

  /** Forgets windows with no observation inside their rule's longest window (bounded memory). */
  sweep(): void {
    const now = this.#now();
    const longest = Math.max(...Object.values(RULES).map((r) => r.windowMinutes)) * 60_000 * 2;
    for (const [key, w] of this.#windows) {
      const last = Math.max(w.times.at(-1) ?? 0, ...(w.distinct ? w.distinct.values() : []));
      if (now - last > longest) this.#windows.delete(key);
    }
  }

  #enqueue(work: () => Promise<void>): void {
    if (this.#queued >= MAX_QUEUE) {
      this.dropped++;
      return;
    }
    this.#queued++;
    this.#queue = this.#queue
      .then(work)
      .catch((err: unknown) => this.#logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'security rule evaluation failed'))
      .finally(() => {
        this.#queued--;
      });
  }

  async #settingsOf(organizationId: string | null): Promise<{ thresholds: ThresholdOverrides; contacts: string[] } | null> {
    if (!organizationId) return null;
    const cached = this.#orgSettings.get(organizationId);
    if (cached && this.#now() - cached.at < ORG_SETTINGS_TTL_MS) return cached;
    const [row] = await this.#db.select().from(securitySettings).where(eq(securitySettings.organizationId, organizationId)).limit(1);
    const parsed = parseThresholds(row?.thresholds ?? {});
    const value = { at: this.#now(), thresholds: parsed.ok ? parsed.value : {}, contacts: row?.securityContacts ?? [] };
    this.#orgSettings.set(organizationId, value);
    return value;
  }

  /** Drops the cached settings of an organization (after they changed). */
  forgetSettings(organizationId: string): void {
    this.#orgSettings.delete(organizationId);
  }

  async #evaluate(o: Observation, at: number): Promise<void> {
    const settings = await this.#settingsOf(o.organizationId);
    const rule = effectiveRule(o.rule, this.#deployment, settings?.thresholds ?? null);
    const key = `${o.rule}|${o.organizationId ?? ''}|${o.windowKey}`;
    let w = this.#windows.get(key);
    if (!w) {
      if (this.#windows.size >= MAX_WINDOWS) this.sweep();
      if (this.#windows.size >= MAX_WINDOWS) this.#windows.clear();
      w = { times: [], distinct: o.distinct !== undefined ? new Map() : null };
      this.#windows.set(key, w);
    }
    const from = at - rule.windowMs;
    let count: number;
    if (w.distinct && o.distinct !== undefined) {
      for (const [v, t] of w.distinct) if (t <= from) w.distinct.delete(v);
      w.distinct.set(o.distinct, at);
      count = w.distinct.size;
    } else {
      w.times.push(at);
      while (w.times.length > 0 && w.times[0]! <= from) w.times.shift();
      if (w.times.length > rule.threshold) w.times.splice(0, w.times.length - rule.threshold);
      count = w.times.length;
    }
    if (count < rule.threshold) return;
    // An address never reaches the dedup key (stored, sent to PagerDuty): its blind index does.
    const dedupKey = dedupKeyOf(o.rule, o.organizationId, o.subject.type === 'ip' ? { type: 'ip', id: this.#pd.blindIndex('ip', o.subject.id) } : o.subject);
    const open = this.#open.get(dedupKey);
    if (open && at - open.lastWrite < WRITE_EVERY_MS) {
      open.pending++;
      open.lastSeen = at;
      return;
    }
    const pending = open?.pending ?? 0;
    if (open) open.pending = 0;
    await this.#raise(o, rule.severity, rule.windowMs, dedupKey, at, pending, settings?.contacts ?? []);
  }

  async #raise(o: Observation, severity: SecuritySeverity, windowMs: number, dedupKey: string, at: number, pending: number, contacts: string[]): Promise<void> {
    const now = new Date(at);
    const windowEndsAt = new Date(at + windowMs);
    const id = randomUUID();
    const pd = this.#pd;
    const outcome = await this.#db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const [created] = await t
        .insert(securityEvents)
        .values({
          id,
          rule: o.rule,
          severity,
          organizationId: o.organizationId,
          actorUserId: o.actor.userId ?? null,
          actorKeyId: o.actor.keyId ?? null,
          actorIpEnc: pd.sealOrNull(o.actor.ip, personalAad('security_events', 'actor_ip', id)),
          subjectType: o.subject.type,
          subjectId: o.subject.type === 'ip' ? pd.seal(o.subject.id, personalAad('security_events', 'subject_id', id)) : o.subject.id,
          dedupKey,
          evidence: o.evidence,
          firstSeenAt: now,
          lastSeenAt: now,
          windowEndsAt,
        })
        .onConflictDoNothing({ target: securityEvents.dedupKey, where: sql`${securityEvents.status} = 'open'` })
        .returning();
      if (!created) {
        await t
          .update(securityEvents)
          .set({ count: sql`${securityEvents.count} + ${1 + pending}`, lastSeenAt: now, windowEndsAt, evidence: sql`${securityEvents.evidence} || ${JSON.stringify(o.evidence)}::jsonb` })
          .where(and(eq(securityEvents.dedupKey, dedupKey), eq(securityEvents.status, 'open')));
        return { created: false, queued: 0 };
      }
      const event = alertEventOf(created, o.subject);
      const queued = await enqueueAlerts(t, event, 'trigger', this.#targets(contacts));
      if (severity === 'critical') {
        await t
          .insert(incidents)
          .values({
            title: `${o.rule}: ${RULES[o.rule].describe}`,
            severity,
            organizationIds: o.organizationId ? [o.organizationId] : [],
            sourceEventId: created.id,
            openedBy: 'ghee',
            timeline: [{ at: now.toISOString(), kind: 'opened', by: 'ghee', text: `Opened automatically from security event ${created.id} (${o.rule}).` }],
          })
          .onConflictDoNothing();
      }
      return { created: true, queued };
    });
    const kept = this.#open.get(dedupKey);
    this.#open.set(dedupKey, { lastWrite: at, pending: kept?.pending ?? 0, lastSeen: Math.max(at, kept?.lastSeen ?? 0), windowMs });
    if (outcome.created) {
      countSecurityEvent(o.rule, severity);
      this.#logger.warn({ rule: o.rule, severity, organization_id: o.organizationId, subject_type: o.subject.type }, 'security event raised');
    }
    if (outcome.queued > 0) this.onAlertsQueued();
  }

  #targets(contacts: readonly string[]) {
    return { pagerDuty: this.#pagerDutyMin ? { minSeverity: this.#pagerDutyMin } : null, webhook: this.#webhook, contacts, source: this.#source };
  }
}

function alertEventOf(r: typeof securityEvents.$inferSelect, subject: { type: string; id: string }): AlertEvent {
  const spec = (RULES as Record<string, { describe: string }>)[r.rule];
  return {
    id: r.id,
    rule: r.rule,
    severity: r.severity,
    organizationId: r.organizationId,
    subject,
    dedupKey: r.dedupKey,
    count: r.count,
    evidence: r.evidence,
    at: r.firstSeenAt,
    description: spec?.describe ?? r.rule,
  };
}
