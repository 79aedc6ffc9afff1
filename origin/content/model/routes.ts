/**
 * Page type and locale management (admin keys, until the identity issue adds roles):
 *   POST /v2/manage/spaces/{space}/page_types/          { slug, name, fields } → 201
 *   GET  /v2/manage/spaces/{space}/page_types/          list
 *   GET  /v2/manage/spaces/{space}/page_types/{slug}/   one
 *   PUT  /v2/manage/spaces/{space}/page_types/{slug}/   { name?, fields? } — refused (400) when
 *        an existing page of the type would no longer validate
 *   GET  /v2/manage/spaces/{space}/locales/             list (the default flagged)
 *   POST /v2/manage/spaces/{space}/locales/             { code, name?, default? } → 201
 * A space of another organization answers 404, as if it did not exist.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import { authenticate } from '../../http/request-auth.js';
import { createLocale, createPageType, getPageType, listLocales, listPageTypes, updatePageType } from './page-types.js';
import { unwrap } from '../../http/result.js';
import { parseBody } from '../../http/body.js';
import { ownedSpace } from '../../http/tenant.js';
import { authorizeSpace } from '../../http/authorize.js';
import { writeActor } from '../../http/revisions.js';
import * as docs from './docs.js';

const TYPE_SLUG_RE = /^[a-z0-9][a-z0-9_-]{0,99}$/;
/** Path segments of the read API that cannot be page types. */
const RESERVED_TYPES = new Set(['search']);
const isLocale = (v: string) => /^[a-z]{2,3}$/.test(v) || /^[a-z]{2,3}-[A-Za-z0-9]{2,8}$/.test(v);

const typeSlug = z
  .string()
  .regex(TYPE_SLUG_RE, { message: 'must be 1–100 lowercase letters, digits, - or _' })
  .refine((s) => !RESERVED_TYPES.has(s), { message: 'is reserved' });
const createBody = z.object({ slug: typeSlug, name: z.string().min(1).max(200), fields: z.unknown() }).strict();
const updateBody = z
  .object({ name: z.string().min(1).max(200).optional(), fields: z.unknown().optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.fields !== undefined, { message: 'name or fields is required' });
const localeBody = z
  .object({ code: z.string().refine(isLocale, { message: 'must be a locale code like en, en-US or fr' }), name: z.string().min(1).max(100).optional(), default: z.boolean().optional() })
  .strict();

export function pageTypeRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const types = '/v2/manage/spaces/:spaceId/page_types';
  const locs = '/v2/manage/spaces/:spaceId/locales';
  const auth = authenticate(ctx);
  const limit = bodyLimit({
    maxSize: 256 * 1024,
    onError: () => {
      throw new ApiError('payload_too_large', 'Body too large.', { connection: 'close' });
    },
  });


  const slugParam = (c: Context<OriginEnv>): string => {
    const slug = c.req.param('slug') ?? '';
    if (!TYPE_SLUG_RE.test(slug)) throw new ApiError('not_found', 'Page type not found.');
    return slug;
  };

  app.post(types, docs.createPageTypeDoc(createBody), auth, limit, async (c) => {
    const actor = await authorizeSpace(ctx.database.db, c, c.req.param('spaceId'), 'schema.manage');
    const body = await parseBody(c, createBody);
    const created = unwrap(await createPageType(ctx.database.db, { spaceId: actor.spaceId, slug: body.slug, name: body.name, fields: body.fields }, writeActor(c, actor)));
    return c.json({ data: created }, 201);
  });

  app.get(types, docs.listPageTypesDoc, auth, async (c) => {
    const spaceId = await ownedSpace(ctx.database.db, c, 'page types and locales', 'content.preview');
    c.header('cache-control', 'no-store');
    return c.json({ data: await listPageTypes(ctx.database.db, spaceId) });
  });

  app.get(`${types}/:slug`, docs.getPageTypeDoc, auth, async (c) => {
    const spaceId = await ownedSpace(ctx.database.db, c, 'page types and locales', 'content.preview');
    const found = await getPageType(ctx.database.db, spaceId, slugParam(c));
    if (!found) throw new ApiError('not_found', 'Page type not found.');
    c.header('cache-control', 'no-store');
    return c.json({ data: found });
  });

  app.put(`${types}/:slug`, docs.updatePageTypeDoc(updateBody), auth, limit, async (c) => {
    const actor = await authorizeSpace(ctx.database.db, c, c.req.param('spaceId'), 'schema.manage');
    const slug = slugParam(c);
    const body = await parseBody(c, updateBody);
    const updated = unwrap(await updatePageType(ctx.database.db, { spaceId: actor.spaceId, slug, name: body.name, fields: body.fields }, writeActor(c, actor)));
    return c.json({ data: updated });
  });

  app.get(locs, docs.listLocalesDoc, auth, async (c) => {
    const spaceId = await ownedSpace(ctx.database.db, c, 'page types and locales', 'content.preview');
    c.header('cache-control', 'no-store');
    return c.json({ data: await listLocales(ctx.database.db, spaceId) });
  });

  app.post(locs, docs.createLocaleDoc(localeBody), auth, limit, async (c) => {
    const actor = await authorizeSpace(ctx.database.db, c, c.req.param('spaceId'), 'schema.manage');
    const body = await parseBody(c, localeBody);
    const created = unwrap(await createLocale(ctx.database.db, { spaceId: actor.spaceId, code: body.code, name: body.name ?? body.code, makeDefault: body.default ?? false }, writeActor(c, actor)));
    return c.json({ data: created }, 201);
  });

  return app;
}
