/**
 * Schema inference and value conversion of the ButterCMS importer, on the shapes ButterCMS's read
 * API answers at levels=1: which field type each kind of value becomes, what cannot be mapped
 * (and is reported, never guessed), and how references, media and dates become what ghee's
 * Write API takes.
 */
import { describe, expect, it } from 'vitest';
import { convertItemFields, convertPageFields, sameContent } from './convert.js';
import { inferCollectionFields, inferPageFields, itemRef, mediaUrlsIn, normaliseDate, pageRef, replaceMedia, type Unmapped } from './infer.js';

describe('inferPageFields', () => {
  it('tells numbers, integers, booleans, dates, rich text, long text, media, references, repeaters and components apart', () => {
    const unmapped: Unmapped[] = [];
    const defs = inferPageFields(
      [
        {
          title: 'A',
          n: 1,
          x: 1,
          ok: true,
          day: '2024-01-31T10:00:00',
          html: '<p>a</p>',
          long: 'line\nline',
          img: 'https://cdn.buttercms.com/abc',
          one: '/v2/pages/landing/b/',
          many: ['https://api.buttercms.com/v2/pages/landing/c/'],
          item: '/v2/content/?keys=faq[_id=12]',
          rows: [{ t: 'r', pic: 'https://x.test/a.jpg' }],
          box: { t: 'c' },
          empty: null,
        },
        { title: 'B', n: 2, x: 2.5, ok: false, day: '2024-02-01', html: 'plain', long: 'short', img: '', one: '', many: [], item: null, rows: [], box: null },
      ],
      'page type t',
      unmapped,
    );
    expect(unmapped).toEqual([]);
    expect(Object.fromEntries(defs.map((d) => [d.name, d]))).toEqual({
      title: { name: 'title', type: 'short_text' },
      n: { name: 'n', type: 'number', integer: true },
      x: { name: 'x', type: 'number' },
      ok: { name: 'ok', type: 'boolean' },
      day: { name: 'day', type: 'date' },
      html: { name: 'html', type: 'rich_text' },
      long: { name: 'long', type: 'long_text' },
      img: { name: 'img', type: 'media' },
      one: { name: 'one', type: 'reference', page_type: 'landing', max: 1 },
      many: { name: 'many', type: 'reference', page_type: 'landing', max: 100 },
      item: { name: 'item', type: 'reference', collection: 'faq', max: 1 },
      rows: { name: 'rows', type: 'repeater', fields: [{ name: 't', type: 'short_text' }, { name: 'pic', type: 'media' }] },
      box: { name: 'box', type: 'component', fields: [{ name: 't', type: 'short_text' }] },
      empty: { name: 'empty', type: 'short_text' },
    });
  });

  it('reports, and leaves out, fields it cannot map: disagreeing values, only empty lists, lists of plain values, bad names', () => {
    const unmapped: Unmapped[] = [];
    const defs = inferPageFields([{ mixed: 1, none: [], tags: ['a', 'b'], 'Bad-Name': 'x', ok: 'y' }, { mixed: 'one', none: [] }], 'page type t', unmapped);
    expect(defs).toEqual([{ name: 'ok', type: 'short_text' }]);
    expect(unmapped.map((u) => u.what).sort()).toEqual(['page type t.Bad-Name', 'page type t.mixed', 'page type t.none', 'page type t.tags']);
    expect(unmapped.find((u) => u.what.endsWith('mixed'))!.why).toMatch(/disagree \(int, text\)/);
  });
});

describe('inferCollectionFields', () => {
  it("uses ButterCMS's collection field types and reports a page reference (ghee collections reference collections only)", () => {
    const unmapped: Unmapped[] = [];
    const defs = inferCollectionFields(
      [{ meta: { id: 1 }, q: 'Why?', a: '<p>x</p>', on: true, n: 3, icon: 'https://x.test/i.png', rel: '/v2/content/?keys=other[_id=4]', page: '/v2/pages/landing/a/', extra: { k: 1 } }],
      'collection faq',
      unmapped,
    );
    expect(defs).toEqual([
      { name: 'q', type: 'short_text' },
      { name: 'a', type: 'wysiwyg' },
      { name: 'on', type: 'checkbox' },
      { name: 'n', type: 'number' },
      { name: 'icon', type: 'media' },
      { name: 'rel', type: 'reference', collection: 'other', many: false },
      { name: 'page', type: 'json' },
      { name: 'extra', type: 'json' },
    ]);
    expect(unmapped).toEqual([{ what: 'collection faq.page', why: expect.stringContaining('ghee collections reference collections only') }]);
  });
});

