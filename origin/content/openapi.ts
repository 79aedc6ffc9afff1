/**
 * What the content domain's OpenAPI descriptions share (issue 18; origin/http/openapi.ts is the
 * mechanism): response schemas of the ButterCMS v2 shapes, the revision history, the common
 * parameters of reads and writes.
 */
import { z } from 'zod';
import { pathParam, queryParam, timestamp } from '../http/openapi.js';

export const TIME_EXAMPLE = '2026-01-05T09:30:00.000Z';

/** A page as the Content API answers it (ButterCMS v2). */
export const pageSchema = z.strictObject({
  slug: z.string(),
  name: z.string(),
  published: timestamp().nullable().meta({ description: 'ISO 8601; null for a draft (preview).' }),
  updated: timestamp(),
  page_type: z.string().nullable().meta({ description: 'null for a single page (type `*`).' }),
  fields: z.record(z.string(), z.unknown()),
});
export const PAGE_EXAMPLE = { slug: 'about', name: 'About', published: TIME_EXAMPLE, updated: TIME_EXAMPLE, page_type: null, fields: { headline: 'About us' } };

/** One entry of a revision history (origin/content/revisions.ts), newest first. */
const revisionBase = {
  version: z.number().int(),
  status: z.string(),
  created: timestamp(),
  created_by_key: z.string().nullable().meta({ description: 'The API key that saved it (null for a member or the scheduler).' }),
  created_by_user: z.string().nullable().meta({ description: 'The member who saved it (null for a key or the scheduler).' }),
};
export const revisionsSchema = (title: 'name' | 'label' | 'title') => z.strictObject({ data: z.array(z.strictObject({ ...revisionBase, [title]: z.string() })) });
/** One revision with the fields it saved (origin/content/revisions.ts `revisionDetail`). */
export const revisionSchema = (title: 'name' | 'label' | 'title') =>
  z.strictObject({ data: z.strictObject({ version: revisionBase.version, [title]: z.string(), status: revisionBase.status, fields: z.record(z.string(), z.unknown()), created: revisionBase.created, created_by_key: revisionBase.created_by_key, created_by_user: revisionBase.created_by_user }) });
export const revisionsExample = (title: 'name' | 'label' | 'title', value: string) => ({
  data: [
    { version: 2, [title]: value, status: 'published', created: TIME_EXAMPLE, created_by_key: '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', created_by_user: null },
    { version: 1, [title]: value, status: 'draft', created: TIME_EXAMPLE, created_by_key: '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', created_by_user: null },
  ],
});

export const LOCALE = queryParam('locale', 'A locale of the space (default: its default locale).', { type: 'string', pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$' }, 'en');
export const PREVIEW = queryParam('preview', '`1` (or `true`): drafts too (a preview or write key with the preview scope; a read key is refused). `0`, `false` or empty: published only, as if not sent.', { type: 'string', enum: ['1', 'true', '0', 'false', ''] });
export const LEVELS = queryParam('levels', 'How deep references are expanded (default 2).', { type: 'integer', minimum: 1, maximum: 5 }, 2);
export const PAGE = queryParam('page', 'Page number (with page_size; not with limit/offset).', { type: 'integer', minimum: 1 }, 1);
export const PAGE_SIZE = queryParam('page_size', 'Results per page, 1–100 (default 10).', { type: 'integer', minimum: 1, maximum: 100 }, 10);
export const LIMIT = queryParam('limit', 'Results, 1–100 (with offset; not with page/page_size).', { type: 'integer', minimum: 1, maximum: 100 });
export const OFFSET = queryParam('offset', 'Results to skip (with limit).', { type: 'integer', minimum: 0 });
export const PAGE_TYPE = pathParam('pageType', 'A page type slug, or `*` for single pages.', { type: 'string', pattern: '^(\\*|[a-z0-9][a-z0-9_-]{0,99})$' }, '*');
export const SLUG = pathParam('slug', 'The slug.', { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$' }, 'about');

/** Paging metadata of a list: page/page_size paging, or limit/offset paging. */
export const listMetaSchema = z.strictObject({
  count: z.number().int(),
  next_page: z.number().int().nullable().optional(),
  previous_page: z.number().int().nullable().optional(),
  next_offset: z.number().int().nullable().optional(),
  previous_offset: z.number().int().nullable().optional(),
});
