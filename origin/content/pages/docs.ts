/**
 * The OpenAPI descriptions of the page routes (issue 18; mechanism: origin/http/openapi.ts). Each
 * is a route's first handler; a write's body is described by the zod schema the route passes to
 * parseBody — given here by the route itself, so the spec and the validation are one object.
 */
import { z } from 'zod';
import { CONTENT_READ_HEADERS, describe, errors, ifMatch, jsonBody, jsonOk, type Links, noContent, pending, queryParam, SECURITY, timestamp } from '../../http/openapi.js';
import { LEVELS, LIMIT, listMetaSchema, LOCALE, OFFSET, PAGE, PAGE_EXAMPLE, PAGE_SIZE, PAGE_TYPE, pageSchema, PREVIEW, revisionsExample, revisionsSchema, SLUG, TIME_EXAMPLE } from '../openapi.js';

const READ = ['Content API'];
const WRITE = ['Write API'];

/** GET /v2/pages/{pageType}/{slug} (also answered by the fast path in front of Hono, identically). */
export const getPageDoc = describe({
  operationId: 'getPage',
  summary: 'Read a page',
  description: 'A published page (or, with `preview=1` and a preview or write key, its draft), with references expanded to `levels`. ButterCMS v2 compatible.',
  tags: READ,
  security: SECURITY.contentKey,
  parameters: [PAGE_TYPE, SLUG, LOCALE, PREVIEW, LEVELS],
  responses: {
    200: jsonOk('The page.', z.strictObject({ data: pageSchema }), { data: PAGE_EXAMPLE }, CONTENT_READ_HEADERS),
    ...errors(400, 401, 403, 404, 414),
  },
});

/** GET /v2/pages/{pageType} (and `/v2/pages/search`). */
export const listPagesDoc = describe({
  operationId: 'listPages',
  summary: 'List pages of a type, or search pages',
  description:
    'Pages of one page type, newest published first (`order=` a field, `published` or `updated`, `-` for descending; `fields.<name>=value` filters by a text, number, date or boolean field, at most 10). With pageType `search`: a full-text search (`query=`, optional `page_type=`). Paging by page/page_size or limit/offset.',
  tags: READ,
  security: SECURITY.contentKey,
  parameters: [
    { in: 'path', name: 'pageType', required: true, description: 'A page type slug, or `search`.', schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,99}$' }, example: 'blog_article' },
    queryParam('query', 'With pageType `search`: the search text, 1–200 characters.', { type: 'string', minLength: 1, maxLength: 200 }),
    queryParam('page_type', 'With pageType `search`: only this page type (`*` for single pages).', { type: 'string' }),
    queryParam('order', 'Sort by `published`, `updated` or a scalar field; prefix `-` for descending.', { type: 'string' }, '-published'),
    LOCALE,
    PREVIEW,
    LEVELS,
    PAGE,
    PAGE_SIZE,
    LIMIT,
    OFFSET,
  ],
  responses: {
    200: jsonOk('The pages and paging metadata.', z.strictObject({ meta: listMetaSchema, data: z.array(pageSchema) }), { meta: { count: 1, next_page: null, previous_page: null }, data: [PAGE_EXAMPLE] }, CONTENT_READ_HEADERS),
    ...errors(400, 401, 403, 404, 414),
  },
});

const PAGE_WRITE_ERRORS = [400, 401, 402, 403, 404, 409, 412, 413, 415] as const;

/** The page a write named: by its body (create) or its path (the rest). */
const FROM_BODY = { pageType: '$request.body#/page_type', slug: '$request.body#/slug' };
const FROM_PATH = { pageType: '$request.path.pageType', slug: '$request.path.slug' };
/** Where a page's write or management read leads: its working copy, an update, its revisions, its deletion. */
function pageLinks(parameters: Record<string, string>, except: string[] = []): Links {
  const all: Links = {
    getManagedPage: { operationId: 'getManagedPage', description: 'The page\'s working copy and version.', parameters },
    updatePage: { operationId: 'updatePage', description: 'Update the page.', parameters },
    listPageRevisions: { operationId: 'listPageRevisions', description: 'The page\'s revisions.', parameters },
    deletePage: { operationId: 'deletePage', description: 'Delete the page.', parameters },
  };
  return Object.fromEntries(Object.entries(all).filter(([name]) => !except.includes(name)));
}

export const createPageDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createPage',
    summary: 'Create a page',
    description:
      'Creates a page (a draft unless `status` is `published`, which needs the publish right). Without `?locale=`, `fields` may be keyed by locale to create every locale at once. Answers 202 once the page, its revision and its cache purge are committed (ButterCMS Write API compatible).',
    tags: WRITE,
    security: SECURITY.keyOrSession,
    parameters: [LOCALE],
    requestBody: jsonBody(body, { title: 'About', slug: 'about', page_type: '*', status: 'draft', fields: { headline: 'About us' } }),
    responses: { 202: pending('Created and committed.', [], pageLinks(FROM_BODY)), ...errors(400, 401, 402, 403, 409, 413, 415) },
  });

