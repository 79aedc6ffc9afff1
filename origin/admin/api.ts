/**
 * How every screen acts: through the JSON API, in process. A screen's handler calls
 * `api(c).get('/v1/…')` / `.send('POST', '/v1/…', body)`; that builds a Request carrying the
 * browser's own session cookie, its CSRF token, User-Agent, X-Forwarded-For and request id, and
 * hands it to the origin app's `fetch` with the same Node socket (`c.env`). So the call goes
 * through exactly what a curl call goes through — the input boundary, rate limits (counted once
 * per socket request), authentication, the CSRF check, `authorizeOrg`/`authorizeSpace` with the
 * member's role, the IP allowlist, the service, the commit step and its audit row — and the web
 * app can do nothing the member could not do with the API. Why not call the services directly:
 * each route's parsing, throttles, re-authentication checks and cookies would have to be copied
 * into the screens, and a copy drifts; one in-process request costs well under a millisecond.
 *
 * The answer is parsed JSON plus, on a refusal, the one error shape (shared/errors.ts), which
 * screens show with `<ErrorSummary>` (ui.tsx) — the API's detail, code and request id, unchanged.
 *
 * Within one page request, reads are asked once: a GET answer is kept for the rest of the request
 * (by path and extra headers) and shared by whoever asks again — a screen and the layout both
 * listing the organization's spaces make one call. Every state change (`send`) and every new
 * session cookie (`passCookies`) empties it, so a read after a write always asks the API. Nothing
 * is kept across requests: each page's reads are authorized by the API for that page. Treat
 * answers as read-only (they may be shared).
 */
import type { Context } from 'hono';
import { REQUEST_ID_HEADER } from '../../shared/request-id.js';
import { CSRF_HEADER } from '../identity/index.js';
import type { AdminEnv } from './env.js';
export type { InProcessFetch } from './env.js';

/** The one error shape, as the API answers it. */
export interface ApiError {
  detail: string;
  code: string;
  request_id: string;
}

export interface ApiAnswer<T> {
  status: number;
  ok: boolean;
  /** The parsed JSON body (undefined for an empty or non-JSON body). */
  body: T;
  /** The refusal in the one error shape when !ok. */
  error: ApiError | null;
  headers: Headers;
}

const FORWARDED = ['user-agent', 'x-forwarded-for', 'accept-language'] as const;

export interface ApiClient {
  /** A read; `opts.headers` for X-Ghee-Space and the like. */
  get<T = unknown>(path: string, opts?: Pick<SendOptions, 'headers'>): Promise<ApiAnswer<T>>;
  /** A state change: JSON body (or raw bytes with `contentType`), the session's CSRF token attached. */
  send<T = unknown>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, opts?: SendOptions): Promise<ApiAnswer<T>>;
}

export interface SendOptions {
  /** Extra request headers (If-Match, Idempotency-Key, X-Ghee-Space …). */
  headers?: Record<string, string>;
  /** Send `body` as is (bytes, text) with this Content-Type instead of JSON. */
  contentType?: string;
}

/** This request's GET answers (see the header), by the request's context. */
const kept = new WeakMap<Context<AdminEnv>, Map<string, Promise<ApiAnswer<unknown>>>>();

/** Forgets this request's GET answers (after a state change or a new session). */
function forgetReads(c: Context<AdminEnv>): void {
  kept.delete(c);
}

/** The API as the member calling this screen: their cookie (or the one just set), their CSRF token. */
export function api(c: Context<AdminEnv>): ApiClient {
  const call = async <T>(method: string, path: string, body: unknown, opts: SendOptions = {}): Promise<ApiAnswer<T>> => {
    const headers = new Headers(opts.headers ?? {});
    const cookie = c.get('sessionCookie') ?? c.req.header('cookie');
    if (cookie) headers.set('cookie', cookie);
    for (const h of FORWARDED) {
      const v = c.req.header(h);
      if (v !== undefined) headers.set(h, v);
    }
    headers.set(REQUEST_ID_HEADER, c.get('requestId'));
    headers.set('accept', 'application/json');
    const csrf = c.get('csrfToken');
    if (method !== 'GET' && csrf) headers.set(CSRF_HEADER, csrf);
    let payload: RequestInit['body'];
    if (body !== undefined) {
      if (opts.contentType) {
        headers.set('content-type', opts.contentType);
        payload = body as RequestInit['body'];
      } else {
        headers.set('content-type', 'application/json');
        payload = JSON.stringify(body);
      }
    }
    const req = new Request(new URL(path, c.req.url), { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const res = await c.get('apiFetch')(req, c.env);
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    const error = res.ok ? null : toError(parsed, res.status, c.get('requestId'));
    return { status: res.status, ok: res.ok, body: parsed as T, error, headers: res.headers };
  };
  return {
    get<T>(path: string, opts?: Pick<SendOptions, 'headers'>): Promise<ApiAnswer<T>> {
      let reads = kept.get(c);
      if (!reads) kept.set(c, (reads = new Map()));
      const key = opts?.headers ? `${path}\n${JSON.stringify(opts.headers)}` : path;
      let answer = reads.get(key);
      if (!answer) {
        answer = call<unknown>('GET', path, undefined, opts);
        reads.set(key, answer);
        // A failed call is not kept (and its rejection is handled here even if nobody awaits it).
        answer.catch(() => reads.delete(key));
      }
      return answer as Promise<ApiAnswer<T>>;
    },
    send: (method, path, body, opts) => {
      forgetReads(c);
      return call(method, path, body, opts);
    },
  };
}

function toError(body: unknown, status: number, requestId: string): ApiError {
  const b = (body ?? {}) as Partial<ApiError> & { detail?: unknown };
  return {
    detail: typeof b.detail === 'string' ? b.detail : `The request failed (${status}).`,
    code: typeof b.code === 'string' ? b.code : 'error',
    request_id: typeof b.request_id === 'string' ? b.request_id : requestId,
  };
}

/**
 * Passes the API's Set-Cookie (a new session at sign-in, 2FA confirmation or password change; a
 * cleared one at sign-out) on to the browser, and uses it for the rest of this request's calls.
 */
export function passCookies(c: Context<AdminEnv>, answer: ApiAnswer<unknown>): void {
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) forgetReads(c);
  for (const sc of cookies) {
    c.header('set-cookie', sc, { append: true });
    const pair = sc.split(';')[0]!;
    if (pair.startsWith('__Host-ghee_session=')) c.set('sessionCookie', pair.endsWith('=') ? '' : pair);
  }
}

/** A refusal of the API, thrown by `must`: routes.tsx renders it as the error page with the API's status, code and detail. */
export class ApiRefusal extends Error {
  constructor(
    readonly error: ApiError,
    readonly status: number,
  ) {
    super(error.detail);
    this.name = 'ApiRefusal';
  }
}

/** The answer's body, or the refusal thrown (for reads a page cannot do without). */
export function must<T>(answer: ApiAnswer<T>): T {
  if (answer.ok) return answer.body;
  throw new ApiRefusal(answer.error!, answer.status);
}
