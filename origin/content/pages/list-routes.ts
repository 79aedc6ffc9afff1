/**
 * ButterCMS v2 page lists and search (read, preview and write keys of a space):
 *   GET /v2/pages/search/?query=…&page_type=&locale=&page=&page_size=&levels=
 *   GET /v2/pages/{type}/?page=&page_size= | limit=&offset=, order=, fields.<name>=, locale=, levels=, preview=1
 * Published content only, unless `preview=1` with a preview (or write) key.
 * `/v2/pages/{type}/{slug}/` belongs to origin/content/pages/read-route.ts.
 */
import { Hono, type Context } from 'hono';
import { ApiError } from '../../../shared/errors.js';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { AppContext } from '../../context.js';
import { scalarField, type FieldSchema } from '../model/schema.js';
import type { OriginEnv } from '../../env.js';
import { contentReader } from '../../http/content-read.js';
import { apiKeyAuth } from '../../http/api-key-auth.js';
import { listPages, searchPages, type FilterValue, type ListResult, type Order, type Paging } from './lists.js';
import { findPageTypeSchema, spaceLocales } from '../model/page-types.js';
import { CONTENT_BROWSER_CACHE_CONTROL, CONTENT_SURROGATE_CONTROL } from './read-route.js';
import type { Db } from '../../db/client.js';
import { contentRead } from '../read-db.js';
import { listPagesDoc } from './docs.js';

const PAGE_TYPE_RE = /^[a-z0-9][a-z0-9_-]{0,99}$/;
const UINT_RE = /^\d{1,9}$/;
const isNumeric = (v: string) => /^-?\d{1,15}$/.test(v) || /^-?\d{1,15}\.\d{1,15}$/.test(v);
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_LEVELS = 2;
const MAX_QUERY_LENGTH = 200;
/** Surrogate-Key headers stay below what Fastly accepts (16 KB); beyond, the list is tagged by type only. */
const MAX_KEYS_HEADER = 15_000;

function uint(c: Context<OriginEnv>, name: string, min: number, max: number): number | null {
  const v = c.req.query(name);
  if (v === undefined) return null;
  if (!UINT_RE.test(v) || Number(v) < min || Number(v) > max) throw new ApiError('bad_request', `${name} must be an integer from ${min} to ${max}.`);
  return Number(v);
}

