import { Hono } from 'hono';
import { ApiError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import type { OriginEnv } from '../env.js';

export function healthRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>();
  /** Liveness: the process answers. No dependencies checked. */
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  /** Readiness: the database answers a query. */
  app.get('/readyz', async (c) => {
    if (!(await ctx.database.ping())) throw new ApiError('unavailable', 'Database unreachable.');
    return c.json({ status: 'ready', database: ctx.database.kind });
  });
  return app;
}