describe('references, media and dates', () => {
  it('reads API paths and absolute API URLs as references, and nothing else', () => {
    expect(pageRef('/v2/pages/landing/a-b/')).toEqual({ pageType: 'landing', slug: 'a-b' });
    expect(pageRef('https://api.buttercms.com/v2/pages/landing/a/')).toEqual({ pageType: 'landing', slug: 'a' });
    expect(itemRef('https://api.buttercms.com/v2/content/?keys=faq[_id=12]')).toEqual({ key: 'faq', id: 12 });
    for (const v of ['/v2/pages/landing/', 'landing/a', '/v2/content/?keys=faq', 'javascript:/v2/pages/a/b/', 12]) {
      expect(pageRef(v), String(v)).toBeNull();
      expect(itemRef(v), String(v)).toBeNull();
    }
  });

  it('finds media in values and HTML, replaces exact URLs only, and reads zone-less datetimes as UTC', () => {
    const found = new Set<string>();
    mediaUrlsIn({ a: 'https://cdn.buttercms.com/x', b: ['<p><img src="https://x.test/a.png?s=1&amp;t=2"><a href="https://x.test/doc">d</a></p>'], c: 'https://x.test/page' }, found);
    expect([...found].sort()).toEqual(['https://cdn.buttercms.com/x', 'https://x.test/a.png?s=1&t=2']);
    const map = new Map([['https://x.test/a.png?s=1&t=2', '/assets/s/i/a.png']]);
    expect(replaceMedia({ h: '<img src="https://x.test/a.png?s=1&amp;t=2">', v: 'https://x.test/a.png?s=1&t=2', other: 'https://x.test/a.png?s=1&t=2 and more' }, map)).toEqual({
      h: '<img src="/assets/s/i/a.png">',
      v: '/assets/s/i/a.png',
      other: 'https://x.test/a.png?s=1&t=2 and more',
    });
    expect(normaliseDate('2024-01-31T10:00:00')).toBe('2024-01-31T10:00:00Z');
    expect(normaliseDate('2024-01-31T10:00:00+02:00')).toBe('2024-01-31T10:00:00+02:00');
    expect(normaliseDate('2024-01-31')).toBe('2024-01-31');
  });

  it("converts values to the Write API's: slugs for pages, ghee's ids for items (reporting the missing), media as assets", () => {
    const missing: string[] = [];
    const ctx = { media: new Map([['https://x.test/a.png', '/assets/s/i/a.png']]), itemId: (key: string, id: number) => (key === 'faq' && id === 1 ? 501 : undefined), missing: (w: string) => missing.push(w) };
    const page = convertPageFields(
      [
        { name: 'rel', type: 'reference', page_type: 'landing', max: 100 },
        { name: 'faq', type: 'reference', collection: 'faq', max: 100 },
        { name: 'pic', type: 'media' },
        { name: 'n', type: 'number' },
        { name: 'day', type: 'date' },
        { name: 'rows', type: 'repeater', fields: [{ name: 'pic', type: 'media' }] },
      ],
      { rel: ['/v2/pages/landing/a/'], faq: ['/v2/content/?keys=faq[_id=1]', '/v2/content/?keys=faq[_id=2]'], pic: 'https://x.test/a.png', n: '', day: '2024-01-01T00:00:00', rows: [{ pic: 'https://x.test/a.png' }], dropped: 'x' },
      'page p',
      ctx,
    );
    expect(page).toEqual({ rel: ['a'], faq: [501], pic: '/assets/s/i/a.png', n: null, day: '2024-01-01T00:00:00Z', rows: [{ pic: '/assets/s/i/a.png' }] });
    expect(missing).toEqual(['page p.faq → faq#2']);
    expect(convertItemFields([{ name: 'rel', type: 'reference', collection: 'faq', many: false }, { name: 'on', type: 'checkbox' }], { rel: '/v2/content/?keys=faq[_id=1]', on: '' }, 'item', ctx)).toEqual({ rel: 501, on: null });
  });

  it("compares as ghee stores: its sanitiser's HTML, empty as null, references as ids or slugs, key order aside", () => {
    expect(sameContent({ a: '<p>x<script>bad()</script></p>', b: '', r: '/v2/pages/t/s/' }, { b: null, r: 's', a: '<p>x</p>' })).toBe(true);
    expect(sameContent({ a: 'x' }, { a: 'y' })).toBe(false);
  });
});
