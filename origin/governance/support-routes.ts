/**
 * Support access and management IP allowlists over HTTP (issue 16):
 *
 *   POST   /v1/operator/login                      { email, password, otp }  an operator's sign-in (TOTP always)
 *   POST   /v1/operator/logout                     the operator's session ends
 *   GET    /v1/orgs/{org}/support-grants           support.manage (owners, admins; sessions only)
 *   POST   /v1/orgs/{org}/support-grants           { scope, space_ids, reason, ticket?, expires_in_hours (≤ 72), operator_email? }
 *   DELETE /v1/orgs/{org}/support-grants/{id}      revokes at once
 *   GET    /v1/orgs/{org}/support-access           ?limit=  the access log (support.* audit rows)
 *   GET    /v1/orgs/{org}/ip-allowlist             allowlist.manage
 *   PUT    /v1/orgs/{org}/ip-allowlist             { api_key_cidrs, session_cidrs, enforce_reads }  (recent sign-in; inside the new list)
 *   POST   /v1/orgs/{org}/ip-allowlist/break-glass { reason }  an owner with 2FA and a recent sign-in, from anywhere
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../shared/errors.js';
import { roleAllows } from '../../shared/permissions.js';
import type { AppContext } from '../context.js';
import type { OriginEnv } from '../env.js';
import { authorizeOrg, effectiveRole, isUuid } from '../http/authorize.js';
import { parseBody } from '../http/body.js';
import { authenticate } from '../http/request-auth.js';
import { unwrap } from '../http/result.js';
import { csrfTokenFor, csrfTokenValid, CSRF_HEADER, hashSessionToken, requireRecentReauthentication, verifyingAuthSecrets } from '../identity/index.js';
import { breakGlass, getAllowlist, setAllowlist } from './allowlist.js';
import { accessLog, createGrant, grantView, listGrants, MAX_GRANT_HOURS, notifyOwners, revokeGrant, SUPPORT_SCOPES } from './grants.js';
import { clearedOperatorCookie, endOperatorSession, findOperatorSession, operatorCookie, operatorLogin, operatorTokenFromCookie } from './operators.js';
import * as docs from './docs.js';

const BODY_LIMIT = 16 * 1024;
const text = (max: number) => z.string().trim().min(1).max(max);

const loginBody = z.strictObject({ email: z.string().max(254), password: z.string().max(1024), otp: z.string().max(16) });
const grantBody = z.strictObject({
  scope: z.enum(SUPPORT_SCOPES),
  space_ids: z.array(z.string().uuid({ message: 'must be a space id' })).min(1).max(50),
  reason: text(500),
  ticket: text(100).optional(),
  expires_in_hours: z.number().positive().max(MAX_GRANT_HOURS, { message: `must be at most ${MAX_GRANT_HOURS}` }),
  operator_email: z.string().max(254).optional(),
});
const cidrs = z.array(z.string().max(64)).max(100);
const allowlistBody = z.strictObject({ api_key_cidrs: cidrs, session_cidrs: cidrs, enforce_reads: z.boolean().default(false) });
const breakGlassBody = z.strictObject({ reason: text(500) });

export function supportRoutes(ctx: AppContext): Hono<OriginEnv> {
  const app = new Hono<OriginEnv>();
  const db = () => ctx.database.db;
  const now = () => new Date(ctx.now() * 1000);
  const signedIn = authenticate(ctx);
  const limit = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => {
      throw new ApiError('payload_too_large', `Bodies are limited to ${BODY_LIMIT} bytes.`, { connection: 'close' });
    },
  });
  const deps = { identity: ctx.identity, envelope: ctx.envelope };
  const who = (c: Context<OriginEnv>) => ({ ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null });
  const orgActor = (c: Context<OriginEnv>, organizationId: string) => ({
    userId: c.get('user')?.userId ?? null,
    keyId: c.get('principal')?.keyId ?? null,
    organizationId,
    ...who(c),
  });

  // ------------------------------------------------------------------ operators
  app.post('/v1/operator/login', docs.operatorLoginDoc(loginBody), limit, async (c) => {
    const body = await parseBody(c, loginBody);
    const r = unwrap(await operatorLogin(db(), deps, body, who(c), now()));
    c.header('set-cookie', operatorCookie(r.token, r.expiresAt));
    return c.json({ operator_id: r.operatorId, expires_at: r.expiresAt.toISOString(), csrf_token: csrfTokenFor(ctx.identity.authSecret, hashSessionToken(r.token)) });
  });

  app.post('/v1/operator/logout', docs.operatorLogoutDoc, async (c) => {
    const token = operatorTokenFromCookie(c.req.header('cookie'));
    const session = token ? await findOperatorSession(db(), token, now()) : null;
    if (!session) throw new ApiError('unauthenticated', 'No operator session.');
    if (!csrfTokenValid(verifyingAuthSecrets(ctx.identity), session.tokenHash, c.req.header(CSRF_HEADER))) throw new ApiError('csrf_failed', 'Missing or invalid CSRF token.');
    await endOperatorSession(db(), session, c.get('clientIp'), now());
    c.header('set-cookie', clearedOperatorCookie());
    return c.body(null, 204);
  });

  // ------------------------------------------------------------------ support grants
  app.get('/v1/orgs/:orgId/support-grants', docs.listGrantsDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'support.manage');
    const at = now();
    return c.json({ data: (await listGrants(db(), actor.organizationId)).map((g) => grantView(g, at)) });
  });

  app.post('/v1/orgs/:orgId/support-grants', docs.createGrantDoc(grantBody), signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'support.manage');
    const body = await parseBody(c, grantBody);
    const at = now();
    const grant = unwrap(
      await createGrant(db(), ctx.identity.personalData, orgActor(c, actor.organizationId), { scope: body.scope, spaceIds: body.space_ids, reason: body.reason, ticket: body.ticket, expiresInHours: body.expires_in_hours, operatorEmail: body.operator_email }, at),
      'Invalid request: ',
    );
    const notice = [
      `A support grant was created for your ghee organization by ${c.get('user')?.email ?? 'an administrator'}.`,
      `Scope: ${grant.scope}, spaces: ${grant.spaceIds.join(', ')}. Expires: ${grant.expiresAt.toISOString()}.`,
      `Reason: ${grant.reason}${grant.ticket ? ` (ticket ${grant.ticket})` : ''}.`,
      'Every request made under it is logged (GET /v1/orgs/{org}/support-access); revoke it at any time.',
    ].join('\n');
    await notifyOwners(db(), { mail: ctx.identity.mail, personalData: ctx.identity.personalData }, actor.organizationId, 'Support access granted', notice, (err) =>
      c.get('logger').error({ err: err instanceof Error ? err.message : 'unknown' }, 'support notice not delivered'),
    );
    return c.json(grantView(grant, at), 201);
  });

  app.delete('/v1/orgs/:orgId/support-grants/:grantId', docs.revokeGrantDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'support.manage');
    const id = c.req.param('grantId');
    if (!isUuid(id)) throw new ApiError('not_found', 'Support grant not found.');
    const at = now();
    return c.json(grantView(unwrap(await revokeGrant(db(), orgActor(c, actor.organizationId), id, at)), at));
  });

  app.get('/v1/orgs/:orgId/support-access', docs.supportAccessDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'support.manage');
    const raw = c.req.query('limit');
    const n = raw === undefined ? 100 : Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ApiError('bad_request', 'limit must be an integer from 1 to 1000.');
    return c.json({ data: await accessLog(db(), actor.organizationId, n) });
  });

  // ------------------------------------------------------------------ IP allowlists
  app.get('/v1/orgs/:orgId/ip-allowlist', docs.getAllowlistDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'allowlist.manage');
    return c.json(await getAllowlist(db(), actor.organizationId));
  });

  app.put('/v1/orgs/:orgId/ip-allowlist', docs.putAllowlistDoc(allowlistBody), signedIn, limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'allowlist.manage');
    const user = c.get('user');
    if (user) await requireRecentReauthentication(db(), user.sessionId, now(), ctx.identity.reauthMaxAgeMs);
    const body = await parseBody(c, allowlistBody);
    const requester = { ip: c.get('clientIp'), credential: user ? ('session' as const) : ('api_key' as const) };
    return c.json(unwrap(await setAllowlist(db(), orgActor(c, actor.organizationId), requester, { apiKeyCidrs: body.api_key_cidrs, sessionCidrs: body.session_cidrs, enforceReads: body.enforce_reads }, now()), 'Invalid request: '));
  });

  // Break-glass: not through authorizeOrg (the allowlist would refuse it); an owner's session only.
  app.post('/v1/orgs/:orgId/ip-allowlist/break-glass', docs.breakGlassDoc(breakGlassBody), signedIn, limit, async (c) => {
    const organizationId = c.req.param('orgId');
    const user = c.get('user');
    if (c.get('principal') || c.get('support') || !user) throw new ApiError('forbidden', 'Break-glass is for an owner signed in with a session.');
    if (!isUuid(organizationId)) throw new ApiError('not_found', 'Organization not found.');
    const role = await effectiveRole(db(), user.userId, organizationId, null);
    if (!role) throw new ApiError('not_found', 'Organization not found.');
    if (!roleAllows(role, 'allowlist.break_glass')) throw new ApiError('forbidden', `Your role (${role}) does not allow allowlist.break_glass: only owners may lift the IP allowlist.`);
    const body = await parseBody(c, breakGlassBody);
    if (!user.hasTotp) throw new ApiError('mfa_enrollment_required', 'Break-glass needs two-factor authentication: enroll first.');
    await requireRecentReauthentication(db(), user.sessionId, now(), ctx.identity.reauthMaxAgeMs);
    return c.json(unwrap(await breakGlass(db(), { userId: user.userId, keyId: null, organizationId, ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null }, body.reason, now())));
  });

  return app;
}
