/**
 * The OpenAPI descriptions of the SCIM token management routes (issue 18; mechanism:
 * origin/http/openapi.ts). Owners and admins (sso.manage), sessions only; changes need a recent
 * re-authentication. And the SCIM 2.0 API under /scim/v2 (application/scim+json, SCIM's own error
 * shape), its bodies the zod schemas the services validate with (resources.ts, patch.ts).
 */
import { z } from 'zod';
import { describe, errors, jsonOk, noContent, pathParam, queryParam, scimBody, scimErrors, scimOk, SECURITY } from '../../http/openapi.js';

const TAGS = ['SCIM'];
const TIME = '2026-01-05T09:30:00.000Z';
const ORG = pathParam('orgId', 'The organization.', { type: 'string', format: 'uuid' }, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
const view = {
  token_id: z.string(),
  last_four: z.string(),
  enabled: z.boolean(),
  created_at: z.string(),
  disabled_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  base_url: z.string().meta({ description: 'The SCIM base URL to give the identity provider.' }),
};
const VIEW = { token_id: '3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b', last_four: 'Qx7z', enabled: true, created_at: TIME, disabled_at: null, last_used_at: null, base_url: 'https://app.ghee.example/scim/v2' };

export const getScimTokenDoc = describe({
  operationId: 'getScimToken',
  summary: 'The SCIM token\'s state',
  description: 'Whether the organization\'s SCIM token is enabled, when it was last used, and the base URL (never the token). 404 before the first one.',
  tags: TAGS,
  security: SECURITY.session,
  parameters: [ORG],
  responses: { 200: jsonOk('The token\'s state.', z.object({ data: z.object(view) }), { data: VIEW }), ...errors(401, 403, 404) },
});

export const rotateScimTokenDoc = describe({
  operationId: 'rotateScimToken',
  summary: 'Create or rotate the SCIM token',
  description: 'A new token (the previous one stops working at once), answered once.',
  tags: TAGS,
  security: SECURITY.session,
  parameters: [ORG],
  responses: { 201: jsonOk('The new token, shown only now.', z.object({ data: z.object({ ...view, token: z.string() }) }), { data: { ...VIEW, token: 'ghee_scim_<random>' } }), ...errors(401, 403, 404) },
});

export const disableScimTokenDoc = describe({
  operationId: 'disableScimToken',
  summary: 'Disable the SCIM token',
  description: 'Every SCIM call answers 401 until the next rotation.',
  tags: TAGS,
  security: SECURITY.session,
  parameters: [ORG],
  responses: { 204: noContent('Disabled.'), ...errors(401, 403, 404) },
});

// --- SCIM 2.0 (RFC 7644) under /scim/v2: the organization's SCIM bearer token only ------------

const SCIM = ['SCIM'];
const SCIM_BASE = 'https://app.ghee.example/scim/v2';
const RESOURCE_ID = pathParam('id', 'The resource id.', { type: 'string', format: 'uuid' }, '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a');
const LIST_PARAMS = [
  queryParam('filter', 'A SCIM filter (`userName eq "ada@example.org"`, `externalId eq "…"`, and, or, not, pr, co, sw, ew, gt, ge, lt, le); at most 1000 characters.', { type: 'string' }),
  queryParam('startIndex', '1-based index of the first result (default 1).', { type: 'integer', minimum: 1 }, 1),
  queryParam('count', 'Results per page, 0–200 (default 200; 0: totals only).', { type: 'integer', minimum: 0, maximum: 200 }, 100),
];
const resourceSchema = z.object({ schemas: z.array(z.string()), id: z.string(), meta: z.object({ resourceType: z.string(), created: z.string(), lastModified: z.string(), location: z.string() }) }).catchall(z.unknown());
const META = { resourceType: 'User', created: TIME, lastModified: TIME, location: `${SCIM_BASE}/Users/8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a` };
const USER = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a', userName: 'ada@example.org', active: true, meta: META };
const GROUP = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a', displayName: 'Editors', meta: { ...META, resourceType: 'Group', location: `${SCIM_BASE}/Groups/8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a` } };
const listSchema = z.object({ schemas: z.array(z.string()), totalResults: z.number().int(), startIndex: z.number().int(), itemsPerPage: z.number().int(), Resources: z.array(z.record(z.string(), z.unknown())) });
const list = (r: unknown) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [r] });
const PATCH_EXAMPLE = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] };
const WRITE_ERRORS = [400, 401, 404, 409, 413, 415] as const;

type Kind = 'User' | 'Group';
const ex = (kind: Kind) => (kind === 'User' ? USER : GROUP);

export const scimListDoc = (kind: Kind) =>
  describe({
    operationId: `listScim${kind}s`,
    summary: `List SCIM ${kind.toLowerCase()}s`,
    description: `The organization's provisioned ${kind.toLowerCase()}s, filtered and paged.${kind === 'Group' ? ' `excludedAttributes=members` leaves the members out.' : ''}`,
    tags: SCIM,
    security: SECURITY.scim,
    parameters: kind === 'Group' ? [...LIST_PARAMS, queryParam('excludedAttributes', '`members` to leave them out.', { type: 'string' })] : LIST_PARAMS,
    responses: { 200: scimOk('A ListResponse.', listSchema, list(ex(kind))), ...scimErrors(400, 401) },
  });

