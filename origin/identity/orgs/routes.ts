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
 * (their next session carries the new role) and is audited in its transaction.
 */
import { and, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { sha256Hex } from '../../../shared/crypto.js';
import { ApiError } from '../../../shared/errors.js';
import { ROLES, type Role } from '../../../shared/permissions.js';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { auditEvents, invitations, memberships, organizations, spaces, users } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { authorizeOrg, authorizeSpace, effectiveRole, isUuid, type Actor } from '../../http/authorize.js';
import { parseBody } from '../../http/body.js';
import { timestampParam } from '../../http/input.js';
import { authenticate } from '../../http/request-auth.js';
import { audit, verifyAuditChain } from '../../audit/index.js';
import { assertAcceptablePassword, hashNewPassword, sendMail } from '../context.js';
import { revokeUserSessions } from '../sessions/sessions.js';
import { createSpace, memberSpaceIds, isSpaceSlug, organizationSpaces, spacesByIds, spaceView } from './spaces.js';
import { isLocale } from '../../content/routes.js';
import { requestActor } from '../accounts/routes.js';

const BODY_LIMIT = 8 * 1024;
const INVITE_TTL_MS = 7 * 24 * 3_600_000;
const role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });
const uuid = z.string().uuid({ message: 'must be a UUID' });