export const updatePageDoc = (body: z.ZodType, put: boolean) =>
  describe({
    operationId: put ? 'replacePage' : 'updatePage',
    summary: put ? 'Update a page (PUT, same as PATCH)' : 'Update a page',
    description:
      'A partial update: title, status (`scheduled` with a future `scheduled` time), fields. `If-Match: "v<n>"` (with `?locale=`) makes it conditional. ' +
      (put ? 'PUT behaves as PATCH, as in ButterCMS.' : 'Answers 202 with the new version as ETag.'),
    tags: WRITE,
    security: SECURITY.keyOrSession,
    parameters: [PAGE_TYPE, SLUG, LOCALE, ifMatch],
    requestBody: jsonBody(body, { title: 'About us', status: 'published', fields: { headline: 'About us' } }),
    responses: { 202: pending('Updated and committed.', ['ETag'], pageLinks(FROM_PATH, ['updatePage'])), ...errors(...PAGE_WRITE_ERRORS) },
  });

export const deletePageDoc = describe({
  operationId: 'deletePage',
  summary: 'Delete a page',
  description: 'Soft-deletes the page (restorable with POST …/restore). `If-Match` makes it conditional.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [PAGE_TYPE, SLUG, LOCALE, ifMatch],
  responses: {
    204: noContent('Deleted.', { restorePage: { operationId: 'restorePage', description: 'Undo the delete.', parameters: FROM_PATH } }),
    ...errors(400, 401, 403, 404, 412),
  },
});

const managedPageSchema = z.strictObject({
  data: z.strictObject({
    slug: z.string(),
    name: z.string(),
    page_type: z.string().nullable(),
    locale: z.string(),
    status: z.enum(['draft', 'published', 'scheduled']),
    scheduled: timestamp().nullable(),
    version: z.number().int(),
    fields: z.record(z.string(), z.unknown()),
    published: timestamp().nullable(),
    updated: timestamp(),
  }),
});

export const getManagedPageDoc = describe({
  operationId: 'getManagedPage',
  summary: 'Read a page for editing',
  description: 'The working copy (draft or published) with its version; `ETag: "v<n>"` is the value for If-Match.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [PAGE_TYPE, SLUG, LOCALE],
  responses: {
    200: jsonOk(
      'The working copy.',
      managedPageSchema,
      { data: { slug: 'about', name: 'About', page_type: null, locale: 'en', status: 'published', scheduled: null, version: 3, fields: { headline: 'About us' }, published: TIME_EXAMPLE, updated: TIME_EXAMPLE } },
      ['ETag'],
      pageLinks(FROM_PATH, ['getManagedPage']),
    ),
    ...errors(400, 401, 403, 404),
  },
});

export const pageRevisionsDoc = describe({
  operationId: 'listPageRevisions',
  summary: 'A page\'s revisions',
  description: 'Every saved revision, newest first, with the key or member that saved it.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [PAGE_TYPE, SLUG, LOCALE],
  responses: { 200: jsonOk('The revisions.', revisionsSchema('name'), revisionsExample('name', 'About')), ...errors(400, 401, 403, 404) },
});

export const rollbackPageDoc = (body: z.ZodType) =>
  describe({
    operationId: 'rollbackPage',
    summary: 'Roll a page back to a revision',
    description: 'A new save with that revision\'s title and fields (status as given, else the revision\'s). Needs the publish right.',
    tags: WRITE,
    security: SECURITY.keyOrSession,
    parameters: [PAGE_TYPE, SLUG, LOCALE, ifMatch],
    requestBody: jsonBody(body, { version: 2, status: 'draft' }),
    responses: { 202: pending('Rolled back and committed.', ['ETag']), ...errors(...PAGE_WRITE_ERRORS) },
  });

export const restorePageDoc = describe({
  operationId: 'restorePage',
  summary: 'Restore a deleted page',
  description: 'Undoes a delete.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [PAGE_TYPE, SLUG, LOCALE],
  responses: { 202: pending('Restored and committed.', ['ETag']), ...errors(400, 401, 402, 403, 404, 409) },
});

export const unpublishPageDoc = describe({
  operationId: 'unpublishPage',
  summary: 'Unpublish a page',
  description:
    'Takes the published version down (public reads answer 404; the edge is purged) and makes the page a draft; its working copy stays, and a scheduled publication is cancelled. A save with `status: "draft"` does not do this: it keeps the published version live. Needs the publish right. 409 when nothing is published.',
  tags: WRITE,
  security: SECURITY.keyOrSession,
  parameters: [PAGE_TYPE, SLUG, LOCALE, ifMatch],
  responses: { 202: pending('Unpublished and committed.', ['ETag']), ...errors(400, 401, 402, 403, 404, 409, 412) },
});
