/**
 * On Fastly every request runs in a fresh instance of the build-time snapshot and pays for what
 * module initialisation left in it: zod's modules and schemas cost ≈ 20–30 page faults per
 * request though a hit never validates anything (bench/viceroy-hit.ts, `faults_per_request`).
 * So zod is loaded only where settings are validated or a purge body is checked
 * (edge/config-load.ts, edge/app.ts), behind the lazy initialisers esbuild makes of `import()`.
 *
 * This test bundles the edge exactly as scripts/build-edge.mjs does and follows, from the
 * bundle's top level, every module initialiser that runs at build time: none may be zod's, nor
 * any schema module's. (The bundle still contains zod — scripts/edge-bundle.test.ts.)
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { edgeBundleOptions } from '../scripts/edge-bundle.mjs';

const root = resolve(import.meta.dirname, '..');

/** Source path (as esbuild names it in the bundle) of each lazy module initialiser, and the initialisers it calls. */
function initialisers(code: string): { top: string[]; modules: Map<string, { path: string; calls: string[] }> } {
  const modules = new Map<string, { path: string; calls: string[] }>();
  const decl = /^var (init_\w+) = __esm\(\{\n {2}"([^"]+)"\(\) \{\n([\s\S]*?)\n {2}\}\n\}\);$/gm;
  for (const m of code.matchAll(decl)) modules.set(m[1]!, { path: m[2]!, calls: [...m[3]!.matchAll(/\b(init_\w+)\(\)/g)].map((c) => c[1]!) });
  const top = [...code.matchAll(/^(init_\w+)\(\);$/gm)].map((m) => m[1]!);
  return { top, modules };
}

describe('edge snapshot: zod is not initialised at build time', () => {
  it('runs no zod or schema module initialiser from the bundle top level', async () => {
    const result = await build({ ...edgeBundleOptions(root), logLevel: 'silent', write: false });
    const code = result.outputFiles[0]!.text;
    const { top, modules } = initialisers(code);
    // The bundle does wrap modules lazily (so this test looks at the right thing): zod's among them.
    const lazyPaths = [...modules.values()].map((m) => m.path);
    expect(lazyPaths.some((p) => p.startsWith('node_modules/zod/'))).toBe(true);
    expect(lazyPaths).toEqual(expect.arrayContaining(['edge/settings.ts', 'edge/config-schema.ts', 'edge/purge.ts', 'shared/config.ts', 'edge/middleware/cors/config.ts']));
    expect(top.length).toBeGreaterThan(0);

    const reached = new Set<string>();
    const pending = [...top];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (reached.has(name)) continue;
      reached.add(name);
      pending.push(...(modules.get(name)?.calls ?? []));
    }
    const eager = [...reached].map((name) => modules.get(name)?.path ?? name);
    const schemaModules = new Set(['edge/settings.ts', 'edge/config.ts', 'edge/config-schema.ts', 'edge/purge.ts', 'shared/config.ts']);
    // Each middleware's config.ts is its settings' zod schema (the CORS helpers every request uses are cors/policy.ts).
    const isSchema = (p: string) => schemaModules.has(p) || (p.startsWith('edge/middleware/') && p.endsWith('/config.ts'));
    expect(eager.filter((p) => p.startsWith('node_modules/zod/') || isSchema(p))).toEqual([]);
  });
});
