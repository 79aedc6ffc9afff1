/**
 * The routes the edge (edge/app.ts) registers, described for the OpenAPI 3.1 document (issue 18)
 * as plain data: origin/http/openapi-spec.ts merges them into the document the origin serves.
 * Plain data on purpose — the edge imports nothing from here, so its bundle (and Fastly snapshot)
 * does not grow with its own description.
 *
 * Every route of the edge's route table has exactly one entry (test/integration/openapi-edge.test.ts
 * builds the edge and compares its `app.routes` with this list, so a new edge route fails there
 * until it is described here):
 * - `own`: answered by the edge itself (never reaching the origin's router): described here as an
 *   operation, tagged Edge, `x-internal` when it is a signed call of ghee's own parts;
 * - `forwarded`: read routes the edge answers from its cache or by forwarding to the origin: the
 *   origin's operations describe them (their ids are listed, the test checks they exist);
 * - `refusal`: what the edge answers instead of forwarding (writes sent to the edge).
 */
import { DEFAULT_DETAIL, ERROR_STATUS, type ErrorCode } from './errors.js';
import { PURGE_MAX_KEYS } from './internal-auth.js';

type Json = Record<string, unknown>;

export interface EdgeOwnRoute {
  kind: 'own';
  /** As Hono registers it (`GET`, `POST`, …) and the path as the route table has it. */
  method: string;
  path: string;
  /** The OpenAPI operation (with `#/components/…` references of the origin's document). */
  operation: Json;
}

export interface EdgeForwardedRoute {
  kind: 'forwarded';
  method: string;
  path: string;
  /** Why and how: where the answer comes from. */
  description: string;
  /** operationIds of the origin's operations that this route serves (each must exist in the document). */
  operations: string[];
}

export interface EdgeRefusalRoute {
  kind: 'refusal';
  method: string;
  path: string;
  description: string;
  /** The error the edge answers (in the one error shape). */
  code: ErrorCode;
}

export type EdgeRoute = EdgeOwnRoute | EdgeForwardedRoute | EdgeRefusalRoute;

/** The server a path item of the edge is answered by (the document's servers are the origin's). */
export const EDGE_SERVER = { url: '/', description: 'The edge (Fastly Compute, or its Node twin in local runs): the public host that serves the Content API.' };

const errorRef = (status: number) => ({ $ref: `#/components/responses/Error${status}` });
const refs = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [String(s), errorRef(s)]));

const HEALTH: Json = {
  operationId: 'getEdgeHealth',
  summary: 'The edge\'s liveness',
  description: 'Answered by the edge itself, without asking the origin: the edge runs and its settings loaded (a 503 when they are invalid). Never cached.',
  tags: ['Edge'],
  security: [],
  responses: {
    200: {
      description: 'The edge runs.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { status: { type: 'string', const: 'ok' }, platform: { type: 'string', enum: ['fastly', 'node'] } },
            required: ['status', 'platform'],
            additionalProperties: false,
          },
          example: { status: 'ok', platform: 'fastly' },
        },
      },
    },
    ...refs(403, 429, 500, 503),
  },
};

const PURGE: Json = {
  operationId: 'purgeEdgeCache',
  summary: 'Purge the edge cache by surrogate key (internal)',
  description:
    'Called by the origin\'s purge worker after a committed write: purges every cached response tagged with one of the surrogate keys, soft (kept only as stale-if-error) or hard. Accepted only when HMAC-signed with EDGE_SHARED_SECRET over the timestamp and the exact body (x-ghee-ts + x-ghee-sig), each signature once (a replay is refused). Not for clients.',
  tags: ['Internal'],
  'x-internal': true,
  security: [{ internal_signature: [] }],
  requestBody: {
    required: true,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            keys: { type: 'array', minItems: 1, maxItems: PURGE_MAX_KEYS, items: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[\\x21-\\x7e]+$' } },
            soft: { type: 'boolean', default: false },
            nonce: { type: 'string', maxLength: 64 },
          },
          required: ['keys'],
          additionalProperties: false,
        },
        example: { keys: ['space:6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b'], soft: false },
      },
    },
  },
  responses: {
    200: {
      description: 'Purged.',
      content: {
        'application/json': {
          schema: { type: 'object', properties: { purged: { type: 'integer', minimum: 1 }, soft: { type: 'boolean' } }, required: ['purged', 'soft'], additionalProperties: false },
          example: { purged: 1, soft: false },
        },
      },
    },
    ...refs(400, 401, 403, 413, 429, 500, 503),
  },
};

