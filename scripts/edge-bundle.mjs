// esbuild options for the edge bundle (edge/index.ts → one ESM file for js-compute-runtime):
// used by scripts/build-edge.mjs and by scripts/edge-bundle.test.ts, so the test inspects
// exactly what is built.
import { resolve } from 'node:path';

/** @param {string} root the repository root */
export function edgeBundleOptions(root) {
  return {
    entryPoints: [resolve(root, 'edge/index.ts')],
    absWorkingDir: root,
    bundle: true,
    format: /** @type {const} */ ('esm'),
    platform: /** @type {const} */ ('neutral'),
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['fastly'],
    external: ['fastly:*'],
    legalComments: /** @type {const} */ ('none'),
    // edge/profile.ts: step timings only in the bench's profiling build (BENCH_PROFILE=1)
    define: { GHEE_PROFILE: 'false' },
  };
}
