/**
 * The OpenAPI descriptions of the media import routes (issue 18; mechanism: origin/http/openapi.ts).
 * Each is a route's first handler; the queue body is the zod schema the route validates with,
 * handed in by the route itself.
 */
import { z } from 'zod';
import { describe, errors, jsonBody, jsonOk, pathParam, queryParam, SECURITY } from '../../http/openapi.js';
import { listMetaSchema, PAGE, TIME_EXAMPLE } from '../openapi.js';

const TAGS = ['Media'];
const STATUSES = ['pending', 'retrying', 'done', 'failed'] as const;

const viewSchema = z.object({
  id: z.string(),
  url: z.string(),
  status: z.enum(STATUSES),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  next_attempt: z.string().nullable(),
  asset: z.object({ id: z.string(), url: z.string() }).nullable(),
  created: z.string(),
  updated: z.string(),
  completed: z.string().nullable(),
});
const VIEW_EXAMPLE = {
  id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  url: 'https://cdn.example.org/hero.jpg',
  status: 'pending',
  attempts: 0,
  last_error: null,
  next_attempt: TIME_EXAMPLE,
  asset: null,
  created: TIME_EXAMPLE,
  updated: TIME_EXAMPLE,
  completed: null,
};

export const listMediaImportsDoc = describe({
  operationId: 'listMediaImports',
  summary: 'List media imports',
  description: 'The space\'s media imports (images fetched from URLs into the asset store), newest first.',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [
    queryParam('status', 'Only imports in this state.', { type: 'string', enum: [...STATUSES] }),
    queryParam('url', 'Only imports of this URL.', { type: 'string' }),
    PAGE,
    queryParam('page_size', 'Results per page, 1–100 (default 20).', { type: 'integer', minimum: 1, maximum: 100 }, 20),
  ],
  responses: { 200: jsonOk('The imports.', z.object({ meta: listMetaSchema, data: z.array(viewSchema) }), { meta: { count: 1, next_page: null, previous_page: null }, data: [VIEW_EXAMPLE] }), ...errors(400, 401, 403) },
});

export const queueMediaImportsDoc = (body: z.ZodType) =>
  describe({
    operationId: 'queueMediaImports',
    summary: 'Queue media imports',
    description: 'Queues up to 100 absolute http(s) URLs for import (a URL already queued is not queued twice).',
    tags: TAGS,
    security: SECURITY.keyOrSession,
    requestBody: jsonBody(body, { urls: ['https://cdn.example.org/hero.jpg'] }),
    responses: { 202: jsonOk('Queued.', z.object({ data: z.array(viewSchema) }), { data: [VIEW_EXAMPLE] }), ...errors(400, 401, 402, 403, 413, 415) },
  });

export const retryMediaImportDoc = describe({
  operationId: 'retryMediaImport',
  summary: 'Retry a failed media import',
  description: 'Queues a `failed` import again.',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [pathParam('id', 'The media import.', { type: 'string', format: 'uuid' }, '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d')],
  responses: { 202: jsonOk('Queued again.', z.object({ data: viewSchema }), { data: VIEW_EXAMPLE }), ...errors(400, 401, 403, 404) },
});
