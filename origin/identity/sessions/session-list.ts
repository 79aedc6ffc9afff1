/**
 * A member's own sessions (GET /v1/auth/sessions): each live session with where and when it was
 * opened and last used (address and user agent opened from their sealed columns), the calling one
 * marked `current`; and signing one of them out (DELETE /v1/auth/sessions/:id) with one
 * `session.revoke` audit row through the commit step. Another user's session, or one already
 * ended, is not found — exactly as one that does not exist.
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { personalAad, type PersonalData } from '../../crypto/personal-data.js';
import type { Db } from '../../db/client.js';
import { sessions } from '../../db/schema/index.js';
import { commitAccountWrite } from '../../outbox/index.js';
import { ok, refuse, type AuthDeps, type AuthResult, type RequestActor } from '../auth-result.js';
import { revokeSession } from './sessions.js';

export interface SessionView {
  id: string;
  current: boolean;
  auth_method: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** The user's live sessions (not revoked, not expired), newest use first. */
export async function listUserSessions(db: Db, pd: PersonalData, userId: string, currentSessionId: string, now: Date): Promise<SessionView[]> {
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt))
    .limit(200);
  return rows.map((r) => ({
    id: r.id,
    current: r.id === currentSessionId,
    auth_method: r.authMethod,
    created_at: r.createdAt.toISOString(),
    last_seen_at: r.lastSeenAt.toISOString(),
    expires_at: r.expiresAt.toISOString(),
    ip: pd.openOrNull(r.ipEnc, personalAad('sessions', 'ip', r.id)),
    user_agent: pd.openOrNull(r.userAgentEnc, personalAad('sessions', 'user_agent', r.id)),
  }));
}

/** Signs out one of the user's own live sessions (this one included). */
export async function revokeOwnSession(db: Db, deps: AuthDeps, userId: string, sessionId: string, actor: RequestActor): Promise<AuthResult<void>> {
  const now = deps.now();
  return commitAccountWrite(db, { ...actor, userId }, async (w) => {
    const [row] = await w.t
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
      .for('update')
      .limit(1);
    if (!row) return refuse('not_found', 'Session not found.');
    await revokeSession(w.t, row.id, now);
    w.audit({ action: 'session.revoke', target: { type: 'session', id: row.id } });
    return ok(undefined);
  });
}
