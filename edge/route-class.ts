/**
 * Route classes: the unit for method allowlists, size limits and rate limits at the edge.
 * - content:  the ButterCMS-compatible Content API (`/v2/…`), needs an API key
 * - assets:   `/assets/<space id>/<asset id>/<file name>`, public, cached
 * - internal: `/.edge/…` (health, signed purge endpoint)
 * - other:    anything else (answered 404 after the WAF)
 */
export type RouteClass = 'content' | 'assets' | 'internal' | 'other';

export const ROUTE_CLASSES: readonly RouteClass[] = ['content', 'assets', 'internal', 'other'];

export function routeClassOf(pathname: string): RouteClass {
  if (pathname === '/v2' || pathname.startsWith('/v2/')) return 'content';
  if (pathname.startsWith('/assets/')) return 'assets';
  if (pathname.startsWith('/.edge/')) return 'internal';
  return 'other';
}
