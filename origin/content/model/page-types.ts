/**
 * Page types (named field schemas) and locales of a space. A schema change is accepted only
 * when every existing page of the type — its working copy and its published form — still
 * validates; the page type row is locked while checking, and page writes read it FOR SHARE, so
 * no page can slip in between the check and the change.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import { surrogateKeys } from '../../../shared/surrogate.js';
import { parseFieldSchema, validateFields, type FieldSchema } from './schema.js';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { locales, pages, pageTypes, spaces } from '../../db/schema/index.js';
import { commitWrite, type WriteActor } from '../../outbox/index.js';

export interface PageTypeView {
  slug: string;
  name: string;
  fields: FieldSchema;
  created: string;
  updated: string;
}

type PageTypeRow = typeof pageTypes.$inferSelect;

function view(row: PageTypeRow): PageTypeView {
  return { slug: row.slug, name: row.name, fields: row.fields as FieldSchema, created: row.createdAt.toISOString(), updated: row.updatedAt.toISOString() };
}

/** The schema of a page type, or null when the space has no such type. `lock` reads it FOR SHARE (inside a write transaction). */
export async function findPageTypeSchema(db: Db, spaceId: string, slug: string, lock = false): Promise<FieldSchema | null> {
  const q = db.select({ fields: pageTypes.fields }).from(pageTypes).where(and(eq(pageTypes.spaceId, spaceId), eq(pageTypes.slug, slug))).limit(1);
  const [row] = lock ? await q.for('share') : await q;
  if (!row) return null;
  const parsed = parseFieldSchema(row.fields);
  // Stored schemas were validated on the way in; a row that no longer parses is treated as empty-but-strict.
  return parsed.ok ? parsed.value : [];
}

export async function listPageTypes(db: Db, spaceId: string): Promise<PageTypeView[]> {
  const rows = await db.select().from(pageTypes).where(eq(pageTypes.spaceId, spaceId)).orderBy(asc(pageTypes.slug));
  return rows.map(view);
}

export async function getPageType(db: Db, spaceId: string, slug: string): Promise<PageTypeView | null> {
  const [row] = await db.select().from(pageTypes).where(and(eq(pageTypes.spaceId, spaceId), eq(pageTypes.slug, slug))).limit(1);
  return row ? view(row) : null;
}

export async function createPageType(db: Db, input: { spaceId: string; slug: string; name: string; fields: unknown }, actor: WriteActor): Promise<Result<PageTypeView>> {
  const schema = parseFieldSchema(input.fields);
  if (!schema.ok) return { ok: false, error: 'invalid', detail: `Invalid field schema: ${schema.errors.join('; ')}.` };
  return commitWrite(db, actor, input.spaceId, async (w): Promise<Result<PageTypeView>> => {
    const t = w.t;
    const [row] = await t
      .insert(pageTypes)
      .values({ spaceId: input.spaceId, slug: input.slug, name: input.name, fields: schema.value })
      .onConflictDoNothing()
      .returning();
    if (!row) return { ok: false, error: 'invalid', detail: `A page type with slug "${input.slug}" already exists.` };
    // A cached 404 of the list (unknown type) must go.
    await w.changed({ purge: { keys: [surrogateKeys.pageList(input.spaceId, input.slug)] } });
    w.audit({ action: 'page_type.create', target: { type: 'page_type', id: row.id }, metadata: { slug: row.slug } });
    return { ok: true, value: view(row) };
  });
}

