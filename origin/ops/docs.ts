/**
 * The OpenAPI descriptions of the operations routes (issue 18; mechanism: origin/http/openapi.ts).
 */
import { z } from 'zod';
import { describe, errors, jsonOk, SECURITY } from '../http/openapi.js';

const TAGS = ['Operations'];

export const healthDoc = describe({
  operationId: 'getHealth',
  summary: 'Liveness',
  description: 'The process answers (no dependency checked).',
  tags: TAGS,
  security: SECURITY.none,
  responses: { 200: jsonOk('Alive.', z.object({ status: z.literal('ok') }), { status: 'ok' }), ...errors() },
});

export const readyDoc = describe({
  operationId: 'getReadiness',
  summary: 'Readiness',
  description: 'The primary database answers a query (503 otherwise). With read replicas, their state too; a replica down never makes the origin unready.',
  tags: TAGS,
  security: SECURITY.none,
  responses: {
    200: jsonOk('Ready.', z.object({ status: z.literal('ready'), database: z.string(), replicas: z.unknown().optional() }), { status: 'ready', database: 'postgres' }),
    ...errors(),
  },
});

export const metricsDoc = describe({
  operationId: 'getMetrics',
  summary: 'Prometheus metrics',
  description: 'The Prometheus text exposition (`text/plain; version=0.0.4`), only with METRICS_TOKEN set (404 otherwise) and only for its bearer (401 otherwise).',
  tags: TAGS,
  security: SECURITY.metrics,
  responses: {
    200: { description: 'The metrics.', content: { 'text/plain': { schema: { type: 'string' }, example: '# HELP ghee_http_requests_total Requests answered.\n# TYPE ghee_http_requests_total counter\n' } } },
    ...errors(401, 404),
  },
});
