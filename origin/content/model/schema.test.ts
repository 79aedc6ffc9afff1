import { describe, expect, it } from 'vitest';
import { parseFieldSchema, sanitizeRichText, validateFields, type FieldSchema } from './schema.js';

const schemaOf = (json: unknown): FieldSchema => {
  const r = parseFieldSchema(json);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
};

const all = schemaOf([
  { name: 'headline', type: 'short_text', required: true },
  { name: 'summary', type: 'long_text' },
  { name: 'body', type: 'rich_text' },
  { name: 'price', type: 'number', min: 0 },
  { name: 'launch', type: 'date' },
  { name: 'featured', type: 'boolean' },
  { name: 'hero', type: 'media' },
  { name: 'related', type: 'reference', page_type: 'product', max: 2 },
  { name: 'author', type: 'reference', collection: 'people' },
  { name: 'faq', type: 'repeater', fields: [{ name: 'q', type: 'short_text', required: true }, { name: 'a', type: 'rich_text' }] },
  { name: 'seo', type: 'component', fields: [{ name: 'title', type: 'short_text' }, { name: 'meta', type: 'component', fields: [{ name: 'noindex', type: 'boolean' }] }] },
]);

const good = {
  headline: 'Hi',
  summary: 'x'.repeat(5000),
  body: '<p>Hello <strong>world</strong></p>',
  price: 9.5,
  launch: '2024-02-29',
  featured: true,
  hero: 'https://cdn.example.com/a.png',
  related: ['a', 'b'],
  author: 7,
  faq: [{ q: 'Why?', a: '<em>Because</em>' }],
  seo: { title: 'T', meta: { noindex: false } },
};

describe('parseFieldSchema', () => {
  it('accepts every field type', () => {
    expect(all.map((f) => f.type)).toEqual(['short_text', 'long_text', 'rich_text', 'number', 'date', 'boolean', 'media', 'reference', 'reference', 'repeater', 'component']);
  });
  it('refuses unknown types, bad names, duplicates, unknown options, ambiguous references, deep nesting', () => {
    const bad = (json: unknown) => {
      const r = parseFieldSchema(json);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.errors.join('; ');
    };
    expect(bad([{ name: 'a', type: 'blob' }])).toMatch(/fields\.0/);
    expect(bad([{ name: 'Bad Name', type: 'short_text' }])).toMatch(/name/);
    expect(bad([{ name: 'a', type: 'short_text' }, { name: 'a', type: 'number' }])).toMatch(/duplicate/);
    expect(bad([{ name: 'a', type: 'short_text', colour: 'red' }])).toMatch(/colour/);
    expect(bad([{ name: 'a', type: 'reference' }])).toMatch(/exactly one/);
    expect(bad([{ name: 'a', type: 'reference', page_type: 'x', collection: 'y' }])).toMatch(/exactly one/);
    expect(bad({ name: 'a' })).toBeTruthy();
    let nested: unknown = [{ name: 'leaf', type: 'short_text' }];
    for (let i = 0; i < 6; i++) nested = [{ name: `c${i}`, type: 'component', fields: nested }];
    expect(bad(nested)).toMatch(/nest/);
  });
});

