/**
 * The blog post editor (issue 20): title, slug (on creation; `…/posts/_new`, which no slug can be),
 * body (rich text: HTML the API sanitises on save), summary, blog author (its slug), categories and
 * tags (names, comma-separated), featured image and its alt text, SEO title and meta description —
 * the post shape of the blog API, with the page editor's field inputs (fields.tsx). Create, save
 * draft, publish / unpublish / schedule, preview, delete, revision history with a field-level diff
 * and rollback — each an API call as the member (POST/PATCH/DELETE /v2/posts…, GET/POST
 * /v2/manage/posts/…), so roles, live-content rules and audit rows are the API's. Saves are
 * conditional (`If-Match: "v<n>"`); a 412 brings the form back with the member's values and
 * "Someone else saved this post".
 * "Save draft" keeps a post's published version live (draft-over-published,
 * origin/content/blog/write.ts) and the editor says so; "Unpublish" (publishers, while a published
 * version is live) saves the form as a draft, then takes the published version down
 * (POST /v2/manage/posts/{slug}/unpublish, conditional on the saved version).
 */
import type { Context, Hono } from 'hono';
import { api, must, type ApiAnswer, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken } from '../../security.js';
import { ErrorSummary } from '../../ui.js';
import { DeleteForm, EditorForm, editorRights, EditorScreen, saveLabel, SlugField, TitleField, type EditorStateBase } from './actions.js';
import { fieldRefusal, first, flash, LiveNote, postedForm, quickSaveAnswer, refusedFields, StateLine, type HistoryEntry } from './common.js';
import { FieldInput, parseFields } from './fields.js';
import { pickerUrl } from './media-picker.js';
import { postsUrl, postUrl } from './posts.js';
import { deleted, historyScreen, previewScreen, rolledBack, saved, versionScreen } from './revisions.js';
import { savedWhat, saveStatus } from './save.js';
import { spaceHeader, versionOf, type FieldSchema } from './shared.js';
import { Fields } from './view.js';

interface Managed {
  title: string;
  slug: string;
  status: 'draft' | 'published' | 'scheduled';
  scheduled: string | null;
  /** When it was first published (null: never); a published version then stays live. */
  published: string | null;
  version: number;
  updated: string;
  summary: string;
  body: string;
  seo_title: string;
  meta_description: string;
  featured_image: string | null;
  featured_image_alt: string;
  author: { slug: string } | null;
  categories: { name: string }[];
  tags: { name: string }[];
}
type Values = Record<string, unknown>;

const enc = encodeURIComponent;
const managePath = (slug: string, rest = '') => `/v2/manage/posts/${enc(slug)}${rest}`;

/** The post's content fields as the editor's inputs (the title and slug are above them). */
const SCHEMA: FieldSchema = [
  { name: 'body', type: 'rich_text', label: 'Body' },
  { name: 'summary', type: 'long_text', label: 'Summary' },
  { name: 'author', type: 'short_text', label: 'Author (slug)' },
  { name: 'categories', type: 'short_text', label: 'Categories (comma-separated)' },
  { name: 'tags', type: 'short_text', label: 'Tags (comma-separated)' },
  { name: 'featured_image', type: 'media', label: 'Featured image' },
  { name: 'featured_image_alt', type: 'short_text', label: 'Featured image alt text' },
  { name: 'seo_title', type: 'short_text', label: 'SEO title' },
  { name: 'meta_description', type: 'long_text', label: 'Meta description' },
];
/** The diff's rows: a revision's `fields` (origin/content/blog/revisions.ts) — lists as lists. */
const DIFF_SCHEMA: FieldSchema = SCHEMA.map((d) => ({ ...d, label: (d.label ?? d.name).replace(/ \((slug|comma-separated)\)$/, '') }));

