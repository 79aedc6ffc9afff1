/**
 * Collections, ButterCMS-compatible:
 *   GET    /v2/content/{key}/            items (read key; `preview=1` needs a preview or write key)
 *                                        → { meta: { count, next_page, previous_page }, data: { <key>: [ { meta: { id }, …fields } ] } }
 *   GET    /v2/content/?keys=a,b         legacy multi-collection read → { data: { a: […], b: […] } } (no meta, every item);
 *                                        with one key it is the read above. `/v2/content/a,b/` (the JS SDK's array form) likewise.
 *   GET    /v2/content/{key}/{id}/       one item → { data: { <key>: [ item ] } }
 *   POST   /v2/content/                  { key, status?, fields: [ {…} | { <locale>: {…} } ] } (write key) → 202 {"status":"pending"}
 *   PATCH  /v2/content/{key}/{id}/       { status?, fields? } merge; PUT replaces every field → 202
 *   DELETE /v2/content/{key}/{id}/       soft delete → 204
 *   GET    /v2/manage/content/{key}/{id}/  working copy + version, `ETag: "v<n>"` (write key)
 *   GET    /v2/manage/content/{key}/{id}/revisions/  revision history, newest first (write key)
 *   POST   /v2/manage/content/{key}/{id}/rollback/   { version, status? } a new save with that revision's fields → 202
 *   POST   /v2/manage/content/{key}/{id}/restore/    undo a delete → 202
 *   GET    /v2/manage/spaces/{space}/collections/{key}/items/, /v2/manage/content/{key}/{id}/revisions/{v}/  (manage-list.ts)
 * Writes may schedule publication: `{ "status": "scheduled", "scheduled": "<future ISO time>" }`
 * (unpublished until origin/content/scheduler.ts publishes it). `If-Match: "v<n>"` makes updates,
 * deletes and rollbacks conditional (412 when the item moved on).
 * Management (admin key of the space's organization; other organizations get 404):
 *   POST /v2/manage/spaces/{space}/collections/  { key, name, fields: [ { name, type, collection?, many? } ] } → 201
 *   GET  /v2/manage/spaces/{space}/collections/[{key}/]
 *   PUT  /v2/manage/spaces/{space}/collections/{key}/  { name?, fields? } — refused (400) when an item would no longer validate
 * Writes answer only after the change, its purge and its webhook deliveries committed.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import { readJsonBody } from '../../http/body.js';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { contentRead } from '../read-db.js';
import type { OriginEnv } from '../../env.js';
import { contentReader } from '../../http/content-read.js';
import { authenticate } from '../../http/request-auth.js';
import type { Action } from '../../../shared/permissions.js';
import { authorizeContent, authorizeSpace, mayPublish, requirePublishRight } from '../../http/authorize.js';
import { createCollection, getCollection, listCollections, updateCollection } from './definitions.js';
import { collectionKey, FIELD_TYPES, itemKey, MAX_FIELDS, type CollectionRow } from './fields.js';
import { resolveLocale } from './locales.js';
import { filterProblem, getItem, getItemForManagement, listItems, orderProblem } from './read.js';
import { rollbackItem } from './revisions.js';
import { revisionHistory } from '../revisions.js';
import { deleteItem, restoreItem } from './lifecycle.js';
import { createItems, updateItem, updateItemInLocales } from './write.js';
import { localeMapOf } from '../locale-map.js';
import { CONTENT_BROWSER_CACHE_CONTROL, CONTENT_SURROGATE_CONTROL } from '../pages/read-route.js';
import { ownedSpace } from '../../http/tenant.js';
import { expectedVersion, rollbackBody, schedulable, scheduledAt, scheduleProblems, versionTag, writeActor } from '../../http/revisions.js';
import { unwrap } from '../../http/result.js';
import * as docs from './docs.js';
import { addItemManagementReads } from './manage-list.js';

export const WRITE_BODY_LIMIT = 1024 * 1024;
const MAX_ITEMS_PER_CREATE = 100;
const MAX_LEGACY_KEYS = 10;
const LEGACY_ITEM_LIMIT = 500;
const MAX_FILTERS = 10;

const KEY_RE = /^[a-z0-9][a-z0-9_-]{0,99}$/;
const FIELD_NAME_RE = /^[a-z][a-z0-9_]{0,99}$/;
const ID_RE = /^[1-9]\d{0,14}$/;
const isLocale = (v: string) => /^[a-z]{2,3}$/.test(v) || /^[a-z]{2,3}-[A-Za-z0-9]{2,8}$/.test(v);

const key = z.string().regex(KEY_RE, { message: 'must be 1–100 lowercase letters, digits, - or _' });
const fieldValues = z.record(z.string().min(1).max(200), z.unknown());
const fieldDef = z
  .object({
    name: z
      .string()
      .regex(FIELD_NAME_RE, { message: 'must be 1–100 lowercase letters, digits or _, starting with a letter' })
      .refine((n) => n !== 'meta', { message: 'is reserved' }),
    type: z.enum(FIELD_TYPES, { message: `must be one of ${FIELD_TYPES.join(', ')}` }),
    collection: key.optional(),
    many: z.boolean().optional(),
  })
  .strict();
const fieldDefs = z.array(fieldDef).max(MAX_FIELDS);

const createCollectionBody = z.object({ key, name: z.string().min(1).max(200), fields: fieldDefs }).strict();
const updateCollectionBody = z
  .object({ name: z.string().min(1).max(200).optional(), fields: fieldDefs.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.fields !== undefined, { message: 'name or fields is required' });
const createItemBody = z
  .object({ key, status: schedulable.status.default('draft'), scheduled: schedulable.scheduled.optional(), fields: z.array(fieldValues).min(1).max(MAX_ITEMS_PER_CREATE) })
  .strict()
  .superRefine(scheduleProblems);
/** `fields` as an object, or (as ButterCMS's create body) an array of exactly one object. */
const updateItemBody = z
  .object({ status: schedulable.status.optional(), scheduled: schedulable.scheduled.optional(), fields: z.union([fieldValues, z.array(fieldValues).length(1)]).optional() })
  .strict()
  .superRefine(scheduleProblems);

