/**
 * The end of every SSO login, whatever the protocol: the identity the IdP asserted becomes a
 * ghee user, a membership and a session — or a refusal with a reason code, audited as a failure
 * in the organization's chain (never the raw assertion or token).
 *
 * Rules, in order:
 *  - the connection is enabled;
 *  - the email's domain is verified by the connection's organization and served by this
 *    connection (an IdP signs in only its own organization's verified domains);
 *  - the IdP says the email is verified (OIDC `email_verified`; SAML IdPs vouch for their users);
 *  - the user's account is not disabled.
 * Then JIT provisioning: a new email gets a user (no password) and an organization-wide
 * membership; an existing user without a membership gets one. The role is the first mapping
 * rule whose claim holds its value, else the connection's default role. With mapping mode
 * `every_login` the IdP's answer replaces the role at each login (a hand change lasts until the
 * next login); with `creation` (the default) the role is set once and a hand change wins. Owners
 * are never demoted by a mapping (owners are made and unmade by owners, by hand).
 */
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { PersonalData } from '../../crypto/personal-data.js';
import type { Db } from '../../db/client.js';
import { sealUser, userEmailIs } from '../people.js';
import { memberships, ssoDomains, ssoPolicies, users, type RoleMappingRule } from '../../db/schema/index.js';
import type { Role } from '../../../shared/permissions.js';
import { commitWrite, type WriteActor } from '../../outbox/index.js';
import { createSession, type NewSession, type SessionPolicy } from '../sessions/sessions.js';
import type { ConnectionRow } from './connections.js';
import { emailDomain } from './domains.js';

export interface AssertedIdentity {
  email: string;
  emailVerified: boolean;
  /** The IdP's stable subject (OIDC `sub`, SAML NameID). */
  subject: string;
  name: string | null;
  /** Claims or attributes the mapping rules read (groups, department…). */
  claims: Record<string, unknown>;
}

export type SsoRefusal = 'connection_disabled' | 'domain_not_verified' | 'email_unverified' | 'account_disabled' | 'plan_limit';

export type SsoLoginResult = { ok: true; userId: string; session: NewSession; created: boolean; role: Role } | { ok: false; reason: SsoRefusal };

/** The role the rules give (first match wins), else the default. */
export function mappedRole(rules: readonly RoleMappingRule[], claims: Record<string, unknown>, fallback: Role): Role {
  for (const r of rules) {
    const v = claims[r.claim];
    const values = Array.isArray(v) ? v : [v];
    if (values.some((x) => typeof x === 'string' && x === r.value)) return r.role;
  }
  return fallback;
}

export interface LoginMeta {
  ip: string | null;
  userAgent: string | null;
  now: Date;
  sessionPolicy: SessionPolicy;
  personalData: PersonalData;
}

export async function completeSsoLogin(db: Db, connection: ConnectionRow, who: AssertedIdentity, meta: LoginMeta): Promise<SsoLoginResult> {
  const actor: WriteActor = { userId: null, keyId: null, organizationId: connection.organizationId, ip: meta.ip, userAgent: meta.userAgent };
  const email = who.email.trim().toLowerCase();
  const domain = emailDomain(email);
  const target = { type: 'sso_connection', id: connection.id };
  const base = { connection_id: connection.id, protocol: connection.protocol, domain };
  const r = await commitWrite(db, actor, null, async (w): Promise<SsoLoginResult> => {
    const refuse = (reason: SsoRefusal): SsoLoginResult => {
      w.refused({ action: 'sso.login', target, metadata: { ...base, reason } });
      return { ok: false, reason };
    };
    if (!connection.enabled) return refuse('connection_disabled');
    // One statement (prepared): the verified domain this connection serves, and with it the user
    // of this email, their organization-wide membership and the organization's SSO policy.
    const [found] = domain
      ? await w.t
          .select({ userId: users.id, disabledAt: users.disabledAt, membershipId: memberships.id, role: memberships.role, sessionMaxMinutes: ssoPolicies.sessionMaxMinutes })
          .from(ssoDomains)
          .leftJoin(users, userEmailIs(meta.personalData, email))
          .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.organizationId, ssoDomains.organizationId), isNull(memberships.spaceId)))
          .leftJoin(ssoPolicies, eq(ssoPolicies.organizationId, ssoDomains.organizationId))
          .where(and(eq(ssoDomains.domain, domain), eq(ssoDomains.organizationId, connection.organizationId), eq(ssoDomains.connectionId, connection.id), isNotNull(ssoDomains.verifiedAt)))
          .limit(1)
          .prepare('sso_login_lookup')
          .execute()
      : [];
    if (!found) return refuse('domain_not_verified');
    if (!who.emailVerified) return refuse('email_unverified');

    let user = found.userId === null ? undefined : { id: found.userId, disabledAt: found.disabledAt };
    let created = false;
    if (user?.disabledAt) return refuse('account_disabled');
    if (!user) {
      [user] = await w.t
        .insert(users)
        .values({ ...sealUser(meta.personalData, { email, name: who.name?.slice(0, 200) || email }), passwordHash: null, emailVerifiedAt: meta.now })
        .returning({ id: users.id, disabledAt: users.disabledAt });
      created = true;
    }
    const userId = user!.id;
    const fromIdp = mappedRole(connection.mappingRules, who.claims, connection.defaultRole);
    const membership = found.membershipId === null || found.role === null ? undefined : { id: found.membershipId, role: found.role };
    let role: Role;
    let joined = false;
    if (!membership) {
      await w.t.insert(memberships).values({ userId, organizationId: connection.organizationId, role: fromIdp });
      role = fromIdp;
      joined = true;
    } else if (connection.mappingMode === 'every_login' && membership.role !== 'owner' && membership.role !== fromIdp) {
      await w.t.update(memberships).set({ role: fromIdp }).where(eq(memberships.id, membership.id));
      role = fromIdp;
    } else {
      role = membership.role;
    }
    const session = await createSession(w.t, {
      userId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      now: meta.now,
      policy: meta.sessionPolicy,
      personalData: meta.personalData,
      sso: { connectionId: connection.id, maxAbsoluteMs: found.sessionMaxMinutes === null ? null : found.sessionMaxMinutes * 60_000 },
    });
    w.audit({ action: 'sso.login', target, metadata: { ...base, user_id: userId, user_created: created, membership_created: joined, role } });
    return { ok: true, userId, session, created, role };
  });
  // A write guard's refusal (origin/billing: a new member past the plan's limit) rolled the sign-in back.
  if (!r.ok && !('reason' in r)) return { ok: false, reason: 'plan_limit' };
  return r;
}
