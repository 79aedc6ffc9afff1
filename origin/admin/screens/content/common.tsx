/**
 * What the content screens share (the lists: filters.tsx; the editors' controls: actions.tsx):
 * statuses and their badge, the posted form, the "someone else saved" message of a 412, the state
 * line, the revision history table, a refusal's field messages, the htmx save's answer, the
 * success flash. (The item editor's collection reference picker: ref-picker.tsx.)
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ApiAnswer, ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { fragment } from '../../layout.js';
import { setFlash } from '../../security.js';
import { ErrorSummary, When } from '../../ui.js';
import { idOf } from './fields.js';
import { versionOf, type LocaleView } from './shared.js';

export type Status = 'draft' | 'published' | 'scheduled' | 'deleted';
export const STATUSES: readonly Status[] = ['draft', 'scheduled', 'published', 'deleted'];
export const STATUS_LABEL: Record<Status, string> = { draft: 'Draft', published: 'Published', scheduled: 'Scheduled', deleted: 'Deleted' };

export type Posted = Record<string, string | string[]>;

/** The posted form, every value of a repeated name kept (a multiple select posts several). */
export async function postedForm(c: Context<AdminEnv>): Promise<Posted> {
  const body = await c.req.parseBody({ all: true });
  const out: Posted = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}
export const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? v[0] : v) ?? '';

/** A success message on the next screen (after a POST's redirect). */
export const flash = (c: Context<AdminEnv>, text: string): void => setFlash(c, c.get('adminSecret'), { kind: 'success', text });

/** `datetime-local` (UTC, as the label says) → ISO; anything else is sent as typed and the API names the problem. */
export const scheduleIso = (at: string): string => (at && !Number.isNaN(Date.parse(`${at}Z`)) ? new Date(`${at}Z`).toISOString() : at);

/** The 412 of a conditional save: whose version it is now, and the member's three ways on. */
export function ConflictNotice(props: { what: string; theirs: number; reload: string; view: string }) {
  return (
    <div class="error-summary" role="alert" tabindex={-1} id="error-summary" data-code="conflict">
      <h2>Someone else saved this {props.what}</h2>
      <p>
        It was saved by someone else while you were editing (it is now at version {props.theirs}). Your changes are still in the form below and have NOT been saved.
      </p>
      <p>
        <a href={props.reload}>Reload their version</a> (discards your changes) · <a href={props.view}>View their version</a> · or save yours over theirs with the button below.
      </p>
    </div>
  );
}

/**
 * Under a page's or post's state line when a published version is live and the working copy is a
 * draft (or scheduled) over it: saving a draft does not change what readers see (issue 20).
 */
export function LiveNote(props: { published: string | null; status: string }) {
  if (props.published === null || props.status === 'published') return null;
  return (
    <p class="hint" id="live-note">
      A published version is live; Publish replaces it, Unpublish takes it down.
    </p>
  );
}

/** A status as a badge: its label ("Draft"), or with `raw` as the API names it ("draft"). */
export function StatusBadge(props: { status: string; raw?: boolean }) {
  const s = props.status as Status;
  return <span class={`badge ${s === 'published' ? 'badge-ok' : 'badge-warn'}`}>{props.raw ? props.status : (STATUS_LABEL[s] ?? props.status)}</span>;
}

/**
 * The ids of the state line's version and saved time, which an htmx save's answer refills out of
 * band: the page editor's `page-version` / `page-saved` (the page tests read them), the item and
 * post editors' `entry-version` / `entry-saved`.
 */
const stateIds = (page: boolean | undefined) => (page ? { version: 'page-version', saved: 'page-saved' } : { version: 'entry-version', saved: 'entry-saved' });

/**
 * "FAQ · en · Draft · version 3 · saved …" under an editor's heading. `page`: the page editor's
 * line — its ids (stateIds) and the status as the API names it ("draft"; the others: "Draft").
 */
export function StateLine(props: { parts: string[]; status: string; version: number; scheduled: string | null; updated: string; page?: boolean }) {
  const ids = stateIds(props.page);
  return (
    <p class="muted" id="page-state">
      {props.parts.join(' · ')}
      {props.parts.length ? ' · ' : ''}
      <StatusBadge status={props.status} raw={props.page} /> · <span id={ids.version}>version {props.version}</span>
      {props.scheduled ? (
        <>
          {' '}
          · publishes at <When at={props.scheduled} />
        </>
      ) : null}{' '}
      ·{' '}
      <span id={ids.saved}>
        saved <When at={props.updated} />
      </span>
    </p>
  );
}

export interface HistoryEntry {
  version: number;
  title: string;
  status: string;
  created: string;
  created_by_user: string | null;
  created_by_key: string | null;
}

/** Who saved a revision, as the history shows it. */
export function savedBy(r: Pick<HistoryEntry, 'created_by_user' | 'created_by_key'>, me: string): string {
  if (r.created_by_user === me) return 'you';
  return r.created_by_user ?? (r.created_by_key ? `key ${r.created_by_key.slice(0, 8)}` : 'scheduler');
}

