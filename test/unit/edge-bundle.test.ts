/**
 * The edge bundle must not contain classic zod. On Fastly every request runs in a fresh instance
 * of the Wizer snapshot, and the snapshot's heap is paid for on every request: classic `zod`
 * (with all its locales) was ~750 KB of a ~950 KB bundle and +0.6 ms of CPU per request, even
 * for a hello-world handler. Edge code uses `zod/mini` (and shared code the edge imports must too).
 */
import { resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { edgeBundleOptions } from '../../scripts/edge-bundle.mjs';

const root = resolve(import.meta.dirname, '../..');

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
