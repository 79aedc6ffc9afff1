/**
 * The content model of a space: page types (GET/POST/PUT /v2/manage/spaces/:space/page_types),
 * collections (…/collections) and locales (…/locales). Anyone who may preview content sees the
 * model; schema.manage adds the create forms and the edit pages. A type's fields are edited as
 * their JSON definition (the API's format: `[{ "name", "type", "required"?, … }]`, nested for
 * repeaters and components), with the fields also shown as a table. A change the API refuses —
 * an invalid definition, or one that would break existing pages ("The change would break page
 * …") — is shown as the API said it, with the edited definition kept in the form.
 */
import type { Context, Hono } from 'hono';
import { COLLECTION_FIELD_TYPES, FIELD_TYPES } from '../../../content/index.js';
import { api, must, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { formData } from '../../forms.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken, setFlash } from '../../security.js';
import { Button, DataTable, ErrorSummary, Field, PostForm, When } from '../../ui.js';
import { seg } from './common.js';

interface FieldDef {
  name: string;
  type: string;
  required?: boolean;
  fields?: FieldDef[];
  collection?: string;
}
interface PageTypeView {
  slug: string;
  name: string;
  fields: FieldDef[];
  updated: string;
}
interface CollectionView {
  key: string;
  name: string;
  fields: FieldDef[];
  updated: string;
}
interface LocaleView {
  code: string;
  name: string;
  default?: boolean;
  is_default?: boolean;
}

type Kind = 'page-types' | 'collections';
const API_PATH: Record<Kind, string> = { 'page-types': 'page_types', collections: 'collections' };
const ID_FIELD: Record<Kind, 'slug' | 'key'> = { 'page-types': 'slug', collections: 'key' };
const NOUN: Record<Kind, string> = { 'page-types': 'page type', collections: 'collection' };

function FieldList(props: { fields: FieldDef[] }) {
  if (!Array.isArray(props.fields) || props.fields.length === 0) return <span class="muted">No fields</span>;
  return (
    <ul class="field-list">
      {props.fields.map((f) => (
        <li>
          <code>{f.name}</code> <span class="muted">{f.type}</span>
          {f.required ? <span class="badge">required</span> : null}
          {f.collection ? <span class="muted"> → {f.collection}</span> : null}
          {Array.isArray(f.fields) ? <FieldList fields={f.fields} /> : null}
        </li>
      ))}
    </ul>
  );
}

function FieldsArea(props: { id: string; value: string; kind: Kind }) {
  const types = props.kind === 'collections' ? COLLECTION_FIELD_TYPES : FIELD_TYPES;
  return (
    <div class="field">
      <label for={props.id}>Fields (JSON)</label>
      <p class="hint" id={`${props.id}-hint`}>
        A list of {'{ "name", "type", "required" }'}; types: {types.join(', ')}.
      </p>
      <textarea id={props.id} name="fields" class="mono" rows={10} spellcheck={false} aria-describedby={`${props.id}-hint`}>
        {props.value}
      </textarea>
    </div>
  );
}

/** A form refusal in the one error shape, when the screen itself refuses (the JSON does not parse) before asking the API. */
function localError(c: Context<AdminEnv>, detail: string): ApiError {
  return { code: 'bad_request', detail, request_id: c.get('requestId') };
}

function parseFields(text: string): { ok: true; value: unknown } | { ok: false; detail: string } {
  try {
    return { ok: true, value: JSON.parse(text.trim() === '' ? '[]' : text) };
  } catch (e) {
    return { ok: false, detail: `Invalid request: fields: not valid JSON (${(e as Error).message}).` };
  }
}

const EXAMPLE = JSON.stringify([{ name: 'headline', type: 'short_text', required: true }, { name: 'body', type: 'rich_text' }], null, 2);
const EXAMPLE_COLLECTION = JSON.stringify([{ name: 'name', type: 'short_text' }, { name: 'quote', type: 'long_text' }], null, 2);

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  const base = (space: string) => `/v2/manage/spaces/${seg(space)}`;

  const overview = async (c: Context<AdminEnv>, org: string, space: string, refusal?: { form: 'page-types' | 'collections' | 'locales'; error: ApiError | null; status: number; values: Record<string, string> }) => {
    const [types, cols, locs] = await Promise.all([
      api(c).get<{ data: PageTypeView[] }>(`${base(space)}/page_types`),
      api(c).get<{ data: CollectionView[] }>(`${base(space)}/collections`),
      api(c).get<{ data: LocaleView[] }>(`${base(space)}/locales`),
    ]);
    if (!types.ok && refusal) return render(c, { title: 'Content model', org, space, active: 'model', status: refusal.status }, <><h1>Content model</h1><ErrorSummary error={refusal.error} /></>);
    const pageTypes = must(types).data;
    const collections = must(cols).data;
    const locales = must(locs).data;
    const mayManage = can(c.get('me'), 'schema.manage', org, space);
    const token = formToken(c);
    const v = refusal?.values ?? {};
    const here = `/admin/o/${org}/s/${space}/model`;
    return render(
      c,
      { title: 'Content model', org, space, active: 'model', ...(refusal ? { status: refusal.status } : {}) },
      <>
        <h1>Content model</h1>
        {refusal ? <ErrorSummary error={refusal.error} /> : null}
        <section aria-labelledby="pt-title">
          <h2 id="pt-title">Page types</h2>
          <DataTable
            id="page-types"
            caption="Page types"
            rows={pageTypes}
            empty="No page types yet."
            rowAttrs={(t) => ({ 'data-slug': t.slug })}
            columns={[
              { header: 'Name', cell: (t) => (mayManage ? <a href={`${here}/page-types/${t.slug}`}>{t.name}</a> : t.name) },
              { header: 'Slug', class: 'mono', cell: (t) => t.slug },
              { header: 'Fields', cell: (t) => <FieldList fields={t.fields} /> },
              { header: 'Updated', cell: (t) => <When at={t.updated} /> },
            ]}
          />
          {mayManage ? (
            <details class="create" open={refusal?.form === 'page-types'}>
              <summary>New page type</summary>
              <PostForm action={`${here}/page-types`} token={token} aria-label="Create a page type">
                <Field id="pt-name" name="name" label="Name" required maxlength={200} value={refusal?.form === 'page-types' ? v.name : undefined} />
                <Field id="pt-slug" name="slug" label="Slug" hint="Lowercase letters, digits, - or _ (used in URLs)." required value={refusal?.form === 'page-types' ? v.slug : undefined} />
                <FieldsArea id="pt-fields" kind="page-types" value={refusal?.form === 'page-types' ? (v.fields ?? '') : EXAMPLE} />
                <Button>Create page type</Button>
              </PostForm>
            </details>
          ) : null}
        </section>

        <section class="sub" aria-labelledby="col-title">
          <h2 id="col-title">Collections</h2>
          <DataTable
            id="collections"
            caption="Collections"
            rows={collections}
            empty="No collections yet."
            rowAttrs={(col) => ({ 'data-key': col.key })}
            columns={[
              { header: 'Name', cell: (col) => (mayManage ? <a href={`${here}/collections/${col.key}`}>{col.name}</a> : col.name) },
              { header: 'Key', class: 'mono', cell: (col) => col.key },
              { header: 'Fields', cell: (col) => <FieldList fields={col.fields} /> },
              { header: 'Updated', cell: (col) => <When at={col.updated} /> },
            ]}
          />
          {mayManage ? (
            <details class="create" open={refusal?.form === 'collections'}>
              <summary>New collection</summary>
              <PostForm action={`${here}/collections`} token={token} aria-label="Create a collection">
                <Field id="col-name" name="name" label="Name" required maxlength={200} value={refusal?.form === 'collections' ? v.name : undefined} />
                <Field id="col-key" name="key" label="Key" hint="Lowercase letters, digits, - or _." required value={refusal?.form === 'collections' ? v.key : undefined} />
                <FieldsArea id="col-fields" kind="collections" value={refusal?.form === 'collections' ? (v.fields ?? '') : EXAMPLE_COLLECTION} />
                <Button>Create collection</Button>
              </PostForm>
            </details>
          ) : null}
        </section>

        <section class="sub" aria-labelledby="loc-title">
          <h2 id="loc-title">Locales</h2>
          <ul id="locales">
            {locales.map((l) => (
              <li>
                <code>{l.code}</code> {l.name}
                {l.default || l.is_default ? <span class="badge badge-ok">default</span> : null}
              </li>
            ))}
          </ul>
          {mayManage ? (
            <>
              <PostForm action={`${here}/locales`} token={token} aria-label="Add a locale">
                <Field id="loc-code" name="code" label="Locale code" hint="e.g. fr, de-CH" required value={refusal?.form === 'locales' ? v.code : undefined} />
                <Field id="loc-name" name="name" label="Locale name" value={refusal?.form === 'locales' ? v.name : undefined} />
                <div class="field check">
                  <input type="checkbox" id="loc-default" name="default" value="1" /> <label for="loc-default">Make it the default locale</label>
                </div>
                <Button>Add locale</Button>
              </PostForm>
            </>
          ) : null}
        </section>
      </>,
    );
  };

  app.get('/o/:org/s/:space/model', signedIn, (c) => overview(c, c.req.param('org'), c.req.param('space')));

  for (const kind of ['page-types', 'collections'] as const) {
    app.post(`/o/:org/s/:space/model/${kind}`, signedIn, async (c) => {
      const { org, space } = c.req.param();
      const f = await formData(c);
      const values = { name: f.name ?? '', slug: f.slug ?? '', key: f.key ?? '', fields: f.fields ?? '' };
      const fields = parseFields(f.fields ?? '');
      if (!fields.ok) return overview(c, org, space, { form: kind, error: localError(c, fields.detail), status: 400, values });
      const id = ID_FIELD[kind];
      const res = await api(c).send('POST', `${base(space)}/${API_PATH[kind]}`, { [id]: f[id] ?? '', name: f.name ?? '', fields: fields.value });
      if (!res.ok) return overview(c, org, space, { form: kind, error: res.error, status: res.status, values });
      setFlash(c, c.get('adminSecret'), { kind: 'success', text: `The ${NOUN[kind]} “${f.name ?? ''}” is created.` });
      return c.redirect(`/admin/o/${org}/s/${space}/model`, 303);
    });

    const editPage = async (c: Context<AdminEnv>, org: string, space: string, id: string, refusal?: { error: ApiError | null; status: number; values: Record<string, string> }) => {
      const found = must(await api(c).get<{ data: PageTypeView & CollectionView }>(`${base(space)}/${API_PATH[kind]}/${seg(id)}`)).data;
      const title = `Edit ${NOUN[kind]} “${found.name}”`;
      return render(
        c,
        { title, org, space, active: 'model', ...(refusal ? { status: refusal.status } : {}) },
        <>
          <h1>{title}</h1>
          <ErrorSummary error={refusal?.error} />
          <p class="muted">
            A change that would make existing content invalid is refused: ghee checks every {kind === 'page-types' ? 'page (draft and published)' : 'item'} of this {NOUN[kind]} first.
          </p>
          <PostForm action={`/admin/o/${org}/s/${space}/model/${kind}/${seg(id)}`} token={formToken(c)} aria-label={`Edit the ${NOUN[kind]}`}>
            <Field id="edit-name" name="name" label="Name" required maxlength={200} value={refusal ? refusal.values.name : found.name} />
            <FieldsArea id="edit-fields" kind={kind} value={refusal ? (refusal.values.fields ?? '') : JSON.stringify(found.fields, null, 2)} />
            <Button>Save changes</Button>{' '}
            <a class="btn btn-secondary" href={`/admin/o/${org}/s/${space}/model`}>
              Cancel
            </a>
          </PostForm>
        </>,
      );
    };

    app.get(`/o/:org/s/:space/model/${kind}/:id`, signedIn, (c) => editPage(c, c.req.param('org'), c.req.param('space'), c.req.param('id')));

    app.post(`/o/:org/s/:space/model/${kind}/:id`, signedIn, async (c) => {
      const { org, space, id } = c.req.param();
      const f = await formData(c);
      const values = { name: f.name ?? '', fields: f.fields ?? '' };
      const fields = parseFields(f.fields ?? '');
      if (!fields.ok) return editPage(c, org, space, id, { error: localError(c, fields.detail), status: 400, values });
      const res = await api(c).send('PUT', `${base(space)}/${API_PATH[kind]}/${seg(id)}`, { name: f.name ?? '', fields: fields.value });
      if (!res.ok) {
        // Someone without access to the type sees the write's refusal, not the read's.
        const readable = await api(c).get(`${base(space)}/${API_PATH[kind]}/${seg(id)}`);
        if (!readable.ok) return render(c, { title: 'Content model', org, space, active: 'model', status: res.status }, <><h1>Content model</h1><ErrorSummary error={res.error} /></>);
        return editPage(c, org, space, id, { error: res.error, status: res.status, values });
      }
      setFlash(c, c.get('adminSecret'), { kind: 'success', text: `The ${NOUN[kind]} “${f.name ?? ''}” is saved.` });
      return c.redirect(`/admin/o/${org}/s/${space}/model`, 303);
    });
  }

  app.post('/o/:org/s/:space/model/locales', signedIn, async (c) => {
    const { org, space } = c.req.param();
    const f = await formData(c);
    const code = (f.code ?? '').trim();
    const name = (f.name ?? '').trim();
    const res = await api(c).send('POST', `${base(space)}/locales`, { code, ...(name ? { name } : {}), ...(f.default ? { default: true } : {}) });
    if (!res.ok) return overview(c, org, space, { form: 'locales', error: res.error, status: res.status, values: { code, name } });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `The locale ${code} is added.` });
    return c.redirect(`/admin/o/${org}/s/${space}/model`, 303);
  });
}
