/**
 * The collection item editor (issue 20), generated from the collection's field schema with the
 * page editor's field inputs (fields.tsx): short/long text and dropdown as text, wysiwyg and html
 * as rich text (HTML the API sanitises on save), number, date, checkbox, media URL, reference (a
 * picker of the referenced collection's items: ref-picker.tsx ItemRefPicker) and json (a JSON text, parsed here; invalid JSON is refused
 * before any call). Create, save draft, publish / unpublish / schedule, preview, delete, revision
 * history with a field-level diff and rollback — each an API call as the member (POST/PATCH/DELETE
 * /v2/content…, GET/POST /v2/manage/content/…), so roles, live-content rules and audit rows are
 * the API's. Saves are conditional (`If-Match: "v<n>"`, the version the form was loaded at); a 412
 * brings the form back with the member's values and "Someone else saved this item".
 * Collections keep no draft over a published item (origin/content/collections/fields.ts): a save
 * of a published (or scheduled) item keeps its status, so the button says "Save changes" there
 * (the API asks content.publish for it) and "Save draft" only on drafts; Unpublish makes it a draft.
 */
import type { Context, Hono } from 'hono';
import { api, must, type ApiAnswer, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { fragment, render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken } from '../../security.js';
import { ErrorSummary } from '../../ui.js';
import { DeleteForm, EditorForm, editorRights, EditorScreen, saveLabel, type EditorStateBase } from './actions.js';
import { fieldRefusal, first, flash, LocaleSelect, postedForm, quickSaveAnswer, refusedFields, scheduleIso, StateLine, type HistoryEntry, type Posted } from './common.js';
import { FieldInput, parseFields } from './fields.js';
import { pickerUrl } from './media-picker.js';
import { collectionOf, itemsUrl, itemUrl, type CollectionView } from './items.js';
import { ItemRefPicker, refChoices, type RefChoices } from './ref-picker.js';
import { deleted, historyScreen, previewScreen, rolledBack, saved, versionScreen } from './revisions.js';
import { localesOf, spaceHeader, versionOf, type FieldDef, type FieldSchema } from './shared.js';
import { Fields } from './view.js';

interface Managed {
  meta: { id: number };
  locale: string;
  status: 'draft' | 'published' | 'scheduled';
  scheduled: string | null;
  version: number;
  fields: Record<string, unknown>;
  updated: string;
}
type Values = Record<string, unknown>;

const enc = encodeURIComponent;
const nice = (name: string) => name.replace(/_/g, ' ').replace(/^./, (ch) => ch.toUpperCase());
const itemPath = (key: string, id: string | number, locale: string, rest = '') => `/v2/manage/content/${enc(key)}/${enc(String(id))}${rest}?locale=${enc(locale)}`;

/** The form's schema: each collection field as the page editor's input that holds it. */
function formSchema(col: CollectionView, values: Values): FieldSchema {
  return col.fields.map((f): FieldDef => {
    const name = f.name;
    switch (f.type) {
      case 'wysiwyg':
      case 'html':
        return { name, type: 'rich_text' };
      case 'long_text':
        return { name, type: 'long_text' };
      case 'json':
        return { name, type: 'long_text', label: `${nice(name)} (JSON)` };
      case 'number':
        return { name, type: 'number' };
      case 'checkbox':
        return { name, type: 'boolean' };
      case 'media':
        return { name, type: 'media' };
      case 'reference':
        return { name, type: 'reference', collection: f.collection ?? '', max: f.many ? 50 : 1 };
      case 'date': {
        // A date input holds a day; a stored date-time stays a text input so a save keeps its time.
        const v = values[name];
        return typeof v === 'string' && v.length > 10 ? { name, type: 'short_text' } : { name, type: 'date' };
      }
      default:
        return { name, type: 'short_text' };
    }
  });
}

/** Stored values as the form shows them (json as indented text). */
function formValues(col: CollectionView, values: Values): Values {
  const out: Values = { ...values };
  for (const f of col.fields) if (f.type === 'json' && values[f.name] !== null && values[f.name] !== undefined) out[f.name] = JSON.stringify(values[f.name], null, 2);
  return out;
}

/** The posted form as the API's `fields`, or the problem (invalid JSON) with the form's values to show again. */
function fromForm(col: CollectionView, shown: Values, form: Posted): { fields: Values; shown: Values; problem: string | null } {
  const parsed = parseFields(formSchema(col, shown), form, null);
  const fields: Values = { ...parsed };
  let problem: string | null = null;
  for (const f of col.fields) {
    if (f.type !== 'json') continue;
    const text = typeof parsed[f.name] === 'string' ? (parsed[f.name] as string) : '';
    if (text.trim() === '') fields[f.name] = null;
    else {
      try {
        fields[f.name] = JSON.parse(text) as unknown;
      } catch {
        problem = `${nice(f.name)}: not valid JSON.`;
      }
    }
  }
  return { fields, shown: parsed, problem };
}

/** The item's name in headings: its first non-empty text value (as the API's label), else its id. */
function labelOf(col: CollectionView, values: Values, id: number | null): string {
  for (const f of col.fields) {
    const v = values[f.name];
    if ((f.type === 'short_text' || f.type === 'long_text' || f.type === 'dropdown') && typeof v === 'string' && v.trim()) return v.trim().slice(0, 200);
  }
  return id === null ? 'New item' : `Item ${id}`;
}

/** The API names refused values `fields.<name>` (or `fields.<n>.<name>` in a create's list). */
const refusedItemFields = (error: ApiError | null | undefined) =>
  refusedFields(error, (path) => {
    const parts = path.split('.');
    return parts[0] === 'fields' ? (parts.at(-1) ?? null) : null;
  });

interface EditorState extends EditorStateBase {
  col: CollectionView;
  item: Managed | null;
  locale: string;
  /** The values as the form shows them (formValues). */
  shown: Values;
}

async function editorPage(c: Context<AdminEnv>, s: EditorState): Promise<Response> {
  const me = c.get('me')!;
  const { org, space, col, item } = s;
  const may = editorRights(me, org, space);
  const [locales, choices] = await Promise.all([item ? [] : localesOf(c, space), may.write ? refChoices(c, space, col.fields, s.locale) : new Map<string, RefChoices>()]);
  const here = item ? itemUrl(org, space, col.key, item.meta.id, item.locale) : `${itemsUrl(org, space, col.key)}/new`;
  const at = (rest: string) => (item ? itemUrl(org, space, col.key, item.meta.id, item.locale, rest) : here);
  const title = item ? labelOf(col, item.fields, item.meta.id) : `New ${col.name} item`;
  const schema = formSchema(col, s.shown);
  const errors = refusedItemFields(s.error);
  return render(
    c,
    { title: item ? `Edit ${title}` : title, org, space, active: 'items', ...(s.status ? { status: s.status } : {}) },
    <EditorScreen
      back={{ href: itemsUrl(org, space, col.key), label: `All ${col.name} items` }}
      heading={title}
      state={item ? <StateLine parts={[col.name, `item ${item.meta.id}`, item.locale]} status={item.status} version={item.version} scheduled={item.scheduled} updated={item.updated} /> : null}
      mayWrite={may.write}
      error={s.error}
      view={<Fields schema={schema} values={s.shown} />}
      remove={may.delete && item ? <DeleteForm action={at('/delete')} token={formToken(c)} confirm={`Delete ${title}? It can be restored from the deleted items.`} version={item.version} label="Delete item" /> : null}
    >
      <EditorForm
        action={here}
        token={formToken(c)}
        label="Item editor"
        draftKey={`${space}:item:${col.key}:${item?.meta.id ?? 'new'}:${s.locale}`}
        user={me.user_id}
        version={item?.version ?? 0}
        conflict={s.conflict && item ? { what: 'item', theirs: s.conflict.theirs, reload: here, view: at('/preview') } : null}
        refusal={<ErrorSummary error={s.error} />}
        toolbar={{
          action: here,
          label: saveLabel({ existing: item !== null, conflict: Boolean(s.conflict), changes: item !== null && item.status !== 'draft' }),
          conflict: Boolean(s.conflict),
          // Every existing item: a save keeps its status (collections keep no draft over a published item).
          quick: item !== null,
          publish: may.publish,
          unpublish: may.publish && item !== null && item.status !== 'draft',
          links: item ? { preview: at('/preview'), history: at('/revisions') } : null,
        }}
        schedule={may.publish && item ? { seconds: false } : null}
      >
        {item ? null : <LocaleSelect id="f-_locale" name="_locale" locales={locales} selected={s.locale} />}
        {schema.map((def) => {
          const pick = def.type === 'reference' ? choices.get(def.name) : undefined;
          if (pick && def.type === 'reference') return <ItemRefPicker name={def.name} label={nice(def.name)} collection={def.collection ?? ''} many={(def.max ?? 1) > 1} value={s.shown[def.name]} choices={pick} error={errors.get(def.name)} />;
          return <FieldInput def={def} path={def.name} value={s.shown[def.name]} refs={new Map()} errors={errors} picker={pickerUrl(org, space)} />;
        })}
      </EditorForm>
    </EditorScreen>,
  );
}

/** The item, its collection, its name in headings (`title`) and its editor's URLs (`at('/preview')` …). */
async function load(c: Context<AdminEnv>) {
  const { org, space, key, id } = c.req.param() as Record<string, string>;
  const [res, col] = await Promise.all([api(c).get<{ data: Managed }>(itemPath(key!, id!, c.req.query('locale') ?? ''), { headers: spaceHeader(space!) }), collectionOf(c, space!, key!)]);
  const item = must(res).data;
  const l = { org: org!, space: space!, key: key!, col, item: { ...item, version: versionOf(res.headers.get('etag')) ?? item.version } };
  return { ...l, title: labelOf(col, item.fields, item.meta.id), at: (rest = '') => itemUrl(l.org, l.space, l.key, item.meta.id, item.locale, rest) };
}
const where = (l: { org: string; space: string }) => ({ org: l.org, space: l.space, active: 'items' });


export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.get('/o/:org/s/:space/items/:key/new', signedIn, async (c) => {
    const { org, space, key } = c.req.param();
    const [col, locales] = await Promise.all([collectionOf(c, space, key), localesOf(c, space)]);
    return editorPage(c, { org, space, col, item: null, locale: locales.find((l) => l.default)?.code ?? 'en', shown: {} });
  });

  app.post('/o/:org/s/:space/items/:key/new', signedIn, async (c) => {
    const { org, space, key } = c.req.param();
    const col = await collectionOf(c, space, key);
    const form = await postedForm(c);
    const locale = first(form._locale);
    const { fields, shown, problem } = fromForm(col, {}, form);
    const state: EditorState = { org, space, col, item: null, locale, shown };
    if (problem) return editorPage(c, { ...state, error: { code: 'bad_request', detail: problem, request_id: c.get('requestId') }, status: 400 });
    const status = first(form._action) === 'publish' ? 'published' : 'draft';
    const res = await api(c).send('POST', `/v2/content?locale=${enc(locale)}`, { key: col.key, status, fields: [fields] }, { headers: spaceHeader(space) });
    if (!res.ok) return editorPage(c, { ...state, error: res.error, status: res.status });
    // The create answers no id (ButterCMS's shape): the member's newest item in that locale is it.
    const mine = await api(c).get<{ data: { meta: { id: number } }[] }>(`/v2/manage/spaces/${space}/collections/${enc(col.key)}/items?author=${c.get('me')!.user_id}&locale=${enc(locale)}&page_size=1`);
    const id = mine.ok ? mine.body.data[0]?.meta.id : undefined;
    flash(c, `${status === 'published' ? 'Published' : 'Created draft'} ${labelOf(col, fields, null)}.`);
    return c.redirect(id ? itemUrl(org, space, col.key, id, locale) : itemsUrl(org, space, col.key), 303);
  });

  app.get('/o/:org/s/:space/items/:key/:id{[0-9]+}', signedIn, async (c) => {
    const l = await load(c);
    return editorPage(c, { org: l.org, space: l.space, col: l.col, item: l.item, locale: l.item.locale, shown: formValues(l.col, l.item.fields) });
  });

  app.post('/o/:org/s/:space/items/:key/:id{[0-9]+}', signedIn, async (c) => {
    const l = await load(c);
    const form = await postedForm(c);
    const act = first(form._action) || 'save';
    const { fields, shown, problem } = fromForm(l.col, formValues(l.col, l.item.fields), form);
    const state: EditorState = { org: l.org, space: l.space, col: l.col, item: l.item, locale: l.item.locale, shown };
    const quick = c.req.header('hx-request') === 'true' && (act === 'save' || act === 'overwrite');
    if (problem) {
      const error = { code: 'bad_request', detail: problem, request_id: c.get('requestId') };
      return quick ? fragment(c, <ErrorSummary error={error} />, 400) : editorPage(c, { ...state, error, status: 400 });
    }
    const body: Record<string, unknown> = { fields };
    if (act === 'publish') body.status = 'published';
    if (act === 'unpublish') body.status = 'draft';
    if (act === 'schedule') {
      body.status = 'scheduled';
      body.scheduled = scheduleIso(first(form._at));
    }
    // If-Match: the version the form was loaded at (or, to save over a conflicting save, the one the member saw in the message).
    const basedOn = first(form._theirs) || first(form._version);
    const res: ApiAnswer<unknown> = await api(c).send('PATCH', `/v2/content/${enc(l.key)}/${l.item.meta.id}?locale=${enc(l.item.locale)}`, body, {
      headers: { ...spaceHeader(l.space), 'if-match': `"v${basedOn}"` },
    });
    if (quick) {
      return quickSaveAnswer(c, res, {
        what: 'item',
        here: l.at(),
        view: l.at('/preview'),
        basedOn,
        current: async () => versionOf((await api(c).get(itemPath(l.key, l.item.meta.id, l.item.locale), { headers: spaceHeader(l.space) })).headers.get('etag')),
        saved: l.item.status === 'draft' ? 'Saved draft' : 'Saved',
        label: l.item.status === 'draft' ? 'Save draft' : 'Save changes',
        refusal: fieldRefusal(refusedItemFields),
        mayDelete: can(c.get('me'), 'content.delete', l.org, l.space),
      });
    }
    if (res.status === 412) return editorPage(c, { ...state, conflict: { theirs: l.item.version }, status: 412 });
    if (!res.ok) return editorPage(c, { ...state, error: res.error, status: res.status });
    const what = act === 'publish' ? 'Published' : act === 'unpublish' ? 'Unpublished' : act === 'schedule' ? 'Scheduled' : l.item.status === 'draft' ? 'Saved draft' : 'Saved';
    return saved(c, res, what, l.at());
  });

  app.post('/o/:org/s/:space/items/:key/:id{[0-9]+}/delete', signedIn, async (c) => {
    const { org, space, key, id } = c.req.param();
    const path = `/v2/content/${enc(key)}/${id}?locale=${enc(c.req.query('locale') ?? '')}`;
    return deleted(c, { space, path, flash: `Deleted item ${id}. It can be restored from the deleted items.`, to: `${itemsUrl(org, space, key)}?status=deleted` });
  });

  app.get('/o/:org/s/:space/items/:key/:id{[0-9]+}/preview', signedIn, async (c) => {
    const l = await load(c);
    const values = formValues(l.col, l.item.fields);
    return previewScreen(c, where(l), { at: l.at, name: l.title, version: l.item.version, status: l.item.status, schema: formSchema(l.col, l.item.fields), values });
  });

  app.get('/o/:org/s/:space/items/:key/:id{[0-9]+}/revisions', signedIn, async (c) => {
    const l = await load(c);
    const list = must(await api(c).get<{ data: (Omit<HistoryEntry, 'title'> & { label: string })[] }>(itemPath(l.key, l.item.meta.id, l.item.locale, '/revisions'), { headers: spaceHeader(l.space) })).data;
    return historyScreen(c, where(l), { at: l.at, name: l.title, entries: list.map((r) => ({ ...r, title: r.label })) });
  });

  app.get('/o/:org/s/:space/items/:key/:id{[0-9]+}/revisions/:version', signedIn, async (c) => {
    const l = await load(c);
    const v = c.req.param('version');
    const rev = must(await api(c).get<{ data: { version: number; label: string; fields: Values } }>(itemPath(l.key, l.item.meta.id, l.item.locale, `/revisions/${enc(v)}`), { headers: spaceHeader(l.space) })).data;
    return versionScreen(c, where(l), {
      at: l.at,
      name: l.title,
      schema: formSchema(l.col, l.item.fields),
      then: { version: rev.version, name: rev.label, fields: rev.fields },
      now: { fields: l.item.fields, version: l.item.version },
    });
  });

  app.post('/o/:org/s/:space/items/:key/:id{[0-9]+}/rollback', signedIn, async (c) => {
    const { org, space, key, id } = c.req.param();
    const locale = c.req.query('locale') ?? '';
    return rolledBack(c, { space, path: itemPath(key, id, locale, '/rollback'), to: itemUrl(org, space, key, id, locale) });
  });
}
