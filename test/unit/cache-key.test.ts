import { describe, it, expect } from 'vitest';
import { canonicalQuery, contentCacheKey, isPreview, normalisePath } from '../../shared/cache-key.js';
import { formatSurrogateControl, parseSurrogateControl, parseSurrogateKeyHeader, surrogateKeys } from '../../shared/surrogate.js';
import { redactUrl } from '../../shared/redact.js';

const u = (s: string) => new URL(s, 'https://edge.example');
const SPACE = 'space_1';
const TOKEN = 'ghee_read_0123456789ABCDEFGHIJabcdefghij_abc123';

describe('contentCacheKey', () => {
  it('never contains auth_token, its name or its value', () => {
    for (const url of [
      `/v2/pages/*/home/?auth_token=${TOKEN}`,
      `/v2/pages/*/home/?locale=en&auth_token=${TOKEN}&preview=1`,
      `/v2/pages/*/home/?auth_token=${TOKEN}&auth_token=${TOKEN}x`,
      `/v2/pages/*/home/?auth%5Ftoken=${TOKEN}`,
      `/v2/pages/*/home/?auth_token=${encodeURIComponent(TOKEN)}`,
    ]) {
      const key = contentCacheKey(SPACE, u(url));
      expect(key, url).not.toContain(TOKEN);
      expect(key, url).not.toContain('auth_token');
      expect(key, url).not.toContain('ghee_read_');
    }
  });

  it('is the same with and without the token (all callers of a space share entries)', () => {
    expect(contentCacheKey(SPACE, u(`/v2/posts/?page=2&auth_token=${TOKEN}`))).toBe(contentCacheKey(SPACE, u('/v2/posts/?page=2')));
    expect(contentCacheKey(SPACE, u(`/v2/posts/?auth_token=a`))).toBe(contentCacheKey(SPACE, u(`/v2/posts/?auth_token=b`)));
  });

  it('does not depend on query parameter order', () => {
    const a = contentCacheKey(SPACE, u('/v2/pages/*/?locale=en&page=2&page_size=10&fields.slug=x'));
    const b = contentCacheKey(SPACE, u('/v2/pages/*/?page_size=10&fields.slug=x&page=2&locale=en'));
    expect(a).toBe(b);
  });

  it('orders repeated parameters by value too', () => {
    expect(contentCacheKey(SPACE, u('/v2/x/?tag=b&tag=a'))).toBe(contentCacheKey(SPACE, u('/v2/x/?tag=a&tag=b')));
  });

  it('differs across spaces', () => {
    expect(contentCacheKey('space_1', u('/v2/pages/'))).not.toBe(contentCacheKey('space_2', u('/v2/pages/')));
  });

  it('differs across locales', () => {
    expect(contentCacheKey(SPACE, u('/v2/pages/*/home/?locale=en'))).not.toBe(contentCacheKey(SPACE, u('/v2/pages/*/home/?locale=de')));
    expect(contentCacheKey(SPACE, u('/v2/pages/*/home/?locale=en'))).not.toBe(contentCacheKey(SPACE, u('/v2/pages/*/home/')));
  });

  it('differs between preview and live', () => {
    const live = contentCacheKey(SPACE, u('/v2/pages/*/home/'));
    for (const p of ['preview=1', 'preview=true']) {
      const preview = contentCacheKey(SPACE, u(`/v2/pages/*/home/?${p}`));
      expect(preview).not.toBe(live);
      expect(preview.endsWith('|preview')).toBe(true);
    }
    expect(live.endsWith('|live')).toBe(true);
    expect(contentCacheKey(SPACE, u('/v2/pages/*/home/?preview=0')).endsWith('|live')).toBe(true);
  });

  it('differs across paths and other query values', () => {
    expect(contentCacheKey(SPACE, u('/v2/pages/*/a/'))).not.toBe(contentCacheKey(SPACE, u('/v2/pages/*/b/')));
    expect(contentCacheKey(SPACE, u('/v2/posts/?page=1'))).not.toBe(contentCacheKey(SPACE, u('/v2/posts/?page=2')));
  });

  it('normalises duplicate slashes and adds a trailing slash', () => {
    const canonical = contentCacheKey(SPACE, u('/v2/pages/*/home/'));
    expect(contentCacheKey(SPACE, u('/v2/pages/*/home'))).toBe(canonical);
    expect(contentCacheKey(SPACE, u('/v2//pages///*/home'))).toBe(canonical);
    expect(contentCacheKey(SPACE, new URL('https://edge.example//v2/pages/*/home//'))).toBe(canonical);
  });

  it('ignores the host and the fragment', () => {
    expect(contentCacheKey(SPACE, new URL('https://a.example/v2/x/#frag'))).toBe(contentCacheKey(SPACE, new URL('http://b.example/v2/x/')));
  });

  it('is versioned and starts with the space', () => {
    expect(contentCacheKey(SPACE, u('/v2/x/?b=2&a=1'))).toBe('ghee-content:v1|space_1|/v2/x/|a=1&b=2|live');
  });

  it('cannot be confused by separators in the path or query', () => {
    // The query is URL-encoded, so a "|" in a value cannot shift fields.
    const a = contentCacheKey(SPACE, u('/v2/x/?q=a|live'));
    expect(a).toContain('q=a%7Clive');
    expect(a).not.toBe(contentCacheKey(SPACE, u('/v2/x/?q=a')));
  });
});

