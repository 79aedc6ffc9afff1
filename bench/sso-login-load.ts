/**
 * Content-read p99 at the origin while 100 SSO (OpenID Connect) sign-ins run concurrently, vs
 * the same reads idle. Target: ratio (under sign-ins / idle) ≤ 2, as for password logins
 * (bench/login-load.ts). Each sign-in is the whole exchange: ghee's login start (state row,
 * authorization URL), the provider's redirect, ghee's callback (code redemption at the
 * provider's token endpoint, ID-token signature and claims checks, JIT user or existing
 * membership, session, audit row).
 *
 * The provider is a small OP on jose in a worker thread (with the sign-in clients), so neither
 * its signing nor the clients share the event loop of the server measured.
 *
 * Then the sign-ins' own cost, without reads (BENCH_COST_LOGINS of them, 100 at once): the
 * server's main-thread CPU time per sign-in (`process.threadCpuUsage()`: this thread only — the
 * OP and the clients run in the worker — and CPU time, not wall time, so other programs on the
 * machine inflate it little) and its socket writes to Postgres per sign-in (≈ round trips: the
 * driver sends what is queued in one tick as one write). Unlike the p99 ratio, these hardly
 * depend on how busy the machine is.
 * `DATABASE_URL=postgres://… npx tsx bench/sso-login-load.ts` (PGlite without it).
 */
import { Socket } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { newApp } from '../origin/app.js';
import { loadOriginConfig } from '../origin/config.js';
import { devEnvelope } from '../origin/crypto/envelope.js';
import { createDatabase, type Database } from '../origin/db/client.js';
import { ssoDomains } from '../origin/db/schema/index.js';
import { seedDemo } from '../origin/db/seed.js';
import { unwrap } from '../origin/http/result.js';
import { MemoryTransport } from '../origin/identity/mail.js';
import { createOidcConnection } from '../origin/identity/sso/connections.js';
import { addDomain, verifyDomain, VERIFICATION_PREFIX } from '../origin/identity/sso/domains.js';
import { createLogger } from '../origin/logger.js';
import { listen } from '../origin/server.js';
import { eq } from 'drizzle-orm';
import { scratchDatabase } from './scratch-db.js';
import { freePort } from '../origin/net/free-port.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 100);
const COST_LOGINS = Number(process.env.BENCH_COST_LOGINS ?? 400);

