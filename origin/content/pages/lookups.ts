/**
 * The page write side's lookups: the page a write addresses (space, slug, locale, type), the
 * space's default locale when a write names none, the management view (the working copy with its
 * version, the ETag) and the pages the scheduler publishes next.
 */
import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { pages, spaces } from '../../db/schema/index.js';

/** The locale of a write that names none: the space's default. */
export async function spaceDefaultLocale(db: Db, spaceId: string): Promise<string> {
  const [row] = await db.select({ locale: spaces.defaultLocale }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
  return row?.locale ?? 'en';
}

/**
 * The page a write addresses: space, slug and locale, of its type (or of any type for `*`),
 * live or (for restores) deleted.
 */
export function pageAt(at: { spaceId: string; slug: string; pageType: string }, locale: string, deleted: boolean) {
  return and(
    eq(pages.spaceId, at.spaceId),
    eq(pages.slug, at.slug),
    eq(pages.locale, locale),
    deleted ? isNotNull(pages.deletedAt) : isNull(pages.deletedAt),
    at.pageType === '*' ? undefined : eq(pages.pageType, at.pageType),
  );
}

/**
 * The live page at an address, locked for the transaction (a typed page before an untyped one of
 * the same slug): what a save or an unpublish compares its If-Match and live state with, and
 * replaces. Undefined when there is none.
 */
export async function lockPageAt(t: Db, at: { spaceId: string; slug: string; pageType: string }, locale: string) {
  const [row] = await t
    .select({ id: pages.id, pageType: pages.pageType, version: pages.version, deletedAt: pages.deletedAt, published: pages.published, publishedAt: pages.publishedAt, status: pages.status })
    .from(pages)
    .where(pageAt(at, locale, false))
    .orderBy(sql`${pages.pageType} = '*' desc`)
    .limit(1)
    .for('update');
  return row;
}

/** The management view: the working copy with its version (the ETag). */
export async function getPageForManagement(db: Db, q: { spaceId: string; pageType: string; slug: string; locale: string | null }) {
  const locale = q.locale ?? (await spaceDefaultLocale(db, q.spaceId));
  const [row] = await db
    .select()
    .from(pages)
    .where(pageAt(q, locale, false))
    .limit(1);
  return row ?? null;
}

/** Pages whose scheduled time has come (oldest first), for the scheduler. */
export async function duePages(db: Db, now: Date, limit = 50) {
  return db
    .select({ spaceId: pages.spaceId, pageType: pages.pageType, slug: pages.slug, locale: pages.locale })
    .from(pages)
    .where(and(eq(pages.status, 'scheduled'), lte(pages.scheduledAt, now), isNull(pages.deletedAt)))
    .orderBy(pages.scheduledAt)
    .limit(limit);
}
