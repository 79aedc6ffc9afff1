/**
 * Class test: one sanitiser policy for every rich and URL field of every resource (issue 11
 * item 9). It iterates over the field-type lists of origin/content/model/schema.ts — page types
 * (FIELD_TYPES) and collections (COLLECTION_FIELD_TYPES), each with its declared kind — and over
 * the other resources that store fields (post bodies, summaries and images, author profile
 * URLs, untyped pages), writes XSS payloads through the real write API and reads them back
 * through a read key at the origin:
 *   rich      the read-back is safe HTML (no script, handler, style, frame or script/data URL)
 *   url       unsafe URLs are refused with 400 and nothing is stored; safe ones read back as sent
 *   freeform  markup is cleaned as rich, script/data URLs are refused
 *   text      plain text, read back exactly as written (clients escape text)
 * A new field type needs a kind (the Records in schema.ts) and a sample value here (SAMPLES is a
 * Record over the type lists): it is covered at once, or the test does not compile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTHOR_FIELD_KINDS,
  COLLECTION_FIELD_KINDS,
  COLLECTION_FIELD_TYPES,
  FIELD_TYPES,
  PAGE_FIELD_KINDS,
  POST_FIELD_KINDS,
  type CollectionFieldType,
  type FieldKind,
  type FieldType,
} from '../../origin/content/model/schema.js';
import { sanitizeHtml, urlProblem } from '../../origin/content/model/sanitize.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

export const HTML_PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="java\tscript:alert(1)">x</a>',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<img src="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+">',
  '<svg onload=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<a href="//evil.example">x</a>',
  '<img srcset="javascript:alert(1) 1x, https://ok.example/a.png 2x">',
  '<video poster="javascript:alert(1)" src="javascript:alert(2)"></video>',
  '<p id="x" onclick="alert(1)">y</p>',
  '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
  '"><script>alert(1)</script>',
  '<scr<script>ipt>alert(1)</script>',
  '<!--<img src=x onerror=alert(1)>-->',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<a href="https://ok.example/" target="_blank">fine</a>',
  '<base href="javascript:/"><link rel=stylesheet href="https://evil.example/x.css"><meta http-equiv=refresh content="0;url=javascript:alert(1)">',
];

export const BAD_URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  ' javascript:alert(1)',
  '\u0000javascript:alert(1)',
  '\u200bjavascript:alert(1)',
  'javascript&colon;alert(1)',
  '&#106;avascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:image/png;base64,AAAA',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'ftp://example.com/x',
  '//evil.example/x.png',
  '/\\evil.example/x.png',
  '\\\\evil.example\\x',
  'https:evil.example',
  'https://exa mple.com/',
  'https://example.com/a\u2028b',
  'x'.repeat(3000),
];

export const GOOD_URLS = ['https://cdn.example.com/a.png', 'http://example.com/x?y=1&z=2#f', '/media/a.png', 'images/a.png', './a.png', '../a.png', '?page=2', '#top'];

const UNSAFE_HTML = [
  /<\s*\/?\s*(script|iframe|object|embed|svg|math|style|link|meta|base|form|frame|frameset|noscript|template|button)\b/i,
  /\son[a-z]+\s*=/i,
  /\sstyle\s*=/i,
  /\s(?:href|src|srcset|poster|action|formaction|data|cite|background)\s*=\s*["']?[^"'>]*?(?:javascript|vbscript|livescript|data):/i,
  /\s(?:href|src|srcset|poster)\s*=\s*["']?\s*\/\//i,
];

/** Every string anywhere in `v`. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

function expectSafeHtml(html: string, context: string): void {
  for (const re of UNSAFE_HTML) expect(html, `${context}: ${re}`).not.toMatch(re);
}

describe('the one policy (unit)', () => {
  it.each(HTML_PAYLOADS)('sanitizeHtml makes %j safe', (payload) => {
    expectSafeHtml(sanitizeHtml(payload), payload);
  });
  it.each(BAD_URLS)('urlProblem refuses %j', (url) => {
    expect(urlProblem(url)).not.toBeNull();
  });
  it.each(GOOD_URLS)('urlProblem accepts %j', (url) => {
    expect(urlProblem(url)).toBeNull();
  });
  it('every field type of every list has a declared kind', () => {
    for (const t of FIELD_TYPES) expect(PAGE_FIELD_KINDS[t], t).toBeDefined();
    for (const t of COLLECTION_FIELD_TYPES) expect(COLLECTION_FIELD_KINDS[t], t).toBeDefined();
  });
});

// ------------------------------------------------------------------------------------------------

let origin: OriginUnderTest;
const api = (path: string) => `${origin.server.url}${path}`;
async function call(method: string, path: string, body: unknown, key = origin.seed.keys.write): Promise<Response> {
  return fetch(api(path), { method, headers: { authorization: `Token ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
async function read(path: string): Promise<unknown> {
  const res = await fetch(api(path), { headers: { authorization: `Token ${origin.seed.keys.read}` } });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return res.json();
}
async function accepted(res: Response): Promise<void> {
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

/** A valid value of each page field type (the payload replaces it for the type under test). */
const PAGE_SAMPLES: Record<FieldType, unknown> = {
  short_text: 'text',
  long_text: 'longer text',
  rich_text: '<p>ok</p>',
  number: 1,
  date: '2024-01-02',
  boolean: true,
  media: 'https://cdn.example.com/a.png',
  reference: [],
  repeater: [],
  component: {},
};
const COLLECTION_SAMPLES: Record<CollectionFieldType, unknown> = {
  short_text: 'text',
  long_text: 'longer text',
  wysiwyg: '<p>ok</p>',
  html: '<p>ok</p>',
  media: 'https://cdn.example.com/a.png',
  date: '2024-01-02',
  dropdown: 'a',
  number: 1,
  checkbox: true,
  reference: null,
  json: { a: 1 },
};

