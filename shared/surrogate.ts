/**
 * Surrogate-key names and cache directives shared by origin (which emits them) and edge
 * (which stores and purges by them).
 */
export const surrogateKeys = {
  space: (spaceId: string) => `space:${spaceId}`,
  page: (pageId: string) => `page:${pageId}`,
  pageList: (spaceId: string, pageType: string) => `pages:${spaceId}:${pageType}`,
  /** Every read of this slug in the space, found or not (so a create purges a cached 404). */
  pageSlug: (spaceId: string, slug: string) => `slug:${spaceId}:${slug}`,
  apiKey: (keyId: string) => `key:${keyId}`,
  asset: (assetId: string) => `asset:${assetId}`,
  collection: (spaceId: string, key: string) => `collection:${spaceId}:${key}`,
  collectionItem: (itemUuid: string) => `item:${itemUuid}`,
  post: (postId: string) => `post:${postId}`,
  posts: (spaceId: string) => `posts:${spaceId}`,
  feeds: (spaceId: string) => `feeds:${spaceId}`,
  author: (authorId: string) => `author:${authorId}`,
  authors: (spaceId: string) => `authors:${spaceId}`,
  category: (categoryId: string) => `category:${categoryId}`,
  categories: (spaceId: string) => `categories:${spaceId}`,
  tag: (tagId: string) => `tag:${tagId}`,
  tags: (spaceId: string) => `tags:${spaceId}`,
};

export interface SurrogateControl {
  maxAge: number;
  staleWhileRevalidate: number;
  staleIfError: number;
}

export function parseSurrogateControl(value: string | null): SurrogateControl | null {
  if (!value) return null;
  const out: SurrogateControl = { maxAge: 0, staleWhileRevalidate: 0, staleIfError: 0 };
  let sawMaxAge = false;
  for (const part of value.split(',')) {
    const [rawName, rawValue] = part.trim().split('=');
    const name = rawName?.toLowerCase();
    if (name === 'no-store' || name === 'private') return null;
    if (rawValue === undefined || !/^\d{1,10}$/.test(rawValue)) continue;
    const n = Number(rawValue);
    if (name === 'max-age') {
      out.maxAge = n;
      sawMaxAge = true;
    } else if (name === 'stale-while-revalidate') out.staleWhileRevalidate = n;
    else if (name === 'stale-if-error') out.staleIfError = n;
  }
  return sawMaxAge ? out : null;
}

export function formatSurrogateControl(sc: SurrogateControl): string {
  return `max-age=${sc.maxAge}, stale-while-revalidate=${sc.staleWhileRevalidate}, stale-if-error=${sc.staleIfError}`;
}

/** Space-separated, as Fastly reads the Surrogate-Key header. */
export function parseSurrogateKeyHeader(value: string | null): string[] {
  if (!value) return [];
  return [...new Set(value.split(/\s+/).filter((k) => k.length > 0 && k.length <= 1024))];
}
