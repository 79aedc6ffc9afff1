import type { ApiKeyKind, ParsedApiKey } from '../shared/api-key.js';
import type { ParsedRead } from '../shared/content-request.js';
import type { RateLimitCheck } from '../shared/rate-limit.js';
import type { EdgeConfig } from './config.js';
import type { RateLimitConfig } from './middleware/rate-limit/config.js';
import type { Platform } from './platform/port.js';

/** The API key a request presents, parsed and hashed once per request (rate limit and auth share it; edge/request-info.ts). */
export interface PresentedKey {
  token: string;
  /** null when the token is not a well-formed ghee key (format or checksum). */
  parsed: ParsedApiKey | null;
  /** SHA-256 of the token, only for well-formed keys. */
  hash: string | null;
}

/**
 * A request the hit path already counted for rate limiting before it handed the request to the
 * chain (edge/middleware/rate-limit); passed in the platform's per-request env, never by clients.
 */
export interface CountedRequest {
  config: RateLimitConfig;
  checks: RateLimitCheck[];
}

/** The authenticated key, as the edge knows it (never the raw token). */
export interface EdgeKey {
  id: string;
  kind: ApiKeyKind;
  spaceId: string;
  /** The key's stored scopes ([] = its kind's defaults), passed on to the origin in the assertion. */
  scopes: readonly string[];
}

/** Why the API key middleware refused a request (the request record's `key_refusal`, edge/request-record.ts). */
export type KeyRefusalReason = 'missing' | 'malformed' | 'unknown' | 'preview_forbidden' | 'scope_forbidden';

/** The one Env type of the edge's Hono app. */
export interface EdgeEnv {
  Bindings: {
    /** Set by the platform entry point for each request. */
    clientIp?: string;
    /** Set by the hit fast path when it counted the request for rate limiting before handing it on. */
    counted?: CountedRequest;
    /** Set by the hit fast path when it already parsed and hashed the presented token (edge/request-info.ts). */
    presented?: PresentedKey | null;
  };
  Variables: {
    requestId: string;
    platform: Platform;
    config: EdgeConfig;
    key?: EdgeKey;
    /** Memoised by edge/request-info.ts. */
    url?: URL;
    presented?: PresentedKey | null;
    /** The request read once by shared/content-request.ts (edge/request-info.ts readRequestOf). */
    read?: ParsedRead;
    /** Why the API key middleware refused the request (for the request record, edge/request-record.ts). */
    keyRefusal?: KeyRefusalReason;
  };
}
