/**
 * Unpublish a post: its published form (what every public read, list and feed serves) is taken
 * down and the post becomes a draft (its working copy stays; a scheduled publication is
 * cancelled). Through the commit step like every post save (write.ts `finish`): a new version and
 * revision, the purge of the post's, the lists', the feeds' and its authors' / terms' keys, the
 * `post.draft` webhook event (ButterCMS has no post.unpublished event) and one `post.unpublish`
 * audit row. A save with `status: "draft"` keeps the published form live (a draft over it).
 * Refused with `conflict` (409) when nothing is published, `version_mismatch` (412) on a stale If-Match.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { posts } from '../../db/schema/index.js';
import { commitWrite } from '../../outbox/index.js';
import { guardLiveChange, mayPublishOf, NOTHING_LIVE, refusingLiveChanges } from '../live-changes.js';
import { renderWorking, type PostJson, type PostRow } from './render.js';
import { auditPost, finish, lockLivePost, postLiveState, writerOf, type SavedPost, type SaveOptions } from './write.js';

export async function unpublishPost(db: Db, spaceId: string, slug: string, expectedVersion: number | null, opts: SaveOptions): Promise<Result<SavedPost>> {
  return refusingLiveChanges(() =>
    commitWrite(db, writerOf(opts), spaceId, async (w): Promise<Result<SavedPost>> => {
      const t = w.t;
      const locked = await lockLivePost(t, spaceId, slug, expectedVersion);
      if (!locked.ok) return locked;
      const current = locked.value;
      if (current.published === null) return { ok: false, error: 'conflict', detail: 'The post has no published version to take down.' };
      const [row] = (await t
        .update(posts)
        .set({ published: null, publishedAt: null, status: 'draft', scheduledAt: null, updatedAt: new Date(), version: sql`${posts.version} + 1` })
        .where(eq(posts.id, current.id))
        .returning()) as [PostRow];
      guardLiveChange(mayPublishOf(opts), postLiveState(current), NOTHING_LIVE);
      const rendered = (await renderWorking(t, [row])).get(row.id)!;
      await finish(w, spaceId, row, { status: 'draft', rendering: rendered, by: opts }, 'post.draft', [current.published as PostJson, rendered], []);
      auditPost(w, 'post.unpublish', row, 'draft', current.version);
      return { ok: true, value: { id: row.id, version: row.version, status: 'draft' } };
    }),
  );
}
