/**
 * The OpenAPI descriptions of the SSO routes (issue 18; mechanism: origin/http/openapi.ts): the
 * management of connections, domains and the policy (owners and admins, sessions only, changes
 * after a recent re-authentication), and the public sign-in flows (redirects). Each is a route's
 * first handler; bodies are the zod schemas the routes validate with, handed in by the routes.
 */
import { z } from 'zod';
import { describe, errors, jsonBody, jsonOk, noContent, pathParam, queryParam, SECURITY } from '../../http/openapi.js';

const TAGS = ['SSO'];
const TIME = '2026-01-05T09:30:00.000Z';
const CONN_ID = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const ORG = pathParam('orgId', 'The organization.', { type: 'string', format: 'uuid' }, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
const CONN = pathParam('id', 'The SSO connection.', { type: 'string', format: 'uuid' }, CONN_ID);
const DOMAIN_ID = pathParam('id', 'The domain.', { type: 'string', format: 'uuid' }, '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b');
/** sso.manage: owners and admins, signed in (no API key carries it); changes need a recent re-authentication. */
const MANAGE = SECURITY.session;
const MANAGE_ERRORS = [400, 401, 403, 404, 409, 413, 415] as const;

const connectionSchema = z.object({
  id: z.string(),
  protocol: z.enum(['oidc', 'saml']),
  name: z.string(),
  enabled: z.boolean(),
  default_role: z.string(),
  mapping_rules: z.unknown(),
  mapping_mode: z.string(),
  allow_idp_initiated: z.boolean(),
  settings: z.record(z.string(), z.unknown()).meta({ description: 'OIDC: issuer, client_id, scopes. SAML: IdP entity id, SSO URL, certificates, attributes, metadata URL, SP certificate.' }),
  has_secret: z.boolean(),
  service_provider: z.record(z.string(), z.unknown()).meta({ description: 'The values to enter at the IdP (redirect URI, or SAML entity id, ACS URL, metadata URL).' }),
  created_at: z.string(),
  updated_at: z.string(),
});
const CONNECTION = {
  id: CONN_ID,
  protocol: 'oidc',
  name: 'Okta',
  enabled: true,
  default_role: 'author',
  mapping_rules: [],
  mapping_mode: 'every_login',
  allow_idp_initiated: false,
  settings: { issuer: 'https://example.okta.com', client_id: 'ghee', scopes: ['openid', 'email', 'profile'] },
  has_secret: true,
  service_provider: { redirect_uri: 'https://app.ghee.example/v1/auth/sso/oidc/callback' },
  created_at: TIME,
  updated_at: TIME,
};
const one = z.object({ data: connectionSchema });

const domainSchema = z.object({ id: z.string(), domain: z.string(), connection_id: z.string().nullable(), verified: z.boolean(), verified_at: z.string().nullable(), txt_record: z.string() });
const DOMAIN = { id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', domain: 'example.org', connection_id: CONN_ID, verified: false, verified_at: null, txt_record: 'ghee-verification=4f9a2c' };
const policySchema = z.object({ enforced: z.boolean(), exempt_user_ids: z.array(z.string()), session_max_minutes: z.number().int().nullable() });
const POLICY = { enforced: true, exempt_user_ids: ['2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e'], session_max_minutes: 720 };

export const listConnectionsDoc = describe({
  operationId: 'listSsoConnections',
  summary: 'List SSO connections',
  description: 'The organization\'s OIDC and SAML connections (secrets never shown).',
  tags: TAGS,
  security: MANAGE,
  parameters: [ORG],
  responses: { 200: jsonOk('The connections.', z.object({ data: z.array(connectionSchema) }), { data: [CONNECTION] }), ...errors(401, 403, 404) },
});

export const createConnectionDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createSsoConnection',
    summary: 'Create an SSO connection',
    description: 'An OIDC (issuer discovery, client id and secret) or SAML (IdP metadata URL or values) connection, with the role and mapping for new members.',
    tags: TAGS,
    security: MANAGE,
    parameters: [ORG],
    requestBody: jsonBody(body, { protocol: 'oidc', name: 'Okta', issuer: 'https://example.okta.com', client_id: 'ghee', client_secret: 'a-client-secret' }),
    responses: { 201: jsonOk('Created.', one, { data: CONNECTION }), ...errors(...MANAGE_ERRORS, 402, 502) },
  });

