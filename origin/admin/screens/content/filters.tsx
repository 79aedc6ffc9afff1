/**
 * What the content lists share (pages.tsx, items.tsx, posts.tsx): the API's query from the
 * screen's query string, the search-and-filter form and its select filters, the count line, the
 * table's frame (visually hidden caption, an Actions column), the cells every row has (title link,
 * status, updated, a deleted entry's Restore button), Restore's route answer, and the pager.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { api, must } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { PostForm, When } from '../../ui.js';
import { flash, STATUS_LABEL, STATUSES, StatusBadge, Table, type ListMeta } from './common.js';
import { spaceHeader } from './shared.js';

/**
 * The list's query for the API from the screen's query string: the filters named (empty ones
 * dropped; `author=me` → the member's id), and the screen's own link for another page.
 */
export function listQuery(c: Context<AdminEnv>, names: readonly string[], me: string): { api: URLSearchParams; pageLink: (base: string, page: number) => string; value: (k: string) => string } {
  const q = new URLSearchParams();
  for (const k of names) {
    const v = c.req.query(k);
    if (v !== undefined && v !== '') q.set(k, k === 'author' && v === 'me' ? me : v);
  }
  q.set('page_size', '20');
  return {
    api: q,
    value: (k) => c.req.query(k) ?? '',
    pageLink: (base, page) => {
      const p = new URLSearchParams();
      for (const k of names) if (k !== 'page' && c.req.query(k)) p.set(k, c.req.query(k)!);
      p.set('page', String(page));
      return `${base}?${p}`;
    },
  };
}

/** The GET form of a list: the text search, the list's filters (children), Apply. */
export function FilterForm(props: { action: string; label: string; query: string; children?: Child }) {
  return (
    <form method="get" action={props.action} class="filters" role="search" aria-label={props.label}>
      <div class="field">
        <label for="q">Search</label>
        <input id="q" name="query" type="search" value={props.query} maxlength={200} />
      </div>
      {props.children}
      <button type="submit" class="btn btn-secondary">
        Apply
      </button>
    </form>
  );
}

export function StatusFilter(props: { selected: string }) {
  return (
    <div class="field">
      <label for="filter-status">Status</label>
      <select id="filter-status" name="status">
        <option value="">Any status</option>
        {STATUSES.map((s) => (
          <option value={s} selected={props.selected === s}>
            {STATUS_LABEL[s]}
          </option>
        ))}
      </select>
    </div>
  );
}

export function AuthorFilter(props: { selected: string }) {
  return (
    <div class="field">
      <label for="filter-author">Last saved by</label>
      <select id="filter-author" name="author">
        <option value="">Anyone</option>
        <option value="me" selected={props.selected === 'me'}>
          Me
        </option>
      </select>
    </div>
  );
}

/** "3 pages" (a status line above the table). */
export function ListCount(props: { count: number; one: string; many: string }) {
  return (
    <p class="muted" role="status">
      {props.count} {props.count === 1 ? props.one : props.many}
    </p>
  );
}

/** A list's table: the caption (visually hidden), the column headers and an Actions column, the rows; the pager under it. */
export function ListTable(props: { caption: string; columns: string[]; meta: ListMeta; link: (page: number) => string; children?: Child }) {
  return (
    <>
      <Table caption={props.caption} columns={[...props.columns, <span class="visually-hidden">Actions</span>]}>
        {props.children}
      </Table>
      <Pager meta={props.meta} link={props.link} />
    </>
  );
}

/** The title cell: a link to the editor (a deleted entry's title is plain text), and the slug under it when it has one. */
export function TitleCell(props: { title: string; href: string; deleted: boolean; slug?: string }) {
  return (
    <td>
      {props.deleted ? props.title : <a href={props.href}>{props.title}</a>}
      {props.slug === undefined ? null : <div class="muted mono">{props.slug}</div>}
    </td>
  );
}

/**
 * The cells every row ends with: the status (badge, and when a scheduled entry publishes), when
 * it was updated, and for a deleted entry Restore (`restore`: its form's URL, for content.delete
 * holders; else null).
 */
export function RowEnd(props: { status: string; scheduled?: string | null; updated: string; restore: string | null; token: string; name: string }) {
  return (
    <>
      <td>
        <StatusBadge status={props.status} />
        {props.status === 'scheduled' && props.scheduled ? (
          <div class="muted">
            publishes <When at={props.scheduled} />
          </div>
        ) : null}
      </td>
      <td>
        <When at={props.updated} />
      </td>
      <td>
        {props.status === 'deleted' && props.restore ? (
          <PostForm action={props.restore} token={props.token} class="inline">
            <button type="submit" class="btn btn-secondary">
              Restore<span class="visually-hidden"> {props.name}</span>
            </button>
          </PostForm>
        ) : null}
      </td>
    </>
  );
}

/** Restore's route: the API's restore as the member, a flash, back to the entry's editor. */
export async function restored(c: Context<AdminEnv>, o: { space: string; path: string; flash: string; to: string }): Promise<Response> {
  must(await api(c).send('POST', o.path, undefined, { headers: spaceHeader(o.space) }));
  flash(c, o.flash);
  return c.redirect(o.to, 303);
}

function Pager(props: { meta: ListMeta; link: (page: number) => string }) {
  return (
    <nav aria-label="Pagination" class="pager">
      {props.meta.previous_page ? <a href={props.link(props.meta.previous_page)}>Previous page</a> : null}
      {props.meta.next_page ? <a href={props.link(props.meta.next_page)}>Next page</a> : null}
    </nav>
  );
}
