/**
 * Operator access under a support grant, resolved before routing (origin/app.ts mounts it):
 *
 * A request to an organization API (`/v1/orgs/…`, `/v2/…`) carrying a live operator session
 * (`__Host-ghee_operator`) is an operator's, whatever else it carries: it must name an active grant in `X-Ghee-Support-Grant` — one not revoked, not
 * expired, meant for this operator (when the grant names one) — and a write needs a read_write
 * grant and the session's CSRF token. It then acts as the `support` principal (origin/env.ts):
 * the authorizer (origin/http/authorize.ts) allows exactly the scope's actions in the grant's
 * spaces of the grant's organization, nothing at organization level.
 *
 * Every such request — reads included, refusals included — writes exactly one `support.access`
 * row in the grant's organization's hash chain (through the commit step), naming the operator,
 * the grant, the method, path and answer status; a write's own row names them too (actor
 * `support_operator`). If that row cannot be written, the answer is an error, never unlogged data.
 * A refusal (no grant, unknown, expired, revoked, another operator's, a write under read_only, a
 * space or organization the grant does not cover) answers 403 in the one error shape and raises a
 * `support_access_denied` security event. The owners are emailed when a grant is first used.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { ApiError, type ErrorCode } from '../../shared/errors.js';
import type { AppContext } from '../context.js';
import type { OriginEnv } from '../env.js';
import { isUuid } from '../http/authorize.js';
import { GOVERNANCE_CHANNEL, publish } from '../http/signals.js';
import { commitWrite, type WriteActor } from '../outbox/index.js';
import { csrfTokenValid, CSRF_HEADER, verifyingAuthSecrets } from '../identity/index.js';
import { findGrant, grantState, markFirstUse, notifyOwners, SCOPE_ACTIONS, type Grant } from './grants.js';
import { findOperatorSession, operatorTokenFromCookie, type OperatorSession } from './operators.js';

export const GRANT_HEADER = 'x-ghee-support-grant';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_PATH = 512;
/** The management, write and preview APIs of organizations and their spaces. */
const ORG_APIS = ['/v1/orgs/', '/v2/'];

export function supportAccess(ctx: AppContext): MiddlewareHandler<OriginEnv> {
  const db = () => ctx.database.db;
  const logger = ctx.logger.child({ component: 'support-access' });

  async function record(session: OperatorSession, grant: Grant, c: Parameters<MiddlewareHandler<OriginEnv>>[0], status: number, reason: string | null): Promise<void> {
    const actor: WriteActor = {
      userId: null,
      keyId: null,
      organizationId: grant.organizationId,
      support: { operatorId: session.operatorId, grantId: grant.id },
      ip: c.get('clientIp'),
      userAgent: c.req.header('user-agent') ?? null,
    };
    const entry = {
      action: 'support.access',
      target: { type: 'support_grant', id: grant.id },
      metadata: { method: c.req.method, path: c.req.path.slice(0, MAX_PATH), route: routePath(c), status, scope: grant.scope, ...(reason ? { reason } : {}) },
    };
    await commitWrite(db(), actor, null, async (w) => {
      if (reason === null) {
        w.audit(entry);
        return { ok: true };
      }
      w.refused(entry);
      return { ok: false };
    });
  }

  function denied(session: OperatorSession, grant: Grant | null, ip: string, reason: string): void {
    publish(GOVERNANCE_CHANNEL, {
      rule: 'support_access_denied',
      organizationId: grant?.organizationId ?? null,
      subject: { type: 'operator', id: session.operatorId },
      ip,
      evidence: { reason, grant_id: grant?.id ?? null },
    });
  }

  return async function supportAccessHandler(c, next) {
    // Only the organizations' APIs are reached under a grant (the operator's own sign-in routes, the
    // members' account routes, SCIM, health: the operator cookie is no credential there).
    if (!ORG_APIS.some((p) => c.req.path.startsWith(p))) return next();
    const token = operatorTokenFromCookie(c.req.header('cookie'));
    if (!token) return next();
    const now = new Date(ctx.now() * 1000);
    const session = await findOperatorSession(db(), token, now);
    // A stale or unknown operator cookie is no credential: the request goes on as anyone's would.
    if (!session) return next();
    const ip = c.get('clientIp');

    const refuse = async (grant: Grant | null, reason: string, detail: string, code: ErrorCode = 'forbidden'): Promise<never> => {
      if (grant) await record(session, grant, c, 403, reason);
      denied(session, grant, ip, reason);
      throw new ApiError(code, detail);
    };

    const named = c.req.header(GRANT_HEADER);
    if (!named) return refuse(null, 'no_grant', `Operators reach an organization only under its support grant: name it in ${GRANT_HEADER}.`);
    const grant = isUuid(named) ? await findGrant(db(), named) : null;
    if (!grant) return refuse(null, 'unknown_grant', 'No such support grant.');
    const state = grantState(grant, now);
    if (state === 'revoked') return refuse(grant, 'revoked', 'This support grant was revoked.');
    if (state === 'expired') return refuse(grant, 'expired', 'This support grant has expired.');
    if (grant.operatorId !== null && grant.operatorId !== session.operatorId) return refuse(grant, 'other_operator', 'This support grant is for another operator.');
    if (!SAFE_METHODS.has(c.req.method)) {
      if (!csrfTokenValid(verifyingAuthSecrets(ctx.identity), session.tokenHash, c.req.header(CSRF_HEADER))) return refuse(grant, 'csrf', 'Missing or invalid CSRF token.', 'csrf_failed');
      if (grant.scope === 'read_only') return refuse(grant, 'write_under_read_only', 'This support grant is read-only.');
    }

    c.set('support', {
      operatorId: session.operatorId,
      grantId: grant.id,
      organizationId: grant.organizationId,
      scope: grant.scope,
      spaceIds: grant.spaceIds,
      actions: SCOPE_ACTIONS[grant.scope],
    });
    await next();
    const status = c.res.status;
    // Refused by the authorizer (another organization, a space or action the grant does not cover).
    const outside = status === 403;
    await record(session, grant, c, status, outside ? 'outside_grant' : null);
    if (outside) denied(session, grant, ip, 'outside_grant');
    else if (status < 400 && grant.firstUsedAt === null && (await markFirstUse(db(), grant.id, now))) {
      const text = [
        `A ghee support operator used the support grant ${grant.id} for the first time (${now.toISOString()}).`,
        `Scope: ${grant.scope}. Expires: ${grant.expiresAt.toISOString()}. Reason: ${grant.reason}${grant.ticket ? ` (ticket ${grant.ticket})` : ''}.`,
        'Every request made under it is in your audit log (GET /v1/orgs/{org}/support-access); revoke it at any time.',
      ].join('\n');
      void notifyOwners(db(), { mail: ctx.identity.mail, personalData: ctx.identity.personalData }, grant.organizationId, 'Support access in use', text, (err) =>
        logger.error({ err: err instanceof Error ? err.message : 'unknown' }, 'support notice not delivered'),
      ).catch((err: unknown) => logger.error({ err: err instanceof Error ? err.message : 'unknown' }, 'support notice not delivered'));
    }
  };
}
