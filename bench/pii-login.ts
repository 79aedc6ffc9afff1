/**
 * Personal data at rest: what encryption and blind indexes cost login and invitations (issue 16:
 * "login and invitation speed stay within 10% of today").
 *
 * One run, one database, the same service code (origin/identity login and inviteMember, with the
 * commit step, audit rows, sessions, throttle rows), two key sets:
 *   plain      a PersonalData that stores values as given and "indexes" the normalised value —
 *              what ghee did before (plaintext columns, an equality index on lower(email));
 *   encrypted  the real one (AES-256-GCM envelopes under MASTER_KEYS, HMAC blind indexes),
 *              also for the audit rows' client address and user agent (migration 0020).
 * Both kinds of users live in the same `users` table (BENCH_USERS of each), so the indexes are as
 * large for both. Rounds alternate plain / encrypted (and their order) so load on this shared
 * machine falls on both; the ratio is the geometric mean of the rounds' encrypted/plain ratios.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/pii-login.ts        (else an in-memory PGlite)
 *   BENCH_USERS (default 2000), BENCH_ROUNDS (8), BENCH_LOGINS per round (20), BENCH_INVITES per round (100), BCRYPT_COST (10)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setAuditPersonalData } from '../origin/audit/index.js';
import { loadOriginConfig } from '../origin/config.js';
import { normaliseForIndex, personalDataFromConfig, type PersonalData } from '../origin/crypto/personal-data.js';
import { createDatabase, type Database } from '../origin/db/client.js';
import { users } from '../origin/db/schema/index.js';
import { seedDemo } from '../origin/db/seed.js';
import { pgCaptchaStore } from '../origin/identity/accounts/auth-attempts.js';
import { login } from '../origin/identity/accounts/login.js';
import { hashNewPassword, identityFromConfig } from '../origin/identity/context.js';
import { MemoryTransport } from '../origin/identity/mail.js';
import { inviteMember } from '../origin/identity/members/invitations.js';
import { sealUser } from '../origin/identity/people.js';
import { createLogger } from '../origin/logger.js';
import { scratchDatabase } from './scratch-db.js';

const USERS = Number(process.env.BENCH_USERS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 20);
const INVITES = Number(process.env.BENCH_INVITES ?? 100);
const PASSWORD = 'Quiet-Harbor-73-Lantern!';

/** The plaintext baseline: the same interface, no cryptography. */
function plainPersonalData(real: PersonalData): PersonalData {
  return {
    version: 1,
    versions: [1],
    envelope: real.envelope,
    seal: (v) => v,
    open: (t) => t,
    openOrNull: (t) => t ?? null,
    sealOrNull: (v) => v ?? null,
    blindIndex: (kind, v) => `p.${normaliseForIndex(kind, v)}`,
    blindIndexes: (kind, v) => [`p.${normaliseForIndex(kind, v)}`],
    blindIndexIsStale: () => false,
    needsReencrypt: () => false,
  };
}