/** The origin's Content API reads (every GET tagged Content API; the test checks the list is whole). */
const CONTENT_READS = ['getPage', 'listPages', 'readCollections', 'readCollection', 'readCollectionItem', 'listPosts', 'getPost', 'listAuthors', 'getAuthor', 'listCategories', 'getCategory', 'listTags', 'getTag', 'getFeed'];

/** The edge's route table, described. */
export const EDGE_ROUTES: readonly EdgeRoute[] = [
  { kind: 'own', method: 'GET', path: '/.edge/health', operation: HEALTH },
  { kind: 'own', method: 'POST', path: '/.edge/purge', operation: PURGE },
  {
    kind: 'forwarded',
    method: 'GET',
    path: '/openapi.json',
    description: 'The public part of this document (the Content API reads, asset downloads, the edge\'s health), from the origin\'s GET /openapi/public.json, cached like content.',
    operations: ['getOpenApiDocument'],
  },
  {
    kind: 'forwarded',
    method: 'GET',
    path: '/v2/*',
    description: 'Content API reads: the API key checked at the edge, answered from the edge cache or forwarded as a signed, canonical read (x-cache: HIT, MISS or STALE).',
    operations: CONTENT_READS,
  },
  { kind: 'forwarded', method: 'HEAD', path: '/v2/*', description: 'As GET, without the body (answered from the GET\'s cached response).', operations: CONTENT_READS },
  { kind: 'forwarded', method: 'GET', path: '/assets/*', description: 'Public asset downloads, cached at the edge.', operations: ['getAsset'] },
  { kind: 'forwarded', method: 'HEAD', path: '/assets/*', description: 'As GET, without the body.', operations: ['getAsset'] },
  {
    kind: 'refusal',
    method: 'ALL',
    path: '/v2/*',
    description: 'The edge serves reads only: any other method on /v2/ is answered 405 with an `Allow` header of the read methods (send writes to the origin\'s API host).',
    code: 'method_not_allowed',
  },
];

/** The extension that marks an operation the edge answers itself (the origin's router has no such route). */
export const ANSWERED_BY = 'x-ghee-answered-by';

/** The edge's own operations as path items (each answered by the edge's server, marked `x-ghee-answered-by: edge`). */
export function edgePathItems(): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const r of EDGE_ROUTES) {
    if (r.kind !== 'own') continue;
    const item = (out[r.path] ??= { servers: [EDGE_SERVER] });
    item[r.method.toLowerCase()] = { ...r.operation, [ANSWERED_BY]: 'edge' };
  }
  return out;
}

/** The document-level summary of the edge's routes (`x-ghee-edge-routes`): what the edge forwards and refuses. */
export function edgeRouteSummary(): Json[] {
  return EDGE_ROUTES.map((r) =>
    r.kind === 'own'
      ? { method: r.method, path: r.path, answered: 'edge', operationId: r.operation.operationId }
      : r.kind === 'forwarded'
        ? { method: r.method, path: r.path, answered: 'cache or origin', operations: r.operations, description: r.description }
        : { method: r.method, path: r.path, answered: 'edge', status: ERROR_STATUS[r.code], code: r.code, description: r.description, detail: DEFAULT_DETAIL[r.code] },
  );
}
