/**
 * Edge content cache key: space + normalised path + sorted query (the raw token removed),
 * with preview made explicit. Two requests that must see the same content share a key; a
 * key never contains a credential.
 */
const DROPPED_PARAMS = new Set(['auth_token']);

export function normalisePath(pathname: string): string {
  let p = pathname.replace(/\/{2,}/g, '/');
  if (!p.endsWith('/')) p += '/';
  return p;
}

/** Sorted `name=value` pairs without credentials, for cache keys and forwarded URLs. */
export function canonicalQuery(search: URLSearchParams): string {
  const pairs: [string, string][] = [];
  for (const [k, v] of search) if (!DROPPED_PARAMS.has(k)) pairs.push([k, v]);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return new URLSearchParams(pairs).toString();
}

export function isPreview(search: URLSearchParams): boolean {
  const v = search.get('preview');
  return v === '1' || v === 'true';
}

export function contentCacheKey(spaceId: string, url: URL): string {
  return contentCacheKeyFor(spaceId, contentCacheKeySuffix(url));
}

/** The part of contentCacheKey that depends only on the URL (path, query, preview), for callers that memoise it per URL. */
export function contentCacheKeySuffix(url: URL): string {
  return [normalisePath(url.pathname), canonicalQuery(url.searchParams), isPreview(url.searchParams) ? 'preview' : 'live'].join('|');
}

/** contentCacheKey from a space and a contentCacheKeySuffix. */
export function contentCacheKeyFor(spaceId: string, suffix: string): string {
  return `ghee-content:v1|${spaceId}|${suffix}`;
}

/** Public assets: the path names the space and the asset, so the path alone is the key. */
export function assetCacheKey(url: URL): string {
  return ['ghee-asset:v1', normalisePath(url.pathname)].join('|');
}
