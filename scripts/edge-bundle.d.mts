import type { BuildOptions } from 'esbuild';

/** esbuild options for the edge bundle (see edge-bundle.mjs). */
export function edgeBundleOptions(root: string): BuildOptions;
