/**
 * SCIM 2.0 wire shapes (RFC 7643/7644): the error body, list responses, the discovery documents
 * (ServiceProviderConfig, Schemas, ResourceTypes), filters (scim2-parse-filter: parsed, then
 * evaluated over the resources of one organization) and the input rules for User and Group
 * bodies, with the known deviations of Microsoft Entra ID tolerated (`"active": "False"` as a
 * string, `"primary": "True"`, capitalised PATCH ops — see patch.ts).
 */
import { parse, filter as compileFilter, type Filter } from 'scim2-parse-filter';
import { z } from 'zod';

export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  list: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patch: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  spc: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
/** Bodies above this answer 413 (ServiceProviderConfig says so). */
export const SCIM_MAX_BODY = 64 * 1024;
/** Stored attributes of one user, serialised. */
export const MAX_ATTRIBUTES = 16 * 1024;
export const MAX_RESULTS = 200;
export const MAX_FILTER_LENGTH = 1000;

export type ScimType = 'invalidFilter' | 'invalidValue' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'tooMany';

/** A refusal in SCIM's error shape (thrown by routes; rendered by the SCIM app's onError). */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
  }
}

/** Under SCIM's base path (any case: some clients send /SCIM/V2). */
export function isScimPath(path: string): boolean {
  return /^\/scim\/v2(\/|$)/i.test(path);
}

export function errorBody(e: { status: number; detail: string; scimType?: ScimType | undefined }): Record<string, unknown> {
  return { schemas: [SCHEMA.error], status: String(e.status), ...(e.scimType ? { scimType: e.scimType } : {}), detail: e.detail };
}

export function listResponse(resources: unknown[], total: number, startIndex: number): Record<string, unknown> {
  return { schemas: [SCHEMA.list], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources };
}

/** startIndex (1-based, default 1) and count (default and at most MAX_RESULTS; 0: totals only). */
export function pagination(q: { startIndex?: string | undefined; count?: string | undefined }): { startIndex: number; count: number } {
  const int = (v: string | undefined, d: number) => {
    if (v === undefined || v === '') return d;
    if (!/^-?\d{1,9}$/.test(v)) throw new ScimError(400, 'startIndex and count must be integers.', 'invalidValue');
    return Number(v);
  };
  return { startIndex: Math.max(1, int(q.startIndex, 1)), count: Math.min(MAX_RESULTS, Math.max(0, int(q.count, MAX_RESULTS))) };
}

const CORE_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i;
/** Attributes compared without case (RFC 7643 caseExact=false). */
const CASE_INSENSITIVE = new Set(['username', 'displayname', 'emails.value', 'emails']);

function normaliseFilter(f: Filter): Filter {
  switch (f.op) {
    case 'and':
    case 'or':
      return { ...f, filters: f.filters.map(normaliseFilter) };
    case 'not':
      return { ...f, filter: normaliseFilter(f.filter) };
    case '[]':
      return { ...f, attrPath: f.attrPath.replace(CORE_PREFIX, ''), valFilter: normaliseFilter(f.valFilter) };
    case 'pr':
      return { ...f, attrPath: f.attrPath.replace(CORE_PREFIX, '') };
    default: {
      const attrPath = f.attrPath.replace(CORE_PREFIX, '');
      const lower = CASE_INSENSITIVE.has(attrPath.toLowerCase()) && typeof f.compValue === 'string';
      return { ...f, attrPath, compValue: lower ? (f.compValue as string).toLowerCase() : f.compValue };
    }
  }
}

/** The values a filter sees: case-insensitive attributes lower-cased. */
export function filterView(resource: Record<string, unknown>): Record<string, unknown> {
  const view: Record<string, unknown> = { ...resource };
  for (const k of ['userName', 'displayName']) if (typeof view[k] === 'string') view[k] = (view[k] as string).toLowerCase();
  if (Array.isArray(view.emails)) view.emails = view.emails.map((e) => (e && typeof e === 'object' && typeof (e as { value?: unknown }).value === 'string' ? { ...e, value: (e as { value: string }).value.toLowerCase() } : e));
  return view;
}

export interface ParsedFilter {
  /** The filter as a predicate over resources (case-insensitive attributes compared lower-cased). */
  test: (resource: Record<string, unknown>) => boolean;
  /** A single `<attr> eq "<string>"` (the IdPs' lookups), for a narrowing query; attr lower-cased. */
  eq: { attr: string; value: string } | null;
}

/** A filter parameter parsed by scim2-parse-filter; null without one; 400 invalidFilter when it does not parse. */
export function parseFilter(raw: string | undefined): ParsedFilter | null {
  if (raw === undefined || raw.trim() === '') return null;
  if (raw.length > MAX_FILTER_LENGTH) throw new ScimError(400, `Filters are limited to ${MAX_FILTER_LENGTH} characters.`, 'invalidFilter');
  let ast: Filter;
  try {
    ast = normaliseFilter(parse(raw));
  } catch {
    throw new ScimError(400, 'The filter is not a valid SCIM filter (RFC 7644 section 3.4.2.2).', 'invalidFilter');
  }
  const compiled = compileFilter(ast);
  const eq = ast.op === 'eq' && typeof ast.compValue === 'string' ? { attr: ast.attrPath.toLowerCase(), value: ast.compValue } : null;
  return { test: (resource) => compiled(filterView(resource)), eq };
}