/** Page type fields: one per type; the repeater and component nest one field of each rich and URL type. */
const nestedDefs = FIELD_TYPES.filter((t) => PAGE_FIELD_KINDS[t] === 'rich' || PAGE_FIELD_KINDS[t] === 'url').map((t) => ({ name: `n_${t}`, type: t }));
const pageDefs = FIELD_TYPES.map((t) => {
  if (t === 'reference') return { name: `f_${t}`, type: t, page_type: 'xss', max: 5 };
  if (t === 'repeater' || t === 'component') return { name: `f_${t}`, type: t, fields: nestedDefs };
  return { name: `f_${t}`, type: t };
});
const collectionDefs = COLLECTION_FIELD_TYPES.map((t) => (t === 'reference' ? { name: `f_${t}`, type: t, collection: 'xss' } : { name: `f_${t}`, type: t }));

/** Values an XSS attempt writes into a field of `kind` (and, for structures, into their rich and URL sub-fields). */
function attempts(kind: FieldKind): { value: unknown; refused: boolean; exact?: boolean }[] {
  switch (kind) {
    case 'rich':
      return HTML_PAYLOADS.map((value) => ({ value, refused: false }));
    case 'url':
      return [...BAD_URLS.map((value) => ({ value, refused: true })), ...GOOD_URLS.map((value) => ({ value, refused: false, exact: true }))];
    case 'freeform':
      return [
        ...HTML_PAYLOADS.map((p) => ({ value: { html: p, list: [p] }, refused: false })),
        ...['javascript:alert(1)', ' java\tscript:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', '&#106;avascript:alert(1)'].map((value) => ({ value: { u: value }, refused: true })),
      ];
    case 'text':
      return HTML_PAYLOADS.slice(0, 3).map((value) => ({ value, refused: false, exact: true }));
    default:
      return [];
  }
}

/** Sub-field payloads for structures (repeater, component): every rich and URL attempt, nested. */
function structureAttempts(type: FieldType): { value: unknown; refused: boolean }[] {
  const out: { value: unknown; refused: boolean }[] = [];
  for (const sub of nestedDefs) {
    for (const a of attempts(PAGE_FIELD_KINDS[sub.type])) {
      const obj = { [sub.name]: a.value };
      out.push({ value: type === 'repeater' ? [obj] : obj, refused: a.refused });
    }
  }
  return out;
}

function checkReadBack(kind: FieldKind, written: unknown, readBack: unknown, exact: boolean | undefined, context: string): void {
  if (exact) {
    expect(readBack, context).toEqual(written);
    return;
  }
  for (const s of strings(readBack)) {
    expectSafeHtml(s, context);
    if (kind === 'url' || kind === 'freeform') expect(s.replace(/[\s\p{Cc}]/gu, ''), context).not.toMatch(/^(?:javascript|vbscript|data):/i);
  }
}

beforeAll(async () => {
  origin = await startTestOrigin();
  const res = await call('POST', `/v2/manage/spaces/${origin.seed.spaceId}/page_types/`, { slug: 'xss', name: 'XSS', fields: pageDefs }, origin.seed.keys.admin);
  expect(res.status, await res.clone().text()).toBe(201);
  const col = await call('POST', `/v2/manage/spaces/${origin.seed.spaceId}/collections/`, { key: 'xss', name: 'XSS', fields: collectionDefs }, origin.seed.keys.admin);
  expect(col.status, await col.clone().text()).toBe(201);
});
afterAll(async () => origin?.stop());

let n = 0;
const slugOf = () => `x${++n}`;

