/**
 * Page lists and search (ButterCMS `/v2/pages/{type}/` and `/v2/pages/search/`), plus the
 * expansion of reference fields (`levels`).
 *
 * Published reads select the pre-rendered `published` JSON; ordered by `published` (either
 * way) they walk `pages_list_published_idx` (space_id, page_type, locale, published_at, id)
 * whose predicate (published is not null and deleted_at is null) the query repeats, so a page
 * costs the same at any list size; `meta.count` comes from `page_counts` (see `countList`).
 * Preview reads render working copies now.
 *
 * Every page that contributes to a response (listed or embedded by a reference) is reported in
 * `keys` as `page:<id>`; a reference to a page that is not (yet) visible adds `slug:<space>:<slug>`
 * so its creation purges the list; embedded collection items add `item:<uuid>`.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { FieldDef, FieldSchema } from '../model/schema.js';
import type { Db } from '../../db/client.js';
import { collectionItems, collections, pageCounts, pages } from '../../db/schema/index.js';
import { findPageTypeSchema } from '../model/page-types.js';
import { renderPage } from './pages.js';
import { renderItem, type FieldDef as ItemFieldDef } from '../collections/fields.js';

export type Paging = { kind: 'page'; page: number; pageSize: number } | { kind: 'offset'; limit: number; offset: number };
export type Order = { by: 'published' | 'updated' } | { by: 'field'; field: string };
export type FilterValue = string | number | boolean;

export interface ListQuery {
  spaceId: string;
  pageType: string;
  locale: string;
  preview: boolean;
  paging: Paging;
  order: Order;
  descending: boolean;
  filters: { name: string; value: FilterValue }[];
  levels: number;
}

export interface ListResult {
  data: Record<string, unknown>[];
  count: number;
  keys: Set<string>;
}

const FIELDS_PATH = (preview: boolean): SQL => (preview ? sql`${pages.fields}` : sql`(${pages.published} -> 'fields')`);
/**
 * A page's title and last update as readers see them: the working copy's in preview, else the
 * published form's — a draft's new title or a draft save's time must never reach a live read
 * (not even through search matches or list order).
 */
const NAME_PATH = (preview: boolean): SQL => (preview ? sql`${pages.name}` : sql`(${pages.published} ->> 'name')`);
const UPDATED_ORDER = (preview: boolean): SQL => (preview ? sql`${pages.updatedAt}` : sql`(${pages.published} ->> 'updated')`);
const fieldValue = (preview: boolean, name: string): SQL => sql`(${FIELDS_PATH(preview)} -> ${name}::text)`;

/**
 * Published lists' filters also test containment of all the filtered values at once: implied
 * by the equalities (which decide), it lets `pages_published_fields_idx` (GIN over the
 * published fields) find the matches instead of a walk through the whole list.
 */
function containment(q: ListQuery): SQL | undefined {
  if (q.preview || q.filters.length === 0) return undefined;
  return sql`${FIELDS_PATH(false)} @> ${JSON.stringify(Object.fromEntries(q.filters.map((f) => [f.name, f.value])))}::jsonb`;
}

function listWhere(q: ListQuery): SQL {
  return and(
    eq(pages.spaceId, q.spaceId),
    eq(pages.pageType, q.pageType),
    eq(pages.locale, q.locale),
    isNull(pages.deletedAt),
    q.preview ? undefined : isNotNull(pages.published),
    containment(q),
    ...q.filters.map((f) => sql`${fieldValue(q.preview, f.name)} = ${JSON.stringify(f.value)}::jsonb`),
  )!;
}

/**
 * meta.count, exact. Without filters it is the list's maintained counter (`page_counts`, kept
 * by triggers in the writing transactions): one row read, whatever the list's size. With
 * filters, the matches are counted (found through the GIN index when published).
 */
