/**
 * GET /openapi.json: the OpenAPI 3.1 document of the origin, generated from the app's route table
 * (each route's `describe(...)`, origin/http/openapi.ts) once, at the first request, and kept.
 * Here: the document's frame — info, tags, security schemes, the error shape, shared headers and
 * the error responses per status.
 */
import type { Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import { DEFAULT_DETAIL, ERROR_STATUS } from '../../shared/errors.js';
import { formatSurrogateControl } from '../../shared/surrogate.js';
import { edgePathItems, edgeRouteSummary } from '../../shared/openapi-edge.js';
import { CSRF_HEADER } from '../identity/index.js';
import type { OriginEnv } from '../env.js';
import { codesAt, describe, errors, errorSchema, headerKey, jsonOk, scimErrorSchema, SECURITY, type HeaderName } from './openapi.js';
import { publicDocument } from './openapi-public.js';
import { serveReference } from './openapi-reference.js';

/** The session cookie's name (origin/identity/sessions/sessions.ts SESSION_COOKIE; test/integration/openapi.test.ts checks they agree). */
export const SESSION_COOKIE_NAME = '__Host-ghee_session';

const HEADERS: Record<HeaderName, OpenAPIV3_1.HeaderObject> = {
  ETag: { description: 'The version of the management view, `"v<n>"`: send it back as If-Match to make a write conditional.', schema: { type: 'string' }, example: '"v3"' },
  SurrogateKey: { description: 'Space-separated cache tags of this response; a write purges the tags it touches (the edge strips this header before clients see it, unless debugging).', schema: { type: 'string' } },
  SurrogateControl: { description: 'How long the edge may keep this response (max-age, stale-while-revalidate, stale-if-error).', schema: { type: 'string' } },
  CacheControl: { description: 'How long a browser may keep this response.', schema: { type: 'string' } },
  XCache: { description: 'Set by the edge: HIT, MISS or STALE (served from cache while revalidating, or while the origin fails).', schema: { type: 'string', enum: ['HIT', 'MISS', 'STALE'] } },
  RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'string', pattern: '^[0-9]+$' } },
  RateLimitLimit: { description: 'Requests allowed in the window of the tightest limit that applies.', schema: { type: 'string' } },
  RateLimitRemaining: { description: 'Requests left in that window.', schema: { type: 'string' } },
  RateLimitReset: { description: 'Seconds until that window resets.', schema: { type: 'string' } },
  RateLimitPolicy: { description: 'The limit as `<limit>;w=<window seconds>`.', schema: { type: 'string' } },
};

const RETRY_HEADERS: Partial<Record<number, HeaderName[]>> = {
  429: ['RetryAfter', 'RateLimitLimit', 'RateLimitRemaining', 'RateLimitReset', 'RateLimitPolicy'],
  503: ['RetryAfter'],
};

/** One response component per error status: the error shape, the codes that status carries, an example. */
function errorResponses(): Record<string, OpenAPIV3_1.ResponseObject> {
  const statuses = [...new Set(Object.values(ERROR_STATUS))].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      const codes = codesAt(status);
      const first = codes[0]!;
      const headers = RETRY_HEADERS[status];
      return [
        `Error${status}`,
        {
          description: `Error (${codes.map((c) => `\`${c}\``).join(', ')}), in the one error shape.`,
          ...(headers ? { headers: Object.fromEntries(headers.map((h) => [headerKey(h), { $ref: `#/components/headers/${h}` }])) } : {}),
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/Error' },
              example: { detail: DEFAULT_DETAIL[first], code: first, request_id: '01J8ZK5X4C2N9T7W3Q6R8Y1B0E' },
            },
          },
        },
      ];
    }),
  );
}

/** The same per status in SCIM's error shape (application/scim+json): `#/components/responses/ScimError<status>`. */
function scimErrorResponses(): Record<string, OpenAPIV3_1.ResponseObject> {
  const statuses = [...new Set(Object.values(ERROR_STATUS))].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => [
      `ScimError${status}`,
      {
        description: `SCIM error (HTTP ${status}), in SCIM's error shape (RFC 7644 §3.12).`,
        content: {
          'application/scim+json': {
            schema: { $ref: '#/components/schemas/ScimError' },
            example: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail: DEFAULT_DETAIL[codesAt(status)[0]!] },
          },
        },
      },
    ]),
  );
}

