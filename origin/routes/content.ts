import { Hono } from 'hono';
import { ApiError } from '../../shared/errors.js';
import { formatSurrogateControl, surrogateKeys } from '../../shared/surrogate.js';
import type { AppContext } from '../app.js';
import type { OriginEnv } from '../env.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { Expander } from '../services/page-lists.js';
import { findPublishedPage } from '../services/pages.js';

const SLUG_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;
const PAGE_TYPE_RE = /^(\*|[a-z0-9][a-z0-9_-]{0,99})$/;
const isLocale = (v: string) => /^[a-z]{2,3}$/.test(v) || /^[a-z]{2,3}-[A-Za-z0-9]{2,8}$/.test(v);

/** Long at the edge (purged on change), short in browsers. */
export const CONTENT_SURROGATE_CONTROL = formatSurrogateControl({ maxAge: 86_400, staleWhileRevalidate: 60, staleIfError: 604_800 });
export const CONTENT_BROWSER_CACHE_CONTROL = 'max-age=60';

/** ButterCMS v2 Content API (read side). The content issue grows this to the full API. */
export function contentRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  app.use('/v2/*', apiKeyAuth(ctx));

  app.get('/v2/pages/:pageType/:slug', async (c) => {
    const principal = c.get('principal')!;
    const { pageType, slug } = c.req.param();
    if (!PAGE_TYPE_RE.test(pageType)) throw new ApiError('bad_request', 'Invalid page type.');
    if (!SLUG_RE.test(slug)) throw new ApiError('not_found', 'Page not found.');
    const locale = c.req.query('locale') ?? null;
    if (locale !== null && !isLocale(locale)) throw new ApiError('bad_request', 'Invalid locale.');
    const levelsParam = c.req.query('levels');
    if (levelsParam !== undefined && !/^[1-5]$/.test(levelsParam)) throw new ApiError('bad_request', 'levels must be an integer from 1 to 5.');
    const levels = levelsParam === undefined ? 2 : Number(levelsParam);
    const previewParam = c.req.query('preview');
    const preview = previewParam === '1' || previewParam === 'true';
    if (preview && principal.kind === 'read') throw new ApiError('forbidden', 'Preview requires a preview key.');
    if (!principal.spaceId) throw new ApiError('forbidden', 'Content reads need a space key (read, preview or write).');
    const spaceId = principal.spaceId;
    const slugKey = surrogateKeys.pageSlug(spaceId, slug);
    const page = await findPublishedPage(ctx.database.db, { spaceId, pageType, slug, locale, preview });
    if (!page) {
      // Tagged, so the edge's short negative cache is purged when the page is created.
      throw new ApiError('not_found', 'Page not found.', { 'surrogate-key': `${surrogateKeys.space(spaceId)} ${slugKey}` });
    }
    // References expand to `levels` deep (ButterCMS's default 2); embedded pages tag the response.
    const expander = new Expander(ctx.database.db, spaceId, page.locale, preview);
    const body = page.pageType === '*' ? page.body : await expander.expandPage(page.body, page.pageType, levels, new Set([page.id]));
    const keys = new Set([surrogateKeys.space(spaceId), surrogateKeys.page(page.id), slugKey, ...expander.keys]);
    c.header('surrogate-key', [...keys].join(' '));
    c.header('surrogate-control', CONTENT_SURROGATE_CONTROL);
    c.header('cache-control', CONTENT_BROWSER_CACHE_CONTROL);
    return c.json({ data: body });
  });

  return app;
}