/** The working copy as a revision holds it (for the diff). */
function asRevision(p: Managed): Values {
  return {
    body: p.body,
    summary: p.summary,
    seo_title: p.seo_title,
    meta_description: p.meta_description,
    featured_image: p.featured_image ?? '',
    featured_image_alt: p.featured_image_alt,
    author: p.author?.slug ?? null,
    categories: p.categories.map((x) => x.name),
    tags: p.tags.map((x) => x.name),
  };
}
/** The working copy as the form shows it. */
function asForm(p: Managed): Values {
  const r = asRevision(p);
  return { ...r, author: r.author ?? '', categories: (r.categories as string[]).join(', '), tags: (r.tags as string[]).join(', ') };
}
const names = (v: unknown) =>
  String(v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The write body's content (the API checks each value and names the field it refuses). */
function writeBody(title: string, shown: Values): Record<string, unknown> {
  const author = String(shown.author ?? '').trim();
  return {
    title,
    body: shown.body,
    summary: shown.summary,
    seo_title: shown.seo_title,
    meta_description: shown.meta_description,
    featured_image: String(shown.featured_image ?? '').trim(),
    featured_image_alt: shown.featured_image_alt,
    categories: names(shown.categories),
    tags: names(shown.tags),
    ...(author ? { author: { slug: author } } : {}),
  };
}

/** The API names refused values by the write body's path (`featured_image`, `categories.0`, `author.slug`). */
const refusedPostFields = (error: ApiError | null | undefined) => refusedFields(error, (path) => SCHEMA.find((d) => d.name === path.split('.')[0])?.name ?? null);

interface EditorState extends EditorStateBase {
  post: Managed | null;
  title: string;
  slug: string;
  shown: Values;
}

async function editorPage(c: Context<AdminEnv>, s: EditorState): Promise<Response> {
  const me = c.get('me')!;
  const { org, space, post } = s;
  const may = editorRights(me, org, space);
  const here = post ? postUrl(org, space, post.slug) : postUrl(org, space, '_new');
  const heading = post ? post.title : 'New post';
  const errors = refusedPostFields(s.error);
  // An htmx save only where nothing but the version moves (a draft): saving a published post
  // makes it a draft over the live version, and the whole editor says so after the plain POST; a
  // scheduled post's save keeps its schedule ("Save changes") and the state line shows it.
  const quick = post !== null && post.status === 'draft';
  return render(
    c,
    { title: post ? `Edit ${post.title}` : heading, org, space, active: 'posts', ...(s.status ? { status: s.status } : {}) },
    <EditorScreen
      back={{ href: postsUrl(org, space), label: 'All posts' }}
      heading={heading}
      state={
        post ? (
          <>
            <StateLine parts={[post.slug]} status={post.status} version={post.version} scheduled={post.scheduled} updated={post.updated} />
            <LiveNote published={post.published} status={post.status} />
          </>
        ) : null
      }
      mayWrite={may.write}
      error={s.error}
      view={<Fields schema={SCHEMA} values={s.shown} />}
      remove={may.delete && post ? <DeleteForm action={postUrl(org, space, post.slug, '/delete')} token={formToken(c)} confirm={`Delete ${post.title}? It can be restored from the deleted posts.`} version={post.version} label="Delete post" /> : null}
    >
      <EditorForm
        action={here}
        token={formToken(c)}
        label="Post editor"
        draftKey={`${space}:post:${post?.slug ?? 'new'}`}
        user={me.user_id}
        version={post?.version ?? 0}
        conflict={s.conflict && post ? { what: 'post', theirs: s.conflict.theirs, reload: here, view: postUrl(org, space, post.slug, '/preview') } : null}
        refusal={<ErrorSummary error={s.error} />}
        toolbar={{
          action: here,
          label: saveLabel({ existing: post !== null, conflict: Boolean(s.conflict), changes: post !== null && post.status === 'scheduled' }),
          conflict: Boolean(s.conflict),
          quick,
          publish: may.publish,
          unschedule: may.publish && post?.status === 'scheduled',
          unpublish: may.publish && post !== null && post.published !== null,
          links: post ? { preview: postUrl(org, space, post.slug, '/preview'), history: postUrl(org, space, post.slug, '/revisions') } : null,
        }}
        schedule={may.publish && post ? { seconds: false } : null}
      >
        <TitleField label="Post title" value={s.title} max={500} />
        {post ? null : <SlugField what="post" value={s.slug} />}
        {SCHEMA.map((def) => (
          <FieldInput def={def} path={def.name} value={s.shown[def.name]} refs={new Map()} errors={errors} picker={pickerUrl(org, space)} />
        ))}
      </EditorForm>
    </EditorScreen>,
  );
}

async function load(c: Context<AdminEnv>) {
  const { org, space, slug } = c.req.param() as Record<string, string>;
  const res = await api(c).get<{ data: Managed }>(managePath(slug!), { headers: spaceHeader(space!) });
  const post = must(res).data;
  return { org: org!, space: space!, post: { ...post, version: versionOf(res.headers.get('etag')) ?? post.version }, at: (rest = '') => postUrl(org!, space!, post.slug, rest) };
}

const where = (l: { org: string; space: string }) => ({ org: l.org, space: l.space, active: 'posts' });

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.get('/o/:org/s/:space/posts/_new', signedIn, async (c) => {
    const { org, space } = c.req.param();
    return editorPage(c, { org, space, post: null, title: '', slug: '', shown: {} });
  });

  app.post('/o/:org/s/:space/posts/_new', signedIn, async (c) => {
    const { org, space } = c.req.param();
    const form = await postedForm(c);
    const shown = parseFields(SCHEMA, form, null);
    const state: EditorState = { org, space, post: null, title: first(form._title), slug: first(form._slug), shown };
    const status = first(form._action) === 'publish' ? 'published' : 'draft';
    const res = await api(c).send('POST', '/v2/posts', { ...writeBody(state.title, shown), slug: state.slug, status }, { headers: spaceHeader(space) });
    if (!res.ok) return editorPage(c, { ...state, error: res.error, status: res.status });
    flash(c, `${status === 'published' ? 'Published' : 'Created draft'} ${state.title}.`);
    return c.redirect(postUrl(org, space, state.slug), 303);
  });

  app.get('/o/:org/s/:space/posts/:slug', signedIn, async (c) => {
    const l = await load(c);
    return editorPage(c, { org: l.org, space: l.space, post: l.post, title: l.post.title, slug: l.post.slug, shown: asForm(l.post) });
  });

  app.post('/o/:org/s/:space/posts/:slug', signedIn, async (c) => {
    const l = await load(c);
    const form = await postedForm(c);
    const act = first(form._action) || 'save';
    const shown = parseFields(SCHEMA, form, null);
    const state: EditorState = { org: l.org, space: l.space, post: l.post, title: first(form._title), slug: l.post.slug, shown };
    // The pages' rule (save.tsx saveStatus): "Save draft" over a published post saves a draft
    // beside the live version; a scheduled post's "Save changes" sends no status, so it stays
    // scheduled at its time and the scheduler publishes what was saved; Unschedule makes it a draft.
    const body = { ...writeBody(state.title, shown), ...saveStatus(act, l.post.status, first(form._at)) };
    // If-Match: the version the form was loaded at (or, to save over a conflicting save, the one the member saw in the message).
    const basedOn = first(form._theirs) || first(form._version);
    let res: ApiAnswer<unknown> = await api(c).send('PATCH', `/v2/posts/${enc(l.post.slug)}`, body, { headers: { ...spaceHeader(l.space), 'if-match': `"v${basedOn}"` } });
    // Unpublish: the form saved as a draft, then the published version taken down (conditional on that save).
    if (act === 'unpublish' && res.ok) res = await api(c).send('POST', managePath(l.post.slug, '/unpublish'), undefined, { headers: { ...spaceHeader(l.space), 'if-match': `"v${versionOf(res.headers.get('etag')) ?? ''}"` } });
    if (c.req.header('hx-request') === 'true' && (act === 'save' || act === 'overwrite')) {
      return quickSaveAnswer(c, res, {
        what: 'post',
        here: l.at(),
        view: l.at('/preview'),
        basedOn,
        current: async () => versionOf((await api(c).get(managePath(l.post.slug), { headers: spaceHeader(l.space) })).headers.get('etag')),
        saved: 'Saved draft',
        label: 'Save draft',
        refusal: fieldRefusal(refusedPostFields),
        mayDelete: can(c.get('me'), 'content.delete', l.org, l.space),
      });
    }
    if (res.status === 412) return editorPage(c, { ...state, conflict: { theirs: l.post.version }, status: 412 });
    if (!res.ok) return editorPage(c, { ...state, error: res.error, status: res.status });
    return saved(c, res, savedWhat(act, l.post.status), l.at());
  });

  app.post('/o/:org/s/:space/posts/:slug/delete', signedIn, async (c) => {
    const { org, space, slug } = c.req.param();
    return deleted(c, { space, path: `/v2/posts/${enc(slug)}`, flash: `Deleted ${slug}. It can be restored from the deleted posts.`, to: `${postsUrl(org, space)}?status=deleted` });
  });

  app.get('/o/:org/s/:space/posts/:slug/preview', signedIn, async (c) => {
    const l = await load(c);
    return previewScreen(c, where(l), { at: l.at, name: l.post.title, version: l.post.version, status: l.post.status, schema: SCHEMA, values: asForm(l.post) });
  });

  app.get('/o/:org/s/:space/posts/:slug/revisions', signedIn, async (c) => {
    const l = await load(c);
    const list = must(await api(c).get<{ data: HistoryEntry[] }>(managePath(l.post.slug, '/revisions'), { headers: spaceHeader(l.space) })).data;
    return historyScreen(c, where(l), { at: l.at, name: l.post.title, entries: list });
  });

  app.get('/o/:org/s/:space/posts/:slug/revisions/:version', signedIn, async (c) => {
    const l = await load(c);
    const v = c.req.param('version');
    const rev = must(await api(c).get<{ data: { version: number; title: string; fields: Values } }>(managePath(l.post.slug, `/revisions/${enc(v)}`), { headers: spaceHeader(l.space) })).data;
    return versionScreen(c, where(l), {
      at: l.at,
      name: l.post.title,
      schema: DIFF_SCHEMA,
      then: { version: rev.version, name: rev.title, fields: rev.fields },
      now: { fields: asRevision(l.post), version: l.post.version },
    });
  });

  app.post('/o/:org/s/:space/posts/:slug/rollback', signedIn, async (c) => {
    const { org, space, slug } = c.req.param();
    return rolledBack(c, { space, path: managePath(slug, '/rollback'), to: postUrl(org, space, slug) });
  });
}
