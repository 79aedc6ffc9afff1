/**
 * The OpenAPI descriptions of the collection routes (issue 18; mechanism: origin/http/openapi.ts).
 * Each is a route's first handler; write bodies are the zod schemas the routes validate with,
 * handed in by the routes themselves.
 */
import { z } from 'zod';
import { CONTENT_READ_HEADERS, describe, errors, ifMatch, jsonBody, jsonOk, type Links, noContent, pathParam, pending, queryParam, SECURITY, timestamp } from '../../http/openapi.js';
import { LEVELS, LOCALE, listMetaSchema, PAGE, PAGE_SIZE, PREVIEW, revisionsExample, revisionsSchema, TIME_EXAMPLE } from '../openapi.js';
import { FIELD_TYPES } from './fields.js';

const READ = ['Content API'];
const WRITE = ['Write API'];
const MANAGE = ['Content model'];

const KEY = pathParam('key', 'The collection key.', { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,99}$' }, 'artists');
const ID = pathParam('id', 'The item id (the same in every locale).', { type: 'string', pattern: '^[1-9][0-9]{0,14}$' }, '12');
const SPACE = pathParam('spaceId', 'The space (of the caller\'s organization; any other answers 404).', { type: 'string', format: 'uuid' }, '7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d');
const ORDER = queryParam('order', 'Sort by a field; prefix `-` for descending.', { type: 'string' }, '-name');

/** An item as the Content API answers it: `meta.id` and its fields. */
const itemSchema = z.object({ meta: z.object({ id: z.number().int() }) }).catchall(z.unknown());
const ITEM_EXAMPLE = { meta: { id: 12 }, name: 'Nina Simone', genre: 'jazz' };
const itemsByKey = z.record(z.string(), z.array(itemSchema));

/** Where an item's write or management read leads: its working copy, an update, its revisions, its deletion. */
const ITEM_FROM_PATH = { key: '$request.path.key', id: '$request.path.id' };
function itemLinks(except: string[] = []): Links {
  const parameters = ITEM_FROM_PATH;
  const all: Links = {
    getManagedCollectionItem: { operationId: 'getManagedCollectionItem', description: 'The item\'s working copy and version.', parameters },
    updateCollectionItem: { operationId: 'updateCollectionItem', description: 'Update the item.', parameters },
    listCollectionItemRevisions: { operationId: 'listCollectionItemRevisions', description: 'The item\'s revisions.', parameters },
    deleteCollectionItem: { operationId: 'deleteCollectionItem', description: 'Delete the item.', parameters },
  };
  return Object.fromEntries(Object.entries(all).filter(([name]) => !except.includes(name)));
}

export const readCollectionsDoc = describe({
  operationId: 'readCollections',
  summary: 'Read collections (legacy multi-key form)',
  description: 'Every item of each collection named in `keys` (at most 10; unknown keys left out): `{ data: { <key>: [items] } }`. With one key it is the paged read of GET /v2/content/{key}.',
  tags: READ,
  security: SECURITY.contentKey,
  parameters: [queryParam('keys', 'Comma-separated collection keys.', { type: 'string' }, 'artists,albums'), LOCALE, PREVIEW, LEVELS, PAGE, PAGE_SIZE, ORDER],
  responses: {
    200: jsonOk('The items by collection key (with `meta` when one key is named).', z.strictObject({ meta: listMetaSchema.optional(), data: itemsByKey }), { data: { artists: [ITEM_EXAMPLE] } }, CONTENT_READ_HEADERS),
    ...errors(400, 401, 403, 404, 414),
  },
});

export const readCollectionDoc = describe({
  operationId: 'readCollection',
  summary: 'Read a collection\'s items',
  description: 'Items of one collection, paged (`fields.<name>=value` filters, at most 10; `order=`). `{key}` may also be comma-separated keys (the JS SDK\'s array form), answered as the legacy multi-key read.',
  tags: READ,
  security: SECURITY.contentKey,
  parameters: [KEY, LOCALE, PREVIEW, LEVELS, PAGE, PAGE_SIZE, ORDER],
  responses: {
    200: jsonOk('The items and paging metadata.', z.strictObject({ meta: listMetaSchema.optional(), data: itemsByKey }), { meta: { count: 1, next_page: null, previous_page: null }, data: { artists: [ITEM_EXAMPLE] } }, CONTENT_READ_HEADERS),
    ...errors(400, 401, 403, 404, 414),
  },
});

export const readItemDoc = describe({
  operationId: 'readCollectionItem',
  summary: 'Read one collection item',
  description: 'One item: `{ data: { <key>: [item] } }`.',
  tags: READ,
  security: SECURITY.contentKey,
  parameters: [KEY, ID, LOCALE, PREVIEW, LEVELS],
  responses: { 200: jsonOk('The item.', z.strictObject({ data: itemsByKey }), { data: { artists: [ITEM_EXAMPLE] } }, CONTENT_READ_HEADERS), ...errors(400, 401, 403, 404, 414) },
});

export const createItemsDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createCollectionItems',
    summary: 'Create collection items',
    description:
      'Creates 1–100 items in one collection (ButterCMS Write API). Each entry of `fields` is one item; without `?locale=` an entry may be keyed by locale to create every locale at once. `status` `scheduled` with a future `scheduled` time publishes later.',
    tags: WRITE,
    security: SECURITY.keyOrSession,
    parameters: [LOCALE],
    requestBody: jsonBody(body, { key: 'artists', status: 'published', fields: [{ name: 'Nina Simone', genre: 'jazz' }] }),
    responses: {
      202: pending('Created and committed.', [], { readCollection: { operationId: 'readCollection', description: 'The collection\'s items (drafts with `preview=1`).', parameters: { key: '$request.body#/key' } } }),
      ...errors(400, 401, 402, 403, 404, 413, 415),
    },
  });

