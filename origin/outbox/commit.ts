/**
 * The commit step: every content and model write (pages, collection items and collections,
 * posts and authors, page types and locales, assets, webhooks — and the scheduler's
 * publications) runs its transaction through `commitWrite`, which records, inside that
 * transaction and in this order:
 *
 *   - each changed resource's side effects (`w.changed(…)`, any number per write): its revision
 *     (the resource's own revision writer, where it has revisions), the purge outbox rows
 *     (origin/outbox/purge-outbox.ts) and the webhook events (origin/outbox/webhook-events.ts);
 *   - exactly ONE audit row (`w.audit(…)`) through the hash-chained writer (origin/audit/audit.ts):
 *     the actor (member, API key, scheduler or operator), organization, space, action, target
 *     and version before/after — written only when the write succeeds, so a refusal (invalid,
 *     forbidden, not found, stale If-Match: the service returns `ok: false` or throws) commits
 *     nothing and writes no row. A successful write that named no audit row, or two, is a
 *     programming error: the transaction is rolled back and the error thrown.
 *
 * Identity writes (accounts, sessions, passwords, 2FA, organizations, members, invitations, API
 * keys) go through the same step: `commitWrite(db, actor, null, …)` with `actor.organizationId`
 * for organization-level writes, `commitAccountWrite` for a user's own account events (their
 * rows go to the 'global' chain). A refusal that is itself evidence (a failed login, a denied
 * privileged action) names a failure row with `w.refused(…)`: the work's changes are rolled
 * back and that one `failure` row is written on its own after the rollback.
 *
 * A write guard (`guardWrites`, e.g. billing's plan limits) may refuse an organization's write
 * inside its transaction, after its work and before its audit row: the write is rolled back and
 * returns the guard's refusal.
 *
 * After the commit it kicks the workers (purge and webhook delivery) registered for the
 * database handle with `onWritesCommitted` — once, by the app (origin/app.ts) — so no route
 * wires side effects. (A registry keyed by the handle because the write services receive the
 * handle only; the scheduler's writes use the same handle and so kick the same workers.)
 *
 * It lives in services/ (not http/) because the write services, the scheduler and the CLI call
 * it from inside their transactions; nothing here knows about HTTP.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { spaces } from '../db/schema/index.js';
import { audit } from '../audit/index.js';
import { Gate } from '../http/gate.js';
import type { Refusal } from '../http/result.js';
import { enqueuePurge } from './purge-outbox.js';
import { enqueueWebhookEvent, type WebhookEvent } from './webhook-events.js';

/** Who writes. Members and API keys come from the authorizer (origin/http/authorize.ts). */
export interface WriteActor {
  userId: string | null;
  keyId: string | null;
  /**
   * Neither a member nor a key: the scheduler, the key revoker (expiries and rotation grace), or
   * an operator (CLI, seeding, direct service calls).
   */
  system?: 'scheduler' | 'key_revoker' | 'operator';
  /** An unauthenticated request that names no account (e.g. a login for an unknown email). */
  anonymous?: boolean;
  /** An operator acting under an organization's support grant (origin/governance): the audit row names both. */
  support?: { operatorId: string; grantId: string };
  /** The actor's organization when the caller knows it (else read from the space). */
  organizationId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export type ActorKind = 'member' | 'api_key' | 'scheduler' | 'key_revoker' | 'operator' | 'support_operator' | 'anonymous';

export function actorKind(a: WriteActor): ActorKind {
  if (a.support) return 'support_operator';
  if (a.userId) return 'member';
  if (a.keyId) return 'api_key';
  if (a.anonymous) return 'anonymous';
  return a.system ?? 'operator';
}

/** The scheduler, as the actor of its publications. */
export const SCHEDULER: WriteActor = { userId: null, keyId: null, system: 'scheduler' };
/** An operator (CLI, seeding, tests calling services directly). */
export const OPERATOR: WriteActor = { userId: null, keyId: null, system: 'operator' };

/** The side effects of one changed resource. */
export interface Change {
  /** Writes the resource's immutable revision (its own revision writer), where it has revisions. */
  revision?: () => Promise<unknown>;
  /** Surrogate keys to purge (hard purge unless `soft`). */
  purge?: { keys: readonly string[]; soft?: boolean };
  webhooks?: readonly { event: WebhookEvent; data: Record<string, unknown> }[];
}

/** The one audit row of a write. */
export interface WriteAudit {
  /** `<resource>.<verb>`: page.create, item.update, post.delete, page_type.update, asset.upload, … */
  action: string;
  /** The resource; `id` null when there is none to name (a refused creation, an unknown account). */
  target: { type: string; id: string | null };
  /** For versioned resources: the version the write replaced (null: none) and the one it made. */
  version?: { before: number | null; after: number | null };
  /** Never secrets: ids, statuses, slugs. */
  metadata?: Record<string, unknown>;
}

export interface WriteScope {
  /** The write's transaction. */
  t: Db;
  /** Records one changed resource's revision, purge and webhook events. */
  changed(change: Change): Promise<void>;
  /** Names the write's audit row (written when the write succeeds, once). */
  audit(entry: WriteAudit): void;
  /**
   * Names the `failure` row of a refusal that is evidence (a failed login, a denied privileged
   * action). Written only when the work then returns `ok: false`, after its rollback, in a
   * transaction of its own; at most one per write.
   */
  refused(entry: WriteAudit): void;
}

type Outcome = { ok: boolean };

const kicks = new WeakMap<Db, Set<(spaceId: string | null) => void>>();

/** What a write guard sees of a successful write about to commit (inside its transaction). */
export interface GuardedWrite {
  organizationId: string;
  spaceId: string | null;
  actor: WriteActor;
  /** The write's audit row (its action names what the write did: page.create, key.create, …). */
  audit: WriteAudit;
}

/**
 * Decides, inside the write's transaction and after its work, whether the write may commit —
 * null, or the refusal the write then returns (its changes rolled back). Billing's plan limits
 * (origin/billing/) are one: they lock and count in this same transaction, so parallel writes
 * cannot pass a limit together.
 */
export type WriteGuard = (t: Db, write: GuardedWrite) => Promise<Refusal | null>;

const guards = new WeakMap<Db, WriteGuard>();

/** Installs `guard` for every organization write made through `db` (one guard per handle); returns the uninstall. */
export function guardWrites(db: Db, guard: WriteGuard): () => void {
  guards.set(db, guard);
  return () => {
    if (guards.get(db) === guard) guards.delete(db);
  };
}

interface WriteLimits {
  total: Gate;
  perChain: number;
  /** One gate per chain with writes in flight (dropped when the last one ends). */
  chains: Map<string, { gate: Gate; users: number }>;
}
const limits = new WeakMap<Db, WriteLimits>();

/**
 * Caps the write transactions open at once through the root handle `db`: at most `total` in all,
 * at most `perChain` for one audit chain (a space's or an organization's writes, or the account
 * chain). Writes of one chain serialize on its advisory lock anyway — while WAITING they would
 * hold a pooled connection, so a burst (100 concurrent sign-ins of one organization) could take
 * the whole pool from reads. Beyond the caps a write waits in memory, not on a connection;
 * `perChain` 2 lets the next write do its work while the current one commits. Nested commit
 * steps (on a transaction handle) are not gated.
 */
export function limitConcurrentWrites(db: Db, caps: { total: number; perChain: number }): void {
  limits.set(db, { total: new Gate(Math.max(1, caps.total)), perChain: Math.max(1, caps.perChain), chains: new Map() });
}

async function throughGates<T>(db: Db, chain: string, work: () => Promise<T>): Promise<T> {
  const l = limits.get(db);
  if (!l) return work();
  let c = l.chains.get(chain);
  if (!c) l.chains.set(chain, (c = { gate: new Gate(l.perChain), users: 0 }));
  c.users++;
  try {
    return await c.gate.run(() => l.total.run(work));
  } finally {
    if (--c.users === 0) l.chains.delete(chain);
  }
}

/** Registers `kick`, called after every committed write made through `db` (with the write's space, if any); returns the unregister. */
export function onWritesCommitted(db: Db, kick: (spaceId: string | null) => void): () => void {
  let set = kicks.get(db);
  if (!set) kicks.set(db, (set = new Set()));
  set.add(kick);
  return () => set.delete(kick);
}

/** Where a write's audit row goes: its space's organization, an organization, or the account chain. */
type Where = { spaceId: string | null } | { account: true };

/**
 * The chain the row goes to: the space's organization (read, so a row can never land in another
 * tenant's chain, and known for edge-asserted keys that carry none); an actor naming another
 * organization than its space's is a programming error.
 */
async function organizationOf(t: Db, actor: WriteActor, spaceId: string | null): Promise<string | null> {
  if (spaceId === null) return actor.organizationId ?? null;
  const [row] = await t.select({ organizationId: spaces.organizationId }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
  if (row && actor.organizationId && actor.organizationId !== row.organizationId) throw new CommitRuleBroken('commitWrite: the actor belongs to another organization than the space');
  return row?.organizationId ?? null;
}

/** Thrown inside the transaction to roll back a write whose service broke the one-row rule. */
class CommitRuleBroken extends Error {}

const ROLLBACK = Symbol('rollback');

/**
 * Runs `work` in one transaction on `db` (or as a savepoint when `db` is already a transaction),
 * in `spaceId` (null: an organization-level write, then `actor.organizationId` is required), by
 * `actor`. On `ok: true` writes the audit row the work named and, after the commit, kicks the
 * workers. On `ok: false` the transaction is rolled back: nothing the work wrote stays (except the
 * `failure` row it named with `w.refused`, written after the rollback).
 */
export function commitWrite<R extends Outcome>(db: Db, actor: WriteActor, spaceId: string | null, work: (w: WriteScope) => Promise<R>): Promise<R> {
  return run(db, actor, { spaceId }, work);
}

/**
 * A write to a user's own account (sign-up's verification, sessions, passwords, 2FA): the same
 * step, its audit row in the 'global' chain (no organization).
 */
export function commitAccountWrite<R extends Outcome>(db: Db, actor: WriteActor, work: (w: WriteScope) => Promise<R>): Promise<R> {
  return run(db, actor, { account: true }, work);
}

async function run<R extends Outcome>(db: Db, actor: WriteActor, where: Where, work: (w: WriteScope) => Promise<R>): Promise<R> {
  const spaceId = 'spaceId' in where ? where.spaceId : null;
  let refused: R | undefined;
  let failure: WriteAudit | undefined;
  let result: R;
  const rowOf = (h: Db, entry: WriteAudit, organizationId: string | null, outcome: 'success' | 'failure') =>
    audit(
      h,
      { userId: actor.userId, keyId: actor.keyId, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null },
      {
        action: entry.action,
        result: outcome,
        organizationId,
        targetType: entry.target.type,
        targetId: entry.target.id,
        metadata: {
          ...entry.metadata,
          actor: actorKind(actor),
          ...(actor.support ? { operator_id: actor.support.operatorId, grant_id: actor.support.grantId } : {}),
          ...(spaceId !== null ? { space_id: spaceId } : 'spaceId' in where ? { space_id: null } : {}),
          ...(entry.version ? { version_before: entry.version.before, version_after: entry.version.after } : {}),
        },
      },
    );
  // The chain the write will append to, as far as known before it runs (a space's writes all go
  // to its organization's chain; keyed by space, several spaces of one organization each get
  // their own gate, which only loosens the cap).
  const chain = 'account' in where ? 'account' : spaceId !== null ? `space:${spaceId}` : `org:${actor.organizationId ?? '?'}`;
  try {
    const guard = guards.get(db);
    const transaction = () => db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      // Nested commit steps on this transaction are guarded alike.
      if (guard) guards.set(t, guard);
      const entries: WriteAudit[] = [];
      const scope: WriteScope = {
        t,
        async changed(change) {
          if (spaceId === null && change.webhooks?.length) throw new CommitRuleBroken('commitWrite: webhook events need a space');
          if (change.revision) await change.revision();
          if (change.purge) await enqueuePurge(t, change.purge.keys, { spaceId, soft: change.purge.soft ?? false });
          for (const h of change.webhooks ?? []) await enqueueWebhookEvent(t, spaceId!, h.event, h.data);
        },
        audit(entry) {
          entries.push(entry);
        },
        refused(entry) {
          if (failure !== undefined) throw new CommitRuleBroken('commitWrite: a refusal names at most one failure row');
          failure = entry;
        },
      };
      const r = await work(scope);
      if (!r.ok) {
        refused = r;
        throw ROLLBACK;
      }
      if (entries.length !== 1) throw new CommitRuleBroken(`commitWrite: a successful write names exactly one audit row (got ${entries.length})`);
      // Last in the transaction: the chain's advisory lock is held only until the commit, and no
      // writer waits on a row lock while holding it (so writes of one organization cannot deadlock).
      let organizationId: string | null = null;
      if ('spaceId' in where) {
        organizationId = await organizationOf(t, actor, spaceId);
        if (organizationId === null) throw new CommitRuleBroken('commitWrite: the write has no organization');
        const refusal = guard ? await guard(t, { organizationId, spaceId, actor, audit: entries[0]! }) : null;
        if (refusal) {
          // Services' writes return Result<T>: a guard's refusal is one of its refusals.
          refused = refusal as unknown as R;
          failure = undefined;
          throw ROLLBACK;
        }
      }
      await rowOf(t, entries[0]!, organizationId, 'success');
      return r;
    });
    result = await throughGates(db, chain, transaction);
  } catch (err) {
    if (err === ROLLBACK && refused !== undefined) {
      if (failure !== undefined) {
        const organizationId = 'spaceId' in where ? await organizationOf(db, actor, spaceId) : null;
        await rowOf(db, failure, organizationId, 'failure');
      }
      return refused;
    }
    throw err;
  }
  for (const kick of kicks.get(db) ?? []) kick(spaceId);
  return result;
}
