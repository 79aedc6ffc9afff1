/**
 * Node edge cache hit through the whole chain (secure headers, request id, CORS, HTTPS-only,
 * WAF, rate limit, API key, content cache) vs raw node:http serving the same bytes — measured
 * in one run on one machine. Target: ratio ≥ 0.5. `npx tsx bench/edge-hit.ts`
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import autocannon from 'autocannon';

const ROOT = resolve(import.meta.dirname, '..');
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

async function measure(mode: 'raw' | 'edge'): Promise<number> {
  // node itself (not the tsx wrapper, which would leave the server running when killed).
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'bench/servers.ts'), mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((res, rej) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) res(out.slice(0, nl));
      });
      child.once('exit', (code) => rej(new Error(`server exited ${code}`)));
    });
    const { url, path } = JSON.parse(line) as { url: string; path: string };
    await autocannon({ url: url + path, connections: CONNECTIONS, duration: 2 }); // warm-up
    const result = await autocannon({ url: url + path, connections: CONNECTIONS, duration: DURATION });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${mode}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return result.requests.average;
  } finally {
    child.kill('SIGKILL');
  }
}

const raw = await measure('raw');
const edge = await measure('edge');
console.log(JSON.stringify({ bench: 'node-edge-hit-vs-raw-node-http', seconds: DURATION, connections: CONNECTIONS, raw_rps: Math.round(raw), edge_hit_rps: Math.round(edge), ratio: Number((edge / raw).toFixed(2)), target: 0.5 }));
