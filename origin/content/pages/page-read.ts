/**
 * A page read (`GET /v2/pages/{type}/{slug}/`): its parameters and its 200's headers, owned here
 * and used by both paths that answer it — the route (origin/content/pages/read-route.ts) and the
 * fast path in front of Hono (origin/content/pages/read-path.ts).
 *
 * `pageRead` reads the parameters from the canonical request of shared/content-request.ts (the
 * one parser of a read, which the edge keys its cache on and forwards): the page type and the slug
 * from its path's segments, `locale` and `levels` from its parameters (each once; unknown ones are
 * already dropped), preview as the parser decided it. A parameter it refuses is an error to answer
 * once the caller is authenticated, in this precedence: page type (400), slug (404), locale (400),
 * levels (400).
 */
import type { ContentRequest } from '../../../shared/content-request.js';
import { ApiError } from '../../../shared/errors.js';
import { formatSurrogateControl, surrogateKeys } from '../../../shared/surrogate.js';

export const SLUG_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;
export const PAGE_TYPE_RE = /^(\*|[a-z0-9][a-z0-9_-]{0,99})$/;
export const LEVELS_RE = /^[1-5]$/;
export const isLocale = (v: string) => /^[a-z]{2,3}$/.test(v) || /^[a-z]{2,3}-[A-Za-z0-9]{2,8}$/.test(v);

/** What a page read asks for. */
export interface PageRead {
  pageType: string;
  slug: string;
  locale: string | null;
  /** How deep references expand (ButterCMS's default 2). */
  levels: number;
  preview: boolean;
}

/** A segment of a canonical path, decoded (the parser encoded it one way, so it decodes). */
const segment = (s: string | undefined): string => (s === undefined ? '' : s.includes('%') ? decodeURIComponent(s) : s);

/** The page read a canonical request asks for, or the error to answer once the caller is authenticated. */
export function pageRead(request: ContentRequest): PageRead | ApiError {
  if (request.route !== 'page') return new ApiError('not_found', 'Not found.');
  // `/v2/pages/<type>/<slug>/`
  const parts = request.path.split('/');
  const pageType = segment(parts[3]);
  const slug = segment(parts[4]);
  if (!PAGE_TYPE_RE.test(pageType)) return new ApiError('bad_request', 'Invalid page type.');
  if (!SLUG_RE.test(slug)) return new ApiError('not_found', 'Page not found.');
  const locale = request.params.get('locale') ?? null;
  if (locale !== null && !isLocale(locale)) return new ApiError('bad_request', 'Invalid locale.');
  const levels = request.params.get('levels');
  if (levels !== undefined && !LEVELS_RE.test(levels)) return new ApiError('bad_request', 'levels must be an integer from 1 to 5.');
  return { pageType, slug, locale, levels: levels === undefined ? 2 : Number(levels), preview: request.preview };
}

/** Long at the edge (purged on change), short in browsers. */
export const CONTENT_SURROGATE_CONTROL = formatSurrogateControl({ maxAge: 86_400, staleWhileRevalidate: 60, staleIfError: 604_800 });
export const CONTENT_BROWSER_CACHE_CONTROL = 'max-age=60';

/** The headers of a page read's 200 (before the app adds the request id and the secure headers). */
export function pageResponseHeaders(surrogateKey: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'surrogate-key': surrogateKey,
    'surrogate-control': CONTENT_SURROGATE_CONTROL,
    'cache-control': CONTENT_BROWSER_CACHE_CONTROL,
  };
}

/** The Surrogate-Key value of a page read: the space, the page, the slug as requested, then any embedded pages' keys. */
export function pageSurrogateKey(spaceId: string, slug: string, pageId: string, extraKeys: Iterable<string> = []): string {
  const own = [surrogateKeys.space(spaceId), surrogateKeys.page(pageId), surrogateKeys.pageSlug(spaceId, slug)];
  const more = [...extraKeys];
  return (more.length === 0 ? own : [...new Set([...own, ...more])]).join(' ');
}
