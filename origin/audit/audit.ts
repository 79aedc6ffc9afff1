/**
 * The audit writer and its verifier. `audit()` takes the caller's transaction, so the row
 * commits (or rolls back) with the change it records; failures that change nothing are written
 * on their own (with the plain db).
 *
 * Tamper evidence: every row belongs to a hash chain — its organization's id, or 'global' for
 * rows without one — numbered seq 1, 2, 3 … with prev_hash = the previous row's hash and
 * hash = sha256Hex(canonicalJson(…)) over the chain, seq, prev_hash and every stored column.
 * Appending takes a transaction-scoped advisory lock on the chain, so concurrent writers queue
 * and a rolled-back transaction leaves neither a row nor a hole. A transaction that writes to
 * several chains must write them in ascending chain (organization id) order, so that two such
 * transactions never wait on each other's locks (`npm run accounts` does; the key revoker commits
 * one key, so one chain, per transaction). `verifyAuditChain` recomputes
 * every hash: an edited, deleted or re-linked row is reported. Rows written before the chain
 * existed (all chain columns null) are "legacy": counted, not checked.
 *
 * Personal data at rest (migration 0020): a row's client address and user agent are stored sealed
 * (`ip_enc`, `user_agent_enc`: envelope tokens bound to the row id and column, under MASTER_KEYS —
 * origin/crypto/personal-data.ts). The chain never covers the tokens: format 2 rows hash a salted
 * digest of the plaintext, format 1 rows the plaintext itself, so sealing, converting and key
 * rotation leave every hash as it was; `verifyAuditChain` opens the values to check them, and a
 * token that does not open (tampered, copied from another row or column, or keys missing) is a
 * break (`sealed`). Reads that show rows open them with `openAuditPersonal`.
 *
 * A chain proves the rows are consistent with each other; it cannot show that the newest rows
 * were dropped, nor stop someone who rewrites a whole chain — for that, keep the latest hash
 * (verify's output) somewhere the database's operators cannot write.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, is, isNotNull, isNull, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { hmacSha256Hex, sha256Hex, timingSafeEqual } from '../../shared/crypto.js';
import { isSealed, personalAad, personalDataFromConfig, type PersonalData } from '../crypto/personal-data.js';
import type { Db } from '../db/client.js';
import { auditCheckpoints, auditEvents } from '../db/schema/index.js';

export interface AuditActor {
  userId?: string | null;
  keyId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEvent {
  action: string;
  result: 'success' | 'failure';
  organizationId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  /** Never secrets: ids, reasons, role names. */
  metadata?: Record<string, unknown>;
}

const MAX_USER_AGENT = 512;

/** The chain of rows without an organization. */
export const GLOBAL_CHAIN = 'global';

/** The keys audit rows are sealed and opened with (set by the app; else MASTER_KEYS from the environment, as the CLIs load it). */
let personalKeys: PersonalData | null = null;

/** Sets the personal-data keys of the process's audit rows (the app's identity context's). */
export function setAuditPersonalData(pd: PersonalData): void {
  personalKeys = pd;
}

function auditKeys(): PersonalData {
  return (personalKeys ??= personalDataFromConfig(process.env.MASTER_KEYS || undefined));
}

const sealedAad = (column: 'ip' | 'user_agent', rowId: string) => personalAad('audit_events', column, rowId);

/** A stored ip / user agent opened; a value written before migration 0020 and not yet converted is returned as stored. Throws EnvelopeError for a token that does not open. */
function openStored(pd: PersonalData, column: 'ip' | 'user_agent', rowId: string, value: string | null): string | null {
  if (value === null) return null;
  return isSealed(value) ? pd.open(value, sealedAad(column, rowId)) : value;
}

/**
 * A row's client address and user agent for display (the audit routes, the support access log):
 * opened, or null when erased — and null when a token does not open (verify reports that row).
 */
export function openAuditPersonal(row: { id: string; ipEnc: string | null; userAgentEnc: string | null }): { ip: string | null; userAgent: string | null } {
  const pd = auditKeys();
  const open = (column: 'ip' | 'user_agent', value: string | null) => {
    try {
      return openStored(pd, column, row.id, value);
    } catch {
      return null;
    }
  };
  return { ip: open('ip', row.ipEnc), userAgent: open('user_agent', row.userAgentEnc) };
}

