/**
 * Post revisions: the immutable row every save writes in its transaction (its `fields` are the
 * post's content as a write body names it, so a rollback replays them through an ordinary
 * update, origin/content/blog/write.ts). The history and the revision a rollback replays are the
 * content domain's one owner's (origin/content/revisions.ts).
 */
import type { Db } from '../../db/client.js';
import { postRevisions } from '../../db/schema/index.js';
import type { PostJson, PostRow, PostStatus } from './render.js';

/** A revision's `fields`: the post's content besides its title, as a write body names it. */
export interface PostRevisionFields {
  body: string;
  summary: string;
  seo_title: string;
  meta_description: string;
  featured_image: string;
  featured_image_alt: string;
  author: string | null;
  categories: string[];
  tags: string[];
}

function revisionFields(p: PostJson): PostRevisionFields {
  return {
    body: p.body,
    summary: p.summary,
    seo_title: p.seo_title,
    meta_description: p.meta_description,
    featured_image: p.featured_image ?? '',
    featured_image_alt: p.featured_image_alt,
    author: p.author?.slug ?? null,
    categories: p.categories.map((c) => c.name),
    tags: p.tags.map((g) => g.name),
  };
}

export async function writeRevision(t: Db, row: PostRow, status: PostStatus | 'deleted', rendering: PostJson, by: { keyId: string | null; userId: string | null }): Promise<void> {
  await t
    .insert(postRevisions)
    .values({ postId: row.id, version: row.version, title: row.title, status, fields: revisionFields(rendering), createdByKey: by.keyId, createdByUser: by.userId });
}
