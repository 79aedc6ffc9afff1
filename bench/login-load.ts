/**
 * Content-read p99 at the origin while 100 logins run concurrently, vs the same reads idle.
 * Target: ratio (under load / idle) ≤ 2 — bcrypt runs on the libuv pool, so hashing must not
 * block the event loop that serves reads. Uses DATABASE_URL (a Postgres server you may create a
 * database on) or, without it, an in-memory PGlite.
 * `DATABASE_URL=postgres://… npx tsx bench/login-load.ts`
 */
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { newApp } from '../origin/app.js';
import { loadOriginConfig } from '../origin/config.js';
import { devEnvelope } from '../origin/crypto/envelope.js';
import { createDatabase, type Database } from '../origin/db/client.js';
import { memberships, users } from '../origin/db/schema/index.js';
import { seedDemo } from '../origin/db/seed.js';
import { MemoryTransport } from '../origin/identity/mail.js';
import { createLogger } from '../origin/logger.js';
import { listen } from '../origin/server.js';
import { scratchDatabase } from './scratch-db.js';
import { hashNewPassword, identityFromConfig } from '../origin/identity/context.js';
import { sealUser } from '../origin/identity/people.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 100);
const PASSWORD = 'Quiet-Harbor-73-Lantern!';

const adminUrl = process.env.DATABASE_URL;
const scratch = adminUrl ? await scratchDatabase(adminUrl) : null;
const dbUrl = scratch?.url;

let database: Database | null = null;
try {
  const config = loadOriginConfig({
    ORIGIN_PORT: '0',
    LOG_LEVEL: 'silent',
    HIBP_URL: 'off',
    BCRYPT_COST: '11',
    // The timing comparison below fails 40 logins from one address: keep the captcha gate out of it.
    LOGIN_CAPTCHA_AFTER: '1000',
    // Room for the pool: 100 logins and the reads share it.
    DATABASE_POOL_MAX: '20',
    ...(dbUrl ? { DATABASE_URL: dbUrl, DATABASE_SSLMODE: 'disable' } : { PGLITE_DIR: 'memory://' }),
  });
  database = await createDatabase(config);
  await database.migrate();
  const seed = (await seedDemo(database.db))!;
  const identity = identityFromConfig(config, new MemoryTransport());
  const hash = await hashNewPassword(identity, PASSWORD);
  const emails = Array.from({ length: LOGINS }, (_, i) => `bench-${i}@example.test`);
  const rows = await database.db
    .insert(users)
    .values(emails.map((email) => ({ ...sealUser(identity.personalData, { email, name: 'Bench' }), passwordHash: hash, emailVerifiedAt: new Date() })))
    .returning({ id: users.id });
  await database.db.insert(memberships).values(rows.map((r) => ({ userId: r.id, organizationId: seed.organizationId, role: 'author' as const })));
  const logger = createLogger('silent');
  const server = await listen(newApp({ config, database, logger, envelope: devEnvelope(), mail: new MemoryTransport() }), config, logger);

  const read = () =>
    autocannon({
      url: `${server.url}/v2/pages/*/home/?auth_token=${seed.keys.read}`,
      connections: CONNECTIONS,
      duration: DURATION,
    });

  // Warm up (JIT, pool, dummy hash).
  await autocannon({ url: `${server.url}/v2/pages/*/home/?auth_token=${seed.keys.read}`, connections: CONNECTIONS, duration: 2 });

  const idle = await read();

  // 100 concurrent logins, repeated for the whole measurement, from their own thread (a client
  // must not share the server's event loop, or the bench would measure the client).
  const loginWorker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     let stop = false, done = 0, ok = 0;
     parentPort.on('message', () => { stop = true; });
     const once = async (email) => {
       const res = await fetch(workerData.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: workerData.password }) });
       done++; if (res.status === 200) ok++;
       await res.arrayBuffer();
     };
     Promise.all(workerData.emails.map(async (e) => { while (!stop) await once(e); })).then(() => parentPort.postMessage({ done, ok }));`,
    { eval: true, workerData: { url: `${server.url}/v1/auth/login`, password: PASSWORD, emails } },
  );
  const loginResult = new Promise<{ done: number; ok: number }>((resolve) => loginWorker.once('message', resolve));
  const loaded = await read();
  loginWorker.postMessage('stop');
  const { done: loginsDone, ok: loginsOk } = await loginResult;
  await loginWorker.terminate();

  // Timing of failures: an unknown account must cost what a wrong password costs (one bcrypt),
  // so response times do not tell which accounts exist. Sequential, after the load has ended.
  const timeLogin = async (email: string): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'Not-The-Password-1!' }) });
    await res.arrayBuffer();
    return performance.now() - t0;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 20; i++) {
    // Different accounts each time and interleaved, so neither captcha nor order skews it.
    known.push(await timeLogin(emails[i % emails.length]!));
    unknown.push(await timeLogin(`nobody-${i}@example.test`));
  }
  const ratio = loaded.latency.p99 / Math.max(1, idle.latency.p99);
  console.log(`content read, idle:         p50 ${idle.latency.p50} ms, p99 ${idle.latency.p99} ms, ${Math.round(idle.requests.average)} req/s`);
  console.log(`content read, ${LOGINS} logins:  p50 ${loaded.latency.p50} ms, p99 ${loaded.latency.p99} ms, ${Math.round(loaded.requests.average)} req/s`);
  console.log(`logins completed: ${loginsDone} (${loginsOk} ok) in ${DURATION} s, bcrypt cost 11`);
  console.log(`p99 ratio (under logins / idle): ${ratio.toFixed(2)}  target ≤ 2.00  ${ratio <= 2 ? 'OK' : 'MISSED'}`);
  const timing = median(unknown) / median(known);
  console.log(`failed login, median: wrong password ${median(known).toFixed(0)} ms, unknown account ${median(unknown).toFixed(0)} ms, ratio ${timing.toFixed(2)} (want ≈ 1)`);
  await server.close();
} finally {
  await database?.close();
  await scratch?.drop();
}