export async function countList(db: Db, q: ListQuery): Promise<number> {
  if (q.filters.length === 0) {
    const [row] = await db
      .select({ n: q.preview ? pageCounts.live : pageCounts.published })
      .from(pageCounts)
      .where(and(eq(pageCounts.spaceId, q.spaceId), eq(pageCounts.pageType, q.pageType), eq(pageCounts.locale, q.locale)));
    return Math.max(0, row?.n ?? 0);
  }
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(pages).where(listWhere(q));
  return row?.n ?? 0;
}

function limitOffset(p: Paging): { limit: number; offset: number } {
  return p.kind === 'page' ? { limit: p.pageSize, offset: (p.page - 1) * p.pageSize } : { limit: p.limit, offset: p.offset };
}

const rowColumns = {
  id: pages.id,
  slug: pages.slug,
  name: pages.name,
  pageType: pages.pageType,
  fields: pages.fields,
  published: pages.published,
  publishedAt: pages.publishedAt,
  updatedAt: pages.updatedAt,
};

/** The list query (exported so a test can EXPLAIN it). */
export function buildListQuery(db: Db, q: ListQuery) {
  const dir = (x: SQL | typeof pages.publishedAt | typeof pages.updatedAt) => (q.descending ? desc(x) : asc(x));
  const tie = q.descending ? desc(pages.id) : asc(pages.id);
  let order: SQL[];
  switch (q.order.by) {
    case 'published':
      order = [dir(pages.publishedAt), tie];
      break;
    case 'updated':
      order = [dir(UPDATED_ORDER(q.preview)), tie];
      break;
    case 'field':
      order = [sql`${fieldValue(q.preview, q.order.field)} ${sql.raw(q.descending ? 'desc' : 'asc')} nulls last`, desc(pages.publishedAt), tie];
      break;
  }
  const { limit, offset } = limitOffset(q.paging);
  return db
    .select(rowColumns)
    .from(pages)
    .where(listWhere(q))
    .orderBy(...order)
    .limit(limit)
    .offset(offset);
}

type Row = Awaited<ReturnType<ReturnType<typeof buildListQuery>['execute']>>[number];

function bodyOf(row: Row, preview: boolean): Record<string, unknown> {
  if (preview) return renderPage({ slug: row.slug, name: row.name, pageType: row.pageType, fields: row.fields, publishedAt: row.publishedAt, updatedAt: row.updatedAt });
  return row.published as Record<string, unknown>;
}

export async function listPages(db: Db, q: ListQuery): Promise<ListResult> {
  const [rows, count] = await Promise.all([buildListQuery(db, q), countList(db, q)]);
  const exp = new Expander(db, q.spaceId, q.locale, q.preview);
  const data: Record<string, unknown>[] = [];
  for (const row of rows) {
    exp.keys.add(surrogateKeys.page(row.id));
    data.push(await exp.expandPage(bodyOf(row, q.preview), row.pageType, q.levels, new Set([row.id])));
  }
  return { data, count, keys: exp.keys };
}

export interface SearchQuery {
  spaceId: string;
  query: string;
  pageType: string | null;
  locale: string;
  preview: boolean;
  paging: Paging;
  levels: number;
}

