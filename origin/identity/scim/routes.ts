/**
 * SCIM over HTTP.
 *
 * Token management (owners and admins: `sso.manage`; sessions only — no API key carries it;
 * changes need a recent sign-in, as the SSO routes do):
 *   GET     /v1/orgs/:orgId/scim/token    the token's state (never the token) and the base URL
 *   POST    /v1/orgs/:orgId/scim/token    create or rotate: answers the token, once (201)
 *   DELETE  /v1/orgs/:orgId/scim/token    disable (every SCIM call answers 401 until the next rotation)
 * SCIM 2.0 (RFC 7644), authenticated by the organization's token (`Authorization: Bearer …`)
 * and nothing else — a session cookie or an API key is refused (401):
 *   /scim/v2/Users, /Users/:id          GET (filter, startIndex, count), POST, GET, PUT, PATCH, DELETE
 *   /scim/v2/Groups, /Groups/:id        the same (excludedAttributes=members honoured)
 *   /scim/v2/ServiceProviderConfig, /Schemas[/:id], /ResourceTypes[/:id]
 * Every answer under /scim/v2 is application/scim+json; every refusal SCIM's error shape
 * ({"schemas":[…Error],"status":"401","detail":…}, with scimType where RFC 7644 names one).
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError, ERROR_STATUS } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import { authorizeOrg, isUuid } from '../../http/authorize.js';
import { authenticate } from '../../http/request-auth.js';
import { writeActor } from '../../http/revisions.js';
import { unwrap, type Result, type ServiceErrorKind } from '../../http/result.js';
import { requireRecentReauthentication } from '../sessions/sessions.js';
import { createGroup, deleteGroup, getGroup, groupResource, listGroups, patchGroup, replaceGroup } from './groups.js';
import type { ScimActor } from './provisioning.js';
import {
  errorBody,
  hasForbiddenKey,
  listResponse,
  pagination,
  parseFilter,
  resourceTypes,
  schemas,
  SCIM_CONTENT_TYPE,
  SCIM_MAX_BODY,
  ScimError,
  serviceProviderConfig,
  type ScimType,
} from './resources.js';
import { disableScimToken, getScimToken, rotateScimToken, scimTokenOwner } from './tokens.js';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser, userResource } from './users.js';
import * as docs from './docs.js';
import { groupBody, userBody } from './resources.js';
import { patchBody } from './patch.js';

const REFUSAL: Partial<Record<ServiceErrorKind, { status: number; scimType?: ScimType }>> = {
  not_found: { status: 404 },
  invalid: { status: 400, scimType: 'invalidValue' },
  duplicate: { status: 409, scimType: 'uniqueness' },
  conflict: { status: 409 },
  version_mismatch: { status: 412 },
  forbidden: { status: 403 },
  // The organization's plan has no room (origin/billing): SCIM has no 402; 403 tells the IdP it is not allowed.
  plan_limit: { status: 403 },
};

function scimUnwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  const { status, scimType } = REFUSAL[r.error] ?? { status: 400 };
  throw new ScimError(status, r.detail, scimType);
}

const BEARER = /^Bearer\s+(\S{1,200})\s*$/i;
/** The token's organization per request context (the body limit may replace `c.req.raw`). */
const callers = new WeakMap<Context<OriginEnv>, { organizationId: string; tokenId: string }>();

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 3; e = (e as { cause?: unknown }).cause, i++) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export function scimRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const db = () => ctx.database.db;
  const now = () => new Date(ctx.now() * 1000);
  const base = `${ctx.identity.publicAppUrl}/scim/v2`;

  // --- token management -------------------------------------------------------------------
  const signedIn = authenticate(ctx);
  const manager = async (c: Context<OriginEnv>) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'sso.manage');
    const user = c.get('user');
    if (c.req.method !== 'GET' && user) await requireRecentReauthentication(db(), user.sessionId, now(), ctx.identity.reauthMaxAgeMs);
    return { ...writeActor(c, actor), organizationId: actor.organizationId };
  };
  app.use('/v1/orgs/:orgId/scim/*', async (c, next) => {
    c.header('cache-control', 'no-store');
    await next();
  });
  app.get('/v1/orgs/:orgId/scim/token', docs.getScimTokenDoc, signedIn, async (c) => {
    const actor = await manager(c);
    const view = await getScimToken(db(), actor.organizationId);
    if (!view) throw new ApiError('not_found', 'This organization has no SCIM token yet: POST to create one.');
    return c.json({ data: { ...view, base_url: base } });
  });
  app.post('/v1/orgs/:orgId/scim/token', docs.rotateScimTokenDoc, signedIn, async (c) => {
    const actor = await manager(c);
    const r = unwrap(await rotateScimToken(db(), actor, now()));
    return c.json({ data: { ...r.view, token: r.token, base_url: base } }, 201);
  });
  app.delete('/v1/orgs/:orgId/scim/token', docs.disableScimTokenDoc, signedIn, async (c) => {
    const actor = await manager(c);
    unwrap(await disableScimToken(db(), actor, now()));
    return c.body(null, 204);
  });

  // --- SCIM 2.0 -----------------------------------------------------------------------------
  const api = new Hono<OriginEnv>({ strict: false });
  const scim = (c: Context<OriginEnv>, body: unknown, status: 200 | 201 = 200, extra: Record<string, string> = {}) =>
    c.body(JSON.stringify(body), status, { 'content-type': SCIM_CONTENT_TYPE, 'cache-control': 'no-store', ...extra });

  api.onError((err) => {
    let e: { status: number; detail: string; scimType?: ScimType };
    if (err instanceof ScimError) e = err;
    else if (err instanceof ApiError) e = { status: ERROR_STATUS[err.code], detail: err.detail, ...(err.code === 'bad_request' ? { scimType: 'invalidSyntax' as const } : {}) };
    else if (isUniqueViolation(err)) e = { status: 409, detail: 'The resource changed concurrently and now clashes with another: retry.', scimType: 'uniqueness' };
    else throw err;
    const headers: Record<string, string> = { 'content-type': SCIM_CONTENT_TYPE, 'cache-control': 'no-store' };
    if (e.status === 401) headers['www-authenticate'] = 'Bearer realm="ghee SCIM"';
    if (e.status === 413) headers.connection = 'close';
    return new Response(JSON.stringify(errorBody(e)), { status: e.status, headers });
  });

  api.use('*', async (c, next) => {
    const m = BEARER.exec(c.req.header('authorization') ?? '');
    const owner = m ? await scimTokenOwner(db(), m[1]!, now()) : null;
    if (!owner) throw new ScimError(401, m ? 'The SCIM token is invalid or disabled.' : 'Send the organization\'s SCIM token as "Authorization: Bearer <token>".');
    callers.set(c, owner);
    await next();
  });
  api.use('*', bodyLimit({ maxSize: SCIM_MAX_BODY, onError: () => { throw new ScimError(413, `Bodies are limited to ${SCIM_MAX_BODY} bytes.`); } }));

  const actorOf = (c: Context<OriginEnv>): ScimActor => {
    const owner = callers.get(c);
    if (!owner) throw new Error('scim: no authenticated caller');
    return { userId: null, keyId: null, organizationId: owner.organizationId, tokenId: owner.tokenId, personalData: ctx.identity.personalData, ip: c.get('clientIp') ?? null, userAgent: c.req.header('user-agent') ?? null };
  };
  const idOf = (c: Context<OriginEnv>, what: string) => {
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ScimError(404, `${what} not found.`);
    return id;
  };
  const body = async (c: Context<OriginEnv>): Promise<unknown> => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    if (!type.startsWith('application/scim+json') && !type.startsWith('application/json')) throw new ScimError(415, 'Send the body as application/scim+json.');
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch (err) {
      if (err instanceof ApiError || err instanceof ScimError) throw err;
      throw new ScimError(400, 'The body is not valid JSON.', 'invalidSyntax');
    }
    if (hasForbiddenKey(raw)) throw new ScimError(400, 'The body names an attribute ghee does not have.', 'invalidSyntax');
    return raw;
  };
  const page = <T>(c: Context<OriginEnv>, all: T[], render: (x: T) => Record<string, unknown>, test: ((r: Record<string, unknown>) => boolean) | null) => {
    const { startIndex, count } = pagination({ startIndex: c.req.query('startIndex'), count: c.req.query('count') });
    const matching = all.map(render).filter((r) => !test || test(r));
    return scim(c, listResponse(matching.slice(startIndex - 1, startIndex - 1 + count), matching.length, startIndex));
  };

  // Users
  api.get('/Users', docs.scimListDoc('User'), async (c) => {
    const f = parseFilter(c.req.query('filter'));
    const narrow = f?.eq?.attr === 'username' ? { userName: f.eq.value } : f?.eq?.attr === 'externalid' ? { externalId: f.eq.value } : {};
    return page(c, await listUsers(db(), ctx.identity.personalData, actorOf(c).organizationId, narrow), (u) => userResource(base, u), f?.test ?? null);
  });
  api.post('/Users', docs.scimCreateDoc('User', userBody), async (c) => {
    const u = scimUnwrap(await createUser(db(), actorOf(c), await body(c), now()));
    return scim(c, userResource(base, u), 201, { location: `${base}/Users/${u.row.id}` });
  });
  api.get('/Users/:id', docs.scimGetDoc('User'), async (c) => {
    const u = await getUser(db(), ctx.identity.personalData, actorOf(c).organizationId, idOf(c, 'User'));
    if (!u) throw new ScimError(404, 'User not found.');
    return scim(c, userResource(base, u));
  });
  api.put('/Users/:id', docs.scimReplaceDoc('User', userBody), async (c) => {
    const u = scimUnwrap(await replaceUser(db(), actorOf(c), idOf(c, 'User'), await body(c), now()));
    return scim(c, userResource(base, u));
  });
  api.patch('/Users/:id', docs.scimPatchDoc('User', patchBody), async (c) => {
    const u = scimUnwrap(await patchUser(db(), actorOf(c), base, idOf(c, 'User'), await body(c), now()));
    return scim(c, userResource(base, u));
  });
  api.delete('/Users/:id', docs.scimDeleteDoc('User'), async (c) => {
    scimUnwrap(await deleteUser(db(), actorOf(c), idOf(c, 'User'), now()));
    return c.body(null, 204);
  });

  // Groups
  const membersShown = (c: Context<OriginEnv>) => !/(^|,)\s*members\s*(,|$)/i.test(c.req.query('excludedAttributes') ?? '');
  api.get('/Groups', docs.scimListDoc('Group'), async (c) => {
    const f = parseFilter(c.req.query('filter'));
    const narrow = f?.eq?.attr === 'displayname' ? { displayName: f.eq.value } : f?.eq?.attr === 'externalid' ? { externalId: f.eq.value } : {};
    const shown = membersShown(c);
    return page(c, await listGroups(db(), ctx.identity.personalData, actorOf(c).organizationId, narrow), (g) => groupResource(base, g, shown), f?.test ?? null);
  });
  api.post('/Groups', docs.scimCreateDoc('Group', groupBody), async (c) => {
    const g = scimUnwrap(await createGroup(db(), actorOf(c), await body(c), now()));
    return scim(c, groupResource(base, g), 201, { location: `${base}/Groups/${g.row.id}` });
  });
  api.get('/Groups/:id', docs.scimGetDoc('Group'), async (c) => {
    const g = await getGroup(db(), ctx.identity.personalData, actorOf(c).organizationId, idOf(c, 'Group'));
    if (!g) throw new ScimError(404, 'Group not found.');
    return scim(c, groupResource(base, g, membersShown(c)));
  });
  api.put('/Groups/:id', docs.scimReplaceDoc('Group', groupBody), async (c) => {
    const g = scimUnwrap(await replaceGroup(db(), actorOf(c), idOf(c, 'Group'), await body(c), now()));
    return scim(c, groupResource(base, g));
  });
  api.patch('/Groups/:id', docs.scimPatchDoc('Group', patchBody), async (c) => {
    const g = scimUnwrap(await patchGroup(db(), actorOf(c), base, idOf(c, 'Group'), await body(c), now()));
    return scim(c, groupResource(base, g));
  });
  api.delete('/Groups/:id', docs.scimDeleteDoc('Group'), async (c) => {
    scimUnwrap(await deleteGroup(db(), actorOf(c), idOf(c, 'Group')));
    return c.body(null, 204);
  });

  // Discovery
  api.get('/ServiceProviderConfig', docs.scimServiceProviderDoc, (c) => scim(c, serviceProviderConfig(base)));
  api.get('/ResourceTypes', docs.scimDiscoveryListDoc('ResourceTypes'), (c) => scim(c, listResponse(resourceTypes(base), 2, 1)));
  api.get('/ResourceTypes/:id', docs.scimDiscoveryGetDoc('ResourceTypes'), (c) => {
    const found = resourceTypes(base).find((r) => r.id === c.req.param('id'));
    if (!found) throw new ScimError(404, 'Resource type not found.');
    return scim(c, found);
  });
  api.get('/Schemas', docs.scimDiscoveryListDoc('Schemas'), (c) => scim(c, listResponse(schemas(base), 2, 1)));
  api.get('/Schemas/:id', docs.scimDiscoveryGetDoc('Schemas'), (c) => {
    const found = schemas(base).find((s) => s.id === c.req.param('id'));
    if (!found) throw new ScimError(404, 'Schema not found.');
    return scim(c, found);
  });
  api.all('*', () => {
    throw new ScimError(404, 'No such SCIM endpoint.');
  });

  app.route('/scim/v2', api);
  return app;
}
