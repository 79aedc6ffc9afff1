/**
 * The asset store's rules, shared by the upload route (routes.ts) and the media import
 * (media-import.ts): the accepted types and size, file names, the public path of an asset, and
 * storing imported bytes once per space (the same content hash is one asset).
 */
import { and, eq } from 'drizzle-orm';
import { sha256Hex } from '../../../shared/crypto.js';
import type { Db } from '../../db/client.js';
import { assets } from '../../db/schema/index.js';

export const ASSET_MAX_BYTES = 10 * 1024 * 1024;
/** Media types accepted for upload. No SVG or HTML: they can carry script. */
export const ASSET_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'application/pdf',
  'video/mp4',
  'video/webm',
  'audio/mpeg',
  'audio/ogg',
  'text/plain',
]);
const FILENAME_STEM = /^[A-Za-z0-9][A-Za-z0-9_-]{0,150}$/;
const FILENAME_EXT = /^[A-Za-z0-9]{1,10}$/;
/** A file name: a letter or digit, then letters, digits, - or _, and at most one extension. */
export function isFilename(name: string): boolean {
  const dot = name.lastIndexOf('.');
  if (dot === -1) return FILENAME_STEM.test(name);
  return FILENAME_STEM.test(name.slice(0, dot)) && FILENAME_EXT.test(name.slice(dot + 1));
}

export const assetPath = (spaceId: string, assetId: string, filename: string) => `/assets/${spaceId}/${assetId}/${filename}`;

/** Whether a URL in content is already an asset of ghee's (the relative path the store hands out): nothing to import. */
export const isAssetUrl = (url: string): boolean => url.startsWith('/assets/');

/**
 * Stores imported bytes as an asset of the space, inside the caller's transaction: an asset of
 * the space with the same SHA-256 and type is reused (the same file is stored once).
 */
export async function storeImportedAsset(
  t: Db,
  input: { spaceId: string; filename: string; contentType: string; data: Uint8Array },
): Promise<{ id: string; filename: string; sha256: string; reused: boolean }> {
  const digest = sha256Hex(input.data);
  const [same] = await t
    .select({ id: assets.id, filename: assets.filename })
    .from(assets)
    .where(and(eq(assets.spaceId, input.spaceId), eq(assets.sha256, digest), eq(assets.contentType, input.contentType)))
    .limit(1);
  if (same) return { id: same.id, filename: same.filename, sha256: digest, reused: true };
  const [row] = await t
    .insert(assets)
    .values({ spaceId: input.spaceId, filename: input.filename, contentType: input.contentType, size: input.data.byteLength, sha256: digest, data: input.data })
    .returning({ id: assets.id });
  return { id: row!.id, filename: input.filename, sha256: digest, reused: false };
}
