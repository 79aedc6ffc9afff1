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
 * The form's controls are actions.tsx's and the sub-screens (preview, history, diff, rollback,
 * delete) revisions.tsx's, shared with the item and post editors; the htmx save is save.tsx's.
 */
import type { Context, Hono } from 'hono';
import { api, must, type ApiAnswer } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { formToken } from '../../security.js';
import { DeleteForm, EditorForm, editorRights, EditorScreen, saveLabel, SlugField, TitleField, type EditorStateBase } from './actions.js';
import { first, flash, LiveNote, LocaleSelect, postedForm, StateLine } from './common.js';
import { FieldInput, parseFields, type RefOptions } from './fields.js';
import { pickerUrl, register as registerPicker } from './media-picker.js';
import { deleted, historyScreen, previewScreen, rolledBack, saved, versionScreen } from './revisions.js';
import { editorUrl, localesOf, pageTypesOf, spaceHeader, spaceUrl, versionOf, type PageTypeView } from './shared.js';
import { fieldErrors, quickSave, SaveRefusal, savedWhat, saveStatus, unpublishAfter } from './save.js';
import { Fields } from './view.js';

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

interface EditorState extends EditorStateBase {
  type: PageTypeView;
  page: Managed | null;
  title: string;
  slug: string;
  locale: string;
  fields: Record<string, unknown>;
}

async function editorPage(c: Context<AdminEnv>, s: EditorState): Promise<Response> {
  const me = c.get('me')!;
  const { org, space, type, page } = s;
  const [refs, locales] = await Promise.all([refsFor(c, space, type), localesOf(c, space)]);
  // A page does not reference itself: its own slug is not offered in its type's picker.
  if (page) refs.set(type.slug, (refs.get(type.slug) ?? []).filter((o) => o.slug !== page.slug));
  const may = editorRights(me, org, space);
  const action = page ? editorUrl(org, space, page.page_type, page.slug, page.locale) : `${spaceUrl(org, space, 'pages/new')}?type=${enc(type.slug)}`;
  const at = (rest: string) => (page ? editorUrl(org, space, page.page_type, page.slug, page.locale, rest) : action);
  const errors = new Map(fieldErrors(s.error).map((e) => [e.path, e.message]));
  return render(
    c,
    { title: page ? `Edit ${s.title}` : `New ${type.name}`, org, space, active: 'pages', ...(s.status ? { status: s.status } : {}) },
    <EditorScreen
      back={{ href: spaceUrl(org, space, 'pages'), label: 'All pages' }}
      heading={page ? s.title : `New ${type.name}`}
      state={
        page ? (
          <>
            <StateLine parts={[type.name, page.locale]} status={page.status} version={page.version} scheduled={page.scheduled} updated={page.updated} page />
            <LiveNote published={page.published} status={page.status} />
          </>
        ) : null
      }
      mayWrite={may.write}
      error={s.error}
      view={<Fields schema={type.fields} values={s.fields} />}
      remove={may.delete && page ? <DeleteForm action={at('/delete')} token={formToken(c)} confirm={`Delete ${s.title}? It can be restored from the list of deleted pages.`} version={page.version} label="Delete page" /> : null}
    >
      <EditorForm
        action={action}
        token={formToken(c)}
        label="Page editor"
        draftKey={`${space}:${type.slug}:${page?.slug ?? 'new'}:${s.locale}`}
        user={me.user_id}
        version={page?.version ?? 0}
        conflict={s.conflict ? { what: 'page', theirs: s.conflict.theirs, reload: action, view: at('/preview') } : null}
        refusal={<SaveRefusal error={s.error} schema={type.fields} />}
        toolbar={{
          action,
          label: saveLabel({ existing: page !== null, conflict: Boolean(s.conflict), changes: page?.status === 'scheduled' }),
          conflict: Boolean(s.conflict),
          quick: page?.status === 'draft',
          publish: may.publish && page !== null,
          unschedule: may.publish && page?.status === 'scheduled',
          unpublish: may.publish && page !== null && page.published !== null,
          links: page ? { preview: at('/preview'), history: at('/revisions') } : null,
        }}
        schedule={may.publish && page ? { seconds: true } : null}
      >
        <TitleField label="Page title" value={s.title} max={200} />
        {page ? null : (
          <>
            <SlugField what="page" value={s.slug} />
            <LocaleSelect id="f-_locale" name="_locale" locales={locales} selected={s.locale} />
          </>
        )}
        {type.fields.map((def) => (
          <FieldInput def={def} path={def.name} value={s.fields[def.name]} refs={refs} errors={errors} picker={pickerUrl(org, space)} />
        ))}
      </EditorForm>
    </EditorScreen>,
  );
}