export const getConnectionDoc = describe({
  operationId: 'getSsoConnection',
  summary: 'Read an SSO connection',
  description: 'One connection with the values to enter at the identity provider.',
  tags: TAGS,
  security: MANAGE,
  parameters: [ORG, CONN],
  responses: { 200: jsonOk('The connection.', one, { data: CONNECTION }), ...errors(401, 403, 404) },
});

export const patchConnectionDoc = (body: z.ZodType) =>
  describe({
    operationId: 'updateSsoConnection',
    summary: 'Update an SSO connection',
    description: 'Its name, state, role mapping or protocol settings.',
    tags: TAGS,
    security: MANAGE,
    parameters: [ORG, CONN],
    requestBody: jsonBody(body, { enabled: false }),
    responses: { 200: jsonOk('Updated.', one, { data: { ...CONNECTION, enabled: false } }), ...errors(...MANAGE_ERRORS, 502) },
  });

export const idpMetadataDoc = (body: z.ZodType) =>
  describe({
    operationId: 'updateSamlIdp',
    summary: 'Update a SAML IdP\'s values',
    description: 'New IdP values (certificate rollover); an empty body re-reads the metadata URL.',
    tags: TAGS,
    security: MANAGE,
    parameters: [ORG, CONN],
    requestBody: jsonBody(body, {}),
    responses: { 200: jsonOk('Updated.', one, { data: CONNECTION }), ...errors(...MANAGE_ERRORS, 502) },
  });

export const deleteConnectionDoc = describe({
  operationId: 'deleteSsoConnection',
  summary: 'Delete an SSO connection',
  description: 'Refused (409) while an enforced policy depends on it.',
  tags: TAGS,
  security: MANAGE,
  parameters: [ORG, CONN],
  responses: { 204: noContent('Deleted.'), ...errors(401, 403, 404, 409) },
});

export const listDomainsDoc = describe({
  operationId: 'listSsoDomains',
  summary: 'List SSO domains',
  description: 'Claimed email domains, their connection and verification state.',
  tags: TAGS,
  security: MANAGE,
  parameters: [ORG],
  responses: { 200: jsonOk('The domains.', z.object({ data: z.array(domainSchema) }), { data: [DOMAIN] }), ...errors(401, 403, 404) },
});

export const addDomainDoc = (body: z.ZodType) =>
  describe({
    operationId: 'addSsoDomain',
    summary: 'Claim an email domain',
    description: 'Answers the TXT record to publish in the domain\'s DNS; then verify.',
    tags: TAGS,
    security: MANAGE,
    parameters: [ORG],
    requestBody: jsonBody(body, { domain: 'example.org', connection_id: CONN_ID }),
    responses: { 201: jsonOk('Claimed.', z.object({ data: domainSchema }), { data: DOMAIN }), ...errors(...MANAGE_ERRORS) },
  });

export const assignDomainDoc = (body: z.ZodType) =>
  describe({
    operationId: 'assignSsoDomain',
    summary: 'Assign a domain to a connection',
    description: 'Which connection signs in this domain\'s addresses (null: none).',
    tags: TAGS,
    security: MANAGE,
    parameters: [ORG, DOMAIN_ID],
    requestBody: jsonBody(body, { connection_id: CONN_ID }),
    responses: { 200: jsonOk('Assigned.', z.object({ data: domainSchema }), { data: DOMAIN }), ...errors(...MANAGE_ERRORS) },
  });

export const verifyDomainDoc = describe({
  operationId: 'verifySsoDomain',
  summary: 'Verify a domain',
  description: 'Looks the TXT record up in DNS.',
  tags: TAGS,
  security: MANAGE,
  parameters: [ORG, DOMAIN_ID],
  responses: { 200: jsonOk('The domain, verified or not.', z.object({ data: domainSchema }), { data: { ...DOMAIN, verified: true, verified_at: TIME } }), ...errors(400, 401, 403, 404, 409, 502) },
});

export const removeDomainDoc = describe({
  operationId: 'removeSsoDomain',
  summary: 'Remove a domain',
  description: 'Releases the claim.',
  tags: TAGS,
  security: MANAGE,
  parameters: [ORG, DOMAIN_ID],
  responses: { 204: noContent('Removed.'), ...errors(401, 403, 404, 409) },
});

