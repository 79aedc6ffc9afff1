/**
 * Organizations, members, invitations and the audit trail (JSON under /v1):
 *   GET    /v1/orgs/{org}                         settings            members.read
 *   PATCH  /v1/orgs/{org}                         name, require_2fa   org.manage
 *   GET    /v1/orgs/{org}/members                                     members.read
 *   PATCH  /v1/orgs/{org}/members/{user}          role (+ space_id)   members.manage
 *   DELETE /v1/orgs/{org}/members/{user}                              members.manage
 *   GET    /v1/orgs/{org}/invitations                                 members.read
 *   POST   /v1/orgs/{org}/invitations             email, role         members.manage
 *   DELETE /v1/orgs/{org}/invitations/{id}                            members.manage
 *   POST   /v1/invitations/accept                 token (+ name, password for a new account)
 *   GET    /v1/orgs/{org}/audit-events                                audit.read
 *   GET    /v1/orgs/{org}/audit-events/verify                         audit.read
 * Only owners grant, change or remove the owner role, and an organization keeps at least one
 * owner. A role change ends the member's sessions (their next session carries the new role).
 */
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { sha256Hex } from '../../shared/crypto.js';
import { ApiError } from '../../shared/errors.js';
import { ROLES, type Role } from '../../shared/permissions.js';
import type { AppContext } from '../app.js';
import type { Db } from '../db/client.js';
import { auditEvents, invitations, memberships, organizations, spaces, users } from '../db/schema/index.js';
import type { OriginEnv } from '../env.js';
import { authorizeOrg, isUuid, type Actor } from '../http/authorize.js';
import { parseBody } from '../http/body.js';
import { timestampParam } from '../http/input.js';
import { authenticate } from '../middleware/authenticate.js';
import { audit, verifyAuditChain } from '../services/audit.js';
import { assertAcceptablePassword, hashNewPassword, sendMail } from '../services/identity.js';
import { revokeUserSessions } from '../services/sessions.js';
import { requestActor } from './auth.js';

const BODY_LIMIT = 8 * 1024;
const INVITE_TTL_MS = 7 * 24 * 3_600_000;
const role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });
const uuid = z.string().uuid({ message: 'must be a UUID' });

const orgPatch = z.object({ name: z.string().trim().min(1).max(200).optional(), require_2fa: z.boolean().optional() }).strict();
const memberPatch = z.object({ role, space_id: uuid.optional() }).strict();
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

  const membershipOf = async (orgId: string, userId: string | undefined, spaceId: string | null) => {
    if (!isUuid(userId)) throw new ApiError('not_found', 'Member not found.');
    const [m] = await db()
      .select({ id: memberships.id, role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId), spaceId ? eq(memberships.spaceId, spaceId) : isNull(memberships.spaceId)))
      .limit(1);
    return m ? { ...m, userId } : null;
  };

  app.patch('/v1/orgs/:orgId/members/:userId', signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.manage');
    const body = await parseBody(c, memberPatch);
    const spaceId = await spaceOf(actor.organizationId, body.space_id);
    const orgMember = await membershipOf(actor.organizationId, c.req.param('userId'), null);
    if (!orgMember) throw new ApiError('not_found', 'Member not found.');
    const existing = spaceId ? await membershipOf(actor.organizationId, orgMember.userId, spaceId) : orgMember;
    guardOwnerRole(actor, body.role, existing?.role);
    await ctx.database.db.transaction(async (tx) => {
      const dbx = tx as unknown as Db;
      if (existing) await tx.update(memberships).set({ role: body.role }).where(eq(memberships.id, existing.id));
      else await tx.insert(memberships).values({ userId: orgMember.userId, organizationId: actor.organizationId, spaceId, role: body.role });
      if (!spaceId && (await ownersLeft(dbx, actor.organizationId)) === 0) throw new ApiError('conflict', 'An organization needs at least one owner.');
      const revoked = await revokeUserSessions(dbx, orgMember.userId, now());
      await audit(dbx, requestActor(c, actor.userId), {
        action: 'member.role_change',
        result: 'success',
        organizationId: actor.organizationId,
        targetType: 'user',
        targetId: orgMember.userId,
        metadata: { from: existing?.role ?? null, to: body.role, space_id: spaceId, sessions_revoked: revoked },
      });
    });
    return c.json({ status: 'updated' });
  });

  app.delete('/v1/orgs/:orgId/members/:userId', signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'members.manage');
    const member = await membershipOf(actor.organizationId, c.req.param('userId'), null);
    if (!member) throw new ApiError('not_found', 'Member not found.');
    guardOwnerRole(actor, member.role);
    await ctx.database.db.transaction(async (tx) => {
      const dbx = tx as unknown as Db;
      await tx.delete(memberships).where(and(eq(memberships.organizationId, actor.organizationId), eq(memberships.userId, member.userId)));
      if ((await ownersLeft(dbx, actor.organizationId)) === 0) throw new ApiError('conflict', 'An organization needs at least one owner.');
      await audit(dbx, requestActor(c, actor.userId), { action: 'member.remove', result: 'success', organizationId: actor.organizationId, targetType: 'user', targetId: member.userId, metadata: { role: member.role } });
    });
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
