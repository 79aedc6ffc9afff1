/**
 * The OpenAPI descriptions of the organization, member, invitation and audit routes under /v1
 * (issue 18; mechanism: origin/http/openapi.ts). Each is a route's first handler; bodies are the
 * zod schemas the routes validate with, handed in by the routes themselves. Another
 * organization's id answers 404, as if it did not exist.
 */
import { z } from 'zod';
import { describe, errors, jsonBody, jsonOk, noContent, pathParam, queryParam, SECURITY } from '../../http/openapi.js';
import { ROLES } from '../../../shared/permissions.js';

const TAGS = ['Organizations'];
const TIME = '2026-01-05T09:30:00.000Z';
const ORG_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const USER_ID = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const SPACE_ID = '7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d';
const ORG = pathParam('orgId', 'The organization.', { type: 'string', format: 'uuid' }, ORG_ID);
const MEMBER = pathParam('userId', 'The member\'s user id (`user_id` in the member list).', { type: 'string', format: 'uuid' }, USER_ID);
const AUTH = SECURITY.keyOrSession;
/** Changes to the organization's members, settings and spaces: signed-in members only (an admin key lacks org.manage, spaces.manage and members.manage: 403). */
const MEMBERS_ONLY = SECURITY.session;
const updated = z.object({ status: z.literal('updated') });

const spaceSchema = z.object({ id: z.string(), slug: z.string(), name: z.string(), default_locale: z.string(), created_at: z.string() });
const SPACE_EXAMPLE = { id: SPACE_ID, slug: 'main', name: 'Main site', default_locale: 'en', created_at: TIME };

export const getOrgDoc = describe({
  operationId: 'getOrganization',
  summary: 'Read an organization',
  description: 'Its settings (members.read).',
  tags: TAGS,
  security: AUTH,
  parameters: [ORG],
  responses: {
    200: jsonOk(
      'The organization.',
      z.object({ data: z.object({ id: z.string(), slug: z.string(), name: z.string(), require_2fa: z.boolean(), created_at: z.string() }) }),
      { data: { id: ORG_ID, slug: 'analytical-engines', name: 'Analytical Engines', require_2fa: false, created_at: TIME } },
    ),
    ...errors(401, 403, 404),
  },
});

export const patchOrgDoc = (body: z.ZodType) =>
  describe({
    operationId: 'updateOrganization',
    summary: 'Update an organization',
    description: 'Its name, and whether members must use 2FA (org.manage).',
    tags: TAGS,
    security: MEMBERS_ONLY,
    parameters: [ORG],
    requestBody: jsonBody(body, { name: 'Analytical Engines Ltd', require_2fa: true }),
    responses: { 200: jsonOk('Updated.', updated, { status: 'updated' }), ...errors(400, 401, 403, 404, 413, 415) },
  });

export const listSpacesDoc = describe({
  operationId: 'listSpaces',
  summary: 'List spaces',
  description: 'Every space for organization-wide members (and admin keys); only their own spaces for members invited to particular spaces.',
  tags: TAGS,
  security: AUTH,
  parameters: [ORG],
  responses: { 200: jsonOk('The spaces.', z.object({ data: z.array(spaceSchema) }), { data: [SPACE_EXAMPLE] }), ...errors(401, 403, 404) },
});

export const createSpaceDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createSpace',
    summary: 'Create a space',
    description: 'A new space (environment) in the organization (spaces.manage).',
    tags: TAGS,
    security: MEMBERS_ONLY,
    parameters: [ORG],
    requestBody: jsonBody(body, { name: 'Staging', slug: 'staging', default_locale: 'en' }),
    responses: { 201: jsonOk('Created.', z.object({ data: spaceSchema }), { data: { ...SPACE_EXAMPLE, slug: 'staging', name: 'Staging' } }), ...errors(400, 401, 402, 403, 404, 409, 413, 415) },
  });

export const listMembersDoc = describe({
  operationId: 'listMembers',
  summary: 'List members',
  description: 'One entry per membership (organization-wide, or of one space).',
  tags: TAGS,
  security: AUTH,
  parameters: [ORG],
  responses: {
    200: jsonOk(
      'The members.',
      z.object({ data: z.array(z.object({ user_id: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES), space_id: z.string().nullable(), joined_at: z.string() })) }),
      { data: [{ user_id: USER_ID, email: 'ada@example.org', name: 'Ada Lovelace', role: 'owner', space_id: null, joined_at: TIME }] },
    ),
    ...errors(401, 403, 404),
  },
});

export const patchMemberDoc = (body: z.ZodType) =>
  describe({
    operationId: 'updateMember',
    summary: 'Change a member\'s role',
    description: 'Sets the role of the organization-wide membership, or (with space_id) of that space\'s. Only owners touch the owner role; the member\'s sessions end.',
    tags: TAGS,
    security: MEMBERS_ONLY,
    parameters: [ORG, MEMBER],
    requestBody: jsonBody(body, { role: 'publisher' }),
    responses: { 200: jsonOk('Updated.', updated, { status: 'updated' }), ...errors(400, 401, 403, 404, 409, 413, 415) },
  });

