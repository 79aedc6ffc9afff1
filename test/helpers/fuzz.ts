/**
 * Malformed-request generation for the fuzz suite (test/security/fuzz.test.ts): a seeded PRNG (so a
 * failure reproduces from its seed and index), pools of hostile path segments, query values, JSON
 * fragments and raw bodies, and a raw HTTP client (node:http: the target is sent byte for byte, no
 * URL normalisation, repeated headers as given).
 */
import { request, type Agent } from 'node:http';

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Dice {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const nest = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);

/** Path segments as sent (already percent-encoded where meant). */
export const PATH_SEGMENTS = [
  '%00', 'a%00b', '%ED%A0%80', '%ED%B0%80', '%C0%AE%C0%AE', '%c0%af', '%E0%A4%A', '%', '%%', '%2', '%zz', '%2F', '%252F', '%2500', '..', '.', '%2e%2e', '%2E',
  'a'.repeat(2000), '%FF', '%FE%FF', '%F0%9F%98%80', '%F4%90%80%80', '%0A', '%0D%0A', '%09', '%7F', '%1B', '-1', '1e309', '-0', '9223372036854775808',
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '__proto__', 'constructor', '*', '~', ';', "a'b",
  '%20', '+', '%2B', 'home%00', 'home%20', 'HOME', 'en', '0000-01-01', '%EF%BF%BE', '%C2%A0', '%E2%80%AE', 'a;b=c', 'a%3Bb', '%5C', 'a%u0000',
];

/** Query parameter names (as sent). */
export const QUERY_NAMES = [
  'page', 'page_size', 'limit', 'offset', 'levels', 'locale', 'preview', 'test', 'query', 'before', 'since', 'until', 'order', 'keys', 'include', 'exclude_body',
  'filename', 'space_id', 'token_hash', 'author_slug', 'category_slug', 'tag_slug', 'fields.title', 'fields.a.b', 'a[b]', '%00', '', 'AUTH_TOKEN', 'preview%00',
  'page_type', 'published', 'x', '%ED%A0%80', 'q%0A', 'fields.%00', 'fields.',
];

const DATES = [
  '0000-01-01', '-000001-01-01', '%2B275760-09-13', '275760-09-13', '%2B275760-09-13T00:00:00Z', '9999-12-31T23:59:59-23:59', '9999-12-31T23:59:59.999Z', '10000-01-01',
  '2024-02-30', '2024-13-01', '2024-01-01T24:00:00Z', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00%2B99:99', '0001-01-01T00:00:00%2B00:01', '1970-01-01', 'yesterday',
  '2024-01-01%00', '1e309', '-1', '8640000000000001', '2024-01-01T00:00:00.0000000000001Z',
];

const NUMBERS = [
  '1e309', '-1e309', '-0', '0', '-1', '1', '1.5', '0x1f', '%2B1', '+1', '1e3', 'NaN', 'Infinity', '-Infinity', '9223372036854775807', '9223372036854775808',
  '-9223372036854775809', '18446744073709551616', '99999999999999999999999999999999', '2147483648', '4294967296', '%D9%A1', '1%00', ' 1', '1 ', '00000001', '1e-400',
];

/** Hostile text in query values: NUL, controls, surrogates, bad or double percent-encoding. */
const QUERY_TEXT = [
  '%00', 'a%00', 'a%00b', '%ED%A0%80', '%ED%BF%BF', '%ud800', '%C0%AE', '%c0%ae%c0%ae', '%E0%A4%A', '%', '%%', '%2', '%2500', '%252e', '%0A', '%0D%0A', '%09', '%7F', '%1B', '%01',
  '%FF', '%FE%FF', '%F0%9F%98%80', '%F0%9F%98', '%EF%BF%BF', '%C2%A0', '%E2%80%AE', 'home%00', '%00home', '+%00+',
];
const QUERY_MISC = [
  '', 'a'.repeat(3000), '*', '%2F..%2F', '..', 'true', 'false', 'en', 'zz-ZZZZ', "'", '"', '%22%3E%3Cscript%3E', 'a,b,c', ',,,', 'fields.title', '-published', 'published', 'title', '-',
  'home', 'a+b', '%2B%2B', 'null', 'undefined', '__proto__', '[]', '{}',
];

/** Query values as sent (percent-encoded where meant), in groups picked evenly. */
export const QUERY_VALUE_GROUPS: readonly (readonly string[])[] = [QUERY_TEXT, NUMBERS, DATES, QUERY_MISC];
export const pickQueryValue = (d: Dice): string => d.pick(d.pick(QUERY_VALUE_GROUPS));

