import { and, asc, desc, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm';
import { generateApiKey, hashApiKey, isApiKeyHash, parseApiKey, type ApiKeyKind } from '../../../shared/api-key.js';
import { KIND_SCOPES, type Action } from '../../../shared/permissions.js';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { apiKeys } from '../../db/schema/index.js';
import { audit, type AuditActor } from '../../audit/index.js';
import { enqueuePurge } from '../../outbox/index.js';

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
 * automatic revocation of expired keys (origin/identity/keys/key-revoker.ts). Every change writes its
 * audit row and, when the edge may hold the key's record, a `key:<id>` purge in its own
 * transaction; callers tell the purge worker after commit.
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

async function purgeKey(tx: Db, keyId: string): Promise<void> {
  // Hard purge: a revoked key's record must not be served stale during an origin outage.
  await enqueuePurge(tx, [surrogateKeys.apiKey(keyId)], { soft: false });
}

export interface CreateKeyInput {
  organizationId: string;
  spaceId: string | null;
  kind: ApiKeyKind;
  name: string;
  scopes: readonly Action[];
  expiresAt: Date | null;
  createdBy: string | null;
}

export async function createApiKey(db: Db, input: CreateKeyInput, actor: AuditActor): Promise<{ view: ApiKeyView; token: string }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const issued = await issueApiKey(t, input);
    const [row] = await t.select().from(apiKeys).where(eq(apiKeys.id, issued.id));
    await audit(t, actor, {
      action: 'key.create',
      result: 'success',
      organizationId: input.organizationId,
      targetType: 'api_key',
      targetId: issued.id,
      metadata: { kind: input.kind, space_id: input.spaceId, scopes: row!.scopes, expires_at: input.expiresAt?.toISOString() ?? null },
    });
    return { view: apiKeyView(row!), token: issued.token };
  });
}

export interface RotateKeyInput {
  organizationId: string;
  keyId: string;
  graceMs: number;
  now: Date;
  createdBy: string | null;
  /** What the rotating caller may grant in the key's space (or organization for admin keys). */
  grantable: (spaceId: string | null) => Promise<(a: Action) => boolean>;
}

/**
 * A new key with the same organization, space, kind, name and scopes (`rotated_from_id` = the
 * old one). A key with a lifetime gets the same lifetime again from now. The old key expires
 * at min(its expiry, now + grace) — the key revoker revokes it then — or, with no grace, is
 * revoked now. Either way `key:<old>` is purged so the edge re-reads its record.
 */
export async function rotateApiKey(db: Db, input: RotateKeyInput, actor: AuditActor): Promise<Result<{ view: ApiKeyView; token: string; old: ApiKeyView }>> {
  const ofOrg = and(eq(apiKeys.id, input.keyId), eq(apiKeys.organizationId, input.organizationId));
  // What the caller may grant is resolved before the transaction (a key's space never changes;
  // on PGlite a query outside an open transaction would wait for it).
  const [located] = await db.select({ spaceId: apiKeys.spaceId }).from(apiKeys).where(ofOrg).limit(1);
  if (!located) return NOT_FOUND;
  const may = await input.grantable(located.spaceId);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [old] = await t.select().from(apiKeys).where(ofOrg).for('update');
    if (!old) return NOT_FOUND;
    if (old.revokedAt) return { ok: false, error: 'conflict', detail: 'This API key is revoked.' };
    if (old.expiresAt && old.expiresAt <= input.now) return { ok: false, error: 'conflict', detail: 'This API key has expired.' };
    const [successor] = await t.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.rotatedFromId, old.id)).limit(1);
    if (successor) return { ok: false, error: 'conflict', detail: `This API key was already rotated (to ${successor.id}); rotate that one.` };
    const scopes = effectiveScopes(old);
    const beyond = scopes.filter((a) => !may(a));
    if (beyond.length > 0) return { ok: false, error: 'forbidden', detail: `Rotating this key would grant ${beyond.join(', ')}, which you may not grant.` };

    const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
    const issued = await issueApiKey(t, {
      organizationId: old.organizationId,
      spaceId: old.spaceId,
      kind: old.kind,
      name: old.name,
      scopes,
      createdBy: input.createdBy,
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
    await purgeKey(t, old.id);
    const [row] = await t.select().from(apiKeys).where(eq(apiKeys.id, issued.id));
    const target = { organizationId: old.organizationId, targetType: 'api_key' } as const;
    await audit(t, actor, {
      ...target,
      action: 'key.rotate',
      result: 'success',
      targetId: old.id,
      metadata: { new_key_id: issued.id, grace_seconds: Math.round(input.graceMs / 1000), old_expires_at: expiresAt.toISOString() },
    });
    if (revokeNow) await audit(t, actor, { ...target, action: 'key.revoke', result: 'success', targetId: old.id, metadata: { reason: 'rotated' } });
    return { ok: true, value: { view: apiKeyView(row!), token: issued.token, old: apiKeyView(updated!) } };
  });
}

