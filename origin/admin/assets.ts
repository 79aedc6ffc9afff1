/**
 * The web app's static files (CSS, JS), fingerprinted: each is served at
 * /admin/static/<name>.<sha256 prefix>.<ext>, so its URL changes whenever its bytes do and it can
 * be cached for a year as immutable. Read, hashed and compressed (brotli, gzip) once at start-up;
 * a request picks the encoding the browser accepts. Served from ghee itself (no CDN).
 *
 * To add an asset: put it in origin/admin/static/ (or name a file of a dependency below), add
 * it to FILES, and link it from the layout with `assetUrl('<name>')`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const HERE = import.meta.dirname;

/** name → where its bytes come from. */
const FILES: Record<string, { path: string; type: string }> = {
  'admin.css': { path: join(HERE, 'static/admin.css'), type: 'text/css; charset=utf-8' },
  'admin.js': { path: join(HERE, 'static/admin.js'), type: 'text/javascript; charset=utf-8' },
  // The content editor's draft keeping and Ctrl+S (screens/content/editor.tsx), loaded by the editor only.
  'editor.js': { path: join(HERE, 'static/editor.js'), type: 'text/javascript; charset=utf-8' },
  // The media library's upload with progress (screens/manage/media.tsx), loaded by that screen only.
  'media.js': { path: join(HERE, 'static/media.js'), type: 'text/javascript; charset=utf-8' },
  // The media field's picker from the library (screens/content/media-picker.tsx), loaded by the editor.
  'picker.js': { path: join(HERE, 'static/picker.js'), type: 'text/javascript; charset=utf-8' },
  // htmx (hypermedia: hx-get/hx-post swap parts of a page); its minified build, served as is.
  'htmx.js': { path: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
};

export interface Asset {
  /** The fingerprinted URL path. */
  url: string;
  type: string;
  raw: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
}

function load(name: string, path: string, type: string): Asset {
  const raw = readFileSync(path);
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return {
    url: `/admin/static/${name.slice(0, dot)}.${hash}${name.slice(dot)}`,
    type,
    raw,
    gzip: gzipSync(raw, { level: 9 }),
    br: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    etag: `"${hash}"`,
  };
}

let cache: { byName: Map<string, Asset>; byUrl: Map<string, Asset> } | null = null;

function assets() {
  if (!cache) {
    const byName = new Map<string, Asset>();
    const byUrl = new Map<string, Asset>();
    for (const [name, f] of Object.entries(FILES)) {
      const a = load(name, f.path, f.type);
      byName.set(name, a);
      byUrl.set(a.url, a);
    }
    cache = { byName, byUrl };
  }
  return cache;
}

/** The fingerprinted URL of a named asset (throws for an unknown name: a typo fails at once). */
export function assetUrl(name: string): string {
  const a = assets().byName.get(name);
  if (!a) throw new Error(`unknown admin asset ${name}`);
  return a.url;
}

/** The asset at a URL path, or null. */
export function assetAt(path: string): Asset | null {
  return assets().byUrl.get(path) ?? null;
}

/** Every asset (the bench and tests sum their sizes). */
export function allAssets(): Asset[] {
  return [...assets().byName.values()];
}

/** The asset's answer: the best encoding the request accepts, immutable for a year. */
export function assetResponse(a: Asset, acceptEncoding: string | undefined): Response {
  const accept = (acceptEncoding ?? '').toLowerCase();
  const headers = new Headers({
    'content-type': a.type,
    'cache-control': 'public, max-age=31536000, immutable',
    etag: a.etag,
    vary: 'accept-encoding',
  });
  let body = a.raw;
  if (/\bbr\b/.test(accept)) {
    body = a.br;
    headers.set('content-encoding', 'br');
  } else if (/\bgzip\b/.test(accept)) {
    body = a.gzip;
    headers.set('content-encoding', 'gzip');
  }
  headers.set('content-length', String(body.length));
  return new Response(new Uint8Array(body), { status: 200, headers });
}
