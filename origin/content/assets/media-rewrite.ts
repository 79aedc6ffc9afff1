/**
 * Rewrites a page, collection item or post once its remote media are imported
 * (media-import-worker.ts): each media value equal to an imported URL becomes the asset's path, and
 * each `<img src="…">` of its rich text naming one does too. The rewrite is an ordinary save
 * through the resource's own write service (pages/writes.ts, collections/write.ts,
 * blog/write.ts) — so it is one commit step: a new revision, the purge, the webhook event and one
 * audit row (actor: an operator, the media import) —, conditional on the version it read
 * (If-Match): a save in between makes it read again, so no one's edit is lost. Only the changed
 * top-level fields are sent (a merge). A published resource is republished with the rewrite; a
 * value someone changed meanwhile is left alone (only exact matches are replaced).
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { collectionItems, collections, pages, posts } from '../../db/schema/index.js';
import type { WriteActor } from '../../outbox/index.js';
import { findPageTypeSchema } from '../model/page-types.js';
import { updatePage } from '../pages/writes.js';
import { updateItem } from '../collections/write.js';
import { updatePost } from '../blog/write.js';
import type { FieldDef as CollectionFieldDef } from '../collections/fields.js';
import { mapItemMedia, mapPageMedia, mapPostMedia, type MediaResourceType, type MediaWalk } from './media-queue.js';

/** The media import as the audit row names it (an operator: the import finishing a writer's save). */
export const MEDIA_IMPORTER: WriteActor = { userId: null, keyId: null, system: 'operator' };

const MAX_TRIES = 3;

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** A walk replacing imported URLs (`replacements`: remote URL → asset path). */
export function replacingWalk(replacements: ReadonlyMap<string, string>): MediaWalk {
  return {
    media: (v) => replacements.get(v) ?? v,
    rich: (html) => {
      let out = html;
      // Stored HTML is the sanitiser's output: attributes double-quoted, `&` and `"` escaped.
      for (const [from, to] of replacements) out = out.split(`src="${escapeAttr(from)}"`).join(`src="${escapeAttr(to)}"`);
      return out;
    },
  };
}

function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) if (JSON.stringify(v) !== JSON.stringify(before[k])) patch[k] = v;
  return patch;
}

export type RewriteOutcome = 'rewritten' | 'unchanged' | 'gone';

/** Rewrites one resource; `gone` when it no longer exists (deleted), `unchanged` when nothing matched any more. */
export async function rewriteResource(db: Db, type: MediaResourceType, id: string, replacements: ReadonlyMap<string, string>): Promise<RewriteOutcome> {
  const walk = replacingWalk(replacements);
  for (let attempt = 1; ; attempt++) {
    const r = type === 'page' ? await rewritePage(db, id, walk) : type === 'item' ? await rewriteItem(db, id, walk) : await rewritePost(db, id, walk);
    if (r !== 'moved' || attempt >= MAX_TRIES) return r === 'moved' ? 'unchanged' : r;
  }
}

type Attempt = RewriteOutcome | 'moved';

const outcome = (r: { ok: boolean; error?: string }): Attempt => (r.ok ? 'rewritten' : r.error === 'version_mismatch' ? 'moved' : r.error === 'not_found' ? 'gone' : 'unchanged');

async function rewritePage(db: Db, id: string, walk: MediaWalk): Promise<Attempt> {
  const [p] = await db.select().from(pages).where(eq(pages.id, id)).limit(1);
  if (!p || p.deletedAt) return 'gone';
  const schema = p.pageType === '*' ? null : await findPageTypeSchema(db, p.spaceId, p.pageType);
  if (!schema) return 'unchanged';
  const fields = p.fields as Record<string, unknown>;
  const patch = changedFields(fields, mapPageMedia(schema, fields, walk));
  if (Object.keys(patch).length === 0) return 'unchanged';
  return outcome(
    await updatePage(db, { spaceId: p.spaceId, pageType: p.pageType, slug: p.slug, locale: p.locale, fields: patch, keyId: null, userId: null, mayPublish: true, actor: MEDIA_IMPORTER }, p.version),
  );
}

async function rewriteItem(db: Db, id: string, walk: MediaWalk): Promise<Attempt> {
  const [row] = await db
    .select({ item: collectionItems, key: collections.key, defs: collections.fields, spaceId: collections.spaceId })
    .from(collectionItems)
    .innerJoin(collections, eq(collections.id, collectionItems.collectionId))
    .where(eq(collectionItems.id, id))
    .limit(1);
  if (!row || row.item.deletedAt) return 'gone';
  const values = row.item.fields as Record<string, unknown>;
  const patch = changedFields(values, mapItemMedia(row.defs as CollectionFieldDef[], values, walk));
  if (Object.keys(patch).length === 0) return 'unchanged';
  return outcome(
    await updateItem(db, { spaceId: row.spaceId, key: row.key, itemId: row.item.itemId, locale: row.item.locale, fields: patch, replace: false, keyId: null, userId: null, mayPublish: true, actor: MEDIA_IMPORTER }, row.item.version),
  );
}

async function rewritePost(db: Db, id: string, walk: MediaWalk): Promise<Attempt> {
  const [p] = await db.select().from(posts).where(eq(posts.id, id)).limit(1);
  if (!p || p.deletedAt) return 'gone';
  const after = mapPostMedia({ featured_image: p.featuredImage, body: p.body }, walk);
  const patch = changedFields({ featured_image: p.featuredImage, body: p.body }, after);
  if (Object.keys(patch).length === 0) return 'unchanged';
  return outcome(await updatePost(db, p.spaceId, p.slug, patch, p.version, { keyId: null, userId: null, mayPublish: true, actor: MEDIA_IMPORTER }));
}
