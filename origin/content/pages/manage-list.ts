/**
 * Management reads of pages for editors (the web app's list and revision diff; issue 20):
 *   GET /v2/manage/spaces/{space}/pages/?page_type=&status=&locale=&author=&query=&page=&page_size=
 *       every page of the space — drafts, published, scheduled, or (status=deleted) deleted ones —
 *       newest change first, with who saved it last. The Content API's lists are published
 *       content for API keys; this is the working copies for members (and write/preview keys).
 *   GET /v2/manage/pages/{type|*}/{slug}/revisions/{version}
 *       one revision with its fields (the history lists versions only), for a field-level diff.
 * Both need content.preview in the space, like the other management reads.
 */
import { and, count, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import { pageRevisions, pages } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { authorizeContent, authorizeSpace } from '../../http/authorize.js';
import { describe, errors, jsonOk, pathParam, queryParam, SECURITY, timestamp } from '../../http/openapi.js';
import { LOCALE, PAGE, PAGE_SIZE, PAGE_TYPE, revisionSchema, SLUG, TIME_EXAMPLE } from '../openapi.js';
import { revisionDetail } from '../revisions.js';
import { getPageForManagement } from './lookups.js';

const TYPE_RE = /^(\*|[a-z0-9][a-z0-9_-]{0,99})$/;
const SLUG_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isLocale = (v: string) => /^[a-z]{2,3}$/.test(v) || /^[a-z]{2,3}-[A-Za-z0-9]{2,8}$/.test(v);
const STATUSES = ['draft', 'published', 'scheduled', 'deleted'] as const;
const MAX_PAGE_SIZE = 100;

const entrySchema = z.strictObject({
  slug: z.string(),
  name: z.string(),
  page_type: z.string().nullable(),
  locale: z.string(),
  status: z.enum(STATUSES),
  version: z.number().int(),
  updated: timestamp(),
  published: timestamp().nullable(),
  scheduled: timestamp().nullable(),
  last_saved_by_user: z.string().nullable(),
  last_saved_by_key: z.string().nullable(),
});

export const listManagedPagesDoc = describe({
  operationId: 'listManagedPages',
  summary: 'List a space\'s pages for editing',
  description:
    'Every page of the space as editors see it — drafts, scheduled, published (or deleted ones with `status=deleted`) — newest change first, with who saved it last. Filters: `page_type` (`*` for single pages), `status`, `locale`, `author` (a member\'s id: pages whose last save was theirs), `query` (in the title or slug). The Content API\'s lists (GET /v2/pages/{type}) serve published content to API keys; this is the working copies.',
  tags: ['Write API'],
  security: SECURITY.keyOrSession,
  parameters: [
    pathParam('spaceId', 'The space.', { type: 'string', format: 'uuid' }),
    queryParam('page_type', 'Only this page type (`*`: single pages).', { type: 'string', pattern: '^(\\*|[a-z0-9][a-z0-9_-]{0,99})$' }),
    queryParam('status', 'Only pages in this state.', { type: 'string', enum: [...STATUSES] }),
    { ...LOCALE, description: 'Only this locale (default: all locales).' },
    queryParam('author', 'Only pages last saved by this member.', { type: 'string', format: 'uuid' }),
    queryParam('query', 'Text in the title or slug, 1–200 characters.', { type: 'string', minLength: 1, maxLength: 200 }),
    PAGE,
    PAGE_SIZE,
  ],
  responses: {
    200: jsonOk(
      'The pages and paging metadata.',
      z.strictObject({ meta: z.strictObject({ count: z.number().int(), next_page: z.number().int().nullable(), previous_page: z.number().int().nullable() }), data: z.array(entrySchema) }),
      {
        meta: { count: 1, next_page: null, previous_page: null },
        data: [
          { slug: 'about', name: 'About', page_type: null, locale: 'en', status: 'draft', version: 2, updated: TIME_EXAMPLE, published: null, scheduled: null, last_saved_by_user: '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', last_saved_by_key: null },
        ],
      },
    ),
    ...errors(400, 401, 403, 404),
  },
});

export const getPageRevisionDoc = describe({
  operationId: 'getPageRevision',
  summary: 'One revision of a page, with its fields',
  description: 'The title, status and fields a revision saved (for a field-level diff against the working copy before a rollback).',
  tags: ['Write API'],
  security: SECURITY.keyOrSession,
  parameters: [PAGE_TYPE, SLUG, pathParam('version', 'The revision\'s version.', { type: 'integer', minimum: 1 }, 1), LOCALE],
  responses: {
    200: jsonOk(
      'The revision.',
      revisionSchema('name'),
      { data: { version: 1, name: 'About', status: 'draft', fields: { headline: 'About us' }, created: TIME_EXAMPLE, created_by_key: null, created_by_user: '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b' } },
    ),
    ...errors(400, 401, 403, 404),
  },
});

function intQuery(c: Context<OriginEnv>, name: string, dflt: number, max: number): number {
  const v = c.req.query(name);
  if (v === undefined) return dflt;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1 || Number(v) > max) throw new ApiError('bad_request', `${name} must be an integer from 1 to ${max}.`);
  return Number(v);
}

