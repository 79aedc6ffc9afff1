/**
 * The page editor (issue 20), generated from the page type's field schema (fields.tsx): create,
 * save draft (over a live version: the published version stays live), publish / unpublish
 * (POST …/unpublish) / schedule / unschedule, preview, delete, revision history with a
 * field-level diff and rollback — each an API call as the member (GET/PATCH/DELETE
 * /v2/pages…, /v2/manage/pages/…), so roles, live-content rules and audit rows are the API's.
 * Saves are conditional (`If-Match: "v<n>"`, the version the form was loaded at): when someone
 * else saved in between, the API answers 412 and the form comes back with the member's unsaved
 * values and a "someone else saved this" message (reload theirs, view theirs, or save over).
 * Unsaved values survive an expired session in sessionStorage (editor.js: field values only,
 * keyed by member and page; never a token) — see origin/admin/static/editor.js.
 * Slightly over 400 lines: the editor and its sub-screens (preview, history, diff, rollback,
 * delete) share load() and the URL scheme; the save fragment and the media picker live apart.
 */
import type { Context, Hono } from 'hono';
import { api, must, type ApiAnswer, type ApiError } from '../../api.js';
import { assetUrl } from '../../assets.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken, setFlash } from '../../security.js';
import { ErrorSummary, PostForm, When } from '../../ui.js';
import { FieldInput, parseFields, type RefOptions } from './fields.js';
import { pickerUrl, register as registerPicker } from './media-picker.js';
import { editorUrl, localesOf, pageTypesOf, spaceHeader, spaceUrl, versionOf, type PageTypeView } from './shared.js';
import { ConflictBox, fieldErrors, PublishButtons, quickSave, SaveButton, SaveRefusal, saveStatus, unpublishAfter, VersionField } from './save.js';
import { LiveNote } from './common.js';
import { Diff, Fields } from './view.js';

interface Managed {
  slug: string;
  name: string;
  page_type: string | null;
  locale: string;
  status: 'draft' | 'published' | 'scheduled';
  scheduled: string | null;
  version: number;
  fields: Record<string, unknown>;
  published: string | null;
  updated: string;
}
interface Revision {
  version: number;
  name: string;
  status: string;
  created: string;
  created_by_user: string | null;
  created_by_key: string | null;
}

const enc = encodeURIComponent;
const pagePath = (type: string, slug: string, locale: string, rest = '') => `/v2/manage/pages/${enc(type)}/${enc(slug)}${rest}?locale=${enc(locale)}`;

async function refsFor(c: Context<AdminEnv>, space: string, type: PageTypeView): Promise<RefOptions> {
  const wanted = new Set<string>();
  const walk = (defs: PageTypeView['fields']) => {
    for (const d of defs) {
      if (d.type === 'reference' && d.page_type) wanted.add(d.page_type);
      if (d.type === 'repeater' || d.type === 'component') walk(d.fields);
    }
  };
  walk(type.fields);
  const out: RefOptions = new Map();
  await Promise.all(
    [...wanted].map(async (t) => {
      const res = await api(c).get<{ data: { slug: string; name: string }[] }>(`/v2/manage/spaces/${space}/pages?page_type=${enc(t)}&page_size=100`);
      out.set(t, res.ok ? res.body.data : []);
    }),
  );
  return out;
}

interface EditorState {
  org: string;
  space: string;
  type: PageTypeView;
  page: Managed | null;
  title: string;
  slug: string;
  locale: string;
  fields: Record<string, unknown>;
  error?: ApiError | null;
  conflict?: { theirs: number } | null;
  status?: number;
}

