import { and, asc, desc, eq, gt, isNull, lte, or } from 'drizzle-orm';
import { generateApiKey, hashApiKey, isApiKeyHash, parseApiKey, type ApiKeyKind } from '../../../shared/api-key.js';
import { KIND_SCOPES, type Action } from '../../../shared/permissions.js';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { apiKeys } from '../../db/schema/index.js';
import { commitWrite, type Change, type WriteActor } from '../../outbox/index.js';

export interface ActiveKey {
  id: string;
  organizationId: string;
  spaceId: string | null;
  kind: ApiKeyKind;
  scopes: string[];
  expiresAt: Date | null;
}

/**
 * The active (not revoked, not expired) key whose SHA-256 is `tokenHash`, or null.
 * The lookup is by an indexed hash, so no comparison of secrets happens in application code.
 * A presented token is checked and hashed by origin/http/authenticate.ts (shared/api-key.ts).
 */
export async function findActiveKeyByHash(db: Db, tokenHash: string, now: Date): Promise<ActiveKey | null> {
  if (!isApiKeyHash(tokenHash)) return null;
  const rows = await db
    .select({
      id: apiKeys.id,
      organizationId: apiKeys.organizationId,
      spaceId: apiKeys.spaceId,
      kind: apiKeys.kind,
      scopes: apiKeys.scopes,
      expiresAt: apiKeys.expiresAt,
    })
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.tokenHash, tokenHash),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}

export interface IssuedKey {
  id: string;
  /** The raw token: returned once to the caller, never stored. */
  token: string;
}

export async function issueApiKey(
  db: Db,
  input: {
    organizationId: string;
    spaceId: string | null;
    kind: ApiKeyKind;
    name: string;
    createdBy?: string | null;
    expiresAt?: Date | null;
    /** Stored scopes ([] = the kind's defaults, see shared/permissions.ts `keyAllows`). */
    scopes?: readonly string[];
    rotatedFromId?: string | null;
  },
): Promise<IssuedKey> {
  const token = generateApiKey(input.kind);
  const parsed = parseApiKey(token)!;
  const [row] = await db
    .insert(apiKeys)
    .values({
      organizationId: input.organizationId,
      spaceId: input.spaceId,
      kind: input.kind,
      name: input.name,
      tokenHash: hashApiKey(token),
      prefix: parsed.prefix,
      lastFour: parsed.lastFour,
      createdBy: input.createdBy ?? null,
      expiresAt: input.expiresAt ?? null,
      scopes: [...(input.scopes ?? [])],
      rotatedFromId: input.rotatedFromId ?? null,
    })
    .returning({ id: apiKeys.id });
  return { id: row!.id, token };
}

/* ------------------------------------------------------------------------------------------ *
 * Lifecycle: listing, creation, rotation, revocation (origin/identity/keys/routes.ts) and the
 * automatic revocation of expired keys (origin/identity/keys/key-revoker.ts). Every change goes
 * through the commit step (origin/outbox/commit.ts): its audit row and, when the edge may hold
 * the key's record, a `key:<id>` purge in its transaction; the step kicks the purge worker after
 * the commit.
 * ------------------------------------------------------------------------------------------ */

type ApiKeyRow = typeof apiKeys.$inferSelect;

/** What listings show: prefix and last four characters, never the hash or the token. */
export interface ApiKeyView {
  id: string;
  name: string;
  kind: ApiKeyKind;
  space_id: string | null;
  prefix: string;
  last_four: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  rotated_from_id: string | null;
}

/** The effective scopes of a stored key (keys stored without scopes carry their kind's). */
export function effectiveScopes(key: { kind: ApiKeyKind; scopes: readonly string[] }): Action[] {
  const ofKind = KIND_SCOPES[key.kind];
  return key.scopes.length === 0 ? [...ofKind] : ofKind.filter((a) => key.scopes.includes(a));
}

export function apiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    space_id: row.spaceId,
    prefix: row.prefix,
    last_four: row.lastFour,
    scopes: effectiveScopes(row),
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt?.toISOString() ?? null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    rotated_from_id: row.rotatedFromId,
  };
}

