/**
 * Webhook management (admin keys, until the identity issue adds roles):
 *   POST   /v2/manage/spaces/{space}/webhooks/              { url, events } → 201, secret shown once
 *   GET    /v2/manage/spaces/{space}/webhooks/              list (no secrets)
 *   GET    /v2/manage/spaces/{space}/webhooks/{id}/deliveries/   the delivery log
 *   DELETE /v2/manage/spaces/{space}/webhooks/{id}/
 * A space of another organization answers 404, as if it did not exist.
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import { webhooks } from '../db/schema/index.js';
import type { OriginEnv } from '../env.js';
import { authenticate } from '../http/request-auth.js';
import { createWebhook, deleteWebhook, listDeliveries } from './webhooks.js';
import { ownedSpace } from '../http/tenant.js';
import { authorizeSpace, isUuid } from '../http/authorize.js';
import { unwrap } from '../http/result.js';
import { invalidBodyDetail } from '../http/body.js';
import { writeActor } from '../http/revisions.js';
import { createWebhookDoc, deleteWebhookDoc, listWebhooksDoc, webhookDeliveriesDoc } from './webhook-docs.js';

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

  app.delete(`${base}/:id`, deleteWebhookDoc, async (c) => {
    const actor = await authorizeSpace(ctx.database.db, c, c.req.param('spaceId'), 'webhooks.manage');
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError('not_found', 'Webhook not found.');
    if (!(await deleteWebhook(ctx.database.db, actor.spaceId, id, writeActor(c, actor)))) throw new ApiError('not_found', 'Webhook not found.');
    return c.body(null, 204);
  });

  return app;
}
