/**
 * Small building blocks every screen uses: the CSRF field, form fields with their labels, the
 * DataTable (every list) with RowAction/RowLink, the error summary (the API's one error shape, shown as is), flash messages, buttons. Hono JSX
 * escapes every text and attribute value, so content shown here is inert; never pass user data
 * to `dangerouslySetInnerHTML` / `raw()`.
 */
import type { Child } from 'hono/jsx';
import type { ApiError } from './api.js';
import type { Flash } from './security.js';

/** The hidden CSRF field every POST form carries (`formToken(c)` gives the value). */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/** A POST form with its CSRF field. */
export function PostForm(props: {
  action: string;
  token: string;
  children?: Child;
  class?: string;
  id?: string;
  'aria-label'?: string;
  enctype?: 'multipart/form-data' | 'application/x-www-form-urlencoded';
  /** Extra attributes, e.g. { 'hx-post': action, 'hx-target': '#list' } or { 'data-confirm': 'Revoke this key?' }. */
  attrs?: Record<string, string>;
}) {
  return (
    <form method="post" action={props.action} class={props.class} id={props.id} aria-label={props['aria-label']} enctype={props.enctype} {...(props.attrs ?? {})}>
      <CsrfField token={props.token} />
      {props.children}
    </form>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  type?: string;
  value?: string | number | undefined;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  inputmode?: 'numeric' | 'email' | 'text' | 'decimal' | 'search' | 'url' | 'tel';
  pattern?: string;
  maxlength?: number;
  minlength?: number;
  id?: string;
  /** Marks the field invalid (its message is in the error summary). */
  invalid?: boolean;
}

/** A labelled input (label above, hint tied with aria-describedby). */
export function Field(p: FieldProps) {
  const id = p.id ?? `f-${p.name}`;
  const hintId = p.hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={hintId}>
          {p.hint}
        </p>
      ) : null}
      <input
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value === undefined ? undefined : String(p.value)}
        autocomplete={p.autocomplete}
        required={p.required}
        autofocus={p.autofocus}
        inputmode={p.inputmode}
        pattern={p.pattern}
        maxlength={p.maxlength}
        minlength={p.minlength}
        aria-describedby={hintId}
        aria-invalid={p.invalid ? 'true' : undefined}
      />
    </div>
  );
}

/** Refusals the member can do something about, and where. */
const NEXT_STEP: Record<string, { href: string; text: string }> = {
  mfa_enrollment_required: { href: '/admin/account/2fa', text: 'Turn on two-factor authentication' },
  unauthenticated: { href: '/admin/sign-in', text: 'Sign in again' },
  email_unverified: { href: '/admin/forgot', text: 'Lost the email? A password reset link also verifies your address' },
};

/** The API's refusal, as it said it: detail, then code and request id (for support). Focused by admin.js. */
export function ErrorSummary(props: { error: ApiError | null | undefined; title?: string }) {
  if (!props.error) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} id="error-summary" data-code={props.error.code}>
      <h2>{props.title ?? 'That did not work'}</h2>
      <p>{props.error.detail}</p>
      {NEXT_STEP[props.error.code] ? (
        <p>
          <a href={NEXT_STEP[props.error.code]!.href}>{NEXT_STEP[props.error.code]!.text}</a>
        </p>
      ) : null}
      <p class="meta">
        Code <code>{props.error.code}</code> · request <code>{props.error.request_id}</code>
      </p>
    </div>
  );
}

