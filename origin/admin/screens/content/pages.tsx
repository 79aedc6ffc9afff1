/**
 * Pages of a space (issue 20): the list with search, filters (page type, status, locale, author)
 * and pagination — GET /v2/manage/spaces/:space/pages with the same parameters — and "New page"
 * (a page type's empty editor). Deleted pages (status=deleted) can be restored from here.
 */
import type { Hono } from 'hono';
import { api, must } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken, setFlash } from '../../security.js';
import { PostForm, When } from '../../ui.js';
import { editorUrl, localesOf, pageTypesOf, spaceHeader, spaceUrl } from './shared.js';

interface Entry {
  slug: string;
  name: string;
  page_type: string | null;
  locale: string;
  status: 'draft' | 'published' | 'scheduled' | 'deleted';
  version: number;
  updated: string;
  /** When a scheduled page publishes (ISO time), else null. */
  scheduled: string | null;
  last_saved_by_user: string | null;
}
interface ListAnswer {
  meta: { count: number; next_page: number | null; previous_page: number | null };
  data: Entry[];
}

const FILTERS = ['page_type', 'status', 'locale', 'author', 'query', 'page'] as const;
const STATUS_LABEL: Record<Entry['status'], string> = { draft: 'Draft', published: 'Published', scheduled: 'Scheduled', deleted: 'Deleted' };

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.get('/o/:org/s/:space/pages', signedIn, async (c) => {
    const { org, space } = c.req.param();
    const me = c.get('me')!;
    const q = new URLSearchParams();
    for (const k of FILTERS) {
      const v = c.req.query(k);
      if (v !== undefined && v !== '') q.set(k, k === 'author' && v === 'me' ? me.user_id : v);
    }
    q.set('page_size', '20');
    const [list, types, locales] = await Promise.all([api(c).get<ListAnswer>(`/v2/manage/spaces/${space}/pages?${q}`), pageTypesOf(c, space), localesOf(c, space)]);
    const answer = must(list);
    const mayWrite = can(me, 'content.write', org, space);
    const mayRestore = can(me, 'content.delete', org, space);
    const pageLink = (page: number) => {
      const p = new URLSearchParams();
      for (const k of FILTERS) if (k !== 'page' && c.req.query(k)) p.set(k, c.req.query(k)!);
      p.set('page', String(page));
      return `${spaceUrl(org, space, 'pages')}?${p}`;
    };
    const sel = (k: string, v: string) => (c.req.query(k) ?? '') === v;
    return render(
      c,
      { title: 'Pages', org, space, active: 'pages' },
      <>
        <h1>Pages</h1>
        <form method="get" action={spaceUrl(org, space, 'pages')} class="filters" role="search" aria-label="Search and filter pages">
          <div class="field">
            <label for="q">Search</label>
            <input id="q" name="query" type="search" value={c.req.query('query') ?? ''} maxlength={200} />
          </div>
          <div class="field">
            <label for="filter-type">Page type</label>
            <select id="filter-type" name="page_type">
              <option value="">All types</option>
              <option value="*" selected={sel('page_type', '*')}>
                Single pages
              </option>
              {types.map((t) => (
                <option value={t.slug} selected={sel('page_type', t.slug)}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="filter-status">Status</label>
            <select id="filter-status" name="status">
              <option value="">Any status</option>
              {(['draft', 'scheduled', 'published', 'deleted'] as const).map((s) => (
                <option value={s} selected={sel('status', s)}>
                  {STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="filter-locale">Locale</label>
            <select id="filter-locale" name="locale">
              <option value="">All locales</option>
              {locales.map((l) => (
                <option value={l.code} selected={sel('locale', l.code)}>
                  {l.name} ({l.code})
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="filter-author">Last saved by</label>
            <select id="filter-author" name="author">
              <option value="">Anyone</option>
              <option value="me" selected={sel('author', 'me')}>
                Me
              </option>
            </select>
          </div>
          <button type="submit" class="btn btn-secondary">
            Apply
          </button>
        </form>

        {mayWrite && types.length > 0 ? (
          <form method="get" action={spaceUrl(org, space, 'pages/new')} class="inline new-page" aria-label="New page">
            <label for="new-type">New page of type</label>
            <select id="new-type" name="type">
              {types.map((t) => (
                <option value={t.slug}>{t.name}</option>
              ))}
            </select>
            <button type="submit" class="btn btn-primary">
              New page
            </button>
          </form>
        ) : null}

        <p class="muted" role="status">
          {answer.meta.count} {answer.meta.count === 1 ? 'page' : 'pages'}
        </p>
        <table class="table">
          <caption class="visually-hidden">Pages</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Type</th>
              <th scope="col">Locale</th>
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
                  {p.status === 'deleted' ? (
                    p.name
                  ) : (
                    <a href={editorUrl(org, space, p.page_type, p.slug, p.locale)}>{p.name}</a>
                  )}
                  <div class="muted mono">{p.slug}</div>
                </td>
                <td>{p.page_type ?? 'single'}</td>
                <td>{p.locale}</td>
                <td>
                  <span class={`badge ${p.status === 'published' ? 'badge-ok' : 'badge-warn'}`}>{STATUS_LABEL[p.status]}</span>
                  {p.status === 'scheduled' && p.scheduled ? (
                    <div class="muted">
                      publishes <When at={p.scheduled} />
                    </div>
                  ) : null}
                </td>
                <td>
                  <When at={p.updated} />
                </td>
                <td>
                  {p.status === 'deleted' && mayRestore ? (
                    <PostForm action={editorUrl(org, space, p.page_type, p.slug, p.locale, '/restore')} token={formToken(c)} class="inline">
                      <button type="submit" class="btn btn-secondary">
                        Restore<span class="visually-hidden"> {p.name}</span>
                      </button>
                    </PostForm>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <nav aria-label="Pagination" class="pager">
          {answer.meta.previous_page ? <a href={pageLink(answer.meta.previous_page)}>Previous page</a> : null}
          {answer.meta.next_page ? <a href={pageLink(answer.meta.next_page)}>Next page</a> : null}
        </nav>
      </>,
    );
  });

  app.post('/o/:org/s/:space/pages/:type/:slug/restore', signedIn, async (c) => {
    const { org, space, type, slug } = c.req.param();
    const locale = c.req.query('locale') ?? '';
    const res = await api(c).send('POST', `/v2/manage/pages/${encodeURIComponent(type)}/${encodeURIComponent(slug)}/restore?locale=${encodeURIComponent(locale)}`, undefined, { headers: spaceHeader(space) });
    must(res);
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `Restored ${slug}.` });
    return c.redirect(editorUrl(org, space, type === '*' ? null : type, slug, locale), 303);
  });
}
