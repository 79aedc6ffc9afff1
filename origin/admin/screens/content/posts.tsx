/**
 * Blog posts of a space (issue 20): the list — GET /v2/manage/spaces/:space/posts with the API's
 * own filters (status, last saved by, blog author, category, tag, text) and pagination — with
 * "New post" and, for deleted ones (status=deleted), Restore. The editor is post-editor.tsx.
 * Posts have no locale (the blog API has none).
 */
import type { Hono } from 'hono';
import { api, must } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken } from '../../security.js';
import type { ListMeta, Status } from './common.js';
import { AuthorFilter, FilterForm, ListCount, ListTable, listQuery, restored, RowEnd, StatusFilter, TitleCell } from './filters.js';
import { spaceUrl } from './shared.js';

interface Entry {
  slug: string;
  title: string;
  status: Status;
  version: number;
  author_slug: string | null;
  updated: string;
}

const enc = encodeURIComponent;
const FILTERS = ['status', 'author', 'author_slug', 'category_slug', 'tag_slug', 'query', 'page'] as const;

export const postsUrl = (org: string, space: string) => spaceUrl(org, space, 'posts');
/** A post's editor URL, with `rest` (/revisions, /preview …). */
export const postUrl = (org: string, space: string, slug: string, rest = '') => spaceUrl(org, space, `posts/${enc(slug)}${rest}`);

function SlugFilter(props: { id: string; name: string; label: string; value: string }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input id={props.id} name={props.name} type="text" value={props.value} maxlength={200} pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,199}" />
    </div>
  );
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.get('/o/:org/s/:space/posts', signedIn, async (c) => {
    const { org, space } = c.req.param();
    const me = c.get('me')!;
    const q = listQuery(c, FILTERS, me.user_id);
    const answer = must(await api(c).get<{ meta: ListMeta; data: Entry[] }>(`/v2/manage/spaces/${space}/posts?${q.api}`));
    const mayWrite = can(me, 'content.write', org, space);
    const mayRestore = can(me, 'content.delete', org, space);
    const base = postsUrl(org, space);
    return render(
      c,
      { title: 'Blog posts', org, space, active: 'posts' },
      <>
        <h1>Blog posts</h1>
        <FilterForm action={base} label="Search and filter posts" query={q.value('query')}>
          <StatusFilter selected={q.value('status')} />
          <AuthorFilter selected={q.value('author')} />
          <SlugFilter id="filter-blog-author" name="author_slug" label="Blog author (slug)" value={q.value('author_slug')} />
          <SlugFilter id="filter-category" name="category_slug" label="Category (slug)" value={q.value('category_slug')} />
          <SlugFilter id="filter-tag" name="tag_slug" label="Tag (slug)" value={q.value('tag_slug')} />
        </FilterForm>
        {mayWrite ? (
          <p>
            <a class="btn btn-primary" href={postUrl(org, space, '_new')}>
              New post
            </a>
          </p>
        ) : null}
        <ListCount count={answer.meta.count} one="post" many="posts" />
        <ListTable caption="Blog posts" columns={['Title', 'Author', 'Status', 'Updated']} meta={answer.meta} link={(p) => q.pageLink(base, p)}>
          {answer.data.map((p) => (
            <tr>
              <TitleCell title={p.title} href={postUrl(org, space, p.slug)} deleted={p.status === 'deleted'} slug={p.slug} />
              <td class="mono">{p.author_slug ?? ''}</td>
              <RowEnd status={p.status} updated={p.updated} restore={mayRestore ? postUrl(org, space, p.slug, '/restore') : null} token={formToken(c)} name={p.title} />
            </tr>
          ))}
        </ListTable>
      </>,
    );
  });

  app.post('/o/:org/s/:space/posts/:slug/restore', signedIn, async (c) => {
    const { org, space, slug } = c.req.param();
    return restored(c, { space, path: `/v2/manage/posts/${enc(slug)}/restore`, flash: `Restored ${slug}.`, to: postUrl(org, space, slug) });
  });
}
