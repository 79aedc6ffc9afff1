/* ghee web app — the media field's picker (screens/content/media-picker.tsx, fields.tsx
 * MediaPicker), loaded by the editors. Without JavaScript the picker stays hidden and the URL is
 * typed; with it:
 *   - each "Choose … from the media library" <details> is shown; opening it loads the library
 *     (htmx, hx-trigger="toggle once");
 *   - a file's button (Enter, Space or a click) puts its URL into the field's input, fires `input`
 *     (so the editor keeps it as an unsaved value), closes the picker, focuses the input and
 *     announces the choice (a role=status beside it);
 *   - "Show older files" (htmx, swapped for the older list) moves focus to the first older file;
 *   - Escape in an open picker closes it and returns focus to its summary.
 * Text only (values and textContent), never markup. No inline script (the CSP forbids it).
 */
/* global document, Element, Event, HTMLInputElement */

for (const details of document.querySelectorAll('details[data-picker]')) details.hidden = false;

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-pick-url]') : null;
  if (!button) return;
  const input = document.getElementById(button.getAttribute('data-pick-for') || '');
  if (!(input instanceof HTMLInputElement)) return;
  input.value = button.getAttribute('data-pick-url') || '';
  input.dispatchEvent(new Event('input', { bubbles: true }));
  const details = button.closest('details');
  if (details) details.open = false;
  input.focus();
  for (const status of document.querySelectorAll('[data-picker-status]')) {
    if (status.getAttribute('data-picker-status') === input.id) status.textContent = `Chose ${button.getAttribute('data-pick-name') || 'the file'}.`;
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || !(event.target instanceof Element)) return;
  const details = event.target.closest('details[data-picker][open]');
  if (!details) return;
  details.open = false;
  const summary = details.querySelector('summary');
  if (summary) summary.focus();
});

document.addEventListener('htmx:afterSettle', () => {
  for (const list of document.querySelectorAll('details[data-picker] ul[data-older]:not([data-seen])')) {
    list.setAttribute('data-seen', '');
    const first = list.querySelector('button[data-pick-url]');
    if (first) first.focus();
  }
});
