/**
 * Downloads one remote media file for the media import (media-import-worker.ts), only through the
 * SSRF guard (origin/net/guarded-fetch.ts: public addresses only — loopback only when allowed —,
 * the connection pinned to the vetted addresses, size and time limits). Redirects are followed by
 * hand, at most MAX_REDIRECTS, and every hop is vetted again (a public URL redirecting to a private
 * or metadata address is refused). The answer must be one of the asset store's types
 * (ASSET_TYPES) and at most ASSET_MAX_BYTES.
 *
 * A refusal says whether trying again could help: a refused target, a wrong type, an oversized
 * or empty file and a 4xx are `permanent`; a timeout, a dropped connection, a 5xx, 408 and 429
 * are worth a retry.
 */
import { guardedFetch, GuardedFetchError } from '../../net/guarded-fetch.js';
import { ASSET_MAX_BYTES, ASSET_TYPES } from './store.js';

export const MAX_REDIRECTS = 5;
export const MEDIA_FETCH_TIMEOUT_MS = 20_000;

export interface FetchedMedia {
  bytes: Uint8Array;
  contentType: string;
  /** A file name the asset store accepts, from the URL's last segment (or `media.<ext>`). */
  filename: string;
}

export type MediaFetch = { ok: true; media: FetchedMedia } | { ok: false; permanent: boolean; reason: string };

export interface MediaFetchOptions {
  allowLoopback: boolean;
  maxBytes?: number;
  timeoutMs?: number;
}

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'application/pdf': 'pdf',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'text/plain': 'txt',
};

/** The URL's last path segment as a file name the asset store accepts (stem ≤ 100, one extension). */
export function mediaFilename(url: URL, contentType: string): string {
  let last = '';
  try {
    last = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
  } catch {
    last = '';
  }
  const dot = last.lastIndexOf('.');
  const rawStem = dot > 0 ? last.slice(0, dot) : last;
  const rawExt = dot > 0 ? last.slice(dot + 1) : '';
  const stem = rawStem.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 100) || 'media';
  const ext = /^[A-Za-z0-9]{1,10}$/.test(rawExt) ? rawExt.toLowerCase() : (EXTENSIONS[contentType] ?? 'bin');
  return `${stem}.${ext}`;
}

export async function fetchMedia(url: string, opts: MediaFetchOptions): Promise<MediaFetch> {
  const maxBytes = opts.maxBytes ?? ASSET_MAX_BYTES;
  const get = guardedFetch({ allowLoopback: opts.allowLoopback, maxBytes, timeoutMs: opts.timeoutMs ?? MEDIA_FETCH_TIMEOUT_MS });
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return { ok: false, permanent: true, reason: 'not a URL' };
  }
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await get(current, { headers: { accept: [...ASSET_TYPES].join(', ') } });
    } catch (err) {
      if (err instanceof GuardedFetchError) {
        const msg = err.message;
        return { ok: false, permanent: !msg.startsWith('No answer'), reason: msg.replace(/\.$/, '') };
      }
      const code = (err as { code?: string }).code;
      return { ok: false, permanent: false, reason: `connection failed${code ? ` (${code})` : ''}` };
    }
    if (res.status >= 300 && res.status < 400 && res.headers.has('location')) {
      if (hop >= MAX_REDIRECTS) return { ok: false, permanent: true, reason: `more than ${MAX_REDIRECTS} redirects` };
      try {
        current = new URL(res.headers.get('location')!, current);
      } catch {
        return { ok: false, permanent: true, reason: 'a redirect to something that is not a URL' };
      }
      continue;
    }
    if (res.status !== 200) {
      const transient = res.status >= 500 || res.status === 408 || res.status === 429;
      return { ok: false, permanent: !transient, reason: `answered HTTP ${res.status}` };
    }
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!ASSET_TYPES.has(contentType)) return { ok: false, permanent: true, reason: `type ${contentType || '(none)'} is not an accepted media type` };
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.byteLength === 0) return { ok: false, permanent: true, reason: 'the file is empty' };
    return { ok: true, media: { bytes, contentType, filename: mediaFilename(current, contentType) } };
  }
}
