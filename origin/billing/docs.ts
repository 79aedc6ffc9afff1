/**
 * The OpenAPI descriptions of the billing routes (issue 18; mechanism: origin/http/openapi.ts).
 * Only owners and the billing role hold billing.* (no API key does): sessions only. The Stripe
 * webhook's credential is Stripe's signature over the raw body.
 */
import { z } from 'zod';
import { describe, errors, jsonBody, jsonOk, pathParam, SECURITY } from '../http/openapi.js';

const TAGS = ['Billing'];
const ORG = pathParam('orgId', 'The organization.', { type: 'string', format: 'uuid' }, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
const IDEMPOTENCY = { in: 'header' as const, name: 'Idempotency-Key', required: false, description: 'Retries with the same key get the same Stripe session.', schema: { type: 'string' as const, maxLength: 255 }, example: 'checkout-2026-01-05-1' };

const usageEntry = z.object({ used: z.number(), limit: z.number().nullable() });

export const billingViewDoc = describe({
  operationId: 'getBilling',
  summary: 'Read the organization\'s billing',
  description: 'Plan, subscription status, period end, grace period, and usage against every limit. With BILLING=off: `billing: "off"` and no limits.',
  tags: TAGS,
  security: SECURITY.session,
  parameters: [ORG],
  responses: {
    200: jsonOk(
      'The billing state.',
      z.object({
        data: z.object({
          billing: z.enum(['stripe', 'off']),
          plan: z.string().nullable(),
          subscribed_plan: z.string().nullable(),
          status: z.string(),
          current_period_end: z.string().nullable(),
          grace_ends_at: z.string().nullable(),
          read_only: z.boolean().nullable(),
          usage: z.record(z.string(), usageEntry),
          entitlements: z.array(z.string()),
        }),
      }),
      { data: { billing: 'stripe', plan: 'team', subscribed_plan: 'team', status: 'active', current_period_end: '2026-02-05T00:00:00.000Z', grace_ends_at: null, read_only: false, usage: { pages: { used: 120, limit: 1000 } }, entitlements: [] } },
    ),
    ...errors(401, 403, 404),
  },
});

export const checkoutDoc = (body: z.ZodType) =>
  describe({
    operationId: 'startCheckout',
    summary: 'Start a subscription checkout',
    description: 'A Stripe Checkout Session for a paid plan (one subscription per organization: plan changes go through the portal). 409 with BILLING=off; 502 when Stripe refuses; 503 when Stripe is down.',
    tags: TAGS,
    security: SECURITY.session,
    parameters: [ORG, IDEMPOTENCY],
    requestBody: jsonBody(body, { plan: 'team' }),
    responses: { 201: jsonOk('The session to redirect to.', z.object({ data: z.object({ id: z.string(), url: z.string().nullable() }) }), { data: { id: 'cs_test_a1b2c3', url: 'https://checkout.stripe.com/c/pay/cs_test_a1b2c3' } }), ...errors(400, 401, 403, 404, 409, 413, 415, 502) },
  });

export const portalDoc = describe({
  operationId: 'openBillingPortal',
  summary: 'Open the billing portal',
  description: 'A Stripe Customer Portal session (payment methods, invoices, plan changes). 409 with BILLING=off.',
  tags: TAGS,
  security: SECURITY.session,
  parameters: [ORG, IDEMPOTENCY],
  responses: { 201: jsonOk('The session to redirect to.', z.object({ data: z.object({ url: z.string() }) }), { data: { url: 'https://billing.stripe.com/p/session/test_a1b2c3' } }), ...errors(401, 403, 404, 409, 502) },
});

export const stripeWebhookDoc = describe({
  operationId: 'receiveStripeEvent',
  summary: 'Stripe webhook',
  description: 'Stripe\'s events, verified by the `Stripe-Signature` header over the raw body (no session or key). Duplicates are acknowledged and not applied twice. 404 with BILLING=off.',
  tags: TAGS,
  security: SECURITY.none,
  parameters: [{ in: 'header', name: 'Stripe-Signature', required: true, description: 'Stripe\'s signature of the raw body.', schema: { type: 'string' }, example: 't=1767605400,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd' }],
  requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' }, example: { id: 'evt_1', type: 'customer.subscription.updated', data: { object: {} } } } } },
  responses: {
    200: jsonOk('Received.', z.object({ received: z.literal(true), handled: z.boolean(), duplicate: z.boolean() }), { received: true, handled: true, duplicate: false }),
    ...errors(400, 404, 413, 502),
  },
});