export function chainOf(organizationId: string | null | undefined): string {
  return organizationId ?? GLOBAL_CHAIN;
}

/**
 * Deterministic JSON: object keys sorted (by UTF-16 code units) at every depth, no whitespace,
 * arrays in order, undefined members dropped as JSON.stringify drops them. jsonb reorders keys
 * and Postgres returns them in its own order, so only a sorted form hashes the same when
 * recomputed from a row read back.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    if (s === undefined) throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
    return s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Exactly the stored columns that the hash covers. */
export interface ChainedFields {
  id: string;
  chain: string;
  seq: number;
  prevHash: string | null;
  organizationId: string | null;
  actorUserId: string | null;
  actorKeyId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  result: string;
  metadata: unknown;
  createdAt: Date;
  /**
   * Format 2 rows (written since migration 0016): the digest of the row's personal data, which
   * the hash covers in place of `ip` and `user_agent`, so those can be erased (with the salt)
   * while the chain still verifies. Absent or null: format 1 (the values themselves are hashed).
   */
  personalDigest?: string | null;
}

/**
 * The digest of a row's personal data: SHA-256 over the values and a random per-row salt (an
 * IPv4 address alone could be found by trying them all). Erasure nulls values and salt.
 */
export function personalDigest(ip: string | null, userAgent: string | null, salt: string): string {
  return sha256Hex(canonicalJson({ ip, user_agent: userAgent, salt }));
}

/** The row's hash: the one function used both when writing and when verifying. */
export function auditRowHash(r: ChainedFields): string {
  const personal = r.personalDigest ? { personal: r.personalDigest } : { ip: r.ip, user_agent: r.userAgent };
  return sha256Hex(
    canonicalJson({
      id: r.id,
      chain: r.chain,
      seq: r.seq,
      prev_hash: r.prevHash,
      organization_id: r.organizationId,
      actor_user_id: r.actorUserId,
      actor_key_id: r.actorKeyId,
      action: r.action,
      target_type: r.targetType,
      target_id: r.targetId,
      ...personal,
      result: r.result,
      metadata: r.metadata,
      created_at: r.createdAt.toISOString(),
    }),
  );
}

/** What a retention checkpoint asserts: the chain continues after `seq`, whose row hashed to `hash`. */
export interface CheckpointFields {
  chain: string;
  seq: number;
  hash: string;
  deleted: number;
  createdAt: Date;
}

/** The checkpoint keys: the current one (signs) first, then those of previous secrets (verify only). */
let checkpointKeys: string[] = [];

/**
 * Sets the server keys retention checkpoints are signed and verified with, derived from
 * AUTH_SECRET (and, while it rotates, PREVIOUS_AUTH_SECRET) by the app and the audit CLI. None:
 * a checkpoint cannot be verified and a chain that starts at one is reported broken.
 */
export function setAuditCheckpointKey(authSecret: string | null | undefined, previous: readonly string[] = []): void {
  checkpointKeys = authSecret ? [authSecret, ...previous].map((s) => hmacSha256Hex(s, 'ghee audit checkpoint v1')) : [];
}

export function auditCheckpointKeySet(): boolean {
  return checkpointKeys.length > 0;
}

const checkpointMac = (key: string, cp: CheckpointFields) =>
  hmacSha256Hex(key, canonicalJson({ chain: cp.chain, seq: cp.seq, hash: cp.hash, deleted: cp.deleted, created_at: cp.createdAt.toISOString() }));

/** The checkpoint's signature (HMAC-SHA-256 under the current checkpoint key); throws without a key. */
export function signAuditCheckpoint(cp: CheckpointFields): string {
  if (!checkpointKeys[0]) throw new Error('signAuditCheckpoint: no checkpoint key (AUTH_SECRET) is set');
  return checkpointMac(checkpointKeys[0], cp);
}

function checkpointValid(cp: CheckpointFields & { signature: string }): boolean {
  return checkpointKeys.some((k) => timingSafeEqual(checkpointMac(k, cp), cp.signature));
}

/**
 * After an AUTH_SECRET rotation: re-signs under the current key each chain's newest checkpoint
 * (the one verify starts from) that only a previous key signed — never one no key signed.
 * Retention runs it, so within the grace window every chain's start moves to the new secret.
 */
