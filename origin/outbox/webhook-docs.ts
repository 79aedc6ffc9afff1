/**
 * The OpenAPI descriptions of the webhook management routes (issue 18; mechanism:
 * origin/http/openapi.ts). Each is a route's first handler; the create body is the zod schema the
 * route validates with, handed in by the route itself.
 */
import { z } from 'zod';
import { describe, errors, jsonBody, jsonOk, noContent, pathParam, SECURITY, timestamp } from '../http/openapi.js';

const TAGS = ['Webhooks'];
const TIME = '2026-01-05T09:30:00.000Z';
const HOOK_ID = '3c9d2e71-5b8a-4f0c-9e6d-1a2b3c4d5e6f';
const SPACE = pathParam('spaceId', 'The space (of the caller\'s organization; any other answers 404).', { type: 'string', format: 'uuid' }, '7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d');
const ID = pathParam('id', 'The webhook.', { type: 'string', format: 'uuid' }, HOOK_ID);

const HOOK_FROM_RESPONSE = { spaceId: '$request.path.spaceId', id: '$response.body#/data/id' };

export const createWebhookDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createWebhook',
    summary: 'Create a webhook',
    description: 'Subscribes a URL (public http(s); private and loopback addresses are refused) to events. The signing secret is answered once, here.',
    tags: TAGS,
    security: SECURITY.keyOrSession,
    parameters: [SPACE],
    requestBody: jsonBody(body, { url: 'https://hooks.example.org/ghee', events: ['page.published'] }),
    responses: {
      201: jsonOk(
        'Created; `secret` is shown only now.',
        z.strictObject({ data: z.strictObject({ id: z.string(), url: z.string(), events: z.array(z.string()), secret: z.string() }) }),
        { data: { id: HOOK_ID, url: 'https://hooks.example.org/ghee', events: ['page.published'], secret: 'whsec_…' } },
        [],
        {
          listWebhookDeliveries: { operationId: 'listWebhookDeliveries', description: 'The webhook\'s delivery log.', parameters: HOOK_FROM_RESPONSE },
          deleteWebhook: { operationId: 'deleteWebhook', description: 'Delete the webhook.', parameters: HOOK_FROM_RESPONSE },
        },
      ),
      ...errors(400, 401, 402, 403, 404, 413, 415),
    },
  });

export const listWebhooksDoc = describe({
  operationId: 'listWebhooks',
  summary: 'List webhooks',
  description: 'The space\'s webhooks (never their secrets).',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [SPACE],
  responses: {
    200: jsonOk(
      'The webhooks.',
      z.strictObject({ data: z.array(z.strictObject({ id: z.string(), url: z.string(), events: z.array(z.string()), active: z.boolean(), created: timestamp() })) }),
      { data: [{ id: HOOK_ID, url: 'https://hooks.example.org/ghee', events: ['page.published'], active: true, created: TIME }] },
    ),
    ...errors(400, 401, 403, 404),
  },
});

const DELIVERY_SCHEMA = z.strictObject({
  id: z.string(),
  webhookId: z.string(),
  event: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: timestamp(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: timestamp(),
  deliveredAt: timestamp().nullable(),
  payload: z.unknown(),
});

export const retryWebhookDeliveryDoc = describe({
  operationId: 'retryWebhookDelivery',
  summary: 'Retry a failed webhook delivery',
  description: 'Queues a delivery that gave up (`failed`) again: attempts start from 0 and it is due now. Any other delivery (pending, delivered, of another webhook or space) answers 404.',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [SPACE, ID, pathParam('deliveryId', 'The delivery (from the delivery log).', { type: 'string', format: 'uuid' }, '0b6f2c1d-8e4a-4c3b-9a7d-5e6f7a8b9c0d')],
  responses: {
    202: jsonOk(
      'Queued again.',
      z.strictObject({ data: DELIVERY_SCHEMA }),
      { data: { id: '0b6f2c1d-8e4a-4c3b-9a7d-5e6f7a8b9c0d', webhookId: HOOK_ID, event: 'page.published', status: 'pending', attempts: 0, nextAttemptAt: TIME, lastStatusCode: 500, lastError: 'answered HTTP 500', createdAt: TIME, deliveredAt: null, payload: { event: 'page.published' } } },
    ),
    ...errors(400, 401, 403, 404),
  },
});

export const webhookDeliveriesDoc = describe({
  operationId: 'listWebhookDeliveries',
  summary: 'A webhook\'s delivery log',
  description: 'The latest 50 deliveries, newest first: status, attempts, the last answer.',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [SPACE, ID],
  responses: {
    200: jsonOk(
      'The deliveries.',
      z.strictObject({
        data: z.array(
          z.strictObject({
            id: z.string(),
            webhookId: z.string(),
            event: z.string(),
            status: z.string(),
            attempts: z.number().int(),
            nextAttemptAt: timestamp(),
            lastStatusCode: z.number().int().nullable(),
            lastError: z.string().nullable(),
            createdAt: timestamp(),
            deliveredAt: timestamp().nullable(),
            payload: z.unknown(),
          }),
        ),
      }),
      { data: [{ id: '0b6f2c1d-8e4a-4c3b-9a7d-5e6f7a8b9c0d', webhookId: HOOK_ID, event: 'page.published', status: 'delivered', attempts: 1, nextAttemptAt: TIME, lastStatusCode: 200, lastError: null, createdAt: TIME, deliveredAt: TIME, payload: { event: 'page.published' } }] },
    ),
    ...errors(400, 401, 403, 404),
  },
});

export const deleteWebhookDoc = describe({
  operationId: 'deleteWebhook',
  summary: 'Delete a webhook',
  description: 'Stops deliveries to it.',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [SPACE, ID],
  responses: { 204: noContent('Deleted.'), ...errors(400, 401, 403, 404) },
});
