/**
 * Where a compiled edge hit's cost lies under Viceroy, beside bench/viceroy-hit.ts (issue 19).
 * The edge is built several times from the same source, each build answering the hit with a
 * fixed 200 at one point of the hit path (edge/hit-path.ts, cut after one of its profile marks:
 * the build-time bundle is rewritten, the source is not), so each step's cost is the difference
 * between two consecutive builds — page faults and the CPU of the Viceroy process per request,
 * which hold whatever the machine's load, and the rate against the floor worker
 * (bench/viceroy-floor-worker.ts) in the same rounds. The first build answers before the hit
 * path does anything: what a request costs in the edge's snapshot alone.
 *
 * Also measured, with js-compute's reusable sandboxes (fastly:experimental
 * setReusableSandboxOptions, maxRequests 0: one instance serves request after request): the edge
 * and the floor, both as they are otherwise. Not what the edge ships (each request in its own
 * instance is the isolation ghee keeps), but the other runtime mode that bounds what the issue's
 * ratio can be.
 *
 *   npx tsx bench/viceroy-hit-anatomy.ts        (BENCH_ROUNDS, default 3; BENCH_SECONDS, default 4)
 *
 * Prints one JSON line per worker, then one summary line. Needs Viceroy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import autocannon from 'autocannon';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { edgeBundleOptions } from '../scripts/edge-bundle.mjs';
import { ROOT, findViceroy, freePort, startViceroy, writeViceroyConfig, type RunningViceroy } from '../scripts/viceroy.js';
import { startTestOrigin } from '../test/helpers/stack.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 16;
const viceroy = findViceroy();
if (!viceroy) throw new Error('viceroy not found: cargo install viceroy --locked --version 0.20.1');
const dir = mkdtempSync(join(tmpdir(), 'ghee-anatomy-'));

/** The hit path's marks a build may answer after ('entry': before the hit path does anything), in order. */
const CUTS = ['entry', 'settings', 'target', 'waf', 'key', 'content', 'request id'] as const;
const CUT_OUTCOME = `
const CUT_BODY = new TextEncoder().encode('{"data":{"slug":"home"}}');
const cutOutcome = () => ({ served: true, status: 200, headers: () => ['content-type', 'application/json'], headerList: () => [['content-type', 'application/json']], body: CUT_BODY });
`;