/** `%`, `_` and `\` are literal in the user's query. */
export function likePattern(query: string): string {
  return `%${query.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/**
 * Case-insensitive search over the name and every string value (at any depth) of the fields of
 * published pages — as published, never their working copies — (working copies in preview),
 * newest first.
 */
export async function searchPages(db: Db, q: SearchQuery): Promise<ListResult> {
  const pattern = likePattern(q.query);
  const src = FIELDS_PATH(q.preview);
  const where = and(
    eq(pages.spaceId, q.spaceId),
    eq(pages.locale, q.locale),
    isNull(pages.deletedAt),
    q.preview ? undefined : isNotNull(pages.published),
    q.pageType === null ? undefined : eq(pages.pageType, q.pageType),
    or(
      sql`${NAME_PATH(q.preview)} ilike ${pattern}`,
      sql`exists (select 1 from jsonb_path_query(${src}, 'strict $.**') as v(j) where jsonb_typeof(v.j) = 'string' and (v.j #>> '{}') ilike ${pattern})`,
    ),
  );
  const { limit, offset } = limitOffset(q.paging);
  const [rows, counted] = await Promise.all([
    db.select(rowColumns).from(pages).where(where).orderBy(desc(pages.publishedAt), desc(pages.id)).limit(limit).offset(offset),
    db.select({ n: sql<number>`count(*)::int` }).from(pages).where(where),
  ]);
  const exp = new Expander(db, q.spaceId, q.locale, q.preview);
  const data: Record<string, unknown>[] = [];
  for (const row of rows) {
    exp.keys.add(surrogateKeys.page(row.id));
    data.push(await exp.expandPage(bodyOf(row, q.preview), row.pageType, q.levels, new Set([row.id])));
  }
  return { data, count: counted[0]?.n ?? 0, keys: exp.keys };
}

// ---------------------------------------------------------------- references

interface RefPage {
  id: string;
  pageType: string;
  body: Record<string, unknown>;
}

export const pageRefPath = (pageType: string, slug: string) => `/v2/pages/${pageType}/${slug}/`;
/** ButterCMS's path of an unexpanded collection item (as origin/content/collections/read.ts renders it). */
export const itemRefPath = (key: string, itemId: number) => `/v2/content/?keys=${key}[_id=${itemId}]`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Replaces reference values (slugs / item ids) by the referenced objects' rendered forms, `levels`
 * deep: levels 1 leaves API paths, 2 embeds the referenced objects (their own references as
 * paths), and so on. A page already on the path from the root (a cycle) stays a path.
 * Lookups are cached per request.
 */
export class Expander {
  readonly keys = new Set<string>();
  private readonly schemas = new Map<string, Promise<FieldSchema | null>>();
  private readonly pageCache = new Map<string, RefPage | null>();

  constructor(
    private readonly db: Db,
    private readonly spaceId: string,
    private readonly locale: string,
    private readonly preview: boolean,
  ) {}

  private schema(pageType: string): Promise<FieldSchema | null> {
    if (pageType === '*') return Promise.resolve(null);
    let s = this.schemas.get(pageType);
    if (!s) {
      s = findPageTypeSchema(this.db, this.spaceId, pageType);
      this.schemas.set(pageType, s);
    }
    return s;
  }

  async expandPage(body: Record<string, unknown>, pageType: string, levels: number, chain: Set<string>): Promise<Record<string, unknown>> {
    const schema = await this.schema(pageType);
    if (!schema || !isRecord(body.fields) || !hasReferences(schema)) return body;
    return { ...body, fields: await this.expandObject(schema, body.fields, levels, chain) };
  }

  private async expandObject(defs: FieldDef[], value: Record<string, unknown>, levels: number, chain: Set<string>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = { ...value };
    for (const def of defs) {
      const v = value[def.name];
      if (v === undefined || v === null) continue;
      if (def.type === 'reference') out[def.name] = await this.expandReference(def, v, levels, chain);
      else if (def.type === 'component' && isRecord(v) && hasReferences(def.fields)) out[def.name] = await this.expandObject(def.fields, v, levels, chain);
      else if (def.type === 'repeater' && Array.isArray(v) && hasReferences(def.fields)) {
        const items: unknown[] = [];
        for (const item of v) items.push(isRecord(item) ? await this.expandObject(def.fields, item, levels, chain) : item);
        out[def.name] = items;
      }
    }
    return out;
  }

