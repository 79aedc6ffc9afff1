/* ghee web app — the content editor (screens/content/editor.tsx):
 *   - keeps the form's unsaved FIELD VALUES in sessionStorage while the member types, keyed by
 *     member id and page, so a session that expires mid-edit loses nothing: the save lands on
 *     sign-in, which returns here, and the values are put back. Never a token: `_csrf` and the
 *     hidden version fields are skipped. sessionStorage lives in this tab only and dies with it;
 *     a stash is used only by the member who wrote it (data-user) and only for a day.
 *   - Ctrl+S / Cmd+S saves (clicks the form's first button, "Save draft").
 *   - "Save draft" is an htmx request answered by a fragment into #save-status (save.tsx): the
 *     API's refusals (400 field errors, 412 "someone else saved") are swapped in too (htmx leaves
 *     4xx out by default; field errors are also written beside their fields, focus moves to the
 *     message); a success clears the stash, the field marks and the page's older messages.
 * No inline script anywhere (the CSP forbids it).
 */
/* global document, window, sessionStorage, Element, HTMLElement, HTMLInputElement, HTMLSelectElement, HTMLTextAreaElement */

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

/**
 * The API's field errors, listed in #save-status as links (save.tsx FieldErrors), written beside
 * each field too: the message, aria-invalid and aria-describedby — as the no-JS page renders them.
 * Earlier marks go first (a later save may have fixed them). Text only (textContent), never markup.
 */
function markFields(box) {
  for (const old of form.querySelectorAll('.field-error')) {
    const input = document.getElementById(old.id.replace(/-error$/, ''));
    if (input) {
      input.removeAttribute('aria-invalid');
      const rest = (input.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== old.id);
      if (rest.length) input.setAttribute('aria-describedby', rest.join(' '));
      else input.removeAttribute('aria-describedby');
    }
    old.remove();
  }
  for (const link of box.querySelectorAll('a[data-field-error]')) {
    const input = document.getElementById(link.getAttribute('data-field-error'));
    if (!input || !form.contains(input)) continue;
    const p = document.createElement('p');
    p.className = 'field-error';
    p.id = `${input.id}-error`;
    p.textContent = link.getAttribute('data-message');
    if (input.type === 'checkbox') input.parentElement.append(p);
    else input.before(p);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), p.id].filter(Boolean).join(' '));
  }
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
      // A click (not requestSubmit): htmx takes the button's click; without htmx it submits the form.
      const button = form.querySelector('#save');
      if (button) button.click();
    }
  });
  document.addEventListener('htmx:beforeSwap', (event) => {
    const d = event.detail;
    const elt = d.requestConfig && d.requestConfig.elt;
    if (!(elt instanceof Element) || elt.id !== 'save' || d.xhr.status < 400 || d.xhr.status >= 500) return;
    d.shouldSwap = true;
    d.isError = false;
  });
  document.addEventListener('htmx:afterSwap', (event) => {
    const box = event.target;
    if (!(box instanceof Element) || box.id !== 'save-status') return;
    markFields(box);
    if (box.querySelector('.flash-success')) {
      sessionStorage.removeItem(key());
      for (const old of document.querySelectorAll('main > .flash, #draft-restored')) old.remove();
      return;
    }
    // A refusal: move focus to it (role=alert also announces it), as a full page's error summary is.
    const summary = box.querySelector('#error-summary');
    if (summary instanceof HTMLElement) summary.focus();
  });
}
