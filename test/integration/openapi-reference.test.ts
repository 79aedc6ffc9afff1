/**
 * The browsable API reference (origin/http/openapi-reference.ts) over real HTTP: the page carries
 * its own Content Security Policy (scripts, styles, images and fetches from 'self' only; no
 * 'unsafe-eval' or 'unsafe-inline'; never framed) and the app's other secure headers; every
 * script, stylesheet and image it names loads from this origin under a fingerprinted, immutable
 * URL whose fingerprint is its content's; a stale or unknown name is a 404; the API's answers keep
 * the API's policy. The rendering in a real browser, with zero CSP violations: test/e2e/reference.test.ts.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_CSP } from '../../origin/http/openapi-reference.js';
import { SECURE_HEADERS } from '../../shared/secure-headers.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let html: string;
let page: Response;
const url = (path: string) => `${origin.server.url}${path}`;
/** The same-origin URLs the page names (src / href). */
const linked = () => [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);

beforeAll(async () => {
  origin = await startTestOrigin();
  page = await fetch(url('/reference'));
  html = await page.text();
});
afterAll(async () => origin?.stop());

describe('GET /reference', () => {
  it('is an HTML page under its own policy, with the app\'s other secure headers', () => {
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toBe(REFERENCE_CSP);
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    for (const d of ['script-src', 'style-src', 'img-src', 'connect-src']) expect(directives.get(d), d).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-|data:|blob:|https?:|\*/);
    for (const [name, value] of Object.entries(SECURE_HEADERS)) if (name !== 'content-security-policy') expect(page.headers.get(name), name).toBe(value);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-cache');
  });

  it('has no inline script, no inline style and no external URL', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/i);
    expect(html).not.toMatch(/\s(?:src|href)="(?!\/)/);
    expect(linked().filter((l) => l.startsWith('/reference/assets/')).length).toBe(4);
  });

  it('answers at /reference/ too, with the same policy', async () => {
    const res = await fetch(url('/reference/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(REFERENCE_CSP);
  });
});

describe('the page\'s assets', () => {
  it('each loads with its type, immutable for a year, under the fingerprint of its content (gzip when asked)', async () => {
    const types: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, png: /^image\/png$/ };
    for (const path of linked().filter((l) => l.startsWith('/reference/assets/'))) {
      const [, fingerprint, ext] = /\.([0-9a-f]{16})\.(js|css|png)$/.exec(path)!;
      const plain = await fetch(url(path), { headers: { 'accept-encoding': 'identity' } });
      expect(plain.status, path).toBe(200);
      expect(plain.headers.get('content-type')).toMatch(types[ext!]!);
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
      const body = Buffer.from(await plain.arrayBuffer());
      expect(createHash('sha256').update(body).digest('hex').slice(0, 16)).toBe(fingerprint);
      if (ext !== 'png') {
        // node's fetch decodes gzip itself; ask over raw HTTP semantics by checking the header and decoding by hand.
        const { request } = await import('node:http');
        const gz = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
          request(url(path), { headers: { 'accept-encoding': 'gzip' } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
          })
            .on('error', reject)
            .end();
        });
        expect(gz.encoding).toBe('gzip');
        expect(gunzipSync(gz.body).equals(body)).toBe(true);
        expect(gz.body.length).toBeLessThan(body.length);
      }
    }
  });

  it('the renderer is the one installed, without its source-map comment, and the start-up script reads /openapi.json', async () => {
    const paths = linked();
    const bundle = await (await fetch(url(paths.find((p) => p.includes('swagger-ui-bundle.'))!))).text();
    expect(bundle.length).toBeGreaterThan(1_000_000);
    expect(bundle).not.toContain('sourceMappingURL');
    const start = await (await fetch(url(paths.find((p) => /\/reference\.[0-9a-f]{16}\.js$/.test(p))!))).text();
    expect(start).toContain("url: '/openapi.json'");
    expect(start).toContain('supportedSubmitMethods: []');
  });

  it('the stylesheet embeds no data: URL: its images are files of this origin, fingerprinted like the rest', async () => {
    const css = await (await fetch(url(linked().find((p) => p.endsWith('.css'))!))).text();
    expect(css).not.toMatch(/data:/);
    const images = [...new Set([...css.matchAll(/url\("?([^")]+)"?\)/g)].map((m) => m[1]!))];
    expect(images.length).toBeGreaterThanOrEqual(10);
    for (const image of images) {
      expect(image).toMatch(/^\/reference\/assets\/css-image\.[0-9a-f]{16}\.(svg|png|jpg)$/);
      const res = await fetch(url(image));
      expect(res.status, image).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^image\/(svg\+xml|png|jpeg)$/);
      const body = Buffer.from(await res.arrayBuffer());
      expect(createHash('sha256').update(body).digest('hex').slice(0, 16)).toBe(/\.([0-9a-f]{16})\./.exec(image)![1]);
      if (image.endsWith('.svg')) expect(body.toString()).toMatch(/^<svg[\s\S]*<\/svg>$/);
    }
  });

  it('a stale fingerprint, an unknown file and a path outside the folder are 404s in the error shape', async () => {
    const css = linked().find((p) => p.endsWith('.css'))!;
    for (const path of [css.replace(/\.[0-9a-f]{16}\./, '.0000000000000000.'), '/reference/assets/package.json', '/reference/assets/..%2F..%2Fpackage.json', '/reference/assets/swagger-ui.css']) {
      const res = await fetch(url(path));
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('not_found');
    }
  });

  it('the API keeps the API\'s policy', async () => {
    const res = await fetch(url('/openapi.json'));
    expect(res.headers.get('content-security-policy')).toBe(SECURE_HEADERS['content-security-policy']);
  });
});
