import { Hono } from 'hono';
import { isApiKeyHash } from '../../../shared/api-key.js';
import { ApiError } from '../../../shared/errors.js';
import {
  INTERNAL_SIG_HEADER,
  INTERNAL_TS_HEADER,
  INTROSPECT_PATH,
  INTROSPECT_PURPOSE,
  verifyInternal,
  type KeyIntrospection,
} from '../../../shared/internal-auth.js';
import type { AppContext } from '../../context.js';
import type { OriginEnv } from '../../env.js';
import { findActiveKeyByHash } from './api-keys.js';
import { introspectDoc } from './introspection-docs.js';
import { readCidrsFor } from '../../governance/index.js';

/** Edge-only endpoints, authenticated by an HMAC with the edge↔origin shared secret. */
export function internalRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>();

  /**
   * Key introspection: the edge sends the SHA-256 of a key (never the key) and learns
   * whether it is active, its kind, space and scopes. Unknown, revoked and expired keys
   * all answer `{ valid: false }` so the edge can cache the negative answer briefly.
   */
  app.get(INTROSPECT_PATH, introspectDoc, async (c) => {
    const secret = ctx.config.EDGE_SHARED_SECRET;
    if (!secret) throw new ApiError('unavailable', 'Edge link not configured.');
    const hash = c.req.query('token_hash') ?? '';
    if (!verifyInternal(secret, INTROSPECT_PURPOSE, hash, c.req.header(INTERNAL_TS_HEADER), c.req.header(INTERNAL_SIG_HEADER), ctx.now())) {
      throw new ApiError('unauthenticated', 'Invalid internal signature.');
    }
    if (!isApiKeyHash(hash)) throw new ApiError('bad_request', 'token_hash must be 64 lowercase hex characters.');
    const key = await findActiveKeyByHash(ctx.database.db, hash, new Date(ctx.now() * 1000));
    const body: KeyIntrospection = key
      ? {
          valid: true,
          id: key.id,
          kind: key.kind,
          space_id: key.spaceId,
          organization_id: key.organizationId,
          scopes: key.scopes,
          expires_at: key.expiresAt?.toISOString() ?? null,
          // The organization's IP allowlist, when it holds key reads to it (enforced by the edge).
          ...(await readCidrsFor(ctx.database.db, key.organizationId).then((cidrs) => (cidrs ? { read_cidrs: cidrs } : {}))),
        }
      : { valid: false };
    c.header('cache-control', 'no-store');
    return c.json({ data: body });
  });

  return app;
}