/** The content screens' table: a visually hidden caption (the heading says it), a `<th scope="col">` a column, the rows. */
export function Table(props: { caption: string; columns: Child[]; children?: Child }) {
  return (
    <table class="table">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

/** The revision history, newest first, each version linking to its diff. */
export function HistoryTable(props: { entries: HistoryEntry[]; me: string; link: (version: number) => string }) {
  return (
    <Table caption="Revisions, newest first" columns={['Version', 'Title', 'Status', 'Saved', 'By']}>
      {props.entries.map((r) => (
        <tr>
          <td>
            <a href={props.link(r.version)}>Version {r.version}</a>
          </td>
          <td>{r.title}</td>
          <td>{r.status}</td>
          <td>
            <When at={r.created} />
          </td>
          <td class="mono">{savedBy(r, props.me)}</td>
        </tr>
      ))}
    </Table>
  );
}

/** A locale select (`any`: the first option's words, value "", for a filter). */
export function LocaleSelect(props: { id: string; name: string; locales: LocaleView[]; selected: string; any?: string }) {
  return (
    <div class="field">
      <label for={props.id}>Locale</label>
      <select id={props.id} name={props.name}>
        {props.any === undefined ? null : <option value="">{props.any}</option>}
        {props.locales.map((l) => (
          <option value={l.code} selected={l.code === props.selected}>
            {l.name} ({l.code})
          </option>
        ))}
      </select>
    </div>
  );
}

export interface ListMeta {
  count: number;
  next_page: number | null;
  previous_page: number | null;
}

/**
 * The fields an API refusal names ("Invalid request: fields.rank: must be a number; featured_image:
 * must be an http(s) or relative URL."), as field name → message for fields.tsx's inputs (the
 * message beside the input, aria-invalid); `nameOf` maps the API's path to the form's field name
 * (null: not a field of the form). Empty for any other refusal.
 */
export function refusedFields(error: { code: string; detail: string } | null | undefined, nameOf: (path: string) => string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!error || error.code !== 'bad_request' || !error.detail.startsWith('Invalid request: ')) return out;
  const body = error.detail.slice('Invalid request: '.length).replace(/\.$/, '');
  for (const part of body.split(/; (?=[\w.]+: )/)) {
    const m = /^([\w.]+): (.+)$/.exec(part);
    const name = m ? nameOf(m[1]!) : null;
    if (m && name !== null && !out.has(name)) out.set(name, m[2]!);
  }
  return out;
}

/** Links to the fields a save's refusal names (editor.js also writes each message beside its field). */
export function FieldErrorLinks(props: { errors: Map<string, string> }) {
  if (props.errors.size === 0) return null;
  return (
    <ul class="field-errors">
      {[...props.errors].map(([name, message]) => (
        <li>
          <a href={`#${idOf(name)}`} data-field-error={idOf(name)} data-message={message}>
            {name}: {message}
          </a>
        </li>
      ))}
    </ul>
  );
}

export interface QuickSave {
  what: 'page' | 'item' | 'post';
  /** The editor (reload) and the preview. */
  here: string;
  view: string;
  /** The If-Match the save sent (`_theirs` after a conflict, else `_version`). */
  basedOn: string;
  /** The working copy's version now, asked after a 412. */
  current: () => Promise<number | null>;
  /** The confirmation ("Saved draft") and the button's label after it. */
  saved: string;
  label: string;
  /** What a refusal shows (fieldRefusal: the API's error and a link per refused field). */
  refusal: (error: ApiError | null) => Child;
  mayDelete: boolean;
  /** The statuses that mean "someone else saved" (the page API's 409 too); default 412. */
  conflicts?: readonly number[];
  /** The page editor's state line ids (stateIds). */
  page?: boolean;
}

/** A refusal as the item and post editors show it: the API's error, and a link per field it names. */
export const fieldRefusal = (errors: (error: ApiError | null) => Map<string, string>) => (error: ApiError | null) => (
  <>
    <ErrorSummary error={error} />
    <FieldErrorLinks errors={errors(error)} />
  </>
);

/**
 * The answer to "Save draft" sent by htmx (the editor's Save button: `hx-post`, target
 * #save-status; the page editor's comes through save.tsx): a fragment, not the whole editor — the
 * confirmation and, out of band, the next If-Match (`_version` in #version-slot and
 * #delete-version-slot), the state line's version and time; on a 412 "Someone else saved this …"
 * with `_theirs` and the button turning to "Save mine over theirs" (the member's values stay in the
 * form, untouched); on a refusal the API's error and a link per refused field.
 */
export async function quickSaveAnswer(c: Context<AdminEnv>, res: ApiAnswer<unknown>, o: QuickSave): Promise<Response> {
  const ids = stateIds(o.page);
  if ((o.conflicts ?? [412]).includes(res.status)) {
    const theirs = (await o.current()) ?? Number(o.basedOn);
    return fragment(
      c,
      <>
        <ConflictNotice what={o.what} theirs={theirs} reload={o.here} view={o.view} />
        <input type="hidden" name="_theirs" value={String(theirs)} />
        <span id="save" hx-swap-oob="innerHTML">
          Save mine over theirs
        </span>
      </>,
      res.status,
    );
  }
  if (!res.ok) return fragment(c, o.refusal(res.error), res.status);
  const v = versionOf(res.headers.get('etag'));
  return fragment(
    c,
    <>
      <div class="flash flash-success" role="status">
        {o.saved}
        {v ? ` (version ${v})` : ''}.
      </div>
      {v ? (
        <>
          <span id="version-slot" hx-swap-oob="innerHTML">
            <input type="hidden" name="_version" value={String(v)} />
          </span>
          <span id={ids.version} hx-swap-oob="innerHTML">
            version {v}
          </span>
          {o.mayDelete ? (
            <span id="delete-version-slot" hx-swap-oob="innerHTML">
              <input type="hidden" name="_version" value={String(v)} />
            </span>
          ) : null}
        </>
      ) : null}
      <span id={ids.saved} hx-swap-oob="innerHTML">
        saved <When at={new Date().toISOString()} />
      </span>
      <span id="save" hx-swap-oob="innerHTML">
        {o.label}
      </span>
    </>,
  );
}
