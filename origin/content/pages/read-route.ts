import { Hono, type Context } from 'hono';
import { ApiError } from '../../../shared/errors.js';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import { contentReadOf, contentReader } from '../../http/content-read.js';
import { acceptKey, apiKeyAuth, authenticationOrThrow, lookUpKey } from '../../http/api-key-auth.js';
import { Expander } from './lists.js';
import { pageRead, pageResponseHeaders, pageSurrogateKey, type PageRead } from './page-read.js';
import { findKeyAndPublishedPage, findPublishedPage, findPublishedPageJson, rawQuery, type RawPublishedPage, type RawQuery } from './pages.js';
import type { Db } from '../../db/client.js';
import { getPageDoc } from './docs.js';

// The page read's parameters and headers are origin/content/pages/page-read.ts's (the fast path shares them); re-exported for the other read routes.
export { CONTENT_BROWSER_CACHE_CONTROL, CONTENT_SURROGATE_CONTROL, isLocale } from './page-read.js';

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

  /**
   * After authentication: the permission checks, then the page (expanded when its type has
   * references). A published read not already looked up with its key runs on a fresh replica
   * when there are any (origin/db/replicas.ts); a preview, and a page found with its key on the
   * primary, stay on the primary.
   */
  const serve = (c: Context<OriginEnv>, q: PageRead, found?: RawPublishedPage | null) => {
    const { spaceId } = contentReader(c);
    if (q.preview || found !== undefined) return serveFrom(c, ctx.database.db, raw, spaceId, q, found);
    return ctx.database.read((db) => serveFrom(c, db, db === ctx.database.db ? raw : rawQuery(db), spaceId, q), { spaceId });
  };

  const serveFrom = async (c: Context<OriginEnv>, db: Db, rawOf: RawQuery | null, spaceId: string, q: PageRead, found?: RawPublishedPage | null) => {
    let page: { id: string; pageType: string; locale: string; body: Record<string, unknown> } | null;
    if (q.preview || !rawOf) {
      page = await findPublishedPage(db, { spaceId, pageType: q.pageType, slug: q.slug, locale: q.locale, preview: q.preview });
    } else {
      const row = found === undefined ? await findPublishedPageJson(rawOf, spaceId, q) : found;
      if (!row) throw notFound(spaceId, q.slug);
      // No reference field in the page's type: the stored JSON is the answer, sent as stored.
      if (!row.hasRefs) return respond(c, spaceId, q.slug, row.id, [], row.json);
      page = { id: row.id, pageType: row.pageType, locale: row.locale, body: JSON.parse(row.json) as Record<string, unknown> };
    }
    if (!page) throw notFound(spaceId, q.slug);
    // References expand to `levels` deep (ButterCMS's default 2); embedded pages tag the response.
    const expander = new Expander(db, spaceId, page.locale, q.preview);
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
  app.get('/v2/pages/:pageType/:slug', getPageDoc, async (c) => {
    const now = new Date(ctx.now() * 1000);
    // origin/http/authenticate.ts: an edge assertion is accepted here, every refusal answered (401).
    const key = authenticationOrThrow(ctx, c, now); // null: asserted by the edge (accepted)
    const q = pageRead(contentReadOf(c));
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
