/**
 * An organization's SCIM bearer token: at most one per organization, shown once, stored as its
 * SHA-256 (as API keys are: a leaked table does not give a usable token; the lookup is by an
 * indexed hash, so no secret is compared in application code). POST …/scim/token creates it or
 * rotates it (a new token and token id; the old one stops working at once); DELETE disables it
 * (every SCIM call then answers 401 until the next rotation). Changes go through the commit
 * step with one `scim.token_rotate` / `scim.token_disable` row; the token never enters a row or a log.
 *
 * Format: `ghee_scim_` + 43 base64url characters (256 bits from the CSPRNG). It is not an API key
 * (shared/api-key.ts refuses it), so no other authenticator accepts it.
 *
 * `last_used_at` is noted at most once a minute outside the commit step, as API keys' last-used
 * times are (origin/identity/keys/key-usage.ts): telemetry for the token's owners, not a change.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { scimTokens } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import { commitWrite, type WriteActor } from '../../outbox/index.js';

export const SCIM_TOKEN_PREFIX = 'ghee_scim_';
const TOKEN_RE = /^ghee_scim_[A-Za-z0-9_-]{43}$/;

export function hashScimToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface ScimTokenView {
  token_id: string;
  last_four: string;
  enabled: boolean;
  created_at: string;
  disabled_at: string | null;
  last_used_at: string | null;
}

type TokenRow = typeof scimTokens.$inferSelect;

export function tokenView(r: TokenRow): ScimTokenView {
  return {
    token_id: r.tokenId,
    last_four: r.lastFour,
    enabled: r.disabledAt === null,
    created_at: r.createdAt.toISOString(),
    disabled_at: r.disabledAt?.toISOString() ?? null,
    last_used_at: r.lastUsedAt?.toISOString() ?? null,
  };
}

export async function getScimToken(db: Db, organizationId: string): Promise<ScimTokenView | null> {
  const [row] = await db.select().from(scimTokens).where(eq(scimTokens.organizationId, organizationId)).limit(1);
  return row ? tokenView(row) : null;
}

type OrgActor = WriteActor & { organizationId: string; userId: string | null };

/** Creates or rotates the organization's token; the raw token is in the answer, once. */
export function rotateScimToken(db: Db, actor: OrgActor, now: Date): Promise<Result<{ view: ScimTokenView; token: string; rotated: boolean }>> {
  const token = `${SCIM_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return commitWrite(db, actor, null, async (w) => {
    const [before] = await w.t.select({ tokenId: scimTokens.tokenId }).from(scimTokens).where(eq(scimTokens.organizationId, actor.organizationId)).for('update');
    const values = { tokenId: crypto.randomUUID(), tokenHash: hashScimToken(token), lastFour: token.slice(-4), createdBy: actor.userId, createdAt: now, disabledAt: null, lastUsedAt: null };
    const [row] = await w.t
      .insert(scimTokens)
      .values({ organizationId: actor.organizationId, ...values })
      .onConflictDoUpdate({ target: scimTokens.organizationId, set: values })
      .returning();
    w.audit({ action: 'scim.token_rotate', target: { type: 'scim_token', id: row!.tokenId }, metadata: { previous_token_id: before?.tokenId ?? null } });
    return { ok: true as const, value: { view: tokenView(row!), token, rotated: Boolean(before) } };
  });
}

/** Disables the organization's token (409 when there is none or it is disabled already). */
export function disableScimToken(db: Db, actor: OrgActor, now: Date): Promise<Result<ScimTokenView>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<ScimTokenView>> => {
    const [row] = await w.t
      .update(scimTokens)
      .set({ disabledAt: now })
      .where(and(eq(scimTokens.organizationId, actor.organizationId), isNull(scimTokens.disabledAt)))
      .returning();
    if (!row) return { ok: false, error: 'not_found', detail: 'This organization has no enabled SCIM token.' };
    w.audit({ action: 'scim.token_disable', target: { type: 'scim_token', id: row.tokenId } });
    return { ok: true, value: tokenView(row) };
  });
}

/** The organization and token id an enabled token belongs to, or null (malformed, unknown, disabled). */
export async function scimTokenOwner(db: Db, presented: string, now: Date): Promise<{ organizationId: string; tokenId: string } | null> {
  if (!TOKEN_RE.test(presented)) return null;
  const [row] = await db
    .select({ organizationId: scimTokens.organizationId, tokenId: scimTokens.tokenId, lastUsedAt: scimTokens.lastUsedAt })
    .from(scimTokens)
    .where(and(eq(scimTokens.tokenHash, hashScimToken(presented)), isNull(scimTokens.disabledAt)))
    .limit(1);
  if (!row) return null;
  // Last use, at most once a minute (an IdP's sync is a burst of calls).
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(scimTokens).set({ lastUsedAt: now }).where(eq(scimTokens.organizationId, row.organizationId));
  }
  return { organizationId: row.organizationId, tokenId: row.tokenId };
}
