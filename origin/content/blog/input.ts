/**
 * What a post save takes and how it becomes rows: the write body (PostInput), the sanitising of
 * post HTML, category and tag slugs, the resolving of the author and terms a body names (terms
 * come into being with the save that names them) and the post's link rows.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { authors, categories, postCategories, type posts, postTags, spaces, tags } from '../../db/schema/index.js';
import { cleanString, POST_FIELD_KINDS } from '../model/schema.js';
import { blogKeys, type AuthorRow, type PostStatus } from './render.js';

export interface PostInput {
  title?: string | undefined;
  slug?: string | undefined;
  status?: PostStatus | undefined;
  /** With status `scheduled`: when the scheduler publishes the post. */
  scheduledAt?: Date | undefined;
  /** null removes the author (rollback to a revision without one). */
  author?: { email?: string | undefined; slug?: string | undefined } | null | undefined;
  categories?: string[] | undefined;
  tags?: string[] | undefined;
  featured_image?: string | undefined;
  featured_image_alt?: string | undefined;
  body?: string | undefined;
  summary?: string | undefined;
  seo_title?: string | undefined;
  meta_description?: string | undefined;
}

/** Post bodies and summaries are HTML: the one sanitiser policy cleans them (origin/content/model/sanitize.ts). */
export function sanitizePostHtml(field: 'body' | 'summary', html: string): string {
  const cleaned = cleanString(POST_FIELD_KINDS[field], html);
  return 'value' in cleaned ? cleaned.value : '';
}

/** `"Really Good Recipes"` → `really-good-recipes` (how a category or tag name becomes a slug). */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .replace(/-+$/, '')
    .slice(0, 100);
}

