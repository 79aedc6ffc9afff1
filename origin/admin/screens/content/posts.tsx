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
import { formToken, setFlash } from '../../security.js';
import { PostForm, When } from '../../ui.js';
import { AuthorFilter, listQuery, Pager, StatusBadge, StatusFilter, type ListMeta, type Status } from './common.js';
import { spaceHeader, spaceUrl } from './shared.js';

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
        <form method="get" action={base} class="filters" role="search" aria-label="Search and filter posts">
          <div class="field">
            <label for="q">Search</label>
            <input id="q" name="query" type="search" value={q.value('query')} maxlength={200} />
          </div>
          <StatusFilter selected={q.value('status')} />
          <AuthorFilter selected={q.value('author')} />
          <SlugFilter id="filter-blog-author" name="author_slug" label="Blog author (slug)" value={q.value('author_slug')} />
          <SlugFilter id="filter-category" name="category_slug" label="Category (slug)" value={q.value('category_slug')} />
          <SlugFilter id="filter-tag" name="tag_slug" label="Tag (slug)" value={q.value('tag_slug')} />
          <button type="submit" class="btn btn-secondary">
            Apply
          </button>
        </form>
        {mayWrite ? (
          <p>
            <a class="btn btn-primary" href={postUrl(org, space, '_new')}>
              New post
            </a>
          </p>
        ) : null}
        <p class="muted" role="status">
          {answer.meta.count} {answer.meta.count === 1 ? 'post' : 'posts'}
        </p>
        <table class="table">
          <caption class="visually-hidden">Blog posts</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Author</th>
              <th scope="col">Status</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {answer.data.map((p) => (
              <tr>
                <td>
                  {p.status === 'deleted' ? p.title : <a href={postUrl(org, space, p.slug)}>{p.title}</a>}
                  <div class="muted mono">{p.slug}</div>
                </td>
                <td class="mono">{p.author_slug ?? ''}</td>
                <td>
                  <StatusBadge status={p.status} />
                </td>
                <td>
                  <When at={p.updated} />
                </td>
                <td>
                  {p.status === 'deleted' && mayRestore ? (
                    <PostForm action={postUrl(org, space, p.slug, '/restore')} token={formToken(c)} class="inline">
                      <button type="submit" class="btn btn-secondary">
                        Restore<span class="visually-hidden"> {p.title}</span>
                      </button>
                    </PostForm>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager meta={answer.meta} link={(p) => q.pageLink(base, p)} />
      </>,
    );
  });

  app.post('/o/:org/s/:space/posts/:slug/restore', signedIn, async (c) => {
    const { org, space, slug } = c.req.param();
    must(await api(c).send('POST', `/v2/manage/posts/${enc(slug)}/restore`, undefined, { headers: spaceHeader(space) }));
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `Restored ${slug}.` });
    return c.redirect(postUrl(org, space, slug), 303);
  });
}
