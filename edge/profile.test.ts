import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { edgeBundleOptions } from '../scripts/edge-bundle.mjs';
import { beginProfile, mark, profileSteps, profiling } from './profile.js';

const root = resolve(import.meta.dirname, '..');

async function bundle(define?: Record<string, string>): Promise<string> {
  const result = await build({ ...edgeBundleOptions(root), ...(define ? { define } : {}), logLevel: 'silent', write: false });
  return result.outputFiles[0]!.text;
}

describe('edge/profile (hit-path step timings for BENCH_PROFILE=1)', () => {
  it('is off on Node: marks record nothing', () => {
    expect(profiling).toBe(false);
    beginProfile();
    mark('settings');
    expect(profileSteps()).toEqual({});
  });

  it('is off in the edge bundle (GHEE_PROFILE defined false) and on only in the profiling build', async () => {
    const production = await bundle();
    expect(production).toMatch(/\bvar profiling = false;/);
    const profilingBuild = await bundle({ GHEE_PROFILE: 'true' });
    expect(profilingBuild).toMatch(/\bvar profiling = true;/);
  });
});
