/**
 * Enforced SSO. When an organization enforces SSO its members sign in only through its
 * connections: password login, password reset and password sessions are refused for them (a
 * clear error pointing to SSO), and turning enforcement on ends their existing non-SSO sessions.
 * API keys keep working. Break-glass: owners the organization lists as exempt keep password + 2FA,
 * and every such login is audited (`sso.break_glass_login`).
 *
 * A user who belongs to several organizations is held to the strictest: enforcement by any one
 * of them (without an exemption there) stops their password sign-in everywhere — a password
 * session could otherwise reach the enforcing organization.
 */
import { and, eq, inArray, isNull, ne, notInArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { memberships, sessions, ssoConnections, ssoDomains, ssoPolicies } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import { commitWrite, type WriteActor } from '../../outbox/index.js';

export const policyBody = z
  .object({
    enforced: z.boolean().optional(),
    exempt_user_ids: z.array(z.string().uuid({ message: 'must be user ids' })).max(20).optional(),
    session_max_minutes: z.number().int().min(5).max(60 * 24 * 30).nullable().optional(),
  })
  .strict();
export type PolicyBody = z.infer<typeof policyBody>;

export interface PolicyView {
  enforced: boolean;
  exempt_user_ids: string[];
  session_max_minutes: number | null;
}

const DEFAULT: PolicyView = { enforced: false, exempt_user_ids: [], session_max_minutes: null };

export async function getPolicy(db: Db, organizationId: string): Promise<PolicyView> {
  const [row] = await db.select().from(ssoPolicies).where(eq(ssoPolicies.organizationId, organizationId)).limit(1);
  return row ? { enforced: row.enforced, exempt_user_ids: row.exemptUserIds, session_max_minutes: row.sessionMaxMinutes } : { ...DEFAULT };
}

/**
 * Changes the policy. Enforcement needs an enabled connection with a verified domain (no
 * organization locks itself out), and exemptions may name owners only.
 */
export async function updatePolicy(db: Db, actor: WriteActor & { organizationId: string }, body: PolicyBody, now: Date): Promise<Result<PolicyView>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<PolicyView>> => {
    const before = await getPolicy(w.t, actor.organizationId);
    const next: PolicyView = {
      enforced: body.enforced ?? before.enforced,
      exempt_user_ids: body.exempt_user_ids ? [...new Set(body.exempt_user_ids)] : before.exempt_user_ids,
      session_max_minutes: body.session_max_minutes === undefined ? before.session_max_minutes : body.session_max_minutes,
    };
    if (next.exempt_user_ids.length > 0) {
      const owners = await w.t
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.organizationId, actor.organizationId), isNull(memberships.spaceId), eq(memberships.role, 'owner'), inArray(memberships.userId, next.exempt_user_ids)));
      if (owners.length !== next.exempt_user_ids.length) return { ok: false, error: 'invalid', detail: 'exempt_user_ids: only owners of the organization can be exempt' };
    }
    if (next.enforced && !before.enforced) {
      const [usable] = await w.t
        .select({ id: ssoConnections.id })
        .from(ssoConnections)
        .innerJoin(ssoDomains, eq(ssoDomains.connectionId, ssoConnections.id))
        .where(and(eq(ssoConnections.organizationId, actor.organizationId), eq(ssoConnections.enabled, true)))
        .limit(1);
      if (!usable) return { ok: false, error: 'conflict', detail: 'Enforcing SSO needs an enabled connection serving a verified domain first.' };
    }
    await w.t
      .insert(ssoPolicies)
      .values({ organizationId: actor.organizationId, enforced: next.enforced, exemptUserIds: next.exempt_user_ids, sessionMaxMinutes: next.session_max_minutes, updatedAt: now })
      .onConflictDoUpdate({
        target: ssoPolicies.organizationId,
        set: { enforced: next.enforced, exemptUserIds: next.exempt_user_ids, sessionMaxMinutes: next.session_max_minutes, updatedAt: now },
      });
    let ended = 0;
    if (next.enforced) {
      // Members' password sessions end now (the exempt keep theirs); SSO sessions stay.
      const members = w.t
        .select({ id: memberships.userId })
        .from(memberships)
        .where(eq(memberships.organizationId, actor.organizationId));
      const conditions = [inArray(sessions.userId, members), isNull(sessions.revokedAt), ne(sessions.authMethod, 'sso')];
      if (next.exempt_user_ids.length > 0) conditions.push(notInArray(sessions.userId, next.exempt_user_ids));
      const rows = await w.t
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(...conditions))
        .returning({ id: sessions.id });
      ended = rows.length;
    }
    w.audit({ action: 'sso.policy_update', target: { type: 'organization', id: actor.organizationId }, metadata: { before, after: next, sessions_ended: ended } });
    return { ok: true, value: next };
  });
}

/**
 * Whether a user may use a password (login, reset, password sessions): refused when any of their
 * organizations enforces SSO without exempting them. `breakGlass` names the enforcing
 * organizations whose exemption the user is using (their logins are audited there).
 */
export async function passwordUse(db: Db, userId: string): Promise<{ allowed: boolean; breakGlass: string[] }> {
  const rows = await db
    .select({ organizationId: ssoPolicies.organizationId, exempt: ssoPolicies.exemptUserIds })
    .from(ssoPolicies)
    .innerJoin(memberships, eq(memberships.organizationId, ssoPolicies.organizationId))
    .where(and(eq(memberships.userId, userId), eq(ssoPolicies.enforced, true)));
  const orgs = [...new Map(rows.map((r) => [r.organizationId, r.exempt])).entries()];
  const blocked = orgs.filter(([, exempt]) => !exempt.includes(userId));
  return { allowed: blocked.length === 0, breakGlass: blocked.length === 0 ? orgs.map(([id]) => id).sort() : [] };
}

export const SSO_REQUIRED_DETAIL = 'Your organization requires single sign-on: sign in through your identity provider (POST /v1/auth/sso/discover with your email).';