function zodDetail(error: z.ZodError): string {
  const problems = error.issues.slice(0, 10).map((i) => {
    const where = i.path.length ? i.path.join('.') : 'body';
    return i.code === 'unrecognized_keys' ? `${where}: unknown field(s) ${i.keys.join(', ')}` : `${where}: ${i.message}`;
  });
  return `Invalid request: ${problems.join('; ')}.`;
}

async function parseBody<S extends z.ZodType>(c: Context<OriginEnv>, schema: S): Promise<z.infer<S>> {
  const raw = await readJsonBody(c);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError('bad_request', zodDetail(parsed.error));
  return parsed.data;
}

/** Collections word their validation refusals 'Invalid request: …' (as ButterCMS does). */
const INVALID = 'Invalid request: ';

/** The reader's space and preview mode (`preview=1`, or ButterCMS's `test=1`: shared/content-request.ts reads both). */
const reader = (c: Context<OriginEnv>): { spaceId: string; preview: boolean } => contentReader(c);

function intParam(c: Context<OriginEnv>, name: string, min: number, max: number, fallback: number): number {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ApiError('bad_request', `${name} must be an integer from ${min} to ${max}.`);
  return Number(raw);
}

async function readOptions(c: Context<OriginEnv>, db: Db, spaceId: string) {
  const raw = c.req.query('locale') ?? null;
  if (raw !== null && !isLocale(raw)) throw new ApiError('bad_request', 'Invalid locale.');
  const locale = await resolveLocale(db, spaceId, raw);
  if (locale === null) throw new ApiError('bad_request', 'Invalid locale: the space does not publish in it.');
  return { locale, localeGiven: raw !== null, levels: intParam(c, 'levels', 1, 5, 2) };
}

function cacheHeaders(c: Context<OriginEnv>, spaceId: string, keys: string[], uuids: string[]): void {
  c.header('surrogate-key', [...new Set([`space:${spaceId}`, ...keys.map((k) => collectionKey(spaceId, k)), ...uuids.map(itemKey)])].join(' '));
  c.header('surrogate-control', CONTENT_SURROGATE_CONTROL);
  c.header('cache-control', CONTENT_BROWSER_CACHE_CONTROL);
}

function notFound(spaceId: string, keys: string[], detail = 'Collection not found.'): ApiError {
  // Tagged, so the edge's short negative cache is purged when the collection or item appears.
  return new ApiError('not_found', detail, { 'surrogate-key': [`space:${spaceId}`, ...keys.filter((k) => KEY_RE.test(k)).map((k) => collectionKey(spaceId, k))].join(' ') });
}

