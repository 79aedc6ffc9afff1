/**
 * The OpenAPI descriptions of the API-key routes (issue 18; mechanism: origin/http/openapi.ts).
 * Each is a route's first handler; bodies are the zod schemas the routes validate with, handed in
 * by the routes themselves. Key secrets are answered once (create, rotate), never again.
 */
import { z } from 'zod';
import { describe, errors, jsonBody, jsonOk, type Links, pathParam, SECURITY, timestamp } from '../../http/openapi.js';
import { API_KEY_KINDS } from '../../../shared/api-key.js';

const TAGS = ['API keys'];
const TIME = '2026-01-05T09:30:00.000Z';
const KEY_ID = '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b';
const ORG = pathParam('orgId', 'The organization.', { type: 'string', format: 'uuid' }, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
const KEY = pathParam('keyId', 'The key.', { type: 'string', format: 'uuid' }, KEY_ID);

const viewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  kind: z.enum(API_KEY_KINDS),
  space_id: z.string().nullable(),
  prefix: z.string(),
  last_four: z.string(),
  scopes: z.array(z.string()),
  created_at: timestamp(),
  expires_at: timestamp().nullable(),
  last_used_at: timestamp().nullable(),
  revoked_at: timestamp().nullable(),
  rotated_from_id: z.string().nullable(),
});
const VIEW = {
  id: KEY_ID,
  name: 'Website',
  kind: 'read',
  space_id: '7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d',
  prefix: 'ghee_read_',
  last_four: 'x9Qa',
  scopes: ['content.read'],
  created_at: TIME,
  expires_at: null,
  last_used_at: null,
  revoked_at: null,
  rotated_from_id: null,
};
const TOKEN = 'ghee_read_<random>_<checksum>';

export const listKeysDoc = describe({
  operationId: 'listApiKeys',
  summary: 'List API keys',
  description: 'The organization\'s keys: prefix and last four characters, never the token or its hash (keys.read).',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [ORG],
  responses: { 200: jsonOk('The keys.', z.strictObject({ data: z.array(viewSchema) }), { data: [VIEW] }), ...errors(401, 403, 404) },
});

/** A new key (created or rotated) leads to its rotation and its revocation. */
const NEW_KEY = { orgId: '$request.path.orgId', keyId: '$response.body#/data/id' };
const keyLinks: Links = {
  rotateApiKey: { operationId: 'rotateApiKey', description: 'Rotate the new key.', parameters: NEW_KEY },
  revokeApiKey: { operationId: 'revokeApiKey', description: 'Revoke the new key.', parameters: NEW_KEY },
};

export const createKeyDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description:
      'A read, preview, write (of a space) or admin (of the organization) key. Scopes never exceed the creator\'s (403 otherwise). A session needs a recent re-authentication (403 reauthentication_required). The token is answered once.',
    tags: TAGS,
    security: SECURITY.keyOrSession,
    parameters: [ORG],
    requestBody: jsonBody(body, { name: 'Website', kind: 'read', space_id: '7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d' }),
    responses: {
      201: jsonOk('Created; `token` is shown only now.', z.strictObject({ data: viewSchema.extend({ token: z.string() }) }), { data: { ...VIEW, token: TOKEN } }, [], keyLinks),
      ...errors(400, 401, 402, 403, 404, 413, 415),
    },
  });

export const rotateKeyDoc = (body: z.ZodType) =>
  describe({
    operationId: 'rotateApiKey',
    summary: 'Rotate an API key',
    description: 'A new key with the same kind, space and scopes; the old one keeps working for `grace_seconds` (default: the configured grace), then expires. The body is optional. The new token is answered once.',
    tags: TAGS,
    security: SECURITY.keyOrSession,
    parameters: [ORG, KEY],
    requestBody: { ...jsonBody(body, { grace_seconds: 86400 }), required: false },
    responses: {
      201: jsonOk(
        'Rotated.',
        z.strictObject({ data: viewSchema.extend({ token: z.string(), previous: viewSchema }) }),
        { data: { ...VIEW, id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', rotated_from_id: KEY_ID, token: TOKEN, previous: { ...VIEW, expires_at: TIME } } },
        [],
        keyLinks,
      ),
      ...errors(400, 401, 403, 404, 409, 413, 415),
    },
  });

export const revokeKeyDoc = describe({
  operationId: 'revokeApiKey',
  summary: 'Revoke an API key',
  description: 'Revoked at once, and purged from the edge\'s cache of key records. Revoking a revoked key is 409.',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [ORG, KEY],
  responses: { 200: jsonOk('Revoked.', z.strictObject({ data: viewSchema }), { data: { ...VIEW, revoked_at: TIME } }), ...errors(401, 403, 404, 409) },
});
