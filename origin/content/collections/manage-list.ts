/**
 * Management reads of collection items for editors (the web app's items list and revision diff;
 * issue 20), as pages have them (origin/content/pages/manage-list.ts):
 *   GET /v2/manage/spaces/{space}/collections/{key}/items/?status=&locale=&author=&query=&page=&page_size=
 *       every item of the collection — drafts, published, scheduled, or (status=deleted) deleted
 *       ones — one row per locale, newest change first, with its label and who saved it last.
 *       The Content API's reads (GET /v2/content/{key}/) are published content for API keys;
 *       this is the working copies for members (and write/preview keys).
 *   GET /v2/manage/content/{key}/{id}/revisions/{version}/?locale=
 *       one revision with its fields (the history lists versions only), for a field-level diff.
 * Both need content.preview in the space, like the other management reads.
 */
import { and, count, desc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import { collectionItemRevisions, collectionItems } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { authorizeContent, authorizeSpace } from '../../http/authorize.js';
import { describe, errors, jsonOk, pathParam, queryParam, SECURITY, timestamp } from '../../http/openapi.js';
import { LOCALE, revisionSchema, TIME_EXAMPLE } from '../openapi.js';
import { revisionDetail } from '../revisions.js';
import { getCollection } from './definitions.js';
import { getItemForManagement } from './read.js';

const KEY_RE = /^[a-z0-9][a-z0-9_-]{0,99}$/;
const ID_RE = /^[1-9]\d{0,14}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isLocale = (v: string) => /^[a-z]{2,3}$/.test(v) || /^[a-z]{2,3}-[A-Za-z0-9]{2,8}$/.test(v);
export const ITEM_STATUSES = ['draft', 'published', 'scheduled', 'deleted'] as const;
const MAX_PAGE = 10_000_000;
const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

const KEY = pathParam('key', 'The collection key.', { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,99}$' }, 'faq');
const ITEM_ID = pathParam('id', 'The item id (`meta.id`).', { type: 'integer', minimum: 1 }, 1);
const VERSION = pathParam('version', 'The revision\'s version.', { type: 'integer', minimum: 1 }, 1);
export const MANAGE_PAGE_SIZE = queryParam('page_size', `Results per page, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`, { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE }, DEFAULT_PAGE_SIZE);
export const MANAGE_PAGE = queryParam('page', `Page number, 1–${MAX_PAGE} (default 1).`, { type: 'integer', minimum: 1, maximum: MAX_PAGE }, 1);

const entrySchema = z.strictObject({
  meta: z.strictObject({ id: z.number().int() }),
  label: z.string().meta({ description: 'The item\'s label: its first non-empty text field, as its last save recorded it.' }),
  locale: z.string(),
  status: z.enum(ITEM_STATUSES),
  version: z.number().int(),
  updated: timestamp(),
  published: timestamp().nullable(),
  scheduled: timestamp().nullable(),
  last_saved_by_user: z.string().nullable(),
  last_saved_by_key: z.string().nullable(),
});
const listMeta = z.strictObject({ count: z.number().int(), next_page: z.number().int().nullable(), previous_page: z.number().int().nullable() });
const MEMBER_EXAMPLE = '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b';

export const listManagedItemsDoc = describe({
  operationId: 'listManagedItems',
  summary: 'List a collection\'s items for editing',
  description:
    'Every item of the collection as editors see it — drafts, scheduled, published (or deleted ones with `status=deleted`), one entry per locale — newest change first, with its label and who saved it last. Filters: `status`, `locale`, `author` (a member\'s id: items whose last save was theirs), `query` (text in any of the item\'s text values). The Content API\'s read (GET /v2/content/{key}) serves published content to API keys; this is the working copies.',
  tags: ['Write API'],
  security: SECURITY.keyOrSession,
  parameters: [
    pathParam('spaceId', 'The space.', { type: 'string', format: 'uuid' }),
    KEY,
    queryParam('status', 'Only items in this state.', { type: 'string', enum: [...ITEM_STATUSES] }),
    { ...LOCALE, description: 'Only this locale (default: all locales).' },
    queryParam('author', 'Only items last saved by this member.', { type: 'string', format: 'uuid' }),
    queryParam('query', 'Text in any of the item\'s text values, 1–200 characters.', { type: 'string', minLength: 1, maxLength: 200 }),
    MANAGE_PAGE,
    MANAGE_PAGE_SIZE,
  ],
  responses: {
    200: jsonOk('The items and paging metadata.', z.strictObject({ meta: listMeta, data: z.array(entrySchema) }), {
      meta: { count: 1, next_page: null, previous_page: null },
      data: [{ meta: { id: 1 }, label: 'How do I sign in?', locale: 'en', status: 'draft', version: 2, updated: TIME_EXAMPLE, published: null, scheduled: null, last_saved_by_user: MEMBER_EXAMPLE, last_saved_by_key: null }],
    }),
    ...errors(400, 401, 403, 404),
  },
});

export const getItemRevisionDoc = describe({
  operationId: 'getItemRevision',
  summary: 'One revision of a collection item, with its fields',
  description: 'The label, status and fields a revision saved (for a field-level diff against the working copy before a rollback). `locale` names the item\'s locale (default: the space\'s default locale).',
  tags: ['Write API'],
  security: SECURITY.keyOrSession,
  parameters: [KEY, ITEM_ID, VERSION, LOCALE],
  responses: {
    200: jsonOk(
      'The revision.',
      revisionSchema('label'),
      { data: { version: 1, label: 'How do I sign in?', status: 'draft', fields: { question: 'How do I sign in?' }, created: TIME_EXAMPLE, created_by_key: null, created_by_user: MEMBER_EXAMPLE } },
    ),
    ...errors(400, 401, 403, 404),
  },
});

/** An integer query parameter from 1 to `max` (default `dflt`); anything else is refused, not clamped. */
export function boundedInt(c: Context<OriginEnv>, name: string, dflt: number, max: number): number {
  const v = c.req.query(name);
  if (v === undefined) return dflt;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1 || Number(v) > max) throw new ApiError('bad_request', `${name} must be an integer from 1 to ${max}.`);
  return Number(v);
}

/** `author`: a member's id, or undefined. */
export function authorParam(c: Context<OriginEnv>): string | undefined {
  const v = c.req.query('author');
  if (v === undefined) return undefined;
  if (!UUID_RE.test(v)) throw new ApiError('bad_request', 'author must be a member id (a UUID).');
  return v.toLowerCase();
}

/** `query`: 1–200 characters without control characters, as an escaped ILIKE pattern; or undefined. */
export function likeParam(c: Context<OriginEnv>): string | undefined {
  const v = c.req.query('query');
  if (v === undefined) return undefined;
  const text = v.trim();
  if (text.length === 0 || text.length > 200 || [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) throw new ApiError('bad_request', 'query must be 1–200 characters.');
  return `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** `status`: one of `statuses`, or undefined. */
export function statusParam<S extends string>(c: Context<OriginEnv>, statuses: readonly S[]): S | undefined {
  const v = c.req.query('status');
  if (v === undefined) return undefined;
  if (!(statuses as readonly string[]).includes(v)) throw new ApiError('bad_request', `status must be one of ${statuses.join(', ')}.`);
  return v as S;
}

export function pagingMeta(n: number, page: number, pageSize: number) {
  return { count: n, next_page: page * pageSize < n ? page + 1 : null, previous_page: page > 1 ? page - 1 : null };
}

function itemFilter(c: Context<OriginEnv>, collectionId: string): SQL | undefined {
  const where: (SQL | undefined)[] = [eq(collectionItems.collectionId, collectionId)];
  const status = statusParam(c, ITEM_STATUSES);
  if (status === 'deleted') where.push(isNotNull(collectionItems.deletedAt));
  else {
    where.push(isNull(collectionItems.deletedAt));
    if (status) where.push(eq(collectionItems.status, status));
  }
  const locale = c.req.query('locale');
  if (locale !== undefined) {
    if (!isLocale(locale)) throw new ApiError('bad_request', 'Invalid locale.');
    where.push(eq(collectionItems.locale, locale));
  }
  const author = authorParam(c);
  if (author !== undefined) {
    where.push(
      sql`exists (select 1 from ${collectionItemRevisions} r where r.collection_item_id = ${collectionItems.id} and r.version = ${collectionItems.version} and r.created_by_user = ${author})`,
    );
  }
  const like = likeParam(c);
  if (like !== undefined) {
    // Any string anywhere in the working copy (text, rich text, repeaters' and components' texts).
    where.push(sql`exists (select 1 from jsonb_path_query(${collectionItems.fields}, 'strict $.** ? (@.type() == "string")') s(v) where (s.v #>> '{}') ilike ${like})`);
  }
  return and(...where);
}

/** Adds the two management reads to the collection routes' app. */
export function addItemManagementReads(app: Hono<OriginEnv>, ctx: AppContext, auth: MiddlewareHandler<OriginEnv>): void {
  const db = () => ctx.database.db;

  app.get('/v2/manage/spaces/:spaceId/collections/:key/items', listManagedItemsDoc, auth, async (c) => {
    const { spaceId } = await authorizeSpace(db(), c, c.req.param('spaceId'), 'content.preview');
    const page = boundedInt(c, 'page', 1, MAX_PAGE);
    const pageSize = boundedInt(c, 'page_size', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const k = c.req.param('key');
    const col = KEY_RE.test(k) ? await getCollection(db(), spaceId, k) : null;
    if (!col) throw new ApiError('not_found', 'Collection not found.');
    const where = itemFilter(c, col.id);
    const last = db()
      .select({ itemRowId: collectionItemRevisions.collectionItemId, version: collectionItemRevisions.version, label: collectionItemRevisions.label, byUser: collectionItemRevisions.createdByUser, byKey: collectionItemRevisions.createdByKey })
      .from(collectionItemRevisions)
      .as('last_revision');
    const [rows, [total]] = await Promise.all([
      db()
        .select({ item: collectionItems, label: last.label, byUser: last.byUser, byKey: last.byKey })
        .from(collectionItems)
        .leftJoin(last, and(eq(last.itemRowId, collectionItems.id), eq(last.version, collectionItems.version)))
        .where(where)
        .orderBy(desc(collectionItems.updatedAt), desc(collectionItems.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db().select({ n: count() }).from(collectionItems).where(where),
    ]);
    c.header('cache-control', 'no-store');
    return c.json({
      meta: pagingMeta(total?.n ?? 0, page, pageSize),
      data: rows.map(({ item, label, byUser, byKey }) => ({
        meta: { id: item.itemId },
        label: label ?? '',
        locale: item.locale,
        status: item.deletedAt ? ('deleted' as const) : item.status === 'published' || item.status === 'scheduled' ? item.status : ('draft' as const),
        version: item.version,
        updated: item.updatedAt.toISOString(),
        published: item.publishedAt?.toISOString() ?? null,
        scheduled: item.scheduledAt?.toISOString() ?? null,
        last_saved_by_user: byUser ?? null,
        last_saved_by_key: byKey ?? null,
      })),
    });
  });

  app.get('/v2/manage/content/:key/:id/revisions/:version', getItemRevisionDoc, auth, async (c) => {
    const { spaceId } = await authorizeContent(db(), c, 'content.preview');
    const { key: k, id, version } = c.req.param() as { key: string; id: string; version: string };
    if (!KEY_RE.test(k) || !ID_RE.test(id) || !/^[1-9]\d{0,8}$/.test(version)) throw new ApiError('not_found', 'Revision not found.');
    const locale = c.req.query('locale') ?? null;
    if (locale !== null && !isLocale(locale)) throw new ApiError('bad_request', 'Invalid locale.');
    const found = await getItemForManagement(db(), { spaceId, key: k, itemId: Number(id), locale });
    if (!found) throw new ApiError('not_found', 'Item not found.');
    const r = await revisionDetail(db(), 'item', found.item.id, Number(version));
    if (!r) throw new ApiError('not_found', `Revision ${version} not found.`);
    c.header('cache-control', 'no-store');
    return c.json({ data: r });
  });
}
