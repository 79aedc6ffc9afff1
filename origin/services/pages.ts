import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { pages, spaces } from '../db/schema/index.js';

export interface PublishedPage {
  id: string;
  pageType: string;
  locale: string;
  /** ButterCMS-shaped page JSON, rendered at publish time. */
  body: Record<string, unknown>;
}

/**
 * One indexed lookup of a page's pre-rendered published JSON (or, for `preview`, its working
 * copy rendered now). `pageType` '*' matches a page of any type (a single page first), as
 * ButterCMS's `/v2/pages/*\/<slug>/` does. Soft-deleted pages are invisible.
 */
export async function findPublishedPage(
  db: Db,
  q: { spaceId: string; pageType: string; slug: string; locale: string | null; preview?: boolean },
): Promise<PublishedPage | null> {
  const locale = q.locale ?? sql<string>`(select ${spaces.defaultLocale} from ${spaces} where ${spaces.id} = ${q.spaceId})`;
  const rows = await db
    .select({
      id: pages.id,
      body: pages.published,
      slug: pages.slug,
      name: pages.name,
      pageType: pages.pageType,
      fields: pages.fields,
      publishedAt: pages.publishedAt,
      updatedAt: pages.updatedAt,
      locale: pages.locale,
    })
    .from(pages)
    .where(
      and(
        eq(pages.spaceId, q.spaceId),
        eq(pages.slug, q.slug),
        eq(pages.locale, locale),
        isNull(pages.deletedAt),
        q.preview ? undefined : isNotNull(pages.published),
        q.pageType === '*' ? undefined : eq(pages.pageType, q.pageType),
      ),
    )
    .orderBy(sql`${pages.pageType} = '*' desc`, asc(pages.createdAt))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  if (q.preview) {
    return { id: row.id, pageType: row.pageType, locale: row.locale, body: renderPage({ ...row, publishedAt: row.publishedAt ?? null, updatedAt: row.updatedAt }) };
  }
  return { id: row.id, pageType: row.pageType, locale: row.locale, body: row.body as Record<string, unknown> };
}

/** Renders the ButterCMS v2 page shape stored in `pages.published`. */
export function renderPage(p: {
  slug: string;
  name: string;
  pageType: string;
  fields: unknown;
  publishedAt: Date | null;
  updatedAt: Date;
}): Record<string, unknown> {
  return {
    slug: p.slug,
    name: p.name,
    published: p.publishedAt?.toISOString() ?? null,
    updated: p.updatedAt.toISOString(),
    page_type: p.pageType === '*' ? null : p.pageType,
    fields: p.fields,
  };
}
