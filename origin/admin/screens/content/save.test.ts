import { describe, expect, it } from 'vitest';
import { fieldErrors } from './save.js';
import type { FieldSchema } from './shared.js';

const SCHEMA: FieldSchema = [
  { name: 'rating', type: 'number' },
  { name: 'faq', type: 'repeater', fields: [{ name: 'question', type: 'short_text', label: 'The question' }] },
  { name: 'seo', type: 'component', fields: [{ name: 'no_index', type: 'boolean' }] },
];
const err = (detail: string, code = 'bad_request') => ({ detail, code, request_id: 'r' });

describe('fieldErrors: the API\'s field-level refusal, keyed to the editor\'s inputs', () => {
  it('splits the detail into fields with their input ids and the form\'s labels', () => {
    expect(fieldErrors(err('Invalid fields: fields.rating: must be a number; fields.faq.0.question: must be a string; fields.seo.no_index: must be true or false.'), SCHEMA)).toEqual([
      { id: 'f-rating', path: 'rating', label: 'Rating', message: 'must be a number' },
      { id: 'f-faq-0-question', path: 'faq.0.question', label: 'Faq item 1 → The question', message: 'must be a string' },
      { id: 'f-seo-no_index', path: 'seo.no_index', label: 'Seo → No index', message: 'must be true or false' },
    ]);
  });

  it('keeps a message holding "; " whole, names an unknown field by its path, and is empty for any other refusal', () => {
    expect(fieldErrors(err('Invalid fields: fields.body: must not hold <x>; or <y>; fields.gone: unknown field.'), SCHEMA)).toEqual([
      { id: 'f-body', path: 'body', label: 'body', message: 'must not hold <x>; or <y>' },
      { id: 'f-gone', path: 'gone', label: 'gone', message: 'unknown field' },
    ]);
    expect(fieldErrors(err('If-Match names one version of one locale.'), SCHEMA)).toEqual([]);
    expect(fieldErrors(err('Invalid fields: fields.rating: must be a number.', 'forbidden'), SCHEMA)).toEqual([]);
    expect(fieldErrors(null, SCHEMA)).toEqual([]);
  });
});
