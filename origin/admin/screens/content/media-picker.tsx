/**
 * The media field's picker (issue 20): `GET /admin/o/:org/s/:space/media-picker?for=<input id>
 * [&before=<ISO time>]` answers an htmx fragment — the space's library as the member reads it
 * (GET /v2/manage/spaces/{space}/assets, content.preview: newest first, `limit`, `before`), each
 * file a button with a preview (images) and its name, and "Show older files" (the next page,
 * swapped in place of that button). picker.js (static, fingerprinted) writes the chosen file's URL
 * into the field's input; the URL can still be typed. Escaped by Hono JSX like every screen.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { api } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { fragment } from '../../layout.js';
import { ErrorSummary } from '../../ui.js';
import { spaceUrl } from './shared.js';

/** Files per page of the picker. */
export const PICKER_PAGE = 12;

interface AssetView {
  id: string;
  url: string;
  filename: string;
  content_type: string;
  size: number;
  created: string;
}

/** The picker's fragment URL for a space (fields.tsx MediaPicker's `src`). */
export const pickerUrl = (org: string, space: string) => spaceUrl(org, space, 'media-picker');

const INPUT_ID = /^f-[A-Za-z0-9_-]{1,300}$/;

function Choice(props: { a: AssetView; for: string }) {
  const { a } = props;
  const image = a.content_type.startsWith('image/');
  return (
    <li>
      <button type="button" class="pick" data-pick-for={props.for} data-pick-url={a.url} data-pick-name={a.filename}>
        {image ? <img src={a.url} alt="" loading="lazy" width={96} height={72} /> : <span class="pick-type">{a.content_type.split('/')[1] ?? 'file'}</span>}
        <span class="pick-name">
          <span class="visually-hidden">Choose </span>
          {a.filename}
        </span>
      </button>
    </li>
  );
}

/**
 * A picker opened after the session expired: sign in and come back to the editor the member was
 * on (htmx's HX-Current-URL, when it is a screen of this app), not to this bare fragment.
 */
const backToEditor: MiddlewareHandler<AdminEnv> = async (c, next) => {
  if (c.get('me') || c.req.header('hx-request') !== 'true') return next();
  let back = '';
  try {
    const current = new URL(c.req.header('hx-current-url') ?? '', c.req.url);
    if (current.origin === new URL(c.req.url).origin && current.pathname.startsWith('/admin/o/')) back = current.pathname + current.search;
  } catch {
    back = '';
  }
  if (!back) return next();
  return c.body(null, 204, { 'hx-redirect': `/admin/sign-in?next=${encodeURIComponent(back)}` });
};

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.get('/o/:org/s/:space/media-picker', backToEditor, signedIn, async (c) => {
    const { org, space } = c.req.param();
    const target = c.req.query('for') ?? '';
    const before = c.req.query('before');
    if (!INPUT_ID.test(target)) {
      return fragment(c, <ErrorSummary error={{ detail: 'for must name a media field of the editor.', code: 'bad_request', request_id: c.get('requestId') }} />, 400);
    }
    const q = new URLSearchParams({ limit: String(PICKER_PAGE) });
    if (before !== undefined) q.set('before', before);
    const res = await api(c).get<{ data: AssetView[] }>(`/v2/manage/spaces/${encodeURIComponent(space)}/assets?${q}`);
    if (!res.ok) return fragment(c, <ErrorSummary error={res.error} />, res.status);
    const list = res.body.data;
    const last = list[list.length - 1];
    const more = `${pickerUrl(org, space)}?for=${encodeURIComponent(target)}&before=${encodeURIComponent(last?.created ?? '')}`;
    return fragment(
      c,
      <>
        {list.length === 0 && before === undefined ? (
          <p>
            The library is empty. <a href={spaceUrl(org, space, 'media')}>Upload files in the media library</a>, or type a URL.
          </p>
        ) : null}
        {list.length ? (
          <ul class="picker-grid" aria-label={before === undefined ? 'Newest files' : 'Older files'} data-older={before === undefined ? undefined : ''}>
            {list.map((a) => (
              <Choice a={a} for={target} />
            ))}
          </ul>
        ) : (
          <p class="muted">No older files.</p>
        )}
        {list.length === PICKER_PAGE ? (
          <button type="button" class="btn btn-secondary" hx-get={more} hx-target="this" hx-swap="outerHTML">
            Show older files
          </button>
        ) : null}
      </>,
    );
  });
}
