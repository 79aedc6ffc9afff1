/**
 * The OpenAPI 3.1 description of the origin's routes (issue 18), written beside the routes in code:
 * each route adds `describe({...})` (hono-openapi's describeRoute) as its first handler, and the
 * document served at GET /openapi.json (origin/http/openapi-spec.ts) is generated from the app's
 * route table — so a route and its description are one registration.
 *
 * Request bodies are described with `jsonBody(schema, example)` where `schema` is the SAME zod
 * object the route validates with (`parseBody(c, schema)`): the spec and the behaviour cannot
 * drift. Errors are the one shape of shared/errors.ts (`detail`, `code`, `request_id`), as shared
 * components per status; every operation also lists the answers any route can give (429 with
 * Retry-After and RateLimit-*, 500, 503 with Retry-After).
 */
import { describeRoute, resolver, type DescribeRouteOptions } from 'hono-openapi';
import type { MiddlewareHandler } from 'hono';
import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../../shared/errors.js';

type Responses = NonNullable<DescribeRouteOptions['responses']>;
type Parameter = NonNullable<DescribeRouteOptions['parameters']>[number];
type Schema = Record<string, unknown>;

/** Security requirement sets (names of documentation.components.securitySchemes in openapi-spec.ts). */
type Requirements = Record<string, string[]>[];
const req = (...sets: Record<string, string[]>[]): Requirements => sets;

export const SECURITY = {
  /** Content API reads: a read, preview or write key as `Authorization: Token …` or `?auth_token=`; or the edge's signed assertion (internal). */
  contentKey: req({ token_header: [] }, { auth_token: [] }, { edge_assertion: [] }),
  /** Write and management calls: an API key, or a session cookie with its CSRF header for state changes. */
  keyOrSession: req({ token_header: [] }, { auth_token: [] }, { session_cookie: [], csrf_header: [] }),
  /** A signed-in member only (session cookie + CSRF header for state changes). */
  session: req({ session_cookie: [], csrf_header: [] }),
  /** The organization's SCIM bearer token. */
  scim: req({ scim_bearer: [] }),
  /** The edge's signed assertion on a forwarded request (internal: not for clients). */
  internal: req({ edge_assertion: [] }),
  /** A signed internal call of the edge to the origin (x-ghee-ts + x-ghee-sig; internal). */
  internalCall: req({ internal_signature: [] }),
  /** A platform operator's session (its own cookie + the CSRF header). */
  operator: req({ operator_cookie: [], csrf_header: [] }),
  /** The Prometheus scrape's bearer (METRICS_TOKEN). */
  metrics: req({ metrics_bearer: [] }),
  /** No credentials. */
  none: req(),
};

/** The error codes answered at each status (from shared/errors.ts's map). */
export function codesAt(status: number): ErrorCode[] {
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => ERROR_STATUS[code] === status);
}

/** The one error body, as the spec's `Error` schema. */
export const errorSchema = z
  .object({
    detail: z.string().meta({ description: 'What went wrong, for a person (ButterCMS-compatible `detail`).' }),
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]).meta({ description: 'Stable, machine-readable code; each maps to one status.' }),
    request_id: z.string().meta({ description: 'The request id (also the `x-request-id` header): quote it in a report.' }),
  })
  .strict()
  .meta({ example: { detail: 'Not found.', code: 'not_found', request_id: '01J8ZK5X4C2N9T7W3Q6R8Y1B0E' } });

/** A shared response component per error status: `#/components/responses/Error<status>`. */
export const errorRef = (status: number): OpenAPIV3_1.ReferenceObject => ({ $ref: `#/components/responses/Error${status}` });

/**
 * Answers any origin route can give: 400 for a URL no route can hold (a control character, NUL,
 * malformed percent-encoding: origin/http/input.ts refuses it before routing), 429, 500 and 503.
 */
const COMMON_ERRORS = [400, 429, 500, 503] as const;

/** Error responses for these statuses (plus 400, 429, 500 and 503, which every route can answer). */
export function errors(...statuses: number[]): Responses {
  const out: Responses = {};
  for (const s of [...new Set([...statuses, ...COMMON_ERRORS])].sort((a, b) => a - b)) out[String(s)] = errorRef(s);
  return out;
}

/** The SCIM 2.0 error body (RFC 7644 §3.12): every refusal under /scim/v2 has this shape, as application/scim+json. */
export const scimErrorSchema = z
  .object({
    schemas: z.array(z.string()),
    status: z.string().meta({ description: 'The HTTP status, as a string.' }),
    scimType: z.string().optional().meta({ description: 'Where RFC 7644 names one: invalidSyntax, invalidValue, uniqueness, invalidPath, …' }),
    detail: z.string(),
  })
  .strict();

/** SCIM error responses for these statuses (plus 400, 429, 500, 503): `#/components/responses/ScimError<status>`. */
export function scimErrors(...statuses: number[]): Responses {
  const out: Responses = {};
  for (const s of [...new Set([...statuses, ...COMMON_ERRORS])].sort((a, b) => a - b)) out[String(s)] = { $ref: `#/components/responses/ScimError${s}` };
  return out;
}

/** A SCIM success response (application/scim+json). */
export function scimOk(description: string, schema: z.ZodType, example: unknown): Responses[string] {
  return { description, content: { 'application/scim+json': { schema: resolver(schema), example } } };
}

