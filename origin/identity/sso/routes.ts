/**
 * SSO over HTTP.
 *
 * Management (owners and admins: `sso.manage`; sessions only — no API key carries it; changes
 * need a recent sign-in, as API-key minting does):
 *   GET|POST            /v1/orgs/:orgId/sso/connections          list / create (OIDC or SAML)
 *   GET|PATCH|DELETE    /v1/orgs/:orgId/sso/connections/:id
 *   POST                /v1/orgs/:orgId/sso/connections/:id/idp-metadata   SAML: new IdP values (certificate rollover)
 *   GET|POST            /v1/orgs/:orgId/sso/domains              list / claim (answers the TXT record to publish)
 *   PATCH|DELETE        /v1/orgs/:orgId/sso/domains/:id          { connection_id } / remove
 *   POST                /v1/orgs/:orgId/sso/domains/:id/verify   looks the TXT record up
 *   GET|PUT             /v1/orgs/:orgId/sso/policy               enforcement, break-glass owners, session cap
 * Sign-in (public):
 *   POST /v1/auth/sso/discover        { email } → { sso, login_url } — the same shape either way
 *   GET  /v1/auth/sso/login/:id       → 302 to the IdP (?return_to=/same-origin/path)
 *   GET  /v1/auth/sso/oidc/callback   the IdP's redirect → session cookie, 302 to return_to
 *   GET  /v1/auth/sso/saml/:id/metadata, POST /v1/auth/sso/saml/:id/acs   (saml-routes.ts)
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import { ssoConnections, ssoDomains } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { authorizeOrg, isUuid } from '../../http/authorize.js';
import { parseBody } from '../../http/body.js';
import { authenticate } from '../../http/request-auth.js';
import { writeActor } from '../../http/revisions.js';
import { unwrap } from '../../http/result.js';
import { commitWrite } from '../../outbox/index.js';
import { csrfTokenFor, hashSessionToken, requireRecentReauthentication, sessionCookie } from '../sessions/sessions.js';
import {
  cachedSignInConnection,
  connectionPatch,
  connectionView,
  createOidcConnection,
  deleteConnection,
  findConnection,
  knownSignInConnection,
  listConnections,
  loadSignInConnection,
  oidcCreate,
  signInConnectionAt,
  updateConnection,
} from './connections.js';
import { emailAddress } from '../email-address.js';
import { dnsServersFrom, txtLookup, type TxtLookup } from './dns.js';
import { addDomain, assignDomain, emailDomain, listDomains, removeDomain, verifyDomain } from './domains.js';
import { completeSsoLogin, type SsoRefusal } from './login.js';
import { beginOidcLogin, finishOidcLogin, OidcError, SSO_STATE_COOKIE, STATE_TTL_MS, stateConnection, takeState, type OidcFailure } from './oidc.js';
import { ACS_COST, CALLBACK_COST, Refusal, SHARED_KEY, SignInAdmission, START_COST } from './admission.js';
import { getPolicy, policyBody, updatePolicy } from './policy.js';
import { createSamlConnection, samlCreate, samlIdpUpdate, updateSamlIdp } from './saml-connections.js';
import { mountSamlRoutes } from './saml-routes.js';
import { beginSamlLogin } from './saml.js';
import * as docs from './docs.js';

const BODY_LIMIT = 64 * 1024;
/** Sign-in steps of one connection in flight at once per process (admission.ts; the rate is SSO_SIGN_IN_RATE). */
export const SIGN_IN_CONCURRENCY = 8;
const uuid = z.string().refine((v) => isUuid(v), { message: 'must be a UUID' });
const domainBody = z.object({ domain: z.string().max(300), connection_id: uuid.nullable().optional() }).strict();
const assignBody = z.object({ connection_id: uuid.nullable() }).strict();
const createBody = z.discriminatedUnion('protocol', [oidcCreate, samlCreate]);
const discoverBody = z.object({ email: emailAddress() }).strict();