const SECURITY_SCHEMES: Record<string, OpenAPIV3_1.SecuritySchemeObject> = {
  token_header: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'An API key as `Authorization: Token ghee_<kind>_…` (`Bearer` is accepted too). Kinds: read (published content), preview (drafts), write, admin.' },
  auth_token: { type: 'apiKey', in: 'query', name: 'auth_token', description: 'An API key as the `auth_token` query parameter (ButterCMS-compatible; the header wins when both are sent).' },
  session_cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE_NAME, description: 'A signed-in member\'s session (set by POST /v1/auth/login).' },
  csrf_header: { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: 'The session\'s CSRF token: required with the session cookie on every state change.' },
  scim_bearer: { type: 'http', scheme: 'bearer', description: 'The organization\'s SCIM token (SCIM 2.0 API only).' },
  operator_cookie: { type: 'apiKey', in: 'cookie', name: '__Host-ghee_operator', description: 'A platform operator\'s session (POST /v1/operator/login); with the CSRF header on state changes.' },
  metrics_bearer: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for the Prometheus scrape only.' },
  internal_signature: {
    type: 'apiKey',
    in: 'header',
    name: 'x-ghee-sig',
    description: 'Internal: an edge-to-origin call signed with EDGE_SHARED_SECRET (HMAC over its purpose, parameters and the x-ghee-ts timestamp). Not for clients.',
    'x-internal': true,
  } as OpenAPIV3_1.SecuritySchemeObject,
  edge_assertion: {
    type: 'apiKey',
    in: 'header',
    name: 'x-ghee-assert-sig',
    description: 'Internal: the edge\'s signed assertion of the key it checked (HMAC with EDGE_SHARED_SECRET over the forwarded request). Not for clients.',
    'x-internal': true,
  } as OpenAPIV3_1.SecuritySchemeObject,
};

const DOCUMENTATION = {
  openapi: '3.1.0',
  info: {
    title: 'ghee API',
    version: '2',
    description:
      'ghee\'s origin API: the Content API (ButterCMS v2 wire-compatible reads), the Write API and its management views, identity and organizations. Every error is `{"detail","code","request_id"}`.',
    license: { name: 'Proprietary', identifier: 'LicenseRef-ghee' },
  },
  servers: [{ url: '/', description: 'This origin (the Content API is also served by the edge).' }],
  tags: [
    { name: 'Content API', description: 'ButterCMS v2 Content API reads: published content with a read key; drafts with `preview=1` and a preview or write key.' },
    { name: 'Write API', description: 'Creating, updating and deleting content (ButterCMS Write API, plus ghee\'s management views, revisions, rollback and restore).' },
    { name: 'Content model', description: 'Page types, collections and locales of a space (schema.manage to change them).' },
    { name: 'Accounts', description: 'Sign-up, sign-in, sessions, passwords and two-factor authentication.' },
    { name: 'Organizations', description: 'Organizations, spaces, members, invitations and the audit trail.' },
    { name: 'API keys', description: 'Keys for the Content, Write and management APIs: created, rotated and revoked, their secrets shown once.' },
    { name: 'SSO', description: 'OIDC and SAML single sign-on: connections, verified domains, the enforcement policy, and the sign-in flows.' },
    { name: 'Billing', description: 'Plans and subscriptions through Stripe (owners and the billing role).' },
    { name: 'SCIM', description: 'User and group provisioning by the identity provider (SCIM 2.0), and its token.' },
    { name: 'Security operations', description: 'Security events, incidents and the organization\'s security settings.' },
    { name: 'Governance', description: 'Retention, exports and erasure, organization deletion, support access and management IP allowlists.' },
    { name: 'Webhooks', description: 'Signed event deliveries to your endpoints, with retries and a delivery log.' },
    { name: 'Media', description: 'Assets and media imports.' },
    { name: 'Operations', description: 'Health, readiness and metrics.' },
    { name: 'Internal', description: 'Calls between ghee\'s own parts (the edge and the origin): not for clients.', 'x-internal': true },
    { name: 'Edge', description: 'Routes the edge answers itself, without the origin (served by the edge\'s host).' },
    { name: 'Meta', description: 'This document, its public part and the browsable reference (GET /reference).' },
  ],
  components: {
    securitySchemes: SECURITY_SCHEMES,
    headers: HEADERS,
    responses: { ...errorResponses(), ...scimErrorResponses() },
  },
};

