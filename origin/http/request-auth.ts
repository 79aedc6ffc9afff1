import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import type { OriginEnv } from '../env.js';
import { CSRF_HEADER, csrfTokenValid, findSession, sessionTokenFromCookie, verifyingAuthSecrets } from '../identity/index.js';
import { credentialRequest, offersKey } from './authenticate.js';
import { apiKeyAuth } from './api-key-auth.js';
import { CREDENTIAL_USE_CHANNEL, publish } from './signals.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates management and write calls by API key (exactly as `apiKeyAuth`) or, when no
 * key is presented, by the session cookie. Cookie-authenticated state changes must carry the
 * session's CSRF token in `X-CSRF-Token` (SameSite=Lax alone does not cover every browser
 * path). `optional` lets a route run unauthenticated (sign-up, login) while still learning
 * who is signed in.
 */
export function authenticate(ctx: AppContext, opts: { optional?: boolean } = {}): MiddlewareHandler<OriginEnv> {
  const byKey = apiKeyAuth(ctx);
  return async function authenticateHandler(c, next) {
    // An operator session under a support grant, resolved before routing (origin/governance/support-access.ts).
    if (c.get('support')) return next();
    // Any key presented (or an edge assertion) decides by key (origin/http/authenticate.ts).
    if (offersKey(credentialRequest(c, () => c.req.url))) {
      return byKey(c, next);
    }
    const token = sessionTokenFromCookie(c.req.header('cookie'));
    if (token) {
      const session = await findSession(ctx.database.db, token, new Date(ctx.now() * 1000), ctx.identity.sessionPolicy, ctx.identity.personalData);
      if (session) {
        if (!SAFE_METHODS.has(c.req.method) && !csrfTokenValid(verifyingAuthSecrets(ctx.identity), session.tokenHash, c.req.header(CSRF_HEADER))) {
          throw new ApiError('csrf_failed', 'Missing or invalid CSRF token.');
        }
        c.set('user', { userId: session.userId, sessionId: session.sessionId, email: session.email, tokenHash: session.tokenHash, hasTotp: session.hasTotp });
        // The security rules engine learns the networks each member signs in from (origin/ops/security).
        publish(CREDENTIAL_USE_CHANNEL, { kind: 'session', subjectId: session.userId, organizationId: null, ip: c.get('clientIp') });
        return next();
      }
      if (!opts.optional) throw new ApiError('unauthenticated', 'Your session has expired: sign in again.');
    }
    if (!opts.optional) throw new ApiError('unauthenticated', 'Authentication credentials were not provided.');
    return next();
  };
}
