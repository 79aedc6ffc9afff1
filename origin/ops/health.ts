import { Hono } from 'hono';
import { ApiError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import type { OriginEnv } from '../env.js';
import { healthDoc, readyDoc } from './docs.js';

export function healthRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>();
  /** Liveness: the process answers. No dependencies checked. */
  app.get('/healthz', healthDoc, (c) => c.json({ status: 'ok' }));
  /**
   * Readiness: the (primary) database answers a query. With read replicas, their state too
   * (origin/db/replicas.ts): a replica down or lagging never makes the origin unready — its reads
   * go to the primary.
   */
  app.get('/readyz', readyDoc, async (c) => {
    if (!(await ctx.database.ping())) throw new ApiError('unavailable', 'Database unreachable.');
    const replicas = ctx.database.replicas;
    return c.json({ status: 'ready', database: ctx.database.kind, ...(replicas ? { replicas: replicas.status() } : {}) });
  });
  return app;
}
