/**
 * The browsable API reference (issue 18): GET /reference renders the document of GET /openapi.json
 * with swagger-ui (swagger-ui-dist, served by the origin itself: no CDN), under a Content Security
 * Policy that allows only what the page needs.
 *
 * swagger-ui was chosen (over scalar, rapidoc, redoc and stoplight elements) because it renders under
 * the strictest policy: scripts and styles from this origin only — no 'unsafe-eval', no
 * 'unsafe-inline' (it sets styles through the CSSOM, which style-src does not govern; scalar and
 * rapidoc inject <style> elements and rapidoc loads web fonts from a CDN), no workers, no blob: or
 * data: URLs. "Try it out" is off: the page documents, it sends nothing.
 *
 * Assets are served from memory under fingerprinted names (`<name>.<sha-256 prefix>.<ext>`), cached
 * for a year as immutable; a name whose fingerprint is not the current one is a 404. The page itself
 * is `no-cache` (it names the current fingerprints). Everything else — HSTS, nosniff, no referrer,
 * COOP, X-Frame-Options — is the app's secure header set (origin/app.ts keeps this page's policy).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import type { OriginEnv } from '../env.js';
import { describe, errors, pathParam, SECURITY } from './openapi.js';

/**
 * The reference page's policy. Each directive, and why:
 * - default-src 'none': anything not named below is refused (frames, objects, media, fonts, workers, manifests);
 * - script-src 'self': swagger-ui's bundle and the page's own start-up script, both files of this origin (no inline script, no eval);
 * - style-src 'self': swagger-ui's stylesheet, a file of this origin (no <style> elements or style attributes);
 * - img-src 'self': the page's icon and the stylesheet's images, files of this origin (swagger-ui's stylesheet embeds
 *   them as data: URLs; they are moved into files when loaded, so data: is not needed);
 * - connect-src 'self': swagger-ui fetches /openapi.json from this origin;
 * - base-uri 'none', form-action 'none': no <base> to re-point relative URLs, no form posts anywhere;
 * - frame-ancestors 'none': never framed (clickjacking; X-Frame-Options DENY says the same to older browsers).
 */
export const REFERENCE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const REFERENCE_PATH = '/reference';
/** Whether a request path is the reference page (its own policy survives the app's secure headers, origin/app.ts). */
export const isReferencePage = (path: string) => path === REFERENCE_PATH || path === `${REFERENCE_PATH}/`;
const ASSET_PREFIX = '/reference/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The page's start-up script (a file, not inline, so that script-src needs no 'unsafe-inline' or hash). */
const START = `'use strict';
window.addEventListener('DOMContentLoaded', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#reference',
    deepLinking: true,
    validatorUrl: null,
    supportedSubmitMethods: [],
    defaultModelsExpandDepth: 0,
    // Tags start closed: expanding all ~170 operations at once stalls swagger-ui (it renders a few and stops).
    docExpansion: 'none',
    filter: true,
  });
});
`;

interface Asset {
  /** The fingerprinted file name. */
  name: string;
  type: string;
  body: Buffer;
  gzip: Buffer | null;
}

interface Assets {
  byName: Map<string, Asset>;
  page: string;
}

const fingerprinted = (base: string, ext: string, body: Buffer) => `${base}.${createHash('sha256').update(body).digest('hex').slice(0, 16)}.${ext}`;

function asset(base: string, ext: string, type: string, body: Buffer): Asset {
  const compressible = type !== 'image/png' && type !== 'image/jpeg';
  return { name: fingerprinted(base, ext, body), type, body, gzip: compressible ? gzipSync(body, { level: 9 }) : null };
}

const IMAGE_TYPES: Record<string, { ext: string; type: string }> = {
  'image/svg+xml': { ext: 'svg', type: 'image/svg+xml' },
  'image/png': { ext: 'png', type: 'image/png' },
  'image/jpeg': { ext: 'jpg', type: 'image/jpeg' },
};

