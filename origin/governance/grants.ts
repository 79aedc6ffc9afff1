/**
 * Support grants: an organization's explicit, bounded permission for support staff — scope
 * (read_only | read_write), the spaces it covers, a reason (and ticket reference), an expiry of at
 * most 72 hours, optionally one named operator; revocable at once. Created, listed and revoked by
 * owners and admins (support.manage); each through the commit step with one audit row in the
 * organization's chain. The organization's owners are emailed when a grant is created and when it
 * is first used.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, like } from 'drizzle-orm';
import type { Action } from '../../shared/permissions.js';
import type { Db } from '../db/client.js';
import { auditEvents, operators, spaces, supportGrants, type SupportScope } from '../db/schema/index.js';
import type { Result } from '../http/result.js';
import { openAuditPersonal } from '../audit/index.js';
import { commitWrite, type WriteActor } from '../outbox/index.js';
import { operatorEmailIs } from './operators.js';
import { organizationOwnerEmails, type MailTransport } from '../identity/index.js';
import type { PersonalData } from '../crypto/personal-data.js';

export const MAX_GRANT_HOURS = 72;
export const SUPPORT_SCOPES = ['read_only', 'read_write'] as const;

/** What each scope lets an operator do in the granted spaces (never organization settings, keys or members). */
export const SCOPE_ACTIONS: Readonly<Record<SupportScope, readonly Action[]>> = {
  read_only: ['content.read', 'content.preview'],
  read_write: ['content.read', 'content.preview', 'content.write', 'assets.write', 'content.publish', 'content.delete', 'schema.manage'],
};

export type Grant = typeof supportGrants.$inferSelect;

export interface GrantView {
  id: string;
  scope: SupportScope;
  space_ids: string[];
  reason: string;
  ticket: string | null;
  operator_id: string | null;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  first_used_at: string | null;
  state: 'active' | 'expired' | 'revoked';
}

export function grantState(g: Grant, now: Date): GrantView['state'] {
  if (g.revokedAt) return 'revoked';
  return g.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

export function grantView(g: Grant, now: Date): GrantView {
  return {
    id: g.id,
    scope: g.scope,
    space_ids: g.spaceIds,
    reason: g.reason,
    ticket: g.ticket,
    operator_id: g.operatorId,
    created_by: g.createdBy,
    created_at: g.createdAt.toISOString(),
    expires_at: g.expiresAt.toISOString(),
    revoked_at: g.revokedAt?.toISOString() ?? null,
    first_used_at: g.firstUsedAt?.toISOString() ?? null,
    state: grantState(g, now),
  };
}

export interface NewGrant {
  scope: SupportScope;
  spaceIds: string[];
  reason: string;
  ticket?: string | undefined;
  expiresInHours: number;
  operatorEmail?: string | undefined;
}

/** Mails every owner; a transport failure never fails the request (the grant is already recorded and audited). */
export async function notifyOwners(
  db: Db,
  deps: { mail: MailTransport; personalData: PersonalData },
  organizationId: string,
  subject: string,
  text: string,
  onError: (err: unknown) => void,
): Promise<void> {
  for (const to of await organizationOwnerEmails(db, deps.personalData, organizationId)) {
    const mail = deps.mail;
    try {
      await mail.send({ to, subject, text });
    } catch (err) {
      onError(err);
    }
  }
}

export async function createGrant(db: Db, pd: PersonalData, actor: WriteActor & { organizationId: string; userId: string | null }, input: NewGrant, now: Date): Promise<Result<Grant>> {
  if (!(input.expiresInHours > 0 && input.expiresInHours <= MAX_GRANT_HOURS)) return { ok: false, error: 'invalid', detail: `expires_in_hours must be more than 0 and at most ${MAX_GRANT_HOURS}.` };
  const spaceIds = [...new Set(input.spaceIds)];
  const found = await db.select({ id: spaces.id }).from(spaces).where(and(eq(spaces.organizationId, actor.organizationId), inArray(spaces.id, spaceIds)));
  if (found.length !== spaceIds.length) return { ok: false, error: 'invalid', detail: 'space_ids: every space must belong to this organization.' };
  let operatorId: string | null = null;
  if (input.operatorEmail !== undefined) {
    const [op] = await db.select({ id: operators.id }).from(operators).where(and(operatorEmailIs(pd, input.operatorEmail), isNull(operators.disabledAt))).limit(1);
    if (!op) return { ok: false, error: 'invalid', detail: 'operator_email: no active operator has that address.' };
    operatorId = op.id;
  }
  return commitWrite(db, actor, null, async (w): Promise<Result<Grant>> => {
    const id = randomUUID();
    const [row] = await w.t
      .insert(supportGrants)
      .values({
        id,
        organizationId: actor.organizationId,
        scope: input.scope,
        spaceIds,
        reason: input.reason,
        ticket: input.ticket ?? null,
        operatorId,
        createdBy: actor.userId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + input.expiresInHours * 3_600_000),
      })
      .returning();
    w.audit({ action: 'support.grant_create', target: { type: 'support_grant', id }, metadata: { scope: input.scope, space_ids: spaceIds, expires_at: row!.expiresAt.toISOString(), ticket: input.ticket ?? null, operator_id: operatorId } });
    return { ok: true, value: row! };
  });
}

