/**
 * Node edge cache hit through the whole chain (secure headers, request id, CORS, HTTPS-only,
 * WAF, rate limit, API key, content cache) vs raw node:http serving the same bytes — measured
 * in one run on one machine. Target: ratio ≥ 0.5. `npx tsx bench/edge-hit.ts`
 *
 * Both servers run at once (each in its own process) and are measured in alternation, round
 * after round, so load from elsewhere on a shared machine falls on both alike; the ratio is the
 * median of the rounds' ratios (each round: edge rps / raw rps measured right before it).
 * BENCH_SECONDS per measurement (default 5), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (32).
 *
 * Also reported (Linux): CPU time each server process spent per request (user + system, from
 * /proc), and its ratio (raw / edge) — less sensitive than throughput to other load on the box.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import autocannon from 'autocannon';

const ROOT = resolve(import.meta.dirname, '..');
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface Server {
  child: ChildProcess;
  target: string;
}

async function start(mode: 'raw' | 'edge'): Promise<Server> {
  // node itself (not the tsx wrapper, which would leave the server running when killed).
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'bench/servers.ts'), mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) res(out.slice(0, nl));
    });
    child.once('exit', (code) => rej(new Error(`${mode} server exited ${code}`)));
  });
  const { url, path } = JSON.parse(line) as { url: string; path: string };
  return { child, target: url + path };
}

/** CPU seconds (user + system) a process has used so far, or NaN where /proc is not there. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return Number.NaN;
  }
}

interface Measured {
  rps: number;
  /** Server CPU microseconds per request. */
  cpuUs: number;
}

async function measure(mode: string, server: Server, duration: number): Promise<Measured> {
  const cpu = cpuSeconds(server.child.pid);
  const result = await autocannon({ url: server.target, connections: CONNECTIONS, duration });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${mode}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, cpuUs: ((cpuSeconds(server.child.pid) - cpu) * 1e6) / result.requests.total };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const servers: Server[] = [];
try {
  const raw = await start('raw');
  servers.push(raw);
  const edge = await start('edge');
  servers.push(edge);
  await measure('raw', raw, 2); // warm-up
  await measure('edge', edge, 2);
  const rounds: { raw: Measured; edge: Measured }[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push({ raw: await measure('raw', raw, DURATION), edge: await measure('edge', edge, DURATION) });
  const ratios = rounds.map((r) => r.edge.rps / r.raw.rps);
  const rawCpu = median(rounds.map((r) => r.raw.cpuUs));
  const edgeCpu = median(rounds.map((r) => r.edge.cpuUs));
  console.log(
    JSON.stringify({
      bench: 'node-edge-hit-vs-raw-node-http',
      seconds: DURATION,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      raw_rps: Math.round(median(rounds.map((r) => r.raw.rps))),
      edge_hit_rps: Math.round(median(rounds.map((r) => r.edge.rps))),
      ratio: Number(median(ratios).toFixed(2)),
      ratios: ratios.map((r) => Number(r.toFixed(2))),
      target: 0.5,
      raw_cpu_us_per_req: Number(rawCpu.toFixed(1)),
      edge_cpu_us_per_req: Number(edgeCpu.toFixed(1)),
      cpu_ratio: Number((rawCpu / edgeCpu).toFixed(2)),
    }),
  );
} finally {
  for (const s of servers) s.child.kill('SIGKILL');
}
