/**
 * The OpenAPI descriptions of an organization's security-operations routes (issue 18; mechanism:
 * origin/http/openapi.ts). Each is a route's first handler; the settings body is the zod schema
 * the route validates with, handed in by the route itself.
 */
import { z } from 'zod';
import { describe, errors, jsonBody, jsonOk, pathParam, queryParam, SECURITY } from '../../http/openapi.js';

const TAGS = ['Security operations'];
const TIME = '2026-01-05T09:30:00.000Z';
const ORG = pathParam('orgId', 'The organization.', { type: 'string', format: 'uuid' }, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');

export const securityEventsDoc = describe({
  operationId: 'listSecurityEvents',
  summary: 'Security events',
  description: 'What the security rules raised for this organization (credential stuffing, key misuse, …), newest first; `next_cursor` pages on (audit.read).',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [
    ORG,
    queryParam('severity', 'Only this severity.', { type: 'string' }),
    queryParam('rule', 'Only this rule.', { type: 'string' }),
    queryParam('status', 'open or resolved.', { type: 'string', enum: ['open', 'resolved'] }),
    queryParam('since', 'First seen at or after (ISO 8601).', { type: 'string', format: 'date-time' }),
    queryParam('until', 'First seen at or before (ISO 8601).', { type: 'string', format: 'date-time' }),
    queryParam('limit', '1–200 (default 50).', { type: 'integer', minimum: 1, maximum: 200 }, 50),
    queryParam('cursor', 'The `next_cursor` of the previous page.', { type: 'string' }),
  ],
  responses: {
    200: jsonOk(
      'The events.',
      z.object({
        data: z.array(
          z.object({
            id: z.string(),
            rule: z.string(),
            severity: z.string(),
            status: z.enum(['open', 'resolved']),
            subject: z.unknown(),
            actor: z.object({ user_id: z.string().nullable(), key_id: z.string().nullable(), ip: z.string().nullable() }),
            count: z.number().int(),
            evidence: z.unknown(),
            first_seen_at: z.string(),
            last_seen_at: z.string(),
            resolved_at: z.string().nullable(),
          }),
        ),
        next_cursor: z.string().nullable(),
      }),
      {
        data: [
          {
            id: '9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
            rule: 'key_misuse',
            severity: 'high',
            status: 'open',
            subject: { type: 'key', id: '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b' },
            actor: { user_id: null, key_id: '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', ip: '192.0.2.10' },
            count: 3,
            evidence: {},
            first_seen_at: TIME,
            last_seen_at: TIME,
            resolved_at: null,
          },
        ],
        next_cursor: null,
      },
    ),
    ...errors(400, 401, 403, 404),
  },
});

export const incidentsDoc = describe({
  operationId: 'listIncidents',
  summary: 'Incidents',
  description: 'Incidents that concern this organization, with their timeline (audit.read).',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [ORG],
  responses: {
    200: jsonOk(
      'The incidents.',
      z.object({
        data: z.array(
          z.object({
            id: z.string(),
            title: z.string(),
            severity: z.string(),
            status: z.string(),
            summary: z.string().nullable(),
            created_at: z.string(),
            updated_at: z.string(),
            resolved_at: z.string().nullable(),
            timeline: z.array(z.unknown()),
          }),
        ),
      }),
      { data: [{ id: '1f2e3d4c-5b6a-4798-8a6b-5c4d3e2f1a0b', title: 'Credential stuffing', severity: 'high', status: 'resolved', summary: 'Blocked.', created_at: TIME, updated_at: TIME, resolved_at: TIME, timeline: [] }] },
    ),
    ...errors(401, 403, 404),
  },
});

const settingsSchema = z.object({ thresholds: z.record(z.string(), z.unknown()), security_contacts: z.array(z.string()) });
const SETTINGS = { thresholds: {}, security_contacts: ['security@example.org'] };

export const getSecuritySettingsDoc = describe({
  operationId: 'getSecuritySettings',
  summary: 'Security settings',
  description: 'The organization\'s rule thresholds and security contacts (audit.read).',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [ORG],
  responses: { 200: jsonOk('The settings.', settingsSchema, SETTINGS), ...errors(401, 403, 404) },
});

export const putSecuritySettingsDoc = (body: z.ZodType) =>
  describe({
    operationId: 'updateSecuritySettings',
    summary: 'Change security settings',
    description: 'Thresholds (which only tighten the deployment\'s: lower counts, longer windows) and security contacts (org.manage: signed-in owners and admins).',
    tags: TAGS,
    security: SECURITY.session,
    parameters: [ORG],
    requestBody: jsonBody(body, { security_contacts: ['security@example.org'] }),
    responses: { 200: jsonOk('Changed.', settingsSchema, SETTINGS), ...errors(400, 401, 403, 404, 413, 415) },
  });
