/**
 * A member's own sessions (GET /v1/auth/sessions, DELETE /v1/auth/sessions/:id; the web app's
 * session list): only the caller's live sessions, this one marked, address and browser opened
 * from their sealed columns; signing out another device ends exactly that session with one
 * session.revoke audit row; another user's session, an ended one, a malformed id, an API key and
 * no session are refused without a change.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, sessions } from '../../origin/db/schema/index.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, SessionClient, type TestUser } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
  alice = await createUser(origin, origin.seed.organizationId, 'author');
  bob = await createUser(origin, origin.seed.organizationId, 'author');
});
afterAll(async () => origin?.stop());

async function signedIn(u: TestUser, ua: string): Promise<SessionClient> {
  const c = new SessionClient(origin.server.url);
  const res = await c.request('POST', '/v1/auth/login', { email: u.email, password: u.password }, { 'user-agent': ua });
  expect(res.status).toBe(200);
  c.csrf = ((await res.json()) as { csrf_token: string }).csrf_token;
  return c;
}

interface View {
  id: string;
  current: boolean;
  ip: string | null;
  user_agent: string | null;
  auth_method: string;
}

const list = async (c: SessionClient) => {
  const res = await c.request('GET', '/v1/auth/sessions');
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return ((await res.json()) as { data: View[] }).data;
};

const revokeRows = async (sessionId: string) =>
  (await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'session.revoke'), eq(auditEvents.targetId, sessionId)))).length;

describe('the session list', () => {
  it("lists only the caller's live sessions, this one marked, with address and browser", async () => {
    const laptop = await signedIn(alice, 'Laptop Firefox/140.0');
    const phone = await signedIn(alice, 'Phone Safari/18.0');
    await signedIn(bob, 'Bob Chrome/150.0');
    const seen = await list(laptop);
    expect(seen.map((s) => s.user_agent).sort()).toEqual(['Laptop Firefox/140.0', 'Phone Safari/18.0']);
    expect(seen.filter((s) => s.current).map((s) => s.user_agent)).toEqual(['Laptop Firefox/140.0']);
    expect(seen.every((s) => s.ip === '127.0.0.1' && s.auth_method === 'password')).toBe(true);
    // Stored sealed, answered opened.
    const [row] = await origin.database.db.select().from(sessions).where(eq(sessions.id, seen[0]!.id));
    expect(row!.userAgentEnc).not.toContain('Safari');
    expect((await list(phone)).filter((s) => s.current).map((s) => s.user_agent)).toEqual(['Phone Safari/18.0']);
  });

  it('signs out another device: that session ends, with one session.revoke row; this one goes on', async () => {
    const laptop = await signedIn(alice, 'Laptop Firefox/141.0');
    const tablet = await signedIn(alice, 'Tablet Chrome/150.0');
    const target = (await list(laptop)).find((s) => s.user_agent === 'Tablet Chrome/150.0')!;
    const res = await laptop.request('DELETE', `/v1/auth/sessions/${target.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'signed_out' });
    expect(await revokeRows(target.id)).toBe(1);
    await expectErrorShape(await tablet.request('GET', '/v1/auth/session'), 401, 'unauthenticated');
    expect((await laptop.request('GET', '/v1/auth/session')).status).toBe(200);
    // Already ended: 404, no second row.
    await expectErrorShape(await laptop.request('DELETE', `/v1/auth/sessions/${target.id}`), 404, 'not_found');
    expect(await revokeRows(target.id)).toBe(1);
  });

  it("refuses another user's session (404, still live), a malformed id, a missing CSRF token, an API key and no session", async () => {
    const mine = await signedIn(alice, 'Laptop Firefox/142.0');
    const bobs = await signedIn(bob, 'Bob Chrome/151.0');
    const bobSession = (await list(bobs)).find((s) => s.current)!;
    await expectErrorShape(await mine.request('DELETE', `/v1/auth/sessions/${bobSession.id}`), 404, 'not_found');
    expect((await bobs.request('GET', '/v1/auth/session')).status).toBe(200);
    expect(await revokeRows(bobSession.id)).toBe(0);
    await expectErrorShape(await mine.request('DELETE', '/v1/auth/sessions/not-a-uuid'), 404, 'not_found');
    await expectErrorShape(await mine.request('DELETE', `/v1/auth/sessions/${bobSession.id}`, undefined, { 'x-csrf-token': 'wrong' }), 403, 'csrf_failed');
    const key = { authorization: `Token ${origin.seed.keys.admin}` };
    await expectErrorShape(await fetch(`${origin.server.url}/v1/auth/sessions`, { headers: key }), 403, 'forbidden');
    await expectErrorShape(await fetch(`${origin.server.url}/v1/auth/sessions`), 401, 'unauthenticated');
    expect((await bobs.request('GET', '/v1/auth/session')).status).toBe(200);
  });
});
