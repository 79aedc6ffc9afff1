import { Hono } from 'hono';
import type { AppContext } from '../app.js';
import type { OriginEnv } from '../env.js';

/** Placeholder: filled in by the content issue. */
export function blogRoutes(_ctx: AppContext) {
  return new Hono<OriginEnv>({ strict: false });
}