function schemaComponent(zod: z.ZodType): OpenAPIV3_1.SchemaObject {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(zod, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return schema as OpenAPIV3_1.SchemaObject;
}
const errorComponent = () => schemaComponent(errorSchema);

/** The shared error responses and security schemes that no described operation uses are left out. */
function withoutUnused(doc: OpenAPIV3_1.Document): OpenAPIV3_1.Document {
  const text = JSON.stringify(doc.paths);
  const ops = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item ?? {}) as OpenAPIV3_1.OperationObject[]);
  const schemes = new Set(ops.flatMap((op) => (op.security ?? []).flatMap((r) => Object.keys(r))));
  const components = doc.components ?? {};
  const responses = Object.fromEntries(Object.entries(components.responses ?? {}).filter(([name]) => text.includes(`"#/components/responses/${name}"`)));
  const securitySchemes = Object.fromEntries(Object.entries(components.securitySchemes ?? {}).filter(([name]) => schemes.has(name)));
  return { ...doc, components: { ...components, responses, securitySchemes } };
}

/** The document of `app`, generated once. */
export function openApiDocument(app: Hono<OriginEnv>): () => Promise<OpenAPIV3_1.Document> {
  let doc: Promise<OpenAPIV3_1.Document> | null = null;
  return () => {
    doc ??= generateSpecs(app, { documentation: DOCUMENTATION, excludeStaticFile: false }).then((spec) => {
      const out = spec as unknown as OpenAPIV3_1.Document;
      out.components = { ...out.components, schemas: { ...out.components?.schemas, Error: errorComponent(), ScimError: schemaComponent(scimErrorSchema) } };
      // The routes the edge answers itself (shared/openapi-edge.ts: plain data, so the edge's bundle does not carry it).
      out.paths = { ...out.paths, ...(edgePathItems() as OpenAPIV3_1.PathsObject) };
      (out as OpenAPIV3_1.Document & Record<string, unknown>)['x-ghee-edge-routes'] = edgeRouteSummary();
      return withoutUnused(out);
    });
    return doc;
  };
}

const documentSchema = z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({}), paths: z.looseObject({}) });

/** The edge keeps the public part for an hour (refreshed in the background for a minute after, served for a day while the origin fails). */
const PUBLIC_SURROGATE_CONTROL = formatSurrogateControl({ maxAge: 3600, staleWhileRevalidate: 60, staleIfError: 86_400 });
/** The public part's cache tag. */
export const OPENAPI_SURROGATE_KEY = 'openapi';

/**
 * Registers on `app`: GET /openapi.json (the whole document), GET /openapi/public.json (its public
 * part, which the edge serves as its GET /openapi.json), and the browsable reference (GET /reference).
 * All public: they describe, never reveal data.
 */
export function serveOpenApi(app: Hono<OriginEnv>): void {
  const document = openApiDocument(app);
  let publicPart: Promise<OpenAPIV3_1.Document> | null = null;
  app.get(
    '/openapi.json',
    describe({
      operationId: 'getOpenApiDocument',
      summary: 'This API\'s OpenAPI 3.1 document',
      description:
        'The OpenAPI 3.1 description of every described route, generated from the route definitions themselves (request bodies from the very schemas the routes validate with). Through the edge\'s host, GET /openapi.json answers the public part (GET /openapi/public.json), cached like content.',
      tags: ['Meta'],
      security: SECURITY.none,
      responses: { 200: jsonOk('The document.', documentSchema, { openapi: '3.1.0', info: { title: 'ghee API', version: '2' }, paths: {} }), ...errors() },
    }),
    async (c) => {
      c.header('cache-control', 'public, max-age=300');
      return c.json(await document());
    },
  );
  app.get(
    '/openapi/public.json',
    describe({
      operationId: 'getPublicOpenApiDocument',
      summary: 'The public part of the OpenAPI document',
      description:
        'What a reader of published content calls: the Content API reads, asset downloads, the edge\'s health and this document — no internal operation, security scheme or component. The edge answers its GET /openapi.json with it, cached (Surrogate-Control) and purgeable by the `openapi` surrogate key.',
      tags: ['Meta'],
      security: SECURITY.none,
      responses: {
        200: jsonOk('The public part.', documentSchema, { openapi: '3.1.0', info: { title: 'ghee API', version: '2' }, paths: {} }, ['SurrogateKey', 'SurrogateControl', 'CacheControl']),
        ...errors(),
      },
    }),
    async (c) => {
      publicPart ??= document().then(publicDocument);
      c.header('cache-control', 'public, max-age=300');
      c.header('surrogate-control', PUBLIC_SURROGATE_CONTROL);
      c.header('surrogate-key', OPENAPI_SURROGATE_KEY);
      return c.json(await publicPart);
    },
  );
  serveReference(app);
}
