import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { ApiKeyKind } from '../../../shared/api-key.js';
import type { Db } from '../../db/client.js';
import { pages, spaces } from '../../db/schema/index.js';

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

/* ------------------------------------------------------------------------------------------ *
 * The hot path: `GET /v2/pages/{type}/{slug}/` (published, not preview) in ONE round trip,
 * as a hand-written statement prepared once per connection (Drizzle sends unnamed statements,
 * so Postgres would parse and plan every request). The page comes back as the stored JSON
 * text, written out as is; `has_refs` says whether its page type declares a reference field
 * (only then may `levels` change the body, and the route parses and expands it).
 * ------------------------------------------------------------------------------------------ */

type RawRows = Record<string, unknown>[];
/** `params` is handed to the driver as is (a fresh array per call). */
export type RawQuery = (text: string, params: unknown[]) => Promise<RawRows>;

interface PostgresJsClient {
  unsafe(text: string, params: unknown[], opts: { prepare: boolean }): Promise<RawRows>;
}
interface PgliteClient {
  query(text: string, params: unknown[]): Promise<{ rows: RawRows }>;
}

const rawQueries = new WeakMap<object, RawQuery | null>();

/** Positional-parameter SQL over the database's own client (postgres.js: prepared), or null. */
export function rawQuery(db: Db): RawQuery | null {
  let q = rawQueries.get(db);
  if (q !== undefined) return q;
  const client = (db as unknown as { $client?: unknown }).$client;
  if (typeof client === 'function' && typeof (client as Partial<PostgresJsClient>).unsafe === 'function') {
    const pg = client as unknown as PostgresJsClient;
    q = (text, params) => pg.unsafe(text, params, { prepare: true });
  } else if (typeof client === 'object' && client !== null && typeof (client as Partial<PgliteClient>).query === 'function') {
    const lite = client as PgliteClient;
    q = async (text, params) => (await lite.query(text, params)).rows;
  } else {
    q = null;
  }
  rawQueries.set(db, q);
  return q;
}

/** The page of `k.space_id` for SQL expressions giving the slug, the locale (null = the space's default) and the type ('*' = any). */
function pageLateral(slug: string, locale: string, pageType: string): string {
  return `
  select pg.id, pg.page_type, pg.locale, pg.published::text as body,
    pg.page_type <> '*' and exists (
      select 1 from page_types pt
      where pt.space_id = pg.space_id and pt.slug = pg.page_type
        and jsonb_path_exists(pt.fields, 'lax $.** ? (@.type == "reference")')
    ) as has_refs
  from pages pg
  where pg.space_id = k.space_id and pg.slug = ${slug}
    and pg.locale = coalesce(${locale}, (select s.default_locale from spaces s where s.id = k.space_id))
    and pg.deleted_at is null and pg.published is not null
    and (${pageType} = '*' or pg.page_type = ${pageType})
  order by pg.page_type = '*' desc, pg.created_at
  limit 1`;
}

/** The page of `k.space_id` ($3 slug, $4 locale or null = the space's default, $5 type or '*'). */
const PAGE_LATERAL = pageLateral('$3::text', '$4::text', '$5::text');

/** $1 token hash, $2 now: the active key (not revoked, not expired) and its space's page. */
const KEY_AND_PAGE_SQL = `
select k.id as key_id, k.organization_id, k.space_id, k.kind, k.scopes,
  p.id as page_id, p.page_type, p.locale, p.body, p.has_refs
from api_keys k
left join lateral (${PAGE_LATERAL}) p on true
where k.token_hash = $1::text and k.revoked_at is null and (k.expires_at is null or k.expires_at > $2::timestamptz)
limit 1`;

/** $1 space id ($2 unused, keeps the parameter numbering): the page alone (edge-asserted key). */
const PAGE_SQL = `
select p.id as page_id, p.page_type, p.locale, p.body, p.has_refs
from (select $1::uuid as space_id, $2::text as unused) k
cross join lateral (${PAGE_LATERAL}) p`;

export interface RawPublishedPage {
  id: string;
  pageType: string;
  locale: string;
  /** The stored `published` JSON, as text. */
  json: string;
  /** The page type declares reference fields (expansion may change the body). */
  hasRefs: boolean;
}

export interface KeyAndPage {
  key: { id: string; organizationId: string; spaceId: string | null; kind: ApiKeyKind; scopes: string[] };
  page: RawPublishedPage | null;
}

interface PageQuery {
  pageType: string;
  slug: string;
  locale: string | null;
}

function rawPage(row: Record<string, unknown>): RawPublishedPage | null {
  if (row.page_id === null || row.page_id === undefined) return null;
  return { id: String(row.page_id), pageType: String(row.page_type), locale: String(row.locale), json: String(row.body), hasRefs: row.has_refs === true };
}

/**
 * The active key whose SHA-256 is `tokenHash` and, in the same query, its space's published
 * page (null when there is none or the key has no space); null when no such key is active.
 */
