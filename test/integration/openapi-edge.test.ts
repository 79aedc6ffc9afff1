/**
 * The edge in the OpenAPI document (issue 18): every route of the edge's route table is described
 * (shared/openapi-edge.ts) — the list is read from the running edge's `app.routes`, so a route
 * added to edge/app.ts without its description fails here; the edge's own answers validate against
 * the document; and GET /openapi.json through the Node edge twin answers the public part (the
 * origin's GET /openapi/public.json), cached like content, lint-clean, with nothing internal in it.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeEdge, type RunningEdge } from '../../edge/node/server.js';
import { ANSWERED_BY, EDGE_ROUTES, EDGE_SERVER } from '../../shared/openapi-edge.js';
import { lintOpenApi } from '../../scripts/openapi-lint.js';
import { expectSecureHeaders } from '../helpers/assertions.js';
import { startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

type Json = Record<string, unknown>;
interface Operation extends Json {
  operationId: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, Json>;
}
interface Spec extends Json {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, Json>>;
}
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'] as const;

let origin: OriginUnderTest;
let edge: RunningEdge;
let spec: Spec;

const operations = (doc: Spec) =>
  Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m]! })));

beforeAll(async () => {
  origin = await startTestOrigin();
  edge = await startTestEdge(origin);
  spec = (await (await fetch(`${origin.server.url}/openapi.json`)).json()) as Spec;
});
afterAll(async () => {
  await edge?.close();
  await origin?.stop();
});

describe('the edge\'s routes in the document', () => {
  it('every route in the edge\'s route table has exactly one description, and no description is of a route the edge lacks', () => {
    // Middleware is registered on `*`; everything else is a route.
    const table = [...new Set(edge.edge.app.routes.filter((r) => r.path !== '*' && r.path !== '/*').map((r) => `${r.method} ${r.path}`))].sort();
    const described = EDGE_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(described).size).toBe(described.length);
    expect([...described].sort()).toEqual(table);
    expect(table).toContain('GET /.edge/health');
    expect(table).toContain('POST /.edge/purge');
    expect(table).toContain('GET /openapi.json');
  });

  it('describes the edge\'s own routes as operations answered by the edge, the signed purge as internal', () => {
    for (const r of EDGE_ROUTES.filter((e) => e.kind === 'own')) {
      const op = spec.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op![ANSWERED_BY]).toBe('edge');
      expect((spec.paths[r.path] as unknown as { servers: unknown }).servers).toEqual([EDGE_SERVER]);
    }
    const purge = spec.paths['/.edge/purge']!.post!;
    expect(purge['x-internal']).toBe(true);
    expect(purge.security).toEqual([{ internal_signature: [] }]);
    expect(spec.components.securitySchemes!.internal_signature).toMatchObject({ 'x-internal': true });
    expect(spec.paths['/.edge/health']!.get!.security).toEqual([]);
    // The summary of the whole table, for readers of the document.
    expect((spec['x-ghee-edge-routes'] as unknown[]).length).toBe(EDGE_ROUTES.length);
  });

  it('the forwarded routes name operations that exist, and /v2/* forwards every Content API read', () => {
    const ids = new Map(operations(spec).map(({ path, method, op }) => [op.operationId, { path, method, op }]));
    for (const r of EDGE_ROUTES) if (r.kind === 'forwarded') for (const id of r.operations) expect(ids.has(id), `${r.method} ${r.path} → ${id}`).toBe(true);
    const reads = operations(spec).filter(({ method, op }) => method === 'get' && (op.tags ?? []).includes('Content API')).map(({ op }) => op.operationId).sort();
    const v2 = EDGE_ROUTES.find((r) => r.kind === 'forwarded' && r.method === 'GET' && r.path === '/v2/*');
    expect(v2 && v2.kind === 'forwarded' ? [...v2.operations].sort() : []).toEqual(reads);
    expect(reads.length).toBe(14);
  });
});

describe('the edge\'s answers match the document', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  beforeAll(() => {
    ajv.addSchema(spec as unknown as Json, 'openapi');
  });
  async function conforms(res: Response, path: string, method: string): Promise<Json> {
    const response = spec.paths[path]![method]!.responses[String(res.status)];
    expect(response, `${method} ${path} ${res.status}`).toBeDefined();
    const ref = response!.$ref as string | undefined;
    const pointer = ref ? `openapi${ref}/content/application~1json/schema` : `openapi#/paths/${path.replaceAll('/', '~1')}/${method}/responses/${res.status}/content/application~1json/schema`;
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Json;
    const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
    expect(validate(body) ? [] : validate.errors).toEqual([]);
    return body;
  }

  it('the health check, an unsigned purge (401), a replay-free bad signature, and a write sent to the edge (405)', async () => {
    expect(await conforms(await fetch(`${edge.url}/.edge/health`), '/.edge/health', 'get')).toEqual({ status: 'ok', platform: 'node' });
    const unsigned = await fetch(`${edge.url}/.edge/purge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys: ['space:x'] }) });
    expect(unsigned.status).toBe(401);
    await conforms(unsigned, '/.edge/purge', 'post');
    const forged = await fetch(`${edge.url}/.edge/purge`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-ghee-ts': String(Math.floor(Date.now() / 1000)), 'x-ghee-sig': 'f'.repeat(64) }, body: '{"keys":["space:x"]}' });
    expect(forged.status).toBe(401);
    await conforms(forged, '/.edge/purge', 'post');
    const write = await fetch(`${edge.url}/v2/pages/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(write.status).toBe(405);
    expect(write.headers.get('allow')).toMatch(/^GET, HEAD/);
    const refusal = EDGE_ROUTES.find((r) => r.kind === 'refusal')!;
    expect(refusal.kind === 'refusal' && refusal.code).toBe(((await write.json()) as Json).code);
  });
});

describe('GET /openapi.json through the edge', () => {
  it('answers the public part: the origin\'s /openapi/public.json, MISS then HIT without the origin, secure headers, no edge-only headers', async () => {
    const fromOrigin = await fetch(`${origin.server.url}/openapi/public.json`);
    expect(fromOrigin.status).toBe(200);
    expect(fromOrigin.headers.get('surrogate-key')).toBe('openapi');
    expect(fromOrigin.headers.get('surrogate-control')).toMatch(/^max-age=\d+/);
    const expected = await fromOrigin.json();

    const first = await fetch(`${edge.url}/openapi.json`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(first.headers.get('surrogate-key')).toBeNull();
    expect(first.headers.get('surrogate-control')).toBeNull();
    expectSecureHeaders(first);
    expect(await first.json()).toEqual(expected);

    const requestsBefore = origin.logs.lines.filter((l) => l.includes('"path":"/openapi/public.json"')).length;
    const second = await fetch(`${edge.url}/openapi.json`);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(await second.json()).toEqual(expected);
    expect(origin.logs.lines.filter((l) => l.includes('"path":"/openapi/public.json"')).length).toBe(requestsBefore);
  });

  it('the public part is lint-clean, holds every Content API read and nothing internal, written or managed', async () => {
    const pub = (await (await fetch(`${edge.url}/openapi.json`)).json()) as Spec;
    expect(await lintOpenApi(pub)).toEqual([]);
    const ops = operations(pub);
    const ids = ops.map(({ op }) => op.operationId).sort();
    const reads = operations(spec).filter(({ method, op }) => method === 'get' && (op.tags ?? []).includes('Content API')).map(({ op }) => op.operationId);
    expect(ids).toEqual([...reads, 'getAsset', 'getEdgeHealth', 'getOpenApiDocument'].sort());
    for (const { op } of ops) {
      expect(op['x-internal']).toBeUndefined();
      expect(op.tags?.some((t) => ['Write API', 'Internal', 'Accounts', 'Organizations', 'API keys'].includes(t))).toBe(false);
      // The edge's signed assertion is an internal way in: not offered to readers.
      for (const req of op.security ?? []) expect(Object.keys(req)).not.toContain('edge_assertion');
    }
    expect(Object.keys(pub.components.securitySchemes ?? {}).sort()).toEqual(['auth_token', 'token_header']);
    expect(JSON.stringify(pub)).not.toContain('x-internal');
    expect(pub['x-ghee-edge-routes']).toBeUndefined();
  });

  it('with the origin unreachable and nothing cached: 502 in the one error shape (never an empty or partial document)', async () => {
    const dead = await startNodeEdge({ originUrl: 'http://127.0.0.1:9', secrets: { edge_shared_secret: origin.secret }, config: { https_only: 'false' }, log: () => {} });
    try {
      const res = await fetch(`${dead.url}/openapi.json`);
      expect(res.status).toBe(502);
      expect((await res.json()) as Json).toMatchObject({ code: 'bad_gateway' });
      expectSecureHeaders(res);
    } finally {
      await dead.close();
    }
  });

  it('a public read described there answers as described through the edge', async () => {
    const pub = (await (await fetch(`${edge.url}/openapi.json`)).json()) as Spec;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(pub as unknown as Json, 'public');
    const res = await fetch(`${edge.url}/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`);
    expect(res.status).toBe(200);
    const validate = ajv.compile({ $ref: 'public#/paths/~1v2~1pages~1{pageType}~1{slug}/get/responses/200/content/application~1json/schema' });
    expect(validate(await res.json()) ? [] : validate.errors).toEqual([]);
  });
});
