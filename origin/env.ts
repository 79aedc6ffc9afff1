import type { Logger } from './logger.js';
import type { ApiKeyKind } from '../shared/api-key.js';

/** Who is calling, once authenticated (by API key, directly or asserted by the edge). */
export interface KeyPrincipal {
  keyId: string;
  spaceId: string | null;
  /** Null when asserted by the edge (the assertion carries key, space and kind only). */
  organizationId: string | null;
  kind: ApiKeyKind;
  via: 'token' | 'edge';
}

/** The one Env type of the origin's Hono app. */
export interface OriginEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    principal?: KeyPrincipal;
    /** The socket peer, or the client address inside a verified edge assertion. */
    clientIp: string;
  };
}
