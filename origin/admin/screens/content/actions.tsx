/**
 * The editors' controls, one copy for the page, item and post editors (editor.tsx,
 * item-editor.tsx, post-editor.tsx): the editor form with its If-Match slot and the status area an
 * htmx save answers into (save.tsx, common.tsx quickSaveAnswer), the toolbar (Save, Publish,
 * Unschedule, Unpublish, Preview, History), the title / slug / locale inputs, the Schedule
 * fieldset, the delete form and the editor's scripts. What differs between the editors (labels,
 * URLs, which buttons a member's permissions and the entry's state show) is passed in; each
 * editor decides, these only draw.
 */
import type { Child } from 'hono/jsx';
import type { ApiError } from '../../api.js';
import { assetUrl } from '../../assets.js';
import type { Me } from '../../env.js';
import { can } from '../../nav.js';
import { ErrorSummary, PostForm } from '../../ui.js';
import { ConflictNotice } from './common.js';

/** What every editor's render is given besides its entry: where, and how the last post went. */
export interface EditorStateBase {
  org: string;
  space: string;
  error?: ApiError | null;
  /** After a 412: the version the member's form was loaded at, to save over. */
  conflict?: { theirs: number } | null;
  status?: number;
}

/** What the member may do in this space's content (the API decides again on every call). */
export function editorRights(me: Me, org: string, space: string): { write: boolean; publish: boolean; delete: boolean } {
  return { write: can(me, 'content.write', org, space), publish: can(me, 'content.publish', org, space), delete: can(me, 'content.delete', org, space) };
}

/**
 * An editor's screen: the way back to the list, the heading, the state line (existing entries),
 * then for members who may write the editor form (children), for the others the API's error if
 * any and the values; the delete form; the editor's scripts.
 */
export function EditorScreen(props: { back: { href: string; label: string }; heading: string; state: Child; mayWrite: boolean; error: ApiError | null | undefined; view: Child; remove: Child; children?: Child }) {
  return (
    <>
      <p>
        <a href={props.back.href}>{props.back.label}</a>
      </p>
      <h1>{props.heading}</h1>
      {props.state}
      {props.mayWrite ? null : <ErrorSummary error={props.error} />}
      {props.mayWrite ? props.children : props.view}
      {props.remove}
      <script src={assetUrl('editor.js')} type="module"></script>
      <script src={assetUrl('picker.js')} type="module"></script>
    </>
  );
}

/** The hidden `_version` (the If-Match of the next save), in a slot the htmx save refills. */
export function VersionField(props: { slot: string; version: number }) {
  return (
    <span id={props.slot}>
      <input type="hidden" name="_version" value={String(props.version)} />
    </span>
  );
}

/** The first button's words: "Create draft" (new), "Save draft", "Save changes" (a save that keeps a published item's status), or after a 412 "Save mine over theirs". */
export const saveLabel = (o: { existing: boolean; conflict: boolean; changes?: boolean }): string =>
  o.conflict ? 'Save mine over theirs' : !o.existing ? 'Create draft' : o.changes ? 'Save changes' : 'Save draft';

export interface ToolbarProps {
  /** The form's URL: an htmx save (`quick`) posts there too, answered into #save-status. */
  action: string;
  label: string;
  conflict: boolean;
  quick: boolean;
  publish: boolean;
  unschedule?: boolean;
  unpublish: boolean;
  /** The existing entry's preview and history (null while creating). */
  links: { preview: string; history: string } | null;
}

/**
 * The editor's row of actions. Save stays a submit button (without JS it posts the form; Enter in
 * a field "clicks" it, which htmx takes); with `quick` it is an htmx request answered by a fragment.
 */
export function Toolbar(props: ToolbarProps) {
  const hx = props.quick ? { 'hx-post': props.action, 'hx-target': '#save-status', 'hx-swap': 'innerHTML' } : {};
  return (
    <div class="toolbar" role="group" aria-label="Save">
      <button type="submit" class="btn btn-primary" name="_action" value={props.conflict ? 'overwrite' : 'save'} id="save" aria-keyshortcuts="Control+S" {...hx}>
        {props.label}
      </button>
      {props.publish ? <ActionButton value="publish" label="Publish" /> : null}
      {props.unschedule ? <ActionButton value="unschedule" label="Unschedule" /> : null}
      {props.unpublish ? <ActionButton value="unpublish" label="Unpublish" /> : null}
      {props.links ? <a href={props.links.preview}>Preview</a> : null}
      {props.links ? <a href={props.links.history}>History</a> : null}
    </div>
  );
}

