/**
 * Management IP allowlists ("security groups"): per organization, optional CIDR lists (IPv4 and
 * IPv6) from which its management and write APIs may be called — one for API keys, one for
 * sessions (an empty list: that credential is not limited). The authorizer asks `networkGuard`
 * after deciding who may act (origin/http/authorize.ts `setNetworkGuard`), with the client address
 * from origin/http/client-address.ts (the edge's signed assertion, a trusted proxy, else the socket).
 *
 * - A change is refused unless the requesting address is inside the new list for the credential
 *   making it (no self-lockout), and is audited (before/after) in the organization's chain.
 * - Break-glass: an owner signed in with 2FA and re-authenticated recently may clear the lists from
 *   anywhere; audited and raised as a security event (ip_allowlist_break_glass).
 * - `enforce_reads`: key reads are held to the key list too. The edge enforces it (reads are
 *   answered there, cache hits included): key introspection carries the list (`read_cidrs`) and
 *   every change purges the organization's cached key records (`key:<id>`), so it applies at once.
 *   A key read sent to the origin directly (no edge) is not checked there.
 * Lists are cached per process for a few seconds; a change made through this process applies at once.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Context } from 'hono';
import { addressIn, MAX_CIDRS, parseCidrList, type Cidr } from '../../shared/cidr.js';
import { ApiError } from '../../shared/errors.js';
import { surrogateKeys } from '../../shared/surrogate.js';
import type { Db } from '../db/client.js';
import { apiKeys, ipAllowlists } from '../db/schema/index.js';
import type { OriginEnv } from '../env.js';
import type { Result } from '../http/result.js';
import { GOVERNANCE_CHANNEL, publish } from '../http/signals.js';
import { commitWrite, type WriteActor, type WriteScope } from '../outbox/index.js';

const CACHE_MS = 5000;

export interface AllowlistView {
  api_key_cidrs: string[];
  session_cidrs: string[];
  enforce_reads: boolean;
  updated_at: string | null;
}

interface Compiled {
  at: number;
  key: Cidr[];
  session: Cidr[];
}

const caches = new WeakMap<Db, Map<string, Compiled>>();

function cacheOf(db: Db): Map<string, Compiled> {
  let m = caches.get(db);
  if (!m) caches.set(db, (m = new Map()));
  return m;
}

function compile(list: readonly string[]): Cidr[] {
  const r = parseCidrList(list);
  return r.ok ? r.cidrs : [];
}

async function compiled(db: Db, organizationId: string): Promise<Compiled> {
  const cache = cacheOf(db);
  const hit = cache.get(organizationId);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit;
  const [row] = await db.select().from(ipAllowlists).where(eq(ipAllowlists.organizationId, organizationId)).limit(1);
  const value = { at: Date.now(), key: compile(row?.keyCidrs ?? []), session: compile(row?.sessionCidrs ?? []) };
  if (cache.size > 10_000) cache.clear();
  cache.set(organizationId, value);
  return value;
}

/** The authorizer's network check: throws 403 ip_blocked (and raises a security event) outside the list. */
export async function networkGuard(db: Db, c: Context<OriginEnv>, organizationId: string, credential: 'api_key' | 'session'): Promise<void> {
  const lists = await compiled(db, organizationId);
  const list = credential === 'api_key' ? lists.key : lists.session;
  if (list.length === 0) return;
  const ip = c.get('clientIp');
  if (addressIn(ip, list)) return;
  const subject = credential === 'api_key' ? { type: 'api_key', id: c.get('principal')?.keyId ?? 'unknown' } : { type: 'user', id: c.get('user')?.userId ?? 'unknown' };
  publish(GOVERNANCE_CHANNEL, { rule: 'ip_allowlist_denied', organizationId, subject, ip, evidence: { credential, method: c.req.method } });
  throw new ApiError('ip_blocked', `This organization accepts management and write calls by ${credential === 'api_key' ? 'API keys' : 'sessions'} only from its IP allowlist; ${ip} is not in it.`);
}

/**
 * The CIDRs an organization's key reads may come from (the edge enforces them: key introspection
 * carries them, origin/identity/keys/introspection-route.ts), or null when it does not hold reads
 * to its allowlist (enforce_reads off, or no key list).
 */
export async function readCidrsFor(db: Db, organizationId: string): Promise<string[] | null> {
  const [row] = await db
    .select({ keyCidrs: ipAllowlists.keyCidrs, enforceReads: ipAllowlists.enforceReads })
    .from(ipAllowlists)
    .where(eq(ipAllowlists.organizationId, organizationId))
    .limit(1);
  return row?.enforceReads && row.keyCidrs.length > 0 ? row.keyCidrs : null;
}

/** The edge's cached key records of the organization (they carry `read_cidrs`): purged with every change. */
async function keyRecordSurrogates(t: Db, organizationId: string): Promise<string[]> {
  const rows = await t.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.organizationId, organizationId), isNull(apiKeys.revokedAt)));
  return rows.map((r) => surrogateKeys.apiKey(r.id));
}

