/**
 * The media import's queue (design: media-import-worker.ts). A content save calls one of
 * `queuePageMedia` / `queueItemMedia` / `queuePostMedia` from inside its own transaction (the
 * revision step of the commit step), so the queued import commits with the save or not at all:
 * every remote URL in a media field (a page type's `media`, a collection's `media`, a post's
 * `featured_image`) — and, when the writer asked for it (`upload_images_to_media_library`), every
 * `<img src>` of the rich text — becomes one `media_imports` row per (space, URL), never two, and a
 * `media_import_refs` row naming the resource to rewrite once the asset is there.
 *
 * Which values are media is read from the schema (a page type's field tree, a collection's field
 * list), never guessed from the strings. Already-imported URLs (`/assets/…`) are skipped.
 */
import sanitizeHtml from 'sanitize-html';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { mediaImportRefs, mediaImports } from '../../db/schema/index.js';
import { MAX_URL_LENGTH } from '../model/sanitize.js';
import type { FieldSchema } from '../model/schema.js';
import { findPageTypeSchema } from '../model/page-types.js';
import type { FieldDef as CollectionFieldDef } from '../collections/fields.js';
import { isAssetUrl } from './store.js';

export type MediaResourceType = 'page' | 'item' | 'post';

/** Most URLs one save queues (a body with more images keeps the rest remote). */
export const MAX_URLS_PER_SAVE = 100;

/** A URL worth importing: absolute http(s), not already an asset, of a sane length. */
export function isImportableUrl(v: unknown): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_URL_LENGTH || isAssetUrl(v)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** The `<img src>` URLs of an HTML string (read by sanitize-html's parser, not by pattern). */
export function imageSources(html: string): string[] {
  const found: string[] = [];
  if (!html.includes('<img') && !html.includes('<IMG')) return found;
  sanitizeHtml(html, {
    allowedTags: ['img'],
    allowedAttributes: { img: ['src'] },
    transformTags: {
      img: (tagName, attribs) => {
        if (attribs.src) found.push(attribs.src);
        return { tagName, attribs };
      },
    },
  });
  return found;
}

export interface MediaWalk {
  /** The value of a media (URL) field. */
  media: (v: string) => string;
  /** The value of a rich (HTML) field. */
  rich: (v: string) => string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Maps the media and rich values of a page's fields through `walk` (by the page type's field tree); other values unchanged. */
export function mapPageMedia(schema: FieldSchema, fields: Record<string, unknown>, walk: MediaWalk): Record<string, unknown> {
  const out: Record<string, unknown> = { ...fields };
  for (const def of schema) {
    const v = fields[def.name];
    if (v === undefined || v === null) continue;
    if (def.type === 'media' && typeof v === 'string') out[def.name] = walk.media(v);
    else if (def.type === 'rich_text' && typeof v === 'string') out[def.name] = walk.rich(v);
    else if (def.type === 'component' && isRecord(v)) out[def.name] = mapPageMedia(def.fields, v, walk);
    else if (def.type === 'repeater' && Array.isArray(v)) out[def.name] = v.map((item) => (isRecord(item) ? mapPageMedia(def.fields, item, walk) : item));
  }
  return out;
}

/** The same over a collection item's values (flat field list: media, and wysiwyg / html as rich). */
export function mapItemMedia(defs: readonly CollectionFieldDef[], values: Record<string, unknown>, walk: MediaWalk): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const def of defs) {
    const v = values[def.name];
    if (typeof v !== 'string') continue;
    if (def.type === 'media') out[def.name] = walk.media(v);
    else if (def.type === 'wysiwyg' || def.type === 'html') out[def.name] = walk.rich(v);
  }
  return out;
}

/** A post's media: `featured_image`, and `body` as rich text. */
export function mapPostMedia(post: { featured_image: string; body: string }, walk: MediaWalk): { featured_image: string; body: string } {
  return { featured_image: post.featured_image === '' ? '' : walk.media(post.featured_image), body: walk.rich(post.body) };
}

