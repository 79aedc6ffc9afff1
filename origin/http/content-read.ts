/**
 * Content API reads at the origin, read the way the edge reads them (shared/content-request.ts).
 *
 * `canonicalReads(app)` puts the shared parser in front of the origin's router: a GET or HEAD of a
 * Content API read route (or a public asset) is rewritten to its canonical request — normalised path, only the
 * route's parameters, each once, sorted, preview as `preview=1` — before Hono routes it, so the
 * read routes see exactly what the edge keys its cache on and forwards (a request the edge
 * forwarded is canonical already and passes unchanged). A directly presented `auth_token` is kept
 * (the route authenticates it). A request the parser refuses (a repeated parameter, a bad
 * preview flag, a path that does not decode) is answered 400 by the app's first middleware, in
 * the one error shape. Paths that are not content reads (management, writes) are left to the router.
 *
 * `contentReader(c)` is the one permission check of a content read: who may read the space, and
 * whether the key may preview — by kind and by its scopes.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { ApiError } from '../../shared/errors.js';
import { TOKEN_PARAM, canonicalTarget, isReadPath, parseReadRequest, type ContentRequest, type ReadRequest, type RequestRefusal } from '../../shared/content-request.js';
import { keyAllows } from '../../shared/permissions.js';
import type { OriginEnv } from '../env.js';
import { authenticate, credentialRequest, refusalError } from './authenticate.js';

interface ReadState {
  /** The canonical read, or the parser's refusal. */
  read: ReadRequest | RequestRefusal;
  /** The URL as received, when the request was rewritten (the access log records what was asked). */
  received?: string;
}

const states = new WeakMap<Request, ReadState>();

/** The canonical form of a content read, or the request itself when it is none (or already canonical). */
export function canonicalRead(req: Request): Request {
  if (req.method !== 'GET' && req.method !== 'HEAD') return req;
  const url = new URL(req.url);
  if (!isReadPath(url.pathname)) return req;
  const parsed = parseReadRequest(url.pathname, url.search);
  if (!parsed.ok) {
    // Not a read route: the router's (management views, unknown paths answer its 404).
    if (parsed.refusal.code === 'not_found') return req;
    states.set(req, { read: parsed.refusal });
    return req;
  }
  const read = parsed.request;
  let target = canonicalTarget(read);
  const credential = url.searchParams.get(TOKEN_PARAM);
  if (credential !== null) target += `${read.query ? '&' : '?'}${new URLSearchParams([[TOKEN_PARAM, credential]]).toString()}`;
  const asReceived = url.pathname + url.search;
  if (asReceived === target) {
    states.set(req, { read });
    return req;
  }
  const rewritten = new Request(url.origin + target, req);
  states.set(rewritten, { read, received: req.url });
  return rewritten;
}

/** Serves every request of `app` through canonicalRead (app.fetch and app.request both). */
export function canonicalReads<A extends Hono<OriginEnv>>(app: A): A {
  const fetch = app.fetch;
  app.fetch = (req, ...rest) => fetch(canonicalRead(req), ...rest);
  return app;
}

/** The parser's refusal of this request, if it refused it. */
function readRefusal(req: Request): RequestRefusal | null {
  const read = states.get(req)?.read;
  return read && !('kind' in read) ? read : null;
}

/**
 * Answers a read the parser refused, with the edge's precedence (edge/middleware/api-key):
 * credentials first — no key 401, a token that is not a well-formed key 401 — then the refusal
 * (400). Whether a well-formed key is active is not looked up for a request that cannot be served.
 */
export function readRefusals(): MiddlewareHandler<OriginEnv> {
  return async function readRefusalsHandler(c, next) {
    const refusal = readRefusal(c.req.raw);
    if (refusal) {
      if (c.req.path.startsWith('/v2/')) {
        // origin/http/authenticate.ts's refusals of the presented token. An edge-asserted request goes to
        // the parser's refusal whether its assertion holds or not (so it is not verified here: no secret).
        const auth = authenticate(credentialRequest(c, () => receivedUrl(c.req.raw)), undefined, 0);
        if (!auth.ok && auth.reason !== 'bad_assertion') throw refusalError(auth.reason);
      }
      throw new ApiError(refusal.code, refusal.detail);
    }
    await next();
  };
}

/** The URL as the client sent it (for the access log), when canonicalRead rewrote it. */
export function receivedUrl(req: Request): string {
  return states.get(req)?.received ?? req.url;
}

/** The canonical read of this request (parsed here if it did not come through canonicalRead, e.g. a sub-app in a test). */
export function contentReadOf(c: Context<OriginEnv>): ContentRequest {
  const state = states.get(c.req.raw);
  if (state && 'kind' in state.read && state.read.kind === 'content') return state.read;
  const url = new URL(c.req.url);
  const parsed = parseReadRequest(url.pathname, url.search);
  if (!parsed.ok) throw new ApiError(parsed.refusal.code, parsed.refusal.detail);
  if (parsed.request.kind !== 'content') throw new ApiError('not_found', 'Not found.');
  return parsed.request;
}

/**
 * Who may read: a space key (read, preview or write) whose scopes allow `content.read`, and for
 * drafts (`preview=1`) a key of a kind above read whose scopes allow `content.preview`. The
 * same rules as the edge's key check (edge/middleware/api-key: admit), with the same details.
 */
export function contentReader(c: Context<OriginEnv>): { spaceId: string; preview: boolean } {
  const p = c.get('principal');
  if (!p) throw new ApiError('unauthenticated', 'Content reads need an API key (auth_token or Authorization: Token).');
  const preview = contentReadOf(c).preview;
  if (preview && p.kind === 'read') throw new ApiError('forbidden', 'Preview requires a preview key.');
  if (p.kind === 'admin' || !p.spaceId) throw new ApiError('forbidden', 'Content reads need a space key (read, preview or write).');
  if (!keyAllows(p, preview ? 'content.preview' : 'content.read')) throw new ApiError('forbidden', 'This API key does not allow this read.');
  return { spaceId: p.spaceId, preview };
}
