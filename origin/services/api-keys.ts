import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { generateApiKey, hashApiKey, parseApiKey, type ApiKeyKind } from '../../shared/api-key.js';
import type { Db } from '../db/client.js';
import { apiKeys } from '../db/schema/index.js';

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
 */
export async function findActiveKeyByHash(db: Db, tokenHash: string, now: Date): Promise<ActiveKey | null> {
  if (!/^[0-9a-f]{64}$/.test(tokenHash)) return null;
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

export async function findActiveKeyByToken(db: Db, token: string, now: Date): Promise<ActiveKey | null> {
  if (!parseApiKey(token)) return null;
  return findActiveKeyByHash(db, hashApiKey(token), now);
}

export interface IssuedKey {
  id: string;
  /** The raw token: returned once to the caller, never stored. */
  token: string;
}

export async function issueApiKey(
  db: Db,
  input: { organizationId: string; spaceId: string | null; kind: ApiKeyKind; name: string; createdBy?: string | null; expiresAt?: Date | null },
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
    })
    .returning({ id: apiKeys.id });
  return { id: row!.id, token };
}