const adminUrl = process.env.DATABASE_URL;
const scratch = adminUrl ? await scratchDatabase(adminUrl) : null;
let database: Database | null = null;
try {
  const config = loadOriginConfig({
    LOG_LEVEL: 'silent',
    HIBP_URL: 'off',
    BCRYPT_COST: process.env.BCRYPT_COST ?? '10',
    LOGIN_CAPTCHA_AFTER: '1000',
    MASTER_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    ...(scratch ? { DATABASE_URL: scratch.url, DATABASE_SSLMODE: 'disable' } : { PGLITE_DIR: 'memory://' }),
  });
  database = await createDatabase(config);
  await database.migrate();
  const db = database.db;
  const base = identityFromConfig(config, new MemoryTransport());
  const encrypted = personalDataFromConfig(config.MASTER_KEYS);
  const plain = plainPersonalData(encrypted);
  const seed = (await seedDemo(db, new Date(), encrypted))!;
  const hash = await hashNewPassword(base, PASSWORD);
  const emails = { plain: [] as string[], encrypted: [] as string[] };
  for (const kind of ['plain', 'encrypted'] as const) {
    const pd = kind === 'plain' ? plain : encrypted;
    for (let i = 0; i < USERS; i += 500) {
      const batch = Array.from({ length: Math.min(500, USERS - i) }, (_, j) => `Bench.${kind}-${i + j}@pii.example`);
      emails[kind].push(...batch);
      await db.insert(users).values(batch.map((email) => ({ ...sealUser(pd, { email, name: `Bench ${email}` }), passwordHash: hash, emailVerifiedAt: new Date() })));
    }
  }
  const logger = createLogger('silent');
  const captchaStore = pgCaptchaStore(db);
  const depsFor = (pd: PersonalData) => ({ identity: { ...base, personalData: pd }, envelope: encrypted.envelope, logger, now: () => new Date() });
  const actor = { userId: null, keyId: null, ip: '203.0.113.50', userAgent: 'bench' };
  const inviter = { userId: null, keyId: null, system: 'operator' as const, organizationId: seed.organizationId };

  let cursor = 0;
  async function loginRound(kind: 'plain' | 'encrypted'): Promise<number> {
    const deps = depsFor(kind === 'plain' ? plain : encrypted);
    // The audit row's client address and user agent too (sealed since migration 0020; plaintext before).
    setAuditPersonalData(kind === 'plain' ? plain : encrypted);
    const t0 = performance.now();
    for (let i = 0; i < LOGINS; i++) {
      const email = emails[kind][(cursor + i) % USERS]!.toLowerCase();
      const r = await login(db, deps, captchaStore, { email, password: PASSWORD }, actor);
      if (!r.ok) throw new Error(`login failed: ${r.error}`);
    }
    return (performance.now() - t0) / LOGINS;
  }
  async function inviteRound(kind: 'plain' | 'encrypted'): Promise<number> {
    const pd = kind === 'plain' ? plain : encrypted;
    setAuditPersonalData(pd);
    const t0 = performance.now();
    for (let i = 0; i < INVITES; i++) {
      const r = await inviteMember(db, pd, inviter, { email: `invitee-${randomUUID()}@pii.example`, role: 'viewer', spaceId: null, now: new Date() });
      if (!r.ok) throw new Error(`invite failed: ${r.detail}`);
    }
    return (performance.now() - t0) / INVITES;
  }

  // Warm-up (JIT, pool, caches) on both.
  for (const k of ['plain', 'encrypted'] as const) {
    await loginRound(k);
    await inviteRound(k);
  }
  const ratios = { login: [] as number[], invite: [] as number[] };
  const means = { login: { plain: 0, encrypted: 0 }, invite: { plain: 0, encrypted: 0 } };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const);
    const got: Record<string, number> = {};
    for (const k of order) got[`login.${k}`] = await loginRound(k);
    cursor += LOGINS;
    for (const k of order) got[`invite.${k}`] = await inviteRound(k);
    ratios.login.push(got['login.encrypted']! / got['login.plain']!);
    ratios.invite.push(got['invite.encrypted']! / got['invite.plain']!);
    for (const op of ['login', 'invite'] as const) for (const k of ['plain', 'encrypted'] as const) means[op][k] += got[`${op}.${k}`]! / ROUNDS;
  }
  const geo = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

  // The cryptography alone, per operation.
  const N = 20_000;
  const micro = (f: () => void) => {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) f();
    return ((performance.now() - t0) * 1000) / N;
  };
  const token = encrypted.seal('someone@example.com', 'pd|users.email|x');
  const us = {
    seal: micro(() => encrypted.seal('someone@example.com', 'pd|users.email|x')),
    open: micro(() => encrypted.open(token, 'pd|users.email|x')),
    blindIndex: micro(() => encrypted.blindIndex('email', 'someone@example.com')),
  };

  const fmt = (n: number) => n.toFixed(2);
  process.stdout.write(
    [
      `pii-login: ${USERS} users of each kind, ${ROUNDS} rounds, ${database.kind}, bcrypt cost ${config.BCRYPT_COST}`,
      `login       plain ${fmt(means.login.plain)} ms  encrypted ${fmt(means.login.encrypted)} ms  ratio ${geo(ratios.login).toFixed(3)} (rounds ${ratios.login.map((x) => x.toFixed(3)).join(' ')})`,
      `invitation  plain ${fmt(means.invite.plain)} ms  encrypted ${fmt(means.invite.encrypted)} ms  ratio ${geo(ratios.invite).toFixed(3)} (rounds ${ratios.invite.map((x) => x.toFixed(3)).join(' ')})`,
      `per operation: seal ${us.seal.toFixed(1)} us, open ${us.open.toFixed(1)} us, blind index ${us.blindIndex.toFixed(1)} us`,
      '',
    ].join('\n'),
  );
} finally {
  await database?.close();
  await scratch?.drop();
}
// Nothing is left to wait for; a pooled connection's idle timer must not hold the bench open.
process.exit(0);