// The OP and the sign-in clients, in their own thread. The OP answers every authorize request at
// once (the user "is signed in"), naming user i by the login_hint the client sends.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
// The IdP and the browsers are not ghee: lowest CPU priority for this thread (Linux: per thread),
// so on a small machine the load generator does not take the CPU from the server measured.
require('node:os').setPriority(19);
(async () => {
  const jose = await import('jose');
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256');
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const issuer = 'http://127.0.0.1:' + workerData.opPort;
  const codes = new Map();
  const op = http.createServer((req, res) => {
    const url = new URL(req.url, issuer);
    const json = (v) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
    if (url.pathname === '/.well-known/openid-configuration') return json({ issuer, authorization_endpoint: issuer + '/authorize', token_endpoint: issuer + '/token', jwks_uri: issuer + '/jwks', response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'], code_challenge_methods_supported: ['S256'] });
    if (url.pathname === '/jwks') return json({ keys: [jwk] });
    if (url.pathname === '/authorize') {
      const code = Math.random().toString(36).slice(2) + Date.now();
      codes.set(code, { nonce: url.searchParams.get('nonce'), user: url.searchParams.get('login_hint') });
      const back = new URL(url.searchParams.get('redirect_uri'));
      back.searchParams.set('code', code); back.searchParams.set('state', url.searchParams.get('state'));
      res.writeHead(302, { location: back.href }); return res.end();
    }
    if (url.pathname === '/token') {
      let body = ''; req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const c = codes.get(new URLSearchParams(body).get('code')); codes.delete(new URLSearchParams(body).get('code'));
        const now = Math.floor(Date.now() / 1000);
        const idToken = await new jose.SignJWT({ iss: issuer, aud: workerData.clientId, sub: c.user, iat: now, exp: now + 300, nonce: c.nonce, email: c.user + '@bench.test', email_verified: true })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
        json({ access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken });
      });
      return;
    }
    res.writeHead(404); res.end();
  });
  await new Promise((r) => op.listen(workerData.opPort, '127.0.0.1', r));
  parentPort.postMessage({ ready: true });
  let stop = false, done = 0, ok = 0;
  parentPort.on('message', (m) => { if (m === 'stop') stop = true; });
  await new Promise((r) => parentPort.once('message', r)); // 'go'
  const once = async (i) => {
    const start = await fetch(workerData.loginUrl, { redirect: 'manual' });
    const cookie = (start.headers.getSetCookie()[0] || '').split(';')[0];
    const authorize = new URL(start.headers.get('location')); authorize.searchParams.set('login_hint', 'user' + i);
    const back = await fetch(authorize, { redirect: 'manual' });
    const done1 = await fetch(back.headers.get('location'), { redirect: 'manual', headers: { cookie } });
    done++; if (done1.status === 302) ok++;
    await done1.arrayBuffer(); await start.arrayBuffer(); await back.arrayBuffer();
  };
  await Promise.all(Array.from({ length: workerData.logins }, async (_, i) => { while (!stop) await once(i); }));
  parentPort.postMessage({ done, ok });
  // The counted run: exactly n sign-ins, workerData.logins at once.
  const n = await new Promise((r) => parentPort.once('message', r));
  done = 0; ok = 0; let next = 0;
  await Promise.all(Array.from({ length: workerData.logins }, async (_, i) => { while (next < n) { next++; await once(i); } }));
  parentPort.postMessage({ done, ok });
  op.close();
})();
`;

const adminUrl = process.env.DATABASE_URL;
const scratch = adminUrl ? await scratchDatabase(adminUrl) : null;
let database: Database | null = null;
try {
  const port = await freePort();
  const opPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadOriginConfig({
    ORIGIN_PORT: String(port),
    PUBLIC_APP_URL: base,
    SSO_ALLOW_LOOPBACK: 'true',
    // Every sign-in comes from one address here: the origin's per-address limits would refuse most.
    ORIGIN_RATE_LIMIT: 'false',
    LOG_LEVEL: 'silent',
    HIBP_URL: 'off',
    DATABASE_POOL_MAX: '20',
    ...(scratch ? { DATABASE_URL: scratch.url, DATABASE_SSLMODE: 'disable' } : { PGLITE_DIR: 'memory://' }),
  });
  database = await createDatabase(config);
  await database.migrate();
  const seed = (await seedDemo(database.db))!;
  const envelope = devEnvelope();
  const actor = { userId: null, keyId: null, system: 'operator' as const, organizationId: seed.organizationId };
  const clientId = 'bench';
  const connection = unwrap(
    await createOidcConnection(database.db, envelope, actor, { protocol: 'oidc', name: 'Bench OP', issuer: `http://127.0.0.1:${opPort}`, client_id: clientId, client_secret: 'bench-secret' }),
  );
  const domain = unwrap(await addDomain(database.db, actor, { domain: 'bench.test', connectionId: connection.id }));
  const [row] = await database.db.select().from(ssoDomains).where(eq(ssoDomains.id, domain.id));
  unwrap(await verifyDomain(database.db, actor, domain.id, async () => [`${VERIFICATION_PREFIX}${row!.verificationToken}`], new Date()));
  const logger = createLogger('silent');
  const server = await listen(newApp({ config, database, logger, envelope, mail: new MemoryTransport() }), config, logger);

  const worker = new Worker(WORKER, { eval: true, workerData: { opPort, clientId, logins: LOGINS, loginUrl: `${base}/v1/auth/sso/login/${connection.id}` } });
  await new Promise((r) => worker.once('message', r));
  const readUrl = `${base}/v2/pages/*/home/?auth_token=${seed.keys.read}`;
  // The main thread's event-loop delay during each phase: how long a ready read waited for the
  // thread (sign-ins' own work shows here; a tail the loop does not show is the machine's CPU or
  // the database, not the event loop).
  const read = async () => {
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const r = await autocannon({ url: readUrl, connections: CONNECTIONS, duration: DURATION });
    loop.disable();
    return Object.assign(r, { loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6 });
  };
  await autocannon({ url: readUrl, connections: CONNECTIONS, duration: 2 });
  const idle = await read();
  const result = new Promise<{ done: number; ok: number }>((resolve) => worker.on('message', (m: { done?: number }) => m.done !== undefined && resolve(m as { done: number; ok: number })));
  worker.postMessage('go');
  const loaded = await read();
  worker.postMessage('stop');
  const { done, ok } = await result;

  // The sign-ins alone: main-thread busy time and socket writes to Postgres, per sign-in.
  const pgPort = scratch ? Number(new URL(scratch.url).port || 5432) : -1;
  let pgWrites = 0;
  const write = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (this.remotePort === pgPort) pgWrites++;
    return write.apply(this, args);
  } as Socket['write'];
  const costDone = new Promise<{ done: number; ok: number }>((resolve) => worker.once('message', resolve));
  const cpu0 = process.threadCpuUsage();
  const t0 = performance.now();
  worker.postMessage(COST_LOGINS);
  const cost = await costDone;
  const wall = performance.now() - t0;
  const cpu = process.threadCpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  Socket.prototype.write = write;
  await worker.terminate();
  const ratio = loaded.latency.p99 / Math.max(1, idle.latency.p99);
  const loop = (r: { loopP99: number; loopMax: number }) => `event-loop delay p99 ${r.loopP99.toFixed(1)} ms, max ${r.loopMax.toFixed(1)} ms`;
  console.log(`content read, idle:              p50 ${idle.latency.p50} ms, p99 ${idle.latency.p99} ms, ${Math.round(idle.requests.average)} req/s; ${loop(idle)}`);
  console.log(`content read, ${LOGINS} SSO sign-ins: p50 ${loaded.latency.p50} ms, p99 ${loaded.latency.p99} ms, ${Math.round(loaded.requests.average)} req/s; ${loop(loaded)}`);
  console.log(`SSO sign-ins completed: ${done} (${ok} ok) in ${DURATION} s`);
  console.log(`p99 ratio (under SSO sign-ins / idle): ${ratio.toFixed(2)}  target ≤ 2.00  ${ratio <= 2 ? 'OK' : 'MISSED'}`);
  console.log(
    `sign-ins alone (${cost.done}, ${cost.ok} ok, ${LOGINS} at once): main-thread CPU ${(cpuMs / cost.done).toFixed(2)} ms per sign-in (${Math.round(cpuMs)} ms in ${Math.round(wall)} ms), ` +
      (scratch ? `${(pgWrites / cost.done).toFixed(1)} socket writes to Postgres per sign-in` : 'PGlite: no Postgres socket'),
  );
  await server.close();
} finally {
  await database?.close();
  await scratch?.drop();
}
