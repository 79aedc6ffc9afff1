/**
 * ghee's typed client for the Write, management and identity APIs: openapi-fetch over the types
 * generated from the OpenAPI document (./schema.d.ts, `npm run client:generate`). Every call is
 * checked against the document at compile time — its path, parameters, body and answers:
 *
 *   const ghee = createGheeClient({ baseUrl: 'https://api.example.org', token: process.env.GHEE_WRITE_KEY });
 *   const { data, error } = await ghee.POST('/v2/pages', { body: { title: 'About', slug: 'about', page_type: '*', status: 'published', fields: {} } });
 *
 * Credentials: an API key (`Authorization: Token …`), or a member's session — `signIn()` posts
 * to /v1/auth/login and keeps the session cookie and its CSRF token, sent with every state change.
 * (Reads of published content: the official buttercms clients, or GET /v2/… with a read key.)
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, operations, paths } from './schema.js';
export type GheeClient = Client<paths>;

/** A signed-in member's session: the session cookie (`name=value`) and its CSRF token. */
export interface GheeSession {
  cookie: string;
  csrfToken: string;
}

export interface GheeClientOptions {
  /** The origin's API base URL, e.g. `https://api.example.org`. */
  baseUrl: string;
  /** An API key (write or admin for the management APIs), sent as `Authorization: Token …`. */
  token?: string;
  /** A member's session (see signIn); in a browser the cookie is the browser's, pass only csrfToken with `cookie: ''`. */
  session?: GheeSession;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The credentials, on every request. */
function credentials(opts: GheeClientOptions): Middleware {
  return {
    onRequest({ request }) {
      if (opts.token) request.headers.set('authorization', `Token ${opts.token}`);
      const session = opts.session;
      if (session) {
        if (session.cookie) request.headers.set('cookie', session.cookie);
        if (!SAFE_METHODS.has(request.method)) request.headers.set('x-csrf-token', session.csrfToken);
      }
      return request;
    },
  };
}

/** A client of the origin at `baseUrl`, with an API key or a session. */
export function createGheeClient(opts: GheeClientOptions): GheeClient {
  const client = createClient<paths>({ baseUrl: opts.baseUrl.replace(/\/+$/, ''), ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  client.use(credentials(opts));
  return client;
}

/** Signs in (POST /v1/auth/login; `otp` when two-factor authentication is on) and answers a client on that session. */
export async function signIn(baseUrl: string, login: { email: string; password: string; otp?: string }, opts: Omit<GheeClientOptions, 'baseUrl' | 'token' | 'session'> = {}): Promise<{ client: GheeClient; session: GheeSession }> {
  const anonymous = createGheeClient({ baseUrl, ...opts });
  const { data, error, response } = await anonymous.POST('/v1/auth/login', { body: login });
  if (error) throw new Error(`sign-in refused: HTTP ${response.status} ${error.code}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const session = { cookie, csrfToken: data.csrf_token };
  return { client: createGheeClient({ baseUrl, ...opts, session }), session };
}
