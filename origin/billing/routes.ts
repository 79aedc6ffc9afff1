/**
 * Billing's HTTP surface (JSON under /v1):
 *   GET  /v1/orgs/{org}/billing             plan, status, period end, usage vs every limit   billing.read
 *   POST /v1/orgs/{org}/billing/checkout    { plan } → a Checkout Session (subscription)     billing.manage
 *   POST /v1/orgs/{org}/billing/portal      → a Customer Portal session                      billing.manage
 *   POST /v1/billing/stripe/webhook         Stripe's events (signed; raw body)               Stripe only
 * Only owners and the billing role hold billing.* (shared/permissions.ts); no API key carries
 * them. With BILLING=off the GET answers `billing: "off"` and the POSTs 409.
 * A Stripe outage answers 503 with Retry-After (Stripe retries its webhooks); a request Stripe
 * refuses answers 502, logged by Stripe's error type and request id only.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import type { OriginEnv } from '../env.js';
import { authorizeOrg, type Actor } from '../http/authorize.js';
import { parseBody } from '../http/body.js';
import { authenticate } from '../http/request-auth.js';
import { unwrap } from '../http/result.js';
import { sendNotice } from './notify.js';
import { PAID_PLANS, type PlanId } from './plans.js';
import { billingView, openPortal, startCheckout, type BillingActor, type SessionUrls } from './service.js';
import { Stripe, stripeSettings } from './stripe.js';
import { applyEvent, verifyEvent } from './webhook.js';
import * as docs from './docs.js';

const checkoutBody = z.object({ plan: z.enum(PAID_PLANS as [PlanId, ...PlanId[]], { message: `must be one of ${PAID_PLANS.join(', ')}` }) }).strict();
const WEBHOOK_MAX_BYTES = 1024 * 1024;

/** A Stripe failure as the HTTP answer (never the message, which may echo parameters). */
function stripeFailure(c: Context<OriginEnv>, err: unknown): never {
  if (err instanceof Stripe.errors.StripeError) {
    c.get('logger').warn({ stripe_error: err.type, stripe_code: err.code ?? null, stripe_request_id: err.requestId ?? null, status: err.statusCode ?? null }, 'stripe call failed');
    if (err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeAuthenticationError || err instanceof Stripe.errors.StripePermissionError) {
      throw new ApiError('bad_gateway', 'Stripe refused the request; see the server log (Stripe request id).');
    }
    throw new ApiError('unavailable', 'Stripe is unavailable; retry shortly.', { 'retry-after': '30' });
  }
  throw err;
}

async function viaStripe<T>(c: Context<OriginEnv>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    return stripeFailure(c, err);
  }
}

export function billingRoutes(ctx: AppContext): Hono<OriginEnv> {
  const app = new Hono<OriginEnv>();
  const db = () => ctx.database.db;
  const settings = stripeSettings(ctx.config);
  const base = ctx.config.PUBLIC_APP_URL.replace(/\/+$/, '');
  const urls: SessionUrls = {
    successUrl: ctx.config.BILLING_SUCCESS_URL ?? `${base}/billing/success`,
    cancelUrl: ctx.config.BILLING_CANCEL_URL ?? `${base}/billing/cancel`,
    portalReturnUrl: ctx.config.BILLING_PORTAL_RETURN_URL ?? `${base}/billing`,
  };
  const now = () => new Date(ctx.now() * 1000);
  const actorOf = (c: Context<OriginEnv>, a: Actor): BillingActor => ({ userId: a.userId, keyId: a.keyId, organizationId: a.organizationId, ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null });
  /** The operation a client retries: its Idempotency-Key header (bounded), else this request. */
  const operationOf = (c: Context<OriginEnv>) => (c.req.header('idempotency-key') ?? '').slice(0, 255) || c.get('requestId');
  const billingOff = () => new ApiError('conflict', 'Billing is off on this server (BILLING=off): no plans, no limits.');

  app.get('/v1/orgs/:orgId/billing', docs.billingViewDoc, authenticate(ctx), async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'billing.read');
    return c.json({ data: await billingView(db(), settings, actor.organizationId, now(), ctx.config.BILLING_GRACE_DAYS) });
  });

  app.post('/v1/orgs/:orgId/billing/checkout', docs.checkoutDoc(checkoutBody), authenticate(ctx), bodyLimit({ maxSize: 4096 }), async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'billing.manage');
    const body = await parseBody(c, checkoutBody);
    if (!settings) throw billingOff();
    const session = unwrap(await viaStripe(c, () => startCheckout(db(), settings, actorOf(c, actor), { plan: body.plan, operationId: operationOf(c), urls })));
    return c.json({ data: session }, 201);
  });

  app.post('/v1/orgs/:orgId/billing/portal', docs.portalDoc, authenticate(ctx), bodyLimit({ maxSize: 4096 }), async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'billing.manage');
    if (!settings) throw billingOff();
    const session = unwrap(await viaStripe(c, () => openPortal(db(), settings, actorOf(c, actor), { operationId: operationOf(c), urls })));
    return c.json({ data: session }, 201);
  });

  app.post(
    '/v1/billing/stripe/webhook',
    docs.stripeWebhookDoc,
    // Over the limit: 413, and the connection closed (the unread rest of the body makes it unusable).
    bodyLimit({ maxSize: WEBHOOK_MAX_BYTES, onError: () => { throw new ApiError('payload_too_large', `Webhook bodies are limited to ${WEBHOOK_MAX_BYTES} bytes.`, { connection: 'close' }); } }),
    async (c) => {
      if (!settings) throw new ApiError('not_found', 'Billing is off on this server.');
      // The raw body exactly as sent: the signature covers its bytes.
      const raw = await c.req.text();
      const event = unwrap(await verifyEvent(settings, raw, c.req.header('stripe-signature'), ctx.now()));
      const outcome = await viaStripe(c, () => applyEvent(db(), settings, event, now(), ctx.config.BILLING_GRACE_DAYS));
      if (outcome.notice) {
        const notice = outcome.notice;
        void sendNotice(db(), ctx.identity.mail, ctx.logger, notice, ctx.identity.personalData).catch((err: unknown) => ctx.logger.warn({ error: (err as Error).name }, 'billing notice failed'));
      }
      return c.json({ received: true, handled: outcome.handled, duplicate: outcome.duplicate });
    },
  );

  return app;
}