export async function resignAuditCheckpoints(db: Db): Promise<number> {
  if (checkpointKeys.length < 2) return 0;
  const newest = await db.selectDistinctOn([auditCheckpoints.chain]).from(auditCheckpoints).orderBy(auditCheckpoints.chain, desc(auditCheckpoints.seq));
  let n = 0;
  for (const cp of newest) {
    const current = signAuditCheckpoint(cp);
    if (timingSafeEqual(current, cp.signature) || !checkpointValid(cp)) continue;
    await db.update(auditCheckpoints).set({ signature: current }).where(eq(auditCheckpoints.id, cp.id));
    n += 1;
  }
  return n;
}

/**
 * Told of every row `audit()` wrote, with who wrote it (the metrics count sign-in outcomes here:
 * origin/ops/metrics/auth.ts; the security rules engine evaluates it: origin/ops/security).
 */
export type AuditListener = (event: AuditEvent, actor: AuditActor) => void;

const listeners = new Set<AuditListener>();

/**
 * Registers `listener`, called after each row is written (inside the caller's transaction, so a
 * row rolled back later was still counted); returns the unregister. A listener must be cheap;
 * what it throws is ignored.
 */
export function onAudit(listener: AuditListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function audit(tx: Db, actor: AuditActor, event: AuditEvent): Promise<void> {
  const organizationId = event.organizationId ?? null;
  const chain = chainOf(organizationId);
  // What the database will store (and return): JSON.stringify's view of the metadata — no
  // undefined members, Dates as strings — so the hash is computed over the stored value.
  const metadata = JSON.parse(JSON.stringify(event.metadata ?? {})) as unknown;
  // Inside the caller's transaction (the commit step's: a failure here fails the write), or a
  // transaction of its own on the plain db: the lock, the read of the chain's head and the insert
  // always share one transaction. The lock and the head read are sent together (one round trip):
  // under READ COMMITTED the head statement's snapshot is taken when it starts, after the lock is
  // granted. The statements are prepared (Bind/Execute only, once a connection has seen them).
  const work = async (t: Db) => {
    const lockQ = t.select({ locked: sql<string>`pg_advisory_xact_lock(hashtextextended(${chain}, 0))::text` }).from(sql`(select 1) as one`).prepare('audit_lock').execute();
    const headQ = t
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), isNotNull(auditEvents.seq)))
      .orderBy(desc(auditEvents.seq))
      .limit(1)
      .prepare('audit_head')
      .execute();
    const [, [head]] = await Promise.all([lockQ, headQ]);
    const ip = actor.ip ?? null;
    const userAgent = actor.userAgent ? actor.userAgent.slice(0, MAX_USER_AGENT) : null;
    const personalSalt = randomBytes(16).toString('hex');
    const id = randomUUID();
    const pd = auditKeys();
    const row = {
      id,
      chain,
      seq: (head?.seq ?? 0) + 1,
      prevHash: head?.hash ?? null,
      organizationId,
      actorUserId: actor.userId ?? null,
      actorKeyId: actor.keyId ?? null,
      action: event.action,
      targetType: event.targetType ?? null,
      targetId: event.targetId ?? null,
      ip,
      userAgent,
      result: event.result,
      metadata,
      // Milliseconds, which timestamptz (microseconds) stores and returns exactly.
      createdAt: new Date(),
      personalDigest: personalDigest(ip, userAgent, personalSalt),
    };
    // Stored sealed; the hash above covered the plaintext's digest.
    const { ip: plainIp, userAgent: plainUserAgent, ...stored } = row;
    await t.insert(auditEvents).values({
      ...stored,
      ipEnc: pd.sealOrNull(plainIp, sealedAad('ip', id)),
      userAgentEnc: pd.sealOrNull(plainUserAgent, sealedAad('user_agent', id)),
      personalSalt,
      hash: auditRowHash(row),
    }).prepare('audit_insert').execute();
  };
  if (is(tx, PgTransaction)) await work(tx);
  else await tx.transaction(async (t) => work(t as unknown as Db));
  for (const listener of listeners) {
    try {
      listener(event, actor);
    } catch {
      // a counter's failure never fails the write it counts
    }
  }
}