export async function listApiKeys(db: Db, organizationId: string): Promise<ApiKeyView[]> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.organizationId, organizationId)).orderBy(desc(apiKeys.createdAt), asc(apiKeys.id));
  return rows.map(apiKeyView);
}

export type ScopeDecision = { ok: true; scopes: Action[] } | { ok: false; detail: string };

/**
 * The scopes a new key gets. `may` says what the creator may grant (a user's effective role,
 * or the creating key's own scopes). Explicitly requested scopes outside the kind or beyond
 * the creator are refused, never silently dropped; without a request the key gets every
 * scope of its kind the creator may grant. A key never ends up with no scope at all.
 */
export function decideScopes(kind: ApiKeyKind, requested: readonly Action[] | undefined, may: (a: Action) => boolean): ScopeDecision {
  const ofKind = KIND_SCOPES[kind];
  if (requested !== undefined) {
    const outside = requested.filter((a) => !ofKind.includes(a));
    if (outside.length > 0) return { ok: false, detail: `A ${kind} key cannot carry ${outside.join(', ')}.` };
    const beyond = requested.filter((a) => !may(a));
    if (beyond.length > 0) return { ok: false, detail: `You may not grant ${beyond.join(', ')}.` };
  }
  const scopes = (requested === undefined ? ofKind : ofKind.filter((a) => requested.includes(a))).filter(may);
  if (scopes.length === 0) return { ok: false, detail: `You may not grant any scope of a ${kind} key.` };
  return { ok: true, scopes };
}

const NOT_FOUND = { ok: false, error: 'not_found', detail: 'API key not found.' } as const;

/** Who manages keys: a member or an admin key of `organizationId` (origin/outbox/commit.ts). */
export type KeyActor = WriteActor & { organizationId: string };

/**
 * The change of a key whose record the edge may hold: a HARD purge of `key:<id>` (a revoked
 * key's record must not be served stale during an origin outage), space-less (a key record is
 * the organization's, not a space's).
 */
const keyRecordChanged = (keyId: string): Change => ({ purge: { keys: [surrogateKeys.apiKey(keyId)], soft: false } });

export interface CreateKeyInput {
  spaceId: string | null;
  kind: ApiKeyKind;
  name: string;
  /** Scopes asked for (undefined: every scope of the kind the creator may grant). */
  requested: readonly Action[] | undefined;
  /** What the creator may grant in the key's space (or organization, for admin keys). */
  may: (a: Action) => boolean;
  expiresAt: Date | null;
}

/**
 * Creates a key (scopes decided by `decideScopes`), through the commit step: one `key.create`
 * row, in the key's space (or the organization, for admin keys). A refused escalation is
 * evidence: its `key.create` failure row is written, nothing else.
 */
export function createApiKey(db: Db, actor: KeyActor, input: CreateKeyInput): Promise<Result<{ view: ApiKeyView; token: string }>> {
  return commitWrite(db, actor, input.spaceId, async (w): Promise<Result<{ view: ApiKeyView; token: string }>> => {
    const decision = decideScopes(input.kind, input.requested, input.may);
    if (!decision.ok) {
      w.refused({
        action: 'key.create',
        target: { type: 'api_key', id: null },
        metadata: { kind: input.kind, space_id: input.spaceId, scopes: input.requested ?? null, reason: decision.detail },
      });
      return { ok: false, error: 'forbidden', detail: decision.detail };
    }
    const issued = await issueApiKey(w.t, {
      organizationId: actor.organizationId,
      spaceId: input.spaceId,
      kind: input.kind,
      name: input.name,
      scopes: decision.scopes,
      expiresAt: input.expiresAt,
      createdBy: actor.userId,
    });
    const [row] = await w.t.select().from(apiKeys).where(eq(apiKeys.id, issued.id));
    w.audit({
      action: 'key.create',
      target: { type: 'api_key', id: issued.id },
      metadata: { kind: input.kind, space_id: input.spaceId, scopes: row!.scopes, expires_at: input.expiresAt?.toISOString() ?? null },
    });
    return { ok: true, value: { view: apiKeyView(row!), token: issued.token } };
  });
}