function collectionJson(col: CollectionRow) {
  return { key: col.key, name: col.name, fields: col.fields, created: col.createdAt.toISOString(), updated: col.updatedAt.toISOString() };
}

export function collectionRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const auth = authenticate(ctx);
  const writer = (c: Context<OriginEnv>, action: Action) => authorizeContent(ctx.database.db, c, action);
  const db = ctx.database.db;
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError('payload_too_large', `Bodies are limited to ${maxSize} bytes.`, { connection: 'close' });
      },
    });

  // ------------------------------------------------------------------------------ management
  const base = '/v2/manage/spaces/:spaceId/collections';


  app.post(base, docs.createCollectionDoc(createCollectionBody), auth, limit(256 * 1024), async (c) => {
    const actor = await authorizeSpace(db, c, c.req.param('spaceId'), 'schema.manage');
    const body = await parseBody(c, createCollectionBody);
    const created = unwrap(await createCollection(db, actor.spaceId, body, writeActor(c, actor)), INVALID);
    return c.json({ data: collectionJson(created) }, 201);
  });

  app.get(base, docs.listCollectionsDoc, auth, async (c) => {
    const spaceId = await ownedSpace(db, c, 'collections', 'content.preview');
    c.header('cache-control', 'no-store');
    return c.json({ data: (await listCollections(db, spaceId)).map(collectionJson) });
  });

  app.get(`${base}/:key`, docs.getCollectionDoc, auth, async (c) => {
    const spaceId = await ownedSpace(db, c, 'collections', 'content.preview');
    const k = c.req.param('key');
    const col = KEY_RE.test(k) ? await getCollection(db, spaceId, k) : null;
    if (!col) throw new ApiError('not_found', 'Collection not found.');
    c.header('cache-control', 'no-store');
    return c.json({ data: collectionJson(col) });
  });

  app.put(`${base}/:key`, docs.updateCollectionDoc(updateCollectionBody), auth, limit(256 * 1024), async (c) => {
    const actor = await authorizeSpace(db, c, c.req.param('spaceId'), 'schema.manage');
    const k = c.req.param('key');
    if (!KEY_RE.test(k)) throw new ApiError('not_found', 'Collection not found.');
    const body = await parseBody(c, updateCollectionBody);
    const updated = unwrap(await updateCollection(db, actor.spaceId, k, body, writeActor(c, actor)), INVALID);
    return c.json({ data: collectionJson(updated) });
  });

  /** The item a management route names; 404 for malformed keys and ids. */
  const target = (c: Context<OriginEnv>) => {
    const { key: k, id } = c.req.param() as { key: string; id: string };
    if (!KEY_RE.test(k) || !ID_RE.test(id)) throw new ApiError('not_found', 'Item not found.');
    // One item keeps its id across locales: ?locale= names the version (default: the space's default locale's).
    const locale = c.req.query('locale') ?? null;
    if (locale !== null && !isLocale(locale)) throw new ApiError('bad_request', 'Invalid locale.');
    return { key: k, itemId: Number(id), locale };
  };

  app.get('/v2/manage/content/:key/:id', docs.getManagedItemDoc, auth, async (c) => {
    const { spaceId } = await writer(c, 'content.preview');
    const { key: k, itemId, locale } = target(c);
    const found = await getItemForManagement(db, { spaceId, key: k, itemId, locale });
    if (!found) throw new ApiError('not_found', 'Item not found.');
    const { item } = found;
    c.header('etag', versionTag(item.version));
    c.header('cache-control', 'no-store');
    return c.json({
      data: {
        meta: { id: item.itemId },
        key: k,
        locale: item.locale,
        status: item.status,
        scheduled: item.scheduledAt?.toISOString() ?? null,
        version: item.version,
        fields: item.fields,
        published: item.publishedAt?.toISOString() ?? null,
        updated: item.updatedAt.toISOString(),
      },
    });
  });

  /** The revision history, newest first: each revision with the key or member that saved it. */
  app.get('/v2/manage/content/:key/:id/revisions', docs.itemRevisionsDoc, auth, async (c) => {
    const { spaceId } = await writer(c, 'content.preview');
    const found = await getItemForManagement(db, { spaceId, ...target(c) });
    if (!found) throw new ApiError('not_found', 'Item not found.');
    c.header('cache-control', 'no-store');
    return c.json({ data: await revisionHistory(db, 'item', found.item.id) });
  });

  /** Rollback to any revision: a new save with exactly that revision's fields. */
  app.post('/v2/manage/content/:key/:id/rollback', docs.rollbackItemDoc(rollbackBody), auth, limit(1024), async (c) => {
    const actor = await writer(c, 'content.publish');
    const { spaceId, keyId, userId } = actor;
    const where = target(c);
    const body = await parseBody(c, rollbackBody);
    const saved = unwrap(
      await rollbackItem(db, { spaceId, keyId, userId, ...where, version: body.version, ...(body.status ? { status: body.status } : {}), mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }, expectedVersion(c)),
      INVALID,
    );
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  });

  addItemManagementReads(app, ctx, auth);

  /** Undo a delete. */
  app.post('/v2/manage/content/:key/:id/restore', docs.restoreItemDoc, auth, async (c) => {
    const actor = await writer(c, 'content.delete');
    const { spaceId, keyId, userId } = actor;
    const saved = unwrap(await restoreItem(db, { spaceId, keyId, userId, ...target(c), mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }), INVALID);
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  });

  // ------------------------------------------------------------------------------ reads
  async function readMany(c: Context<OriginEnv>, keys: string[]) {
    const { spaceId, preview } = reader(c);
    if (keys.length === 0) throw new ApiError('bad_request', 'keys is required, e.g. ?keys=artists,albums.');
    if (keys.length > MAX_LEGACY_KEYS) throw new ApiError('bad_request', `At most ${MAX_LEGACY_KEYS} keys.`);
    if (!keys.every((k) => KEY_RE.test(k))) throw new ApiError('bad_request', 'keys must be collection keys.');
    // Published: on a fresh replica when there are any (origin/content/read-db.ts).
    const { data, uuids } = await contentRead(ctx, { spaceId, preview }, async (rdb) => {
      const opts = await readOptions(c, rdb, spaceId);
      const data: Record<string, unknown[]> = {};
      const uuids: string[] = [];
      for (const k of [...new Set(keys)]) {
        const page = await listItems(rdb, { ...opts, spaceId, preview, key: k, page: null, pageSize: LEGACY_ITEM_LIMIT, order: null, filters: [] });
        if (!page) continue; // the legacy read leaves unknown keys out
        data[k] = page.items;
        uuids.push(...page.uuids);
      }
      return { data, uuids };
    });
    if (Object.keys(data).length === 0) throw notFound(spaceId, keys);
    cacheHeaders(c, spaceId, keys, uuids);
    return c.json({ data });
  }

  async function readOne(c: Context<OriginEnv>, k: string) {
    const { spaceId, preview } = reader(c);
    if (!KEY_RE.test(k)) throw new ApiError('not_found', 'Collection not found.');
    const page = intParam(c, 'page', 1, 100_000, 1);
    const pageSize = intParam(c, 'page_size', 1, 100, 10);
    const orderRaw = c.req.query('order');
    const order = orderRaw === undefined ? null : { field: orderRaw.replace(/^-/, ''), desc: orderRaw.startsWith('-') };
    const filters: { field: string; value: string }[] = [];
    for (const [name, value] of Object.entries(c.req.queries())) {
      if (!name.startsWith('fields.')) continue;
      for (const v of value) filters.push({ field: name.slice('fields.'.length), value: v });
    }
    if (filters.length > MAX_FILTERS) throw new ApiError('bad_request', `At most ${MAX_FILTERS} field filters.`);
    const result = await contentRead(ctx, { spaceId, preview }, async (rdb) => {
      const opts = await readOptions(c, rdb, spaceId);
      const col = await getCollection(rdb, spaceId, k);
      if (!col) throw notFound(spaceId, [k]);
      const problem = (order ? orderProblem(col, order.field) : null) ?? filters.map((f) => filterProblem(col, f.field)).find((p) => p !== null) ?? null;
      if (problem) throw new ApiError('bad_request', `Invalid request: ${problem}.`);
      return listItems(rdb, { ...opts, spaceId, preview, key: k, page, pageSize, order, filters });
    });
    if (!result) throw notFound(spaceId, [k]);
    cacheHeaders(c, spaceId, [k], result.uuids);
    return c.json({
      meta: { count: result.count, next_page: page * pageSize < result.count ? page + 1 : null, previous_page: page > 1 ? page - 1 : null },
      data: { [k]: result.items },
    });
  }

  app.get('/v2/content', docs.readCollectionsDoc, auth, async (c) => {
    const keys = (c.req.query('keys') ?? '').split(',').map((k) => k.trim()).filter(Boolean);
    if (keys.length === 1) return readOne(c, keys[0]!);
    return readMany(c, keys);
  });

  app.get('/v2/content/:key', docs.readCollectionDoc, auth, async (c) => {
    const k = c.req.param('key');
    if (k.includes(',')) return readMany(c, k.split(',').map((x) => x.trim()).filter(Boolean));
    return readOne(c, k);
  });

  app.get('/v2/content/:key/:id', docs.readItemDoc, auth, async (c) => {
    const { spaceId, preview } = reader(c);
    const { key: k, id } = c.req.param();
    if (!KEY_RE.test(k) || !ID_RE.test(id)) throw new ApiError('not_found', 'Item not found.');
    const found = await contentRead(ctx, { spaceId, preview }, async (rdb) => getItem(rdb, { ...(await readOptions(c, rdb, spaceId)), spaceId, preview, key: k, itemId: Number(id) }));
    if (!found) throw notFound(spaceId, [k], 'Item not found.');
    cacheHeaders(c, spaceId, [k], found.uuids);
    return c.json({ data: { [k]: found.items } });
  });

  // ------------------------------------------------------------------------------ writes
  app.post('/v2/content', docs.createItemsDoc(createItemBody), auth, limit(WRITE_BODY_LIMIT), async (c) => {
    const actor = await writer(c, 'content.write');
    const { spaceId, keyId, userId } = actor;
    const body = await parseBody(c, createItemBody);
    requirePublishRight(c, actor, body.status);
    const raw = c.req.query('locale') ?? null;
    if (raw !== null && !isLocale(raw)) throw new ApiError('bad_request', 'Invalid locale.');
    const locale = raw === null ? null : await resolveLocale(db, spaceId, raw);
    if (raw !== null && locale === null) throw new ApiError('bad_request', 'Invalid locale: the space does not publish in it.');
    unwrap(
      await createItems(db, { spaceId, keyId, userId, key: body.key, status: body.status, ...scheduledAt(body), locale, items: body.fields, mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }),
      INVALID,
    );
    return c.json({ status: 'pending' }, 202);
  });

  const update = (replace: boolean) => async (c: Context<OriginEnv>) => {
    const actor = await writer(c, 'content.write');
    const { spaceId, keyId, userId } = actor;
    const where = target(c);
    const body = await parseBody(c, updateItemBody);
    // Editing or unpublishing a published item, or touching a scheduled one, is refused by updateItem without content.publish.
    requirePublishRight(c, actor, body.status);
    const fields = Array.isArray(body.fields) ? body.fields[0] : body.fields;
    const byLocale = where.locale === null ? unwrap(await localeMapOf(db, spaceId, fields)) : null;
    if (byLocale) {
      if (expectedVersion(c) !== null) throw new ApiError('bad_request', 'If-Match names one version of one locale: send the locale\'s fields with ?locale= to make the write conditional.');
      unwrap(
        await updateItemInLocales(db, { spaceId, keyId, userId, key: where.key, itemId: where.itemId, replace, ...(body.status ? { status: body.status } : {}), ...scheduledAt(body), mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }, byLocale),
        INVALID,
      );
      return c.json({ status: 'pending' }, 202);
    }
    const saved = unwrap(
      await updateItem(
        db,
        { spaceId, keyId, userId, ...where, replace, ...(body.status ? { status: body.status } : {}), ...scheduledAt(body), ...(fields ? { fields } : {}), mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) },
        expectedVersion(c),
      ),
      INVALID,
    );
    c.header('etag', versionTag(saved.version));
    return c.json({ status: 'pending' }, 202);
  };
  app.patch('/v2/content/:key/:id', docs.updateItemDoc(updateItemBody, false), auth, limit(WRITE_BODY_LIMIT), update(false));
  app.put('/v2/content/:key/:id', docs.updateItemDoc(updateItemBody, true), auth, limit(WRITE_BODY_LIMIT), update(true));

  app.delete('/v2/content/:key/:id', docs.deleteItemDoc, auth, async (c) => {
    const actor = await writer(c, 'content.delete');
    const { spaceId, keyId, userId } = actor;
    unwrap(await deleteItem(db, { spaceId, keyId, userId, ...target(c), mayPublish: mayPublish(c, actor), actor: writeActor(c, actor) }, expectedVersion(c)), INVALID);
    return c.body(null, 204);
  });

  return app;
}
