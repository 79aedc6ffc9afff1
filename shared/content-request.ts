/**
 * The one reading of a Content API or asset request, shared by the edge (cache key, key check,
 * what it forwards) and the origin (what its read routes see). Both sides parse a request here
 * and nowhere else, so the edge keys its cache on exactly what it forwards and decides preview
 * from exactly the value the origin will act on.
 *
 * The canonical request of a read:
 * - the route, from the path's segments: empty segments (`//`, a trailing slash) dropped, each
 *   segment percent-decoded once and re-encoded one way (`/v2/pages/*\/%61bout//` and
 *   `/v2/pages/*\/about` are the same page); `/./` and `/../` are resolved by the URL parser
 *   before this; a segment that does not decode is a 400;
 * - only the query parameters the route reads (others are dropped: they cannot change the
 *   answer), each at most once: a repeated one is refused (400), so no two readers of the
 *   request (first value, last value, sorted) can disagree;
 * - preview as one boolean: `preview` (and on collections ButterCMS's legacy `test`) of `1` /
 *   `true` is preview, `0` / `false` / empty is not, anything else is refused; in the canonical
 *   query it is `preview=1` or absent;
 * - the parameters sorted by name, encoded as URLSearchParams encodes them.
 * `auth_token` is a credential, never part of the canonical request; it may appear at most once.
 *
 * Parsing a canonical request's path and query again gives the same request (idempotent): the
 * origin may re-read what the edge forwarded and verify the edge's signature over it.
 */
import { TOKEN_PARAM } from './api-key.js';
import { requestTargetProblem } from './input.js';

export type ContentRoute =
  | 'page'
  | 'page-list'
  | 'page-search'
  | 'collections'
  | 'collection'
  | 'collection-item'
  | 'posts'
  | 'post-search'
  | 'post'
  | 'authors'
  | 'author'
  | 'categories'
  | 'category'
  | 'tags'
  | 'tag'
  | 'feed';

export interface ContentRequest {
  kind: 'content';
  route: ContentRoute;
  /** The canonical path: `/v2/<segments…>/`. */
  path: string;
  /** The canonical query (no `?`, no credential): the route's parameters, sorted; `preview=1` when previewing. */
  query: string;
  /** Draft content asked for (needs a key that may preview). */
  preview: boolean;
  /** The route's parameters as given (decoded), each once; `preview` / `test` are not among them. */
  params: ReadonlyMap<string, string>;
}

export interface AssetRequest {
  kind: 'asset';
  /** The canonical path: `/assets/<space>/<asset>/<file>` (no query: assets take none). */
  path: string;
  query: '';
  preview: false;
}

export type ReadRequest = ContentRequest | AssetRequest;

export interface RequestRefusal {
  status: 400 | 404;
  code: 'bad_request' | 'not_found';
  detail: string;
}

export type ParsedRead = { ok: true; request: ReadRequest } | { ok: false; refusal: RequestRefusal };

/** The credential parameter (shared/api-key.ts owns it): dropped from every canonical request, allowed at most once. */
export { TOKEN_PARAM };

const PAGING = ['page', 'page_size'];
const OFFSETS = ['limit', 'offset'];
const LOCALE = ['locale', 'levels'];
const BLOG_FILTERS = ['author_slug', 'category_slug', 'tag_slug'];

interface RouteSpec {
  params: ReadonlySet<string>;
  /** `fields.<name>` filters. */
  fieldFilters: boolean;
  /** ButterCMS's legacy `test=1` means preview here. */
  testAlias: boolean;
}

const spec = (params: string[], fieldFilters = false, testAlias = false): RouteSpec => ({ params: new Set(params), fieldFilters, testAlias });

/** What each read route of the origin reads from the query (the content domains' read routes: a new parameter is added here first). */
export const ROUTE_PARAMS: Readonly<Record<ContentRoute, RouteSpec>> = {
  page: spec([...LOCALE]),
  'page-list': spec([...PAGING, ...OFFSETS, 'order', ...LOCALE], true),
  'page-search': spec(['query', 'page_type', ...PAGING, ...OFFSETS, ...LOCALE]),
  // `?keys=a` (one key) reads like /v2/content/a/ (paging, order, filters); several keys ignore those.
  collections: spec(['keys', ...PAGING, 'order', ...LOCALE], true, true),
  collection: spec([...PAGING, 'order', ...LOCALE], true, true),
  'collection-item': spec([...LOCALE], false, true),
  posts: spec([...PAGING, 'exclude_body', ...BLOG_FILTERS]),
  'post-search': spec([...PAGING, 'exclude_body', ...BLOG_FILTERS, 'query']),
  post: spec([]),
  authors: spec(['include']),
  author: spec(['include']),
  categories: spec(['include']),
  category: spec(['include']),
  tags: spec(['include']),
  tag: spec(['include']),
  feed: spec(['category_slug', 'tag_slug']),
};

const refuse = (status: 400 | 404, detail: string): ParsedRead => ({
  ok: false,
  refusal: { status, code: status === 400 ? 'bad_request' : 'not_found', detail },
});
const NOT_FOUND = (): ParsedRead => refuse(404, 'Not found.');