export async function getAllowlist(db: Db, organizationId: string): Promise<AllowlistView> {
  const [row] = await db.select().from(ipAllowlists).where(eq(ipAllowlists.organizationId, organizationId)).limit(1);
  return { api_key_cidrs: row?.keyCidrs ?? [], session_cidrs: row?.sessionCidrs ?? [], enforce_reads: row?.enforceReads ?? false, updated_at: row?.updatedAt.toISOString() ?? null };
}

export interface AllowlistChange {
  apiKeyCidrs: string[];
  sessionCidrs: string[];
  enforceReads: boolean;
}

/**
 * Replaces the lists. Refused (invalid, naming the entry) for a CIDR that is not one, more than
 * MAX_CIDRS, or a list that would not contain `requester.ip` for the credential making the change.
 */
export async function setAllowlist(
  db: Db,
  actor: WriteActor & { organizationId: string },
  requester: { ip: string; credential: 'api_key' | 'session' },
  change: AllowlistChange,
  now: Date,
): Promise<Result<AllowlistView>> {
  const keys = parseCidrList(change.apiKeyCidrs);
  if (!keys.ok) return { ok: false, error: 'invalid', detail: `api_key_cidrs: "${keys.bad.slice(0, 64)}" is not an IPv4 or IPv6 CIDR.` };
  const sessions = parseCidrList(change.sessionCidrs);
  if (!sessions.ok) return { ok: false, error: 'invalid', detail: `session_cidrs: "${sessions.bad.slice(0, 64)}" is not an IPv4 or IPv6 CIDR.` };
  if (keys.value.length > MAX_CIDRS || sessions.value.length > MAX_CIDRS) return { ok: false, error: 'invalid', detail: `At most ${MAX_CIDRS} CIDRs per list.` };
  const own = requester.credential === 'api_key' ? keys : sessions;
  if (own.cidrs.length > 0 && !addressIn(requester.ip, own.cidrs)) {
    const field = requester.credential === 'api_key' ? 'api_key_cidrs' : 'session_cidrs';
    return { ok: false, error: 'invalid', detail: `${field} must include your own address (${requester.ip}): the change would lock you out. Make it from inside the new list.` };
  }
  const before = await getAllowlist(db, actor.organizationId);
  const r = await commitWrite(db, actor, null, async (w): Promise<Result<AllowlistView>> => {
    await storeLists(w, actor.organizationId, { keyCidrs: keys.value, sessionCidrs: sessions.value, enforceReads: change.enforceReads, updatedBy: actor.userId ?? null, updatedAt: now });
    w.audit({
      action: 'ip_allowlist.update',
      target: { type: 'organization', id: actor.organizationId },
      metadata: { before: { api_key_cidrs: before.api_key_cidrs, session_cidrs: before.session_cidrs, enforce_reads: before.enforce_reads }, after: { api_key_cidrs: keys.value, session_cidrs: sessions.value, enforce_reads: change.enforceReads } },
    });
    return { ok: true, value: { api_key_cidrs: keys.value, session_cidrs: sessions.value, enforce_reads: change.enforceReads, updated_at: now.toISOString() } };
  });
  if (r.ok) cacheOf(db).delete(actor.organizationId);
  return r;
}

/** Writes an organization's lists in the write `w`, and purges the edge's key records (they carry the read list) so the change applies at once. */
async function storeLists(
  w: WriteScope,
  organizationId: string,
  values: { keyCidrs: string[]; sessionCidrs: string[]; enforceReads: boolean; updatedBy: string | null; updatedAt: Date },
): Promise<void> {
  await w.t.insert(ipAllowlists).values({ organizationId, ...values }).onConflictDoUpdate({ target: ipAllowlists.organizationId, set: values });
  const records = await keyRecordSurrogates(w.t, organizationId);
  if (records.length > 0) await w.changed({ purge: { keys: records } });
}

/** Break-glass: clears both lists (the caller proved ownership, 2FA and a recent sign-in). */
export async function breakGlass(db: Db, actor: WriteActor & { organizationId: string; userId: string; ip: string }, reason: string, now: Date): Promise<Result<AllowlistView>> {
  const before = await getAllowlist(db, actor.organizationId);
  const r = await commitWrite(db, actor, null, async (w): Promise<Result<AllowlistView>> => {
    await storeLists(w, actor.organizationId, { keyCidrs: [], sessionCidrs: [], enforceReads: false, updatedBy: actor.userId, updatedAt: now });
    w.audit({
      action: 'ip_allowlist.break_glass',
      target: { type: 'organization', id: actor.organizationId },
      metadata: { reason, before: { api_key_cidrs: before.api_key_cidrs, session_cidrs: before.session_cidrs, enforce_reads: before.enforce_reads } },
    });
    return { ok: true, value: { api_key_cidrs: [], session_cidrs: [], enforce_reads: false, updated_at: now.toISOString() } };
  });
  if (r.ok) {
    cacheOf(db).delete(actor.organizationId);
    publish(GOVERNANCE_CHANNEL, { rule: 'ip_allowlist_break_glass', organizationId: actor.organizationId, subject: { type: 'user', id: actor.userId }, ip: actor.ip, evidence: { reason } });
  }
  return r;
}
