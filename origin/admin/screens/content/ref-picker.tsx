/**
 * The item editor's collection reference field (item-editor.tsx): a picker of the referenced
 * collection's items (`refChoices` asks the API for them, `ItemRefPicker` draws the select), or
 * the typed ids where they cannot be listed.
 */
import type { Context } from 'hono';
import { api } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import type { ListMeta } from './common.js';
import { idOf } from './fields.js';

/** A collection reference picker's choices (the referenced collection's items), or why ids are typed instead. */
export type RefChoices = { items: { id: number; name: string }[] } | { fallback: string };

/**
 * The choices of each reference field of a collection (field name → choices): the referenced
 * collection's items in this space (GET …/collections/{key}/items?page_size=100, the member's own
 * content.preview), one per item id with the label in the editor's locale when it has one (the API's
 * label: the first non-empty text field; else `#<id>`). More than 100 entries, or a list the API
 * refuses (e.g. the referenced collection is gone): the typed-ids input, saying why.
 */
export async function refChoices(c: Context<AdminEnv>, space: string, fields: { name: string; type: string; collection?: string }[], locale: string): Promise<Map<string, RefChoices>> {
  const refs = fields.filter((f) => f.type === 'reference' && f.collection);
  const answers = await Promise.all(
    refs.map((f) =>
      api(c).get<{ meta: ListMeta; data: { meta: { id: number }; label: string | null; locale: string }[] }>(
        `/v2/manage/spaces/${encodeURIComponent(space)}/collections/${encodeURIComponent(f.collection!)}/items?page_size=100`,
      ),
    ),
  );
  return new Map(
    refs.map((f, i): [string, RefChoices] => {
      const res = answers[i]!;
      if (!res.ok) return [f.name, { fallback: `The ${f.collection!} collection's items cannot be listed: type their ids, separated by commas.` }];
      if (res.body.meta.next_page !== null) return [f.name, { fallback: `The ${f.collection!} collection has more than 100 items: type their ids, separated by commas.` }];
      const byId = new Map<number, string>();
      for (const e of res.body.data) if (!byId.has(e.meta.id) || e.locale === locale) byId.set(e.meta.id, (e.label ?? '').trim());
      const items = [...byId].map(([id, label]) => ({ id, name: label || `#${id}` })).sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
      return [f.name, { items }];
    }),
  );
}

/**
 * A collection reference field as a picker of the referenced collection's items: a fieldset
 * (legend: the field's label) holding a select (multiple when the field holds many) named
 * `f:<name>` with the item ids as values — the shape parseFields (fields.tsx) already reads, as the
 * typed ids were. A select rather than checkboxes: editor.js keeps unsaved values per control name.
 * Referenced ids missing from the list stay chosen (shown as `#<id>`) so a save never drops them.
 */
export function ItemRefPicker(props: { name: string; label: string; collection: string; many: boolean; value: unknown; choices: RefChoices; error?: string | undefined }) {
  const id = idOf(props.name);
  const raw = Array.isArray(props.value) ? (props.value as unknown[]) : props.value === null || props.value === undefined || props.value === '' ? [] : [props.value];
  const chosen = raw.map((v) => String(v));
  const described = [`${id}-hint`, props.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const err = props.error ? (
    <p class="field-error" id={`${id}-error`}>
      {props.error}
    </p>
  ) : null;
  if ('fallback' in props.choices) {
    return (
      <div class="field">
        <label for={id}>{props.label}</label>
        <p class="hint" id={`${id}-hint`}>
          {props.choices.fallback}
        </p>
        {err}
        <input id={id} name={`f:${props.name}`} type="text" inputmode="numeric" value={chosen.join(', ')} aria-describedby={described} aria-invalid={props.error ? 'true' : undefined} />
      </div>
    );
  }
  const { items } = props.choices;
  const known = new Set(items.map((o) => String(o.id)));
  const missing = chosen.filter((v) => !known.has(v));
  const hint =
    items.length === 0
      ? `The ${props.collection} collection has no items yet.`
      : props.many
        ? `Items of the ${props.collection} collection. To choose several, hold Ctrl (⌘ on a Mac) or Shift while choosing.`
        : `An item of the ${props.collection} collection.`;
  return (
    <fieldset class="group">
      <legend id={`${id}-legend`}>{props.label}</legend>
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
      {err}
      <select
        id={id}
        name={`f:${props.name}`}
        multiple={props.many}
        size={props.many ? Math.min(8, Math.max(2, items.length + missing.length)) : undefined}
        aria-labelledby={`${id}-legend`}
        aria-describedby={described}
        aria-invalid={props.error ? 'true' : undefined}
      >
        {props.many ? null : <option value="">— none —</option>}
        {items.map((o) => (
          <option value={String(o.id)} selected={chosen.includes(String(o.id))}>
            {o.name === `#${o.id}` ? o.name : `${o.name} (#${o.id})`}
          </option>
        ))}
        {missing.map((v) => (
          <option value={v} selected>
            #{v} (not in the list)
          </option>
        ))}
      </select>
    </fieldset>
  );
}