/** `sealed`: the row's sealed ip / user agent does not open (tampered, moved from another row, or MASTER_KEYS lack its key). */
export type ChainBreakReason = 'hash' | 'link' | 'gap' | 'checkpoint' | 'sealed';

export interface ChainBreak {
  chain: string;
  seq: number;
  id: string;
  reason: ChainBreakReason;
}

export interface ChainVerification {
  ok: boolean;
  /** Chains walked. */
  chains: number;
  /** Chained rows whose hash and link were checked. */
  checked: number;
  /** Rows from before the chain existed, counted but not checkable. */
  legacy: number;
  /** The first break found, walking chains in name order and each in seq order. */
  broken: ChainBreak | null;
}

const VERIFY_BATCH = 1000;

/**
 * Walks every chain (or only the organization's, `organizationId: null` for 'global') in seq
 * order and reports the first row whose seq does not follow (gap: a row was deleted or
 * renumbered), whose prev_hash is not the previous row's hash (link), or whose hash does not
 * match its recomputed contents or chain (hash). Stops at the first break.
 */
export async function verifyAuditChain(db: Db, opts: { organizationId?: string | null } = {}): Promise<ChainVerification> {
  const scoped = opts.organizationId !== undefined;
  const legacyWhere = scoped
    ? and(isNull(auditEvents.chain), opts.organizationId === null ? isNull(auditEvents.organizationId) : eq(auditEvents.organizationId, opts.organizationId!))
    : isNull(auditEvents.chain);
  const [legacyRow] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditEvents)
    .where(legacyWhere);
  const legacy = Number(legacyRow?.n ?? 0);

  let names: string[];
  if (scoped) {
    const chain = chainOf(opts.organizationId);
    const [any] = await db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.chain, chain)).limit(1);
    names = any ? [chain] : [];
  } else {
    names = (await db.selectDistinct({ chain: auditEvents.chain }).from(auditEvents).where(isNotNull(auditEvents.chain)).orderBy(asc(auditEvents.chain))).map(
      (r) => r.chain!,
    );
  }

  let checked = 0;
  const pd = auditKeys();
  for (const chain of names) {
    let expectedSeq = 1;
    let prevHash: string | null = null;
    // Retention deleted the chain's oldest rows: it starts after its newest signed checkpoint.
    const [cp] = await db.select().from(auditCheckpoints).where(eq(auditCheckpoints.chain, chain)).orderBy(desc(auditCheckpoints.seq)).limit(1);
    if (cp) {
      if (!checkpointValid(cp)) return { ok: false, chains: names.length, checked, legacy, broken: { chain, seq: cp.seq, id: cp.id, reason: 'checkpoint' } };
      expectedSeq = cp.seq + 1;
      prevHash = cp.hash;
    }
    for (;;) {
      const rows = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, chain), gt(auditEvents.seq, expectedSeq - 1)))
        .orderBy(asc(auditEvents.seq))
        .limit(VERIFY_BATCH);
      for (const r of rows) {
        const at = (reason: ChainBreakReason): ChainVerification => ({ ok: false, chains: names.length, checked, legacy, broken: { chain, seq: r.seq!, id: r.id, reason } });
        if (r.seq !== expectedSeq) return at('gap');
        if (r.prevHash !== prevHash) return at('link');
        // Format 1 hashes the plaintext; format 2 checks it against its digest unless erased (salt nulled).
        const needsPlain = !r.personalDigest || r.personalSalt !== null;
        let ip: string | null = null;
        let userAgent: string | null = null;
        if (needsPlain) {
          try {
            ip = openStored(pd, 'ip', r.id, r.ipEnc);
            userAgent = openStored(pd, 'user_agent', r.id, r.userAgentEnc);
          } catch {
            return at('sealed');
          }
        }
        if (chainOf(r.organizationId) !== chain || r.hash !== auditRowHash({ ...r, ip, userAgent, chain, seq: r.seq })) return at('hash');
        if (r.personalDigest && r.personalSalt !== null && personalDigest(ip, userAgent, r.personalSalt) !== r.personalDigest) return at('hash');
        checked += 1;
        prevHash = r.hash;
        expectedSeq += 1;
      }
      if (rows.length < VERIFY_BATCH) break;
    }
  }
  return { ok: true, chains: names.length, checked, legacy, broken: null };
}
