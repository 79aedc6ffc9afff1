import { Hono, type Context } from 'hono';
import { ApiError } from '../../../shared/errors.js';
import { formatSurrogateControl, surrogateKeys } from '../../../shared/surrogate.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import { contentReadOf, contentReader } from '../../http/content-read.js';
import { acceptKey, apiKeyAuth, authenticationOrThrow, lookUpKey } from '../../http/api-key-auth.js';
import { Expander } from './lists.js';
import { findKeyAndPublishedPage, findPublishedPage, findPublishedPageJson, rawQuery, type RawPublishedPage } from './pages.js';

export const SLUG_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;
export const PAGE_TYPE_RE = /^(\*|[a-z0-9][a-z0-9_-]{0,99})$/;
export const LEVELS_RE = /^[1-5]$/;
export const isLocale = (v: string) => /^[a-z]{2,3}$/.test(v) || /^[a-z]{2,3}-[A-Za-z0-9]{2,8}$/.test(v);

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

interface PageRead {
  pageType: string;
  slug: string;
  locale: string | null;
  levels: number;
  preview: boolean;
}

/** The request's parameters, or the error to answer once the caller is authenticated. */
function pageRead(c: Context<OriginEnv>): PageRead | ApiError {
  const pageType = c.req.param('pageType') ?? '';
  const slug = c.req.param('slug') ?? '';
  if (!PAGE_TYPE_RE.test(pageType)) return new ApiError('bad_request', 'Invalid page type.');
  if (!SLUG_RE.test(slug)) return new ApiError('not_found', 'Page not found.');
  const locale = c.req.query('locale') ?? null;
  if (locale !== null && !isLocale(locale)) return new ApiError('bad_request', 'Invalid locale.');
  const levelsParam = c.req.query('levels');
  if (levelsParam !== undefined && !LEVELS_RE.test(levelsParam)) return new ApiError('bad_request', 'levels must be an integer from 1 to 5.');
  return { pageType, slug, locale, levels: levelsParam === undefined ? 2 : Number(levelsParam), preview: contentReadOf(c).preview };
}

function notFound(spaceId: string, slug: string): ApiError {
  // Tagged, so the edge's short negative cache is purged when the page is created.
  return new ApiError('not_found', 'Page not found.', { 'surrogate-key': `${surrogateKeys.space(spaceId)} ${surrogateKeys.pageSlug(spaceId, slug)}` });
}

/** ButterCMS v2 Content API (read side). The content issue grows this to the full API. */
export function contentRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const raw = rawQuery(ctx.database.db);

  const respond = (c: Context<OriginEnv>, spaceId: string, slug: string, pageId: string, extraKeys: Iterable<string>, json: string) =>
    c.body(`{"data":${json}}`, 200, pageResponseHeaders(pageSurrogateKey(spaceId, slug, pageId, extraKeys)));

  /** After authentication: the permission checks, then the page (expanded when its type has references). */
  const serve = async (c: Context<OriginEnv>, q: PageRead, found?: RawPublishedPage | null) => {
    const { spaceId } = contentReader(c);
    let page: { id: string; pageType: string; locale: string; body: Record<string, unknown> } | null;
    if (q.preview || !raw) {
      page = await findPublishedPage(ctx.database.db, { spaceId, pageType: q.pageType, slug: q.slug, locale: q.locale, preview: q.preview });
    } else {
      const row = found === undefined ? await findPublishedPageJson(raw, spaceId, q) : found;
      if (!row) throw notFound(spaceId, q.slug);
      // No reference field in the page's type: the stored JSON is the answer, sent as stored.
      if (!row.hasRefs) return respond(c, spaceId, q.slug, row.id, [], row.json);
      page = { id: row.id, pageType: row.pageType, locale: row.locale, body: JSON.parse(row.json) as Record<string, unknown> };
    }
    if (!page) throw notFound(spaceId, q.slug);
    // References expand to `levels` deep (ButterCMS's default 2); embedded pages tag the response.
    const expander = new Expander(ctx.database.db, spaceId, page.locale, q.preview);
    const body = page.pageType === '*' ? page.body : await expander.expandPage(page.body, page.pageType, q.levels, new Set([page.id]));
    return respond(c, spaceId, q.slug, page.id, expander.keys, JSON.stringify(body));
  };

  /*
   * Registered before the `/v2/*` key middleware and authenticating itself, with the same rules:
   * an edge assertion, or a directly presented key that must be active in the database now. A
   * direct key and a published page are looked up in ONE query; errors keep their precedence
   * (credentials first, then parameters, then permissions, then the page). On a running server the
   * plain case (a valid key, a page without references) is answered in front of Hono by
   * origin/content/pages/read-path.ts, identically; this handler answers everything it hands over.
   */
  app.get('/v2/pages/:pageType/:slug', async (c) => {
    const now = new Date(ctx.now() * 1000);
    // origin/http/authenticate.ts: an edge assertion is accepted here, every refusal answered (401).
    const key = authenticationOrThrow(ctx, c, now); // null: asserted by the edge (accepted)
    const q = pageRead(c);
    if (key === null || q instanceof ApiError || q.preview || !raw) {
      if (key !== null) await lookUpKey(ctx, c, key, now);
      if (q instanceof ApiError) throw q;
      return serve(c, q);
    }
    const found = await findKeyAndPublishedPage(raw, key.tokenHash, now, q);
    acceptKey(ctx, c, found?.key ?? null, now); // no active key: 401
    return serve(c, q, found?.page ?? null);
  });

  app.use('/v2/*', apiKeyAuth(ctx));

  return app;
}
