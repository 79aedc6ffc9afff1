/**
 * Spaces of an organization: the one place a space is created (sign-up's first space and
 * POST /v1/orgs/{org}/spaces both call `createSpace`), and the spaces a member can see.
 *
 * What a space needs: its row, with a unique slug in the organization and a default locale
 * (`spaces.default_locale`; content in the default locale needs no `locales` row, so none is
 * written). The caller passes its transaction and writes the audit row in it.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { ApiError } from '../../../shared/errors.js';
import type { Db } from '../../db/client.js';
import { memberships, spaces } from '../../db/schema/index.js';

export const DEFAULT_SPACE_SLUG = 'main';
export const DEFAULT_LOCALE = 'en';
/** Lower-case letters, digits and inner hyphens, at most 64 characters. */
export function isSpaceSlug(v: string): boolean {
  return /^[a-z0-9-]{1,64}$/.test(v) && !v.startsWith('-') && !v.endsWith('-');
}

export interface SpaceView {
  id: string;
  slug: string;
  name: string;
  default_locale: string;
  created_at: string;
}

type SpaceRow = typeof spaces.$inferSelect;

export function spaceView(s: SpaceRow): SpaceView {
  return { id: s.id, slug: s.slug, name: s.name, default_locale: s.defaultLocale, created_at: s.createdAt.toISOString() };
}

/** A slug from a display name (lower-case ASCII words joined by '-'), or null when none is left. */
export function slugFromName(name: string): string | null {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '');
  return slug === '' ? null : slug;
}

/**
 * Creates a space in `tx`. The slug is unique per organization: a taken slug answers 409
 * (the unique constraint decides, so concurrent creations cannot both win).
 */
export async function createSpace(tx: Db, input: { organizationId: string; name: string; slug?: string; defaultLocale?: string }): Promise<SpaceRow> {
  const slug = input.slug ?? slugFromName(input.name) ?? DEFAULT_SPACE_SLUG;
  const [row] = await tx
    .insert(spaces)
    .values({ organizationId: input.organizationId, slug, name: input.name, defaultLocale: input.defaultLocale ?? DEFAULT_LOCALE })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new ApiError('conflict', `A space with the slug "${slug}" already exists in this organization.`);
  return row;
}

/** Every space of the organization, oldest first (the first is the organization's default space). */
export async function organizationSpaces(db: Db, organizationId: string): Promise<SpaceRow[]> {
  return db.select().from(spaces).where(eq(spaces.organizationId, organizationId)).orderBy(asc(spaces.createdAt), asc(spaces.id));
}

/** The spaces a user holds a space-scoped membership in (no organization-wide role needed). */
export async function memberSpaceIds(db: Db, userId: string, organizationId: string): Promise<string[]> {
  const rows = await db
    .select({ spaceId: memberships.spaceId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId)));
  return rows.map((r) => r.spaceId).filter((id): id is string => id !== null);
}

export async function spacesByIds(db: Db, organizationId: string, ids: string[]): Promise<SpaceRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(spaces)
    .where(and(eq(spaces.organizationId, organizationId), inArray(spaces.id, ids)))
    .orderBy(asc(spaces.createdAt), asc(spaces.id));
}
