/**
 * The one sanitiser policy of ghee: every HTML-bearing value (page `rich_text` fields,
 * collection `wysiwyg` / `html` fields, post bodies and summaries) goes through `sanitizeHtml`
 * here, and every URL-bearing value (page and collection `media` fields, a post's featured
 * image, an author's profile URLs) through `safeUrl`. Nothing else in the origin imports
 * sanitize-html; a new rich or URL field type declares its kind in origin/content/model/schema.ts
 * (FIELD_KINDS) and is cleaned here.
 *
 * HTML: editorial formatting only. Scripts, styles, iframes, SVG/MathML, event handlers,
 * `style` and `id` attributes go; links keep http(s), mailto and tel targets, media (img,
 * source, video, audio) http(s) only; relative URLs stay, protocol-relative ones (`//host`)
 * do not. sanitize-html strips control characters and whitespace before it reads a scheme,
 * so `java\tscript:` and `&#106;avascript:` go too. `target="_blank"` links get
 * `rel="noopener noreferrer"`.
 *
 * URLs: absolute http(s) URLs with a host, or relative ones (`/path`, `./x`, `x.png`, `?q`,
 * `#a`). Refused: any other scheme (javascript:, data:, vbscript:, …), protocol-relative
 * (`//host`, `/\host`, `\\host`), control characters, whitespace (browsers drop tabs and
 * newlines inside URLs, so `java\tscript:` would become `javascript:`), backslashes and HTML
 * character references (`javascript&colon;`), which a careless template would decode.
 */
import sanitize from 'sanitize-html';

export const MAX_URL_LENGTH = 2048;

const MEDIA_SCHEMES = ['http', 'https'];

const POLICY: sanitize.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'div', 'span', 'strong', 'b', 'em', 'i', 'u', 's', 'del', 'ins', 'sub', 'sup', 'small', 'mark', 'abbr', 'cite', 'q',
    'blockquote', 'code', 'pre', 'kbd', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a',
    'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'img', 'figure', 'figcaption', 'picture', 'source', 'video', 'audio',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'srcset', 'alt', 'title', 'width', 'height', 'loading'],
    source: ['src', 'srcset', 'type', 'media'],
    video: ['src', 'controls', 'width', 'height', 'poster'],
    audio: ['src', 'controls'],
    abbr: ['title'],
    th: ['colspan', 'rowspan', 'scope'],
    td: ['colspan', 'rowspan'],
    '*': ['class'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: MEDIA_SCHEMES, source: MEDIA_SCHEMES, video: MEDIA_SCHEMES, audio: MEDIA_SCHEMES },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'srcset', 'poster', 'cite'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => (attribs.target === '_blank' ? { tagName, attribs: { ...attribs, rel: 'noopener noreferrer' } } : { tagName, attribs }),
  },
};

/** Editorial HTML only (see the module comment): the one policy for every rich field. */
export function sanitizeHtml(html: string): string {
  return sanitize(html, POLICY);
}

/** C0/C1 controls, every Unicode space or line/paragraph separator, and format characters (zero-width, bidi). */
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\p{Z}\s\\]/u;
/** `&#58;`, `&#x3a;`, `&colon;`, `&Tab;`: a character reference a template might decode into the URL. */
/** Numeric references decode without their `;`; named ones (`&colon;`, `&Tab;`) that matter here need it, so `?a=1&b=2` stays fine. */
const CHARACTER_REFERENCE = /&#(?:\d+|x[0-9a-f]+)|&[a-z][a-z0-9]*;/i;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const RELATIVE_BASE = 'https://relative.invalid/base/';

/**
 * Why `value` is not an acceptable URL (null when it is): absolute http(s) with a host, or
 * relative. See the module comment for what is refused.
 */
export function urlProblem(value: string): string | null {
  if (value.length === 0) return 'it is empty';
  if (value.length > MAX_URL_LENGTH) return `it is longer than ${MAX_URL_LENGTH} characters`;
  if (UNSAFE_CHARS.test(value)) return 'it contains whitespace, a control character or a backslash';
  if (CHARACTER_REFERENCE.test(value)) return 'it contains an HTML character reference';
  if (value.startsWith('//')) return 'it is protocol-relative';
  const scheme = SCHEME.exec(value);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name !== 'http' && name !== 'https') return `the scheme ${name.slice(0, 20)}: is not allowed`;
    try {
      const u = new URL(value);
      if (u.hostname.length === 0 || !/^[a-z]+:\/\/[^/]/i.test(value)) return 'it has no host';
    } catch {
      return 'it is not a valid URL';
    }
    return null;
  }
  // Relative: it must stay relative to the page it is used on (same origin).
  try {
    const u = new URL(value, RELATIVE_BASE);
    if (u.origin !== new URL(RELATIVE_BASE).origin) return 'it leaves the site it is used on';
  } catch {
    return 'it is not a valid URL';
  }
  return null;
}

export const isSafeUrl = (value: string): boolean => urlProblem(value) === null;

/** What a URL field stores for `value`: the URL itself when safe, else null (the caller refuses). */
export function safeUrl(value: string): string | null {
  return isSafeUrl(value) ? value : null;
}

/** Markup in a value whose type is not declared (untyped pages, `json` fields): a tag, comment or doctype. */
const LOOKS_LIKE_MARKUP = /<[a-z!/?]/i;
/** A URL (as browsers read it) that runs script, or a data URL with a media type (which may carry a document). */
const DANGEROUS_URL = /^(?:javascript|vbscript|livescript):|^data:[a-z]+\/[a-z0-9.+-]+[;,]/i;

/** A string as a browser reads it as a URL: leading controls and spaces dropped, tabs and newlines removed anywhere. */
function asBrowserUrl(v: string): string {
  let start = 0;
  while (start < v.length && v.charCodeAt(start) <= 0x20) start++;
  return v.slice(start).replace(/[\t\n\r]/g, '');
}

function decodeReferences(v: string): string {
  const point = (n: number) => (Number.isFinite(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '');
  return v
    .replace(/&#x([0-9a-f]{1,6});?/gi, (_, h: string) => point(parseInt(h, 16)))
    .replace(/&#(\d{1,7});?/g, (_, d: string) => point(Number(d)))
    .replace(/&colon;/gi, ':')
    .replace(/&(?:tab|newline);/gi, '');
}

/**
 * A string of a free-form value (untyped pages' fields, collection `json` fields), whose kind
 * nobody declared: markup is cleaned with the HTML policy (text without tags is kept as is),
 * and a string a browser would read as a script or data URL is refused (null).
 */
export function cleanFreeformString(value: string): string | null {
  if (DANGEROUS_URL.test(asBrowserUrl(value)) || DANGEROUS_URL.test(asBrowserUrl(decodeReferences(value)))) return null;
  return LOOKS_LIKE_MARKUP.test(value) ? sanitizeHtml(value) : value;
}

/**
 * Every string in a free-form JSON value cleaned (cleanFreeformString); keys untouched. The
 * paths of refused strings are pushed to `refused`.
 */
export function cleanFreeform(value: unknown, path: string, refused: string[]): unknown {
  if (typeof value === 'string') {
    const cleaned = cleanFreeformString(value);
    if (cleaned === null) refused.push(path);
    return cleaned ?? value;
  }
  if (Array.isArray(value)) return value.map((v, i) => cleanFreeform(v, `${path}.${i}`, refused));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key stays an own property, as JSON.parse made it.
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: cleanFreeform(v, `${path}.${k}`, refused), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}
