/* ghee web app — the media library's upload with progress (screens/manage/media.tsx), loaded by
 * that screen only. The form posts to the web app without JS; with JS the file goes straight to
 * the API (POST /v2/assets?filename=…, same origin: the session cookie, the session's CSRF token
 * from <body hx-headers>, the space in X-Ghee-Space) by XMLHttpRequest, whose upload events give
 * the progress (fetch has none). A refusal is shown in the one error shape, as text.
 */
/* global document, window, XMLHttpRequest, HTMLFormElement */

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRF-Token'] || '';
  } catch {
    return '';
  }
}

/** A file name the API takes: letters, digits, - and _, with one extension. */
function safeName(name) {
  const dot = name.lastIndexOf('.');
  const base = (dot > 0 ? name.slice(0, dot) : name).replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'file';
  const ext = dot > 0 ? name.slice(dot + 1).replace(/[^A-Za-z0-9]+/g, '') : '';
  return ext ? `${base.slice(0, 100)}.${ext.slice(0, 10)}` : base.slice(0, 100);
}

function showError(form, error) {
  const box = form.querySelector('[data-upload-error]');
  box.replaceChildren();
  const h = document.createElement('h2');
  h.textContent = 'That did not work';
  const p = document.createElement('p');
  p.textContent = error.detail || 'The upload failed.';
  const meta = document.createElement('p');
  meta.className = 'meta';
  meta.textContent = `Code ${error.code || 'error'} · request ${error.request_id || '—'}`;
  box.append(h, p, meta);
  box.setAttribute('data-code', error.code || 'error');
  box.hidden = false;
  box.focus();
}

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-upload')) return;
  const input = form.querySelector('input[type=file]');
  const file = input && input.files && input.files[0];
  if (!file) return;
  event.preventDefault();
  const progress = form.querySelector('progress');
  const status = form.querySelector('[data-upload-status]');
  form.querySelector('[data-upload-error]').hidden = true;
  const xhr = new XMLHttpRequest();
  xhr.open('POST', `/v2/assets?filename=${encodeURIComponent(safeName(file.name))}`);
  xhr.setRequestHeader('X-CSRF-Token', csrfToken());
  xhr.setRequestHeader('X-Ghee-Space', form.getAttribute('data-space'));
  xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.upload.addEventListener('progress', (e) => {
    if (!e.lengthComputable) return;
    progress.max = e.total;
    progress.value = e.loaded;
    status.textContent = `Uploading ${file.name}: ${Math.round((e.loaded / e.total) * 100)}%`;
  });
  xhr.addEventListener('load', () => {
    let body = {};
    try {
      body = JSON.parse(xhr.responseText || '{}');
    } catch {
      body = {};
    }
    if (xhr.status === 201) {
      progress.value = progress.max;
      status.textContent = `Uploaded ${body.data ? body.data.filename : file.name}.`;
      window.location.assign(`${window.location.pathname}?uploaded=${encodeURIComponent(body.data ? body.data.id : '')}`);
    } else {
      status.textContent = '';
      showError(form, body);
    }
  });
  xhr.addEventListener('error', () => showError(form, { detail: 'The upload did not reach the server.', code: 'network_error' }));
  status.textContent = `Uploading ${file.name}…`;
  xhr.send(file);
});