function paging(c: Context<OriginEnv>): Paging {
  const limit = uint(c, 'limit', 1, MAX_PAGE_SIZE);
  const offset = uint(c, 'offset', 0, 100_000_000);
  if (limit !== null || offset !== null) {
    if (c.req.query('page') !== undefined || c.req.query('page_size') !== undefined) throw new ApiError('bad_request', 'Use either page and page_size or limit and offset.');
    return { kind: 'offset', limit: limit ?? DEFAULT_PAGE_SIZE, offset: offset ?? 0 };
  }
  return { kind: 'page', page: uint(c, 'page', 1, 10_000_000) ?? 1, pageSize: uint(c, 'page_size', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE };
}

function levels(c: Context<OriginEnv>): number {
  const v = c.req.query('levels');
  if (v === undefined) return DEFAULT_LEVELS;
  if (!/^[1-5]$/.test(v)) throw new ApiError('bad_request', 'levels must be an integer from 1 to 5.');
  return Number(v);
}

interface Reader {
  spaceId: string;
  preview: boolean;
}

const reader = (c: Context<OriginEnv>): Reader => contentReader(c);

async function locale(c: Context<OriginEnv>, db: Db, spaceId: string): Promise<string> {
  const known = await spaceLocales(db, spaceId);
  if (!known) throw new ApiError('forbidden', 'The key’s space no longer exists.');
  const given = c.req.query('locale');
  if (given === undefined) return known.defaultLocale;
  if (!known.codes.has(given)) throw new ApiError('bad_request', 'Invalid locale: not a locale of this space.');
  return given;
}

function order(c: Context<OriginEnv>, schema: FieldSchema): { order: Order; descending: boolean } {
  const v = c.req.query('order');
  if (v === undefined) return { order: { by: 'published' }, descending: true };
  const descending = v.startsWith('-');
  const name = descending ? v.slice(1) : v;
  if (name === 'published' || name === 'updated') return { order: { by: name }, descending };
  if (!scalarField(schema, name)) throw new ApiError('bad_request', 'order must be published, updated or a text, number, date or boolean field of the page type, optionally prefixed with -.');
  return { order: { by: 'field', field: name }, descending };
}

function filters(c: Context<OriginEnv>, schema: FieldSchema): { name: string; value: FilterValue }[] {
  const out: { name: string; value: FilterValue }[] = [];
  for (const [key, value] of new URL(c.req.url).searchParams) {
    if (!key.startsWith('fields.')) continue;
    const name = key.slice('fields.'.length);
    const def = scalarField(schema, name);
    if (!def) throw new ApiError('bad_request', `Cannot filter by "${name.slice(0, 64)}": not a text, number, date or boolean field of the page type.`);
    if (out.length >= 10) throw new ApiError('bad_request', 'At most 10 field filters.');
    if (def.type === 'number') {
      if (!isNumeric(value)) throw new ApiError('bad_request', `fields.${name} must be a number.`);
      out.push({ name, value: Number(value) });
    } else if (def.type === 'boolean') {
      if (value !== 'true' && value !== 'false') throw new ApiError('bad_request', `fields.${name} must be true or false.`);
      out.push({ name, value: value === 'true' });
    } else {
      if (value.length > 1000) throw new ApiError('bad_request', `fields.${name} is too long.`);
      out.push({ name, value });
    }
  }
  return out;
}

function tag(c: Context<OriginEnv>, base: string[], result: ListResult): void {
  const keys = [...new Set([...base, ...result.keys])];
  let header = keys.join(' ');
  if (header.length > MAX_KEYS_HEADER) header = base.join(' ');
  c.header('surrogate-key', header);
  c.header('surrogate-control', CONTENT_SURROGATE_CONTROL);
  c.header('cache-control', CONTENT_BROWSER_CACHE_CONTROL);
}

function meta(p: Paging, count: number): Record<string, number | null> {
  if (p.kind === 'offset') {
    return { count, next_offset: p.offset + p.limit < count ? p.offset + p.limit : null, previous_offset: p.offset > 0 ? Math.max(0, p.offset - p.limit) : null };
  }
  const last = Math.max(1, Math.ceil(count / p.pageSize));
  return { count, next_page: p.page * p.pageSize < count ? p.page + 1 : null, previous_page: p.page > 1 ? Math.min(p.page - 1, last) : null };
}

export function pageListRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const auth = apiKeyAuth(ctx);

  const search = async (c: Context<OriginEnv>) => {
    const { spaceId, preview } = reader(c);
    const query = c.req.query('query') ?? '';
    if (query.trim().length === 0 || query.length > MAX_QUERY_LENGTH) throw new ApiError('bad_request', `query must be 1 to ${MAX_QUERY_LENGTH} characters.`);
    const pageType = c.req.query('page_type') ?? null;
    if (pageType !== null && pageType !== '*' && !PAGE_TYPE_RE.test(pageType)) throw new ApiError('bad_request', 'Invalid page type.');
    const p = paging(c);
    const lv = levels(c);
    // Published: on a fresh replica when there are any (origin/content/read-db.ts).
    const result = await contentRead(ctx, { spaceId, preview }, async (db) => searchPages(db, { spaceId, query, pageType, locale: await locale(c, db, spaceId), preview, paging: p, levels: lv }));
    // Any page change in the space purges pages:<space>:* (see purgeKeysFor in page-writes).
    tag(c, [surrogateKeys.space(spaceId), surrogateKeys.pageList(spaceId, '*')], result);
    return c.json({ meta: meta(p, result.count), data: result.data });
  };

  const list = async (c: Context<OriginEnv>) => {
    const { spaceId, preview } = reader(c);
    const pageType = c.req.param('pageType') ?? '';
    if (pageType === '*') throw new ApiError('bad_request', 'Single pages (*) cannot be listed; name a page type.');
    if (!PAGE_TYPE_RE.test(pageType)) throw new ApiError('bad_request', 'Invalid page type.');
    const base = [surrogateKeys.space(spaceId), surrogateKeys.pageList(spaceId, pageType)];
    // Published: on a fresh replica when there are any (origin/content/read-db.ts).
    const result = await contentRead(ctx, { spaceId, preview }, async (db) => {
      const schema = await findPageTypeSchema(db, spaceId, pageType);
      if (!schema) throw new ApiError('not_found', 'Page type not found.', { 'surrogate-key': base.join(' ') });
      const p = paging(c);
      const lv = levels(c);
      const o = order(c, schema);
      const f = filters(c, schema);
      const loc = await locale(c, db, spaceId);
      return { p, list: await listPages(db, { spaceId, pageType, locale: loc, preview, paging: p, ...o, filters: f, levels: lv }) };
    });
    const { p, list: listed } = result;
    tag(c, base, listed);
    return c.json({ meta: meta(p, listed.count), data: listed.data });
  };

  // One route for both (`search` is not a listable type): a static path beside a parameter at
  // the same position would keep Hono's RegExpRouter from serving the whole app.
  app.get('/v2/pages/:pageType', listPagesDoc, auth, (c) => (c.req.param('pageType') === 'search' ? search(c) : list(c)));

  return app;
}