export interface RotateKeyInput {
  keyId: string;
  graceMs: number;
  now: Date;
  /** What the rotating caller may grant in the key's space (or organization for admin keys). */
  grantable: (spaceId: string | null) => Promise<(a: Action) => boolean>;
}

type Rotated = { view: ApiKeyView; token: string; old: ApiKeyView };

/**
 * A new key with the same organization, space, kind, name and scopes (`rotated_from_id` = the
 * old one). A key with a lifetime gets the same lifetime again from now. The old key expires
 * at min(its expiry, now + grace) — the key revoker revokes it then — or, with no grace, is
 * revoked now. Either way `key:<old>` is purged so the edge re-reads its record. A rotation that
 * would grant beyond the caller is refused with a `key.rotate` failure row.
 *
 * Without grace the rotation is two writes in one transaction, each with its row as before:
 * `key.rotate`, then `key.revoke` (reason `rotated`) — the rotation's row is written by a
 * nested commit (a savepoint) just before the revocation's, after every row lock is taken.
 */
export async function rotateApiKey(db: Db, actor: KeyActor, input: RotateKeyInput): Promise<Result<Rotated>> {
  const ofOrg = and(eq(apiKeys.id, input.keyId), eq(apiKeys.organizationId, actor.organizationId));
  // What the caller may grant is resolved before the transaction (a key's space never changes;
  // on PGlite a query outside an open transaction would wait for it).
  const [located] = await db.select({ spaceId: apiKeys.spaceId }).from(apiKeys).where(ofOrg).limit(1);
  if (!located) return NOT_FOUND;
  const may = await input.grantable(located.spaceId);
  return commitWrite(db, actor, null, async (w): Promise<Result<Rotated>> => {
    const t = w.t;
    const [old] = await t.select().from(apiKeys).where(ofOrg).for('update');
    if (!old) return NOT_FOUND;
    if (old.revokedAt) return { ok: false, error: 'conflict', detail: 'This API key is revoked.' };
    if (old.expiresAt && old.expiresAt <= input.now) return { ok: false, error: 'conflict', detail: 'This API key has expired.' };
    const [successor] = await t.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.rotatedFromId, old.id)).limit(1);
    if (successor) return { ok: false, error: 'conflict', detail: `This API key was already rotated (to ${successor.id}); rotate that one.` };
    const scopes = effectiveScopes(old);
    const beyond = scopes.filter((a) => !may(a));
    if (beyond.length > 0) {
      const detail = `Rotating this key would grant ${beyond.join(', ')}, which you may not grant.`;
      w.refused({ action: 'key.rotate', target: { type: 'api_key', id: old.id }, metadata: { reason: detail } });
      return { ok: false, error: 'forbidden', detail };
    }

    const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
    const issued = await issueApiKey(t, {
      organizationId: old.organizationId,
      spaceId: old.spaceId,
      kind: old.kind,
      name: old.name,
      scopes,
      createdBy: actor.userId,
      expiresAt: lifetime !== null && lifetime > 0 ? new Date(input.now.getTime() + lifetime) : null,
      rotatedFromId: old.id,
    });
    const graceEnd = new Date(input.now.getTime() + input.graceMs);
    const expiresAt = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
    const revokeNow = input.graceMs === 0;
    const [updated] = await t
      .update(apiKeys)
      .set({ expiresAt, ...(revokeNow ? { revokedAt: input.now } : {}) })
      .where(eq(apiKeys.id, old.id))
      .returning();
    await w.changed(keyRecordChanged(old.id));
    const [row] = await t.select().from(apiKeys).where(eq(apiKeys.id, issued.id));
    const target = { type: 'api_key', id: old.id };
    const rotation = { action: 'key.rotate', target, metadata: { new_key_id: issued.id, grace_seconds: Math.round(input.graceMs / 1000), old_expires_at: expiresAt.toISOString() } };
    if (revokeNow) {
      await commitWrite(t, actor, null, async (rotated) => {
        rotated.audit(rotation);
        return { ok: true };
      });
      w.audit({ action: 'key.revoke', target, metadata: { reason: 'rotated' } });
    } else {
      w.audit(rotation);
    }
    return { ok: true, value: { view: apiKeyView(row!), token: issued.token, old: apiKeyView(updated!) } };
  });
}

