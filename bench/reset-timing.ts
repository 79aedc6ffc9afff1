/**
 * Password-reset request latency for an existing vs an unknown email (issue 11 item 13: it was
 * ~9 ms vs ~4 ms, telling which emails have accounts). The mail transport takes 20 ms per
 * message, like a nearby SMTP server. Requests alternate existing / unknown; the per-IP reset
 * limit is cleared between requests (outside the timing). Prints each case's median and p90
 * and the ratio of the medians, which should be ≈ 1.0 (the answer precedes all
 * account-dependent work). Needs DATABASE_URL (the bench creates and drops its own database).
 * `DATABASE_URL=postgres://… npx tsx bench/reset-timing.ts`
 */
import { sql } from 'drizzle-orm';
import { newApp } from '../origin/app.js';
import { loadOriginConfig } from '../origin/config.js';
import { devEnvelope } from '../origin/crypto/envelope.js';
import { createDatabase } from '../origin/db/client.js';
import { users } from '../origin/db/schema/index.js';
import type { MailMessage, MailTransport } from '../origin/identity/mail.js';
import { createLogger } from '../origin/logger.js';
import { listen } from '../origin/server.js';
import { hashNewPassword, identityFromConfig } from '../origin/identity/context.js';
import { sealUser } from '../origin/identity/people.js';
import { scratchDatabase } from './scratch-db.js';

const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error('DATABASE_URL (a Postgres server you may create a database on) is required');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

class SlowTransport implements MailTransport {
  sent = 0;
  async send(_msg: MailMessage): Promise<void> {
    await new Promise((r) => setTimeout(r, 20));
    this.sent++;
  }
}

function stats(ms: number[]): { median: number; p90: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { median: Number(s[Math.floor(s.length / 2)]!.toFixed(2)), p90: Number(s[Math.floor(s.length * 0.9)]!.toFixed(2)) };
}

const scratch = await scratchDatabase(adminUrl);
try {
  // The origin's own rate limits are off: this measures the handler, not the limiter.
  const config = loadOriginConfig({ ORIGIN_PORT: '0', DATABASE_URL: scratch.url, DATABASE_SSLMODE: 'disable', LOG_LEVEL: 'silent', BCRYPT_COST: '10', HIBP_URL: 'off', ORIGIN_RATE_LIMIT: 'false' });
  const database = await createDatabase(config);
  await database.migrate();
  const mail = new SlowTransport();
  const logger = createLogger('silent');
  const email = 'existing@bench.test';
  const identity = identityFromConfig(config, mail);
  await database.db.insert(users).values({ ...sealUser(identity.personalData, { email, name: 'Bench' }), passwordHash: await hashNewPassword(identity, 'Bench-Password-12!'), emailVerifiedAt: new Date() });
  const origin = await listen(newApp({ config, database, logger, envelope: devEnvelope(), mail }), config, logger);
  const time = async (to: string): Promise<number> => {
    await database.db.execute(sql`delete from auth_attempts`);
    const started = performance.now();
    const res = await fetch(`${origin.url}/v1/auth/password/forgot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: to }) });
    const body = await res.arrayBuffer();
    const ms = performance.now() - started;
    if (res.status !== 202) throw new Error(`status ${res.status}: ${new TextDecoder().decode(body)}`);
    return ms;
  };
  for (let i = 0; i < 20; i++) await time(i % 2 ? email : `warm-${i}@bench.test`);
  const existing: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    existing.push(await time(email));
    unknown.push(await time(`nobody-${i}@bench.test`));
  }
  // The mails are sent after the answers, one at a time: let them finish before closing.
  const expected = 10 + ROUNDS;
  for (let waited = 0; mail.sent < expected && waited < 60_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  const e = stats(existing);
  const u = stats(unknown);
  console.log(JSON.stringify({ rounds: ROUNDS, existing_ms: e, unknown_ms: u, median_ratio: Number((e.median / u.median).toFixed(2)), mails_sent: mail.sent }));
  await origin.close();
  await database.close();
} finally {
  await scratch.drop();
}