export async function listGrants(db: Db, organizationId: string): Promise<Grant[]> {
  return db.select().from(supportGrants).where(eq(supportGrants.organizationId, organizationId)).orderBy(desc(supportGrants.createdAt)).limit(500);
}

/** Revokes at once: the next request under it is refused. Already revoked: conflict (nothing written). */
export async function revokeGrant(db: Db, actor: WriteActor & { organizationId: string }, grantId: string, now: Date): Promise<Result<Grant>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<Grant>> => {
    const [g] = await w.t
      .select()
      .from(supportGrants)
      .where(and(eq(supportGrants.id, grantId), eq(supportGrants.organizationId, actor.organizationId)))
      .for('update')
      .limit(1);
    if (!g) return { ok: false, error: 'not_found', detail: 'Support grant not found.' };
    if (g.revokedAt) return { ok: false, error: 'conflict', detail: 'This support grant is already revoked.' };
    const [row] = await w.t.update(supportGrants).set({ revokedAt: now, revokedBy: actor.userId ?? null }).where(eq(supportGrants.id, g.id)).returning();
    w.audit({ action: 'support.grant_revoke', target: { type: 'support_grant', id: g.id }, metadata: { was: grantState(g, now) } });
    return { ok: true, value: row! };
  });
}

export async function findGrant(db: Db, grantId: string): Promise<Grant | null> {
  const [g] = await db.select().from(supportGrants).where(eq(supportGrants.id, grantId)).limit(1);
  return g ?? null;
}

/** Marks the grant used; true only for the request that used it first (then the owners are told). */
export async function markFirstUse(db: Db, grantId: string, now: Date): Promise<boolean> {
  const r = await db.update(supportGrants).set({ firstUsedAt: now }).where(and(eq(supportGrants.id, grantId), isNull(supportGrants.firstUsedAt))).returning({ id: supportGrants.id });
  return r.length > 0;
}

export interface AccessEntry {
  at: string;
  action: string;
  result: string;
  grant_id: string | null;
  operator_id: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  ip: string | null;
}

/** The organization's support access log: every support.* audit row of its chain, newest first. */
export async function accessLog(db: Db, organizationId: string, limit: number): Promise<AccessEntry[]> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, organizationId), like(auditEvents.action, 'support.%')))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.seq))
    .limit(limit);
  return rows.map((r) => {
    const m = (r.metadata ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      at: r.createdAt.toISOString(),
      action: r.action,
      result: r.result,
      grant_id: str(m.grant_id) ?? (r.targetType === 'support_grant' ? r.targetId : null),
      operator_id: str(m.operator_id),
      method: str(m.method),
      path: str(m.path),
      status: typeof m.status === 'number' ? m.status : null,
      ip: openAuditPersonal(r).ip,
    };
  });
}
