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
 * Sign-ins take their turn through ghee's admission (origin/identity/sso/admission.ts,
 * SSO_SIGN_IN_RATE units/s): the run measures the reads under the surge A/B on the same machine
 * in the same minute — on an origin with no rate bound (rate 0) and on one per rate in
 * BENCH_SSO_RATES (comma-separated; default SSO_SIGN_IN_RATE's default) — and prints the
 * trade-off: the surge's sign-ins per second, each sign-in's completion time (p50/p99, start to
 * session, its waits included), refusals (503), the admitted rate, and the share of the main
 * thread the sign-ins took (sign-ins/s × CPU per sign-in: hardly load-dependent). The machine's
 * load average is printed before and after: on a busy machine the p99s are noise.
 *
 * Then the sign-ins' own cost, without reads (BENCH_COST_LOGINS of them, 100 at once, no rate
 * bound): the server's main-thread CPU time per sign-in and per login start alone (the split of
 * admission.ts's START_COST / CALLBACK_COST) (`process.threadCpuUsage()`: this thread only — the
 * OP and the clients run in the worker — and CPU time, not wall time, so other programs on the
 * machine inflate it little) and its socket writes to Postgres per sign-in (≈ round trips: the
 * driver sends what is queued in one tick as one write). Unlike the p99 ratio, these hardly
 * depend on how busy the machine is.
 * `DATABASE_URL=postgres://… npx tsx bench/sso-login-load.ts` (PGlite without it).
 */
import { Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
import { START_COST } from '../origin/identity/sso/admission.js';
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
  const pct = (xs, p) => { const a = [...xs].sort((x, y) => x - y); return a.length ? a[Math.min(a.length - 1, Math.ceil((p / 100) * a.length) - 1)] : NaN; };
  // One sign-in as a browser makes it; { ms, ok, refused } (refused: a 503 at any step).
  const once = async (base, connectionId, i, startsOnly) => {
    const t0 = performance.now();
    const start = await fetch(base + '/v1/auth/sso/login/' + connectionId, { redirect: 'manual' });
    await start.arrayBuffer();
    if (start.status === 503) return { ms: performance.now() - t0, end: Date.now(), ok: false, refused: true };
    if (startsOnly) return { ms: performance.now() - t0, end: Date.now(), ok: start.status === 302, refused: false };
    const cookie = (start.headers.getSetCookie()[0] || '').split(';')[0];
    const authorize = new URL(start.headers.get('location')); authorize.searchParams.set('login_hint', 'user' + i);
    const back = await fetch(authorize, { redirect: 'manual' }); await back.arrayBuffer();
    const done1 = await fetch(back.headers.get('location'), { redirect: 'manual', headers: { cookie } });
    await done1.arrayBuffer();
    return { ms: performance.now() - t0, end: Date.now(), ok: done1.status === 302, refused: done1.status === 503 };
  };
  const summary = (results, wallMs) => ({
    done: results.length, ok: results.filter((r) => r.ok).length, refused: results.filter((r) => r.refused).length, wallMs,
    p50: pct(results.filter((r) => r.ok).map((r) => r.ms), 50), p99: pct(results.filter((r) => r.ok).map((r) => r.ms), 99),
    okEnds: results.filter((r) => r.ok).map((r) => r.end),
  });
  let stop = false;
  parentPort.on('message', async (m) => {
    if (m.cmd === 'stop') { stop = true; return; }
    if (m.cmd === 'close') { op.close(); parentPort.close(); return; }
    const results = [];
    const t0 = performance.now();
    if (m.cmd === 'load') {
      // workerData.logins browsers, each signing in again as soon as it is done, until 'stop'.
      stop = false;
      await Promise.all(Array.from({ length: workerData.logins }, async (_, i) => {
        while (!stop) { const r = await once(m.base, m.connectionId, i, false); results.push(r); if (r.refused) await new Promise((res) => setTimeout(res, 100)); }
      }));
    } else if (m.cmd === 'count') {
      // Exactly m.n sign-ins (or login starts alone), workerData.logins at once.
      let next = 0;
      await Promise.all(Array.from({ length: workerData.logins }, async (_, i) => { while (next < m.n) { next++; results.push(await once(m.base, m.connectionId, i, m.startsOnly)); } }));
    }
    parentPort.postMessage(summary(results, performance.now() - t0));
  });
})();
`;

const adminUrl = process.env.DATABASE_URL;
const scratch = adminUrl ? await scratchDatabase(adminUrl) : null;
let database: Database | null = null;

interface Run {
  done: number;
  ok: number;
  refused: number;
  wallMs: number;
  p50: number;
  p99: number;
  /** When each successful sign-in ended (Date.now()). */
  okEnds: number[];
}

try {
  const opPort = await freePort();
  // Origins on the one database, in this process: the first without a rate bound (rate 0: only
  // the per-connection cap of in-flight steps), then one per rate measured (BENCH_SSO_RATES,
  // comma-separated; default: SSO_SIGN_IN_RATE's default) — an A/B in the same minute.
  const rates = (process.env.BENCH_SSO_RATES ?? String(loadOriginConfig({}).SSO_SIGN_IN_RATE)).split(',').map((r) => r.trim());
  const ports: number[] = [];
  for (let i = 0; i <= rates.length; i++) ports.push(await freePort());
  const bases = ports.map((p) => `http://127.0.0.1:${p}`);
  const configFor = (i: number, rate: string) =>
    loadOriginConfig({
      ORIGIN_PORT: String(ports[i]),
      PUBLIC_APP_URL: bases[i]!,
      SSO_ALLOW_LOOPBACK: 'true',
      // Every sign-in comes from one address here: the origin's per-address limits would refuse most.
      ORIGIN_RATE_LIMIT: 'false',
      LOG_LEVEL: 'silent',
      HIBP_URL: 'off',
      DATABASE_POOL_MAX: '20',
      SSO_SIGN_IN_RATE: rate,
      ...(scratch ? { DATABASE_URL: scratch.url, DATABASE_SSLMODE: 'disable' } : { PGLITE_DIR: 'memory://' }),
    });
  const configs = ['0', ...rates].map((r, i) => configFor(i, r));
  database = await createDatabase(configs[0]!);
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
  const servers = [];
  for (const config of configs) servers.push(await listen(newApp({ config, database, logger, envelope, mail: new MemoryTransport() }), config, logger));

  const worker = new Worker(WORKER, { eval: true, workerData: { opPort, clientId, logins: LOGINS } });
  await new Promise((r) => worker.once('message', r));
  const ask = (m: object) =>
    new Promise<Run>((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(m);
    });
  const readUrl = (i: number) => `${bases[i]}/v2/pages/*/home/?auth_token=${seed.keys.read}`;
  // The main thread's event-loop delay during each phase: how long a ready read waited for the
  // thread (sign-ins' own work shows here; a tail the loop does not show is the machine's CPU or
  // the database, not the event loop).
  const read = async (i: number) => {
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const r = await autocannon({ url: readUrl(i), connections: CONNECTIONS, duration: DURATION });
    loop.disable();
    return Object.assign(r, { loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6 });
  };
  /** Reads on origin i while LOGINS browsers sign in there again and again. */
  const underSignIns = async (i: number) => {
    const surge = ask({ cmd: 'load', base: bases[i], connectionId: connection.id });
    // Let the surge reach its steady state (the admission's queue fills) before measuring.
    await new Promise((r) => setTimeout(r, 1000));
    const from = Date.now();
    const r = await read(i);
    const to = Date.now();
    worker.postMessage({ cmd: 'stop' });
    const signIns = await surge;
    // Sign-ins per second while the reads were measured (not the ramp, not the drain after 'stop').
    return { reads: r, signIns, perS: signIns.okEnds.filter((t) => t >= from && t <= to).length / ((to - from) / 1000) };
  };
  const loadAvg = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  const loadBefore = loadAvg();

  await autocannon({ url: readUrl(1), connections: CONNECTIONS, duration: 2 });
  const idle = await read(1);
  const runs = [];
  for (let i = 0; i < configs.length; i++) runs.push({ rate: configs[i]!.SSO_SIGN_IN_RATE, ...(await underSignIns(i)) });

  // The sign-ins alone, no rate bound (origin A): main-thread busy time and socket writes to
  // Postgres per sign-in; then the login starts alone (the split of the unit's cost).
  const pgPort = scratch ? Number(new URL(scratch.url).port || 5432) : -1;
  let pgWrites = 0;
  const write = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (this.remotePort === pgPort) pgWrites++;
    return write.apply(this, args);
  } as Socket['write'];
  const cpuOf = async (m: object) => {
    const cpu0 = process.threadCpuUsage();
    const r = await ask(m);
    const cpu = process.threadCpuUsage(cpu0);
    return { r, ms: (cpu.user + cpu.system) / 1000 };
  };
  const cost = await cpuOf({ cmd: 'count', n: COST_LOGINS, base: bases[0], connectionId: connection.id });
  const writesPerSignIn = pgWrites / cost.r.done;
  Socket.prototype.write = write;
  const starts = await cpuOf({ cmd: 'count', n: COST_LOGINS, base: bases[0], connectionId: connection.id, startsOnly: true });
  const loadAfter = loadAvg();
  worker.postMessage({ cmd: 'close' });
  await worker.terminate();

  const cpuPerSignIn = cost.ms / cost.r.done;
  const cpuPerStart = starts.ms / starts.r.done;
  const ratio = (r: { latency: { p99: number } }) => r.latency.p99 / Math.max(1, idle.latency.p99);
  const loop = (r: { loopP99: number; loopMax: number }) => `event-loop delay p99 ${r.loopP99.toFixed(1)} ms, max ${r.loopMax.toFixed(1)} ms`;
  const readLine = (label: string, r: typeof idle) => `${label} p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${Math.round(r.requests.average)} req/s; ${loop(r)}`;
  const signInLine = (label: string, s: Run, perS: number) => {
    return (
      `${label} ${perS.toFixed(1)} sign-ins/s while reads ran (${s.ok} ok, ${s.refused} refused 503, of ${s.done} in all); completion (start → session, waits included) p50 ${Math.round(s.p50)} ms, p99 ${Math.round(s.p99)} ms; ` +
      `main-thread share ≈ ${((perS * cpuPerSignIn) / 10).toFixed(0)}% (sign-ins/s × ${cpuPerSignIn.toFixed(2)} ms)`
    );
  };
  console.log(`SSO sign-in load — ${LOGINS} browsers signing in again and again, reads ${CONNECTIONS} connections × ${DURATION} s; load average before ${loadBefore}, after ${loadAfter} (${cpus().length} CPUs)`);
  const label = (rate: number) => (rate === 0 ? 'no rate bound (rate 0)' : `SSO_SIGN_IN_RATE ${rate}`).padEnd(22);
  console.log(readLine(`content read, idle:                                `, idle));
  for (const r of runs) console.log(readLine(`content read, sign-ins, ${label(r.rate)}:`, r.reads));
  for (const r of runs) {
    console.log(signInLine(`sign-ins, ${label(r.rate)}:`, r.signIns, r.perS));
    if (r.rate > 0) console.log(`  admitted rate: ${r.perS.toFixed(1)} units/s of ${r.rate} (one OIDC sign-in = 1 unit; below the rate = the browsers or the IdP were the bound)`);
  }
  for (const r of runs) {
    const x = ratio(r.reads);
    console.log(`p99 ratio (under sign-ins / idle), ${label(r.rate)}: ${x.toFixed(2)}  target ≤ 2.00  ${x <= 2 ? 'OK' : 'MISSED'}`);
  }
  console.log(
    `sign-ins alone (${cost.r.done}, ${cost.r.ok} ok, ${LOGINS} at once, no rate bound): main-thread CPU ${cpuPerSignIn.toFixed(2)} ms per sign-in (${Math.round(cost.ms)} ms in ${Math.round(cost.r.wallMs)} ms), ` +
      (scratch ? `${writesPerSignIn.toFixed(1)} socket writes to Postgres per sign-in` : 'PGlite: no Postgres socket'),
  );
  console.log(
    `login starts alone (${starts.r.done}, ${starts.r.ok} ok): ${cpuPerStart.toFixed(2)} ms each = ${(cpuPerStart / cpuPerSignIn).toFixed(2)} of a sign-in (admission.ts START_COST ${START_COST}; the callback the rest)`,
  );
  for (const s of servers) await s.close();
} finally {
  await database?.close();
  await scratch?.drop();
}