/**
 * Revokes now and purges `key:<id>`, through the commit step. An already revoked key answers `conflict`.
 * The row's reason: 'manual' (DELETE …/api-keys/:id), 'scim_deprovisioned' (origin/identity/scim/,
 * whose `context` names the SCIM token and the user).
 */
export function revokeApiKey(
  db: Db,
  actor: KeyActor,
  input: { keyId: string; now: Date; reason?: 'manual' | 'scim_deprovisioned'; context?: Record<string, unknown> },
): Promise<Result<ApiKeyView>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<ApiKeyView>> => {
    const [row] = await w.t
      .update(apiKeys)
      .set({ revokedAt: input.now })
      .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.organizationId, actor.organizationId), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) {
      const [exists] = await w.t
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.organizationId, actor.organizationId)))
        .limit(1);
      return exists ? { ok: false, error: 'conflict', detail: 'This API key is already revoked.' } : NOT_FOUND;
    }
    await w.changed(keyRecordChanged(row.id));
    w.audit({ action: 'key.revoke', target: { type: 'api_key', id: row.id }, metadata: { ...input.context, reason: input.reason ?? 'manual' } });
    return { ok: true, value: apiKeyView(row) };
  });
}

export interface AutoRevoked {
  id: string;
  organizationId: string;
  reason: 'rotation_grace_ended' | 'expired';
}

/** The key revoker, as the actor of its revocations: a system job, neither a member nor a key. */
const revokerOf = (organizationId: string): KeyActor => ({ userId: null, keyId: null, system: 'key_revoker', organizationId });

/**
 * Revokes up to `limit` keys whose expiry has passed, each in its own commit (origin/outbox/
 * commit.ts): `revoked_at` set, a hard `key:<id>` purge and one `key.revoke` row in that key's
 * organization. One organization's chain per transaction, so no two revocations can deadlock on
 * the chains' locks (the former batch locked several chains, in ascending organization order).
 * The update is conditional (`revoked_at is null`): when two instances race on a key, the
 * second waits for the first's commit, then changes nothing and writes no row — each key is
 * revoked and audited once. Returns the keys this call revoked.
 */
export async function revokeExpiredKeys(db: Db, now: Date, limit: number): Promise<AutoRevoked[]> {
  const due = await db
    .select({ id: apiKeys.id, organizationId: apiKeys.organizationId })
    .from(apiKeys)
    .where(and(isNull(apiKeys.revokedAt), lte(apiKeys.expiresAt, now)))
    .orderBy(asc(apiKeys.expiresAt), asc(apiKeys.id))
    .limit(limit);
  const out: AutoRevoked[] = [];
  for (const key of due) {
    const r = await commitWrite(db, revokerOf(key.organizationId), null, async (w): Promise<Result<AutoRevoked>> => {
      const [row] = await w.t
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(and(eq(apiKeys.id, key.id), isNull(apiKeys.revokedAt)))
        .returning({ id: apiKeys.id });
      if (!row) return { ok: false, error: 'conflict', detail: 'Already revoked.' };
      const [successor] = await w.t.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.rotatedFromId, key.id)).limit(1);
      const reason = successor ? 'rotation_grace_ended' : 'expired';
      await w.changed(keyRecordChanged(key.id));
      w.audit({ action: 'key.revoke', target: { type: 'api_key', id: key.id }, metadata: { reason } });
      return { ok: true, value: { id: key.id, organizationId: key.organizationId, reason } };
    });
    if (r.ok) out.push(r.value);
  }
  return out;
}
