/**
 * Unauthenticated requests that name an email answer before doing anything that depends on
 * whether the email has an account (issue 11 item 13: reset requests answered in ~9 ms for
 * existing accounts and ~4 ms for unknown ones). Proven with a mail transport that blocks
 * until released: the answer arrives while it is blocked, the mail goes out after release,
 * and the existing and the unknown email get identical status, body and headers.
 *
 * Class test: every such route (reset request, sign-up) × (existing, unknown) email.
 * A timing comparison belongs in bench/, not here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailMessage, MailTransport } from '../../origin/identity/mail.js';
import { authAttempts } from '../../origin/db/schema/index.js';
import { createUser, GOOD_PASSWORD, uniqueEmail } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

/** Holds every send until `release()`; records what was attempted and what was sent. */
class GatedTransport implements MailTransport {
  readonly attempted: MailMessage[] = [];
  readonly sent: MailMessage[] = [];
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};

  close(): void {
    this.gate = new Promise((r) => {
      this.open = r;
    });
  }

  release(): void {
    this.open();
  }

  async send(msg: MailMessage): Promise<void> {
    this.attempted.push(msg);
    await this.gate;
    this.sent.push(msg);
  }
}

const mail = new GatedTransport();
let origin: OriginUnderTest;

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** POST that fails the test if no answer comes within `ms` (the handler waited for the mail). */
async function post(path: string, body: unknown, ms = 5000): Promise<Response> {
  return fetch(`${origin.server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(ms),
  });
}

/** What a client can compare between two answers: status, body, headers but the per-request ones. */
async function observable(res: Response) {
  const headers = [...res.headers.entries()].filter(([k]) => !['x-request-id', 'date', 'content-length'].includes(k)).sort();
  return { status: res.status, body: await res.text(), headers };
}

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' }, { mail });
});

afterAll(async () => {
  mail.release();
  await origin?.stop();
});

interface EmailRoute {
  path: string;
  body: (email: string) => unknown;
}

const ROUTES: Record<string, EmailRoute> = {
  'password reset request': { path: '/v1/auth/password/forgot', body: (email) => ({ email }) },
  'sign-up': { path: '/v1/auth/signup', body: (email) => ({ email, password: GOOD_PASSWORD, name: 'Someone', organization_name: 'Same Org Name' }) },
};

describe('answers do not depend on whether the email has an account', () => {
  it('answers a reset request while the mail transport is blocked, and sends the mail after release', async () => {
    await origin.database.db.delete(authAttempts);
    const u = await createUser(origin, origin.seed.organizationId, 'author');
    const attempted = mail.attempted.length;
    const sent = mail.sent.length;
    mail.close();
    const res = await post('/v1/auth/password/forgot', { email: u.email });
    expect(res.status).toBe(202);
    // The mail is being sent (blocked), not yet delivered.
    await until('the reset mail to be attempted', () => mail.attempted.length === attempted + 1);
    expect(mail.attempted[attempted]!.to).toBe(u.email);
    expect(mail.sent.length).toBe(sent);
    mail.release();
    await until('the reset mail to be sent', () => mail.sent.length === sent + 1);
    expect(mail.sent[sent]!.text).toMatch(/password\/reset\?token=/);
  });

  for (const [name, route] of Object.entries(ROUTES)) {
    it(`${name}: existing and unknown emails get identical answers, before any mail is sent`, async () => {
      await origin.database.db.delete(authAttempts);
      const existing = await createUser(origin, origin.seed.organizationId, 'viewer', { email: uniqueEmail('known') });
      const unknown = uniqueEmail('known');
      const sent = mail.sent.length;
      mail.close();
      const a = await observable(await post(route.path, route.body(existing.email)));
      const b = await observable(await post(route.path, route.body(unknown)));
      expect(a.status).toBeLessThan(300);
      expect(b).toEqual(a);
      // Both answered while every mail was held back.
      expect(mail.sent.length).toBe(sent);
      mail.release();
      await until('the queued mails', () => mail.sent.length > sent);
    });
  }
});
