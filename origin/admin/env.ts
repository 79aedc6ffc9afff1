/**
 * The web app's Hono Env: the origin's variables plus what the admin middleware resolves once
 * per request (origin/admin/routes.tsx) for every screen to use.
 */
import type { OriginEnv } from '../env.js';

/** The origin app's fetch, reached late (the app is built after the admin routes are mounted). */
export type InProcessFetch = (req: Request, env: unknown) => Response | Promise<Response>;

/** One membership of the signed-in member, as GET /v1/auth/session answers it. */
export interface Membership {
  organization_id: string;
  space_id: string | null;
  role: string;
  name: string;
  default_space_id: string | null;
}

/** The signed-in member (GET /v1/auth/session, called in process with their cookie). */
export interface Me {
  user_id: string;
  email: string;
  two_factor: boolean;
  csrf_token: string;
  memberships: Membership[];
}

export interface AdminEnv {
  Variables: OriginEnv['Variables'] & {
    /** The key of the web app's HMACs (form tokens, flash cookie): AUTH_SECRET. */
    adminSecret: string;
    /** The origin app's fetch (api.ts calls the JSON API through it). */
    apiFetch: InProcessFetch;
    /** A session cookie set during this request (sign-in), used by later in-process calls; '' = cleared. */
    sessionCookie?: string;
    /** The CSRF token in-process state changes carry (the session's). */
    csrfToken?: string;
    /** The signed-in member, when there is one (set by `loadMe`; required by `signedIn`). */
    me?: Me;
  };
}
