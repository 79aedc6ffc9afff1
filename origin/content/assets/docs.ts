/**
 * The OpenAPI descriptions of asset upload and delivery (issue 18; mechanism: origin/http/openapi.ts).
 */
import { z } from 'zod';
import { describe, errors, jsonOk, noContent, pathParam, queryParam, SECURITY, timestamp } from '../../http/openapi.js';
import { ASSET_MAX_BYTES, ASSET_TYPES } from './store.js';

const TAGS = ['Media'];
const TIME = '2026-01-05T09:30:00.000Z';
const SPACE_ID = '7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d';
const ASSET_ID = '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b';
const bytes = { type: 'string' as const, format: 'binary' };

export const uploadAssetDoc = describe({
  operationId: 'uploadAsset',
  summary: 'Upload an asset',
  description: `The raw bytes as the body (at most ${ASSET_MAX_BYTES} bytes), its type as Content-Type (one of the allowed types), its file name as \`filename\`. Served publicly and immutably at the answered \`url\`.`,
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [queryParam('filename', 'Letters, digits, - or _ with an optional extension.', { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9]+)?$' }, 'hero.png')],
  requestBody: { required: true, content: Object.fromEntries([...ASSET_TYPES].map((t) => [t, { schema: bytes, example: '<the file\'s bytes>' }])) },
  responses: {
    201: jsonOk(
      'Stored.',
      z.object({ data: z.object({ id: z.string(), url: z.string(), filename: z.string(), content_type: z.string(), size: z.number().int(), sha256: z.string(), created: z.string() }) }),
      { data: { id: ASSET_ID, url: `/assets/${SPACE_ID}/${ASSET_ID}/hero.png`, filename: 'hero.png', content_type: 'image/png', size: 48213, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', created: TIME } },
    ),
    ...errors(400, 401, 402, 403, 413, 415),
  },
});

export const assetDoc = describe({
  operationId: 'getAsset',
  summary: 'Download an asset',
  description: 'The stored bytes with their Content-Type; public (no key), immutable (cached for a year), tagged for purging.',
  tags: TAGS,
  security: SECURITY.none,
  parameters: [
    pathParam('spaceId', 'The space.', { type: 'string', format: 'uuid' }, SPACE_ID),
    pathParam('assetId', 'The asset.', { type: 'string', format: 'uuid' }, ASSET_ID),
    pathParam('filename', 'Its file name.', { type: 'string' }, 'hero.png'),
  ],
  responses: {
    200: {
      description: 'The bytes.',
      headers: {
        ETag: { $ref: '#/components/headers/ETag' },
        'Cache-Control': { $ref: '#/components/headers/CacheControl' },
        'Surrogate-Key': { $ref: '#/components/headers/SurrogateKey' },
        'Surrogate-Control': { $ref: '#/components/headers/SurrogateControl' },
      },
      content: { '*/*': { schema: bytes, example: '<the file\'s bytes>' } },
    },
    ...errors(404),
  },
});

const SPACE = pathParam('spaceId', "The space (of the caller's organization; any other answers 404).", { type: 'string', format: 'uuid' }, SPACE_ID);
const libraryEntry = z.strictObject({ id: z.string(), url: z.string(), filename: z.string(), content_type: z.string(), size: z.number().int(), sha256: z.string(), created: timestamp() });

export const listAssetsDoc = describe({
  operationId: 'listAssets',
  summary: 'List the media library',
  description: "The space's assets, newest first (never their bytes: each `url` serves them).",
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [
    SPACE,
    queryParam('limit', 'How many (1–200, default 50).', { type: 'integer', minimum: 1, maximum: 200 }, 50),
    queryParam('before', 'Only assets created before this time (the last one of the previous page).', { type: 'string', format: 'date-time' }, TIME),
  ],
  responses: {
    200: jsonOk(
      'The assets.',
      z.strictObject({ data: z.array(libraryEntry) }),
      { data: [{ id: ASSET_ID, url: `/assets/${SPACE_ID}/${ASSET_ID}/hero.png`, filename: 'hero.png', content_type: 'image/png', size: 48213, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', created: TIME }] },
    ),
    ...errors(400, 401, 403, 404),
  },
});

export const deleteAssetDoc = describe({
  operationId: 'deleteAsset',
  summary: 'Delete an asset',
  description: 'Removes the asset: its URL answers 404 from then on (the edge copy is purged). Content that still links to it keeps the link.',
  tags: TAGS,
  security: SECURITY.keyOrSession,
  parameters: [SPACE, pathParam('assetId', 'The asset.', { type: 'string', format: 'uuid' }, ASSET_ID)],
  responses: { 204: noContent('Deleted.'), ...errors(400, 401, 403, 404) },
});
