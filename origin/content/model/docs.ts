/**
 * The OpenAPI descriptions of the page type and locale routes (issue 18; mechanism:
 * origin/http/openapi.ts). Each is a route's first handler; bodies are the zod schemas the routes
 * validate with, handed in by the routes themselves.
 */
import { z } from 'zod';
import { describe, errors, jsonBody, jsonOk, pathParam, SECURITY, timestamp } from '../../http/openapi.js';
import { TIME_EXAMPLE } from '../openapi.js';

const MANAGE = ['Content model'];
const SPACE = pathParam('spaceId', 'The space (of the caller\'s organization; any other answers 404).', { type: 'string', format: 'uuid' }, '7d1f3a52-9c4b-4e8a-b5d6-0f2e1c3a4b5d');
const TYPE = pathParam('slug', 'The page type\'s slug.', { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,99}$' }, 'landing');

const pageTypeSchema = z.strictObject({
  slug: z.string(),
  name: z.string(),
  fields: z.array(z.strictObject({ name: z.string(), type: z.string() })).meta({ description: 'Typed fields: short_text, long_text, rich_text, number, date, boolean, media, reference, repeater, component, … (origin/content/model/schema.ts).' }),
  created: timestamp(),
  updated: timestamp(),
});
const TYPE_EXAMPLE = { slug: 'landing', name: 'Landing page', fields: [{ name: 'headline', type: 'short_text' }], created: TIME_EXAMPLE, updated: TIME_EXAMPLE };
const localeSchema = z.strictObject({ code: z.string(), name: z.string(), default: z.boolean(), enabled: z.boolean() });

const TYPE_FROM_RESPONSE = { spaceId: '$request.path.spaceId', slug: '$response.body#/data/slug' };

export const createPageTypeDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createPageType',
    summary: 'Create a page type',
    description: 'Defines a page type: its slug, name and typed fields (`fields` is checked against the field schema; a bad one is a 400 naming the field).',
    tags: MANAGE,
    security: SECURITY.keyOrSession,
    parameters: [SPACE],
    requestBody: jsonBody(body, { slug: 'landing', name: 'Landing page', fields: [{ name: 'headline', type: 'short_text' }] }),
    responses: {
      201: jsonOk('Created.', z.strictObject({ data: pageTypeSchema }), { data: TYPE_EXAMPLE }, [], {
        getPageType: { operationId: 'getPageType', description: 'The page type just created.', parameters: TYPE_FROM_RESPONSE },
        updatePageType: { operationId: 'updatePageType', description: 'Update the page type.', parameters: TYPE_FROM_RESPONSE },
        listPages: { operationId: 'listPages', description: 'The pages of the type.', parameters: { pageType: '$response.body#/data/slug' } },
      }),
      ...errors(400, 401, 402, 403, 404, 413, 415),
    },
  });

export const listPageTypesDoc = describe({
  operationId: 'listPageTypes',
  summary: 'List page types',
  description: 'Every page type of the space with its fields.',
  tags: MANAGE,
  security: SECURITY.keyOrSession,
  parameters: [SPACE],
  responses: { 200: jsonOk('The page types.', z.strictObject({ data: z.array(pageTypeSchema) }), { data: [TYPE_EXAMPLE] }), ...errors(400, 401, 403, 404) },
});

export const getPageTypeDoc = describe({
  operationId: 'getPageType',
  summary: 'Read a page type',
  description: 'One page type with its fields.',
  tags: MANAGE,
  security: SECURITY.keyOrSession,
  parameters: [SPACE, TYPE],
  responses: { 200: jsonOk('The page type.', z.strictObject({ data: pageTypeSchema }), { data: TYPE_EXAMPLE }), ...errors(400, 401, 403, 404) },
});

export const updatePageTypeDoc = (body: z.ZodType) =>
  describe({
    operationId: 'updatePageType',
    summary: 'Update a page type',
    description: 'Renames it or replaces its fields; refused (400) when an existing page of the type would no longer validate.',
    tags: MANAGE,
    security: SECURITY.keyOrSession,
    parameters: [SPACE, TYPE],
    requestBody: jsonBody(body, { name: 'Landing' }),
    responses: { 200: jsonOk('Updated.', z.strictObject({ data: pageTypeSchema }), { data: TYPE_EXAMPLE }), ...errors(400, 401, 403, 404, 413, 415) },
  });

export const listLocalesDoc = describe({
  operationId: 'listLocales',
  summary: 'List locales',
  description: 'The locales of the space, the default flagged.',
  tags: MANAGE,
  security: SECURITY.keyOrSession,
  parameters: [SPACE],
  responses: { 200: jsonOk('The locales.', z.strictObject({ data: z.array(localeSchema) }), { data: [{ code: 'en', name: 'English', default: true, enabled: true }] }), ...errors(400, 401, 403, 404) },
});

export const createLocaleDoc = (body: z.ZodType) =>
  describe({
    operationId: 'createLocale',
    summary: 'Add a locale',
    description: 'Adds a locale to the space (optionally as its default).',
    tags: MANAGE,
    security: SECURITY.keyOrSession,
    parameters: [SPACE],
    requestBody: jsonBody(body, { code: 'fr', name: 'Français' }),
    responses: { 201: jsonOk('Added.', z.strictObject({ data: localeSchema }), { data: { code: 'fr', name: 'Français', default: false, enabled: true } }), ...errors(400, 401, 402, 403, 404, 409, 413, 415) },
  });
