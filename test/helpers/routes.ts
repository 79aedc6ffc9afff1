/**
 * The origin's content read routes, from the app's own route table: a read route added later is
 * in every table built here without anyone listing it.
 */
import type { Hono } from 'hono';
import type { OriginEnv } from '../../origin/env.js';

/** A value for each route parameter (tests that need real content pass their own). */
export const ROUTE_PARAM_VALUES: Record<string, string> = { pageType: '*', slug: 'home', key: 'faq', id: '1', feed: 'rss' };

/** Every content read route the app registers (GET under /v2, not /v2/manage), with a concrete path. */
export function contentReadRoutes(app: Hono<OriginEnv>, values: Record<string, string> = ROUTE_PARAM_VALUES): { pattern: string; path: string }[] {
  const patterns = new Set<string>();
  for (const r of app.routes) {
    if (r.method !== 'GET' || !r.path.startsWith('/v2/') || r.path.startsWith('/v2/manage/') || r.path.includes('*')) continue;
    patterns.add(r.path);
  }
  return [...patterns].map((pattern) => ({ pattern, path: `${pattern.replace(/:(\w+)/g, (_, name: string) => values[name] ?? 'x')}/` }));
}
