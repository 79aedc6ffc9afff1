/**
 * The OpenAPI descriptions of asset upload and delivery (issue 18; mechanism: origin/http/openapi.ts).
 */
import { z } from 'zod';
import { describe, errors, jsonOk, pathParam, queryParam, SECURITY } from '../../http/openapi.js';
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