describe('cache-key helpers', () => {
  it('normalisePath collapses slashes and ends with one', () => {
    expect(normalisePath('/')).toBe('/');
    expect(normalisePath('')).toBe('/');
    expect(normalisePath('/a')).toBe('/a/');
    expect(normalisePath('/a/')).toBe('/a/');
    expect(normalisePath('//a////b//')).toBe('/a/b/');
  });

  it('canonicalQuery sorts and drops auth_token', () => {
    expect(canonicalQuery(new URLSearchParams('z=1&a=2&auth_token=secret&m=3'))).toBe('a=2&m=3&z=1');
    expect(canonicalQuery(new URLSearchParams('auth_token=secret'))).toBe('');
    expect(canonicalQuery(new URLSearchParams(''))).toBe('');
  });

  it('canonicalQuery re-encodes values consistently', () => {
    expect(canonicalQuery(new URLSearchParams('q=a%20b'))).toBe(canonicalQuery(new URLSearchParams('q=a+b')));
  });

  it('isPreview accepts 1 and true only', () => {
    expect(isPreview(new URLSearchParams('preview=1'))).toBe(true);
    expect(isPreview(new URLSearchParams('preview=true'))).toBe(true);
    for (const q of ['', 'preview=0', 'preview=false', 'preview=', 'preview=yes', 'Preview=1']) {
      expect(isPreview(new URLSearchParams(q)), q).toBe(false);
    }
  });
});

describe('parseSurrogateControl', () => {
  it('reads max-age, stale-while-revalidate and stale-if-error', () => {
    expect(parseSurrogateControl('max-age=300, stale-while-revalidate=60, stale-if-error=86400')).toEqual({
      maxAge: 300,
      staleWhileRevalidate: 60,
      staleIfError: 86400,
    });
  });

  it('defaults the stale windows to zero', () => {
    expect(parseSurrogateControl('max-age=60')).toEqual({ maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 });
  });

  it('is case-insensitive in directive names and tolerant of spacing', () => {
    expect(parseSurrogateControl('MAX-AGE=10,Stale-While-Revalidate=5 ,  stale-if-error=7')).toEqual({ maxAge: 10, staleWhileRevalidate: 5, staleIfError: 7 });
  });

  it('round-trips formatSurrogateControl', () => {
    const sc = { maxAge: 120, staleWhileRevalidate: 30, staleIfError: 3600 };
    expect(parseSurrogateControl(formatSurrogateControl(sc))).toEqual(sc);
  });

  it.each(['no-store', 'private', 'max-age=60, no-store', 'private, max-age=60', 'max-age=60, PRIVATE', 'No-Store'])('returns null for %j', (v) => {
    expect(parseSurrogateControl(v)).toBeNull();
  });

  it.each([null, '', 'stale-while-revalidate=60', 'stale-if-error=60', 's-maxage=60', 'max-age', 'max-age=abc', 'max-age=-1', 'max-age=1.5', 'max-age=', 'max-age= ', 'max-age=0x10', 'max-age=1e3'])(
    'returns null without a usable max-age: %j',
    (v) => {
      expect(parseSurrogateControl(v)).toBeNull();
    },
  );

  it('ignores garbage numbers in the stale windows', () => {
    expect(parseSurrogateControl('max-age=60, stale-while-revalidate=abc, stale-if-error=-5')).toEqual({
      maxAge: 60,
      staleWhileRevalidate: 0,
      staleIfError: 0,
    });
    expect(parseSurrogateControl('max-age=60, stale-while-revalidate=1.5')).toEqual({ maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 });
  });

  it('keeps a valid max-age when a later one is garbage', () => {
    expect(parseSurrogateControl('max-age=60, max-age=oops')).toEqual({ maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 });
  });

  it('ignores unknown directives', () => {
    expect(parseSurrogateControl('max-age=60, must-revalidate, foo=bar')).toEqual({ maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 });
  });
});