/** A flash message carried across a redirect (security.ts setFlash). */
export function FlashMessage(props: { flash: Flash | null }) {
  if (!props.flash) return null;
  return (
    <div class={`flash flash-${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>
      {props.flash.text}
    </div>
  );
}

export function Button(props: { children?: Child; kind?: 'primary' | 'secondary' | 'danger' | 'link'; type?: 'submit' | 'button'; name?: string; value?: string; id?: string }) {
  return (
    <button type={props.type ?? 'submit'} class={`btn btn-${props.kind ?? 'primary'}`} name={props.name} value={props.value} id={props.id}>
      {props.children}
    </button>
  );
}

/** A read-only value with a copy button (admin.js; the value stays selectable without JS). */
export function CopyValue(props: { label: string; value: string; id: string }) {
  return (
    <div class="copy">
      <label for={props.id}>{props.label}</label>
      <div class="copy-row">
        <input id={props.id} type="text" readonly value={props.value} class="mono" />
        <button type="button" class="btn btn-secondary" data-copy={`#${props.id}`}>
          Copy
        </button>
      </div>
    </div>
  );
}

/** Dates as the member reads them: ISO in a <time>, shown in UTC without seconds. */
export function When(props: { at: string | null | undefined }) {
  if (!props.at) return <span class="muted">—</span>;
  return <time datetime={props.at}>{props.at.replace('T', ' ').slice(0, 16)} UTC</time>;
}

/** One column of a DataTable: its header (a `<th scope="col">`) and how a row fills its cell. */
export interface Column<T> {
  /** Header text; with `hideHeader` it is read by screen readers only (e.g. "Preview"). */
  header: string;
  hideHeader?: boolean;
  /** The cell's content for one row. */
  cell: (row: T, index: number) => Child;
  /** Class on every cell of the column (`mono`, `small`, `actions` …). */
  class?: string;
  /** A tooltip per cell (e.g. the full User-Agent behind a short browser name). */
  title?: (row: T) => string | undefined;
}

/**
 * The one table of the web app: a caption (visually hidden unless `showCaption`: the page's
 * heading already says it), `<th scope="col">` headers, one `<tr>` a row, and an optional
 * trailing actions column (its header "Actions" is for screen readers; give each action the
 * row's name in hidden text: `RowAction` / `RowLink`). Columns may be `false`/`null` to leave
 * one out for a role that cannot use it. With `empty`, an empty list shows that sentence
 * (`<p class="muted" id="<id>-empty">`) instead of a table with no rows.
 */
export function DataTable<T>(props: {
  id: string;
  caption: string;
  showCaption?: boolean;
  columns: readonly (Column<T> | false | null | undefined)[];
  rows: readonly T[];
  empty?: Child;
  /** Attributes of a row's `<tr>` (e.g. `{ 'data-key-id': k.id }`, which tests find rows by). */
  rowAttrs?: (row: T, index: number) => Record<string, string | undefined>;
  /** The row's actions (buttons/links); `false`/`undefined` = no actions column. */
  actions?: ((row: T, index: number) => Child) | false | null;
  /** Attributes of the `<table>` (e.g. htmx targets). */
  attrs?: Record<string, string>;
}) {
  if (props.rows.length === 0 && props.empty !== undefined) {
    return (
      <p class="muted" id={`${props.id}-empty`}>
        {props.empty}
      </p>
    );
  }
  const columns = props.columns.filter((col): col is Column<T> => Boolean(col));
  const actions = props.actions || null;
  return (
    <table class="table" id={props.id} {...(props.attrs ?? {})}>
      <caption class={props.showCaption ? undefined : 'visually-hidden'}>{props.caption}</caption>
      <thead>
        <tr>
          {columns.map((col) => (
            <th scope="col">{col.hideHeader ? <span class="visually-hidden">{col.header}</span> : col.header}</th>
          ))}
          {actions ? (
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, i) => (
          <tr {...(props.rowAttrs?.(row, i) ?? {})}>
            {columns.map((col) => (
              <td class={col.class} title={col.title?.(row)}>
                {col.cell(row, i)}
              </td>
            ))}
            {actions ? <td class="actions">{actions(row, i)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A button that POSTs one row's action (its own small form with the CSRF field). `label` is what
 * it shows ("Revoke"), `target` the row's name for screen readers ("key ci-deploy"), `confirm`
 * asks first (admin.js `data-confirm`).
 */
export function RowAction(props: {
  action: string;
  token: string;
  label: string;
  target: string;
  confirm?: string;
  danger?: boolean;
  /** A link-looking button (default) or a secondary button. */
  kind?: 'link' | 'secondary';
  /** A name for the form (landmark), e.g. "Sign out this session". */
  formLabel?: string;
  /** Extra form attributes (htmx). */
  attrs?: Record<string, string>;
  /** Hidden fields the action needs. */
  children?: Child;
}) {
  const attrs = { ...(props.confirm ? { 'data-confirm': props.confirm } : {}), ...(props.attrs ?? {}) };
  return (
    <PostForm action={props.action} token={props.token} class="inline" aria-label={props.formLabel} attrs={attrs}>
      {props.children}
      <button type="submit" class={`btn btn-${props.kind ?? 'link'}${props.danger ? ' danger' : ''}`}>
        {props.label}
        <span class="visually-hidden"> {props.target}</span>
      </button>
    </PostForm>
  );
}

/** A link that acts on one row ("Rotate", "Edit"), with the row's name for screen readers. */
export function RowLink(props: { href: string; label: string; target: string }) {
  return (
    <a class="btn btn-link" href={props.href}>
      {props.label}
      <span class="visually-hidden"> {props.target}</span>
    </a>
  );
}
