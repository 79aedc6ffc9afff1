/**
 * Blog feeds as ButterCMS serves them (`/v2/feeds/rss/`, `/atom/`, `/sitemap/` → `{ data: "<xml>" }`).
 *
 * The XML is built by a small serializer: every piece of text goes through `xmlText`, every
 * attribute value through `xmlAttr`, and nothing else is concatenated in. Characters XML 1.0
 * cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped, so a post
 * title can never make a feed ill-formed. Bodies go in escaped (not CDATA, which `]]>` breaks).
 */

const TEXT_SPECIALS = /[&<>]/g;
const ATTR_SPECIALS = /[&<>"'\t\n\r]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** Drops characters outside the XML 1.0 `Char` production (lone surrogates included). */
export function stripInvalid(value: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let ok: boolean;
    if (c < 0x20) ok = c === 0x09 || c === 0x0a || c === 0x0d;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      ok = next >= 0xdc00 && next <= 0xdfff;
      if (ok) {
        i++; // a valid pair: keep both halves
        continue;
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) ok = false;
    else ok = c !== 0xfffe && c !== 0xffff;
    if (!ok) {
      out += value.slice(start, i);
      start = i + 1;
    }
  }
  return start === 0 ? value : out + value.slice(start);
}

/** Escapes character data (element content). `>` too, so `]]>` can never appear. */
export function xmlText(value: string): string {
  return stripInvalid(value).replace(TEXT_SPECIALS, (ch) => ENTITIES[ch]!);
}

/** Escapes an attribute value for either quote style; whitespace kept as character references. */
export function xmlAttr(value: string): string {
  return stripInvalid(value).replace(ATTR_SPECIALS, (ch) => ENTITIES[ch]!);
}

/** An element node of the tiny serializer: name, attributes, children (text or elements). */
export interface XmlElement {
  name: string;
  attrs?: Record<string, string>;
  children?: XmlNode[];
}
export type XmlNode = XmlElement | string;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

export function el(name: string, attrs: Record<string, string> | null, ...children: XmlNode[]): XmlElement {
  return { name, ...(attrs ? { attrs } : {}), children };
}

/** Serializes a node; element and attribute names are our own constants and are checked. */
export function serializeXml(node: XmlNode): string {
  if (typeof node === 'string') return xmlText(node);
  if (!NAME_RE.test(node.name)) throw new Error(`invalid XML element name ${JSON.stringify(node.name)}`);
  let attrs = '';
  for (const [k, v] of Object.entries(node.attrs ?? {})) {
    if (!NAME_RE.test(k)) throw new Error(`invalid XML attribute name ${JSON.stringify(k)}`);
    attrs += ` ${k}="${xmlAttr(v)}"`;
  }
  const children = node.children ?? [];
  if (children.length === 0) return `<${node.name}${attrs}/>`;
  return `<${node.name}${attrs}>${children.map(serializeXml).join('')}</${node.name}>`;
}

export function xmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serializeXml(root)}`;
}

/** What a feed needs of a published post (from its rendered ButterCMS JSON). */
export interface FeedPost {
  id: string;
  slug: string;
  url: string;
  title: string;
  summary: string;
  body: string;
  featuredImage: string | null;
  authorName: string;
  published: Date;
  updated: Date;
}

export interface FeedInfo {
  spaceId: string;
  title: string;
  /** The blog's address (relative until spaces carry a public blog URL). */
  link: string;
  now: Date;
}

/** RFC 822 date as RSS 2.0 wants it: `Mon, 15 Jan 2024 10:00:00 +0000`. */
export function rfc822(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** ISO 8601 without milliseconds (`2024-01-15T10:00:00Z`), as ButterCMS's feeds use. */
function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export function renderRss(info: FeedInfo, posts: readonly FeedPost[]): string {
  const items = posts.map((p) =>
    el(
      'item',
      null,
      el('title', null, p.title),
      el('link', null, p.url),
      ...(p.featuredImage ? [el('media:content', { medium: 'image', url: p.featuredImage })] : []),
      ...(p.authorName ? [el('dc:creator', null, p.authorName)] : []),
      el('pubDate', null, rfc822(p.published)),
      el('guid', { isPermaLink: 'false' }, `urn:uuid:${p.id}`),
      el('description', null, p.summary),
      el('content:encoded', null, p.body),
    ),
  );
  // A feed with nothing published has no build date (RSS makes it optional): "now" would change
  // the same empty feed every second, so two reads of unchanged content would differ.
  const lastBuild = posts[0]?.updated;
  return xmlDocument(
    el(
      'rss',
      {
        version: '2.0',
        'xmlns:atom': 'http://www.w3.org/2005/Atom',
        'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
        'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
        'xmlns:media': 'http://search.yahoo.com/mrss/',
      },
      el('channel', null, el('title', null, info.title), el('link', null, info.link), el('description', null), el('language', null, 'en-us'), ...(lastBuild ? [el('lastBuildDate', null, rfc822(lastBuild))] : []), ...items),
    ),
  );
}

export function renderAtom(info: FeedInfo, posts: readonly FeedPost[]): string {
  const entries = posts.map((p) =>
    el(
      'entry',
      null,
      el('title', null, p.title),
      el('link', { href: p.url, rel: 'alternate' }),
      el('published', null, isoSeconds(p.published)),
      el('updated', null, isoSeconds(p.updated)),
      el('author', null, el('name', null, p.authorName || 'Unknown')),
      el('id', null, `urn:uuid:${p.id}`),
      el('summary', { type: 'html' }, p.summary),
      el('content', { type: 'html' }, p.body),
    ),
  );
  const updated = posts[0]?.updated ?? info.now;
  return xmlDocument(
    el(
      'feed',
      { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': 'en-us' },
      el('title', null, info.title),
      el('link', { href: info.link, rel: 'alternate' }),
      el('id', null, `urn:uuid:${info.spaceId}`),
      el('updated', null, isoSeconds(updated)),
      ...entries,
    ),
  );
}

export function renderSitemap(posts: readonly Pick<FeedPost, 'url' | 'updated'>[]): string {
  return xmlDocument(
    el(
      'urlset',
      { xmlns: 'http://www.sitemaps.org/schemas/sitemap/0.9' },
      ...posts.map((p) => el('url', null, el('loc', null, p.url), el('lastmod', null, isoSeconds(p.updated)))),
    ),
  );
}
