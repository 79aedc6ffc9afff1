import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonProblem, parseTimestamp, requestTargetProblem, strictDecode, textProblem } from './input.js';

describe('textProblem: text Postgres can hold', () => {
  it.each([
    ['plain', 'hello', false, null],
    ['a paired surrogate (emoji)', 'a😀b', false, null],
    ['newline and tab are text in bodies', 'a\n\tb', false, null],
    ['NUL', 'a\u0000b', false, 'a NUL character'],
    ['a lone high surrogate', 'a\ud800b', false, 'an unpaired UTF-16 surrogate'],
    ['a high surrogate at the end', 'a\ud800', false, 'an unpaired UTF-16 surrogate'],
    ['a lone low surrogate', '\udc00', false, 'an unpaired UTF-16 surrogate'],
    ['two high surrogates', '\ud800\ud800\udc00', false, 'an unpaired UTF-16 surrogate'],
    ['a control character where controls are refused', 'a\tb', true, 'a control character'],
    ['DEL where controls are refused', 'a\u007fb', true, 'a control character'],
    ['NUL where controls are refused', '\u0000', true, 'a NUL character'],
  ])('%s', (_name, s, controls, expected) => {
    expect(textProblem(s, controls)).toBe(expected);
  });
});

describe('requestTargetProblem: the decoded path and query', () => {
  it.each([
    ['/v2/pages/*/about/', '?auth_token=abc&locale=en', null],
    ['/v2/pages/search/', '?query=caf%C3%A9+au+lait', null],
    ['/v2/pages/search/', '?query=%F0%9F%98%80', null],
    ['/v2/pages/search/', '?flag&x=', null],
  ])('accepts %s%s', (path, search, expected) => {
    expect(requestTargetProblem(path, search)).toBe(expected);
  });

  it.each([
    ['NUL in a query value', '/v2/pages/search/', '?query=a%00', /query parameter 'query' contains a NUL/],
    ['a control character in a value', '/x', '?q=a%0Ab', /control character/],
    ['a control character in a name', '/x', '?a%01=1', /name contains a control/],
    ['NUL in the path', '/v2/pages/a%00/b/', '', /path contains a NUL/],
    ['DEL in the path', '/v2/%7F/', '', /path contains a control/],
    ['truncated percent-encoding', '/x', '?q=%E0%A4%A', /malformed percent-encoding/],
    ['a bare percent', '/x%', '', /path has malformed percent-encoding/],
    ['overlong UTF-8', '/x/%c0%ae%c0%ae/', '', /malformed percent-encoding/],
    ['an encoded surrogate (CESU)', '/x', '?q=%ED%A0%80', /malformed percent-encoding/],
    ['a raw lone surrogate', '/x', '?q=\ud800', /unpaired UTF-16 surrogate/],
    ['a malformed name', '/x', '?%zz=1', /name has malformed/],
  ])('refuses %s', (_name, path, search, expected) => {
    expect(requestTargetProblem(path, search)).toMatch(expected);
  });

  it('decides every ASCII character (and one beyond) alike in the path, a name and a value: only controls, DEL and a bare % are refused', () => {
    const chars = [...Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)), 'é', '\u2028'];
    for (const ch of chars) {
      const c = ch.charCodeAt(0);
      const refused = c < 0x20 || c === 0x7f ? /NUL|control character/ : ch === '%' ? /malformed percent-encoding/ : null;
      for (const [path, search] of [
        [`/v2/pages/a${ch}b/x/`, '?auth_token=ghee_read_abc'],
        ['/v2/pages/*/x/', `?a${ch}b=1&auth_token=t`],
        ['/v2/pages/*/x/', `?auth_token=t&q=a${ch}b`],
      ] as const) {
        const problem = requestTargetProblem(path, search);
        if (refused) expect(problem, `${path}${search}`).toMatch(refused);
        else expect(problem, `${path}${search}`).toBeNull();
      }
    }
  });

  it('reads + as a space and decodes double encoding once (%2500 is the text "%00", not NUL)', () => {
    expect(requestTargetProblem('/x', '?q=%2500')).toBeNull();
    expect(strictDecode('a+b')).toBe('a+b');
  });
});

describe('jsonProblem: parsed JSON bodies', () => {
  it('accepts ordinary bodies, numbers and nesting up to the limit', () => {
    expect(jsonProblem({ name: 'ok', n: 1e308, list: [1, 'two', { three: null }] })).toBeNull();
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH; i++) deep = [deep];
    expect(jsonProblem(deep)).toBeNull();
  });

  it.each([
    ['a NUL in a value', JSON.parse('{"name":"a\\u0000b"}'), /^name: contains a NUL/],
    ['a lone surrogate in a nested value', JSON.parse('{"fields":{"title":["x","\\ud800"]}}'), /^fields\.title\.1: contains an unpaired/],
    ['a NUL in a key', JSON.parse('{"a\\u0000":1}'), /a field name contains a NUL/],
    ['a lone surrogate in a key', JSON.parse('{"fields":{"\\udfff":1}}'), /^fields: a field name contains an unpaired/],
    ['a bare string', 'a\u0000', /^body: contains a NUL/],
  ])('refuses %s', (_name, value, expected) => {
    expect(jsonProblem(value)).toMatch(expected);
  });

  it('refuses nesting deeper than the limit without exhausting the stack (a million levels)', () => {
    const n = 1_000_000;
    expect(jsonProblem(JSON.parse('['.repeat(n) + ']'.repeat(n)))).toMatch(/nested deeper than/);
  });
});

describe('parseTimestamp: the one date parser', () => {
  it.each([
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T12:30:00Z', '2024-05-01T12:30:00.000Z'],
    ['2024-05-01T12:30Z', '2024-05-01T12:30:00.000Z'],
    ['2024-05-01T12:30:00.5+02:00', '2024-05-01T10:30:00.500Z'],
    ['2024-05-01 12:30:00.123456789-0130', '2024-05-01T14:00:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0001-01-01', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('accepts %s', (input, iso) => {
    expect(parseTimestamp(input)?.toISOString()).toBe(iso);
  });

  it.each([
    '0000-01-01',
    '0000-12-31T23:59:59Z',
    '0001-01-01T00:00:00+01:00', // year 0 in UTC
    '9999-12-31T23:59:59-00:01', // year 10000 in UTC
    '+275760-09-13',
    '-000001-01-01',
    '2023-02-29',
    '2024-13-01',
    '2024-04-31',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:60:00Z',
    '2024-05-01T12:00:60Z',
    '2024-05-01T12:00:00', // no time zone
    '2024-05-01T12:00:00+24:00',
    '2024-05-01T12:00:00.Z',
    '2024-05-01T12:00:00.1234567890Z',
    '2024-5-1',
    'yesterday',
    '1e309',
    '',
    '2024-05-01\u0000',
  ])('refuses %j', (input) => {
    expect(parseTimestamp(input)).toBeNull();
  });
});
