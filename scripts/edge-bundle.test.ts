/**
 * The edge bundle must not contain classic zod. On Fastly every request runs in a fresh instance
 * of the Wizer snapshot, and the snapshot's heap is paid for on every request: classic `zod`
 * (with all its locales) was ~750 KB of a ~950 KB bundle and +0.6 ms of CPU per request, even
 * for a hello-world handler. Edge code uses `zod/mini` (and shared code the edge imports must too).
 *
 * Nor any in-memory twin (edge/platform/memory/, shared/memory-rates.ts): those are Node's
 * platform for tests and `npm start`. The build-time warm-up runs over the Fastly adapter's own
 * item encoding instead (edge/platform/fastly/build-time.ts).
 */
import { resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { edgeBundleOptions } from './edge-bundle.mjs';

const root = resolve(import.meta.dirname, '..');

/**
 * Bytes of bundle output per input file, bundled with scripts/build-edge.mjs's options (without writing),
 * keyed by the path from `node_modules/` on (esbuild names files relative to the working
 * directory, after following symlinks: a linked node_modules gives `../…/node_modules/…`).
 */
let inputs: Record<string, number>;

beforeAll(async () => {
  const result = await build({ ...edgeBundleOptions(root), logLevel: 'silent', write: false, metafile: true });
  const [output] = Object.values((result.metafile as Metafile).outputs);
  inputs = Object.fromEntries(Object.entries(output!.inputs).map(([path, { bytesInOutput }]) => [path.slice(Math.max(0, path.lastIndexOf('node_modules/'))), bytesInOutput]));
});

const zodFiles = () => Object.keys(inputs).filter((path) => path.startsWith('node_modules/zod/'));

describe('edge bundle', () => {
  it('bundles zod (mini), so this test looks at the right thing', () => {
    expect(zodFiles().some((path) => path.startsWith('node_modules/zod/v4/mini/'))).toBe(true);
  });

  it('contains no classic zod (import zod/mini in edge code, never "zod")', () => {
    expect(zodFiles().filter((path) => path.startsWith('node_modules/zod/v4/classic/') || path.startsWith('node_modules/zod/v3/'))).toEqual([]);
  });

  it('contains no zod locale but English', () => {
    expect(zodFiles().filter((path) => path.startsWith('node_modules/zod/v4/locales/') && !/\/(en|index)\.js$/.test(path))).toEqual([]);
  });

  it('keeps zod small (~65 KB today; classic zod was ~750 KB)', () => {
    const bytes = zodFiles().reduce((sum, path) => sum + inputs[path]!, 0);
    expect(bytes).toBeLessThan(150_000);
  });
});

/** Source files of this repository in the bundle (paths from the repository root). */
const ownFiles = () => Object.keys(inputs).filter((path) => !path.startsWith('node_modules/'));

describe('edge bundle: platform', () => {
  it('bundles the Fastly adapter and the build-time warm-up platform, so this test looks at the right thing', () => {
    expect(ownFiles()).toEqual(expect.arrayContaining(['edge/index.ts', 'edge/platform/fastly/platform.ts', 'edge/platform/fastly/build-time.ts', 'edge/warmup.ts']));
  });

  it('contains no in-memory twin (edge/platform/memory/, shared/memory-rates.ts) and no Node server', () => {
    expect(ownFiles().filter((path) => path.startsWith('edge/platform/memory/') || path === 'shared/memory-rates.ts' || path.startsWith('edge/node/'))).toEqual([]);
  });
});