export const scimCreateDoc = (kind: Kind, body: z.ZodType) =>
  describe({
    operationId: `createScim${kind}`,
    summary: `Provision a SCIM ${kind.toLowerCase()}`,
    description: kind === 'User' ? 'Creates the user (matched to an existing ghee account by address) and their membership.' : 'Creates the group; its members\' roles follow the connection\'s group mapping.',
    tags: SCIM,
    security: SECURITY.scim,
    requestBody: scimBody(body, kind === 'User' ? { schemas: USER.schemas, userName: 'ada@example.org', active: true, emails: [{ value: 'ada@example.org', primary: true }] } : { schemas: GROUP.schemas, displayName: 'Editors', members: [] }),
    responses: { 201: scimOk('Created (Location: its URL).', resourceSchema, ex(kind)), ...scimErrors(...WRITE_ERRORS, 402) },
  });

export const scimGetDoc = (kind: Kind) =>
  describe({
    operationId: `getScim${kind}`,
    summary: `Read a SCIM ${kind.toLowerCase()}`,
    description: `One provisioned ${kind.toLowerCase()}.`,
    tags: SCIM,
    security: SECURITY.scim,
    parameters: kind === 'Group' ? [RESOURCE_ID, queryParam('excludedAttributes', '`members` to leave them out.', { type: 'string' })] : [RESOURCE_ID],
    responses: { 200: scimOk(`The ${kind.toLowerCase()}.`, resourceSchema, ex(kind)), ...scimErrors(401, 404) },
  });

export const scimReplaceDoc = (kind: Kind, body: z.ZodType) =>
  describe({
    operationId: `replaceScim${kind}`,
    summary: `Replace a SCIM ${kind.toLowerCase()}`,
    description: 'PUT: the resource becomes the body.',
    tags: SCIM,
    security: SECURITY.scim,
    parameters: [RESOURCE_ID],
    requestBody: scimBody(body, kind === 'User' ? { schemas: USER.schemas, userName: 'ada@example.org', active: false } : { schemas: GROUP.schemas, displayName: 'Editors' }),
    responses: { 200: scimOk('Replaced.', resourceSchema, ex(kind)), ...scimErrors(...WRITE_ERRORS, 412) },
  });

export const scimPatchDoc = (kind: Kind, body: z.ZodType) =>
  describe({
    operationId: `patchScim${kind}`,
    summary: `Patch a SCIM ${kind.toLowerCase()}`,
    description: 'PATCH with a PatchOp body: 1–100 add, replace or remove operations.',
    tags: SCIM,
    security: SECURITY.scim,
    parameters: [RESOURCE_ID],
    requestBody: scimBody(body, PATCH_EXAMPLE),
    responses: { 200: scimOk('Patched.', resourceSchema, ex(kind)), ...scimErrors(...WRITE_ERRORS, 412) },
  });

export const scimDeleteDoc = (kind: Kind) =>
  describe({
    operationId: `deleteScim${kind}`,
    summary: `Deprovision a SCIM ${kind.toLowerCase()}`,
    description: kind === 'User' ? 'Removes the user\'s membership and ends their sessions.' : 'Deletes the group (its members keep their other memberships).',
    tags: SCIM,
    security: SECURITY.scim,
    parameters: [RESOURCE_ID],
    responses: { 204: { description: 'Deleted.' }, ...scimErrors(401, 404, 409) },
  });

export const scimServiceProviderDoc = describe({
  operationId: 'getScimServiceProviderConfig',
  summary: 'SCIM service provider configuration',
  description: 'What this SCIM server supports (PATCH, filter, no bulk, no sort, no ETags), and its limits.',
  tags: SCIM,
  security: SECURITY.scim,
  responses: { 200: scimOk('The configuration.', z.record(z.string(), z.unknown()), { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'], patch: { supported: true } }), ...scimErrors(401) },
});

export const scimDiscoveryListDoc = (what: 'ResourceTypes' | 'Schemas') =>
  describe({
    operationId: what === 'Schemas' ? 'listScimSchemas' : 'listScimResourceTypes',
    summary: `SCIM ${what === 'Schemas' ? 'schemas' : 'resource types'}`,
    description: `The ${what === 'Schemas' ? 'User and Group schemas' : 'User and Group resource types'}, as a ListResponse.`,
    tags: SCIM,
    security: SECURITY.scim,
    responses: { 200: scimOk('A ListResponse.', listSchema, list({ id: what === 'Schemas' ? 'urn:ietf:params:scim:schemas:core:2.0:User' : 'User' })), ...scimErrors(401) },
  });

export const scimDiscoveryGetDoc = (what: 'ResourceTypes' | 'Schemas') =>
  describe({
    operationId: what === 'Schemas' ? 'getScimSchema' : 'getScimResourceType',
    summary: `A SCIM ${what === 'Schemas' ? 'schema' : 'resource type'}`,
    description: `One ${what === 'Schemas' ? 'schema, by its URN' : 'resource type, by its name (User, Group)'}.`,
    tags: SCIM,
    security: SECURITY.scim,
    parameters: [pathParam('id', what === 'Schemas' ? 'The schema URN.' : 'User or Group.', { type: 'string' }, what === 'Schemas' ? 'urn:ietf:params:scim:schemas:core:2.0:User' : 'User')],
    responses: { 200: scimOk('Found.', z.record(z.string(), z.unknown()), { id: what === 'Schemas' ? 'urn:ietf:params:scim:schemas:core:2.0:User' : 'User' }), ...scimErrors(401, 404) },
  });
