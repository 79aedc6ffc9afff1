/**
 * The OpenAPI descriptions of the SCIM token management routes (issue 18; mechanism:
 * origin/http/openapi.ts). Owners and admins (sso.manage), sessions only; changes need a recent
 * re-authentication. (The SCIM 2.0 API under /scim/v2, with its own error shape, is not described yet.)
 */
import { z } from 'zod';
import { describe, errors, jsonOk, noContent, pathParam, SECURITY } from '../../http/openapi.js';

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