/** Revokes now and purges `key:<id>` in the same transaction. An already revoked key answers `conflict`. */
export async function revokeApiKey(db: Db, input: { organizationId: string; keyId: string; now: Date }, actor: AuditActor): Promise<Result<ApiKeyView>> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [row] = await t
      .update(apiKeys)
      .set({ revokedAt: input.now })
      .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.organizationId, input.organizationId), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) {
      const [exists] = await t
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.organizationId, input.organizationId)))
        .limit(1);
      return exists ? { ok: false, error: 'conflict', detail: 'This API key is already revoked.' } : NOT_FOUND;
    }
    await purgeKey(t, row.id);
    await audit(t, actor, {
      action: 'key.revoke',
      result: 'success',
      organizationId: row.organizationId,
      targetType: 'api_key',
      targetId: row.id,
      metadata: { reason: 'manual' },
    });
    return { ok: true, value: apiKeyView(row) };
  });
}

export interface AutoRevoked {
  id: string;
  organizationId: string;
  reason: 'rotation_grace_ended' | 'expired';
}

/**
 * Revokes (sets `revoked_at`) up to `limit` keys whose expiry has passed, with a `key:<id>`
 * purge and a `key.revoke` audit row each, in one transaction. The update is conditional
 * (`revoked_at is null`, rows locked with SKIP LOCKED), so two instances racing revoke each
 * key once.
 */
export async function revokeExpiredKeys(db: Db, now: Date, limit: number): Promise<AutoRevoked[]> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const due = t
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(isNull(apiKeys.revokedAt), lte(apiKeys.expiresAt, now)))
      .orderBy(asc(apiKeys.expiresAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    const rows = await t
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(inArray(apiKeys.id, due), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id, organizationId: apiKeys.organizationId });
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const rotated = new Set(
      (await t.select({ from: apiKeys.rotatedFromId }).from(apiKeys).where(inArray(apiKeys.rotatedFromId, ids))).map((r) => r.from),
    );
    await enqueuePurge(
      t,
      ids.map((id) => surrogateKeys.apiKey(id)),
      { soft: false },
    );
    const out: AutoRevoked[] = [];
    // Each audit row locks its organization's chain until commit (origin/audit/audit.ts): several
    // chains are locked in ascending organization order, as every writer of several does, so
    // two such transactions cannot deadlock.
    const byOrganization = [...rows].sort((a, b) => (a.organizationId < b.organizationId ? -1 : a.organizationId > b.organizationId ? 1 : 0));
    for (const r of byOrganization) {
      const reason = rotated.has(r.id) ? 'rotation_grace_ended' : 'expired';
      await audit(t, {}, { action: 'key.revoke', result: 'success', organizationId: r.organizationId, targetType: 'api_key', targetId: r.id, metadata: { reason } });
      out.push({ id: r.id, organizationId: r.organizationId, reason });
    }
    return out;
  });
}