async function editorPage(c: Context<AdminEnv>, s: EditorState): Promise<Response> {
  const me = c.get('me')!;
  const { org, space, type, page } = s;
  const [refs, locales] = await Promise.all([refsFor(c, space, type), localesOf(c, space)]);
  // A page does not reference itself: its own slug is not offered in its type's picker.
  if (page) refs.set(type.slug, (refs.get(type.slug) ?? []).filter((o) => o.slug !== page.slug));
  const mayWrite = can(me, 'content.write', org, space);
  const mayPublish = can(me, 'content.publish', org, space);
  const mayDelete = can(me, 'content.delete', org, space);
  const action = page ? editorUrl(org, space, page.page_type, page.slug, page.locale) : `${spaceUrl(org, space, 'pages/new')}?type=${enc(type.slug)}`;
  const here = page ? editorUrl(org, space, page.page_type, page.slug, page.locale) : action;
  const errors = new Map(fieldErrors(s.error).map((e) => [e.path, e.message]));
  return render(
    c,
    { title: page ? `Edit ${s.title}` : `New ${type.name}`, org, space, active: 'pages', ...(s.status ? { status: s.status } : {}) },
    <>
      <p>
        <a href={spaceUrl(org, space, 'pages')}>All pages</a>
      </p>
      <h1>{page ? s.title : `New ${type.name}`}</h1>
      {page ? (
        <p class="muted" id="page-state">
          {type.name} · {page.locale} · <span class={`badge ${page.status === 'published' ? 'badge-ok' : 'badge-warn'}`}>{page.status}</span> · <span id="page-version">version {page.version}</span>
          {page.scheduled ? (
            <>
              {' '}
              · publishes at <When at={page.scheduled} />
            </>
          ) : null}{' '}
          ·{' '}
          <span id="page-saved">
            saved <When at={page.updated} />
          </span>
        </p>
      ) : null}
      {page ? <LiveNote published={page.published} status={page.status} /> : null}
      {mayWrite ? null : <ErrorSummary error={s.error} />}
      {mayWrite ? (
        <PostForm action={action} token={formToken(c)} id="editor" class="editor" aria-label="Page editor" attrs={{ 'data-draft-key': `${space}:${type.slug}:${page?.slug ?? 'new'}:${s.locale}`, 'data-user': me.user_id }}>
          <VersionField slot="version-slot" version={page?.version ?? 0} />
          {/* Where an htmx save's answer goes (save.tsx); a conflict or refusal of a plain POST is shown here too. */}
          <div id="save-status" aria-live="polite">
            {s.conflict ? (
              <>
                <ConflictBox theirs={s.conflict.theirs} reload={here} preview={page ? editorUrl(org, space, page.page_type, page.slug, page.locale, '/preview') : here} />
                <input type="hidden" name="_theirs" value={String(s.conflict.theirs)} />
              </>
            ) : (
              <SaveRefusal error={s.error} schema={type.fields} />
            )}
          </div>
          <div class="toolbar" role="group" aria-label="Save">
            <SaveButton action={action} existing={page !== null} conflict={Boolean(s.conflict)} quick={page?.status === 'draft'} />
            {mayPublish && page ? <PublishButtons page={page} /> : null}
            {page ? <a href={editorUrl(org, space, page.page_type, page.slug, page.locale, '/preview')}>Preview</a> : null}
            {page ? <a href={editorUrl(org, space, page.page_type, page.slug, page.locale, '/revisions')}>History</a> : null}
          </div>
          <div class="field">
            <label for="f-_title">Page title</label>
            <input id="f-_title" name="_title" type="text" value={s.title} required maxlength={200} />
          </div>
          {page ? null : (
            <>
              <div class="field">
                <label for="f-_slug">Slug</label>
                <p class="hint" id="f-_slug-hint">
                  Letters, digits, - and _ (part of the page's URL).
                </p>
                <input id="f-_slug" name="_slug" type="text" value={s.slug} required pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,199}" aria-describedby="f-_slug-hint" />
              </div>
              <div class="field">
                <label for="f-_locale">Locale</label>
                <select id="f-_locale" name="_locale">
                  {locales.map((l) => (
                    <option value={l.code} selected={l.code === s.locale}>
                      {l.name} ({l.code})
                    </option>
                  ))}
                </select>
              </div>
            </>
          )}
          {type.fields.map((def) => (
            <FieldInput def={def} path={def.name} value={s.fields[def.name]} refs={refs} errors={errors} picker={pickerUrl(org, space)} />
          ))}
          {mayPublish && page ? (
            <fieldset class="group">
              <legend>Schedule</legend>
              <div class="field">
                <label for="f-_at">Publish at (UTC)</label>
                <input id="f-_at" name="_at" type="datetime-local" step="1" />
              </div>
              <button type="submit" class="btn btn-secondary" name="_action" value="schedule">
                Schedule
              </button>
            </fieldset>
          ) : null}
        </PostForm>
      ) : (
        <Fields schema={type.fields} values={s.fields} />
      )}
      {mayDelete && page ? (
        <PostForm action={editorUrl(org, space, page.page_type, page.slug, page.locale, '/delete')} token={formToken(c)} class="sub" attrs={{ 'data-confirm': `Delete ${s.title}? It can be restored from the list of deleted pages.` }}>
          <VersionField slot="delete-version-slot" version={page.version} />
          <button type="submit" class="btn btn-danger">
            Delete page
          </button>
        </PostForm>
      ) : null}
      <script src={assetUrl('editor.js')} type="module"></script>
      <script src={assetUrl('picker.js')} type="module"></script>
    </>,
  );
}

