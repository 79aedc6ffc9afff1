// `npm run fastly -- <args>`: the Fastly CLI binary from npm.
// The registry this project builds against serves only the linux-x64 build of @fastly/cli's
// platform packages, so the project depends on that package directly (optional, so other
// platforms still install) instead of the @fastly/cli wrapper, whose other platform
// dependencies `npm ci` could not resolve. Elsewhere, install the CLI yourself and use `fastly`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let binary = null;
try {
  binary = join(dirname(require.resolve('@fastly/cli-linux-x64/package.json')), 'fastly');
} catch {
  binary = null;
}
if (!binary || !existsSync(binary)) {
  console.error('The Fastly CLI for this platform is not installed; install it (e.g. npm i -g @fastly/cli) and run `fastly` directly.');
  process.exit(1);
}
const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status ?? 1);