/** A same-origin relative path (no scheme, no host, no backslash tricks), else '/'. */
export function safeReturnTo(v: string | undefined): string {
  if (!v || v.length > 512 || !v.startsWith('/') || v.startsWith('//') || v.includes('\\') || [...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return '/';
  try {
    const u = new URL(v, 'http://ghee.invalid');
    return u.origin === 'http://ghee.invalid' ? `${u.pathname}${u.search}${u.hash}` : '/';
  } catch {
    return '/';
  }
}

const REFUSAL_TEXT: Record<SsoRefusal | OidcFailure, string> = {
  connection_disabled: 'This SSO connection is disabled.',
  domain_not_verified: "Your email's domain is not a verified domain of this SSO connection.",
  email_unverified: 'Your identity provider did not confirm your email address.',
  account_disabled: 'This account is disabled.',
  idp_unreachable: 'The identity provider could not be reached; try again.',
  idp_misconfigured: 'The identity provider is not configured for ghee (no asymmetric ID-token algorithm).',
  idp_error: 'The identity provider refused the sign-in.',
  state_invalid: 'This sign-in link is invalid, used or expired; start again.',
  token_invalid: "The identity provider's answer did not pass ghee's checks.",
  claims_missing: 'The identity provider sent no email address.',
  plan_limit: "The organization's plan has no room for another member; an owner can upgrade it.",
};

export function ssoRoutes(ctx: AppContext, opts: { txt?: TxtLookup } = {}) {
  const app = new Hono<OriginEnv>({ strict: false });
  const db = () => ctx.database.db;
  const now = () => new Date(ctx.now() * 1000);
  const signedIn = authenticate(ctx);
  const txt = opts.txt ?? txtLookup(dnsServersFrom(ctx.config.SSO_DNS_SERVERS));
  const publicUrl = ctx.identity.publicAppUrl;
  const oidcDeps = { envelope: ctx.envelope, allowLoopback: ctx.config.SSO_ALLOW_LOOPBACK, publicUrl };
  const limit = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => {
      throw new ApiError('payload_too_large', `Bodies are limited to ${BODY_LIMIT} bytes.`, { connection: 'close' });
    },
  });
  /**
   * Owners and admins; a change also needs a recent sign-in in this session (SSO decides who can
   * sign in to the organization: a stolen cookie alone must not be able to add an IdP).
   */
  const manager = async (c: Context<OriginEnv>) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'sso.manage');
    const user = c.get('user');
    if (c.req.method !== 'GET' && user) await requireRecentReauthentication(db(), user.sessionId, now(), ctx.identity.reauthMaxAgeMs);
    return { ...writeActor(c, actor), organizationId: actor.organizationId };
  };
  const idParam = (c: Context<OriginEnv>, what: string) => {
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError('not_found', `${what} not found.`);
    return id;
  };

  app.use('/v1/orgs/:orgId/sso/*', async (c, next) => {
    c.header('cache-control', 'no-store');
    await next();
  });
  app.use('/v1/auth/sso/*', async (c, next) => {
    c.header('cache-control', 'no-store');
    await next();
  });
  // Sign-in steps take their turn (admission.ts): SSO_SIGN_IN_RATE per second per process, round
  // robin across connections, at most SIGN_IN_CONCURRENCY of one connection at once — so a burst
  // (a whole company at 9:00) cannot take the event loop from content reads, and one
  // organization's surge or slow IdP cannot starve another's sign-ins. A step not admitted in
  // time did nothing: 503 + Retry-After. The wait stays within half the request deadline
  // (ORIGIN_REQUEST_TIMEOUT_MS), so a step is never let in after its request was answered.
  const signIns = new SignInAdmission({
    rate: ctx.config.SSO_SIGN_IN_RATE,
    maxWaitMs: Math.min(ctx.config.SSO_SIGN_IN_MAX_WAIT_MS, Math.floor(ctx.config.ORIGIN_REQUEST_TIMEOUT_MS / 2)),
    perKey: SIGN_IN_CONCURRENCY,
  });
  /**
   * A step's queue: its connection when that connection exists (known to this process, else one
   * read), else the one shared queue — random ids and garbage states cannot make queues (or
   * round-robin turns) of their own. The callback's connection is the one its state names
   * (oidc.ts); only a queue key: the state row stays the authority on the connection.
   */
  const connectionKey = async (id: string): Promise<string> => {
    if (!isUuid(id)) return SHARED_KEY;
    if (knownSignInConnection(db(), id)) return id;
    return (await loadSignInConnection(db(), id)) ? id : SHARED_KEY;
  };
  const admitted =
    (id: (c: Context<OriginEnv>) => string, cost: number): MiddlewareHandler<OriginEnv> =>
    async (c, next) => {
      const r = await signIns.run(await connectionKey(id(c)), cost, next, () => c.req.raw.signal);
      if (r instanceof Refusal) throw new ApiError('unavailable', 'Too many sign-ins at once; retry in a moment.', { 'retry-after': String(r.retryAfterS) });
    };
  app.use('/v1/auth/sso/login/:id', admitted((c) => c.req.param('id') ?? '', START_COST));
  app.use('/v1/auth/sso/oidc/callback', admitted((c) => stateConnection(c.req.query('state') ?? ''), CALLBACK_COST));
  app.use('/v1/auth/sso/saml/:id/acs', admitted((c) => c.req.param('id') ?? '', ACS_COST));

  // --- connections ----------------------------------------------------------------------
  app.get('/v1/orgs/:orgId/sso/connections', docs.listConnectionsDoc, signedIn, async (c) => {
    const actor = await manager(c);
    return c.json({ data: (await listConnections(db(), actor.organizationId)).map((r) => connectionView(publicUrl, r)) });
  });
  app.post('/v1/orgs/:orgId/sso/connections', docs.createConnectionDoc(createBody), signedIn, limit, async (c) => {
    const actor = await manager(c);
    const body = await parseBody(c, createBody);
    const row = unwrap(
      body.protocol === 'oidc'
        ? await createOidcConnection(db(), ctx.envelope, actor, body)
        : await createSamlConnection(db(), ctx.envelope, actor, body, { allowLoopback: ctx.config.SSO_ALLOW_LOOPBACK, now: now() }),
    );
    return c.json({ data: connectionView(publicUrl, row) }, 201);
  });
  app.get('/v1/orgs/:orgId/sso/connections/:id', docs.getConnectionDoc, signedIn, async (c) => {
    const actor = await manager(c);
    const row = await findConnection(db(), actor.organizationId, idParam(c, 'SSO connection'));
    if (!row) throw new ApiError('not_found', 'SSO connection not found.');
    return c.json({ data: connectionView(publicUrl, row) });
  });
  app.patch('/v1/orgs/:orgId/sso/connections/:id', docs.patchConnectionDoc(connectionPatch), signedIn, limit, async (c) => {
    const actor = await manager(c);
    const id = idParam(c, 'SSO connection');
    const body = await parseBody(c, connectionPatch);
    return c.json({ data: connectionView(publicUrl, unwrap(await updateConnection(db(), ctx.envelope, actor, id, body, now()))) });
  });
  /** SAML: new IdP values (certificate rollover) — re-read from the metadata URL with an empty body. */
  app.post('/v1/orgs/:orgId/sso/connections/:id/idp-metadata', docs.idpMetadataDoc(samlIdpUpdate), signedIn, limit, async (c) => {
    const actor = await manager(c);
    const id = idParam(c, 'SSO connection');
    const body = await parseBody(c, samlIdpUpdate);
    return c.json({ data: connectionView(publicUrl, unwrap(await updateSamlIdp(db(), actor, id, body, { allowLoopback: ctx.config.SSO_ALLOW_LOOPBACK, now: now() }))) });
  });
  app.delete('/v1/orgs/:orgId/sso/connections/:id', docs.deleteConnectionDoc, signedIn, async (c) => {
    const actor = await manager(c);
    unwrap(await deleteConnection(db(), actor, idParam(c, 'SSO connection'), now()));
    return c.body(null, 204);
  });

  // --- domains --------------------------------------------------------------------------
  app.get('/v1/orgs/:orgId/sso/domains', docs.listDomainsDoc, signedIn, async (c) => {
    const actor = await manager(c);
    return c.json({ data: await listDomains(db(), actor.organizationId) });
  });
  app.post('/v1/orgs/:orgId/sso/domains', docs.addDomainDoc(domainBody), signedIn, limit, async (c) => {
    const actor = await manager(c);
    const body = await parseBody(c, domainBody);
    return c.json({ data: unwrap(await addDomain(db(), actor, { domain: body.domain, connectionId: body.connection_id ?? null })) }, 201);
  });
  app.patch('/v1/orgs/:orgId/sso/domains/:id', docs.assignDomainDoc(assignBody), signedIn, limit, async (c) => {
    const actor = await manager(c);
    const id = idParam(c, 'Domain');
    const body = await parseBody(c, assignBody);
    return c.json({ data: unwrap(await assignDomain(db(), actor, id, body.connection_id)) });
  });
  app.post('/v1/orgs/:orgId/sso/domains/:id/verify', docs.verifyDomainDoc, signedIn, async (c) => {
    const actor = await manager(c);
    return c.json({ data: unwrap(await verifyDomain(db(), actor, idParam(c, 'Domain'), txt, now())) });
  });
  app.delete('/v1/orgs/:orgId/sso/domains/:id', docs.removeDomainDoc, signedIn, async (c) => {
    const actor = await manager(c);
    unwrap(await removeDomain(db(), actor, idParam(c, 'Domain')));
    return c.body(null, 204);
  });

  // --- policy ---------------------------------------------------------------------------
  app.get('/v1/orgs/:orgId/sso/policy', docs.getPolicyDoc, signedIn, async (c) => {
    const actor = await manager(c);
    return c.json({ data: await getPolicy(db(), actor.organizationId) });
  });
  app.put('/v1/orgs/:orgId/sso/policy', docs.putPolicyDoc(policyBody), signedIn, limit, async (c) => {
    const actor = await manager(c);
    const body = await parseBody(c, policyBody);
    return c.json({ data: unwrap(await updatePolicy(db(), actor, body, now())) });
  });

  // --- sign-in --------------------------------------------------------------------------
  /** The same answer shape for every email: whether its domain signs in through SSO, and where. */
  app.post('/v1/auth/sso/discover', docs.discoverDoc(discoverBody), limit, async (c) => {
    const { email } = await parseBody(c, discoverBody);
    const domain = emailDomain(email.toLowerCase());
    const [row] = domain
      ? await db()
          .select({ id: ssoConnections.id })
          .from(ssoDomains)
          .innerJoin(ssoConnections, eq(ssoConnections.id, ssoDomains.connectionId))
          .where(and(eq(ssoDomains.domain, domain), isNotNull(ssoDomains.verifiedAt), eq(ssoConnections.enabled, true)))
          .limit(1)
      : [];
    return c.json({ data: { sso: Boolean(row), login_url: row ? `${publicUrl}/v1/auth/sso/login/${row.id}` : null } });
  });

  /** Writes the failure row of a sign-in refused before it reached the login step. */
  const auditFailure = async (c: Context<OriginEnv>, connection: { id: string; organizationId: string; protocol: string }, reason: string) => {
    await commitWrite(db(), { userId: null, keyId: null, organizationId: connection.organizationId, ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null }, null, async (w) => {
      w.refused({ action: 'sso.login', target: { type: 'sso_connection', id: connection.id }, metadata: { connection_id: connection.id, protocol: connection.protocol, reason } });
      return { ok: false as const };
    });
  };

  app.get('/v1/auth/sso/login/:id', docs.ssoLoginDoc, async (c) => {
    const id = idParam(c, 'SSO connection');
    const returnTo = safeReturnTo(c.req.query('return_to'));
    // An enabled OIDC connection's cached row first: the state insert holds only while it is
    // still the connection's version (else the row is read again and the login rebuilt from it).
    // Anything else (not cached, disabled, SAML) is read now: a refusal never rests on the cache.
    let connection = cachedSignInConnection(db(), id);
    if (!connection?.row.enabled || connection.row.protocol !== 'oidc') connection = await loadSignInConnection(db(), id);
    for (let attempt = 0; ; attempt++) {
      if (!connection?.row.enabled) throw new ApiError('not_found', 'SSO connection not found.');
      const row = connection.row;
      if (row.protocol === 'saml') return c.redirect(await beginSamlLogin(db(), row, { envelope: ctx.envelope, publicUrl }, returnTo, now()), 302);
      let begun: { url: string; state: string } | null;
      try {
        begun = await beginOidcLogin(db(), connection, oidcDeps, returnTo, now());
      } catch (err) {
        if (!(err instanceof OidcError)) throw err;
        await auditFailure(c, row, err.reason);
        throw new ApiError('bad_gateway', REFUSAL_TEXT[err.reason]);
      }
      if (begun) {
        c.header('set-cookie', `${SSO_STATE_COOKIE}=${begun.state}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${STATE_TTL_MS / 1000}`, { append: true });
        return c.redirect(begun.url, 302);
      }
      // The connection changed (or was disabled or deleted) since it was read: read it again.
      if (attempt === 2) throw new ApiError('unavailable', 'This SSO connection is being changed; try again.', { 'retry-after': '1' });
      connection = await loadSignInConnection(db(), id);
    }
  });

  app.get('/v1/auth/sso/oidc/callback', docs.oidcCallbackDoc, async (c) => {
    const state = c.req.query('state') ?? '';
    const taken = await takeState(db(), ctx.envelope, state, now());
    // Bound to the browser that started the login: a callback URL replayed elsewhere is refused.
    const cookie = getCookie(c, SSO_STATE_COOKIE);
    c.header('set-cookie', `${SSO_STATE_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`, { append: true });
    const row = taken ? await signInConnectionAt(db(), taken.connectionId, taken.connectionVersion) : undefined;
    if (!taken || !row || cookie !== state) {
      if (row) await auditFailure(c, row, 'state_invalid');
      throw new ApiError('bad_request', REFUSAL_TEXT.state_invalid);
    }
    const search = new URL(c.req.url).search;
    let who;
    try {
      who = await finishOidcLogin(row, oidcDeps, search, { state, nonce: taken.nonce, verifier: taken.verifier }, now());
    } catch (err) {
      if (!(err instanceof OidcError)) throw err;
      await auditFailure(c, row, err.reason);
      throw new ApiError(err.reason === 'idp_unreachable' ? 'bad_gateway' : 'forbidden', REFUSAL_TEXT[err.reason]);
    }
    const r = await completeSsoLogin(db(), row, who, { ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null, now: now(), sessionPolicy: ctx.identity.sessionPolicy, personalData: ctx.identity.personalData });
    if (!r.ok) throw new ApiError(r.reason === 'plan_limit' ? 'plan_limit' : 'forbidden', REFUSAL_TEXT[r.reason]);
    c.header('set-cookie', sessionCookie(r.session.token, r.session.expiresAt), { append: true });
    c.header('x-csrf-token', csrfTokenFor(ctx.identity.authSecret, hashSessionToken(r.session.token)));
    return c.redirect(taken.returnTo, 302);
  });

  mountSamlRoutes(app, { ctx, auditFailure, safeReturnTo, refusalText: REFUSAL_TEXT });
  return app;
}
