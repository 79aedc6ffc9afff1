/* ghee web app — the little behaviour pages need beyond HTML forms and htmx. No inline script
 * anywhere (the CSP forbids it): pages opt in with data-* attributes.
 *   data-copy="#id"        a button that copies the value of #id
 *   form[data-confirm]     asks before submitting (htmx forms use hx-confirm)
 *   [data-captcha]         solves the API's proof-of-work captcha and fills input[name=captcha]
 *   #error-summary         receives focus when a page (or an htmx swap) shows one
 */
/* global document, window, navigator, crypto, btoa, Element, HTMLFormElement */

function focusErrors(root) {
  const summary = (root || document).querySelector('#error-summary');
  if (summary) summary.focus();
}

document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
  if (!button) return;
  const source = document.querySelector(button.getAttribute('data-copy'));
  if (!source) return;
  const value = 'value' in source ? source.value : source.textContent;
  try {
    await navigator.clipboard.writeText(value);
    button.textContent = 'Copied';
  } catch {
    if (source.select) source.select();
    button.textContent = 'Press Ctrl+C';
  }
  window.setTimeout(() => (button.textContent = 'Copy'), 2500);
});

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.hasAttribute('data-confirm') && !window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
});

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
function fromHex(s) {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** ALTCHA v2, SHA-256, cost 1: find the counter whose SHA-256(salt ‖ nonce ‖ uint32be(counter)) starts with keyPrefix. */
async function solveCaptcha(box) {
  const challenge = JSON.parse(box.getAttribute('data-captcha'));
  const p = challenge.parameters;
  const salt = fromHex(p.salt);
  const nonce = fromHex(p.nonce);
  const keyLength = p.keyLength || 32;
  const form = box.closest('form');
  const submit = form && form.querySelector('button[type=submit]');
  if (submit) submit.disabled = true;
  const digest = (counter) => {
    const buf = new Uint8Array(salt.length + nonce.length + 4);
    buf.set(salt, 0);
    buf.set(nonce, salt.length);
    new DataView(buf.buffer).setUint32(salt.length + nonce.length, counter, false);
    return crypto.subtle.digest('SHA-256', buf);
  };
  const BATCH = 1000;
  for (let start = 0; start <= 0xffffffff; start += BATCH) {
    const keys = await Promise.all(Array.from({ length: BATCH }, (_, i) => digest(start + i)));
    for (let i = 0; i < BATCH; i++) {
      const key = hex(new Uint8Array(keys[i]).slice(0, keyLength));
      if (!key.startsWith(p.keyPrefix)) continue;
      const payload = { challenge: { parameters: p, signature: challenge.signature }, solution: { counter: start + i, derivedKey: key } };
      box.querySelector('input[name=captcha]').value = btoa(JSON.stringify(payload));
      box.querySelector('.captcha-status').textContent = 'Done: you can sign in.';
      if (submit) submit.disabled = false;
      return;
    }
  }
}

function start(root) {
  for (const box of (root || document).querySelectorAll('[data-captcha]')) void solveCaptcha(box);
  focusErrors(root);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => start());
else start();
document.addEventListener('htmx:afterSwap', (event) => start(event.target));
