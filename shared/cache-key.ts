/**
 * Edge cache keys, built from the canonical read request (shared/content-request.ts): the key
 * is exactly what the edge forwards to the origin — the canonical path and query (no
 * credential) and the preview flag — plus the key's space. Two requests share a key only when
 * the origin is asked the same thing; a key never contains a credential.
 */
import type { AssetRequest, ContentRequest } from './content-request.js';

/** The part of a content cache key that depends only on the request (path, query, preview), for callers that memoise it per URL. */
export function contentCacheKeySuffix(request: ContentRequest): string {
  return `${request.path}|${request.query}|${request.preview ? 'preview' : 'live'}`;
}

/** A content cache key from a space and a contentCacheKeySuffix. */
export function contentCacheKeyFor(spaceId: string, suffix: string): string {
  return `ghee-content:v2|${spaceId}|${suffix}`;
}

export function contentCacheKey(spaceId: string, request: ContentRequest): string {
  return contentCacheKeyFor(spaceId, contentCacheKeySuffix(request));
}

/** Public assets: the canonical path names the space and the asset, so it alone is the key. */
export function assetCacheKey(request: AssetRequest): string {
  return `ghee-asset:v2|${request.path}`;
}