async function load(c: Context<AdminEnv>): Promise<{ org: string; space: string; typeSlug: string; slug: string; locale: string; page: Managed; type: PageTypeView }> {
  const { org, space, type: typeSlug, slug } = c.req.param() as Record<string, string>;
  const locale = c.req.query('locale') ?? '';
  // The working copy and its page type at once (the type named in the URL; `*`: found from the page).
  const [res, named] = await Promise.all([
    api(c).get<{ data: Managed }>(pagePath(typeSlug!, slug!, locale), { headers: spaceHeader(space!) }),
    typeSlug !== '*' ? api(c).get<{ data: PageTypeView }>(`/v2/manage/spaces/${space}/page_types/${enc(typeSlug!)}`) : null,
  ]);
  const page = must(res).data;
  const type =
    (named?.ok ? named.body.data : null) ?? (await pageTypesOf(c, space!)).find((t) => t.slug === page.page_type) ?? { slug: '*', name: 'Single page', fields: [] };
  return { org: org!, space: space!, typeSlug: typeSlug!, slug: slug!, locale: page.locale, page: { ...page, version: versionOf(res.headers.get('etag')) ?? page.version }, type };
}

async function allFields(c: Context<AdminEnv>): Promise<Record<string, string | string[]>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

export function register(app: Hono<AdminEnv>, deps: AdminDeps): void {
  registerPicker(app, deps);
  app.get('/o/:org/s/:space/pages/new', signedIn, async (c) => {
    const { org, space } = c.req.param();
    const type = (await pageTypesOf(c, space)).find((t) => t.slug === c.req.query('type'));
    if (!type) return c.redirect(spaceUrl(org, space, 'pages'), 303);
    const def = (await localesOf(c, space)).find((l) => l.default)?.code ?? 'en';
    return editorPage(c, { org, space, type, page: null, title: '', slug: '', locale: def, fields: {} });
  });

  app.post('/o/:org/s/:space/pages/new', signedIn, async (c) => {
    const { org, space } = c.req.param();
    const type = (await pageTypesOf(c, space)).find((t) => t.slug === c.req.query('type'));
    if (!type) return c.redirect(spaceUrl(org, space, 'pages'), 303);
    const form = await allFields(c);
    const act = first(form._action);
    const fields = parseFields(type.fields, form, act.startsWith('add:') ? act.slice(4) : null);
    const state = { org, space, type, page: null, title: first(form._title), slug: first(form._slug), locale: first(form._locale), fields };
    if (act.startsWith('add:')) return editorPage(c, state);
    const res = await api(c).send('POST', `/v2/pages?locale=${enc(state.locale)}`, { title: state.title, slug: state.slug, page_type: type.slug, status: 'draft', fields }, { headers: spaceHeader(space) });
    if (!res.ok) return editorPage(c, { ...state, error: res.error, status: res.status });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `Created draft ${state.title}.` });
    return c.redirect(editorUrl(org, space, type.slug, state.slug, state.locale), 303);
  });

  app.get('/o/:org/s/:space/pages/:type/:slug', signedIn, async (c) => {
    const l = await load(c);
    return editorPage(c, { org: l.org, space: l.space, type: l.type, page: l.page, title: l.page.name, slug: l.slug, locale: l.locale, fields: l.page.fields });
  });

  app.post('/o/:org/s/:space/pages/:type/:slug', signedIn, async (c) => {
    const form = await allFields(c);
    const act = first(form._action) || 'save';
    if (c.req.header('hx-request') === 'true' && (act === 'save' || act === 'overwrite')) {
      // The htmx "Save draft": a fragment, not the whole editor (save.tsx).
      const { org, space, type, slug } = c.req.param();
      const locale = c.req.query('locale') ?? '';
      const here = editorUrl(org, space, type === '*' ? null : type, slug, locale);
      return quickSave(c, { org, space, typeSlug: type, slug, locale, form, here, preview: editorUrl(org, space, type === '*' ? null : type, slug, locale, '/preview') });
    }
    const l = await load(c);
    const fields = parseFields(l.type.fields, form, act.startsWith('add:') ? act.slice(4) : null);
    const state: EditorState = { org: l.org, space: l.space, type: l.type, page: l.page, title: first(form._title), slug: l.slug, locale: l.locale, fields };
    if (act.startsWith('add:')) return editorPage(c, state);
    const body: Record<string, unknown> = { title: state.title, fields, ...saveStatus(act, l.page.status, first(form._at)) };
    // If-Match: the version the form was loaded at (or, to save over a conflicting save, the one the member saw in the message).
    const basedOn = act === 'overwrite' ? first(form._theirs) : first(form._version);
    let res: ApiAnswer<unknown> = await api(c).send('PATCH', `/v2/pages/${enc(l.typeSlug)}/${enc(l.slug)}?locale=${enc(l.locale)}`, body, {
      headers: { ...spaceHeader(l.space), 'if-match': `"v${basedOn}"` },
    });
    if (act === 'unpublish') res = await unpublishAfter(c, res, l);
    if (res.status === 412 || res.status === 409) return editorPage(c, { ...state, conflict: { theirs: l.page.version }, status: res.status });
    if (!res.ok) return editorPage(c, { ...state, error: res.error, status: res.status });
    const v = versionOf(res.headers.get('etag'));
    const what = ({ publish: 'Published', unpublish: 'Unpublished', unschedule: 'Unscheduled', schedule: 'Scheduled' } as Record<string, string>)[act] ?? 'Saved draft';
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `${what}${v ? ` (version ${v})` : ''}.` });
    return c.redirect(editorUrl(l.org, l.space, l.page.page_type, l.slug, l.locale), 303);
  });

  app.post('/o/:org/s/:space/pages/:type/:slug/delete', signedIn, async (c) => {
    const { org, space, type, slug } = c.req.param();
    const locale = c.req.query('locale') ?? '';
    const form = await allFields(c);
    const res = await api(c).send('DELETE', `/v2/pages/${enc(type)}/${enc(slug)}?locale=${enc(locale)}`, undefined, { headers: { ...spaceHeader(space), 'if-match': `"v${first(form._version)}"` } });
    must(res);
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `Deleted ${slug}. It can be restored from the deleted pages.` });
    return c.redirect(`${spaceUrl(org, space, 'pages')}?status=deleted`, 303);
  });

  app.get('/o/:org/s/:space/pages/:type/:slug/preview', signedIn, async (c) => {
    const l = await load(c);
    return render(
      c,
      { title: `Preview: ${l.page.name}`, org: l.org, space: l.space, active: 'pages' },
      <>
        <p>
          <a href={editorUrl(l.org, l.space, l.page.page_type, l.slug, l.locale)}>Back to the editor</a>
        </p>
        <p class="flash flash-info">Preview of the working copy (version {l.page.version}, {l.page.status}) as the API holds it.</p>
        <article class="preview" aria-labelledby="preview-title">
          <h1 id="preview-title">{l.page.name}</h1>
          <Fields schema={l.type.fields} values={l.page.fields} />
        </article>
      </>,
    );
  });

  app.get('/o/:org/s/:space/pages/:type/:slug/revisions', signedIn, async (c) => {
    const l = await load(c);
    const list = must(await api(c).get<{ data: Revision[] }>(pagePath(l.typeSlug, l.slug, l.locale, '/revisions'), { headers: spaceHeader(l.space) })).data;
    const me = c.get('me')!;
    return render(
      c,
      { title: `History: ${l.page.name}`, org: l.org, space: l.space, active: 'pages' },
      <>
        <p>
          <a href={editorUrl(l.org, l.space, l.page.page_type, l.slug, l.locale)}>Back to the editor</a>
        </p>
        <h1>History of {l.page.name}</h1>
        <table class="table">
          <caption class="visually-hidden">Revisions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Title</th>
              <th scope="col">Status</th>
              <th scope="col">Saved</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr>
                <td>
                  <a href={editorUrl(l.org, l.space, l.page.page_type, l.slug, l.locale, `/revisions/${r.version}`)}>Version {r.version}</a>
                </td>
                <td>{r.name}</td>
                <td>{r.status}</td>
                <td>
                  <When at={r.created} />
                </td>
                <td class="mono">{r.created_by_user === me.user_id ? 'you' : (r.created_by_user ?? (r.created_by_key ? `key ${r.created_by_key.slice(0, 8)}` : 'scheduler'))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>,
    );
  });

  app.get('/o/:org/s/:space/pages/:type/:slug/revisions/:version', signedIn, async (c) => {
    const l = await load(c);
    const v = c.req.param('version');
    const rev = must(await api(c).get<{ data: Revision & { fields: Record<string, unknown> } }>(pagePath(l.typeSlug, l.slug, l.locale, `/revisions/${enc(v)}`), { headers: spaceHeader(l.space) })).data;
    const mayRollback = can(c.get('me'), 'content.publish', l.org, l.space);
    return render(
      c,
      { title: `Version ${rev.version}: ${l.page.name}`, org: l.org, space: l.space, active: 'pages' },
      <>
        <p>
          <a href={editorUrl(l.org, l.space, l.page.page_type, l.slug, l.locale, '/revisions')}>Back to the history</a>
        </p>
        <h1>
          Version {rev.version} of {l.page.name}
        </h1>
        <Diff schema={l.type.fields} version={rev.version} then={{ name: rev.name, fields: rev.fields }} now={{ name: l.page.name, fields: l.page.fields, version: l.page.version }} />
        {mayRollback ? (
          <PostForm action={editorUrl(l.org, l.space, l.page.page_type, l.slug, l.locale, '/rollback')} token={formToken(c)} attrs={{ 'data-confirm': `Roll back to version ${rev.version}?` }}>
            <input type="hidden" name="version" value={String(rev.version)} />
            <input type="hidden" name="_version" value={String(l.page.version)} />
            <button type="submit" class="btn btn-primary">
              Roll back to version {rev.version}
            </button>
          </PostForm>
        ) : null}
      </>,
    );
  });

  app.post('/o/:org/s/:space/pages/:type/:slug/rollback', signedIn, async (c) => {
    const { org, space, type, slug } = c.req.param();
    const locale = c.req.query('locale') ?? '';
    const form = await allFields(c);
    const res = await api(c).send('POST', pagePath(type, slug, locale, '/rollback'), { version: Number(first(form.version)) }, { headers: { ...spaceHeader(space), 'if-match': `"v${first(form._version)}"` } });
    must(res);
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `Rolled back to version ${first(form.version)} (now version ${versionOf(res.headers.get('etag')) ?? '?'}).` });
    return c.redirect(editorUrl(org, space, type === '*' ? null : type, slug, locale), 303);
  });
}