/** A SCIM request body (application/scim+json; application/json accepted too): the schema the service validates with. */
export function scimBody(schema: z.ZodType, example: unknown): NonNullable<DescribeRouteOptions['requestBody']> {
  return { required: true, content: { 'application/scim+json': { schema: resolver(schema), example }, 'application/json': { schema: resolver(schema), example } } };
}

/** A request body: the zod schema the route validates with, and an example that it accepts. */
export function jsonBody(schema: z.ZodType, example: unknown, description?: string): NonNullable<DescribeRouteOptions['requestBody']> {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema: resolver(schema), example } } };
}

/** Header components (openapi-spec.ts) a response may carry. */
export type HeaderName = 'ETag' | 'SurrogateKey' | 'SurrogateControl' | 'CacheControl' | 'XCache' | 'RetryAfter' | 'RateLimitLimit' | 'RateLimitRemaining' | 'RateLimitReset' | 'RateLimitPolicy';

const headerRefs = (names: HeaderName[]) => Object.fromEntries(names.map((n) => [headerKey(n), { $ref: `#/components/headers/${n}` }]));

/** The HTTP header a component describes. */
export function headerKey(n: HeaderName): string {
  switch (n) {
    case 'ETag':
      return 'ETag';
    case 'SurrogateKey':
      return 'Surrogate-Key';
    case 'SurrogateControl':
      return 'Surrogate-Control';
    case 'CacheControl':
      return 'Cache-Control';
    case 'XCache':
      return 'x-cache';
    case 'RetryAfter':
      return 'Retry-After';
    case 'RateLimitLimit':
      return 'RateLimit-Limit';
    case 'RateLimitRemaining':
      return 'RateLimit-Remaining';
    case 'RateLimitReset':
      return 'RateLimit-Reset';
    case 'RateLimitPolicy':
      return 'RateLimit-Policy';
  }
}

/** The headers of a cacheable Content API read (the edge adds x-cache). */
export const CONTENT_READ_HEADERS: HeaderName[] = ['SurrogateKey', 'SurrogateControl', 'CacheControl', 'XCache'];

/**
 * An OpenAPI link: an operation this response leads to, with the values it takes from this request
 * or response (runtime expressions such as `$request.body#/slug`, `$response.body#/data/id`,
 * `$request.path.spaceId`). Clients and tools follow them — schemathesis' stateful phase runs
 * create → read → update → delete through them (test/integration/schemathesis.test.ts).
 */
export interface Link {
  operationId: string;
  description: string;
  parameters: Record<string, string>;
}
export type Links = Record<string, Link>;

/** A JSON success response: its schema (zod, or a JSON Schema), an example, the headers that matter, and its links. */
export function jsonOk(description: string, schema: z.ZodType, example: unknown, headers: HeaderName[] = [], links?: Links): Responses[string] {
  return {
    description,
    ...(headers.length ? { headers: headerRefs(headers) } : {}),
    content: { 'application/json': { schema: resolver(schema), example } },
    ...(links ? { links } : {}),
  };
}

/** A point in time as answers carry it: ISO 8601 in UTC (`Date.toISOString()`), `format: date-time`. */
export const timestamp = () => z.string().meta({ format: 'date-time' });

/** A response without a body (204). */
export const noContent = (description: string, links?: Links): Responses[string] => ({ description, ...(links ? { links } : {}) });

/** `202 {"status":"pending"}`: the Write API's acknowledgement, sent once the change is committed. */
export const pendingSchema = z.object({ status: z.literal('pending') }).strict();
export function pending(description: string, headers: HeaderName[] = [], links?: Links): Responses[string] {
  return jsonOk(description, pendingSchema, { status: 'pending' }, headers, links);
}

/** A path parameter. */
export function pathParam(name: string, description: string, schema: Schema = { type: 'string' }, example?: unknown): Parameter {
  return { in: 'path', name, required: true, description, schema: schema as never, ...(example !== undefined ? { example } : {}) };
}

/** A query parameter. */
export function queryParam(name: string, description: string, schema: Schema = { type: 'string' }, example?: unknown): Parameter {
  return { in: 'query', name, required: false, description, schema: schema as never, ...(example !== undefined ? { example } : {}) };
}

/** `If-Match: "v<n>"`: makes a write conditional (412 when the resource moved on). */
export const ifMatch: Parameter = {
  in: 'header',
  name: 'If-Match',
  required: false,
  description: 'The ETag of the management view (`"v<n>"`): the write applies only to that version, else 412 precondition_failed.',
  schema: { type: 'string', pattern: '^(W/)?"v[0-9]{1,9}"$' },
  example: '"v3"',
};

export interface Description extends Omit<DescribeRouteOptions, 'operationId' | 'description' | 'tags' | 'security' | 'responses'> {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: OpenAPIV3_1.SecurityRequirementObject[];
  responses: Responses;
  /** Internal: a call of ghee's own parts (the edge), not for clients (`x-internal: true`). */
  internal?: boolean;
}

/**
 * A route's description, as its first handler (it only calls next()). Every described operation
 * names its id, summary, description, tags, security and responses.
 */
export function describe(d: Description): MiddlewareHandler {
  const { internal, ...rest } = d;
  return describeRoute({ ...rest, ...(internal ? { 'x-internal': true } : {}) } as DescribeRouteOptions);
}