function ActionButton(props: { value: string; label: string }) {
  return (
    <button type="submit" class="btn btn-secondary" name="_action" value={props.value}>
      {props.label}
    </button>
  );
}

export interface EditorFormProps {
  action: string;
  token: string;
  /** The form's accessible name ("Page editor"). */
  label: string;
  /** editor.js keeps unsaved values per member under this key (never a token). */
  draftKey: string;
  user: string;
  /** The version the form was loaded at (the next save's If-Match). */
  version: number;
  /** After a 412: the conflict message and `_theirs`; else `refusal` (the API's error, if any). */
  conflict: { what: string; theirs: number; reload: string; view: string } | null;
  refusal: Child;
  toolbar: ToolbarProps;
  /** The Schedule fieldset (publishers, existing entries); `seconds`: the time input takes seconds. */
  schedule: { seconds: boolean } | null;
  /** The inputs between the toolbar and the Schedule fieldset. */
  children?: Child;
}

/** The editor's form: If-Match slot, status area, toolbar, the entry's inputs, Schedule. */
export function EditorForm(props: EditorFormProps) {
  return (
    <PostForm action={props.action} token={props.token} id="editor" class="editor" aria-label={props.label} attrs={{ 'data-draft-key': props.draftKey, 'data-user': props.user }}>
      <VersionField slot="version-slot" version={props.version} />
      {/* Where an htmx save's answer goes (save.tsx, common.tsx quickSaveAnswer); a plain POST's conflict or refusal too. */}
      <div id="save-status" aria-live="polite">
        {props.conflict ? (
          <>
            <ConflictNotice what={props.conflict.what} theirs={props.conflict.theirs} reload={props.conflict.reload} view={props.conflict.view} />
            <input type="hidden" name="_theirs" value={String(props.conflict.theirs)} />
          </>
        ) : (
          props.refusal
        )}
      </div>
      <Toolbar {...props.toolbar} />
      {props.children}
      {props.schedule ? (
        <fieldset class="group">
          <legend>Schedule</legend>
          <div class="field">
            <label for="f-_at">Publish at (UTC)</label>
            <input id="f-_at" name="_at" type="datetime-local" step={props.schedule.seconds ? '1' : undefined} />
          </div>
          <ActionButton value="schedule" label="Schedule" />
        </fieldset>
      ) : null}
    </PostForm>
  );
}

/** The title input ("Page title", "Post title"). */
export function TitleField(props: { label: string; value: string; max: number }) {
  return (
    <div class="field">
      <label for="f-_title">{props.label}</label>
      <input id="f-_title" name="_title" type="text" value={props.value} required maxlength={props.max} />
    </div>
  );
}

/** The slug input of a new page or post (`what`: "page", "post"). */
export function SlugField(props: { what: string; value: string }) {
  return (
    <div class="field">
      <label for="f-_slug">Slug</label>
      <p class="hint" id="f-_slug-hint">
        Letters, digits, - and _ (part of the {props.what}'s URL).
      </p>
      <input id="f-_slug" name="_slug" type="text" value={props.value} required pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,199}" aria-describedby="f-_slug-hint" />
    </div>
  );
}

/** Delete (content.delete holders), confirmed first (editor.js `data-confirm`); its If-Match slot is refilled by an htmx save. */
export function DeleteForm(props: { action: string; token: string; confirm: string; version: number; label: string }) {
  return (
    <PostForm action={props.action} token={props.token} class="sub" attrs={{ 'data-confirm': props.confirm }}>
      <VersionField slot="delete-version-slot" version={props.version} />
      <button type="submit" class="btn btn-danger">
        {props.label}
      </button>
    </PostForm>
  );
}
