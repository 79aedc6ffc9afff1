/**
 * Organizations, members, invitations and the audit trail (JSON under /v1):
 *   GET    /v1/orgs/{org}                         settings            members.read
 *   PATCH  /v1/orgs/{org}                         name, require_2fa   org.manage
 *   GET    /v1/orgs/{org}/spaces                                      members.read (space-only members: their spaces)
 *   POST   /v1/orgs/{org}/spaces                  name (+ slug, default_locale)  spaces.manage
 *   GET    /v1/orgs/{org}/members                                     members.read
 *   PATCH  /v1/orgs/{org}/members/{user}          role (+ space_id)   members.manage
 *   DELETE /v1/orgs/{org}/members/{user}[?space_id=]                   members.manage
 *   GET    /v1/orgs/{org}/invitations                                 members.read
 *   POST   /v1/orgs/{org}/invitations             email, role         members.manage
 *   DELETE /v1/orgs/{org}/invitations/{id}                            members.manage
 *   POST   /v1/invitations/accept                 token (+ name, password for a new account)
 *   GET    /v1/orgs/{org}/audit-events                                audit.read
 *   GET    /v1/orgs/{org}/audit-events/verify                         audit.read
 * Members: the list has one entry per membership row ({user_id, space_id, role, …}); a member
 * is addressed by user_id, which names all of their rows in the organization (organization-wide
 * and per space), and `space_id` narrows a change or a removal to one space's row.
 * Only owners grant, change or remove the owner role, or touch the memberships of anyone who is
 * an owner anywhere in the organization (organization-wide or in a space); an organization keeps
 * at least one organization-wide owner. A role change or removal ends the member's sessions
 * (their next session carries the new role).
 * This file parses, authorizes and calls the services: organization.ts (settings, spaces),
 * ../members/members.ts (roles, removal) and ../members/invitations.ts, whose writes go through
 * the commit step (origin/outbox/commit.ts): one audit row per committed write, and one
 * `failure` row for a refused owner change (the only refusal here that is evidence).
 */
import { and, desc, eq, lt } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import { ROLES } from '../../../shared/permissions.js';
import type { AppContext } from '../../context.js';
import { auditEvents } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { authorizeOrg, authorizeSpace, isUuid, type Actor } from '../../http/authorize.js';
import { parseBody } from '../../http/body.js';
import { emailAddress } from '../email-address.js';
import { timestampParam } from '../../http/input.js';
import { authenticate } from '../../http/request-auth.js';
import { unwrap } from '../../http/result.js';
import { openAuditPersonal, verifyAuditChain } from '../../audit/index.js';
import { assertAcceptablePassword, hashNewPassword, sendMail } from '../context.js';
import { memberSpaceIds, isSpaceSlug, organizationSpaces, spacesByIds, spaceView } from './spaces.js';
import { addSpace, organizationSettings, updateOrganization } from './organization.js';
import { changeMemberRole, listMembers, removeMember, spaceOfOrganization, type MemberActor } from '../members/members.js';
import { acceptInvitation, findOpenInvitation, inviteMember, listInvitations, organizationName, revokeInvitation, userIdByEmail } from '../members/invitations.js';
import { isLocale } from '../../content/routes.js';
import * as docs from './docs.js';

const BODY_LIMIT = 8 * 1024;
const role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });
const uuid = z.string().uuid({ message: 'must be a UUID' });

const orgPatch = z.object({ name: z.string().trim().min(1).max(200).optional(), require_2fa: z.boolean().optional() }).strict();
const memberPatch = z.object({ role, space_id: uuid.optional() }).strict();
/** Never a space id: a malformed `space_id` query answers 404 like an unknown space. */
const NOT_A_SPACE = '00000000-0000-0000-0000-000000000000';
const inviteBody = z
  .object({
    email: emailAddress().transform((v) => v.toLowerCase()),
    role,
    space_id: uuid.optional(),
  })
  .strict();
const spaceBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    slug: z.string().refine(isSpaceSlug, { message: 'must be lower-case letters, digits and inner hyphens (at most 64)' }).optional(),
    default_locale: z.string().refine(isLocale, { message: 'must be a locale code like en, en-US or fr' }).optional(),
  })
  .strict();
const acceptBody = z
  .object({ token: z.string().min(16).max(128), name: z.string().trim().min(1).max(200).optional(), password: z.string().min(1).max(4096).optional() })
  .strict();

/** The request as the actor of a write: who, from where. */
function requestOf(c: Context<OriginEnv>) {
  return { keyId: c.get('principal')?.keyId ?? null, ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null };
}

/** The authorized actor as the actor of an organization's write. */
function writerOf(c: Context<OriginEnv>, actor: Actor): MemberActor {
  return { ...requestOf(c), userId: actor.userId, organizationId: actor.organizationId };
}