async function load(c: Context<AdminEnv>): Promise<{ org: string; space: string; typeSlug: string; slug: string; locale: string; page: Managed; type: PageTypeView; at: (rest?: string) => string }> {
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
  const at = (rest = '') => editorUrl(org!, space!, page.page_type, slug!, page.locale, rest);
  return { org: org!, space: space!, typeSlug: typeSlug!, slug: slug!, locale: page.locale, page: { ...page, version: versionOf(res.headers.get('etag')) ?? page.version }, type, at };
}

const where = (l: { org: string; space: string }) => ({ org: l.org, space: l.space, active: 'pages' });

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
    const form = await postedForm(c);
    const act = first(form._action);
    const fields = parseFields(type.fields, form, act.startsWith('add:') ? act.slice(4) : null);
    const state = { org, space, type, page: null, title: first(form._title), slug: first(form._slug), locale: first(form._locale), fields };
    if (act.startsWith('add:')) return editorPage(c, state);
    const res = await api(c).send('POST', `/v2/pages?locale=${enc(state.locale)}`, { title: state.title, slug: state.slug, page_type: type.slug, status: 'draft', fields }, { headers: spaceHeader(space) });
    if (!res.ok) return editorPage(c, { ...state, error: res.error, status: res.status });
    flash(c, `Created draft ${state.title}.`);
    return c.redirect(editorUrl(org, space, type.slug, state.slug, state.locale), 303);
  });

  app.get('/o/:org/s/:space/pages/:type/:slug', signedIn, async (c) => {
    const l = await load(c);
    return editorPage(c, { org: l.org, space: l.space, type: l.type, page: l.page, title: l.page.name, slug: l.slug, locale: l.locale, fields: l.page.fields });
  });

  app.post('/o/:org/s/:space/pages/:type/:slug', signedIn, async (c) => {
    const form = await postedForm(c);
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
    return saved(c, res, savedWhat(act, l.page.status), l.at());
  });

  app.post('/o/:org/s/:space/pages/:type/:slug/delete', signedIn, async (c) => {
    const { org, space, type, slug } = c.req.param();
    const path = `/v2/pages/${enc(type)}/${enc(slug)}?locale=${enc(c.req.query('locale') ?? '')}`;
    return deleted(c, { space, path, flash: `Deleted ${slug}. It can be restored from the deleted pages.`, to: `${spaceUrl(org, space, 'pages')}?status=deleted` });
  });

  app.get('/o/:org/s/:space/pages/:type/:slug/preview', signedIn, async (c) => {
    const l = await load(c);
    return previewScreen(c, where(l), { at: l.at, name: l.page.name, version: l.page.version, status: l.page.status, schema: l.type.fields, values: l.page.fields });
  });

  app.get('/o/:org/s/:space/pages/:type/:slug/revisions', signedIn, async (c) => {
    const l = await load(c);
    const list = must(await api(c).get<{ data: Revision[] }>(pagePath(l.typeSlug, l.slug, l.locale, '/revisions'), { headers: spaceHeader(l.space) })).data;
    return historyScreen(c, where(l), { at: l.at, name: l.page.name, entries: list.map((r) => ({ ...r, title: r.name })) });
  });

  app.get('/o/:org/s/:space/pages/:type/:slug/revisions/:version', signedIn, async (c) => {
    const l = await load(c);
    const v = c.req.param('version');
    const rev = must(await api(c).get<{ data: Revision & { fields: Record<string, unknown> } }>(pagePath(l.typeSlug, l.slug, l.locale, `/revisions/${enc(v)}`), { headers: spaceHeader(l.space) })).data;
    return versionScreen(c, where(l), {
      at: l.at,
      name: l.page.name,
      schema: l.type.fields,
      then: { version: rev.version, name: rev.name, fields: rev.fields },
      now: { fields: l.page.fields, version: l.page.version },
    });
  });

  app.post('/o/:org/s/:space/pages/:type/:slug/rollback', signedIn, async (c) => {
    const { org, space, type, slug } = c.req.param();
    const locale = c.req.query('locale') ?? '';
    return rolledBack(c, { space, path: pagePath(type, slug, locale, '/rollback'), to: editorUrl(org, space, type === '*' ? null : type, slug, locale) });
  });
}