const JSON_TEXT = [
  '"a\\u0000b"', '"\\u0000"', '"\\ud800"', '"x\\udfff"', '"\\ud83d"', '"\\udc00\\ud800"', '"a\\u0001\\u001f\\u007f"', '"\\ud800@example.com"', '"https://example.com/\\u0000"', '["\\u0000"]',
  '{"\\u0000":1}', '{"a\\ud800":1}', '[{"name":"\\ud800","type":"short_text"}]', '"\\\\u0000"', '"%00"',
];
const JSON_NUMBERS = ['1e309', '-1e309', '-0', '9223372036854775808', '18446744073709551616', '1e-400', '123456789012345678901234567890', '-1', '0', '2147483648', '1.5', '[1e309]'];
const JSON_DATES = [
  '"0000-01-01T00:00:00Z"', '"9999-12-31T23:59:59-23:59"', '"+275760-09-13T00:00:00Z"', '"2024-02-30T00:00:00Z"', '"1970-01-01T00:00:00Z"', '"2999-01-01T00:00:00Z"',
  '"0001-01-01T00:00:00+00:01"', '"9999-12-31T23:59:59.999Z"', '"-000001-01-01T00:00:00Z"', '"2024-01-01T00:00:00"',
];
const JSON_SHAPES = [
  'null', 'true', 'false', '[]', '{}', '""', '" "', `"${'a'.repeat(70_000)}"`, '"javascript:alert(1)"', '"<img src=x onerror=alert(1)>"', '"__proto__"', '{"__proto__":{"admin":true}}',
  nest(40, '[', ']'), nest(70, '[', ']'), nest(200, '{"a":', '}'), '"owner"', '"admin"', '"published"', '"scheduled"', '"draft"', '"read"', '"preview"', '"write"', '"http://127.0.0.1/"',
  '"a@b.c"', '["content.read"]',
];

/** JSON fragments (text) for body values, in groups picked evenly: escapes that parse to NUL or lone surrogates, extreme numbers and dates, odd shapes. */
export const JSON_VALUE_GROUPS: readonly (readonly string[])[] = [JSON_TEXT, JSON_NUMBERS, JSON_DATES, JSON_SHAPES];
export const pickJsonValue = (d: Dice): string => d.pick(d.pick(JSON_VALUE_GROUPS));

/** Raw bodies: broken JSON, bad bytes, deep nesting, duplicates. */
export const RAW_BODIES: readonly (string | Buffer)[] = [
  '{', '{"a":1', '[', '', 'null', '"x"', '1e309', '{}', '[]', ']', '{"a":1}}', '{"a":1,}', "{'a':1}", 'NaN', '\u0000', '{"a":"\u0000"}',
  nest(100_000, '[', ']'), nest(20_000, '{"a":', '}'),
  Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"name":"\xff\xfe"}
  Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc0, 0xae, 0x22, 0x7d]), // overlong '.'
  Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // CESU surrogate
  Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"bom"}')]),
  Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), // UTF-16LE
  '{"name":"a","name":"b"}', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
];

export const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'application/jsonx', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', 'application/octet-stream', 'application/json;;;', '*/*', 'image/png', '',
];

export const IF_MATCH = ['"v1"', 'W/"v1"', '"v0"', '"v-1"', '"v99999999999"', '"v1e309"', '*', '', '"v1", "v2"', 'v1', '"v\u00e9"'];

/** A JSON body: `template` with one value replaced by a fragment, or fragments added under known and unknown names. */
export function mutateJson(d: Dice, template: Record<string, unknown> | null, fieldNames: readonly string[]): string {
  const SENTINEL = '"__FUZZ_VALUE__"';
  if (template && d.chance(0.7)) {
    const copy = structuredClone(template) as Record<string, unknown>;
    const paths = leafPaths(copy);
    const path = paths.length > 0 && d.chance(0.85) ? d.pick(paths) : [d.pick(fieldNames)];
    setPath(copy, path, '__FUZZ_VALUE__');
    return JSON.stringify(copy).replace(SENTINEL, pickJsonValue(d));
  }
  const parts: string[] = [];
  const n = 1 + d.int(5);
  for (let i = 0; i < n; i++) parts.push(`${JSON.stringify(d.pick(fieldNames))}:${pickJsonValue(d)}`);
  return `{${parts.join(',')}}`;
}

export function leafPaths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v as Record<string, unknown>);
    for (const [k, x] of entries) {
      out.push([...prefix, k]);
      leafPaths(x, [...prefix, k], out);
    }
  }
  return out;
}

/** `template` as JSON text with the value at `path` replaced by the JSON fragment `fragment`. */
export function jsonWith(template: Record<string, unknown>, path: (string | number)[], fragment: string): string {
  const copy = structuredClone(template);
  setPath(copy, path, '__FUZZ_VALUE__');
  return JSON.stringify(copy).replace('"__FUZZ_VALUE__"', fragment);
}

function setPath(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let at: Record<string | number, unknown> = root;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method: string;
  /** The request target exactly as sent. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** Sends `req` to `base` (http://host:port) as is; answers the response, or the network error. */
export function send(agent: Agent, base: string, req: RawRequest, timeoutMs = 15_000): Promise<RawResponse | { error: string }> {
  const url = new URL(base);
  return new Promise((resolvePromise) => {
    let done = false;
    const finish = (r: RawResponse | { error: string }) => {
      if (!done) {
        done = true;
        resolvePromise(r);
      }
    };
    // A body is always framed by Content-Length (node:http would send a GET's or DELETE's body unframed).
    const headers = req.body === undefined ? req.headers : { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) };
    let r;
    try {
      r = request({ agent, host: url.hostname, port: url.port, method: req.method, path: req.path, headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => finish({ error: `response: ${e.message}` }));
      });
    } catch (e) {
      // The client refuses to send it (e.g. characters node:http will not put on the wire): not a server answer.
      finish({ error: `client refused: ${(e as Error).message}` });
      return;
    }
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', (e) => finish({ error: e.message }));
    if (req.body !== undefined) r.end(req.body);
    else r.end();
  });
}
