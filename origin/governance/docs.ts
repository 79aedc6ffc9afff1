/**
 * The OpenAPI descriptions of the governance routes (issue 18; mechanism: origin/http/openapi.ts):
 * retention, exports, personal-data export and erasure, organization deletion, support grants and
 * their access log, management IP allowlists, operators' sign-in. Each is a route's first handler;
 * bodies are the zod schemas the routes validate with, handed in by the routes themselves.
 * Response bodies are described as open objects for now (their exact fields: issue 18, next).
 */
import { z } from 'zod';
import { describe, errors, jsonBody, jsonOk, noContent, pathParam, queryParam, SECURITY } from '../http/openapi.js';

const TAGS = ['Governance'];
const TIME = '2026-01-05T09:30:00.000Z';
const ORG = pathParam('orgId', 'The organization.', { type: 'string', format: 'uuid' }, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
const EXPORT_ID = pathParam('id', 'The export.', { type: 'string', format: 'uuid' }, '4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e');
const object = z.record(z.string(), z.unknown());
const data = z.object({ data: object });
const dataList = z.object({ data: z.array(object) });
/** Members signed in with a session (no API key, no support access). */
const MEMBER = SECURITY.session;
const EXPORT_VIEW = { id: '4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e', status: 'pending', created_at: TIME };

export const getRetentionDoc = describe({
  operationId: 'getRetention',
  summary: 'Retention policy',
  description: 'The organization\'s overrides and the effective policy over the deployment\'s defaults (org.manage).',
  tags: TAGS,
  security: MEMBER,
  parameters: [ORG],
  responses: { 200: jsonOk('The policy.', data, { data: { overrides: { audit_days: 400 }, effective: { audit_days: 400 } } }), ...errors(401, 403, 404) },
});

export const putRetentionDoc = (body: z.ZodType) =>
  describe({
    operationId: 'updateRetention',
    summary: 'Change the retention policy',
    description: 'Overrides per data class (audit at least 30 days; unknown classes refused).',
    tags: TAGS,
    security: MEMBER,
    parameters: [ORG],
    requestBody: jsonBody(body, { audit_days: 400 }),
    responses: { 200: jsonOk('The policy.', data, { data: { overrides: { audit_days: 400 }, effective: { audit_days: 400 } } }), ...errors(400, 401, 403, 404, 413, 415) },
  });

export const requestOrgExportDoc = describe({
  operationId: 'requestOrganizationExport',
  summary: 'Export the organization',
  description: 'Queues an encrypted archive of the organization\'s data; the AES-256-GCM key is answered once, here. Needs a recent re-authentication. The body, if any, is `{}`.',
  tags: TAGS,
  security: MEMBER,
  parameters: [ORG],
  responses: { 202: jsonOk('Queued; `key` is shown only now.', data, { data: { ...EXPORT_VIEW, key: 'q3J5…', key_format: 'base64url AES-256-GCM key: shown once, needed to decrypt the archive' } }), ...errors(400, 401, 403, 404, 409, 415) },
});

export const listOrgExportsDoc = describe({
  operationId: 'listOrganizationExports',
  summary: 'The organization\'s exports',
  description: 'Exports and their state, with signed download links when ready.',
  tags: TAGS,
  security: MEMBER,
  parameters: [ORG],
  responses: { 200: jsonOk('The exports.', dataList, { data: [EXPORT_VIEW] }), ...errors(401, 403, 404) },
});

export const getOrgExportDoc = describe({
  operationId: 'getOrganizationExport',
  summary: 'One organization export',
  description: 'Its state, and a signed download link when ready.',
  tags: TAGS,
  security: MEMBER,
  parameters: [ORG, EXPORT_ID],
  responses: { 200: jsonOk('The export.', data, { data: EXPORT_VIEW }), ...errors(401, 403, 404) },
});

export const requestMyExportDoc = describe({
  operationId: 'requestPersonalExport',
  summary: 'Export my personal data',
  description: 'Queues an encrypted archive of the signed-in user\'s data; the key is answered once. Needs a recent re-authentication.',
  tags: TAGS,
  security: MEMBER,
  responses: { 202: jsonOk('Queued; `key` is shown only now.', data, { data: { ...EXPORT_VIEW, key: 'q3J5…' } }), ...errors(400, 401, 403, 409, 415) },
});

export const getMyExportDoc = describe({
  operationId: 'getPersonalExport',
  summary: 'One personal export',
  description: 'Its state, and a signed download link when ready.',
  tags: TAGS,
  security: MEMBER,
  parameters: [EXPORT_ID],
  responses: { 200: jsonOk('The export.', data, { data: EXPORT_VIEW }), ...errors(401, 403, 404) },
});

export const eraseMeDoc = (body: z.ZodType) =>
  describe({
    operationId: 'eraseMe',
    summary: 'Erase my account',
    description: 'Erases the signed-in user\'s personal data everywhere (GDPR art. 17) and ends the session; answers the erasure certificate\'s id. Needs a recent re-authentication and `{"confirm": true}`; refused for an organization\'s last owner.',
    tags: TAGS,
    security: MEMBER,
    requestBody: jsonBody(body, { confirm: true }),
    responses: { 200: jsonOk('Erased.', z.object({ data: z.object({ erased: z.literal(true), certificate_id: z.string() }) }), { data: { erased: true, certificate_id: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f' } }), ...errors(400, 401, 403, 409, 413, 415) },
  });

export const downloadExportDoc = describe({
  operationId: 'downloadExport',
  summary: 'Download an export',
  description: 'The encrypted archive, by a signed, expiring link (the link is the credential).',
  tags: TAGS,
  security: SECURITY.none,
  parameters: [EXPORT_ID, queryParam('expires', 'The link\'s expiry (Unix seconds).', { type: 'string' }), queryParam('signature', 'The link\'s signature.', { type: 'string' })],
  responses: { 200: { description: 'The archive (AES-256-GCM; decrypt with the key shown at the request).', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' }, example: '<encrypted archive>' } } }, ...errors(400, 401, 403, 404) },
});

export const getDeletionDoc = describe({
  operationId: 'getOrganizationDeletion',
  summary: 'The scheduled deletion',
  description: 'When the organization is to be deleted (404 when none is scheduled).',
  tags: TAGS,
  security: MEMBER,
  parameters: [ORG],
  responses: { 200: jsonOk('The schedule.', data, { data: { scheduled_for: TIME } }), ...errors(401, 403, 404) },
});

export const requestDeletionDoc = (body: z.ZodType) =>
  describe({
    operationId: 'requestOrganizationDeletion',
    summary: 'Schedule the organization\'s deletion',
    description: 'Owners (org.delete), after a recent re-authentication and with a 2FA code when enrolled; cancellable until it runs.',
    tags: TAGS,
    security: MEMBER,
    parameters: [ORG],
    requestBody: jsonBody(body, { otp: '123456' }),
    responses: { 202: jsonOk('Scheduled.', data, { data: { scheduled_for: TIME } }), ...errors(400, 401, 403, 404, 409, 413, 415) },
  });

export const cancelDeletionDoc = describe({
  operationId: 'cancelOrganizationDeletion',
  summary: 'Cancel the scheduled deletion',
  description: 'Owners (org.delete).',
  tags: TAGS,
  security: MEMBER,
  parameters: [ORG],
  responses: { 204: noContent('Cancelled.'), ...errors(401, 403, 404, 409) },
});

export const operatorLoginDoc = (body: z.ZodType) =>
  describe({
    operationId: 'operatorLogIn',
    summary: 'Operator sign-in',
    description: 'Platform operators only: password and TOTP code at every sign-in; sets the operator cookie. Locked out (429) after repeated failures.',
    tags: TAGS,
    security: SECURITY.none,
    requestBody: jsonBody(body, { email: 'ops@ghee.example', password: 'a long operator passphrase', otp: '123456' }),
    responses: {
      200: jsonOk('Signed in.', z.object({ operator_id: z.string(), expires_at: z.string(), csrf_token: z.string() }), { operator_id: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', expires_at: TIME, csrf_token: 'k2V9d0Qm7xYbT4nR1sLp8wZc3aHf6uJe' }),
      ...errors(400, 401, 413, 415),
    },
  });

export const operatorLogoutDoc = describe({
  operationId: 'operatorLogOut',
  summary: 'Operator sign-out',
  description: 'Ends the operator session (its cookie and CSRF token).',
  tags: TAGS,
  security: SECURITY.operator,
  responses: { 204: noContent('Signed out.'), ...errors(401, 403) },
});

const GRANT = { id: '7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e', scope: 'read_only', space_ids: ['7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d'], reason: 'Ticket 4411: broken page', expires_at: TIME, status: 'active' };

export const listGrantsDoc = describe({
  operationId: 'listSupportGrants',
  summary: 'Support grants',
  description: 'The organization\'s grants of support access, with their state (support.manage).',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [ORG],
  responses: { 200: jsonOk('The grants.', dataList, { data: [GRANT] }), ...errors(401, 403, 404) },
});

export const createGrantDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createSupportGrant',
    summary: 'Grant support access',
    description: 'Lets ghee\'s operators act in the named spaces (read_only or read_write) for at most 72 hours, for a reason; owners are mailed.',
    tags: TAGS,
    security: SECURITY.keyOrSession,
    parameters: [ORG],
    requestBody: jsonBody(body, { scope: 'read_only', space_ids: ['7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d'], reason: 'Ticket 4411: broken page', expires_in_hours: 24 }),
    responses: { 201: jsonOk('Granted.', object, GRANT), ...errors(400, 401, 403, 404, 413, 415) },
  });

export const revokeGrantDoc = describe({
  operationId: 'revokeSupportGrant',
  summary: 'Revoke a support grant',
  description: 'Ends it at once.',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [ORG, pathParam('grantId', 'The grant.', { type: 'string', format: 'uuid' }, GRANT.id)],
  responses: { 200: jsonOk('Revoked.', object, { ...GRANT, status: 'revoked' }), ...errors(401, 403, 404, 409) },
});

export const supportAccessDoc = describe({
  operationId: 'listSupportAccess',
  summary: 'Support access log',
  description: 'Every request operators made under the organization\'s grants, newest first.',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [ORG, queryParam('limit', '1–1000 (default 100).', { type: 'integer', minimum: 1, maximum: 1000 }, 100)],
  responses: { 200: jsonOk('The log.', dataList, { data: [{ method: 'GET', path: '/v2/manage/pages/*/about', at: TIME }] }), ...errors(400, 401, 403, 404) },
});

const ALLOWLIST = { api_key_cidrs: ['203.0.113.0/24'], session_cidrs: [], enforce_reads: false };

export const getAllowlistDoc = describe({
  operationId: 'getIpAllowlist',
  summary: 'Management IP allowlist',
  description: 'The networks API keys and sessions of the organization may manage from (allowlist.manage).',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [ORG],
  responses: { 200: jsonOk('The allowlist.', object, ALLOWLIST), ...errors(401, 403, 404) },
});

export const putAllowlistDoc = (body: z.ZodType) =>
  describe({
    operationId: 'setIpAllowlist',
    summary: 'Set the management IP allowlist',
    description: 'CIDRs for API keys and for sessions (refused when it would lock out the request making it); `enforce_reads` extends it to keyed Content API reads at the edge. A session needs a recent re-authentication.',
    tags: TAGS,
    security: SECURITY.keyOrSession,
    parameters: [ORG],
    requestBody: jsonBody(body, ALLOWLIST),
    responses: { 200: jsonOk('Set.', object, ALLOWLIST), ...errors(400, 401, 403, 404, 413, 415) },
  });

export const breakGlassDoc = (body: z.ZodType) =>
  describe({
    operationId: 'breakGlassIpAllowlist',
    summary: 'Lift the IP allowlist (break-glass)',
    description: 'An owner signed in with 2FA, after a recent re-authentication, lifts the allowlist with a reason (audited, owners mailed).',
    tags: TAGS,
    security: MEMBER,
    parameters: [ORG],
    requestBody: jsonBody(body, { reason: 'Office network changed' }),
    responses: { 200: jsonOk('Lifted.', object, { ...ALLOWLIST, api_key_cidrs: [] }), ...errors(400, 401, 403, 404, 413, 415) },
  });