export const updateItemDoc = (body: z.ZodType, replace: boolean) =>
  describe({
    operationId: replace ? 'replaceCollectionItem' : 'updateCollectionItem',
    summary: replace ? 'Replace a collection item\'s fields' : 'Update a collection item',
    description: replace
      ? 'PUT replaces every field (fields not sent are cleared). `If-Match: "v<n>"` (with `?locale=`) makes it conditional.'
      : 'PATCH merges the fields sent into the item. `If-Match: "v<n>"` (with `?locale=`) makes it conditional.',
    tags: WRITE,
    security: SECURITY.keyOrSession,
    parameters: [KEY, ID, LOCALE, ifMatch],
    requestBody: jsonBody(body, { status: 'published', fields: { genre: 'soul' } }),
    responses: { 202: pending('Updated and committed.', ['ETag'], itemLinks(['updateCollectionItem'])), ...errors(400, 401, 402, 403, 404, 409, 412, 413, 415) },
  });

export const deleteItemDoc = describe({
  operationId: 'deleteCollectionItem',
  summary: 'Delete a collection item',
  description: 'Soft-deletes the item (restorable). `If-Match` makes it conditional.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [KEY, ID, LOCALE, ifMatch],
  responses: {
    204: noContent('Deleted.', { restoreCollectionItem: { operationId: 'restoreCollectionItem', description: 'Undo the delete.', parameters: ITEM_FROM_PATH } }),
    ...errors(400, 401, 403, 404, 412),
  },
});

export const getManagedItemDoc = describe({
  operationId: 'getManagedCollectionItem',
  summary: 'Read a collection item for editing',
  description: 'The working copy with its version; `ETag: "v<n>"` is the value for If-Match.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [KEY, ID, LOCALE],
  responses: {
    200: jsonOk(
      'The working copy.',
      z.strictObject({
        data: z.strictObject({
          meta: z.strictObject({ id: z.number().int() }),
          key: z.string(),
          locale: z.string(),
          status: z.enum(['draft', 'published', 'scheduled']),
          scheduled: timestamp().nullable(),
          version: z.number().int(),
          fields: z.record(z.string(), z.unknown()),
          published: timestamp().nullable(),
          updated: timestamp(),
        }),
      }),
      { data: { meta: { id: 12 }, key: 'artists', locale: 'en', status: 'published', scheduled: null, version: 2, fields: { name: 'Nina Simone' }, published: TIME_EXAMPLE, updated: TIME_EXAMPLE } },
      ['ETag'],
      itemLinks(['getManagedCollectionItem']),
    ),
    ...errors(400, 401, 403, 404),
  },
});

export const itemRevisionsDoc = describe({
  operationId: 'listCollectionItemRevisions',
  summary: 'A collection item\'s revisions',
  description: 'Every saved revision, newest first, with the key or member that saved it.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [KEY, ID, LOCALE],
  responses: { 200: jsonOk('The revisions.', revisionsSchema('label'), revisionsExample('label', 'Nina Simone')), ...errors(400, 401, 403, 404) },
});