const orgPatch = z.object({ name: z.string().trim().min(1).max(200).optional(), require_2fa: z.boolean().optional() }).strict();
const memberPatch = z.object({ role, space_id: uuid.optional() }).strict();
/** Never a space id: a malformed `space_id` query answers 404 like an unknown space. */
const NOT_A_SPACE = '00000000-0000-0000-0000-000000000000';
const inviteBody = z
  .object({
    email: z
      .string()
      .trim()
      .max(254)
      .email({ message: 'must be an email address' })
      .transform((v) => v.toLowerCase()),
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

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
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

  /** Only owners may hand out, change or take away the owner role. */
  const guardOwnerRole = (actor: Actor, ...roles: (Role | null | undefined)[]) => {
    if (roles.includes('owner') && actor.role !== 'owner') throw new ApiError('forbidden', 'Only owners grant, change or remove the owner role.');
  };

  const spaceOf = async (orgId: string, spaceId: string | undefined) => {
    if (spaceId === undefined) return null;
    const [s] = await db().select({ id: spaces.id }).from(spaces).where(and(eq(spaces.id, spaceId), eq(spaces.organizationId, orgId))).limit(1);
    if (!s) throw new ApiError('not_found', 'Space not found.');
    return s.id;
  };

  app.get('/v1/orgs/:orgId', signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.read');
    const [org] = await db().select().from(organizations).where(eq(organizations.id, actor.organizationId)).limit(1);
    return c.json({ data: { id: org!.id, slug: org!.slug, name: org!.name, require_2fa: org!.require2fa, created_at: org!.createdAt.toISOString() } });
  });

  app.patch('/v1/orgs/:orgId', signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'org.manage');
    const body = await parseBody(c, orgPatch);
    await ctx.database.db.transaction(async (tx) => {
      await tx
        .update(organizations)
        .set({ ...(body.name !== undefined ? { name: body.name } : {}), ...(body.require_2fa !== undefined ? { require2fa: body.require_2fa } : {}) })
        .where(eq(organizations.id, actor.organizationId));
      await audit(tx as unknown as Db, requestActor(c, actor.userId), { action: 'org.update', result: 'success', organizationId: actor.organizationId, targetType: 'organization', targetId: actor.organizationId, metadata: body });
    });
    return c.json({ status: 'updated' });
  });

  /**
   * The spaces a member can see: all of them for organization-wide members (and admin keys),
   * only their own for members invited to particular spaces (who have no organization-wide
   * role, so authorizeOrg does not know them; each of their spaces is authorized like any
   * space action, with the 2FA requirement and all).
   */
  app.get('/v1/orgs/:orgId/spaces', signedIn, async (c) => {
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

  app.post('/v1/orgs/:orgId/spaces', signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'spaces.manage');
    const body = await parseBody(c, spaceBody);
    const space = await ctx.database.db.transaction(async (tx) => {
      const dbx = tx as unknown as Db;
      const row = await createSpace(dbx, { organizationId: actor.organizationId, name: body.name, ...(body.slug ? { slug: body.slug } : {}), ...(body.default_locale ? { defaultLocale: body.default_locale } : {}) });
      await audit(dbx, requestActor(c, actor.userId), {
        action: 'space.create',
        result: 'success',
        organizationId: actor.organizationId,
        targetType: 'space',
        targetId: row.id,
        metadata: { slug: row.slug, default_locale: row.defaultLocale },
      });
      return row;
    });
    return c.json({ data: spaceView(space) }, 201);
  });

  app.get('/v1/orgs/:orgId/members', signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.read');
    const rows = await db()
      .select({ user_id: users.id, email: users.email, name: users.name, role: memberships.role, space_id: memberships.spaceId, joined_at: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.organizationId, actor.organizationId))
      .orderBy(memberships.createdAt);
    return c.json({ data: rows.map((r) => ({ ...r, joined_at: r.joined_at.toISOString() })) });
  });

  const ownersLeft = async (tx: Db, orgId: string): Promise<number> => {
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(memberships)
      .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, 'owner'), isNull(memberships.spaceId)));
    return row?.n ?? 0;
  };

  /**
   * Every membership row of `userId` in the organization (organization-wide and per space),
   * read inside the change's transaction after taking the organization row's lock: member
   * changes of one organization run one at a time, so the owner checks below cannot be raced
   * (two owners demoting each other at once would otherwise each see the other still an owner).
   */
  const lockedMemberRows = async (tx: Db, orgId: string, userId: string) => {
    await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).for('update');
    return tx
      .select({ id: memberships.id, role: memberships.role, spaceId: memberships.spaceId })
      .from(memberships)
      .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
  };

  /**
   * Only owners change owners, in every scope: granting the owner role (organization-wide or in
   * a space), and changing or removing any membership of a user who is an owner anywhere in
   * the organization.
   */
  const ownerChange = (rows: { role: Role }[], granting: Role | null): boolean => granting === 'owner' || rows.some((r) => r.role === 'owner');

  /**
   * Whether the actor may make an owner change, decided on the actor's role as it is now, under
   * the organization lock (an owner demoted a moment ago must not act on the role they had when
   * the request was authorized). API keys never carry members.manage.
   */
  const actorIsOwnerNow = async (tx: Db, actor: Actor): Promise<boolean> =>
    actor.userId !== null && (await effectiveRole(tx, actor.userId, actor.organizationId, null)) === 'owner';

  /** A refused owner change leaves an audit row of its own (the change itself rolled back). */
  const refuseOwnerChange = async (c: Context<OriginEnv>, actor: Actor, action: string, targetId: string, metadata: Record<string, unknown>): Promise<never> => {
    await audit(db(), requestActor(c, actor.userId), { action, result: 'failure', organizationId: actor.organizationId, targetType: 'user', targetId, metadata: { ...metadata, reason: 'owner_role_needs_owner' } });
    throw new ApiError('forbidden', 'Only owners grant, change or remove the owner role, or change the memberships of an owner.');
  };

  const memberId = (c: Context<OriginEnv>): string => {
    const id = c.req.param('userId');
    if (!isUuid(id)) throw new ApiError('not_found', 'Member not found.');
    return id;
  };

  /**
   * A member is addressed by their user id (`user_id` in the member list), which names all of
   * their memberships in the organization; `space_id` narrows to one space's row. PATCH sets
   * the role of the organization-wide row (no space_id) or of that space's row, creating the
   * row if the member has none there yet.
   */
  app.patch('/v1/orgs/:orgId/members/:userId', signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.manage');
    const userId = memberId(c);
    const body = await parseBody(c, memberPatch);
    const spaceId = await spaceOf(actor.organizationId, body.space_id);
    const refused = await ctx.database.db.transaction(async (tx) => {
      const dbx = tx as unknown as Db;
      const rows = await lockedMemberRows(dbx, actor.organizationId, userId);
      if (rows.length === 0) throw new ApiError('not_found', 'Member not found.');
      const existing = rows.find((r) => r.spaceId === spaceId);
      if (ownerChange(rows, body.role) && !(await actorIsOwnerNow(dbx, actor))) return { from: existing?.role ?? null };
      if (existing) await tx.update(memberships).set({ role: body.role }).where(eq(memberships.id, existing.id));
      else await tx.insert(memberships).values({ userId, organizationId: actor.organizationId, spaceId, role: body.role });
      if ((await ownersLeft(dbx, actor.organizationId)) === 0) throw new ApiError('conflict', 'An organization needs at least one owner.');
      const revoked = await revokeUserSessions(dbx, userId, now());
      await audit(dbx, requestActor(c, actor.userId), {
        action: 'member.role_change',
        result: 'success',
        organizationId: actor.organizationId,
        targetType: 'user',
        targetId: userId,
        metadata: { from: existing?.role ?? null, to: body.role, space_id: spaceId, sessions_revoked: revoked },
      });
      return null;
    });
    if (refused) return refuseOwnerChange(c, actor, 'member.role_change', userId, { from: refused.from, to: body.role, space_id: spaceId });
    return c.json({ status: 'updated' });
  });

  /**
   * Removes the member from the organization (every membership row), or with `?space_id=` only
   * from that space. Their sessions end, as on a role change.
   */
  app.delete('/v1/orgs/:orgId/members/:userId', signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.manage');
    const userId = memberId(c);
    const spaceParam = c.req.query('space_id');
    const spaceId = spaceParam === undefined ? null : await spaceOf(actor.organizationId, isUuid(spaceParam) ? spaceParam : NOT_A_SPACE);
    const refused = await ctx.database.db.transaction(async (tx) => {
      const dbx = tx as unknown as Db;
      const rows = await lockedMemberRows(dbx, actor.organizationId, userId);
      const removed = spaceId === null ? rows : rows.filter((r) => r.spaceId === spaceId);
      if (removed.length === 0) throw new ApiError('not_found', 'Member not found.');
      if (ownerChange(rows, null) && !(await actorIsOwnerNow(dbx, actor))) return true;
      await tx.delete(memberships).where(inArray(memberships.id, removed.map((r) => r.id)));
      if ((await ownersLeft(dbx, actor.organizationId)) === 0) throw new ApiError('conflict', 'An organization needs at least one owner.');
      const revoked = await revokeUserSessions(dbx, userId, now());
      await audit(dbx, requestActor(c, actor.userId), {
        action: 'member.remove',
        result: 'success',
        organizationId: actor.organizationId,
        targetType: 'user',
        targetId: userId,
        metadata: { removed: removed.map((r) => ({ role: r.role, space_id: r.spaceId })), space_id: spaceId, sessions_revoked: revoked },
      });
      return false;
    });
    if (refused) return refuseOwnerChange(c, actor, 'member.remove', userId, { space_id: spaceId });
    return c.body(null, 204);
  });

  app.get('/v1/orgs/:orgId/invitations', signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.read');
    const rows = await db()
      .select()
      .from(invitations)
      .where(and(eq(invitations.organizationId, actor.organizationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now())))
      .orderBy(desc(invitations.createdAt));
    return c.json({ data: rows.map((r) => ({ id: r.id, email: r.email, role: r.role, space_id: r.spaceId, created_at: iso(r.createdAt), expires_at: iso(r.expiresAt) })) });
  });

  app.post('/v1/orgs/:orgId/invitations', signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.manage');
    const body = await parseBody(c, inviteBody);
    guardOwnerRole(actor, body.role);
    const spaceId = await spaceOf(actor.organizationId, body.space_id);
    const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    const [org] = await db().select({ name: organizations.name }).from(organizations).where(eq(organizations.id, actor.organizationId)).limit(1);
    const invitation = await ctx.database.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(invitations)
        .values({ organizationId: actor.organizationId, spaceId, email: body.email, role: body.role, tokenHash: sha256Hex(token), invitedBy: actor.userId, expiresAt: new Date(now().getTime() + INVITE_TTL_MS) })
        .returning({ id: invitations.id, expiresAt: invitations.expiresAt });
      await audit(tx as unknown as Db, requestActor(c, actor.userId), { action: 'member.invite', result: 'success', organizationId: actor.organizationId, targetType: 'invitation', targetId: row!.id, metadata: { role: body.role, space_id: spaceId } });
      return row!;
    });
    await sendMail(ctx.identity, ctx.logger, {
      to: body.email,
      subject: `You are invited to ${org?.name ?? 'an organization'} on ghee`,
      text: `You have been invited to join ${org?.name ?? 'an organization'} as ${body.role}. Accept within 7 days: ${ctx.identity.publicAppUrl}/invitations/accept?token=${token}`,
    });
    return c.json({ data: { id: invitation.id, email: body.email, role: body.role, space_id: spaceId, expires_at: invitation.expiresAt.toISOString() } }, 201);
  });

  app.delete('/v1/orgs/:orgId/invitations/:id', signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.manage');
    const invId = c.req.param('id');
    if (!isUuid(invId)) throw new ApiError('not_found', 'Invitation not found.');
    const done = await ctx.database.db.transaction(async (tx) => {
      const rows = await tx
        .update(invitations)
        .set({ revokedAt: now() })
        .where(and(eq(invitations.id, invId), eq(invitations.organizationId, actor.organizationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
        .returning({ id: invitations.id });
      if (rows.length === 0) return false;
      await audit(tx as unknown as Db, requestActor(c, actor.userId), { action: 'member.invite_revoke', result: 'success', organizationId: actor.organizationId, targetType: 'invitation', targetId: invId });
      return true;
    });
    if (!done) throw new ApiError('not_found', 'Invitation not found.');
    return c.body(null, 204);
  });

  app.get('/v1/orgs/:orgId/audit-events', signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'audit.read');
    const limitN = Math.min(500, Math.max(1, Number(c.req.query('limit') ?? 100) || 100));
    const beforeDate = timestampParam(c, 'before');
    const rows = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, actor.organizationId), beforeDate ? lt(auditEvents.createdAt, beforeDate) : undefined))
      .orderBy(desc(auditEvents.createdAt))
      .limit(limitN);
    return c.json({
      data: rows.map((r) => ({
        id: r.id,
        action: r.action,
        result: r.result,
        actor_user_id: r.actorUserId,
        actor_key_id: r.actorKeyId,
        target_type: r.targetType,
        target_id: r.targetId,
        ip: r.ip,
        user_agent: r.userAgent,
        metadata: r.metadata,
        created_at: r.createdAt.toISOString(),
      })),
    });
  });

  /** Recomputes the organization's audit hash chain; legacy (pre-chain) rows are counted, not checked. */
  app.get('/v1/orgs/:orgId/audit-events/verify', signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'audit.read');
    const r = await verifyAuditChain(db(), { organizationId: actor.organizationId });
    return c.json({ data: { valid: r.ok, checked: r.checked, legacy: r.legacy, broken: r.broken } });
  });

  /** Accepting: signed in as the invited address, or creating the account (which the mail verifies). */
  app.post('/v1/invitations/accept', authenticate(ctx, { optional: true }), limit, async (c) => {
    const body = await parseBody(c, acceptBody);
    const [inv] = await db()
      .select()
      .from(invitations)
      .where(and(eq(invitations.tokenHash, sha256Hex(body.token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now())))
      .limit(1);
    if (!inv) throw new ApiError('bad_request', 'This invitation is invalid, used, revoked or expired.');
    const signed = c.get('user');
    const [existing] = await db().select({ id: users.id }).from(users).where(eq(users.email, inv.email)).limit(1);
    let newUser: { name: string; hash: string } | null = null;
    if (signed) {
      if (signed.email.toLowerCase() !== inv.email) throw new ApiError('forbidden', 'This invitation is for another email address.');
    } else if (existing) {
      throw new ApiError('unauthenticated', 'Sign in as the invited address to accept.');
    } else {
      if (!body.name || !body.password) throw new ApiError('bad_request', 'Invalid request: name and password are required to create your account.');
      const [org] = await db().select({ name: organizations.name }).from(organizations).where(eq(organizations.id, inv.organizationId)).limit(1);
      await assertAcceptablePassword(ctx.identity, ctx.logger, body.password, { email: inv.email, name: body.name, organizationName: org?.name ?? null });
      newUser = { name: body.name, hash: await hashNewPassword(ctx.identity, body.password) };
    }
    const userId = await ctx.database.db.transaction(async (tx) => {
      const claimed = await tx.update(invitations).set({ acceptedAt: now() }).where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt))).returning({ id: invitations.id });
      if (claimed.length === 0) throw new ApiError('bad_request', 'This invitation is invalid, used, revoked or expired.');
      let uid = signed?.userId ?? existing?.id ?? null;
      if (!uid && newUser) {
        const [u] = await tx.insert(users).values({ email: inv.email, name: newUser.name, passwordHash: newUser.hash, emailVerifiedAt: now() }).returning({ id: users.id });
        uid = u!.id;
      }
      await tx
        .insert(memberships)
        .values({ userId: uid!, organizationId: inv.organizationId, spaceId: inv.spaceId, role: inv.role })
        .onConflictDoNothing();
      await audit(tx as unknown as Db, requestActor(c, uid), { action: 'member.join', result: 'success', organizationId: inv.organizationId, targetType: 'invitation', targetId: inv.id, metadata: { role: inv.role, space_id: inv.spaceId } });
      return uid!;
    });
    return c.json({ status: 'joined', organization_id: inv.organizationId, user_id: userId }, 201);
  });

  return app;
}