describe('parseSurrogateKeyHeader', () => {
  it('splits on whitespace and dedupes, keeping first-seen order', () => {
    expect(parseSurrogateKeyHeader('space:1 page:2 space:1 pages:1:blog')).toEqual(['space:1', 'page:2', 'pages:1:blog']);
  });

  it('tolerates leading, trailing and repeated whitespace (spaces, tabs)', () => {
    expect(parseSurrogateKeyHeader('   a \t b\t\t  c   a ')).toEqual(['a', 'b', 'c']);
  });

  it('returns an empty list for null, empty or blank input', () => {
    expect(parseSurrogateKeyHeader(null)).toEqual([]);
    expect(parseSurrogateKeyHeader('')).toEqual([]);
    expect(parseSurrogateKeyHeader('    ')).toEqual([]);
  });

  it('drops keys longer than 1024 characters', () => {
    const long = 'k'.repeat(1025);
    const max = 'm'.repeat(1024);
    expect(parseSurrogateKeyHeader(`a ${long} ${max}`)).toEqual(['a', max]);
  });

  it('matches the names produced by surrogateKeys', () => {
    const header = [surrogateKeys.space('s1'), surrogateKeys.page('p1'), surrogateKeys.pageList('s1', 'landing'), surrogateKeys.apiKey('k1')].join(' ');
    expect(parseSurrogateKeyHeader(header)).toEqual(['space:s1', 'page:p1', 'pages:s1:landing', 'key:k1']);
  });
});

describe('redactUrl', () => {
  it('hides auth_token values', () => {
    const out = redactUrl(u(`/v2/pages/?auth_token=${TOKEN}&locale=en`));
    expect(out).not.toContain(TOKEN);
    expect(out).toContain('auth_token=%5BREDACTED%5D');
    expect(out).toContain('locale=en');
    expect(out.startsWith('/v2/pages/?')).toBe(true);
  });

  it('hides password, token, key, secret and code values', () => {
    const out = redactUrl(u('/login?password=hunter2&token=t0k3n&key=k3y&secret=s3cr3t&code=c0d3&user=alice'));
    for (const v of ['hunter2', 't0k3n', 'k3y', 's3cr3t', 'c0d3']) expect(out).not.toContain(v);
    expect(out).toContain('user=alice');
  });

  it('hides secret values whatever the case of the parameter name', () => {
    const out = redactUrl(u('/x?Auth_Token=abc123secret&PASSWORD=hunter2'));
    expect(out).not.toContain('abc123secret');
    expect(out).not.toContain('hunter2');
  });

  it('hides every repeated secret value', () => {
    const out = redactUrl(u('/x?auth_token=first-secret&auth_token=second-secret'));
    expect(out).not.toContain('first-secret');
    expect(out).not.toContain('second-secret');
  });

  it('hides percent-encoded parameter names', () => {
    const out = redactUrl(u('/x?auth%5Ftoken=encoded-secret'));
    expect(out).not.toContain('encoded-secret');
  });

  it('returns just the path when there is no query', () => {
    expect(redactUrl(u('/v2/pages/'))).toBe('/v2/pages/');
    expect(redactUrl(u('/v2/pages/?'))).toBe('/v2/pages/');
  });

  it('never includes the origin or fragment', () => {
    const out = redactUrl(new URL('https://user:pw@edge.example/v2/?a=1#frag'));
    expect(out).toBe('/v2/?a=1');
  });
});
