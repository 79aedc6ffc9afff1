/**
 * SAML sign-in over HTTP (public), mounted by routes.ts:
 *   GET  /v1/auth/sso/saml/:id/metadata   the SP metadata (entity id, ACS URL, certificate)
 *   POST /v1/auth/sso/saml/:id/acs        HTTP-POST binding: SAMLResponse (+ RelayState) →
 *                                         session cookie, 302 to the return path
 * SP-initiated logins start at GET /v1/auth/sso/login/:id (routes.ts → beginSamlLogin).
 * IdP-initiated logins only where the connection allows them; RelayState then counts only as a
 * same-origin relative path. Every refusal is audited with its reason code, never the assertion.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import { isUuid } from '../../http/authorize.js';
import { csrfTokenFor, hashSessionToken, sessionCookie } from '../sessions/sessions.js';
import { connectionById, type ConnectionRow } from './connections.js';
import { completeSsoLogin, type SsoRefusal } from './login.js';
import { ACS_BODY_LIMIT, finishSamlLogin, SamlError, spMetadata, type SamlFailure } from './saml.js';
import { samlAcsDoc, samlMetadataDoc } from './docs.js';

const TEXT: Record<SamlFailure, string> = {
  xml_refused: 'The SAML response is not acceptable XML.',
  status_not_success: 'The identity provider refused the sign-in.',
  destination_mismatch: "The SAML response is not addressed to this connection's ACS URL.",
  algorithm_refused: 'The SAML response is signed with an algorithm weaker than RSA-SHA256.',
  signature_invalid: 'The SAML assertion is not signed as this connection requires.',
  issuer_mismatch: "The SAML assertion does not come from this connection's identity provider.",
  recipient_mismatch: "The SAML assertion is not meant for this connection's ACS URL.",
  audience_mismatch: 'The SAML assertion is meant for another service provider.',
  expired: 'The SAML assertion has expired.',
  not_yet_valid: 'The SAML assertion is not valid yet.',
  in_response_to_invalid: 'This sign-in answers no pending request (used, expired or unknown); start again.',
  idp_initiated_refused: 'This connection accepts only sign-ins started at ghee.',
  replayed: 'This SAML assertion was already used.',
  claims_missing: 'The identity provider sent no email address.',
};

export interface SamlRouteDeps {
  ctx: AppContext;
  auditFailure: (c: Context<OriginEnv>, connection: { id: string; organizationId: string; protocol: string }, reason: string) => Promise<void>;
  safeReturnTo: (v: string | undefined) => string;
  refusalText: Record<SsoRefusal, string>;
}

export function mountSamlRoutes(app: Hono<OriginEnv>, deps: SamlRouteDeps): void {
  const { ctx } = deps;
  const db = () => ctx.database.db;
  const now = () => new Date(ctx.now() * 1000);
  const samlDeps = { envelope: ctx.envelope, publicUrl: ctx.identity.publicAppUrl };
  const samlConnection = async (c: Context<OriginEnv>): Promise<ConnectionRow> => {
    const id = c.req.param('id') ?? '';
    const row = isUuid(id) ? await connectionById(db(), id) : undefined;
    if (!row || row.protocol !== 'saml') throw new ApiError('not_found', 'SSO connection not found.');
    return row;
  };
  const limit = bodyLimit({
    maxSize: ACS_BODY_LIMIT,
    onError: () => {
      throw new ApiError('payload_too_large', `SAML responses are limited to ${ACS_BODY_LIMIT} bytes.`, { connection: 'close' });
    },
  });

  app.get('/v1/auth/sso/saml/:id/metadata', samlMetadataDoc, async (c) => {
    const row = await samlConnection(c);
    return c.body(spMetadata(row, samlDeps), 200, { 'content-type': 'application/samlmetadata+xml; charset=utf-8' });
  });

  app.post('/v1/auth/sso/saml/:id/acs', samlAcsDoc, limit, async (c) => {
    const row = await samlConnection(c);
    if (!row.enabled) {
      await deps.auditFailure(c, row, 'connection_disabled');
      throw new ApiError('forbidden', deps.refusalText.connection_disabled);
    }
    const type = c.req.header('content-type') ?? '';
    const form = type.toLowerCase().startsWith('application/x-www-form-urlencoded') ? await c.req.parseBody() : {};
    const samlResponse = form.SAMLResponse;
    const relayState = typeof form.RelayState === 'string' ? form.RelayState : undefined;
    if (typeof samlResponse !== 'string' || samlResponse.length === 0) {
      await deps.auditFailure(c, row, 'xml_refused');
      throw new ApiError('bad_request', 'Expected a form with SAMLResponse (HTTP-POST binding).');
    }
    let answer;
    try {
      answer = await finishSamlLogin(db(), row, samlDeps, samlResponse, now());
    } catch (err) {
      if (!(err instanceof SamlError)) throw err;
      await deps.auditFailure(c, row, err.reason);
      throw new ApiError(err.reason === 'xml_refused' ? 'bad_request' : 'forbidden', TEXT[err.reason]);
    }
    const r = await completeSsoLogin(db(), row, answer.identity, { ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null, now: now(), sessionPolicy: ctx.identity.sessionPolicy, personalData: ctx.identity.personalData });
    if (!r.ok) throw new ApiError(r.reason === 'plan_limit' ? 'plan_limit' : 'forbidden', deps.refusalText[r.reason]);
    c.header('set-cookie', sessionCookie(r.session.token, r.session.expiresAt), { append: true });
    c.header('x-csrf-token', csrfTokenFor(ctx.identity.authSecret, hashSessionToken(r.session.token)));
    return c.redirect(answer.returnTo ?? deps.safeReturnTo(relayState), 302);
  });
}
