/**
 * ButterCMS Write API for pages, plus a management read with an ETag:
 *   POST   /v2/pages/                      create (draft unless status=published)
 *   PATCH  /v2/pages/{type|*}/{slug}/      partial update (PUT behaves the same, as in ButterCMS)
 *   DELETE /v2/pages/{type|*}/{slug}/      soft delete
 *   GET    /v2/manage/pages/{type|*}/{slug}/  working copy + version, `ETag: "v<n>"`
 *   POST   /v2/manage/pages/{type|*}/{slug}/unpublish  take the published version down (unpublish.ts)
 * Writes answer `202 {"status":"pending"}` like ButterCMS, but only after the change, its
 * revision and its purge are committed: a client that reads after the 202 sees the change.
 * `If-Match: "v<n>"` makes a write conditional (412 when the page moved on).
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import { authenticate } from '../../http/request-auth.js';
import { authorizeContent, mayPublish, requirePublishRight } from '../../http/authorize.js';
import type { Action } from '../../../shared/permissions.js';
import { createPage, createPageInLocales, deletePage, restorePage, updatePage, updatePageInLocales } from './writes.js';
import { localeMapOf } from '../locale-map.js';
import { getPageForManagement } from './lookups.js';
import { addPageManagementReads } from './manage-list.js';
import { rollbackPage } from './revisions.js';
import { unpublishPage } from './unpublish.js';
import { revisionHistory } from '../revisions.js';
import { parseBody } from '../../http/body.js';
import { expectedVersion, rollbackBody, schedulable, scheduledAt, scheduleProblems, versionTag, writeActor } from '../../http/revisions.js';
import { unwrap } from '../../http/result.js';
import { createPageDoc, deletePageDoc, getManagedPageDoc, pageRevisionsDoc, restorePageDoc, rollbackPageDoc, unpublishPageDoc, updatePageDoc } from './docs.js';

export const WRITE_BODY_LIMIT = 1024 * 1024;
const MAX_FIELDS_DEPTH = 12;

const slug = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/, { message: 'must be 1–200 letters, digits, - or _' });
const pageType = z.string().regex(/^(\*|[a-z0-9][a-z0-9_-]{0,99})$/, { message: 'must be a page type slug or *' });
const status = z.enum(['draft', 'published'], { message: 'must be draft or published' });
const fields = z.record(z.string().min(1).max(200), z.unknown()).refine((v) => depth(v) <= MAX_FIELDS_DEPTH, { message: `must nest at most ${MAX_FIELDS_DEPTH} levels` });

const createBody = z
  .object({ title: z.string().min(1).max(200), slug, page_type: pageType.optional(), 'page-type': pageType.optional(), status: status.default('draft'), fields })
  .strict()
  .refine((b) => b.page_type !== undefined || b['page-type'] !== undefined, { message: 'is required', path: ['page_type'] });
/**
 * Updates may also schedule publication (a ghee extension; ButterCMS's Write API cannot):
 * `{ "status": "scheduled", "scheduled": "<ISO time in the future>" }`.
 */
const updateBody = z
  .object({ title: z.string().min(1).max(200).optional(), status: schedulable.status.optional(), scheduled: schedulable.scheduled.optional(), fields: fields.optional() })
  .strict()
  .superRefine(scheduleProblems);

function depth(v: unknown, d = 0): number {
  if (d > MAX_FIELDS_DEPTH) return d;
  if (Array.isArray(v)) return v.reduce<number>((m, x) => Math.max(m, depth(x, d + 1)), d + 1);
  if (v && typeof v === 'object') return Object.values(v).reduce<number>((m, x) => Math.max(m, depth(x, d + 1)), d + 1);
  return d;
}

const isLocale = (v: string) => /^[a-z]{2,3}$/.test(v) || /^[a-z]{2,3}-[A-Za-z0-9]{2,8}$/.test(v);