describe('validateFields', () => {
  it('accepts a full valid value of every type and returns it', () => {
    const r = validateFields(all, good);
    expect(r).toEqual({ ok: true, value: { ...good, related: ['a', 'b'], author: [7] } });
  });

  it.each([
    [{ headline: 'x'.repeat(1001) }, 'fields.headline: must be at most 1000 characters'],
    [{ headline: 3 }, 'fields.headline: must be a string'],
    [{ price: '9' }, 'fields.price: must be a number'],
    [{ price: -1 }, 'fields.price: must be at least 0'],
    [{ launch: '2024-02-30' }, 'fields.launch: must be an ISO 8601 date'],
    [{ launch: 'yesterday' }, 'fields.launch: must be an ISO 8601 date'],
    [{ featured: 'yes' }, 'fields.featured: must be true or false'],
    [{ hero: 'javascript:alert(1)' }, 'fields.hero: must be an http(s) or relative URL (the scheme javascript: is not allowed)'],
    [{ hero: 'ftp://x/y' }, 'fields.hero: must be an http(s) or relative URL (the scheme ftp: is not allowed)'],
    [{ hero: 'java\tscript:alert(1)' }, 'fields.hero: must be an http(s) or relative URL (it contains whitespace, a control character or a backslash)'],
    [{ hero: '//evil.example/x.png' }, 'fields.hero: must be an http(s) or relative URL (it is protocol-relative)'],
    [{ related: ['a', 'b', 'c'] }, 'fields.related: must reference at most 2 item(s)'],
    [{ related: [1] }, 'fields.related: must be page slug(s)'],
    [{ author: 'bob' }, 'fields.author: must be collection item id(s)'],
    [{ faq: [{ a: 'no q' }] }, 'fields.faq.0.q: required'],
    [{ faq: { q: 'x' } }, 'fields.faq: must be a list'],
    [{ seo: { meta: { noindex: 'no' } } }, 'fields.seo.meta.noindex: must be true or false'],
    [{ seo: { extra: 1 } }, 'fields.seo.extra: unknown field'],
    [{ nope: 1 }, 'fields.nope: unknown field'],
  ])('refuses %j', (patch, message) => {
    const r = validateFields(all, { ...good, ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toContain(message);
  });

  it('accepts full ISO datetimes', () => {
    for (const d of ['2024-01-15T14:30Z', '2024-01-15T14:30:00+02:00', '2024-01-15T14:30:00.123Z']) expect(validateFields(all, { ...good, launch: d }).ok).toBe(true);
  });

  it('required fields: missing or null refused in full mode, absent allowed when partial', () => {
    const { headline: _h, ...rest } = good;
    expect(validateFields(all, rest)).toEqual({ ok: false, errors: ['fields.headline: required'] });
    expect(validateFields(all, { ...good, headline: null })).toEqual({ ok: false, errors: ['fields.headline: required'] });
    expect(validateFields(all, { price: 3 }, { partial: true })).toEqual({ ok: true, value: { price: 3 } });
    expect(validateFields(all, { headline: null }, { partial: true }).ok).toBe(false);
    expect(validateFields(all, { price: null }, { partial: true })).toEqual({ ok: true, value: { price: null } });
    expect(validateFields(all, 'str').ok).toBe(false);
  });

  it('sanitises rich text at any depth', () => {
    const r = validateFields(all, {
      ...good,
      body: '<p onclick="x()">a<script>alert(1)</script><img src="https://x/i.png" onerror="alert(1)"><a href="javascript:alert(1)">j</a><a href="mailto:a@b.c">m</a><style>p{}</style></p>',
      faq: [{ q: 'q', a: '<iframe src="https://evil"></iframe><b>ok</b>' }],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const body = String(r.value.body);
    expect(body).not.toMatch(/script|onerror|onclick|javascript:|style|alert/);
    expect(body).toContain('<img src="https://x/i.png" />');
    expect(body).toContain('<a href="mailto:a@b.c">m</a>');
    expect((r.value.faq as { a: string }[])[0]!.a).toBe('<b>ok</b>');
  });

  it('sanitizeRichText keeps formatting and http links, drops other schemes', () => {
    expect(sanitizeRichText('<h2>T</h2><ul><li><a href="https://x.y/" target="_blank">x</a></li></ul>')).toBe('<h2>T</h2><ul><li><a href="https://x.y/" target="_blank" rel="noopener noreferrer">x</a></li></ul>');
    expect(sanitizeRichText('<a href="data:text/html,x">d</a><a href="//evil.example/">p</a>')).toBe('<a>d</a><a>p</a>');
    expect(sanitizeRichText('<svg><script>1</script></svg>text')).toBe('text');
  });
});
