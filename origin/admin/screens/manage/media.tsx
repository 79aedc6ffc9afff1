/**
 * The media library of a space: the assets (GET /v2/manage/spaces/:space/assets, content.preview)
 * with a preview for images, each one's public URL with a copy button, delete (DELETE …/:id,
 * content.delete); upload (assets.write) with progress — media.js sends the file straight to the
 * API (POST /v2/assets, the session's CSRF token, X-Ghee-Space) and shows the upload's progress;
 * without JS the same form posts here and the screen sends the bytes to the API.
 */
import type { Context, Hono } from 'hono';
import { api, must, type ApiError } from '../../api.js';
import { assetUrl } from '../../assets.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken, setFlash } from '../../security.js';
import { CopyValue, DataTable, ErrorSummary, PostForm, RowAction, When } from '../../ui.js';
import { seg } from './common.js';

interface AssetView {
  id: string;
  url: string;
  filename: string;
  content_type: string;
  size: number;
  created: string;
}

function size(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}

function safeName(name: string): string {
  const dot = name.lastIndexOf('.');
  const base = (dot > 0 ? name.slice(0, dot) : name).replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'file';
  const ext = dot > 0 ? name.slice(dot + 1).replace(/[^A-Za-z0-9]+/g, '') : '';
  return ext ? `${base.slice(0, 100)}.${ext.slice(0, 10)}` : base.slice(0, 100);
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  const page = async (c: Context<AdminEnv>, org: string, space: string, refusal?: { error: ApiError | null; status: number }) => {
    const listed = await api(c).get<{ data: AssetView[] }>(`/v2/manage/spaces/${seg(space)}/assets?limit=100`);
    if (!listed.ok && refusal) return render(c, { title: 'Media', org, space, active: 'media', status: refusal.status }, <><h1>Media</h1><ErrorSummary error={refusal.error} /></>);
    const list = must(listed).data;
    const me = c.get('me');
    const mayUpload = can(me, 'assets.write', org, space);
    const mayDelete = can(me, 'content.delete', org, space);
    const token = formToken(c);
    const here = `/admin/o/${org}/s/${space}/media`;
    const origin = new URL(c.req.url).origin;
    return render(
      c,
      { title: 'Media', org, space, active: 'media', ...(refusal ? { status: refusal.status } : {}) },
      <>
        <script src={assetUrl('media.js')} type="module"></script>
        <h1>Media</h1>
        {refusal ? <ErrorSummary error={refusal.error} /> : null}
        {c.req.query('uploaded') ? (
          <p role="status" class="flash flash-success">
            Uploaded.
          </p>
        ) : null}
        {mayUpload ? (
          <PostForm action={`${here}/upload`} token={token} enctype="multipart/form-data" aria-label="Upload a file" attrs={{ 'data-upload': '', 'data-space': space }} class="upload">
            <div class="field">
              <label for="f-file">File</label>
              <p class="hint" id="f-file-hint">
                Images, PDF, audio and video; the file name becomes part of its public URL.
              </p>
              <input id="f-file" name="file" type="file" required aria-describedby="f-file-hint" />
            </div>
            <button type="submit" class="btn btn-primary">
              Upload
            </button>{' '}
            <progress id="upload-progress" max={1} value={0} aria-label="Upload progress"></progress> <span data-upload-status="" role="status"></span>
            <div class="error-summary" role="alert" tabindex={-1} id="upload-error" data-upload-error="" hidden></div>
          </PostForm>
        ) : null}
        <DataTable
          id="assets"
          caption="Files"
          rows={list}
          empty="No files yet."
          rowAttrs={(a) => ({ 'data-asset-id': a.id })}
          columns={[
            { header: 'Preview', cell: (a) => (a.content_type.startsWith('image/') && a.content_type !== 'image/svg+xml' ? <img class="thumb" src={a.url} alt="" width={64} height={64} loading="lazy" /> : <span class="muted">{a.content_type}</span>) },
            { header: 'File', class: 'mono', cell: (a) => a.filename },
            { header: 'Size', cell: (a) => size(a.size) },
            { header: 'Uploaded', cell: (a) => <When at={a.created} /> },
            { header: 'Public URL', cell: (a, i) => <CopyValue label={`Public URL of ${a.filename}`} value={`${origin}${a.url}`} id={`url-${i}`} /> },
          ]}
          actions={mayDelete && ((a) => <RowAction action={`${here}/${a.id}/delete`} token={token} label="Delete" target={a.filename} confirm={`Delete ${a.filename}? Its URL stops working.`} />)}
        />
      </>,
    );
  };

  app.get('/o/:org/s/:space/media', signedIn, (c) => page(c, c.req.param('org'), c.req.param('space')));

  // Without JS: the form's file, sent to the API by the screen.
  app.post('/o/:org/s/:space/media/upload', signedIn, async (c) => {
    const { org, space } = c.req.param();
    const type = c.req.header('content-type') ?? '';
    const body = type.startsWith('multipart/form-data') ? await c.req.parseBody() : {};
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) return page(c, org, space, { error: { code: 'bad_request', detail: 'Choose a file to upload.', request_id: c.get('requestId') }, status: 400 });
    const res = await api(c).send<{ data: AssetView }>('POST', `/v2/assets?filename=${encodeURIComponent(safeName(file.name))}`, new Uint8Array(await file.arrayBuffer()), {
      contentType: file.type || 'application/octet-stream',
      headers: { 'x-ghee-space': space },
    });
    if (!res.ok) return page(c, org, space, { error: res.error, status: res.status });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `Uploaded ${res.body.data.filename}.` });
    return c.redirect(`/admin/o/${org}/s/${space}/media`, 303);
  });

  app.post('/o/:org/s/:space/media/:id/delete', signedIn, async (c) => {
    const { org, space, id } = c.req.param();
    const res = await api(c).send('DELETE', `/v2/manage/spaces/${seg(space)}/assets/${seg(id)}`);
    if (!res.ok) return page(c, org, space, { error: res.error, status: res.status });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'The file is deleted; its URL no longer works.' });
    return c.redirect(`/admin/o/${org}/s/${space}/media`, 303);
  });
}