function listFilter(c: Context<OriginEnv>, spaceId: string): SQL | undefined {
  const q = c.req.query();
  const where: (SQL | undefined)[] = [eq(pages.spaceId, spaceId)];
  if (q.page_type !== undefined) {
    if (!TYPE_RE.test(q.page_type)) throw new ApiError('bad_request', 'page_type must be a page type slug or *.');
    where.push(eq(pages.pageType, q.page_type));
  }
  const status = q.status;
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) throw new ApiError('bad_request', `status must be one of ${STATUSES.join(', ')}.`);
  if (status === 'deleted') where.push(isNotNull(pages.deletedAt));
  else {
    where.push(isNull(pages.deletedAt));
    if (status) where.push(eq(pages.status, status as 'draft' | 'published' | 'scheduled'));
  }
  if (q.locale !== undefined) {
    if (!isLocale(q.locale)) throw new ApiError('bad_request', 'Invalid locale.');
    where.push(eq(pages.locale, q.locale));
  }
  if (q.author !== undefined) {
    if (!UUID_RE.test(q.author)) throw new ApiError('bad_request', 'author must be a member id (a UUID).');
    where.push(sql`exists (select 1 from ${pageRevisions} r where r.page_id = ${pages.id} and r.version = ${pages.version} and r.created_by_user = ${q.author})`);
  }
  if (q.query !== undefined) {
    const text = q.query.trim();
    if (text.length === 0 || text.length > 200 || [...text].some((ch) => ch.charCodeAt(0) < 0x20)) throw new ApiError('bad_request', 'query must be 1–200 characters.');
    const like = `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(or(ilike(pages.name, like), ilike(pages.slug, like)));
  }
  return and(...where);
}

/** Adds the two management reads to the page write routes' app (mounted by origin/app.ts with them). */
export function addPageManagementReads(app: Hono<OriginEnv>, ctx: AppContext, auth: MiddlewareHandler<OriginEnv>): void {
  const db = () => ctx.database.db;

  app.get('/v2/manage/spaces/:spaceId/pages', listManagedPagesDoc, auth, async (c) => {
    const { spaceId } = await authorizeSpace(db(), c, c.req.param('spaceId'), 'content.preview');
    const page = intQuery(c, 'page', 1, 10_000_000);
    const pageSize = intQuery(c, 'page_size', 20, MAX_PAGE_SIZE);
    const where = listFilter(c, spaceId);
    const lastRevision = db()
      .select({ pageId: pageRevisions.pageId, byUser: pageRevisions.createdByUser, byKey: pageRevisions.createdByKey, version: pageRevisions.version })
      .from(pageRevisions)
      .as('last_revision');
    const [rows, [total]] = await Promise.all([
      db()
        .select({ page: pages, byUser: lastRevision.byUser, byKey: lastRevision.byKey })
        .from(pages)
        .leftJoin(lastRevision, and(eq(lastRevision.pageId, pages.id), eq(lastRevision.version, pages.version)))
        .where(where)
        .orderBy(desc(pages.updatedAt), desc(pages.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db().select({ n: count() }).from(pages).where(where),
    ]);
    const n = total?.n ?? 0;
    c.header('cache-control', 'no-store');
    return c.json({
      meta: { count: n, next_page: page * pageSize < n ? page + 1 : null, previous_page: page > 1 ? page - 1 : null },
      data: rows.map(({ page: p, byUser, byKey }) => ({
        slug: p.slug,
        name: p.name,
        page_type: p.pageType === '*' ? null : p.pageType,
        locale: p.locale,
        status: p.deletedAt ? ('deleted' as const) : p.status,
        version: p.version,
        updated: p.updatedAt.toISOString(),
        published: p.publishedAt?.toISOString() ?? null,
        scheduled: p.scheduledAt?.toISOString() ?? null,
        last_saved_by_user: byUser ?? null,
        last_saved_by_key: byKey ?? null,
      })),
    });
  });

  app.get('/v2/manage/pages/:pageType/:slug/revisions/:version', getPageRevisionDoc, auth, async (c) => {
    const { spaceId } = await authorizeContent(db(), c, 'content.preview');
    const { pageType, slug, version } = c.req.param() as { pageType: string; slug: string; version: string };
    if (!TYPE_RE.test(pageType) || !SLUG_RE.test(slug) || !/^[1-9]\d{0,8}$/.test(version)) throw new ApiError('not_found', 'Revision not found.');
    const locale = c.req.query('locale') ?? null;
    if (locale !== null && !isLocale(locale)) throw new ApiError('bad_request', 'Invalid locale.');
    const found = await getPageForManagement(db(), { spaceId, pageType, slug, locale });
    if (!found) throw new ApiError('not_found', 'Page not found.');
    const r = await revisionDetail(db(), 'page', found.id, Number(version));
    if (!r) throw new ApiError('not_found', `Revision ${version} not found.`);
    c.header('cache-control', 'no-store');
    return c.json({ data: r });
  });
}
