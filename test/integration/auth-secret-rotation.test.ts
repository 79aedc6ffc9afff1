/**
 * AUTH_SECRET rotation with a grace window (issue 16): an origin restarted with a new AUTH_SECRET
 * and PREVIOUS_AUTH_SECRET keeps honouring the CSRF tokens and captcha challenges the old secret
 * made — until PREVIOUS_AUTH_SECRET_UNTIL, or without PREVIOUS_AUTH_SECRET not at all — while
 * everything new is made with the new secret. Two origins on one database stand for the restart.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../../origin/app.js';
import { loadOriginConfig } from '../../origin/config.js';
import { solveChallengeForTests, type CaptchaChallenge } from '../../origin/identity/accounts/captcha.js';
import { createLogger } from '../../origin/logger.js';
import { listen, type RunningServer } from '../../origin/server.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, SessionClient, uniqueEmail } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const OLD = randomBytes(32).toString('hex');
const NEW = randomBytes(32).toString('hex');

let before: OriginUnderTest;
const servers: RunningServer[] = [];

/** The same database served by an origin with these identity settings (a restart with new config). */
async function restartedWith(env: Record<string, string>): Promise<string> {
  const config = loadOriginConfig({ ORIGIN_PORT: '0', LOG_LEVEL: 'silent', HIBP_URL: 'off', ORIGIN_RATE_LIMIT: 'false', BCRYPT_COST: '10', LOGIN_CAPTCHA_AFTER: '1', ...env });
  const logger = createLogger('silent');
  const server = await listen(newApp({ config, database: before.database, logger, envelope: before.envelope }), config, logger);
  servers.push(server);
  return server.url;
}

beforeAll(async () => {
  before = await startTestOrigin({ AUTH_SECRET: OLD, BCRYPT_COST: '10', LOGIN_CAPTCHA_AFTER: '1' });
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await before?.stop();
});

/** A signed-in client of the old origin, and a cookie-authenticated write needing its CSRF token. */
async function signedInBefore(): Promise<{ client: SessionClient; user: { email: string } }> {
  const user = await createUser(before, before.seed.organizationId, 'owner');
  const client = new SessionClient(before.server.url);
  await client.login(user.email, user.password);
  return { client, user };
}

const invite = (client: SessionClient, base: string) => {
  // Same cookie and CSRF token, sent to the restarted origin.
  const moved = Object.assign(new SessionClient(base), { cookie: client.cookie, csrf: client.csrf });
  return moved.request('POST', `/v1/orgs/${before.seed.organizationId}/invitations`, { email: uniqueEmail('inv'), role: 'viewer' });
};

describe('AUTH_SECRET rotation', () => {
  it('accepts CSRF tokens made with the previous secret during the grace window, and issues new ones with the new secret', async () => {
    const { client } = await signedInBefore();
    const graced = await restartedWith({ AUTH_SECRET: NEW, PREVIOUS_AUTH_SECRET: OLD, PREVIOUS_AUTH_SECRET_UNTIL: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await invite(client, graced)).status).toBe(201);
    // The session endpoint hands out the token of the new secret, which works too.
    const moved = Object.assign(new SessionClient(graced), { cookie: client.cookie, csrf: client.csrf });
    const fresh = ((await (await moved.request('GET', '/v1/auth/session')).json()) as { data: { csrf_token: string } }).data.csrf_token;
    expect(fresh).not.toBe(client.csrf);
    const renewed = Object.assign(new SessionClient(graced), { cookie: client.cookie, csrf: fresh });
    expect((await renewed.request('POST', `/v1/orgs/${before.seed.organizationId}/invitations`, { email: uniqueEmail('inv'), role: 'viewer' })).status).toBe(201);
  });

  it('refuses them after the window and without PREVIOUS_AUTH_SECRET', async () => {
    const { client } = await signedInBefore();
    const expired = await restartedWith({ AUTH_SECRET: NEW, PREVIOUS_AUTH_SECRET: OLD, PREVIOUS_AUTH_SECRET_UNTIL: new Date(Date.now() - 1000).toISOString() });
    await expectErrorShape(await invite(client, expired), 403, 'csrf_failed');
    const rotatedHard = await restartedWith({ AUTH_SECRET: NEW });
    await expectErrorShape(await invite(client, rotatedHard), 403, 'csrf_failed');
  });

  it('accepts a captcha challenge signed with the previous secret during the window only', async () => {
    const user = await createUser(before, before.seed.organizationId, 'viewer');
    // One failure asks for a captcha (LOGIN_CAPTCHA_AFTER=1); the challenge comes from the old origin.
    expect((await fetch(`${before.server.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: 'Wrong-Password-1!' }) })).status).toBe(401);
    const solve = async () => solveChallengeForTests((await (await fetch(`${before.server.url}/v1/auth/captcha`)).json()) as CaptchaChallenge);
    const login = (base: string, captcha: string) =>
      fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: user.password, captcha }) });
    const hard = await restartedWith({ AUTH_SECRET: NEW });
    await expectErrorShape(await login(hard, await solve()), 403, 'captcha_required');
    const graced = await restartedWith({ AUTH_SECRET: NEW, PREVIOUS_AUTH_SECRET: OLD });
    expect((await login(graced, await solve())).status).toBe(200);
  });

  it('refuses a bad rotation configuration, naming the setting', () => {
    expect(() => loadOriginConfig({ PREVIOUS_AUTH_SECRET: OLD })).toThrow(/PREVIOUS_AUTH_SECRET/);
    expect(() => loadOriginConfig({ AUTH_SECRET: NEW, PREVIOUS_AUTH_SECRET: NEW })).toThrow(/PREVIOUS_AUTH_SECRET must differ/);
    // A secret's value is never echoed in the start-up error.
    expect(() => loadOriginConfig({ AUTH_SECRET: NEW, PREVIOUS_AUTH_SECRET: 'short-but-secret' })).toThrow(/PREVIOUS_AUTH_SECRET must be at least 32 characters \(got \[redacted\]\)/);
    expect(() => loadOriginConfig({ AUTH_SECRET: NEW, PREVIOUS_AUTH_SECRET: OLD, PREVIOUS_AUTH_SECRET_UNTIL: 'next week' })).toThrow(/PREVIOUS_AUTH_SECRET_UNTIL/);
    expect(() => loadOriginConfig({ AUTH_SECRET: NEW, PREVIOUS_AUTH_SECRET_UNTIL: new Date().toISOString() })).toThrow(/PREVIOUS_AUTH_SECRET_UNTIL/);
  });
});