/** A `url(...)` in CSS: double-quoted, single-quoted or bare. */
const CSS_URL = /url\((?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)"']*))\)/g;

/**
 * The stylesheet with each `data:` image it embeds moved into a file of its own under this origin
 * (so img-src needs 'self' only, not data:): swagger-ui's icons (SVG) and a few patterns (PNG, JPEG).
 */
function withImagesAsFiles(css: string, add: (a: Asset) => void): string {
  return css.replace(CSS_URL, (whole, dq: string | undefined, sq: string | undefined, bare: string | undefined) => {
    const value = (dq ?? sq ?? bare ?? '').replace(/\\(.)/g, '$1').trim();
    const comma = value.indexOf(',');
    if (!value.toLowerCase().startsWith('data:') || comma === -1) return whole;
    // data:<type>[;<name>=<value>…][;base64],<payload>
    const [type = '', ...params] = value.slice(5, comma).toLowerCase().split(';');
    const image = IMAGE_TYPES[type];
    if (!image) throw new Error(`reference: the stylesheet embeds a ${type} (add its type)`);
    const payload = value.slice(comma + 1);
    const body = params.includes('base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload));
    const file = asset('css-image', image.ext, image.type, body);
    add(file);
    return `url("${ASSET_PREFIX}${file.name}")`;
  });
}

/** The renderer's files as this origin serves them (read once, at the first request of the page or an asset). */
function loadAssets(): Assets {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const read = (file: string) => readFileSync(join(dist, file));
  // The source-map comment would make a browser's developer tools ask for a map this origin does not serve.
  const withoutMap = (b: Buffer) => Buffer.from(b.toString('utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/\n?\/\*# sourceMappingURL=\S+ \*\/\s*$/, '\n'));
  const bundle = asset('swagger-ui-bundle', 'js', 'text/javascript; charset=utf-8', withoutMap(read('swagger-ui-bundle.js')));
  const images: Asset[] = [];
  const css = asset('swagger-ui', 'css', 'text/css; charset=utf-8', Buffer.from(withImagesAsFiles(withoutMap(read('swagger-ui.css')).toString('utf8'), (a) => images.push(a))));
  const icon = asset('favicon-32x32', 'png', 'image/png', read('favicon-32x32.png'));
  const start = asset('reference', 'js', 'text/javascript; charset=utf-8', Buffer.from(START));
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ghee API reference</title>
<link rel="icon" type="image/png" href="${ASSET_PREFIX}${icon.name}">
<link rel="stylesheet" href="${ASSET_PREFIX}${css.name}">
</head>
<body>
<main id="reference"><noscript>This reference needs JavaScript; the document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript></main>
<script src="${ASSET_PREFIX}${bundle.name}"></script>
<script src="${ASSET_PREFIX}${start.name}"></script>
</body>
</html>
`;
  return { byName: new Map([bundle, css, icon, start, ...images].map((a) => [a.name, a])), page };
}

const pageDoc = describe({
  operationId: 'getApiReference',
  summary: 'The browsable API reference',
  description: `An HTML page that renders this API's OpenAPI document (GET /openapi.json) with swagger-ui, served by ghee itself under its own Content Security Policy: \`${REFERENCE_CSP}\`.`,
  tags: ['Meta'],
  security: SECURITY.none,
  responses: {
    200: {
      description: 'The page (its scripts and stylesheet under /reference/assets/, by fingerprinted names).',
      headers: { 'Content-Security-Policy': { description: 'The page\'s own policy (see the description).', schema: { type: 'string' } } },
      content: { 'text/html': { schema: { type: 'string' }, example: '<!doctype html><html lang="en"><head><title>ghee API reference</title>…' } },
    },
    ...errors(),
  },
});

const assetDoc = describe({
  operationId: 'getApiReferenceAsset',
  summary: 'A file of the API reference page',
  description: 'The renderer\'s script and stylesheet (with the images it embeds as files of their own), the page\'s start-up script and its icon, by fingerprinted name (`<name>.<sha-256 prefix>.<ext>`, as the page links them): immutable, cached for a year; gzip-encoded when the client accepts it. A name that is not current is a 404.',
  tags: ['Meta'],
  security: SECURITY.none,
  parameters: [pathParam('file', 'The fingerprinted file name, as the page links it.', { type: 'string', pattern: '^[a-z0-9-]+\\.[0-9a-f]{16}\\.(js|css|png|svg|jpg)$' }, 'swagger-ui.0123456789abcdef.css')],
  responses: {
    200: {
      description: 'The file.',
      headers: { 'Cache-Control': { $ref: '#/components/headers/CacheControl' } },
      content: {
        'text/javascript': { schema: { type: 'string' }, example: '\'use strict\';…' },
        'text/css': { schema: { type: 'string' }, example: '.swagger-ui{…}' },
        'image/png': { schema: { type: 'string', contentMediaType: 'image/png' }, example: '<the icon\'s bytes>' },
        'image/svg+xml': { schema: { type: 'string' }, example: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20">…</svg>' },
        'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' }, example: '<the image\'s bytes>' },
      },
    },
    ...errors(404),
  },
});

/** Registers GET /reference and GET /reference/assets/{file} on `app`. */
export function serveReference(app: Hono<OriginEnv>): void {
  let assets: Assets | null = null;
  const load = () => (assets ??= loadAssets());
  app.get(REFERENCE_PATH, pageDoc, (c) => c.html(load().page, 200, { 'content-security-policy': REFERENCE_CSP, 'cache-control': 'no-cache' }));
  app.get(`${ASSET_PREFIX}:file`, assetDoc, (c) => {
    const found = load().byName.get(c.req.param('file'));
    if (!found) return c.notFound();
    const gzip = found.gzip !== null && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    const headers: Record<string, string> = { 'content-type': found.type, 'cache-control': IMMUTABLE };
    if (found.gzip !== null) headers.vary = 'accept-encoding';
    if (gzip) headers['content-encoding'] = 'gzip';
    return c.body(new Uint8Array(gzip ? found.gzip! : found.body), 200, headers);
  });
}
