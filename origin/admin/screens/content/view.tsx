/**
 * Read-only views of a page's fields: the preview (the draft as the API holds it, rendered) and
 * the field-level diff of a revision against the working copy.
 */
import { raw } from 'hono/html';
import type { FieldDef, FieldSchema } from './shared.js';

const labelOf = (d: FieldDef) => d.label ?? d.name.replace(/_/g, ' ').replace(/^./, (ch) => ch.toUpperCase());
const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function Value(props: { def: FieldDef; value: unknown }) {
  const { def, value } = props;
  if (value === null || value === undefined || value === '') return <p class="muted">(empty)</p>;
  switch (def.type) {
    case 'rich_text':
      // Rich text as stored: the API ran it through the one sanitiser (origin/content/model/sanitize.ts)
      // when it was saved, so it holds no script, handler or unsafe URL; the CSP forbids inline script regardless.
      return <div class="rich">{raw(typeof value === 'string' ? value : '')}</div>;
    case 'long_text':
      return <p class="pre">{text(value)}</p>;
    case 'boolean':
      return <p>{value === true ? 'Yes' : 'No'}</p>;
    case 'media':
      return typeof value === 'string' && value.startsWith('/assets/') ? <img src={value} alt="" class="media-preview" /> : <p class="mono">{text(value)}</p>;
    case 'component':
      return <Fields schema={def.fields} values={(value ?? {}) as Record<string, unknown>} />;
    case 'repeater':
      return (
        <ol>
          {(Array.isArray(value) ? value : []).map((row) => (
            <li>
              <Fields schema={def.fields} values={(row ?? {}) as Record<string, unknown>} />
            </li>
          ))}
        </ol>
      );
    default:
      return <p>{text(value)}</p>;
  }
}

/** The fields, each with its label, as a reader would see them. */
export function Fields(props: { schema: FieldSchema; values: Record<string, unknown> }) {
  return (
    <dl class="preview-fields">
      {props.schema.map((def) => (
        <>
          <dt>{labelOf(def)}</dt>
          <dd>
            <Value def={def} value={props.values[def.name]} />
          </dd>
        </>
      ))}
    </dl>
  );
}

/** One row per top-level field (and the title): the revision's value beside the working copy's, changed ones marked. */
export function Diff(props: { schema: FieldSchema; version: number; then: { name: string; fields: Record<string, unknown> }; now: { name: string; fields: Record<string, unknown>; version: number } }) {
  const rows = [{ label: 'Title', a: props.then.name, b: props.now.name }, ...props.schema.map((d) => ({ label: labelOf(d), a: props.then.fields[d.name], b: props.now.fields[d.name] }))];
  return (
    <table class="table diff">
      <caption>
        Version {props.version} compared with the current version {props.now.version}
      </caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Version {props.version}</th>
          <th scope="col">Current</th>
          <th scope="col">Changed</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const changed = JSON.stringify(r.a ?? null) !== JSON.stringify(r.b ?? null);
          return (
            <tr class={changed ? 'changed' : undefined}>
              <th scope="row">{r.label}</th>
              <td class="mono">{text(r.a)}</td>
              <td class="mono">{text(r.b)}</td>
              <td>{changed ? <span class="badge badge-warn">Changed</span> : <span class="muted">Same</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
