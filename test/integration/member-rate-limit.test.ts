/**
 * Signed-in members' rate limits (origin/http/rate-limit.ts), over real HTTP against a real origin
 * on a real database, with the DEFAULT limits on: a member counts per member (the session's user),
 * and a web-app page counts once however many API calls it makes in process; editors behind one
 * address do not share one budget, and an anonymous flood from that address is still refused —
 * without stopping the members. Every 429 is the one error shape with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, type TestUser } from '../helpers/identity.js';
import { Browser } from '../helpers/sso.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let org: string;
const users: TestUser[] = [];

/** A browser-like member (a cookie jar), every request from 127.0.0.1: one address for all. */
class Member {
  private readonly browser = new Browser();
  /** Requests this member sent. */
  sent = 0;
  constructor(readonly user: TestUser) {}

  fetch(path: string, init: { method?: string; form?: Record<string, string>; json?: unknown } = {}): Promise<Response> {
    this.sent++;
    return this.browser.request(`${origin.server.url}${path}`, { method: init.method ?? 'GET', ...init, headers: { 'sec-fetch-site': 'same-origin' } });
  }

  async signIn(): Promise<void> {
    const res = await this.fetch('/v1/auth/login', { method: 'POST', json: { email: this.user.email, password: this.user.password } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(this.browser.cookie(origin.server.url, '__Host-ghee_session')).toBeTruthy();
  }

  /** A page view of the settings screen (it reads the member, the organization, its allowlist and its spaces through the API, in process). */
  async view(): Promise<{ status: number; remaining: number; csrf: string }> {
    const res = await this.fetch(`/admin/o/${org}/settings`);
    const html = await res.text();
    expect(res.status, html.slice(0, 300)).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    return { status: res.status, remaining: Number(res.headers.get('ratelimit-remaining')), csrf };
  }

  /** A save of the settings form (PATCH /v1/orgs/:org in process, through the commit step), then the page it redirects to. */
  async save(csrf: string, n: number): Promise<void> {
    const res = await this.fetch(`/admin/o/${org}/settings`, { method: 'POST', form: { _csrf: csrf, name: `Demo org ${n}` } });
    expect(res.status, await res.clone().text()).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/o/${org}/settings`);
    await this.view();
  }
}

/** Sends `send()` until it is refused (at most `max` times; every other answer 200): the 429. */
async function floodUntilRefused(send: () => Promise<Response>, max: number): Promise<Response> {
  for (let i = 0; i < max; i++) {
    const res = await send();
    if (res.status === 429) return res;
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
  throw new Error(`not refused after ${max} requests`);
}

/** A 429 in the one error shape: Retry-After (the penalty), RateLimit-Remaining 0, never cached. */
async function expectThrottled(res: Response): Promise<void> {
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(res.headers.get('ratelimit-remaining')).toBe('0');
  expect(res.headers.get('cache-control')).toBe('no-store');
  await expectErrorShape(res, 429, 'rate_limited');
}

beforeAll(async () => {
  // The production defaults (limits on; nothing else about them set): window 10 s, manage 20/s per
  // address (200 a window), members 20/s each (200 a window) and 200/s per address together.
  origin = await startTestOrigin({ ORIGIN_RATE_LIMIT: 'true', BCRYPT_COST: '10' });
  org = origin.seed.organizationId;
  for (let i = 0; i < 3; i++) users.push(await createUser(origin, org, 'owner'));
}, 120_000);
afterAll(async () => origin?.stop());

describe('members are limited per member, pages count once', () => {
  it('a page view counts once against the member, whatever it calls in process', async () => {
    const m = new Member(users[0]!);
    await m.signIn();
    await m.view(); // the session's first request: counted per address, and the API verifies the session
    const first = await m.view();
    const second = await m.view();
    // Counted per member (quota 200 a window), one per page view: the page's four in-process API calls are not counted.
    expect(first.remaining).toBe(199);
    expect(second.remaining).toBe(198);
  });

  it('one editor saves 30 times and views 60 pages in a burst without a 429; a second editor behind the same address is not affected', async () => {
    const a = new Member(users[0]!);
    await a.signIn();
    let { csrf } = await a.view();
    for (let i = 0; i < 30; i++) await a.save(csrf, i);
    for (let i = 0; i < 60; i++) csrf = (await a.view()).csrf;
    expect(a.sent).toBeGreaterThanOrEqual(30 * 2 + 60);
    // Behind the same address (127.0.0.1), the second editor still has nearly a whole budget.
    const b = new Member(users[1]!);
    await b.signIn();
    await b.view();
    const seen = await b.view();
    expect(seen.remaining).toBe(199);
    await b.save(seen.csrf, 99);
  }, 120_000);

  it('a member over their own limit gets the 429 in the error shape; the others behind that address go on', async () => {
    const c = new Member(users[2]!);
    await c.signIn();
    await c.view();
    // Their quota is 200 a window: the session read is refused before 260.
    await expectThrottled(await floodUntilRefused(() => c.fetch('/v1/auth/session'), 260));
    // The penalty is that member's, not the address's.
    const a = new Member(users[0]!);
    await a.signIn();
    await a.view();
    expect((await a.view()).status).toBe(200);
  }, 120_000);

  it('an anonymous flood from the same address is refused (per address); signed-in members there go on', async () => {
    const a = new Member(users[0]!);
    await a.signIn();
    await a.view();
    // The address's manage quota is 200 a window: the sign-in page is refused before 300.
    await expectThrottled(await floodUntilRefused(() => fetch(`${origin.server.url}/admin/sign-in`, { signal: AbortSignal.timeout(20_000) }), 300));
    // A made-up session cookie counts per address: still refused.
    const forged = await fetch(`${origin.server.url}/admin/sign-in`, { headers: { cookie: '__Host-ghee_session=made-up-token-that-no-session-has' } });
    await expectThrottled(forged);
    // The member whose session the API verified is counted as themself: the page and a save work.
    const seen = await a.view();
    await a.save(seen.csrf, 100);
  }, 120_000);
});
