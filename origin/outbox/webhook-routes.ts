/**
 * Webhook management (admin keys, until the identity issue adds roles):
 *   POST   /v2/manage/spaces/{space}/webhooks/              { url, events } → 201, secret shown once
 *   GET    /v2/manage/spaces/{space}/webhooks/              list (no secrets)
 *   GET    /v2/manage/spaces/{space}/webhooks/{id}/deliveries/   the delivery log
 *   POST   /v2/manage/spaces/{space}/webhooks/{id}/deliveries/{delivery}/retry/   a `failed`
 *          delivery is queued again (attempts from 0, due now) → 202 { data: entry }; any other → 404
 *   DELETE /v2/manage/spaces/{space}/webhooks/{id}/
 * A space of another organization answers 404, as if it did not exist.
 */
import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import { webhookDeliveries, webhooks } from '../db/schema/index.js';
import type { OriginEnv } from '../env.js';
import { authenticate } from '../http/request-auth.js';
import { createWebhook, deleteWebhook, listDeliveries } from './webhooks.js';
import { ownedSpace } from '../http/tenant.js';
import { authorizeSpace, isUuid } from '../http/authorize.js';
import { unwrap } from '../http/result.js';
import { invalidBodyDetail } from '../http/body.js';
import { writeActor } from '../http/revisions.js';
import { createWebhookDoc, deleteWebhookDoc, listWebhooksDoc, retryWebhookDeliveryDoc, webhookDeliveriesDoc } from './webhook-docs.js';
import { commitWrite } from './commit.js';

const createBody = z.object({ url: z.string().min(1).max(2048), events: z.array(z.string().min(1).max(64)).min(1).max(32) }).strict();

export function webhookRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const base = '/v2/manage/spaces/:spaceId/webhooks';


  app.use(`${base}/*`, authenticate(ctx));
  app.use(base, authenticate(ctx));

  app.post(
    base,
    createWebhookDoc(createBody),
    bodyLimit({
      maxSize: 16_384,
      onError: () => {
        throw new ApiError('payload_too_large', 'Body too large.', { connection: 'close' });
      },
    }),
    async (c) => {
      const actor = await authorizeSpace(ctx.database.db, c, c.req.param('spaceId'), 'webhooks.manage');
      const spaceId = actor.spaceId;
      let raw: unknown;
      try {
        raw = await c.req.json();
      } catch (err) {
        if (err instanceof ApiError) throw err; // refused by the input boundary (origin/http/input.ts), with its own detail
        throw new ApiError('bad_request', 'The body is not valid JSON.');
      }
      const body = createBody.safeParse(raw);
      if (!body.success) throw new ApiError('bad_request', invalidBodyDetail(body.error));
      const hook = unwrap(
        await createWebhook(ctx.database.db, { spaceId, url: body.data.url, events: body.data.events, allowLoopback: ctx.config.WEBHOOK_ALLOW_LOOPBACK }, ctx.envelope, writeActor(c, actor)),
      );
      return c.json({ data: { id: hook.id, url: body.data.url, events: body.data.events, secret: hook.secret } }, 201);
    },
  );

  app.get(base, listWebhooksDoc, async (c) => {
    const spaceId = await ownedSpace(ctx.database.db, c, 'webhooks', 'webhooks.manage');
    const rows = await ctx.database.db
      .select({ id: webhooks.id, url: webhooks.url, events: webhooks.events, active: webhooks.active, created: webhooks.createdAt })
      .from(webhooks)
      .where(eq(webhooks.spaceId, spaceId));
    return c.json({ data: rows.map((r) => ({ ...r, created: r.created.toISOString() })) });
  });

  app.get(`${base}/:id/deliveries`, webhookDeliveriesDoc, async (c) => {
    const spaceId = await ownedSpace(ctx.database.db, c, 'webhooks', 'webhooks.manage');
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError('not_found', 'Webhook not found.');
    return c.json({ data: await listDeliveries(ctx.database.db, id, 50, spaceId) });
  });

  app.post(`${base}/:id/deliveries/:deliveryId/retry`, retryWebhookDeliveryDoc, async (c) => {
    const actor = await authorizeSpace(ctx.database.db, c, c.req.param('spaceId'), 'webhooks.manage');
    const id = c.req.param('id');
    const deliveryId = c.req.param('deliveryId');
    const missing = () => new ApiError('not_found', 'No failed delivery with that id.');
    if (!isUuid(id) || !isUuid(deliveryId)) throw missing();
    // Through the commit step: the delivery queued again and its audit row commit together; the
    // delivery worker picks it up at its next pass (due now). Only a delivery that gave up (failed).
    const result = await commitWrite(ctx.database.db, writeActor(c, actor), actor.spaceId, async (w) => {
      const [hook] = await w.t
        .select({ id: webhooks.id })
        .from(webhooks)
        .where(and(eq(webhooks.id, id), eq(webhooks.spaceId, actor.spaceId)))
        .limit(1);
      if (!hook) return { ok: false as const };
      const [row] = await w.t
        .update(webhookDeliveries)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date() })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.status, 'failed')))
        .returning({ id: webhookDeliveries.id });
      if (!row) return { ok: false as const };
      w.audit({ action: 'webhook.delivery_retry', target: { type: 'webhook', id }, metadata: { delivery_id: deliveryId } });
      return { ok: true as const };
    });
    if (!result.ok) throw missing();
    const entry = (await listDeliveries(ctx.database.db, id, 200, actor.spaceId)).find((d) => d.id === deliveryId);
    return c.json({ data: entry }, 202);
  });

  app.delete(`${base}/:id`, deleteWebhookDoc, async (c) => {
    const actor = await authorizeSpace(ctx.database.db, c, c.req.param('spaceId'), 'webhooks.manage');
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError('not_found', 'Webhook not found.');
    if (!(await deleteWebhook(ctx.database.db, actor.spaceId, id, writeActor(c, actor)))) throw new ApiError('not_found', 'Webhook not found.');
    return c.body(null, 204);
  });

  return app;
}