export const deleteMemberDoc = describe({
  operationId: 'removeMember',
  summary: 'Remove a member',
  description: 'From the organization (every membership), or with `space_id` from that space only. Their sessions end; an organization keeps at least one owner.',
  tags: TAGS,
  security: MEMBERS_ONLY,
  parameters: [ORG, MEMBER, queryParam('space_id', 'Only this space\'s membership.', { type: 'string', format: 'uuid' })],
  responses: { 204: noContent('Removed.'), ...errors(401, 403, 404, 409) },
});

const invitationSchema = z.object({ id: z.string(), email: z.string(), role: z.enum(ROLES), space_id: z.string().nullable(), created_at: z.string().optional(), expires_at: z.string() });

export const listInvitationsDoc = describe({
  operationId: 'listInvitations',
  summary: 'List open invitations',
  description: 'Invitations not yet accepted, revoked or expired.',
  tags: TAGS,
  security: AUTH,
  parameters: [ORG],
  responses: {
    200: jsonOk('The invitations.', z.object({ data: z.array(invitationSchema) }), { data: [{ id: '4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f', email: 'grace@example.org', role: 'author', space_id: null, created_at: TIME, expires_at: TIME }] }),
    ...errors(401, 403, 404),
  },
});

export const inviteDoc = (body: z.ZodType) =>
  describe({
    operationId: 'inviteMember',
    summary: 'Invite a member',
    description: 'Mails an invitation (valid 7 days) for a role, organization-wide or in one space. Only owners invite owners.',
    tags: TAGS,
    security: MEMBERS_ONLY,
    parameters: [ORG],
    requestBody: jsonBody(body, { email: 'grace@example.org', role: 'author' }),
    responses: {
      201: jsonOk('Invited.', z.object({ data: invitationSchema }), { data: { id: '4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f', email: 'grace@example.org', role: 'author', space_id: null, expires_at: TIME } }),
      ...errors(400, 401, 402, 403, 404, 409, 413, 415),
    },
  });

export const revokeInvitationDoc = describe({
  operationId: 'revokeInvitation',
  summary: 'Revoke an invitation',
  description: 'The invitation can no longer be accepted.',
  tags: TAGS,
  security: MEMBERS_ONLY,
  parameters: [ORG, pathParam('id', 'The invitation.', { type: 'string', format: 'uuid' }, '4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f')],
  responses: { 204: noContent('Revoked.'), ...errors(401, 403, 404) },
});

export const auditEventsDoc = describe({
  operationId: 'listAuditEvents',
  summary: 'The audit trail',
  description: 'The organization\'s audit events, newest first (audit.read).',
  tags: TAGS,
  security: AUTH,
  parameters: [ORG, queryParam('limit', 'At most this many, 1–500 (default 100).', { type: 'integer', minimum: 1, maximum: 500 }, 100), queryParam('before', 'Only events before this ISO 8601 time.', { type: 'string', format: 'date-time' })],
  responses: {
    200: jsonOk(
      'The events.',
      z.object({
        data: z.array(
          z.object({
            id: z.string(),
            action: z.string(),
            result: z.string(),
            actor_user_id: z.string().nullable(),
            actor_key_id: z.string().nullable(),
            target_type: z.string().nullable(),
            target_id: z.string().nullable(),
            ip: z.string().nullable(),
            user_agent: z.string().nullable(),
            metadata: z.unknown(),
            created_at: z.string(),
          }),
        ),
      }),
      { data: [{ id: '8e9f0a1b-2c3d-4e5f-8a7b-9c0d1e2f3a4b', action: 'page.update', result: 'success', actor_user_id: USER_ID, actor_key_id: null, target_type: 'page', target_id: '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f', ip: '192.0.2.10', user_agent: 'Mozilla/5.0', metadata: {}, created_at: TIME }] },
    ),
    ...errors(400, 401, 403, 404),
  },
});

export const verifyAuditDoc = describe({
  operationId: 'verifyAuditChain',
  summary: 'Verify the audit trail',
  description: 'Recomputes the organization\'s audit hash chain; rows from before the chain are counted, not checked.',
  tags: TAGS,
  security: AUTH,
  parameters: [ORG],
  responses: {
    200: jsonOk('The verdict.', z.object({ data: z.object({ valid: z.boolean(), checked: z.number().int(), legacy: z.number().int(), broken: z.unknown() }) }), { data: { valid: true, checked: 120, legacy: 0, broken: null } }),
    ...errors(401, 403, 404),
  },
});

export const acceptInvitationDoc = (body: z.ZodType) =>
  describe({
    operationId: 'acceptInvitation',
    summary: 'Accept an invitation',
    description: 'Signed in as the invited address, or (no account yet) with a name and password that create it.',
    tags: TAGS,
    security: [...SECURITY.session, {}],
    requestBody: jsonBody(body, { token: 'vR8sT2kLm9Qx4ZbN7cWd1YfH3gJp6aEu', name: 'Grace Hopper', password: 'a long passphrase here' }),
    responses: {
      201: jsonOk('Joined.', z.object({ status: z.literal('joined'), organization_id: z.string(), user_id: z.string() }), { status: 'joined', organization_id: ORG_ID, user_id: USER_ID }),
      ...errors(400, 401, 403, 409, 413, 415),
    },
  });