/** A walk that only collects: media URLs always, image sources of rich text when `bodyImages`. */
function collector(bodyImages: boolean): { walk: MediaWalk; urls: Set<string> } {
  const urls = new Set<string>();
  const walk: MediaWalk = {
    media: (v) => {
      if (isImportableUrl(v)) urls.add(v);
      return v;
    },
    rich: (v) => {
      if (bodyImages) for (const src of imageSources(v)) if (isImportableUrl(src)) urls.add(src);
      return v;
    },
  };
  return { walk, urls };
}

/**
 * Queues imports of `urls` for the space (one row per URL, whatever happens twice), naming
 * `ref` (when given) as a resource to rewrite. In the caller's transaction. Returns the import ids.
 */
export async function queueMediaImports(t: Db, spaceId: string, urls: Iterable<string>, ref?: { type: MediaResourceType; id: string }): Promise<Map<string, string>> {
  const list = [...new Set(urls)].filter(isImportableUrl).slice(0, MAX_URLS_PER_SAVE);
  const ids = new Map<string, string>();
  if (list.length === 0) return ids;
  await t
    .insert(mediaImports)
    .values(list.map((url) => ({ spaceId, url })))
    .onConflictDoNothing({ target: [mediaImports.spaceId, mediaImports.url] });
  const rows = await t.select({ id: mediaImports.id, url: mediaImports.url }).from(mediaImports).where(and(eq(mediaImports.spaceId, spaceId), inArray(mediaImports.url, list)));
  for (const r of rows) ids.set(r.url, r.id);
  if (ref && rows.length > 0) {
    await t
      .insert(mediaImportRefs)
      .values(rows.map((r) => ({ importId: r.id, resourceType: ref.type, resourceId: ref.id })))
      .onConflictDoUpdate({ target: [mediaImportRefs.importId, mediaImportRefs.resourceType, mediaImportRefs.resourceId], set: { rewrittenAt: sql`null` } });
  }
  return ids;
}

/** Cheap first look: a value with no absolute URL in it has nothing to import. */
const mayHoldUrls = (v: unknown) => JSON.stringify(v ?? null).includes('http');

/** A page save (its working copy as saved): queues its media fields' remote URLs. */
export async function queuePageMedia(t: Db, page: { spaceId: string; pageType: string; id: string; fields: unknown; status: string }, opts: { bodyImages?: boolean } = {}): Promise<void> {
  if (page.status === 'deleted' || page.pageType === '*' || !isRecord(page.fields) || !mayHoldUrls(page.fields)) return;
  const schema = await findPageTypeSchema(t, page.spaceId, page.pageType);
  if (!schema) return;
  const { walk, urls } = collector(opts.bodyImages ?? false);
  mapPageMedia(schema, page.fields, walk);
  await queueMediaImports(t, page.spaceId, urls, { type: 'page', id: page.id });
}

/** A collection item save: queues its media fields' remote URLs. */
export async function queueItemMedia(t: Db, item: { spaceId: string; id: string; defs: readonly CollectionFieldDef[]; values: Record<string, unknown>; status: string }, opts: { bodyImages?: boolean } = {}): Promise<void> {
  if (item.status === 'deleted' || !mayHoldUrls(item.values)) return;
  const { walk, urls } = collector(opts.bodyImages ?? false);
  mapItemMedia(item.defs, item.values, walk);
  await queueMediaImports(t, item.spaceId, urls, { type: 'item', id: item.id });
}

/** A post save: queues `featured_image` (and the body's images with `bodyImages`). */
export async function queuePostMedia(t: Db, post: { spaceId: string; id: string; featuredImage: string; body: string; status: string }, opts: { bodyImages?: boolean } = {}): Promise<void> {
  if (post.status === 'deleted' || !mayHoldUrls([post.featuredImage, post.body])) return;
  const { walk, urls } = collector(opts.bodyImages ?? false);
  mapPostMedia({ featured_image: post.featuredImage, body: post.body }, walk);
  await queueMediaImports(t, post.spaceId, urls, { type: 'post', id: post.id });
}
