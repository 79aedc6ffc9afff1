/**
 * Variants of a js-compute worker under Viceroy, measured in alternation: for finding what a
 * snapshot's contents cost per request (bench/viceroy-hit.ts's findings came from here). Each
 * argument is `name=entry.ts` (bundled as the edge is, compiled by js-compute-runtime) or
 * `name=file.wasm`; the first is the reference. Each worker answers VPATH (default: a keyed
 * content read, as the floor worker serves it) with 2xx, or 401 on /.edge/health (HEALTH).
 *
 *   npx tsx bench/viceroy-variants.ts floor=bench/viceroy-floor-worker.ts edge=bench/viceroy-floor-edge-snapshot.ts
 *
 * Prints per worker: rps against the first (median of BENCH_ROUNDS rounds of BENCH_SECONDS),
 * Viceroy's CPU ms per request, minor page faults per request (the load-independent measure),
 * and the module's size. A variant is typically the floor worker plus imports of what is being
 * weighed, kept reachable (`globalThis.x = …`) so the bundler keeps it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { edgeBundleOptions } from '../scripts/edge-bundle.mjs';
import { ROOT, findViceroy, freePort, startViceroy, type RunningViceroy } from '../scripts/viceroy.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 16;
const viceroy = findViceroy();
if (!viceroy) throw new Error('viceroy not found: cargo install viceroy --locked --version 0.20.1');
const dir = mkdtempSync(join(tmpdir(), 'ghee-variants-'));
writeFileSync(join(dir, 'fastly.toml'), 'manifest_version = 3\nname = "variants"\nlanguage = "javascript"\n[local_server]\n');

const variants = process.argv.slice(2).map((arg) => {
  const at = arg.indexOf('=');
  if (at <= 0) throw new Error(`expected name=entry.ts or name=file.wasm, got ${arg}`);
  const entry = arg.slice(at + 1);
  return { name: arg.slice(0, at), entry, wasm: entry.endsWith('.wasm') ? entry : join(dir, `${arg.slice(0, at)}.wasm`) };
});
if (variants.length < 2) throw new Error('give at least two variants (the first is the reference)');
for (const v of variants) {
  if (v.entry.endsWith('.wasm')) continue;
  const js = join(dir, `${v.name}.js`);
  await build({ ...edgeBundleOptions(ROOT), entryPoints: [join(ROOT, v.entry)], outfile: js, logLevel: 'warning' });
  execFileSync(join(ROOT, 'node_modules/.bin/js-compute-runtime'), [js, v.wasm], { stdio: 'ignore' });
}

/** Minor faults and CPU ms (user + system, 10 ms ticks) of a process so far. */
function usage(pid: number): { faults: number; cpuMs: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { faults: Number(fields[7]), cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
}

const path = process.env.VPATH ?? '/v2/pages/*/home/?auth_token=ghee_read_0123456789abcdefghijABCDEFGHIJklmnopqr_abcdef';
const running: RunningViceroy[] = [];
try {
  for (const v of variants) {
    running.push(await startViceroy({ viceroy, configFile: process.env.VCONFIG ?? join(dir, 'fastly.toml'), port: await freePort(), wasm: v.wasm, healthStatus: Number(process.env.HEALTH ?? 401) }));
  }
  for (const r of running) await autocannon({ url: `${r.url}${path}`, connections: CONNECTIONS, duration: 1 }); // warm-up
  const results = variants.map(() => ({ rps: [] as number[], cpuMs: [] as number[], faults: [] as number[] }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, r] of running.entries()) {
      const before = usage(r.child.pid!);
      const a = await autocannon({ url: `${r.url}${path}`, connections: CONNECTIONS, duration: DURATION });
      const after = usage(r.child.pid!);
      if (a.non2xx > 0 || a.errors > 0) throw new Error(`${variants[i]!.name}: ${a.non2xx} non-2xx, ${a.errors} errors`);
      const n = a.requests.total;
      results[i]!.rps.push(a.requests.average);
      results[i]!.cpuMs.push((after.cpuMs - before.cpuMs) / n);
      results[i]!.faults.push((after.faults - before.faults) / n);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [i, v] of variants.entries()) {
    const ratios = results[i]!.rps.map((rps, round) => rps / results[0]!.rps[round]!);
    console.log(
      JSON.stringify({
        variant: v.name,
        vs_first: Number(median(ratios).toFixed(2)),
        vs_first_rounds: ratios.map((x) => Number(x.toFixed(2))),
        rps: Math.round(median(results[i]!.rps)),
        cpu_ms_per_request: Number(median(results[i]!.cpuMs).toFixed(2)),
        faults_per_request: Math.round(median(results[i]!.faults)),
        wasm_bytes: statSync(v.wasm).size,
      }),
    );
  }
} finally {
  for (const r of running) await r.stop();
}
