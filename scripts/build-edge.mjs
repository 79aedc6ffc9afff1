// Bundles edge/index.ts with esbuild and compiles it to bin/main.wasm with js-compute-runtime.
import { build } from 'esbuild';
import { edgeBundleOptions } from './edge-bundle.mjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(resolve(root, 'bin'), { recursive: true });
const started = Date.now();
await build({
  ...edgeBundleOptions(root),
  outfile: resolve(root, 'bin/index.js'),
  logLevel: 'warning',
});
execFileSync(resolve(root, 'node_modules/.bin/js-compute-runtime'), [resolve(root, 'bin/index.js'), resolve(root, 'bin/main.wasm')], {
  stdio: 'inherit',
  cwd: root,
});
console.log(`built bin/main.wasm in ${((Date.now() - started) / 1000).toFixed(1)}s`);
