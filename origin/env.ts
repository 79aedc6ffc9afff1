import type { Logger } from './logger.js';
import type { ApiKeyKind } from '../shared/api-key.js';
import type { Action } from '../shared/permissions.js';

/** Who is calling, once authenticated (by API key, directly or asserted by the edge). */
export interface KeyPrincipal {
  keyId: string;
  spaceId: string | null;
  /** Null when asserted by the edge (the assertion carries key, space, kind and scopes only). */
  organizationId: string | null;
  kind: ApiKeyKind;
  /** The key's stored scopes ([] = its kind's defaults; see shared/permissions.ts). */
  scopes: readonly string[];
  via: 'token' | 'edge';
}

/** A signed-in user (session cookie). Roles are looked up per request, never cached in the session. */
export interface UserPrincipal {
  userId: string;
  sessionId: string;
  email: string;
  /** SHA-256 of the session token (derives the CSRF token). */
  tokenHash: string;
  /** Whether the user has a confirmed TOTP factor (organizations may require one). */
  hasTotp: boolean;
}

/**
 * An operator acting under an organization's support grant (origin/governance/support-access.ts):
 * the authorizer allows exactly `actions` in `spaceIds` of `organizationId`, nothing else.
 */
export interface SupportPrincipal {
  operatorId: string;
  grantId: string;
  organizationId: string;
  scope: 'read_only' | 'read_write';
  spaceIds: readonly string[];
  actions: readonly Action[];
}

/** The one Env type of the origin's Hono app. */
export interface OriginEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    /** Set when authenticated by an API key. */
    principal?: KeyPrincipal;
    /** Set when authenticated by a session cookie (never together with `principal`). */
    user?: UserPrincipal;
    /** Set when an operator session acts under a support grant (never together with `principal` or `user`). */
    support?: SupportPrincipal;
    /** The socket peer, or the client address inside a verified edge assertion. */
    clientIp: string;
  };
}
