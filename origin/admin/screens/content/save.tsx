/**
 * "Save draft" as a small htmx request (issue 20: editor save → confirmation ≤ 150 ms p95).
 * The editor's Save button carries `hx-post` (the same URL as the form's plain POST) and
 * `hx-target="#save-status"`: the answer is a fragment, not the whole editor — the status message,
 * the new version for the next If-Match (`_version`), the version and saved time in the page's
 * state line, and on a refusal the API's error (with each field's message, `FieldErrors`) or the
 * "someone else saved this page" box (412; the member's values stay in the form, untouched; the
 * button becomes "Save mine over theirs") — the fragment is common.tsx quickSaveAnswer's, as the
 * item and post editors'. The PATCH is the API's, as the member, like every write.
 * Out-of-band parts are `innerHTML` swaps of slots whose new children carry no id: htmx "settles"
 * class/style attributes between same-id elements, which would copy a `style` attribute (one a
 * browser tool left) and trip the CSP's style-src.
 * Without JavaScript the button submits the form: POST → redirect → GET (editor.tsx), unchanged.
 * A session that expired answers HX-Redirect to sign-in (routes.tsx); editor.js keeps the values.
 */
import type { Context } from 'hono';
import { api, must, type ApiAnswer, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { can } from '../../nav.js';
import { ErrorSummary } from '../../ui.js';
import { first, quickSaveAnswer, scheduleIso } from './common.js';
import { idOf, labelOf, parseFields } from './fields.js';
import { spaceHeader, versionOf, type FieldDef, type FieldSchema, type PageTypeView } from './shared.js';

const enc = encodeURIComponent;

/**
 * What a toolbar action PATCHes as the page's status. "Save draft" on a published page sends
 * `status: "draft"` (a draft over the published version, which stays live — without a status the
 * API would change the live version at once, and refuse an author); on a scheduled page no status
 * (the schedule stays); Unpublish first saves the form as a draft, then calls the unpublish route.
 */
export function saveStatus(act: string, status: string, at: string): Record<string, unknown> {
  if (act === 'publish') return { status: 'published' };
  if (act === 'schedule') return { status: 'scheduled', scheduled: scheduleIso(at) };
  if (act === 'unschedule' || act === 'unpublish') return { status: 'draft' };
  return status === 'published' ? { status: 'draft' } : {};
}

/** The flash after an editor's plain POST: what the action did — a scheduled entry's save keeps its schedule (saveStatus), and says so. */
export function savedWhat(act: string, status: string): string {
  const named: Record<string, string> = { publish: 'Published', unpublish: 'Unpublished', unschedule: 'Unscheduled', schedule: 'Scheduled' };
  return named[act] ?? (status === 'scheduled' ? 'Saved; still scheduled' : 'Saved draft');
}

/** After a save, Unpublish's second call: the page's published version taken down, conditional on the saved version. */
export async function unpublishAfter(c: Context<AdminEnv>, saved: ApiAnswer<unknown>, p: { space: string; typeSlug: string; slug: string; locale: string }): Promise<ApiAnswer<unknown>> {
  if (!saved.ok) return saved;
  const path = `/v2/manage/pages/${enc(p.typeSlug)}/${enc(p.slug)}/unpublish?locale=${enc(p.locale)}`;
  return api(c).send('POST', path, undefined, { headers: { ...spaceHeader(p.space), 'if-match': `"v${versionOf(saved.headers.get('etag')) ?? ''}"` } });
}

/** One field's refusal: the input's id (fields.tsx), the field as the form labels it, and the API's words. */
export interface FieldError {
  id: string;
  path: string;
  label: string;
  message: string;
}

/** `faq.0.question` → "Faq item 1 → Question" (the form's labels), the path itself where the schema has no such field. */
function labelPath(schema: FieldSchema, path: string): string {
  let defs: FieldSchema | undefined = schema;
  const out: string[] = [];
  for (const seg of path.split('.')) {
    if (/^\d+$/.test(seg)) {
      out.push(`item ${Number(seg) + 1}`);
      continue;
    }
    const def: FieldDef | undefined = defs?.find((d) => d.name === seg);
    out.push(def ? labelOf(def) : seg);
    defs = def && (def.type === 'repeater' || def.type === 'component') ? def.fields : undefined;
  }
  return out.join(' → ').replace(/ → item/g, ' item');
}

/**
 * The field-level messages of an API refusal ("Invalid fields: fields.rating: must be a number;
 * fields.faq.0.question: must be a string."), keyed to the editor's inputs; [] for any other error.
 */
export function fieldErrors(error: ApiError | null | undefined, schema: FieldSchema = []): FieldError[] {
  if (!error || error.code !== 'bad_request' || !error.detail.startsWith('Invalid fields: ')) return [];
  const body = error.detail.slice('Invalid fields: '.length).replace(/\.$/, '');
  const out: FieldError[] = [];
  for (const part of body.split(/; (?=fields\.)/)) {
    const m = /^fields\.([^:\s]+): (.+)$/.exec(part);
    if (m) out.push({ id: idOf(m[1]!), path: m[1]!, label: labelPath(schema, m[1]!), message: m[2]! });
  }
  return out;
}

/** Links to the fields the API refused (editor.js also writes each message beside its field). */
export function FieldErrors(props: { errors: FieldError[] }) {
  if (props.errors.length === 0) return null;
  return (
    <ul class="field-errors">
      {props.errors.map((e) => (
        <li>
          <a href={`#${e.id}`} data-field-error={e.id} data-message={e.message}>
            {e.label}: {e.message}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** The editor's status area after a refusal: the API's error and, for field errors, each field. */
export function SaveRefusal(props: { error: ApiError | null | undefined; schema: FieldSchema }) {
  const errors = fieldErrors(props.error, props.schema);
  return (
    <>
      <ErrorSummary error={props.error} title={errors.length ? 'Some fields need a change' : undefined} />
      <FieldErrors errors={errors} />
    </>
  );
}

export interface QuickSave {
  org: string;
  space: string;
  typeSlug: string;
  slug: string;
  locale: string;
  form: Record<string, string | string[]>;
  /** The editor's URL (reload) and the preview's. */
  here: string;
  preview: string;
}

/**
 * The htmx save: the page type's schema (to read the form), the conditional PATCH, and a fragment.
 * Two in-process API calls (three on a conflict), against the five or six of a full editor render.
 * If-Match: the version the member saw in a conflict message (`_theirs`, only in the form after
 * one: "save mine over theirs"), else the version the form was loaded or last saved at.
 */
export async function quickSave(c: Context<AdminEnv>, s: QuickSave): Promise<Response> {
  // A single page (`*`) has no page type, so no schema fields: title only.
  const type: PageTypeView | null = s.typeSlug === '*' ? null : must(await api(c).get<{ data: PageTypeView }>(`/v2/manage/spaces/${s.space}/page_types/${enc(s.typeSlug)}`)).data;
  const fields = parseFields(type?.fields ?? [], s.form, null);
  const basedOn = first(s.form._theirs) || first(s.form._version);
  const path = `/v2/pages/${enc(s.typeSlug)}/${enc(s.slug)}?locale=${enc(s.locale)}`;
  const res: ApiAnswer<unknown> = await api(c).send('PATCH', path, { title: first(s.form._title), fields }, { headers: { ...spaceHeader(s.space), 'if-match': `"v${basedOn}"` } });
  return quickSaveAnswer(c, res, {
    what: 'page',
    here: s.here,
    view: s.preview,
    basedOn,
    // Whose version is it now? (the working copy's ETag)
    current: async () => versionOf((await api(c).get(`/v2/manage/pages/${enc(s.typeSlug)}/${enc(s.slug)}?locale=${enc(s.locale)}`, { headers: spaceHeader(s.space) })).headers.get('etag')),
    saved: 'Saved draft',
    label: 'Save draft',
    refusal: (error) => <SaveRefusal error={error} schema={type?.fields ?? []} />,
    mayDelete: can(c.get('me'), 'content.delete', s.org, s.space),
    conflicts: [412, 409],
    page: true,
  });
}
