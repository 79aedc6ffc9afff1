/**
 * The editor's form, generated from a page type's field schema (origin/content/model/schema.ts):
 * one input per field type — short/long text, rich text (HTML in a textarea; the API sanitises it
 * on save and the preview shows the sanitised result), number, date, boolean, media (a URL typed,
 * or picked from the space's media library: `MediaPicker`, loaded on opening — picker.js), reference (a picker of the referenced type's pages, or
 * item ids for a collection), repeater (rows added and removed by the server, no JS needed) and
 * component (a group). Names are `f:<path>` (path = field names and row indexes joined by dots);
 * `parseFields` turns a posted form back into the `fields` object the API validates.
 * Everything is rendered by Hono JSX, so stored values are escaped text, never markup.
 */
import type { FieldDef, FieldSchema } from './shared.js';

/** Options of a page-type reference picker: slug → title, by page type. */
export type RefOptions = Map<string, { slug: string; name: string }[]>;

/** The input's id for a field path (`seo.title` → `f-seo-title`); save.tsx maps the API's field errors to it. */
export const idOf = (path: string) => `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
/** A field's label: its `label`, else its name with the first letter up and _ as spaces. */
export const labelOf = (d: FieldDef) => d.label ?? d.name.replace(/_/g, ' ').replace(/^./, (ch) => ch.toUpperCase());

function asString(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function Hint(props: { id: string; text: string }) {
  return (
    <p class="hint" id={`${props.id}-hint`}>
      {props.text}
    </p>
  );
}

/** A field's refusal, beside it (the error summary links here). */
function ErrorText(props: { id: string; text: string | undefined }) {
  return props.text ? (
    <p class="field-error" id={`${props.id}-error`}>
      {props.text}
    </p>
  ) : null;
}

/**
 * One field's input. `errors` (field path → the API's message) marks refused fields: the message
 * beside the input, `aria-invalid`, and `aria-describedby` naming it.
 */
/**
 * "Choose from the media library" under a media field: a <details> whose list (thumbnails, newest
 * first, "Show older files") is an htmx fragment fetched when it is first opened (`src`: the
 * editor's media-picker route, editor.tsx). picker.js shows it (hidden without JavaScript: then
 * the URL is typed) and puts the chosen file's URL into the input.
 */
function MediaPicker(props: { id: string; label: string; src: string }) {
  return (
    <>
      <details class="picker" data-picker="" hidden>
        <summary>Choose {props.label.toLowerCase()} from the media library</summary>
        <div class="picker-list" hx-get={`${props.src}?for=${encodeURIComponent(props.id)}`} hx-trigger="toggle once from:closest details" hx-swap="innerHTML">
          <p class="muted">Loading the library…</p>
        </div>
      </details>
      <span class="visually-hidden" role="status" data-picker-status={props.id}></span>
    </>
  );
}

export function FieldInput(props: { def: FieldDef; path: string; value: unknown; refs: RefOptions; errors?: Map<string, string> | undefined; picker?: string | undefined }) {
  const { def, path, value } = props;
  const id = idOf(path);
  const name = `f:${path}`;
  const label = labelOf(def);
  const req = def.required ? 'true' : undefined;
  const err = props.errors?.get(path);
  const invalid = err ? 'true' : undefined;
  const described = (hint: boolean) => [hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const Err = () => <ErrorText id={id} text={err} />;
  switch (def.type) {
    case 'short_text':
      return (
        <div class="field">
          <label for={id}>{label}</label>
          <Err />
          <input id={id} name={name} type="text" value={asString(value)} maxlength={def.max_length} aria-required={req} aria-invalid={invalid} aria-describedby={described(false)} />
        </div>
      );
    case 'long_text':
      return (
        <div class="field">
          <label for={id}>{label}</label>
          <Err />
          <textarea id={id} name={name} rows={5} aria-required={req} aria-invalid={invalid} aria-describedby={described(false)}>
            {asString(value)}
          </textarea>
        </div>
      );
    case 'rich_text':
      return (
        <div class="field">
          <label for={id}>{label}</label>
          <Hint id={id} text="HTML. Scripts, event handlers and unsafe links are removed when you save; Preview shows the result." />
          <Err />
          <textarea id={id} name={name} rows={8} class="mono" aria-describedby={described(true)} aria-required={req} aria-invalid={invalid} data-rich="">
            {asString(value)}
          </textarea>
        </div>
      );
    case 'number':
      return (
        <div class="field">
          <label for={id}>{label}</label>
          <Err />
          <input id={id} name={name} type="number" step={def.integer ? '1' : 'any'} min={def.min} max={def.max} value={asString(value)} aria-required={req} aria-invalid={invalid} aria-describedby={described(false)} />
        </div>
      );
    case 'date':
      return (
        <div class="field">
          <label for={id}>{label}</label>
          <Err />
          <input id={id} name={name} type="date" value={asString(value).slice(0, 10)} aria-required={req} aria-invalid={invalid} aria-describedby={described(false)} />
        </div>
      );
    case 'boolean':
      return (
        <div class="field field-check">
          <input type="hidden" name={`b:${path}`} value="1" />
          <input id={id} name={name} type="checkbox" value="true" checked={value === true} aria-invalid={invalid} aria-describedby={described(false)} />
          <label for={id}>{label}</label>
          <Err />
        </div>
      );
    case 'media':
      return (
        <div class="field">
          <label for={id}>{label}</label>
          <Hint id={id} text="The URL of an uploaded file (/assets/…) or an https:// address." />
          <Err />
          <input id={id} name={name} type="text" inputmode="url" value={asString(value)} aria-describedby={described(true)} aria-invalid={invalid} aria-required={req} />
          {props.picker ? <MediaPicker id={id} label={label} src={props.picker} /> : null}
        </div>
      );
    case 'reference': {
      const chosen = new Set((Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]).map(asString));
      if (def.page_type !== undefined) {
        const options = props.refs.get(def.page_type) ?? [];
        const multiple = (def.max ?? 1) > 1;
        return (
          <div class="field">
            <label for={id}>{label}</label>
            <Err />
            <select id={id} name={name} multiple={multiple} size={multiple ? Math.min(6, Math.max(2, options.length)) : undefined} aria-required={req} aria-invalid={invalid} aria-describedby={described(false)}>
              {multiple ? null : <option value="">— none —</option>}
              {options.map((o) => (
                <option value={o.slug} selected={chosen.has(o.slug)}>
                  {o.name} ({o.slug})
                </option>
              ))}
            </select>
          </div>
        );
      }
      return (
        <div class="field">
          <label for={id}>{label}</label>
          <Hint id={id} text={`Item ids of the ${def.collection ?? ''} collection, separated by commas.`} />
          <Err />
          <input id={id} name={name} type="text" inputmode="numeric" value={[...chosen].join(', ')} aria-describedby={described(true)} aria-invalid={invalid} />
        </div>
      );
    }
    case 'component': {
      const obj = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
      return (
        <fieldset class="group">
          <legend>{label}</legend>
          {def.fields.map((sub) => (
            <FieldInput def={sub} path={`${path}.${sub.name}`} value={obj[sub.name]} refs={props.refs} errors={props.errors} picker={props.picker} />
          ))}
        </fieldset>
      );
    }
    case 'repeater': {
      const rows = Array.isArray(value) ? (value as unknown[]) : [];
      return (
        <fieldset class="group">
          <legend>{label}</legend>
          <input type="hidden" name={`n:${path}`} value={String(rows.length)} />
          {rows.map((row, i) => {
            const obj = (row && typeof row === 'object' ? row : {}) as Record<string, unknown>;
            return (
              <fieldset class="group row">
                <legend>
                  {label} item {i + 1}
                </legend>
                {def.fields.map((sub) => (
                  <FieldInput def={sub} path={`${path}.${i}.${sub.name}`} value={obj[sub.name]} refs={props.refs} errors={props.errors} picker={props.picker} />
                ))}
                <div class="field field-check">
                  <input id={`${idOf(path)}-rm-${i}`} type="checkbox" name={`rm:${path}.${i}`} value="1" />
                  <label for={`${idOf(path)}-rm-${i}`}>
                    Remove {label} item {i + 1} when saving
                  </label>
                </div>
              </fieldset>
            );
          })}
          <button type="submit" class="btn btn-secondary" name="_action" value={`add:${path}`} formnovalidate>
            Add {label.toLowerCase()} item
          </button>
        </fieldset>
      );
    }
  }
}

/** The page's fields, from a posted form (`all` values: a multiple select posts several). */
export function parseFields(schema: FieldSchema, form: Record<string, string | string[]>, addTo: string | null): Record<string, unknown> {
  return parseObject(schema, '', form, addTo);
}

function one(form: Record<string, string | string[]>, key: string): string | undefined {
  const v = form[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function parseObject(defs: FieldDef[], prefix: string, form: Record<string, string | string[]>, addTo: string | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of defs) {
    const path = prefix ? `${prefix}.${def.name}` : def.name;
    const v = parseValue(def, path, form, addTo);
    if (v !== undefined) out[def.name] = v;
  }
  return out;
}

function parseValue(def: FieldDef, path: string, form: Record<string, string | string[]>, addTo: string | null): unknown {
  const key = `f:${path}`;
  const raw = one(form, key);
  switch (def.type) {
    case 'short_text':
    case 'long_text':
    case 'rich_text':
      return (raw ?? '').replace(/\r\n/g, '\n');
    case 'media':
    case 'date':
      return raw ?? '';
    case 'number': {
      if (raw === undefined || raw.trim() === '') return null;
      const n = Number(raw);
      // A value that is not a number is sent as text: the API refuses it with the field's name.
      return Number.isFinite(n) ? n : raw;
    }
    case 'boolean':
      return one(form, `b:${path}`) === undefined && raw === undefined ? undefined : raw === 'true';
    case 'reference': {
      const all = form[key];
      const list = (Array.isArray(all) ? all : all === undefined ? [] : [all]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
      if (def.page_type !== undefined) return (def.max ?? 1) > 1 ? list : (list[0] ?? null);
      const ids = list.map((s) => (/^\d{1,15}$/.test(s) ? Number(s) : s));
      return (def.max ?? 1) > 1 ? ids : (ids[0] ?? null);
    }
    case 'component':
      return parseObject(def.fields, path, form, addTo);
    case 'repeater': {
      const n = Math.min(Number(one(form, `n:${path}`) ?? '0') || 0, 1000);
      const rows: Record<string, unknown>[] = [];
      for (let i = 0; i < n; i++) {
        if (one(form, `rm:${path}.${i}`) !== undefined) continue;
        rows.push(parseObject(def.fields, `${path}.${i}`, form, addTo));
      }
      if (addTo === path) rows.push({});
      return rows;
    }
  }
}