async function resolveAuthor(t: Db, spaceId: string, ref: { email?: string | undefined; slug?: string | undefined }): Promise<AuthorRow | null> {
  const [row] = await t
    .select()
    .from(authors)
    .where(
      and(
        eq(authors.spaceId, spaceId),
        ref.slug !== undefined ? eq(authors.slug, ref.slug) : sql`lower(${authors.email}) = lower(${ref.email ?? ''}) and ${authors.email} <> ''`,
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Finds (by slug of the given name or slug) or creates each term; returns ids in input order. */
async function resolveTerms(t: Db, kind: 'category' | 'tag', spaceId: string, names: readonly string[]): Promise<{ ids: string[]; created: boolean } | { invalid: string }> {
  const bySlug = new Map<string, string>();
  for (const raw of names) {
    const name = raw.trim();
    const slug = slugify(name);
    if (!slug) return { invalid: `${kind === 'category' ? 'categories' : 'tags'}: "${name.slice(0, 40)}" has no letters or digits` };
    if (!bySlug.has(slug)) bySlug.set(slug, name);
  }
  if (bySlug.size === 0) return { ids: [], created: false };
  const values = [...bySlug].map(([slug, name]) => ({ spaceId, slug, name }));
  const slugs = [...bySlug.keys()];
  let inserted: { id: string }[];
  let rows: { id: string; slug: string }[];
  if (kind === 'category') {
    inserted = await t.insert(categories).values(values).onConflictDoNothing().returning({ id: categories.id });
    rows = await t.select({ id: categories.id, slug: categories.slug }).from(categories).where(and(eq(categories.spaceId, spaceId), inArray(categories.slug, slugs)));
  } else {
    inserted = await t.insert(tags).values(values).onConflictDoNothing().returning({ id: tags.id });
    rows = await t.select({ id: tags.id, slug: tags.slug }).from(tags).where(and(eq(tags.spaceId, spaceId), inArray(tags.slug, slugs)));
  }
  const idOf = new Map(rows.map((r) => [r.slug, r.id]));
  return { ids: slugs.map((s) => idOf.get(s)).filter((x): x is string => x !== undefined), created: inserted.length > 0 };
}

export async function replaceLinks(t: Db, postId: string, categoryIds: string[] | null, tagIds: string[] | null): Promise<void> {
  if (categoryIds) {
    await t.delete(postCategories).where(eq(postCategories.postId, postId));
    if (categoryIds.length) await t.insert(postCategories).values(categoryIds.map((categoryId) => ({ postId, categoryId })));
  }
  if (tagIds) {
    await t.delete(postTags).where(eq(postTags.postId, postId));
    if (tagIds.length) await t.insert(postTags).values(tagIds.map((tagId) => ({ postId, tagId })));
  }
}

export type Terms = { categoryIds: string[] | null; tagIds: string[] | null; created: string[] };

/** The name of the organization's owner, read in the save's transaction (the route's identity lookup). */
export type OwnerName = (t: Db, organizationId: string) => Promise<string | null>;

/**
 * The author of a post created without one. ButterCMS assigns the organization's owner; here the
 * space's author for the owner (slug from the owner's name), made the first time it is needed —
 * named as the owner, no email (author records are public) — else none.
 */
export async function defaultAuthor(t: Db, spaceId: string, ownerName: OwnerName | undefined): Promise<{ author: AuthorRow | null; created: boolean }> {
  const [space] = await t.select({ organizationId: spaces.organizationId }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
  const name = space && ownerName ? (await ownerName(t, space.organizationId))?.trim() : undefined;
  if (!name) return { author: null, created: false };
  const slug = slugify(name) || 'owner';
  const [firstName = '', ...rest] = name.split(/\s+/);
  const [made] = await t.insert(authors).values({ spaceId, slug, firstName: firstName.slice(0, 200), lastName: rest.join(' ').slice(0, 200) }).onConflictDoNothing().returning();
  if (made) return { author: made, created: true };
  const [existing] = await t.select().from(authors).where(and(eq(authors.spaceId, spaceId), eq(authors.slug, slug))).limit(1);
  return { author: existing ?? null, created: false };
}

export async function resolveAll(t: Db, spaceId: string, input: PostInput): Promise<Result<{ author: AuthorRow | null | undefined; terms: Terms }>> {
  let author: AuthorRow | null | undefined = input.author === null ? null : undefined;
  if (input.author) {
    author = await resolveAuthor(t, spaceId, input.author);
    if (!author) return { ok: false, error: 'invalid', detail: 'Invalid request: author: no such author in this space.' };
  }
  const terms: Terms = { categoryIds: null, tagIds: null, created: [] };
  if (input.categories) {
    const r = await resolveTerms(t, 'category', spaceId, input.categories);
    if ('invalid' in r) return { ok: false, error: 'invalid', detail: `Invalid request: ${r.invalid}.` };
    terms.categoryIds = r.ids;
    if (r.created) terms.created.push(blogKeys.categories(spaceId));
  }
  if (input.tags) {
    const r = await resolveTerms(t, 'tag', spaceId, input.tags);
    if ('invalid' in r) return { ok: false, error: 'invalid', detail: `Invalid request: ${r.invalid}.` };
    terms.tagIds = r.ids;
    if (r.created) terms.created.push(blogKeys.tags(spaceId));
  }
  return { ok: true, value: { author, terms } };
}

export function columnsOf(input: PostInput): Partial<typeof posts.$inferInsert> {
  return {
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.slug !== undefined ? { slug: input.slug } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.body !== undefined ? { body: sanitizePostHtml('body', input.body) } : {}),
    ...(input.summary !== undefined ? { summary: sanitizePostHtml('summary', input.summary) } : {}),
    ...(input.seo_title !== undefined ? { seoTitle: input.seo_title } : {}),
    ...(input.meta_description !== undefined ? { metaDescription: input.meta_description } : {}),
    ...(input.featured_image !== undefined ? { featuredImage: input.featured_image } : {}),
    ...(input.featured_image_alt !== undefined ? { featuredImageAlt: input.featured_image_alt } : {}),
  };
}
