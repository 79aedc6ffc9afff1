import { describe, it, expect } from 'vitest';
import { formatSurrogateControl, parseSurrogateControl, parseSurrogateKeyHeader, surrogateKeys } from './surrogate.js';

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
