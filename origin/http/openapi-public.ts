/**
 * The public part of the OpenAPI document (issue 18): what a reader of published content calls —
 * the Content API reads, asset downloads, the edge's health and the document itself — with no
 * internal operation, security scheme or component left in. The origin serves it at
 * GET /openapi/public.json (origin/http/openapi-spec.ts); the edge answers its GET /openapi.json
 * from it (edge/openapi-document.ts), cached like content, so the edge's bundle carries no copy.
 */
import type { OpenAPIV3_1 } from 'openapi-types';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** Public operations beyond those tagged Content API. */
const ALSO_PUBLIC = new Set(['getAsset', 'getOpenApiDocument', 'getEdgeHealth']);

const isPublic = (op: OpenAPIV3_1.OperationObject) => (op.tags ?? []).includes('Content API') || ALSO_PUBLIC.has(op.operationId ?? '');

/** Every `#/components/<kind>/<name>` reference reachable from `value`, followed through the components. */
function reachable(value: unknown, components: Json): Set<string> {
  const seen = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      if (k === '$ref' && typeof child === 'string' && child.startsWith('#/components/')) {
        if (seen.has(child)) continue;
        seen.add(child);
        const [kind, name] = child.slice('#/components/'.length).split('/') as [string, string];
        walk((components[kind] as Json | undefined)?.[decodeURIComponent(name.replaceAll('~1', '/').replaceAll('~0', '~'))]);
      } else walk(child);
    }
  };
  walk(value);
  return seen;
}

/** The public part of `doc` (a new object; `doc` is not changed). */
export function publicDocument(doc: OpenAPIV3_1.Document): OpenAPIV3_1.Document {
  return subsetDocument(
    doc,
    isPublic,
    'The public part of ghee\'s API, as the edge serves it: the Content API (ButterCMS v2 wire-compatible reads of published content with a read key; drafts with `preview=1` and a preview key), asset downloads and the edge\'s health. Every error is `{"detail","code","request_id"}`.',
  );
}

/**
 * The operations of `doc` that `keep` accepts (never an x-internal one), with only the tags,
 * components and security schemes they use — and without the internal security schemes in their
 * requirement lists. A new object; `doc` is not changed.
 */
export function subsetDocument(doc: OpenAPIV3_1.Document, keep: (op: OpenAPIV3_1.OperationObject) => boolean, description: string): OpenAPIV3_1.Document {
  const components = (doc.components ?? {}) as Json;
  const schemes = (components.securitySchemes ?? {}) as Record<string, Json>;
  const internalScheme = (name: string) => schemes[name]?.['x-internal'] === true;
  const paths: Record<string, Json> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const kept: Json = {};
    for (const m of METHODS) {
      const op = item?.[m];
      if (!op || (op as Json)['x-internal'] || !keep(op)) continue;
      // The internal ways in (the edge's signed assertion) are not the reader's: left out of each requirement list.
      const security = op.security?.filter((req) => !Object.keys(req).some(internalScheme));
      kept[m] = { ...op, ...(security ? { security } : {}) };
    }
    if (Object.keys(kept).length === 0) continue;
    paths[path] = { ...(item?.servers ? { servers: item.servers } : {}), ...(item?.parameters ? { parameters: item.parameters } : {}), ...kept };
  }
  const refs = reachable(paths, components);
  const used = (kind: string) => Object.fromEntries(Object.entries((components[kind] ?? {}) as Json).filter(([name]) => refs.has(`#/components/${kind}/${name}`)));
  const ops = Object.values(paths).flatMap((item) => METHODS.map((m) => item[m] as OpenAPIV3_1.OperationObject | undefined).filter((op) => op !== undefined));
  const usedSchemes = new Set(ops.flatMap((op) => (op.security ?? []).flatMap((req) => Object.keys(req))));
  const usedTags = new Set(ops.flatMap((op) => op.tags ?? []));
  const { 'x-ghee-edge-routes': _edgeRoutes, ...rest } = doc as OpenAPIV3_1.Document & Json;
  return {
    ...rest,
    info: { ...doc.info, description },
    tags: (doc.tags ?? []).filter((t) => usedTags.has(t.name)),
    paths: paths as OpenAPIV3_1.PathsObject,
    components: {
      securitySchemes: Object.fromEntries(Object.entries(schemes).filter(([name]) => usedSchemes.has(name))) as unknown as Record<string, OpenAPIV3_1.SecuritySchemeObject>,
      headers: used('headers') as Record<string, OpenAPIV3_1.HeaderObject>,
      responses: used('responses') as Record<string, OpenAPIV3_1.ResponseObject>,
      schemas: used('schemas') as Record<string, OpenAPIV3_1.SchemaObject>,
    },
  };
}