/** The path's segments, decoded, without empty ones; null when one does not percent-decode. */
function segmentsOf(pathname: string): string[] | null {
  const out: string[] = [];
  for (const raw of pathname.split('/')) {
    if (raw === '') continue;
    if (!raw.includes('%')) {
      out.push(raw);
      continue;
    }
    try {
      out.push(decodeURIComponent(raw));
    } catch {
      return null;
    }
  }
  return out;
}

const encodeSegment = (s: string) => encodeURIComponent(s);

function contentRoute(seg: readonly string[]): ContentRoute | null {
  const [a, b] = seg;
  const n = seg.length;
  switch (a) {
    case 'pages':
      if (n === 3) return 'page';
      if (n === 2) return b === 'search' ? 'page-search' : 'page-list';
      return null;
    case 'content':
      return n === 1 ? 'collections' : n === 2 ? 'collection' : n === 3 ? 'collection-item' : null;
    case 'posts':
      return n === 1 ? 'posts' : n === 2 ? (b === 'search' ? 'post-search' : 'post') : null;
    case 'authors':
      return n === 1 ? 'authors' : n === 2 ? 'author' : null;
    case 'categories':
      return n === 1 ? 'categories' : n === 2 ? 'category' : null;
    case 'tags':
      return n === 1 ? 'tags' : n === 2 ? 'tag' : null;
    case 'feeds':
      return n === 2 ? 'feed' : null;
    default:
      return null;
  }
}

/** A preview flag's value: true, false, or null when it is neither. */
function flag(value: string): boolean | null {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false' || value === '') return false;
  return null;
}

function byName(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/**
 * Reads a request's path and query (`url.pathname` and `url.search` as the URL parser gives them:
 * still percent-encoded). Routes that are not reads of the Content API (`/v2/manage/…`, writes'
 * paths) and paths outside it answer `not_found`: the edge serves only the reads listed here; the
 * origin routes the rest itself. A target the one input rule refuses (shared/input.ts: malformed
 * or non-UTF-8 percent-encoding, NUL, control characters, unpaired surrogates) is a 400 on both
 * sides, never decoded leniently into something else.
 */
export function parseReadRequest(pathname: string, rawSearch: string): ParsedRead {
  const seg = segmentsOf(pathname);
  if (seg === null) return refuse(400, 'The URL path has malformed percent-encoding (or bytes that are not UTF-8).');
  if (seg[0] !== 'assets' && seg[0] !== 'v2') return NOT_FOUND();
  const problem = requestTargetProblem(pathname, rawSearch);
  if (problem !== null) return refuse(400, problem);
  const search = new URLSearchParams(rawSearch);
  if (seg[0] === 'assets') {
    if (seg.length !== 4) return NOT_FOUND();
    return { ok: true, request: { kind: 'asset', path: `/${seg.map(encodeSegment).join('/')}`, query: '', preview: false } };
  }
  const route = contentRoute(seg.slice(1));
  if (route === null) return NOT_FOUND();
  const routeSpec = ROUTE_PARAMS[route];

  const params = new Map<string, string>();
  let preview = false;
  let previewSeen = false;
  let testSeen = false;
  let tokenSeen = false;
  for (const [name, value] of search) {
    if (name === TOKEN_PARAM) {
      if (tokenSeen) return refuse(400, `The parameter ${TOKEN_PARAM} is repeated.`);
      tokenSeen = true;
      continue;
    }
    const isPreviewParam = name === 'preview';
    if (isPreviewParam || (name === 'test' && routeSpec.testAlias)) {
      if (isPreviewParam ? previewSeen : testSeen) return refuse(400, `The parameter ${name} is repeated.`);
      if (isPreviewParam) previewSeen = true;
      else testSeen = true;
      const on = flag(value);
      if (on === null) return refuse(400, `${name} must be 1 or 0.`);
      preview ||= on;
      continue;
    }
    if (!routeSpec.params.has(name) && !(routeSpec.fieldFilters && name.startsWith('fields.') && name.length > 7)) continue;
    if (params.has(name)) return refuse(400, `The parameter ${name.slice(0, 64)} is repeated.`);
    params.set(name, value);
  }

  const pairs = [...params];
  if (preview) pairs.push(['preview', '1']);
  pairs.sort(byName);
  return {
    ok: true,
    request: {
      kind: 'content',
      route,
      path: `/${seg.map(encodeSegment).join('/')}/`,
      query: new URLSearchParams(pairs).toString(),
      preview,
      params,
    },
  };
}

/** The canonical path and query, as forwarded and as the origin's read routes see it. */
export function canonicalTarget(request: ReadRequest): string {
  return request.query ? `${request.path}?${request.query}` : request.path;
}

/** Whether a path is one the Content API read parser owns (the origin leaves every other path to its router). */
export function isReadPath(pathname: string): boolean {
  return pathname.startsWith('/v2/') || pathname === '/v2' || pathname.startsWith('/assets/');
}
