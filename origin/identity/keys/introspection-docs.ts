/**
 * The OpenAPI description of the edge's key introspection (issue 18; mechanism:
 * origin/http/openapi.ts): internal, called only by the edge, signed.
 */
import { z } from 'zod';
import { describe, errors, jsonOk, queryParam, SECURITY } from '../../http/openapi.js';

export const introspectDoc = describe({
  operationId: 'introspectApiKey',
  summary: 'Key introspection (internal)',
  description:
    'Internal: the edge looks up an API key by the SHA-256 of its token (never the token) in a call signed with EDGE_SHARED_SECRET. Answers whether it is active, its kind, space, organization, scopes, expiry and the organization\'s read allowlist.',
  tags: ['Internal'],
  security: SECURITY.internalCall,
  internal: true,
  parameters: [queryParam('token_hash', 'The SHA-256 of the key, 64 lowercase hex characters.', { type: 'string', pattern: '^[0-9a-f]{64}$' })],
  responses: {
    200: jsonOk(
      'The key\'s record, or `{ valid: false }`.',
      z.object({
        data: z.object({
          valid: z.boolean(),
          id: z.string().optional(),
          kind: z.enum(['read', 'preview', 'write', 'admin']).optional(),
          space_id: z.string().nullable().optional(),
          organization_id: z.string().optional(),
          scopes: z.array(z.string()).optional(),
          expires_at: z.string().nullable().optional(),
          read_cidrs: z.array(z.string()).optional(),
        }),
      }),
      { data: { valid: true, id: '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', kind: 'read', space_id: '7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d', organization_id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', scopes: [], expires_at: null } },
    ),
    ...errors(400, 401),
  },
});