export async function findKeyAndPublishedPage(raw: RawQuery, tokenHash: string, now: Date, q: PageQuery): Promise<KeyAndPage | null> {
  const rows = await raw(KEY_AND_PAGE_SQL, [tokenHash, now.toISOString(), q.slug, q.locale, q.pageType]);
  const row = rows[0];
  if (!row) return null;
  const key = {
    id: String(row.key_id),
    organizationId: String(row.organization_id),
    spaceId: row.space_id === null ? null : String(row.space_id),
    kind: row.kind as ApiKeyKind,
    scopes: (row.scopes as string[] | null) ?? [],
  };
  return { key, page: rawPage(row) };
}

/* ------------------------------------------------------------------------------------------ *
 * Several key-and-page lookups in one statement (the read fast path, origin/content/pages/read-path.ts, sends
 * the reads that arrive together). Per lookup, exactly KEY_AND_PAGE_SQL's conditions: the active
 * key with that hash, and its own space's page. One statement text per lookup count: a fixed
 * number of rows lets Postgres settle on one generic plan for each, as for the single lookup
 * (an array parameter would be estimated at 100 rows and re-planned on every call).
 * ------------------------------------------------------------------------------------------ */

/** Most lookups in one statement. */
export const MAX_LOOKUPS_PER_QUERY = 16;

const lookupsSql: string[] = [];

/** $1 now; then per lookup i (from 0): token hash, slug, locale or null, type or '*'. Rows carry `i`; a lookup without an active key has none. */
function keysAndPagesSql(n: number): string {
  let text = lookupsSql[n];
  if (text === undefined) {
    const rows: string[] = [];
    for (let i = 0; i < n; i++) {
      const at = 2 + 4 * i;
      rows.push(`($${at}::text, $${at + 1}::text, $${at + 2}::text, $${at + 3}::text, ${i})`);
    }
    text = `
select r.i, k.id as key_id, k.space_id, k.kind, k.scopes, p.id as page_id, p.page_type, p.locale, p.body, p.has_refs
from (values ${rows.join(', ')}) as r(token_hash, slug, locale, page_type, i)
cross join lateral (
  select k.id, k.space_id, k.kind, k.scopes from api_keys k
  where k.token_hash = r.token_hash and k.revoked_at is null and (k.expires_at is null or k.expires_at > $1::timestamptz)
  limit 1
) k
left join lateral (${pageLateral('r.slug', 'r.locale', 'r.page_type')}) p on true`;
    lookupsSql[n] = text;
  }
  return text;
}

export interface KeyPageLookup extends PageQuery {
  tokenHash: string;
}

export interface KeySpaceAndPage {
  /** The key: its id, space, kind and stored scopes (what it may read: shared/permissions.ts keyAllows). */
  key: { id: string; spaceId: string | null; kind: ApiKeyKind; scopes: readonly string[] };
  page: RawPublishedPage | null;
}

/**
 * findKeyAndPublishedPage for each lookup (1 to MAX_LOOKUPS_PER_QUERY of them) in one statement:
 * the answers in the lookups' order, null where no such key is active.
 */
export async function findKeysAndPublishedPages(raw: RawQuery, now: Date, lookups: readonly KeyPageLookup[]): Promise<(KeySpaceAndPage | null)[]> {
  const n = lookups.length;
  if (n === 1) return [await findKeyAndPublishedPage(raw, lookups[0]!.tokenHash, now, lookups[0]!)];
  if (n < 1 || n > MAX_LOOKUPS_PER_QUERY) throw new RangeError(`1 to ${MAX_LOOKUPS_PER_QUERY} lookups per query, not ${n}`);
  const params: unknown[] = [now.toISOString()];
  for (const l of lookups) params.push(l.tokenHash, l.slug, l.locale, l.pageType);
  const rows = await raw(keysAndPagesSql(n), params);
  const out: (KeySpaceAndPage | null)[] = new Array<KeySpaceAndPage | null>(n).fill(null);
  for (const row of rows) {
    const i = Number(row.i);
    if (!Number.isInteger(i) || i < 0 || i >= n || out[i] !== null) throw new Error('page lookups: unexpected row');
    out[i] = {
      key: { id: String(row.key_id), spaceId: row.space_id === null ? null : String(row.space_id), kind: row.kind as ApiKeyKind, scopes: (row.scopes as string[] | null) ?? [] },
      page: rawPage(row),
    };
  }
  return out;
}

/** The published page of a known space (as `findPublishedPage`, non-preview), its JSON as text. */
export async function findPublishedPageJson(raw: RawQuery, spaceId: string, q: PageQuery): Promise<RawPublishedPage | null> {
  const rows = await raw(PAGE_SQL, [spaceId, null, q.slug, q.locale, q.pageType]);
  return rows[0] ? rawPage(rows[0]) : null;
}
