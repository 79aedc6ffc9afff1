/**
 * API-key management of an organization (JSON under /v1/orgs/{org}/api-keys):
 *   GET    /v1/orgs/{org}/api-keys                    keys.read    prefix + last four, never the hash or token
 *   POST   /v1/orgs/{org}/api-keys                    keys.manage  { name, kind, space_id?, scopes?, expires_at? } → 201, token shown once
 *   POST   /v1/orgs/{org}/api-keys/{id}/rotate        keys.manage  { grace_seconds? } → 201, the new token shown once
 *   DELETE /v1/orgs/{org}/api-keys/{id}               keys.manage  revoke now (+ purge `key:<id>` at the edge)
 * Scopes never exceed the creator: a user's effective role in the key's space (or the
 * organization, for admin keys), or the creating admin key's own scopes; asking for more is
 * refused (403). A key of another organization answers 404, whatever the id. Revoking a key
 * that is already revoked answers 409 (`conflict`), as does rotating a revoked, expired or
 * already rotated key. Every create / rotate / revoke goes through the commit step
 * (origin/outbox/commit.ts, in api-keys.ts): its audit row in its transaction, the `key:<id>`
 * purge queued there and the purge worker kicked after the commit; a refused scope escalation
 * writes one `failure` row.
 * A session creating or rotating a key (both hand out a new secret) must have proved the
 * password lately (POST /v1/auth/reauthenticate, 403 reauthentication_required otherwise);
 * admin keys creating keys are not sessions and need no such proof.
 */
import { and, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { API_KEY_KINDS, type ApiKeyKind } from '../../../shared/api-key.js';
import { ApiError } from '../../../shared/errors.js';
import { ACTIONS, keyAllows, roleAllows, type Action } from '../../../shared/permissions.js';
import type { AppContext } from '../../context.js';
import { spaces } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { authorizeOrg, effectiveRole, isUuid, type Actor } from '../../http/authorize.js';
import { parseBody } from '../../http/body.js';
import { timestampField } from '../../http/input.js';
import { authenticate } from '../../http/request-auth.js';
import { unwrap } from '../../http/result.js';
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey, type KeyActor } from './api-keys.js';
import { requireRecentReauthentication } from '../sessions/sessions.js';
import * as docs from './docs.js';

const BODY_LIMIT = 8 * 1024;
export const MAX_GRACE_SECONDS = 90 * 24 * 3600;

const uuid = z.string().refine((v) => isUuid(v), { message: 'must be a UUID' });

const createBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: z.enum(API_KEY_KINDS),
    space_id: uuid.optional(),
    scopes: z.array(z.enum(ACTIONS)).min(1).max(ACTIONS.length).optional(),
    expires_at: timestampField().optional(),
  })
  .strict();

const rotateBody = z.object({ grace_seconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).optional() }).strict();

export function apiKeyRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const db = () => ctx.database.db;
  const now = () => new Date(ctx.now() * 1000);
  const base = '/v1/orgs/:orgId/api-keys';
  const signedIn = authenticate(ctx);
  const limit = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => {
      throw new ApiError('payload_too_large', `Bodies are limited to ${BODY_LIMIT} bytes.`, { connection: 'close' });
    },
  });

  app.use(base, signedIn);
  app.use(`${base}/*`, signedIn);

  /** What the caller may grant in `spaceId` (null: organization-wide, i.e. admin keys). */
  const grantable = async (c: Context<OriginEnv>, actor: Actor, spaceId: string | null): Promise<(a: Action) => boolean> => {
    if (actor.userId) {
      const role = spaceId ? await effectiveRole(db(), actor.userId, actor.organizationId, spaceId) : actor.role;
      return role ? (a) => roleAllows(role, a) : () => false;
    }
    // A key created by an admin key: within its kind and never beyond the creating key.
    const key = c.get('principal');
    return key ? (a) => keyAllows(key, a) : () => false;
  };

  /** Sessions mint new key secrets only shortly after proving the password (a stolen cookie alone cannot). */
  const recentSignIn = async (c: Context<OriginEnv>): Promise<void> => {
    const user = c.get('user');
    if (user) await requireRecentReauthentication(db(), user.sessionId, now(), ctx.identity.reauthMaxAgeMs);
  };

  /** The authorized actor as the actor of a key write. */
  const writer = (c: Context<OriginEnv>, actor: Actor): KeyActor => ({
    userId: actor.userId,
    keyId: c.get('principal')?.keyId ?? null,
    ip: c.get('clientIp'),
    userAgent: c.req.header('user-agent') ?? null,
    organizationId: actor.organizationId,
  });

  const keyId = (c: Context<OriginEnv>): string => {
    const id = c.req.param('keyId');
    if (!isUuid(id)) throw new ApiError('not_found', 'API key not found.');
    return id;
  };

  app.get(base, docs.listKeysDoc, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'keys.read');
    c.header('cache-control', 'no-store');
    return c.json({ data: await listApiKeys(db(), actor.organizationId) });
  });

  app.post(base, docs.createKeyDoc(createBody), limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'keys.manage');
    await recentSignIn(c);
    const body = await parseBody(c, createBody);
    const kind: ApiKeyKind = body.kind;
    let spaceId: string | null = null;
    if (kind === 'admin') {
      if (body.space_id !== undefined) throw new ApiError('bad_request', 'Invalid request: space_id: admin keys belong to the organization, not a space.');
    } else {
      if (body.space_id === undefined) throw new ApiError('bad_request', `Invalid request: space_id: is required for ${kind} keys.`);
      const [space] = await db()
        .select({ id: spaces.id })
        .from(spaces)
        .where(and(eq(spaces.id, body.space_id), eq(spaces.organizationId, actor.organizationId)))
        .limit(1);
      if (!space) throw new ApiError('not_found', 'Space not found.');
      spaceId = space.id;
    }
    const expiresAt = body.expires_at === undefined ? null : new Date(body.expires_at);
    if (expiresAt && expiresAt <= now()) throw new ApiError('bad_request', 'Invalid request: expires_at: must be in the future.');
    const requested = body.scopes === undefined ? undefined : [...new Set(body.scopes)];
    const may = await grantable(c, actor, spaceId);
    const created = unwrap(await createApiKey(db(), writer(c, actor), { spaceId, kind, name: body.name, requested, may, expiresAt }));
    c.header('cache-control', 'no-store');
    return c.json({ data: { ...created.view, token: created.token } }, 201);
  });

  app.post(`${base}/:keyId/rotate`, docs.rotateKeyDoc(rotateBody), limit, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'keys.manage');
    const id = keyId(c);
    await recentSignIn(c);
    // The body is optional: a bare POST rotates with the configured grace period.
    const bare = c.req.header('content-type') === undefined && (await c.req.text()).length === 0;
    const body = bare ? {} : await parseBody(c, rotateBody);
    const graceMs = body.grace_seconds === undefined ? ctx.identity.keyRotationGraceMs : body.grace_seconds * 1000;
    const rotated = unwrap(await rotateApiKey(db(), writer(c, actor), { keyId: id, graceMs, now: now(), grantable: (spaceId) => grantable(c, actor, spaceId) }));
    c.header('cache-control', 'no-store');
    return c.json({ data: { ...rotated.view, token: rotated.token, previous: rotated.old } }, 201);
  });

  app.delete(`${base}/:keyId`, docs.revokeKeyDoc, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'keys.manage');
    const id = keyId(c);
    const revoked = unwrap(await revokeApiKey(db(), writer(c, actor), { keyId: id, now: now() }));
    return c.json({ data: revoked });
  });

  return app;
}