export function orgRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const db = () => ctx.database.db;
  const now = () => new Date(ctx.now() * 1000);
  const signedIn = authenticate(ctx);
  const limit = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => {
      throw new ApiError('payload_too_large', `Bodies are limited to ${BODY_LIMIT} bytes.`, { connection: 'close' });
    },
  });

  /** A space of the actor's organization named by a body or query (undefined: none, i.e. organization-wide). */
  const spaceOf = async (actor: Actor, spaceId: string | undefined): Promise<string | null> =>
    spaceId === undefined ? null : unwrap(await spaceOfOrganization(db(), actor.organizationId, spaceId));

  const memberId = (c: Context<OriginEnv>): string => {
    const id = c.req.param('userId');
    if (!isUuid(id)) throw new ApiError('not_found', 'Member not found.');
    return id;
  };

  app.get('/v1/orgs/:orgId', docs.getOrgDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.read');
    return c.json({ data: (await organizationSettings(db(), actor.organizationId))! });
  });

  app.patch('/v1/orgs/:orgId', docs.patchOrgDoc(orgPatch), signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'org.manage');
    const body = await parseBody(c, orgPatch);
    unwrap(await updateOrganization(db(), writerOf(c, actor), body));
    return c.json({ status: 'updated' });
  });

  /**
   * The spaces a member can see: all of them for organization-wide members (and admin keys),
   * only their own for members invited to particular spaces (who have no organization-wide
   * role, so authorizeOrg does not know them; each of their spaces is authorized like any
   * space action, with the 2FA requirement and all).
   */
  app.get('/v1/orgs/:orgId/spaces', docs.listSpacesDoc, signedIn, async (c) => {
    const orgId = c.req.param('orgId');
    let actor: Actor;
    try {
      actor = await authorizeOrg(db(), c, orgId, 'members.read');
    } catch (err) {
      const user = c.get('user');
      if (!(err instanceof ApiError) || err.code !== 'not_found' || !user || !isUuid(orgId)) throw err;
      const ids = await memberSpaceIds(db(), user.userId, orgId);
      if (ids.length === 0) throw err;
      for (const spaceId of ids) await authorizeSpace(db(), c, spaceId, 'members.read');
      return c.json({ data: (await spacesByIds(db(), orgId, ids)).map(spaceView) });
    }
    return c.json({ data: (await organizationSpaces(db(), actor.organizationId)).map(spaceView) });
  });

  app.post('/v1/orgs/:orgId/spaces', docs.createSpaceDoc(spaceBody), signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'spaces.manage');
    const body = await parseBody(c, spaceBody);
    const space = unwrap(await addSpace(db(), writerOf(c, actor), { name: body.name, ...(body.slug ? { slug: body.slug } : {}), ...(body.default_locale ? { defaultLocale: body.default_locale } : {}) }));
    return c.json({ data: spaceView(space) }, 201);
  });

  app.get('/v1/orgs/:orgId/members', docs.listMembersDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.read');
    return c.json({ data: await listMembers(db(), ctx.identity.personalData, actor.organizationId) });
  });

  /**
   * A member is addressed by their user id (`user_id` in the member list), which names all of
   * their memberships in the organization; `space_id` narrows to one space's row. PATCH sets
   * the role of the organization-wide row (no space_id) or of that space's row, creating the
   * row if the member has none there yet.
   */
  app.patch('/v1/orgs/:orgId/members/:userId', docs.patchMemberDoc(memberPatch), signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.manage');
    const userId = memberId(c);
    const body = await parseBody(c, memberPatch);
    const spaceId = await spaceOf(actor, body.space_id);
    unwrap(await changeMemberRole(db(), writerOf(c, actor), { userId, spaceId, role: body.role, now: now() }));
    return c.json({ status: 'updated' });
  });

  /**
   * Removes the member from the organization (every membership row), or with `?space_id=` only
   * from that space. Their sessions end, as on a role change.
   */
  app.delete('/v1/orgs/:orgId/members/:userId', docs.deleteMemberDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.manage');
    const userId = memberId(c);
    const spaceParam = c.req.query('space_id');
    const spaceId = spaceParam === undefined ? null : await spaceOf(actor, isUuid(spaceParam) ? spaceParam : NOT_A_SPACE);
    unwrap(await removeMember(db(), writerOf(c, actor), { userId, spaceId, now: now() }));
    return c.body(null, 204);
  });

  app.get('/v1/orgs/:orgId/invitations', docs.listInvitationsDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.read');
    return c.json({ data: await listInvitations(db(), ctx.identity.personalData, actor.organizationId, now()) });
  });

  app.post('/v1/orgs/:orgId/invitations', docs.inviteDoc(inviteBody), signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.manage');
    const body = await parseBody(c, inviteBody);
    // Only owners hand out the owner role (refused before anything is written).
    if (body.role === 'owner' && actor.role !== 'owner') throw new ApiError('forbidden', 'Only owners grant, change or remove the owner role.');
    const spaceId = await spaceOf(actor, body.space_id);
    const orgName = (await organizationName(db(), actor.organizationId)) ?? 'an organization';
    const invitation = unwrap(await inviteMember(db(), ctx.identity.personalData, writerOf(c, actor), { email: body.email, role: body.role, spaceId, now: now() }));
    await sendMail(ctx.identity, ctx.logger, {
      to: body.email,
      subject: `You are invited to ${orgName} on ghee`,
      text: `You have been invited to join ${orgName} as ${body.role}. Accept within 7 days: ${ctx.identity.publicAppUrl}/invitations/accept?token=${invitation.token}`,
    });
    return c.json({ data: { id: invitation.id, email: body.email, role: body.role, space_id: spaceId, expires_at: invitation.expiresAt.toISOString() } }, 201);
  });

  app.delete('/v1/orgs/:orgId/invitations/:id', docs.revokeInvitationDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.manage');
    const invId = c.req.param('id');
    if (!isUuid(invId)) throw new ApiError('not_found', 'Invitation not found.');
    unwrap(await revokeInvitation(db(), writerOf(c, actor), { invitationId: invId, now: now() }));
    return c.body(null, 204);
  });

  app.get('/v1/orgs/:orgId/audit-events', docs.auditEventsDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'audit.read');
    // 1–500 as documented: anything else is refused, not silently clamped (conformance fuzzing found 501 answered as 500).
    const limitRaw = c.req.query('limit');
    if (limitRaw !== undefined && (!/^\d{1,3}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 500)) throw new ApiError('bad_request', 'limit must be a whole number from 1 to 500.');
    const limitN = Number(limitRaw ?? 100);
    const beforeDate = timestampParam(c, 'before');
    const rows = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, actor.organizationId), beforeDate ? lt(auditEvents.createdAt, beforeDate) : undefined))
      .orderBy(desc(auditEvents.createdAt))
      .limit(limitN);
    return c.json({
      data: rows.map((r) => {
        // Stored sealed (origin/audit/audit.ts): opened for the organization's members.
        const personal = openAuditPersonal(r);
        return {
          id: r.id,
          action: r.action,
          result: r.result,
          actor_user_id: r.actorUserId,
          actor_key_id: r.actorKeyId,
          target_type: r.targetType,
          target_id: r.targetId,
          ip: personal.ip,
          user_agent: personal.userAgent,
          metadata: r.metadata,
          created_at: r.createdAt.toISOString(),
        };
      }),
    });
  });

  /** Recomputes the organization's audit hash chain; legacy (pre-chain) rows are counted, not checked. */
  app.get('/v1/orgs/:orgId/audit-events/verify', docs.verifyAuditDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'audit.read');
    const r = await verifyAuditChain(db(), { organizationId: actor.organizationId });
    return c.json({ data: { valid: r.ok, checked: r.checked, legacy: r.legacy, broken: r.broken } });
  });

  /** Accepting: signed in as the invited address, or creating the account (which the mail verifies). */
  app.post('/v1/invitations/accept', docs.acceptInvitationDoc(acceptBody), authenticate(ctx, { optional: true }), limit, async (c) => {
    const body = await parseBody(c, acceptBody);
    const inv = await findOpenInvitation(db(), ctx.identity.personalData, body.token, now());
    if (!inv) throw new ApiError('bad_request', 'This invitation is invalid, used, revoked or expired.');
    const signed = c.get('user');
    const existing = await userIdByEmail(db(), ctx.identity.personalData, inv.email);
    let newUser: { name: string; passwordHash: string } | null = null;
    if (signed) {
      if (signed.email.toLowerCase() !== inv.email) throw new ApiError('forbidden', 'This invitation is for another email address.');
    } else if (existing) {
      throw new ApiError('unauthenticated', 'Sign in as the invited address to accept.');
    } else {
      if (!body.name || !body.password) throw new ApiError('bad_request', 'Invalid request: name and password are required to create your account.');
      await assertAcceptablePassword(ctx.identity, ctx.logger, body.password, { email: inv.email, name: body.name, organizationName: await organizationName(db(), inv.organizationId) });
      newUser = { name: body.name, passwordHash: await hashNewPassword(ctx.identity, body.password) };
    }
    const joined = unwrap(await acceptInvitation(db(), ctx.identity.personalData, requestOf(c), { invitation: inv, userId: signed?.userId ?? existing, newUser, now: now() }));
    return c.json({ status: 'joined', organization_id: inv.organizationId, user_id: joined.userId }, 201);
  });

  return app;
}