/** Entra ID sends booleans as the strings "True"/"False". */
export const scimBoolean = z.union([z.boolean(), z.enum(['True', 'False', 'true', 'false', 'TRUE', 'FALSE']).transform((v) => v.toLowerCase() === 'true')]);

const shortText = (max: number) => z.string().trim().max(max);

export const userBody = z
  .object({
    schemas: z.array(z.string().max(200)).max(10).optional(),
    userName: shortText(254).min(1),
    externalId: shortText(256).nullable().optional(),
    active: scimBoolean.optional(),
    displayName: shortText(200).nullable().optional(),
    name: z
      .object({ formatted: shortText(200).optional(), givenName: shortText(100).optional(), familyName: shortText(100).optional() })
      .passthrough()
      .nullable()
      .optional(),
    emails: z
      .array(z.object({ value: shortText(254), type: shortText(50).optional(), primary: scimBoolean.optional() }).passthrough())
      .max(20)
      .nullable()
      .optional(),
  })
  .passthrough();

export type UserBody = z.infer<typeof userBody>;

export const groupBody = z
  .object({
    schemas: z.array(z.string().max(200)).max(10).optional(),
    displayName: shortText(200).min(1),
    externalId: shortText(256).nullable().optional(),
    members: z
      .array(z.object({ value: z.string().max(64) }).passthrough())
      .max(1000)
      .nullable()
      .optional(),
  })
  .passthrough();

export type GroupBody = z.infer<typeof groupBody>;

/** Keys that must never reach an object as properties (prototype pollution through a PATCH path or a body). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function hasForbiddenKey(v: unknown, depth = 0): boolean {
  if (depth > 20) return true;
  if (Array.isArray(v)) return v.some((x) => hasForbiddenKey(x, depth + 1));
  if (v && typeof v === 'object') return Object.keys(v).some((k) => FORBIDDEN_KEYS.has(k) || hasForbiddenKey((v as Record<string, unknown>)[k], depth + 1));
  return false;
}

export function forbiddenPath(path: string): boolean {
  return path.split(/[.[\]\s:"]+/).some((seg) => FORBIDDEN_KEYS.has(seg));
}

export function zodDetail(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
}

// --- discovery ---------------------------------------------------------------------------------
export function serviceProviderConfig(base: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA.spc],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: "The organization's SCIM token (POST /v1/orgs/{org}/scim/token).", primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypes(base: string): Record<string, unknown>[] {
  return [
    { schemas: [SCHEMA.resourceType], id: 'User', name: 'User', endpoint: '/Users', schema: SCHEMA.user, schemaExtensions: [{ schema: SCHEMA.enterprise, required: false }], meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` } },
    { schemas: [SCHEMA.resourceType], id: 'Group', name: 'Group', endpoint: '/Groups', schema: SCHEMA.group, meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` } },
  ];
}

const attr = (name: string, type: string, extra: Record<string, unknown> = {}) => ({ name, type, multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra });

export function schemas(base: string): Record<string, unknown>[] {
  return [
    {
      schemas: [SCHEMA.schema],
      id: SCHEMA.user,
      name: 'User',
      description: 'A ghee user provisioned into the organization.',
      attributes: [
        attr('userName', 'string', { required: true, uniqueness: 'server' }),
        attr('externalId', 'string', { caseExact: true }),
        attr('active', 'boolean'),
        attr('displayName', 'string'),
        attr('name', 'complex', { subAttributes: [attr('formatted', 'string'), attr('givenName', 'string'), attr('familyName', 'string')] }),
        attr('emails', 'complex', { multiValued: true, subAttributes: [attr('value', 'string'), attr('type', 'string'), attr('primary', 'boolean')] }),
        attr('groups', 'complex', { multiValued: true, mutability: 'readOnly', subAttributes: [attr('value', 'string'), attr('display', 'string')] }),
      ],
      meta: { resourceType: 'Schema', location: `${base}/Schemas/${SCHEMA.user}` },
    },
    {
      schemas: [SCHEMA.schema],
      id: SCHEMA.group,
      name: 'Group',
      description: 'A group of provisioned users (mapped to roles through the SSO mapping rules on `groups`).',
      attributes: [attr('displayName', 'string', { required: true }), attr('externalId', 'string', { caseExact: true }), attr('members', 'complex', { multiValued: true, subAttributes: [attr('value', 'string'), attr('display', 'string')] })],
      meta: { resourceType: 'Schema', location: `${base}/Schemas/${SCHEMA.group}` },
    },
  ];
}