function localeParam(c: Context<OriginEnv>): string | null {
  const locale = c.req.query('locale') ?? null;
  if (locale !== null && !isLocale(locale)) throw new ApiError('bad_request', 'Invalid locale.');
  return locale;
}


export function pageWriteRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const auth = authenticate(ctx);
  const writer = (c: Context<OriginEnv>, action: Action) => authorizeContent(ctx.database.db, c, action);
  const limit = bodyLimit({
    maxSize: WRITE_BODY_LIMIT,
    onError: () => {
      throw new ApiError('payload_too_large', `Bodies are limited to ${WRITE_BODY_LIMIT} bytes.`, { connection: 'close' });
    },
  });

  app.post('/v2/pages', createPageDoc(createBody), auth, limit, async (c) => {
    const actor = await writer(c, 'content.write');
    const { spaceId, keyId, userId } = actor;
    const body = await parseBody(c, createBody);
    requirePublishRight(c, actor, body.status);
    const locale = localeParam(c);
    const page = {
      spaceId,
      keyId,
      userId,
      pageType: (body.page_type ?? body['page-type'])!,
      slug: body.slug,
      name: body.title,
      status: body.status,
      mayPublish: mayPublish(c, actor),
      actor: writeActor(c, actor),
    };
    const byLocale = locale === null ? unwrap(await localeMapOf(ctx.database.db, spaceId, body.fields)) : null;
    if (byLocale) unwrap(await createPageInLocales(ctx.database.db, page, byLocale));
    else unwrap(await createPage(ctx.database.db, { ...page, locale, fields: body.fields }));
    return c.json({ status: 'pending' }, 202);
  });

  const update = async (c: Context<OriginEnv>) => {
    const { pageType: type, slug: s } = c.req.param() as { pageType: string; slug: string };
    if (!pageType.safeParse(type).success || !slug.safeParse(s).success) throw new ApiError('not_found', 'Page not found.');
    const actor = await writer(c, 'content.write');
    const { spaceId, keyId, userId } = actor;
    const body = await parseBody(c, updateBody);
    // Editing a published page's live version, or a scheduled page, is refused by updatePage without content.publish.
    requirePublishRight(c, actor, body.status);
    const locale = localeParam(c);
    const byLocale = locale === null ? unwrap(await localeMapOf(ctx.database.db, spaceId, body.fields)) : null;
    if (byLocale) {
      if (expectedVersion(c) !== null) throw new ApiError('bad_request', 'If-Match names one version of one locale: send the locale\'s fields with ?locale= to make the write conditional.');
      unwrap(
        await updatePageInLocales(
          ctx.database.db,
          {
            spaceId,
            keyId,
            userId,
            pageType: type,
            slug: s,
            ...(body.title !== undefined ? { name: body.title } : {}),
            ...(body.status ? { status: body.status } : {}),
            ...scheduledAt(body),
            mayPublish: mayPublish(c, actor),
            actor: writeActor(c, actor),
          },
          byLocale,
        ));
      return c.json({ status: 'pending' }, 202);
    }
    const saved = unwrap(
      await updatePage(
        ctx.database.db,
        {
          spaceId,
          keyId,
          userId,
          pageType: type,
          slug: s,
          locale,
          ...(body.title !== undefined ? { name: body.title } : {}),
          ...(body.status ? { status: body.status } : {}),
          ...scheduledAt(body),
          ...(body.fields ? { fields: body.fields } : {}),
          mayPublish: mayPublish(c, actor),
          actor: writeActor(c, actor),
        },
        expectedVersion(c),
      ));
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  };
  app.patch('/v2/pages/:pageType/:slug', updatePageDoc(updateBody, false), auth, limit, update);
  app.put('/v2/pages/:pageType/:slug', updatePageDoc(updateBody, true), auth, limit, update);

  app.delete('/v2/pages/:pageType/:slug', deletePageDoc, auth, async (c) => {
    const actor = await writer(c, 'content.delete');
    const { spaceId, keyId, userId } = actor;
    const { pageType: type, slug: s } = c.req.param();
    if (!pageType.safeParse(type).success || !slug.safeParse(s).success) throw new ApiError('not_found', 'Page not found.');
    unwrap(
      await deletePage(ctx.database.db, { spaceId, keyId, userId, pageType: type, slug: s, locale: localeParam(c), mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }, expectedVersion(c)));
    return c.body(null, 204);
  });

  app.get('/v2/manage/pages/:pageType/:slug', getManagedPageDoc, auth, async (c) => {
    const { spaceId } = await writer(c, 'content.preview');
    const { pageType: type, slug: s } = c.req.param();
    if (!pageType.safeParse(type).success || !slug.safeParse(s).success) throw new ApiError('not_found', 'Page not found.');
    const page = await getPageForManagement(ctx.database.db, { spaceId, pageType: type, slug: s, locale: localeParam(c) });
    if (!page) throw new ApiError('not_found', 'Page not found.');
    c.header('etag', versionTag(page.version));
    c.header('cache-control', 'no-store');
    return c.json({
      data: {
        slug: page.slug,
        name: page.name,
        page_type: page.pageType === '*' ? null : page.pageType,
        locale: page.locale,
        status: page.status,
        scheduled: page.scheduledAt?.toISOString() ?? null,
        version: page.version,
        fields: page.fields,
        published: page.publishedAt?.toISOString() ?? null,
        updated: page.updatedAt.toISOString(),
      },
    });
  });

  const target = (c: Context<OriginEnv>) => {
    const { pageType: type, slug: s } = c.req.param() as { pageType: string; slug: string };
    if (!pageType.safeParse(type).success || !slug.safeParse(s).success) throw new ApiError('not_found', 'Page not found.');
    return { pageType: type, slug: s };
  };

  /** The revision history, newest first: each revision with the key or member that saved it. */
  app.get('/v2/manage/pages/:pageType/:slug/revisions', pageRevisionsDoc, auth, async (c) => {
    const { spaceId } = await writer(c, 'content.preview');
    const page = await getPageForManagement(ctx.database.db, { spaceId, ...target(c), locale: localeParam(c) });
    if (!page) throw new ApiError('not_found', 'Page not found.');
    return c.json({ data: await revisionHistory(ctx.database.db, 'page', page.id) });
  });

  /** Rollback to any revision: a new save with that revision's title and fields. */
  app.post('/v2/manage/pages/:pageType/:slug/rollback', rollbackPageDoc(rollbackBody), auth, limit, async (c) => {
    const actor = await writer(c, 'content.publish');
    const { spaceId, keyId, userId } = actor;
    const where = target(c);
    const body = await parseBody(c, rollbackBody);
    const saved = unwrap(
      await rollbackPage(
        ctx.database.db,
        { spaceId, keyId, userId, ...where, locale: localeParam(c), version: body.version, ...(body.status ? { status: body.status } : {}), mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) },
        expectedVersion(c),
      ));
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  });

  /** Take the published version down (a `status: "draft"` save keeps it live). */
  app.post('/v2/manage/pages/:pageType/:slug/unpublish', unpublishPageDoc, auth, async (c) => {
    const actor = await writer(c, 'content.publish');
    const { spaceId, keyId, userId } = actor;
    const saved = unwrap(
      await unpublishPage(ctx.database.db, { spaceId, keyId, userId, ...target(c), locale: localeParam(c), mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }, expectedVersion(c)));
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  });

  /** Undo a delete. */
  app.post('/v2/manage/pages/:pageType/:slug/restore', restorePageDoc, auth, async (c) => {
    const actor = await writer(c, 'content.delete');
    const { spaceId, keyId, userId } = actor;
    const saved = unwrap(await restorePage(ctx.database.db, { spaceId, keyId, userId, ...target(c), locale: localeParam(c), mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }));
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  });

  // The editors' list of working copies and one revision's fields (manage-list.ts).
  addPageManagementReads(app, ctx, auth);

  return app;
}
