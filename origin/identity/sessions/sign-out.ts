/**
 * Signing out (POST /v1/auth/logout, /v1/auth/logout-all): this session, or every session of
 * the user, revoked with one audit row (`session.revoke` naming the session, `session.revoke_all`
 * naming the user with the count), through the commit step (`commitAccountWrite`).
 */
import type { Db } from '../../db/client.js';
import { commitAccountWrite } from '../../outbox/index.js';
import { ok, type AuthDeps, type RequestActor } from '../auth-result.js';
import { revokeSession, revokeUserSessions } from './sessions.js';

export async function logout(db: Db, deps: AuthDeps, u: { userId: string; sessionId: string }, actor: RequestActor): Promise<void> {
  await commitAccountWrite(db, { ...actor, userId: u.userId }, async (w) => {
    await revokeSession(w.t, u.sessionId, deps.now());
    w.audit({ action: 'session.revoke', target: { type: 'session', id: u.sessionId } });
    return ok(undefined);
  });
}

/** Ends every session of the user; how many were live. */
export async function logoutAll(db: Db, deps: AuthDeps, u: { userId: string }, actor: RequestActor): Promise<number> {
  const r = await commitAccountWrite(db, { ...actor, userId: u.userId }, async (w) => {
    const count = await revokeUserSessions(w.t, u.userId, deps.now());
    w.audit({ action: 'session.revoke_all', target: { type: 'user', id: u.userId }, metadata: { sessions: count } });
    return ok(count);
  });
  return r.value;
}
