/**
 * What a SCIM user means in ghee, inside a write's transaction:
 *  - membership: an active SCIM user has an organization-wide membership. A new one gets the
 *    provisioning role: the organization's first enabled SSO connection (oldest first) decides —
 *    its mapping rules whose claim is `groups` are matched against the display names of the
 *    user's SCIM groups (first rule wins, as at an SSO login), else its default role; without an
 *    enabled connection, viewer. Group changes re-apply the rules only when that connection's
 *    mapping mode is `every_login` (with `creation`, a role once given — or changed by hand —
 *    stays). Owners are never made, changed or removed through SCIM (owners are made and
 *    unmade by owners, by hand): a deprovisioning of an owner is refused.
 *  - deprovisioning (active=false, or DELETE): every session of the user ends at once, their
 *    memberships in this organization are removed, and the API keys they created in it are
 *    revoked through origin/identity/keys/api-keys.ts `revokeApiKey` (each a nested write with its
 *    `key.revoke` row and the hard `key:<id>` purge, so the edge refuses them after the purge).
 */
import type { PersonalData } from '../../crypto/personal-data.js';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Role } from '../../../shared/permissions.js';
import type { Db } from '../../db/client.js';
import { apiKeys, memberships, scimGroupMembers, scimGroups, scimUsers, ssoConnections, type RoleMappingRule } from '../../db/schema/index.js';
import type { WriteActor, WriteScope } from '../../outbox/index.js';
import { revokeApiKey } from '../keys/api-keys.js';
import { revokeUserSessions } from '../sessions/sessions.js';
import { mappedRole } from '../sso/login.js';

/** The SCIM token as a writer: organization-level writes with no member and no key; rows name the token id. */
/** The SCIM token acting for its organization, with the keys that seal what it provisions (personal data). */
export type ScimActor = WriteActor & { organizationId: string; tokenId: string; personalData: PersonalData };

interface Provisioning {
  defaultRole: Role;
  rules: RoleMappingRule[];
  everyChange: boolean;
}

async function provisioning(t: Db, organizationId: string): Promise<Provisioning> {
  const [c] = await t
    .select({ defaultRole: ssoConnections.defaultRole, rules: ssoConnections.mappingRules, mode: ssoConnections.mappingMode })
    .from(ssoConnections)
    .where(and(eq(ssoConnections.organizationId, organizationId), eq(ssoConnections.enabled, true)))
    .orderBy(ssoConnections.createdAt, ssoConnections.id)
    .limit(1);
  const safe = (r: Role): Role => (r === 'owner' ? 'viewer' : r);
  return {
    defaultRole: safe(c?.defaultRole ?? 'viewer'),
    rules: (c?.rules ?? []).filter((r) => r.claim === 'groups' && r.role !== 'owner'),
    everyChange: c?.mode === 'every_login',
  };
}

async function groupNames(t: Db, scimUserId: string): Promise<string[]> {
  const rows = await t.select({ name: scimGroups.displayName }).from(scimGroupMembers).innerJoin(scimGroups, eq(scimGroups.id, scimGroupMembers.groupId)).where(eq(scimGroupMembers.scimUserId, scimUserId));
  return rows.map((r) => r.name);
}

async function orgMembership(t: Db, organizationId: string, userId: string) {
  const [m] = await t
    .select({ id: memberships.id, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId), isNull(memberships.spaceId)))
    .limit(1);
  return m;
}

/** Gives an active SCIM user their organization-wide membership if they have none; their role. */
export async function ensureMembership(t: Db, organizationId: string, user: { userId: string; scimUserId: string }): Promise<{ role: Role; created: boolean }> {
  const existing = await orgMembership(t, organizationId, user.userId);
  if (existing) return { role: existing.role, created: false };
  const p = await provisioning(t, organizationId);
  const role = mappedRole(p.rules, { groups: await groupNames(t, user.scimUserId) }, p.defaultRole);
  await t.insert(memberships).values({ userId: user.userId, organizationId, role });
  return { role, created: true };
}

/** After a group change: re-applies the group rules to these SCIM users (every_login mode only; never owners). Returns how many roles changed. */
export async function reapplyGroupRoles(t: Db, organizationId: string, scimUsers: { userId: string; scimUserId: string }[]): Promise<number> {
  if (scimUsers.length === 0) return 0;
  const p = await provisioning(t, organizationId);
  if (!p.everyChange || p.rules.length === 0) return 0;
  let changed = 0;
  for (const u of scimUsers) {
    const m = await orgMembership(t, organizationId, u.userId);
    if (!m || m.role === 'owner') continue;
    const role = mappedRole(p.rules, { groups: await groupNames(t, u.scimUserId) }, p.defaultRole);
    if (role !== m.role) {
      await t.update(memberships).set({ role }).where(eq(memberships.id, m.id));
      changed += 1;
    }
  }
  return changed;
}

/** Whether the user is an owner of the organization (SCIM never removes owners). */
export async function isOwner(t: Db, organizationId: string, userId: string): Promise<boolean> {
  return (await orgMembership(t, organizationId, userId))?.role === 'owner';
}

export interface Deprovisioned {
  sessions_ended: number;
  memberships_removed: number;
  keys_revoked: string[];
}

/** Ends the user's sessions, removes their memberships here, revokes the keys they created here (with the edge purge). */
export async function deprovision(w: WriteScope, actor: ScimActor, userId: string, now: Date): Promise<Deprovisioned> {
  const sessionsEnded = await revokeUserSessions(w.t, userId, now);
  const removed = await w.t
    .delete(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, actor.organizationId)))
    .returning({ id: memberships.id });
  const keys = await w.t
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.createdBy, userId), eq(apiKeys.organizationId, actor.organizationId), isNull(apiKeys.revokedAt)));
  const revoked: string[] = [];
  for (const k of keys) {
    const r = await revokeApiKey(w.t, actor, { keyId: k.id, now, reason: 'scim_deprovisioned', context: { scim_token_id: actor.tokenId, user_id: userId } });
    if (r.ok) revoked.push(k.id);
  }
  return { sessions_ended: sessionsEnded, memberships_removed: removed.length, keys_revoked: revoked };
}

/** The SCIM users (of this organization) among `ids`, with their ghee user ids. */
export async function scimUsersAmong(t: Db, organizationId: string, ids: string[]): Promise<{ userId: string; scimUserId: string }[]> {
  if (ids.length === 0) return [];
  return t.select({ userId: scimUsers.userId, scimUserId: scimUsers.id }).from(scimUsers).where(and(eq(scimUsers.organizationId, organizationId), inArray(scimUsers.id, ids)));
}
