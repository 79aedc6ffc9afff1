/**
 * The editors' sub-screens and form routes, one copy for pages, items and posts (editor.tsx,
 * item-editor.tsx, post-editor.tsx): the preview of the working copy, the revision history, one
 * version's field-level diff with Roll back, and the answers of a save, a delete and a rollback —
 * each an API call as the member (conditional on the version the form was loaded at); each
 * editor passes its URLs, API paths and names.
 */
import type { Context } from 'hono';
import { api, must, type ApiAnswer } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken } from '../../security.js';
import { PostForm } from '../../ui.js';
import { first, flash, HistoryTable, postedForm, type HistoryEntry } from './common.js';
import { spaceHeader, versionOf, type FieldSchema } from './shared.js';
import { Diff, Fields } from './view.js';

/** Where a sub-screen is: the layout's org, space and highlighted section (pages, items, posts). */
export interface Where {
  org: string;
  space: string;
  active: string;
}

/** The entry's editor URL with `rest` (/preview, /revisions, /revisions/3, /rollback) — each editor's scheme. */
type At = (rest?: string) => string;

/** The working copy as the API holds it. */
export function previewScreen(c: Context<AdminEnv>, w: Where, o: { at: At; name: string; version: number; status: string; schema: FieldSchema; values: Record<string, unknown> }): Promise<Response> {
  return render(
    c,
    { title: `Preview: ${o.name}`, ...w },
    <>
      <p>
        <a href={o.at()}>Back to the editor</a>
      </p>
      <p class="flash flash-info">
        Preview of the working copy (version {o.version}, {o.status}) as the API holds it.
      </p>
      <article class="preview" aria-labelledby="preview-title">
        <h1 id="preview-title">{o.name}</h1>
        <Fields schema={o.schema} values={o.values} />
      </article>
    </>,
  );
}

/** The revision history, newest first, each version linking to its diff. */
export function historyScreen(c: Context<AdminEnv>, w: Where, o: { at: At; name: string; entries: HistoryEntry[] }): Promise<Response> {
  return render(
    c,
    { title: `History: ${o.name}`, ...w },
    <>
      <p>
        <a href={o.at()}>Back to the editor</a>
      </p>
      <h1>History of {o.name}</h1>
      <HistoryTable entries={o.entries} me={c.get('me')!.user_id} link={(v) => o.at(`/revisions/${v}`)} />
    </>,
  );
}

/**
 * One version against the working copy, field by field, and for publishers Roll back to it,
 * conditional on the working copy's version (`_version`).
 */
export function versionScreen(
  c: Context<AdminEnv>,
  w: Where,
  o: { at: At; name: string; schema: FieldSchema; then: { version: number; name: string; fields: Record<string, unknown> }; now: { fields: Record<string, unknown>; version: number } },
): Promise<Response> {
  const v = o.then.version;
  const mayRollback = can(c.get('me'), 'content.publish', w.org, w.space);
  return render(
    c,
    { title: `Version ${v}: ${o.name}`, ...w },
    <>
      <p>
        <a href={o.at('/revisions')}>Back to the history</a>
      </p>
      <h1>
        Version {v} of {o.name}
      </h1>
      <Diff schema={o.schema} version={v} then={{ name: o.then.name, fields: o.then.fields }} now={{ name: o.name, fields: o.now.fields, version: o.now.version }} />
      {mayRollback ? (
        <PostForm action={o.at('/rollback')} token={formToken(c)} attrs={{ 'data-confirm': `Roll back to version ${v}?` }}>
          <input type="hidden" name="version" value={String(v)} />
          <input type="hidden" name="_version" value={String(o.now.version)} />
          <button type="submit" class="btn btn-primary">
            Roll back to version {v}
          </button>
        </PostForm>
      ) : null}
    </>,
  );
}

/** After a save the API took: "Published (version 4)." on the editor (`to`), where the member goes on. */
export function saved(c: Context<AdminEnv>, res: ApiAnswer<unknown>, what: string, to: string): Response {
  const v = versionOf(res.headers.get('etag'));
  flash(c, `${what}${v ? ` (version ${v})` : ''}.`);
  return c.redirect(to, 303);
}

/** The delete form's route: DELETE `path` (If-Match: the posted `_version`), a flash, `to`. */
export async function deleted(c: Context<AdminEnv>, o: { space: string; path: string; flash: string; to: string }): Promise<Response> {
  const form = await postedForm(c);
  must(await api(c).send('DELETE', o.path, undefined, { headers: { ...spaceHeader(o.space), 'if-match': `"v${first(form._version)}"` } }));
  flash(c, o.flash);
  return c.redirect(o.to, 303);
}

/** Roll back's route: POST `path` with the posted `version` (If-Match: `_version`), a flash naming the new version, `to`. */
export async function rolledBack(c: Context<AdminEnv>, o: { space: string; path: string; to: string }): Promise<Response> {
  const form = await postedForm(c);
  const res = await api(c).send('POST', o.path, { version: Number(first(form.version)) }, { headers: { ...spaceHeader(o.space), 'if-match': `"v${first(form._version)}"` } });
  must(res);
  flash(c, `Rolled back to version ${first(form.version)} (now version ${versionOf(res.headers.get('etag')) ?? '?'}).`);
  return c.redirect(o.to, 303);
}