export async function updatePageType(db: Db, input: { spaceId: string; slug: string; name?: string | undefined; fields?: unknown }, actor: WriteActor): Promise<Result<PageTypeView>> {
  let schema: FieldSchema | undefined;
  if (input.fields !== undefined) {
    const parsed = parseFieldSchema(input.fields);
    if (!parsed.ok) return { ok: false, error: 'invalid', detail: `Invalid field schema: ${parsed.errors.join('; ')}.` };
    schema = parsed.value;
  }
  return commitWrite(db, actor, input.spaceId, async (w): Promise<Result<PageTypeView>> => {
    const t = w.t;
    const [current] = await t
      .select({ id: pageTypes.id })
      .from(pageTypes)
      .where(and(eq(pageTypes.spaceId, input.spaceId), eq(pageTypes.slug, input.slug)))
      .for('update')
      .limit(1);
    if (!current) return { ok: false, error: 'not_found', detail: 'Page type not found.' };
    if (schema) {
      const existing = await t
        .select({ slug: pages.slug, locale: pages.locale, fields: pages.fields, published: pages.published })
        .from(pages)
        .where(and(eq(pages.spaceId, input.spaceId), eq(pages.pageType, input.slug), isNull(pages.deletedAt)))
        .orderBy(asc(pages.slug), asc(pages.locale));
      for (const p of existing) {
        const forms: [string, unknown][] = [['working copy', p.fields]];
        if (p.published && typeof p.published === 'object') forms.push(['published', (p.published as Record<string, unknown>).fields]);
        for (const [form, fields] of forms) {
          const r = validateFields(schema, fields);
          if (!r.ok) {
            return { ok: false, error: 'invalid', detail: `The change would break page "${p.slug}" (${p.locale}, ${form}): ${r.errors[0]}.` };
          }
        }
      }
    }
    const [row] = await t
      .update(pageTypes)
      .set({ ...(input.name !== undefined ? { name: input.name } : {}), ...(schema ? { fields: schema } : {}), updatedAt: new Date() })
      .where(eq(pageTypes.id, current.id))
      .returning();
    // Lists of the type render references by its schema.
    await w.changed({ purge: { keys: [surrogateKeys.pageList(input.spaceId, input.slug)] } });
    w.audit({ action: 'page_type.update', target: { type: 'page_type', id: current.id }, metadata: { slug: input.slug, fields_changed: schema !== undefined } });
    return { ok: true, value: view(row!) };
  });
}

// ---------------------------------------------------------------- locales

export interface LocaleView {
  code: string;
  name: string;
  default: boolean;
  enabled: boolean;
}

export async function listLocales(db: Db, spaceId: string): Promise<LocaleView[]> {
  const [space] = await db.select({ defaultLocale: spaces.defaultLocale }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
  const def = space?.defaultLocale ?? 'en';
  const rows = await db.select().from(locales).where(eq(locales.spaceId, spaceId)).orderBy(asc(locales.code));
  const out = rows.map((r) => ({ code: r.code, name: r.name, default: r.code === def, enabled: r.enabled }));
  if (!out.some((l) => l.code === def)) out.unshift({ code: def, name: def, default: true, enabled: true });
  return out;
}

/** The locale codes content of the space may use (enabled locales and the default). */
export async function spaceLocales(db: Db, spaceId: string): Promise<{ defaultLocale: string; codes: Set<string> } | null> {
  const [space] = await db.select({ defaultLocale: spaces.defaultLocale }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
  if (!space) return null;
  const rows = await db.select({ code: locales.code }).from(locales).where(and(eq(locales.spaceId, spaceId), eq(locales.enabled, true)));
  return { defaultLocale: space.defaultLocale, codes: new Set([space.defaultLocale, ...rows.map((r) => r.code)]) };
}

export async function createLocale(db: Db, input: { spaceId: string; code: string; name: string; makeDefault: boolean }, actor: WriteActor): Promise<Result<LocaleView>> {
  return commitWrite(db, actor, input.spaceId, async (w): Promise<Result<LocaleView>> => {
    const t = w.t;
    const [row] = await t.insert(locales).values({ spaceId: input.spaceId, code: input.code, name: input.name }).onConflictDoNothing().returning();
    if (!row) return { ok: false, error: 'invalid', detail: `The locale "${input.code}" already exists.` };
    if (input.makeDefault) {
      await t.update(spaces).set({ defaultLocale: input.code }).where(eq(spaces.id, input.spaceId));
      // Every default-locale read of the space changes meaning.
      await w.changed({ purge: { keys: [surrogateKeys.space(input.spaceId)] } });
    }
    w.audit({ action: 'locale.create', target: { type: 'locale', id: row.id }, metadata: { code: row.code, default: input.makeDefault } });
    return { ok: true, value: { code: row.code, name: row.name, default: input.makeDefault, enabled: row.enabled } };
  });
}
