/* ghee web app — the content editor (screens/content/editor.tsx):
 *   - keeps the form's unsaved FIELD VALUES in sessionStorage while the member types, keyed by
 *     member id and page, so a session that expires mid-edit loses nothing: the save lands on
 *     sign-in, which returns here, and the values are put back. Never a token: `_csrf` and the
 *     hidden version fields are skipped. sessionStorage lives in this tab only and dies with it;
 *     a stash is used only by the member who wrote it (data-user) and only for a day.
 *   - Ctrl+S / Cmd+S saves (clicks the form's first button, "Save draft").
 * No inline script anywhere (the CSP forbids it).
 */
/* global document, window, sessionStorage, HTMLInputElement, HTMLSelectElement, HTMLTextAreaElement */

const form = document.querySelector('form#editor[data-draft-key]');
const SKIP = new Set(['_csrf', '_version', '_theirs', '_action']);
const DAY = 24 * 60 * 60 * 1000;

function key() {
  return `ghee-draft:${form.getAttribute('data-user')}:${form.getAttribute('data-draft-key')}`;
}

/** The version the form was loaded at: a save that went through moves it on. */
function baseVersion() {
  const v = form.querySelector('input[name=_version]');
  return v ? v.value : '';
}

function controls() {
  return Array.from(form.elements).filter((el) => (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) && el.name && !SKIP.has(el.name) && el.type !== 'hidden' && el.type !== 'submit');
}

function snapshot() {
  const values = {};
  for (const el of controls()) {
    if (el instanceof HTMLInputElement && el.type === 'checkbox') values[el.name] = el.checked;
    else if (el instanceof HTMLSelectElement && el.multiple) values[el.name] = Array.from(el.selectedOptions, (o) => o.value);
    else values[el.name] = el.value;
  }
  return values;
}

function save() {
  try {
    sessionStorage.setItem(key(), JSON.stringify({ at: Date.now(), base: baseVersion(), values: snapshot() }));
  } catch {
    /* storage full or off: the form still works */
  }
}

function restore(values) {
  let changed = 0;
  for (const el of controls()) {
    if (!(el.name in values)) continue;
    const v = values[el.name];
    if (el instanceof HTMLInputElement && el.type === 'checkbox') {
      if (el.checked !== Boolean(v)) {
        el.checked = Boolean(v);
        changed++;
      }
    } else if (el instanceof HTMLSelectElement && el.multiple && Array.isArray(v)) {
      for (const o of el.options) o.selected = v.includes(o.value);
    } else if (typeof v === 'string' && el.value !== v) {
      el.value = v;
      changed++;
    }
  }
  return changed;
}

function notice(text) {
  const box = document.createElement('div');
  box.className = 'flash flash-info';
  box.setAttribute('role', 'status');
  box.id = 'draft-restored';
  box.textContent = text + ' ';
  const discard = document.createElement('button');
  discard.type = 'button';
  discard.className = 'btn btn-link';
  discard.textContent = 'Discard them';
  discard.addEventListener('click', () => {
    sessionStorage.removeItem(key());
    window.location.reload();
  });
  box.append(discard);
  form.before(box);
}

if (form) {
  const raw = sessionStorage.getItem(key());
  if (raw) {
    try {
      const stash = JSON.parse(raw);
      // Saved since (a new version and the confirmation on the page): nothing is left to put back.
      if (stash.base !== baseVersion() && document.querySelector('main .flash-success')) sessionStorage.removeItem(key());
      else if (Date.now() - stash.at < DAY && restore(stash.values) > 0) notice('Your unsaved changes were put back. Save to keep them.');
    } catch {
      sessionStorage.removeItem(key());
    }
  }
  form.addEventListener('input', save);
  form.addEventListener('change', save);
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && (event.key === 's' || event.key === 'S')) {
      event.preventDefault();
      save();
      form.requestSubmit(form.querySelector('#save'));
    }
  });
}