describe('page fields, by type', () => {
  for (const type of FIELD_TYPES) {
    const kind = PAGE_FIELD_KINDS[type];
    const cases = kind === 'structure' ? structureAttempts(type) : attempts(kind);
    it(`${type} (${kind}): ${cases.length} payloads`, async () => {
      for (const a of cases) {
        const slug = slugOf();
        const fields = { ...Object.fromEntries(FIELD_TYPES.map((t) => [`f_${t}`, PAGE_SAMPLES[t]])), [`f_${type}`]: a.value };
        const res = await call('POST', '/v2/pages/', { title: 'XSS', slug, page_type: 'xss', status: 'published', fields });
        if (a.refused) {
          await expectErrorShape(res, 400, 'bad_request');
          await expectErrorShape(await fetch(api(`/v2/pages/xss/${slug}/?auth_token=${origin.seed.keys.read}`)), 404, 'not_found');
          continue;
        }
        await accepted(res);
        const body = (await read(`/v2/pages/xss/${slug}/?levels=1`)) as { data: { fields: Record<string, unknown> } };
        checkReadBack(kind === 'structure' ? 'rich' : kind, a.value, body.data.fields[`f_${type}`], 'exact' in a ? (a as { exact?: boolean }).exact : false, `${type} ${JSON.stringify(a.value).slice(0, 80)}`);
      }
    });
  }

  it('untyped pages (freeform): markup cleaned, script URLs refused', async () => {
    for (const a of attempts('freeform')) {
      const slug = slugOf();
      const res = await call('POST', '/v2/pages/', { title: 'XSS', slug, page_type: '*', status: 'published', fields: { nested: a.value } });
      if (a.refused) {
        await expectErrorShape(res, 400, 'bad_request');
        continue;
      }
      await accepted(res);
      const body = (await read(`/v2/pages/*/${slug}/`)) as { data: { fields: unknown } };
      checkReadBack('freeform', a.value, body.data.fields, false, `untyped ${JSON.stringify(a.value).slice(0, 80)}`);
    }
  });
});

describe('collection fields, by type', () => {
  for (const type of COLLECTION_FIELD_TYPES) {
    const kind = COLLECTION_FIELD_KINDS[type];
    const cases = attempts(kind);
    it(`${type} (${kind}): ${cases.length} payloads`, async () => {
      for (const a of cases) {
        const fields = { ...Object.fromEntries(COLLECTION_FIELD_TYPES.map((t) => [`f_${t}`, COLLECTION_SAMPLES[t]])), [`f_${type}`]: a.value };
        const before = ((await read('/v2/content/xss/?page_size=1')) as { meta: { count: number } }).meta.count;
        const res = await call('POST', '/v2/content/', { key: 'xss', status: 'published', fields: [fields] });
        if (a.refused) {
          await expectErrorShape(res, 400, 'bad_request');
          expect(((await read('/v2/content/xss/?page_size=1')) as { meta: { count: number } }).meta.count).toBe(before);
          continue;
        }
        await accepted(res);
        const list = (await read(`/v2/content/xss/?page_size=1&page=${before + 1}&levels=1`)) as { data: { xss: Record<string, unknown>[] } };
        checkReadBack(kind, a.value, list.data.xss[0]![`f_${type}`], (a as { exact?: boolean }).exact, `${type} ${JSON.stringify(a.value).slice(0, 80)}`);
      }
    });
  }
});

describe('post and author fields, by kind', () => {
  for (const [field, kind] of Object.entries(POST_FIELD_KINDS)) {
    const cases = attempts(kind).filter((a) => field !== 'title' || (typeof a.value === 'string' && a.value.trim() !== ''));
    it(`post ${field} (${kind}): ${cases.length} payloads`, async () => {
      for (const a of cases) {
        const slug = slugOf();
        const res = await call('POST', '/v2/posts/', { title: 'XSS', slug, status: 'published', [field]: a.value });
        if (a.refused) {
          await expectErrorShape(res, 400, 'bad_request');
          await expectErrorShape(await fetch(api(`/v2/posts/${slug}/?auth_token=${origin.seed.keys.read}`)), 404, 'not_found');
          continue;
        }
        if (kind === 'text' && /\p{Cc}/u.test(String(a.value))) continue;
        await accepted(res);
        const body = (await read(`/v2/posts/${slug}/`)) as { data: Record<string, unknown> };
        checkReadBack(kind, a.value, body.data[field], (a as { exact?: boolean }).exact, `post ${field} ${JSON.stringify(a.value).slice(0, 80)}`);
      }
    });
  }

  for (const [field, kind] of Object.entries(AUTHOR_FIELD_KINDS)) {
    if (kind !== 'url') continue;
    it(`author ${field} (${kind})`, async () => {
      for (const a of attempts(kind)) {
        const slug = slugOf();
        const res = await call('POST', `/v2/manage/spaces/${origin.seed.spaceId}/authors/`, { slug, [field]: a.value }, origin.seed.keys.admin);
        if (a.refused) {
          await expectErrorShape(res, 400, 'bad_request');
          continue;
        }
        expect(res.status, await res.clone().text()).toBe(201);
        const body = (await read(`/v2/authors/${slug}/`)) as { data: Record<string, unknown> };
        checkReadBack(kind, a.value, body.data[field], true, `author ${field}`);
      }
    });
  }
});
