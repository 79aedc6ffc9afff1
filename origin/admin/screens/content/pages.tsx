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
import { formToken } from '../../security.js';
import { LocaleSelect, type ListMeta, type Status } from './common.js';
import { AuthorFilter, FilterForm, ListCount, ListTable, listQuery, restored, RowEnd, StatusFilter, TitleCell } from './filters.js';
import { editorUrl, localesOf, pageTypesOf, spaceUrl } from './shared.js';

interface Entry {
  slug: string;
  name: string;
  page_type: string | null;
  locale: string;
  status: Status;
  version: number;
  updated: string;
  /** When a scheduled page publishes (ISO time), else null. */
  scheduled: string | null;
  last_saved_by_user: string | null;
}

const FILTERS = ['page_type', 'status', 'locale', 'author', 'query', 'page'] as const;

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.get('/o/:org/s/:space/pages', signedIn, async (c) => {
    const { org, space } = c.req.param();
    const me = c.get('me')!;
    const q = listQuery(c, FILTERS, me.user_id);
    const [list, types, locales] = await Promise.all([api(c).get<{ meta: ListMeta; data: Entry[] }>(`/v2/manage/spaces/${space}/pages?${q.api}`), pageTypesOf(c, space), localesOf(c, space)]);
    const answer = must(list);
    const mayWrite = can(me, 'content.write', org, space);
    const mayRestore = can(me, 'content.delete', org, space);
    const base = spaceUrl(org, space, 'pages');
    return render(
      c,
      { title: 'Pages', org, space, active: 'pages' },
      <>
        <h1>Pages</h1>
        <FilterForm action={base} label="Search and filter pages" query={q.value('query')}>
          <div class="field">
            <label for="filter-type">Page type</label>
            <select id="filter-type" name="page_type">
              <option value="">All types</option>
              <option value="*" selected={q.value('page_type') === '*'}>
                Single pages
              </option>
              {types.map((t) => (
                <option value={t.slug} selected={q.value('page_type') === t.slug}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
          <StatusFilter selected={q.value('status')} />
          <LocaleSelect id="filter-locale" name="locale" locales={locales} selected={q.value('locale')} any="All locales" />
          <AuthorFilter selected={q.value('author')} />
        </FilterForm>

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

        <ListCount count={answer.meta.count} one="page" many="pages" />
        <ListTable caption="Pages" columns={['Title', 'Type', 'Locale', 'Status', 'Updated']} meta={answer.meta} link={(p) => q.pageLink(base, p)}>
          {answer.data.map((p) => (
            <tr>
              <TitleCell title={p.name} href={editorUrl(org, space, p.page_type, p.slug, p.locale)} deleted={p.status === 'deleted'} slug={p.slug} />
              <td>{p.page_type ?? 'single'}</td>
              <td>{p.locale}</td>
              <RowEnd status={p.status} scheduled={p.scheduled} updated={p.updated} restore={mayRestore ? editorUrl(org, space, p.page_type, p.slug, p.locale, '/restore') : null} token={formToken(c)} name={p.name} />
            </tr>
          ))}
        </ListTable>
      </>,
    );
  });

  app.post('/o/:org/s/:space/pages/:type/:slug/restore', signedIn, async (c) => {
    const { org, space, type, slug } = c.req.param();
    const locale = c.req.query('locale') ?? '';
    const path = `/v2/manage/pages/${encodeURIComponent(type)}/${encodeURIComponent(slug)}/restore?locale=${encodeURIComponent(locale)}`;
    return restored(c, { space, path, flash: `Restored ${slug}.`, to: editorUrl(org, space, type === '*' ? null : type, slug, locale) });
  });
}