  private async expandReference(def: Extract<FieldDef, { type: 'reference' }>, v: unknown, levels: number, chain: Set<string>): Promise<unknown> {
    const list = Array.isArray(v) ? v : [v];
    const single = (def.max ?? 1) === 1;
    let rendered: unknown[];
    if (def.page_type !== undefined) {
      const type = def.page_type;
      const slugs = list.filter((x): x is string => typeof x === 'string');
      if (levels <= 1) rendered = slugs.map((s) => pageRefPath(type, s));
      else {
        const found = await this.pages(type, slugs);
        rendered = [];
        for (const slug of slugs) {
          const page = found.get(slug);
          if (!page) {
            // Not visible (yet): dropped, and the response is tagged so its publication purges it.
            this.keys.add(surrogateKeys.pageSlug(this.spaceId, slug));
            continue;
          }
          this.keys.add(surrogateKeys.page(page.id));
          if (chain.has(page.id)) rendered.push(pageRefPath(type, slug));
          else rendered.push(await this.expandPage(page.body, page.pageType, levels - 1, new Set([...chain, page.id])));
        }
      }
    } else {
      const key = def.collection ?? '';
      const ids = list.filter((x): x is number => typeof x === 'number');
      if (levels <= 1) rendered = ids.map((id) => itemRefPath(key, id));
      else {
        const found = await this.items(key, ids);
        rendered = ids.map((id) => {
          const item = found.get(id);
          if (!item) return itemRefPath(key, id);
          this.keys.add(surrogateKeys.collectionItem(item.uuid));
          return item.body;
        });
      }
    }
    return single ? (rendered[0] ?? null) : rendered;
  }

  private async pages(pageType: string, slugs: string[]): Promise<Map<string, RefPage>> {
    const out = new Map<string, RefPage>();
    const missing = slugs.filter((s) => !this.pageCache.has(`${pageType}/${s}`));
    if (missing.length > 0) {
      const rows = await this.db
        .select(rowColumns)
        .from(pages)
        .where(
          and(
            eq(pages.spaceId, this.spaceId),
            eq(pages.pageType, pageType),
            eq(pages.locale, this.locale),
            inArray(pages.slug, missing),
            isNull(pages.deletedAt),
            this.preview ? undefined : isNotNull(pages.published),
          ),
        );
      for (const s of missing) this.pageCache.set(`${pageType}/${s}`, null);
      for (const r of rows) this.pageCache.set(`${pageType}/${r.slug}`, { id: r.id, pageType: r.pageType, body: bodyOf(r, this.preview) });
    }
    for (const s of slugs) {
      const p = this.pageCache.get(`${pageType}/${s}`);
      if (p) out.set(s, p);
    }
    return out;
  }

  private async items(key: string, ids: number[]): Promise<Map<number, { uuid: string; body: Record<string, unknown> }>> {
    const out = new Map<number, { uuid: string; body: Record<string, unknown> }>();
    if (ids.length === 0) return out;
    const rows = await this.db
      .select({ uuid: collectionItems.id, itemId: collectionItems.itemId, published: collectionItems.published, fields: collectionItems.fields, defs: collections.fields })
      .from(collectionItems)
      .innerJoin(collections, eq(collections.id, collectionItems.collectionId))
      .where(
        and(
          eq(collections.spaceId, this.spaceId),
          eq(collections.key, key),
          eq(collectionItems.locale, this.locale),
          inArray(collectionItems.itemId, ids),
          isNull(collectionItems.deletedAt),
          // Previews expand referenced items as they are now (drafts included), as ButterCMS does; live reads their published form.
          this.preview ? undefined : isNotNull(collectionItems.published),
        ),
      );
    for (const r of rows) {
      if (this.preview && isRecord(r.fields)) out.set(r.itemId, { uuid: r.uuid, body: renderItem(r.itemId, r.defs as ItemFieldDef[], r.fields) });
      else if (isRecord(r.published)) out.set(r.itemId, { uuid: r.uuid, body: r.published });
    }
    return out;
  }
}

function hasReferences(defs: FieldDef[]): boolean {
  return defs.some((d) => d.type === 'reference' || ((d.type === 'repeater' || d.type === 'component') && hasReferences(d.fields)));
}