export const getPolicyDoc = describe({
  operationId: 'getSsoPolicy',
  summary: 'Read the SSO policy',
  description: 'Whether SSO is enforced, the owners exempt from it (break-glass), and the session cap.',
  tags: TAGS,
  security: MANAGE,
  parameters: [ORG],
  responses: { 200: jsonOk('The policy.', z.object({ data: policySchema }), { data: POLICY }), ...errors(401, 403, 404) },
});

export const putPolicyDoc = (body: z.ZodType) =>
  describe({
    operationId: 'updateSsoPolicy',
    summary: 'Change the SSO policy',
    description: 'Enforcement needs an enabled connection with a verified domain (no organization locks itself out); exemptions name owners only.',
    tags: TAGS,
    security: MANAGE,
    parameters: [ORG],
    requestBody: jsonBody(body, POLICY),
    responses: { 200: jsonOk('Changed.', z.object({ data: policySchema }), { data: POLICY }), ...errors(...MANAGE_ERRORS) },
  });

export const discoverDoc = (body: z.ZodType) =>
  describe({
    operationId: 'discoverSso',
    summary: 'Does this email sign in with SSO?',
    description: 'The same answer shape for every address: whether its domain signs in through SSO, and the login URL.',
    tags: TAGS,
    security: SECURITY.none,
    requestBody: jsonBody(body, { email: 'ada@example.org' }),
    responses: {
      200: jsonOk('The answer.', z.object({ data: z.object({ sso: z.boolean(), login_url: z.string().nullable() }) }), { data: { sso: true, login_url: `https://app.ghee.example/v1/auth/sso/login/${CONN_ID}` } }),
      ...errors(400, 413, 415),
    },
  });

const redirect = (description: string) => ({ description, headers: { Location: { description: 'Where the browser goes next.', schema: { type: 'string' as const } } } });

export const ssoLoginDoc = describe({
  operationId: 'startSsoLogin',
  summary: 'Start an SSO sign-in',
  description: 'A browser redirect to the identity provider (OIDC with PKCE and a state cookie, or a SAML AuthnRequest). Sign-ins take their turn (SSO_SIGN_IN_RATE per process, fair across connections); one not admitted within SSO_SIGN_IN_MAX_WAIT_MS is answered 503 with Retry-After.',
  tags: TAGS,
  security: SECURITY.none,
  parameters: [CONN, queryParam('return_to', 'A same-origin path to land on afterwards.', { type: 'string' }, '/dashboard')],
  responses: { 302: redirect('To the identity provider.'), ...errors(400, 404, 502) },
});

export const oidcCallbackDoc = describe({
  operationId: 'finishOidcLogin',
  summary: 'OIDC callback',
  description: 'The identity provider\'s redirect: checked against the state cookie of the browser that started, then a session cookie and a redirect to return_to.',
  tags: TAGS,
  security: SECURITY.none,
  parameters: [queryParam('state', 'The state of the sign-in.', { type: 'string' }), queryParam('code', 'The authorization code.', { type: 'string' })],
  responses: { 302: redirect('Signed in: to return_to.'), ...errors(400, 402, 403, 502) },
});

export const samlMetadataDoc = describe({
  operationId: 'getSamlMetadata',
  summary: 'SAML service provider metadata',
  description: 'The SP metadata XML of a SAML connection, for the identity provider.',
  tags: TAGS,
  security: SECURITY.none,
  parameters: [CONN],
  responses: { 200: { description: 'The metadata.', content: { 'application/samlmetadata+xml': { schema: { type: 'string' }, example: '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>' } } }, ...errors(404) },
});

export const samlAcsDoc = describe({
  operationId: 'samlAssertionConsumer',
  summary: 'SAML assertion consumer',
  description: 'The identity provider posts the signed SAML response (form-encoded `SAMLResponse`, `RelayState`); a session cookie and a redirect follow.',
  tags: TAGS,
  security: SECURITY.none,
  parameters: [CONN],
  requestBody: {
    required: true,
    content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { SAMLResponse: { type: 'string' }, RelayState: { type: 'string' } }, required: ['SAMLResponse'] }, example: { SAMLResponse: 'PHNhbWxwOlJlc3BvbnNlLz4=', RelayState: 'state' } } },
  },
  responses: { 302: redirect('Signed in: to return_to.'), ...errors(400, 402, 403, 404, 413, 415) },
});