/** edge/hit-path.ts answering a fixed 200 right after the mark `cut`. Throws if the mark is gone (the bench is then out of date). */
function cutPlugin(cut: (typeof CUTS)[number]): Plugin {
  return {
    name: 'cut-hit-path',
    setup(b) {
      b.onLoad({ filter: /[\\/]edge[\\/]hit-path\.ts$/ }, (args) => {
        let source = readFileSync(args.path, 'utf8');
        const at = cut === 'entry' ? "if (!lookupFresh) return declined('platform has no fresh lookup');" : `mark('${cut}');`;
        const i = source.indexOf(at);
        if (i === -1 || source.indexOf(at, i + 1) !== -1) throw new Error(`edge/hit-path.ts: expected exactly one ${at}`);
        const insert = cut === 'entry' ? 'return cutOutcome();\n' : '\nreturn cutOutcome();';
        source = cut === 'entry' ? source.slice(0, i) + insert + source.slice(i) : source.slice(0, i + at.length) + insert + source.slice(i + at.length);
        return { contents: `${source}\n${CUT_OUTCOME}`, loader: 'ts', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** A worker entry with reusable sandboxes switched on at build time. */
function reusing(entry: string): BuildOptions {
  return {
    stdin: {
      contents: `import { setReusableSandboxOptions } from 'fastly:experimental';\nimport ${JSON.stringify(join(ROOT, entry))};\nsetReusableSandboxOptions({ maxRequests: 0 });\n`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    entryPoints: undefined,
  };
}

interface Worker {
  name: string;
  options: BuildOptions;
  health: number;
}
const workers: Worker[] = [
  { name: 'floor', options: { entryPoints: [join(ROOT, 'bench/viceroy-floor-worker.ts')] }, health: 401 },
  ...CUTS.map((cut) => ({ name: `edge cut after ${cut}`, options: { plugins: [cutPlugin(cut)] }, health: 200 })),
  { name: 'edge', options: {}, health: 200 },
  { name: 'floor, reusable sandbox', options: reusing('bench/viceroy-floor-worker.ts'), health: 401 },
  { name: 'edge, reusable sandbox', options: reusing('edge/index.ts'), health: 200 },
];
for (const [i, w] of workers.entries()) {
  await build({ ...edgeBundleOptions(ROOT), ...w.options, outfile: join(dir, `w${i}.js`), logLevel: 'warning' });
  execFileSync(join(ROOT, 'node_modules/.bin/js-compute-runtime'), [join(dir, `w${i}.js`), join(dir, `w${i}.wasm`)], { stdio: 'ignore' });
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
function usage(pid: number): { faults: number; cpuMs: number } {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { faults: Number(f[7]), cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS };
}

const origin = await startTestOrigin({ LOG_LEVEL: 'silent' });
const configFile = writeViceroyConfig({ originUrl: origin.server.url, secret: origin.secret, settings: { https_only: false, rate_limits: { enabled: false } } });
const path = `/v2/pages/*/home/?auth_token=${origin.seed.keys.read}`;
const running: RunningViceroy[] = [];
try {
  for (const [i, w] of workers.entries()) {
    running.push(await startViceroy({ viceroy, configFile, port: await freePort(), wasm: join(dir, `w${i}.wasm`), healthStatus: w.health }));
  }
  for (const r of running) {
    await fetch(`${r.url}${path}`); // fills the cache (the edge's miss; the floor's inserts)
    await autocannon({ url: `${r.url}${path}`, connections: CONNECTIONS, duration: 1 });
  }
  const results = workers.map(() => ({ rps: [] as number[], cpuMs: 0, faults: 0, requests: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    // each round starts one worker later, so whatever the machine does at one point of a round falls on all
    for (let k = 0; k < running.length; k++) {
      const i = (round + k) % running.length;
      const r = running[i]!;
      const before = usage(r.child.pid!);
      const a = await autocannon({ url: `${r.url}${path}`, connections: CONNECTIONS, duration: DURATION });
      const after = usage(r.child.pid!);
      if (a.non2xx > 0 || a.errors > 0) throw new Error(`${workers[i]!.name}: ${a.non2xx} non-2xx, ${a.errors} errors`);
      const res = results[i]!;
      res.rps.push(a.requests.average);
      res.cpuMs += after.cpuMs - before.cpuMs;
      res.faults += after.faults - before.faults;
      res.requests += a.requests.total;
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const floor = results[0]!;
  const rows = workers.map((w, i) => {
    const r = results[i]!;
    return {
      worker: w.name,
      vs_floor: Number(median(r.rps.map((rps, round) => rps / floor.rps[round]!)).toFixed(2)),
      process_cpu_ms_per_request: Number((r.cpuMs / r.requests).toFixed(2)),
      faults_per_request: Math.round(r.faults / r.requests),
    };
  });
  for (const row of rows) console.log(JSON.stringify({ bench: 'viceroy-hit-anatomy', ...row }));
  const byName = new Map(rows.map((r) => [r.worker, r]));
  const entry = byName.get('edge cut after entry')!;
  const edge = byName.get('edge')!;
  console.log(
    `the edge's snapshot answering at once: ${entry.vs_floor}x the floor (${entry.process_cpu_ms_per_request} ms CPU, ${entry.faults_per_request} faults per request; ` +
      `the floor's whole hit ${rows[0]!.process_cpu_ms_per_request} ms, ${rows[0]!.faults_per_request}); the edge's hit ${edge.vs_floor}x; ` +
      `reusable sandboxes: edge ${byName.get('edge, reusable sandbox')!.vs_floor}x, floor ${byName.get('floor, reusable sandbox')!.vs_floor}x the floor; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
} finally {
  for (const r of running) await r.stop();
  await origin.stop();
}
