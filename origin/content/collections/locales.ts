/**
 * Collections: the locales of a space items are saved and read in (the space's default one, and
 * the enabled ones).
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { locales, spaces } from '../../db/schema/index.js';

export async function spaceDefaultLocale(db: Db, spaceId: string): Promise<string> {
  const [row] = await db.select({ locale: spaces.defaultLocale }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
  return row?.locale ?? 'en';
}

/** The space's default locale for null; the locale when the space publishes in it; else null. */
export async function resolveLocale(db: Db, spaceId: string, locale: string | null): Promise<string | null> {
  const fallback = await spaceDefaultLocale(db, spaceId);
  if (locale === null || locale === fallback) return fallback;
  const [row] = await db
    .select({ code: locales.code })
    .from(locales)
    .where(and(eq(locales.spaceId, spaceId), eq(locales.code, locale), eq(locales.enabled, true)))
    .limit(1);
  return row ? row.code : null;
}

/** The enabled locale codes of a space (the default one included). */
export async function spaceLocales(db: Db, spaceId: string): Promise<Set<string>> {
  const rows = await db.select({ code: locales.code }).from(locales).where(and(eq(locales.spaceId, spaceId), eq(locales.enabled, true)));
  return new Set([await spaceDefaultLocale(db, spaceId), ...rows.map((r) => r.code)]);
}
