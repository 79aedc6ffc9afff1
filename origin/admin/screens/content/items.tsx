/**
 * Collection items of a space (issue 20): the collections (GET /v2/manage/spaces/:space/collections)
 * and each one's items — GET /v2/manage/spaces/:space/collections/:key/items with the API's own
 * filters (status, locale, last saved by, text) and pagination — with "New item" and, for deleted
 * ones (status=deleted), Restore. The editor is item-editor.tsx.
 */
import type { Context, Hono } from 'hono';
import { api, must } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken } from '../../security.js';
import { LocaleSelect, Table, type ListMeta, type Status } from './common.js';
import { AuthorFilter, FilterForm, ListCount, ListTable, listQuery, restored, RowEnd, StatusFilter, TitleCell } from './filters.js';
import { localesOf, spaceUrl } from './shared.js';

/** A collection's field as the API answers it (origin/content/collections/fields.ts). */
export interface CollectionField {
  name: string;
  type: 'short_text' | 'long_text' | 'wysiwyg' | 'html' | 'media' | 'date' | 'dropdown' | 'number' | 'checkbox' | 'reference' | 'json';
  collection?: string;
  many?: boolean;
}
export interface CollectionView {
  key: string;
  name: string;
  fields: CollectionField[];
}
interface Entry {
  meta: { id: number };
  label: string;
  locale: string;
  status: Status;
  version: number;
  updated: string;
}

const enc = encodeURIComponent;
const FILTERS = ['status', 'locale', 'author', 'query', 'page'] as const;

export const itemsUrl = (org: string, space: string, key: string) => spaceUrl(org, space, `items/${enc(key)}`);
/** An item's editor URL (one item id per locale), with `rest` (/revisions, /preview …) before the query. */
export const itemUrl = (org: string, space: string, key: string, id: number | string, locale: string, rest = '') =>
  `${spaceUrl(org, space, `items/${enc(key)}/${enc(String(id))}${rest}`)}?locale=${enc(locale)}`;

export async function collectionsOf(c: Context<AdminEnv>, space: string): Promise<CollectionView[]> {
  return must(await api(c).get<{ data: CollectionView[] }>(`/v2/manage/spaces/${space}/collections`)).data;
}
export async function collectionOf(c: Context<AdminEnv>, space: string, key: string): Promise<CollectionView> {
  return must(await api(c).get<{ data: CollectionView }>(`/v2/manage/spaces/${space}/collections/${enc(key)}`)).data;
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.get('/o/:org/s/:space/items', signedIn, async (c) => {
    const { org, space } = c.req.param();
    const list = await collectionsOf(c, space);
    return render(
      c,
      { title: 'Collections', org, space, active: 'items' },
      <>
        <h1>Collections</h1>
        {list.length === 0 ? (
          <p>
            No collections yet.{' '}
            {can(c.get('me'), 'schema.manage', org, space) ? <a href={spaceUrl(org, space, 'model')}>Define one in the content model.</a> : 'An administrator defines them in the content model.'}
          </p>
        ) : (
          <Table caption="Collections" columns={['Collection', 'Key', 'Fields']}>
            {list.map((col) => (
              <tr>
                <td>
                  <a href={itemsUrl(org, space, col.key)}>{col.name}</a>
                </td>
                <td class="mono">{col.key}</td>
                <td>{col.fields.map((f) => f.name).join(', ')}</td>
              </tr>
            ))}
          </Table>
        )}
      </>,
    );
  });

  app.get('/o/:org/s/:space/items/:key', signedIn, async (c) => {
    const { org, space, key } = c.req.param();
    const me = c.get('me')!;
    const q = listQuery(c, FILTERS, me.user_id);
    const [list, col, locales] = await Promise.all([
      api(c).get<{ meta: ListMeta; data: Entry[] }>(`/v2/manage/spaces/${space}/collections/${enc(key)}/items?${q.api}`),
      collectionOf(c, space, key),
      localesOf(c, space),
    ]);
    const answer = must(list);
    const mayWrite = can(me, 'content.write', org, space);
    const mayRestore = can(me, 'content.delete', org, space);
    const base = itemsUrl(org, space, key);
    return render(
      c,
      { title: col.name, org, space, active: 'items' },
      <>
        <p>
          <a href={spaceUrl(org, space, 'items')}>All collections</a>
        </p>
        <h1>{col.name}</h1>
        <FilterForm action={base} label={`Search and filter ${col.name}`} query={q.value('query')}>
          <StatusFilter selected={q.value('status')} />
          <LocaleSelect id="filter-locale" name="locale" locales={locales} selected={q.value('locale')} any="All locales" />
          <AuthorFilter selected={q.value('author')} />
        </FilterForm>
        {mayWrite ? (
          <p>
            <a class="btn btn-primary" href={`${base}/new`}>
              New item
            </a>
          </p>
        ) : null}
        <ListCount count={answer.meta.count} one="item" many="items" />
        <ListTable caption={`Items of ${col.name}`} columns={['Item', 'Id', 'Locale', 'Status', 'Updated']} meta={answer.meta} link={(p) => q.pageLink(base, p)}>
          {answer.data.map((e) => {
            const label = e.label || `Item ${e.meta.id}`;
            return (
              <tr>
                <TitleCell title={label} href={itemUrl(org, space, key, e.meta.id, e.locale)} deleted={e.status === 'deleted'} />
                <td class="mono">{e.meta.id}</td>
                <td>{e.locale}</td>
                <RowEnd status={e.status} updated={e.updated} restore={mayRestore ? itemUrl(org, space, key, e.meta.id, e.locale, '/restore') : null} token={formToken(c)} name={label} />
              </tr>
            );
          })}
        </ListTable>
      </>,
    );
  });

  app.post('/o/:org/s/:space/items/:key/:id{[0-9]+}/restore', signedIn, async (c) => {
    const { org, space, key, id } = c.req.param();
    const locale = c.req.query('locale') ?? '';
    return restored(c, { space, path: `/v2/manage/content/${enc(key)}/${id}/restore?locale=${enc(locale)}`, flash: `Restored item ${id}.`, to: itemUrl(org, space, key, id, locale) });
  });
}