export const rollbackItemDoc = (body: z.ZodType) =>
  describe({
    operationId: 'rollbackCollectionItem',
    summary: 'Roll a collection item back to a revision',
    description: 'A new save with exactly that revision\'s fields (status as given, else the revision\'s). Needs the publish right.',
    tags: WRITE,
    security: SECURITY.keyOrSession,
    parameters: [KEY, ID, LOCALE, ifMatch],
    requestBody: jsonBody(body, { version: 1 }),
    responses: { 202: pending('Rolled back and committed.', ['ETag']), ...errors(400, 401, 402, 403, 404, 409, 412, 413, 415) },
  });

export const restoreItemDoc = describe({
  operationId: 'restoreCollectionItem',
  summary: 'Restore a deleted collection item',
  description: 'Undoes a delete.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [KEY, ID, LOCALE],
  responses: { 202: pending('Restored and committed.', ['ETag']), ...errors(400, 401, 402, 403, 404, 409) },
});

const collectionSchema = z.strictObject({
  key: z.string(),
  name: z.string(),
  fields: z.array(z.strictObject({ name: z.string(), type: z.enum(FIELD_TYPES), collection: z.string().optional(), many: z.boolean().optional() })),
  created: timestamp(),
  updated: timestamp(),
});
const COLLECTION_EXAMPLE = { key: 'artists', name: 'Artists', fields: [{ name: 'name', type: 'short_text' }], created: TIME_EXAMPLE, updated: TIME_EXAMPLE };

const COLLECTION_FROM_RESPONSE = { spaceId: '$request.path.spaceId', key: '$response.body#/data/key' };

export const createCollectionDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createCollection',
    summary: 'Create a collection',
    description: 'Defines a collection: its key, name and typed fields (references name another collection).',
    tags: MANAGE,
    security: SECURITY.keyOrSession,
    parameters: [SPACE],
    requestBody: jsonBody(body, { key: 'artists', name: 'Artists', fields: [{ name: 'name', type: 'short_text' }] }),
    responses: {
      201: jsonOk('Created.', z.strictObject({ data: collectionSchema }), { data: COLLECTION_EXAMPLE }, [], {
        getCollection: { operationId: 'getCollection', description: 'The collection\'s definition.', parameters: COLLECTION_FROM_RESPONSE },
        updateCollection: { operationId: 'updateCollection', description: 'Update the collection\'s definition.', parameters: COLLECTION_FROM_RESPONSE },
        readCollection: { operationId: 'readCollection', description: 'The collection\'s items.', parameters: { key: '$response.body#/data/key' } },
      }),
      ...errors(400, 401, 402, 403, 404, 409, 413, 415),
    },
  });

export const listCollectionsDoc = describe({
  operationId: 'listCollections',
  summary: 'List collections',
  description: 'Every collection of the space with its fields.',
  tags: MANAGE,
  security: SECURITY.keyOrSession,
  parameters: [SPACE],
  responses: { 200: jsonOk('The collections.', z.strictObject({ data: z.array(collectionSchema) }), { data: [COLLECTION_EXAMPLE] }), ...errors(400, 401, 403, 404) },
});

export const getCollectionDoc = describe({
  operationId: 'getCollection',
  summary: 'Read a collection\'s definition',
  description: 'One collection with its fields.',
  tags: MANAGE,
  security: SECURITY.keyOrSession,
  parameters: [SPACE, KEY],
  responses: { 200: jsonOk('The collection.', z.strictObject({ data: collectionSchema }), { data: COLLECTION_EXAMPLE }), ...errors(400, 401, 403, 404) },
});

export const updateCollectionDoc = (body: z.ZodType) =>
  describe({
    operationId: 'updateCollection',
    summary: 'Update a collection\'s definition',
    description: 'Renames it or replaces its fields; refused (400) when an existing item would no longer validate.',
    tags: MANAGE,
    security: SECURITY.keyOrSession,
    parameters: [SPACE, KEY],
    requestBody: jsonBody(body, { name: 'Musicians' }),
    responses: { 200: jsonOk('Updated.', z.strictObject({ data: collectionSchema }), { data: COLLECTION_EXAMPLE }), ...errors(400, 401, 403, 404, 409, 413, 415) },
  });
